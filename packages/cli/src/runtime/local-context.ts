import { dirname, resolve } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DurableLocalBus,
  FileDeliveryQueue,
  FileMediaLists,
  buildConsumers,
  createMailerFromEnv,
  createPublisherDirectory,
  parseFeedInWorker,
  tableAdapters,
  type AdapterSet,
  type BuiltConsumer,
  type Consumers,
  type DynamoAuditStore,
  type DynamoPlanStore,
  type DynamoPublicationStore,
  type DynamoReleaseStore,
  type LocalBus,
  type RequestCounter,
} from "@pressbridge/adapters";
import { ROUTES, systemClock, type Logger, type PressbridgeConfig, type SigningKeys } from "@pressbridge/core";
import { loadLocalCredentials, platformBaseUrls } from "./local-credentials.ts";
import { loadSigningKeys } from "./local-secrets.ts";
import { loadConfigFile, DEFAULT_CONFIG_FILE } from "../config-file.ts";
import type { CommandArgs } from "../command-args.ts";
import { DEFAULT_DATA_DIR, openLocalStore } from "./local-store.ts";
import { TrustedOriginFetcher, type ClosableFeedFetcher } from "./trusted-origin-fetcher.ts";

/**
 * Everything a local command needs: the local adapter set (the same AdapterSet the Lambda functions
 * get from AWS, built from DynamoDB Local, the durable file bus, the outbox or SMTP mailer and the
 * data dir's keys) plus what only a local process has.
 */
export interface LocalContext extends AdapterSet {
  readonly releases: DynamoReleaseStore;
  readonly plans: DynamoPlanStore;
  readonly publications: DynamoPublicationStore;
  readonly audits: DynamoAuditStore;
  readonly fetcher: ClosableFeedFetcher;
  /** Durable: undelivered events live in <data-dir>/bus until their consumers succeed (docs/delivery.md). */
  readonly bus: LocalBus;
  readonly dataDir: string;
  readonly outboxDir: string;
  /** Where email goes, for people ("outbox <dir>" or "SMTP host:port"). */
  readonly mailDescription: string;
  /** Where publishing goes, for people (dry runs, or which platforms have credentials). */
  readonly credentialsDescription: string;
  readonly keys: SigningKeys;
  readonly endpoint: string;
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
 * Opens the store (reusing a running one for the data dir), builds the local adapter set, and
 * subscribes every consumer of the routes table (buildConsumers) to the in-process bus, so a local
 * poll runs the whole flow. The bus keeps what it could not deliver under <data-dir>/bus, so a later
 * process of the data dir (`start`, the next poll) finishes it.
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
  const baseUrls = platformBaseUrls();
  const outboxDir = join(options.dataDir, "outbox");
  const mail = createMailerFromEnv(process.env, { outboxDir, from: "approvals@pressbridge.local" });
  const fetcher = new TrustedOriginFetcher({
    allowPrivateHosts: options.config.security.allowPrivateFeedHosts,
    trustedOrigins: options.trustedFeedOrigins ?? [],
  });
  const bus = new DurableLocalBus({ routes: ROUTES, queue: new FileDeliveryQueue({ dir: join(options.dataDir, "bus") }), logger: options.logger });
  const credentials = loadLocalCredentials(options.dataDir, options.logger);
  const keys = loadSigningKeys(options.dataDir);
  const ctx: LocalContext = {
    ...tableAdapters({ client: opened.client, tableName: opened.store.tableName, ...(options.counter ? { counter: options.counter } : {}) }),
    releases: opened.store,
    config: options.config,
    dataDir: options.dataDir,
    publishers: createPublisherDirectory(baseUrls === undefined ? {} : { baseUrls }),
    credentials: credentials.source,
    credentialsDescription: credentials.description,
    mailer: mail.mailer,
    mailFrom: mail.from,
    mailDescription: mail.description,
    outboxDir,
    keys,
    signingKeys: async () => keys,
    webBaseUrl: options.baseUrl ?? baseUrlFor(options.dataDir),
    mediaLists: new FileMediaLists({ config: options.config, baseDir: options.configDir ?? process.cwd(), logger: options.logger }),
    fetcher,
    parse: parseFeedInWorker,
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
  subscribeConsumers(ctx);
  return ctx;
}

/**
 * Subscribes every consumer of the routes table, built by the one wiring (buildConsumers), to a
 * local bus; what a consumer did is logged for the person watching.
 */
export function subscribeConsumers(ctx: AdapterSet & { bus: LocalBus }): void {
  const consumers = buildConsumers(ctx);
  for (const route of ROUTES) {
    const consumer = consumers[route.consumer as keyof Consumers] as BuiltConsumer;
    ctx.bus.subscribe(route.consumer, async (event) => {
      const line = consumer.describe(await consumer.handle(event));
      if (line !== undefined) ctx.logger.info(line);
    });
  }
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
