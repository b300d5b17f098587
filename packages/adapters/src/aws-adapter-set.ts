import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { NO_ACTION_SCHEDULER, ValidationError, systemClock, type AudienceStore, type Logger, type PressbridgeConfig, type PublisherDirectory } from "@pressbridge/core";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDynamoClient, type RequestCounter } from "./dynamodb-client.ts";
import { DynamoApprovalStore } from "./dynamodb-approval-store.ts";
import { DynamoAuditStore } from "./dynamodb-audit-store.ts";
import { DynamoDeliveryStore } from "./dynamodb-delivery-store.ts";
import { DynamoEmailLedger } from "./dynamodb-email-ledger.ts";
import { DynamoEventOutbox } from "./dynamodb-outbox.ts";
import { DynamoPlanStore } from "./dynamodb-plan-store.ts";
import { DynamoPublicationStore } from "./dynamodb-publication-store.ts";
import { DynamoReleaseStore } from "./dynamodb-release-store.ts";
import { EventBridgeBus, createEventBridgeClient } from "./eventbridge-bus.ts";
import { EventBridgeActionScheduler, createSchedulerClient } from "./eventbridge-scheduler.ts";
import { DynamoWorkspaceStore } from "./dynamodb-workspace-store.ts";
import { DynamoActionTriggers } from "./dynamodb-action-triggers.ts";
import { DynamoAudienceStore } from "./dynamodb-audience-store.ts";
import { DynamoWebSubStore } from "./dynamodb-websub-store.ts";
import { DynamoSessionStore } from "./dynamodb-session-store.ts";
import { WorkspaceMediaLists } from "./workspace-media-lists.ts";
import { SeedingWorkspaceStore, type DeployFile } from "./seeding-workspace-store.ts";
import { workspaceFileOf, type WorkspaceFile } from "./workspace-file.ts";
import { SesMailer } from "./mailers/index.ts";
import { SecretsManagerCredentialSource, SecretsManagerSigningKeys } from "./secrets-manager-keys.ts";
import { lazyAdapterSet, type AdapterSet } from "./wiring.ts";

/** Every store of the one table, on one client (and request counter): the same in AWS and locally; and the table-timed scheduler. */
export function tableAdapters(table: { client: DynamoDBDocumentClient; tableName: string; counter?: RequestCounter; logger?: Logger }) {
  const workspace = new DynamoWorkspaceStore({ client: table.client, tableName: table.tableName, ...(table.counter ? { counter: table.counter } : {}), ...(table.logger ? { logger: table.logger } : {}) });
  const sessions = new DynamoSessionStore(table);
  return {
    releases: new DynamoReleaseStore(table),
    plans: new DynamoPlanStore(table),
    approvals: new DynamoApprovalStore(table),
    emails: new DynamoEmailLedger(table),
    outbox: new DynamoEventOutbox(table),
    publications: new DynamoPublicationStore(table),
    audits: new DynamoAuditStore(table),
    delivery: new DynamoDeliveryStore(table),
    workspace,
    mediaLists: new WorkspaceMediaLists(workspace),
    /** Scheduled actions' triggers as data: the local runtime's scheduler (in AWS, EventBridge Scheduler instead). */
    triggers: new DynamoActionTriggers(table),
    /** The clients' matched audiences on the ad platforms, kept in sync by the ad publishers. */
    audiences: new DynamoAudienceStore(table),
    /** WebSub subscriptions (docs/websub.md). */
    websub: new DynamoWebSubStore(table),
    sessions,
    rateLimits: sessions,
    // Scheduled actions are data in the table; a set on these stores alone fires them with the
    // runtime's timer (locally, the bench). The AWS set uses EventBridge Scheduler instead.
    scheduler: NO_ACTION_SCHEDULER,
  };
}

/** Reads a required environment variable; a missing one is an error naming it (at the first use). */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === "") throw new ValidationError(name, "environment variable is required");
  return value;
}

/**
 * The deploy's config file, validated with the same schema as locally (clients, feeds, settings,
 * people): the file named by PRESSBRIDGE_CONFIG_FILE (in AWS the config layer's
 * /opt/pressbridge.config.json, with the hashed media lists beside it), or the JSON in
 * PRESSBRIDGE_CONFIG (tests, small setups; its media lists relative to the working directory).
 * Neither set: the empty file `{}`.
 */
export function deployFileFromEnv(env: NodeJS.ProcessEnv = process.env): WorkspaceFile {
  const file = env.PRESSBRIDGE_CONFIG_FILE;
  const inline = env.PRESSBRIDGE_CONFIG;
  if ((file === undefined || file === "") && (inline === undefined || inline.trim() === "")) return workspaceFileOf({}, resolve("pressbridge.config.json"));
  const name = file !== undefined && file !== "" ? "PRESSBRIDGE_CONFIG_FILE" : "PRESSBRIDGE_CONFIG";
  let raw: string;
  if (name === "PRESSBRIDGE_CONFIG_FILE") {
    try {
      raw = readFileSync(file!, "utf8");
    } catch (err) {
      throw new ValidationError(name, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
    }
  } else {
    raw = inline!;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ValidationError(name, `is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return workspaceFileOf(json, name === "PRESSBRIDGE_CONFIG_FILE" ? resolve(file!) : resolve("pressbridge.config.json"));
}

/** The deploy's config (the file's clients, feeds and settings): what the feed fetcher's security settings come from. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PressbridgeConfig {
  return deployFileFromEnv(env).config;
}

/**
 * The AWS adapter set of one Lambda container: DynamoDB (TABLE_NAME), EventBridge (EVENT_BUS_NAME),
 * SES (MAIL_FROM, SES_CONFIGURATION_SET), Secrets Manager (SIGNING_KEYS_SECRET_ARN, SECRETS_ARN),
 * EventBridge Scheduler for scheduled actions (SCHEDULE_GROUP, SCHEDULE_TARGET_ARN, SCHEDULER_ROLE_ARN;
 * without SCHEDULE_GROUP the function schedules nothing: NO_ACTION_SCHEDULER).
 * The workspace is the table's, seeded on its first load from the deploy's config file (the config
 * layer, and the hashed media lists beside it) and PRESSBRIDGE_FIRST_ADMIN when it never was
 * (SeedingWorkspaceStore; docs/deploy.md). Each member is created on first use and kept for
 * the container's life (connections stay open across invocations); a member whose environment is
 * missing fails when a use case first needs it, naming the variable.
 *
 * The heavy adapters only one function uses are handed in by that function (poll-feeds the feed
 * fetcher and parser, publish the platform publishers), so the other functions' bundles do not carry
 * rss-parser or every platform's client; a function that was not given one fails naming it.
 */
export function awsAdapterSet(options: {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  fetcher?: (config: PressbridgeConfig) => AdapterSet["fetcher"];
  parse?: AdapterSet["parse"];
  /** The platform publishers, given the table's store of the clients' matched audiences. */
  publishers?: (stores: { audiences: AudienceStore }) => PublisherDirectory;
}): AdapterSet {
  const env = options.env ?? process.env;
  const table = lazy(() => ({
    client: createDynamoClient({ endpoint: env.DYNAMODB_ENDPOINT || undefined }),
    tableName: requiredEnv("TABLE_NAME", env),
  }));
  // The deploy's config file: what seeds a never-seeded workspace, and the feed fetcher's security settings.
  const deployFile = lazy(() => deployFileFromEnv(env));
  const deployConfig = (): PressbridgeConfig => deployFile().config;
  const signingKeys = lazy(() => new SecretsManagerSigningKeys({ secretId: requiredEnv("SIGNING_KEYS_SECRET_ARN", env) }));
  const stores = lazy(() => tableAdapters({ ...table(), logger: options.logger }));
  const described = env.PRESSBRIDGE_CONFIG_FILE || (env.PRESSBRIDGE_CONFIG ? "PRESSBRIDGE_CONFIG" : undefined);
  const seedFile: DeployFile | undefined = described === undefined ? undefined : { describe: described, read: deployFile };
  const workspace = lazy(
    () => new SeedingWorkspaceStore({ store: stores().workspace, deployFile: seedFile, firstAdmin: env.PRESSBRIDGE_FIRST_ADMIN, clock: systemClock, logger: options.logger }),
  );
  const set: AdapterSet = lazyAdapterSet({
    workspace,
    releases: () => stores().releases,
    plans: () => stores().plans,
    approvals: () => stores().approvals,
    emails: () => stores().emails,
    outbox: () => stores().outbox,
    publications: () => stores().publications,
    audits: () => stores().audits,
    delivery: () => stores().delivery,
    sessions: () => stores().sessions,
    rateLimits: () => stores().rateLimits,
    bus: () =>
      new EventBridgeBus({
        client: createEventBridgeClient(env.EVENTBRIDGE_ENDPOINT ? { endpoint: env.EVENTBRIDGE_ENDPOINT } : {}),
        eventBusName: requiredEnv("EVENT_BUS_NAME", env),
      }),
    clock: () => systemClock,
    logger: () => options.logger,
    fetcher: () => options.fetcher?.(deployConfig()) ?? notGiven("feed fetcher"),
    parse: () => options.parse ?? notGiven("feed parser"),
    // Through the seeding store, so a plan never reads the lists before the seed imported them.
    mediaLists: () => new WorkspaceMediaLists(workspace()),
    mailer: () => new SesMailer(env.SES_CONFIGURATION_SET ? { configurationSetName: env.SES_CONFIGURATION_SET } : {}),
    mailFrom: () => requiredEnv("MAIL_FROM", env),
    webBaseUrl: () => env.WEB_BASE_URL?.replace(/\/+$/, "") || undefined,
    signingKeys: () => () => signingKeys().get(),
    publishers: () => options.publishers?.({ audiences: stores().audiences }) ?? notGiven("platform publishers"),
    credentials: () => new SecretsManagerCredentialSource({ secretId: requiredEnv("SECRETS_ARN", env) }),
    // Only the functions the stack lets schedule (publish, approval-web) get SCHEDULE_GROUP; with it, the other two are required.
    scheduler: () =>
      env.SCHEDULE_GROUP?.trim()
        ? new EventBridgeActionScheduler({
            client: createSchedulerClient(),
            groupName: env.SCHEDULE_GROUP.trim(),
            targetArn: requiredEnv("SCHEDULE_TARGET_ARN", env),
            roleArn: requiredEnv("SCHEDULER_ROLE_ARN", env),
          })
        : NO_ACTION_SCHEDULER,
  });
  return set;
}

function notGiven(what: string): never {
  throw new ValidationError("adapters", `this function was not given the ${what}`);
}

function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
