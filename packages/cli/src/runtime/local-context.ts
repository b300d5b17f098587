import { resolve } from "node:path";
import { HttpFeedFetcher, LocalEventBus, type DynamoReleaseStore, type RequestCounter } from "@pressbridge/adapters";
import { ROUTES, systemClock, type Clock, type Logger, type PressbridgeConfig } from "@pressbridge/core";
import { loadConfigFile, DEFAULT_CONFIG_FILE } from "../config-file.ts";
import type { CommandArgs } from "../main.ts";
import { DEFAULT_DATA_DIR, openLocalStore } from "./local-store.ts";

/** Everything a local command needs, wired from real adapters. */
export interface LocalContext {
  config: PressbridgeConfig;
  dataDir: string;
  store: DynamoReleaseStore;
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

export function configFrom(args: CommandArgs): PressbridgeConfig {
  return loadConfigFile(typeof args.config === "string" ? args.config : DEFAULT_CONFIG_FILE);
}

/** Opens the store (reusing a running one for the data dir) and wires the adapters. */
export async function openLocalContext(options: {
  config: PressbridgeConfig;
  dataDir: string;
  logger: Logger;
  counter?: RequestCounter;
}): Promise<LocalContext> {
  const opened = await openLocalStore({
    dataDir: options.dataDir,
    logger: options.logger,
    ...(options.counter ? { counter: options.counter } : {}),
  });
  const fetcher = new HttpFeedFetcher({ allowPrivateHosts: options.config.security.allowPrivateFeedHosts });
  const bus = new LocalEventBus({ routes: ROUTES, logger: options.logger });
  return {
    config: options.config,
    dataDir: options.dataDir,
    store: opened.store,
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
}
