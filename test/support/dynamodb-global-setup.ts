import type { TestProject } from "vitest/node";
import { startDynamoDbLocal, type RunningDynamoDbLocal } from "../../packages/adapters/src/dynamodb-local.ts";

/**
 * One in-memory DynamoDB Local for the whole test run (DYNAMODB_ENDPOINT overrides); every test file
 * creates its own uniquely named table, so files stay independent.
 */
let running: RunningDynamoDbLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  let endpoint = process.env.DYNAMODB_ENDPOINT;
  if (endpoint === undefined || endpoint === "") {
    running = await startDynamoDbLocal();
    endpoint = running.endpoint;
  }
  project.provide("dynamoEndpoint", endpoint);
}

export async function teardown(): Promise<void> {
  await running?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
