import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoReleaseStore, RequestCounter, createDynamoClient, ensureTable } from "@pressbridge/adapters";

/** A fresh table on the test run's DynamoDB Local, with a request counter. */
export async function freshStore(): Promise<{ store: DynamoReleaseStore; counter: RequestCounter; drop(): Promise<void> }> {
  const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  const tableName = `t-${randomUUID()}`;
  await ensureTable(client, tableName);
  const counter = new RequestCounter();
  const store = new DynamoReleaseStore({ client, tableName, counter });
  return {
    store,
    counter,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
