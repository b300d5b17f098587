import { dirname, resolve } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DurableLocalBus,
  DynamoApprovalStore,
  DynamoDeliveryStore,
  DynamoPlanStore,
  DynamoPublicationStore,
  FileDeliveryQueue,
  FileMediaLists,
  createMailerFromEnv,
  createPublisherDirectory,
  parseFeedInWorker,
  type ConfiguredMailer,
  type DynamoReleaseStore,
  type LocalBus,
  type RequestCounter,
} from "@pressbridge/adapters";
import {
  ROUTES,
  approversFromConfig,
  systemClock,
  type Clock,
  type CredentialSource,
  type Logger,
  type PollDeps,
  type PressbridgeConfig,
  type PublishDeps,
  type PublisherDirectory,
  type ReviewDeps,
  type SigningKeys,
  type SweepDeps,
} from "@pressbridge/core";
import { loadLocalCredentials, platformBaseUrls } from "./local-credentials.ts";
import { loadSigningKeys } from "./local-secrets.ts";
import { loadConfigFile, DEFAULT_CONFIG_FILE } from "../config-file.ts";
import type { CommandArgs } from "../main.ts";
import { subscribeLocalConsumers } from "./local-consumers.ts";
import { DEFAULT_DATA_DIR, openLocalStore } from "./local-store.ts";
import { TrustedOriginFetcher, type ClosableFeedFetcher } from "./trusted-origin-fetcher.ts";

/** Everything a local command needs, wired from real adapters. */
export interface LocalContext {
  config: PressbridgeConfig;
  dataDir: string;
  store: DynamoReleaseStore;
  plans: DynamoPlanStore;
  approvals: DynamoApprovalStore;
  publications: DynamoPublicationStore;
  publishers: PublisherDirectory;
  credentials: { source: CredentialSource; description: string };
  mediaLists: FileMediaLists;
  mail: ConfiguredMailer;
  outboxDir: string;
  keys: SigningKeys;
  /** Where review links point: the running web app of this data dir. */
  baseUrl: string;
  fetcher: ClosableFeedFetcher;
  /** Durable: undelivered events live in <data-dir>/bus until their consumers succeed (docs/delivery.md). */
  bus: LocalBus;
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
 * consumer of the routes table to the in-process bus, so a local poll runs the whole flow. The bus
 * keeps what it could not deliver under <data-dir>/bus, so a later process of the data dir
 * (`start`, the next poll) finishes it.
 */
export async function openLocalContext(options: {
  config: PressbridgeConfig;
  /** Directory that relative paths in the config (media lists) are resolved against. */
  configDir?: string;
  dataDir: string;
  logger: Logger;
  counter?: RequestCounter;
  /** The web app's URL when this process serves it (start); otherwise read from the data dir. */
  baseUrl?: string;
  /** Exact origins (the demo wire's http://127.0.0.1:<port>) fetched even though they are loopback. */
  trustedFeedOrigins?: readonly string[];
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
  const approvals = new DynamoApprovalStore({
    client: opened.client,
    tableName: opened.store.tableName,
    ...(options.counter ? { counter: options.counter } : {}),
  });
  const publications = new DynamoPublicationStore({
    client: opened.client,
    tableName: opened.store.tableName,
    ...(options.counter ? { counter: options.counter } : {}),
  });
  const baseUrls = platformBaseUrls();
  const outboxDir = join(options.dataDir, "outbox");
  const mail = createMailerFromEnv(process.env, { outboxDir, from: "approvals@pressbridge.local" });
  const fetcher = new TrustedOriginFetcher({
    allowPrivateHosts: options.config.security.allowPrivateFeedHosts,
    trustedOrigins: options.trustedFeedOrigins ?? [],
  });
  const bus = new DurableLocalBus({ routes: ROUTES, queue: new FileDeliveryQueue({ dir: join(options.dataDir, "bus") }), logger: options.logger });
  const ctx: LocalContext = {
    config: options.config,
    dataDir: options.dataDir,
    store: opened.store,
    plans,
    approvals,
    publications,
    publishers: createPublisherDirectory(baseUrls === undefined ? {} : { baseUrls }),
    credentials: loadLocalCredentials(options.dataDir, options.logger),
    mail,
    outboxDir,
    keys: loadSigningKeys(options.dataDir),
    baseUrl: options.baseUrl ?? baseUrlFor(options.dataDir),
    mediaLists: new FileMediaLists({ config: options.config, baseDir: options.configDir ?? process.cwd(), logger: options.logger }),
    fetcher,
    bus,
    clock: systemClock,
    logger: options.logger,
    endpoint: opened.endpoint,
    close: async () => {
      await bus.close();
      fetcher.destroy();
      await mail.close();
      await opened.close();
    },
  };
  subscribeLocalConsumers(ctx);
  return ctx;
}

export function configDirFrom(args: CommandArgs): string {
  return dirname(configPathFrom(args));
}

/** The URL a running `start` recorded for this data dir, else PRESSBRIDGE_BASE_URL, else port 3000. */
export function baseUrlFor(dataDir: string): string {
  if (process.env.PRESSBRIDGE_BASE_URL) return process.env.PRESSBRIDGE_BASE_URL.replace(/\/+$/, "");
  const file = join(dataDir, "web.json");
  if (existsSync(file)) {
    try {
      return (JSON.parse(readFileSync(file, "utf8")) as { url: string }).url;
    } catch {
      // fall through to the default
    }
  }
  return "http://127.0.0.1:3000";
}

/** The poll use case's dependencies from a local context. */
export function pollDeps(ctx: LocalContext, extra: Partial<PollDeps> = {}): PollDeps {
  return {
    config: ctx.config,
    fetcher: ctx.fetcher,
    feedStates: ctx.store,
    releases: ctx.store,
    bus: ctx.bus,
    clock: ctx.clock,
    parse: parseFeedInWorker,
    logger: ctx.logger,
    ...extra,
  };
}

/** The delivery sweep's dependencies from a local context. */
export function sweepDeps(ctx: LocalContext): SweepDeps {
  const delivery = new DynamoDeliveryStore({ client: ctx.store.client, tableName: ctx.store.tableName });
  return { releases: ctx.store, plans: ctx.plans, delivery, bus: ctx.bus, clock: ctx.clock, logger: ctx.logger };
}

/** The review use cases' dependencies from a local context; a decision checks the config's current approvers. */
export function reviewDeps(ctx: LocalContext): ReviewDeps {
  return { plans: ctx.plans, approvals: ctx.approvals, outbox: ctx.approvals, bus: ctx.bus, clock: ctx.clock, keys: ctx.keys, currentApprovers: approversFromConfig(ctx.config), logger: ctx.logger };
}

/** The publish use case's dependencies from a local context. */
export function publishDeps(ctx: LocalContext): PublishDeps {
  return {
    plans: ctx.plans,
    publications: ctx.publications,
    publishers: ctx.publishers,
    credentials: ctx.credentials.source,
    bus: ctx.bus,
    outbox: ctx.approvals,
    clock: ctx.clock,
    logger: ctx.logger,
    notify: { mailer: ctx.mail.mailer, approvals: ctx.approvals, from: ctx.mail.from, baseUrl: ctx.baseUrl },
  };
}
