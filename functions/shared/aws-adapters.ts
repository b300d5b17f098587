import {
  DynamoApprovalStore,
  DynamoPlanStore,
  DynamoReleaseStore,
  EventBridgeBus,
  createDynamoClient,
  createEventBridgeClient,
} from "@pressbridge/adapters";
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

export function approvalStore(): DynamoApprovalStore {
  return new DynamoApprovalStore({ client: dynamoClient(), tableName: requiredEnv("TABLE_NAME") });
}
