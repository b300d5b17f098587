import {
  DynamoApprovalStore,
  DynamoAuditStore,
  DynamoPlanStore,
  DynamoPublicationStore,
  SecretsManagerSigningKeys,
  SesMailer,
  DynamoReleaseStore,
  EventBridgeBus,
  createDynamoClient,
  createEventBridgeClient,
} from "@pressbridge/adapters";
import { systemClock, type Logger, type NotifyDeps } from "@pressbridge/core";
import { requiredEnv } from "./lambda-runtime.ts";

/**
 * The AWS adapters every function shares, created once per container (module singletons) so
 * connections are kept alive across invocations. Each getter fails the cold start naming the
 * missing environment variable.
 */
let dynamo: ReturnType<typeof createDynamoClient> | undefined;
function dynamoClient(): ReturnType<typeof createDynamoClient> {
  dynamo ??= createDynamoClient({ endpoint: process.env.DYNAMODB_ENDPOINT || undefined });
  return dynamo;
}

export function releaseStore(): DynamoReleaseStore {
  return new DynamoReleaseStore({ client: dynamoClient(), tableName: requiredEnv("TABLE_NAME") });
}

export function planStore(): DynamoPlanStore {
  return new DynamoPlanStore({ client: dynamoClient(), tableName: requiredEnv("TABLE_NAME") });
}

export function eventBus(): EventBridgeBus {
  return new EventBridgeBus({
    client: createEventBridgeClient({ ...(process.env.EVENTBRIDGE_ENDPOINT ? { endpoint: process.env.EVENTBRIDGE_ENDPOINT } : {}) }),
    eventBusName: requiredEnv("EVENT_BUS_NAME"),
  });
}

export function publicationStore(): DynamoPublicationStore {
  return new DynamoPublicationStore({ client: dynamoClient(), tableName: requiredEnv("TABLE_NAME") });
}

export function auditStore(): DynamoAuditStore {
  return new DynamoAuditStore({ client: dynamoClient(), tableName: requiredEnv("TABLE_NAME") });
}

export function approvalStore(): DynamoApprovalStore {
  return new DynamoApprovalStore({ client: dynamoClient(), tableName: requiredEnv("TABLE_NAME") });
}

/**
 * What the functions that email approvers share: SES (the role may send from the configured identity
 * only), the signing keys from Secrets Manager (refreshed for rotation) and the web app's URL.
 * Created at cold start; the returned function resolves the current keys per invocation.
 */
export function notifyDepsFromEnv(logger: Logger): () => Promise<NotifyDeps> {
  const mailer = new SesMailer(process.env.SES_CONFIGURATION_SET ? { configurationSetName: process.env.SES_CONFIGURATION_SET } : {});
  const from = requiredEnv("MAIL_FROM");
  const keys = new SecretsManagerSigningKeys({ secretId: requiredEnv("SIGNING_KEYS_SECRET_ARN") });
  const baseUrl = requiredEnv("WEB_BASE_URL");
  const plans = planStore();
  const approvals = approvalStore();
  return async () => ({ plans, approvals, mailer, clock: systemClock, keys: await keys.get(), baseUrl, from, logger });
}
