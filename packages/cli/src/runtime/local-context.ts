import { join } from "node:path";
import {
  DurableLocalBus,
  FileDeliveryQueue,
  HttpWebSubHubClient,
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
import { ROUTES, systemClock, type Logger, type SigningKeys } from "@pressbridge/core";
import { loadLocalCredentials, platformBaseUrls } from "./local-credentials.ts";
import { loadSigningKeys } from "./local-secrets.ts";
import { importConfigFile, loadConfigFile } from "../config-file.ts";
import type { CommandArgs } from "../command-args.ts";
import { dataDirFrom, openLocalStore } from "./local-store.ts";
import { baseUrlFor, runningInstance } from "./local-instance.ts";

export { dataDirFrom };
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


/**
 * The local context a command works in: the data dir's workspace, after importing `--config FILE`
 * into it when given (an idempotent upsert; the import's log entry names "cli").
 */
export async function commandContext(args: CommandArgs, logger: Logger, options: { counter?: RequestCounter } = {}): Promise<LocalContext> {
  const dataDir = dataDirFrom(args);
  // An invalid file fails before DynamoDB Local is started for nothing.
  if (typeof args.config === "string") loadConfigFile(args.config);
  const demoWire = runningInstance(dataDir)?.demoWire;
  const ctx = await openLocalContext({ dataDir, logger, ...options, ...(demoWire === undefined ? {} : { trustedFeedOrigins: [demoWire] }) });
  if (typeof args.config === "string") {
    try {
      const summary = await importConfigFile(ctx, args.config, "cli");
      if (summary.created.length + summary.updated.length > 0) logger.info(`imported ${args.config}: ${[...summary.created, ...summary.updated].join(", ")}`);
    } catch (err) {
      await ctx.close();
      throw err;
    }
  }
  return ctx;
}

/**
 * Opens the store (reusing a running one for the data dir), builds the local adapter set, and
 * subscribes every consumer of the routes table (buildConsumers) to the in-process bus, so a local
 * poll runs the whole flow. The bus keeps what it could not deliver under <data-dir>/bus, so a later
 * process of the data dir (`start`, the next poll) finishes it.
 */
export async function openLocalContext(options: {
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
  const tables = tableAdapters({ client: opened.client, tableName: opened.store.tableName, logger: options.logger, ...(options.counter ? { counter: options.counter } : {}) });
  // The fetcher's SSRF setting is the workspace's when the process first fetches (after any import).
  const fetcher = lazyFetcher(async () => {
    const settings = (await tables.workspace.load()).settings;
    return new TrustedOriginFetcher({ allowPrivateHosts: settings.security.allowPrivateFeedHosts, trustedOrigins: options.trustedFeedOrigins ?? [] });
  });
  const bus = new DurableLocalBus({ routes: ROUTES, queue: new FileDeliveryQueue({ dir: join(options.dataDir, "bus") }), logger: options.logger });
  const credentials = loadLocalCredentials(options.dataDir, options.logger);
  const keys = loadSigningKeys(options.dataDir);
  const ctx: LocalContext = {
    ...tables,
    releases: opened.store,
    dataDir: options.dataDir,
    publishers: createPublisherDirectory({ audiences: tables.audiences, ...(baseUrls === undefined ? {} : { baseUrls }) }),
    credentials: credentials.source,
    // Triggers as data in the table: the runtime's maintenance fires the due ones (survives restarts).
    scheduler: tables.triggers,
    credentialsDescription: credentials.description,
    mailer: mail.mailer,
    mailFrom: mail.from,
    mailDescription: mail.description,
    outboxDir,
    keys,
    signingKeys: async () => keys,
    webBaseUrl: options.baseUrl ?? baseUrlFor(options.dataDir),
    fetcher,
    // WebSub subscription requests, under the workspace's SSRF setting like the feeds (docs/websub.md).
    websubHub: {
      subscribe: async (hub, form) =>
        new HttpWebSubHubClient({ allowPrivateHosts: (await tables.workspace.load()).settings.security.allowPrivateFeedHosts }).subscribe(hub, form),
    },
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

/** A fetcher made on its first use (once, however many fetches start together). */
function lazyFetcher(make: () => Promise<ClosableFeedFetcher>): ClosableFeedFetcher {
  let made: Promise<ClosableFeedFetcher> | undefined;
  let ready: ClosableFeedFetcher | undefined;
  return {
    fetch: async (request) => {
      made ??= make().then((f) => (ready = f));
      return (await made).fetch(request);
    },
    destroy: () => ready?.destroy(),
  };
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
