import { dirname, resolve } from "node:path";
import {
  DynamoPlanStore,
  FileMediaLists,
  HttpFeedFetcher,
  LocalEventBus,
  type DynamoReleaseStore,
  type RequestCounter,
} from "@pressbridge/adapters";
import { ROUTES, systemClock, type Clock, type Logger, type PressbridgeConfig } from "@pressbridge/core";
import { loadConfigFile, DEFAULT_CONFIG_FILE } from "../config-file.ts";
import type { CommandArgs } from "../main.ts";
import { subscribeLocalConsumers } from "./local-consumers.ts";
import { DEFAULT_DATA_DIR, openLocalStore } from "./local-store.ts";

/** Everything a local command needs, wired from real adapters. */
export interface LocalContext {
  config: PressbridgeConfig;
  dataDir: string;
  store: DynamoReleaseStore;
  plans: DynamoPlanStore;
  mediaLists: FileMediaLists;
  fetcher: HttpFeedFetcher;
  bus: LocalEventBus;
  clock: Clock;
  logger: Logger;
  endpoint: string;
  close(): Promise<void>;
}

export function dataDirFrom(args: CommandArgs): string {
  return resolve(typeof args["data-dir"] === "string" ? args["data-dir"] : DEFAULT_DATA_DIR);
}

export function configPathFrom(args: CommandArgs): string {
  return resolve(typeof args.config === "string" ? args.config : DEFAULT_CONFIG_FILE);
}

export function configFrom(args: CommandArgs): PressbridgeConfig {
  return loadConfigFile(configPathFrom(args));
}

/**
 * Opens the store (reusing a running one for the data dir), wires the adapters, and subscribes every
 * consumer of the routes table to the in-process bus, so a local poll runs the whole flow.
 */
export async function openLocalContext(options: {
  config: PressbridgeConfig;
  /** Directory that relative paths in the config (media lists) are resolved against. */
  configDir?: string;
  dataDir: string;
  logger: Logger;
  counter?: RequestCounter;
}): Promise<LocalContext> {
  const opened = await openLocalStore({
    dataDir: options.dataDir,
    logger: options.logger,
    ...(options.counter ? { counter: options.counter } : {}),
  });
  const plans = new DynamoPlanStore({
    client: opened.client,
    tableName: opened.store.tableName,
    ...(options.counter ? { counter: options.counter } : {}),
  });
  const fetcher = new HttpFeedFetcher({ allowPrivateHosts: options.config.security.allowPrivateFeedHosts });
  const bus = new LocalEventBus({ routes: ROUTES, logger: options.logger });
  const ctx: LocalContext = {
    config: options.config,
    dataDir: options.dataDir,
    store: opened.store,
    plans,
    mediaLists: new FileMediaLists({ config: options.config, baseDir: options.configDir ?? process.cwd(), logger: options.logger }),
    fetcher,
    bus,
    clock: systemClock,
    logger: options.logger,
    endpoint: opened.endpoint,
    close: async () => {
      await bus.drain();
      fetcher.destroy();
      await opened.close();
    },
  };
  subscribeLocalConsumers(ctx);
  return ctx;
}

export function configDirFrom(args: CommandArgs): string {
  return dirname(configPathFrom(args));
}
