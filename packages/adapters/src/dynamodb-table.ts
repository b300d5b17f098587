import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  TransactionCanceledException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
} from "@aws-sdk/lib-dynamodb";
import { TransientError, type BusEvent } from "@pressbridge/core";
import type { RequestCounter } from "./dynamodb-client.ts";
import { TABLE_KEYS, keys } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;
type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Record<string, string> } };

/** Creates the single table (and its TTL) if it does not exist; for DynamoDB Local and tests. */
export async function ensureTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.pk, AttributeType: "S" },
          { AttributeName: TABLE_KEYS.sk, AttributeType: "S" },
          { AttributeName: TABLE_KEYS.gsi1pk, AttributeType: "S" },
          { AttributeName: TABLE_KEYS.gsi1sk, AttributeType: "S" },
          { AttributeName: TABLE_KEYS.gsi2pk, AttributeType: "S" },
          { AttributeName: TABLE_KEYS.gsi2sk, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.pk, KeyType: "HASH" },
          { AttributeName: TABLE_KEYS.sk, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: TABLE_KEYS.gsi1,
            KeySchema: [
              { AttributeName: TABLE_KEYS.gsi1pk, KeyType: "HASH" },
              { AttributeName: TABLE_KEYS.gsi1sk, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
          {
            IndexName: TABLE_KEYS.gsi2,
            KeySchema: [
              { AttributeName: TABLE_KEYS.gsi2pk, KeyType: "HASH" },
              { AttributeName: TABLE_KEYS.gsi2sk, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttl, Enabled: true },
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  for (let i = 0; i < 50; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (d.Table?.TableStatus === "ACTIVE") return;
    await sleep(100);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function isThrottle(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? "";
  return /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|InternalServerError|ServiceUnavailable/.test(name);
}

/**
 * A FilterExpression for `DynamoTable.queryIndexRange`, with its own placeholders (`:pk`, `:from`
 * and `:to` are the key condition's).
 */
export interface IndexRangeFilter {
  expression: string;
  values?: Record<string, NativeAttributeValue>;
  names?: Record<string, string>;
}

/**
 * Access to the one table: request counting, throttling mapped to TransientError, and batched reads
 * and writes that retry unprocessed keys. The stores build on it.
 */
export class DynamoTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly counter: RequestCounter | undefined;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string; counter?: RequestCounter }) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.counter = options.counter;
  }

  async send<T>(op: string, command: object): Promise<T> {
    this.counter?.add(op);
    try {
      return (await this.client.send(command as never)) as T;
    } catch (err) {
      if (isThrottle(err)) throw new TransientError(`DynamoDB ${op} throttled or unavailable`, { cause: err });
      throw err;
    }
  }

  /**
   * One index partition's items with sort keys in [from, to], in order, page by page (never a
   * Scan), until the range ends or `limit` items were read. With a `filter`, DynamoDB drops the
   * items that fail its FilterExpression before they come back (`pageSize` and `limit` still count
   * the items read before filtering, as DynamoDB's Limit does).
   */
  async queryIndexRange(q: {
    index: "GSI1" | "GSI2";
    pk: string;
    from: string;
    to: string;
    forward: boolean;
    pageSize?: number;
    limit?: number;
    filter?: IndexRangeFilter;
  }): Promise<Item[]> {
    const out: Item[] = [];
    const limit = q.limit ?? Number.POSITIVE_INFINITY;
    let startKey: Item | undefined;
    do {
      const pageSize = Math.min(q.pageSize ?? Number.POSITIVE_INFINITY, limit - out.length);
      const res = await this.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        "Query",
        new QueryCommand({
          TableName: this.tableName,
          IndexName: q.index,
          KeyConditionExpression: `${q.index}PK = :pk AND ${q.index}SK BETWEEN :from AND :to`,
          ...(q.filter === undefined
            ? {}
            : {
                FilterExpression: q.filter.expression,
                ...(q.filter.names === undefined ? {} : { ExpressionAttributeNames: q.filter.names }),
              }),
          ExpressionAttributeValues: { ...q.filter?.values, ":pk": q.pk, ":from": q.from, ":to": q.to },
          ScanIndexForward: q.forward,
          ...(Number.isFinite(pageSize) ? { Limit: pageSize } : {}),
          ExclusiveStartKey: startKey,
        }),
      );
      out.push(...(res.Items ?? []));
      startKey = res.LastEvaluatedKey;
    } while (startKey !== undefined && out.length < limit);
    return out;
  }

  /**
   * One conditional update of an item and the items written with it (an audit entry, an outbox
   * event), in one transaction: true when written, false when a condition failed.
   */
  transactUpdate(update: { Key: Record<string, string>; UpdateExpression: string; ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, NativeAttributeValue> }, ...with_: object[]): Promise<boolean> {
    return this.tryWrite("TransactWriteItems", new TransactWriteCommand({ TransactItems: [{ Update: { TableName: this.tableName, ...update } }, ...with_] }));
  }

  /** The transaction item that puts an event in the outbox, unless it is there already. */
  outboxPut(event: BusEvent): { Put: { TableName: string; Item: Item; ConditionExpression: string } } {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.outboxEvent(event.id), ...keys.outboxByTime(event.time, event.id), type: "OutboxEvent", event },
        ConditionExpression: "attribute_not_exists(PK)",
      },
    };
  }

  // ---- batching -----------------------------------------------------------------------------

  /** Every item of one partition whose sort key starts with `prefix`, strongly consistent, all pages. */
  async queryPrefix(pk: string, prefix: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const res = await this.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        "Query",
        new QueryCommand({
          TableName: this.tableName,
          // An empty prefix is the whole partition (DynamoDB refuses an empty begins_with).
          KeyConditionExpression: prefix === "" ? "PK = :pk" : "PK = :pk AND begins_with(SK, :prefix)",
          ExpressionAttributeValues: prefix === "" ? { ":pk": pk } : { ":pk": pk, ":prefix": prefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(res.Items ?? []));
      startKey = res.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  /**
   * Sends a conditional write (or a transaction of them); false when a condition failed or a
   * transaction was cancelled (somebody else got there first).
   */
  async tryWrite(op: string, command: object): Promise<boolean> {
    try {
      await this.send(op, command);
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      if (err instanceof TransactionCanceledException) {
        // Only a failed condition means somebody else got there first; a conflict with another
        // transaction or throttling is worth a retry, not a "no".
        const reasons = (err.CancellationReasons ?? []).map((r) => r.Code ?? "None");
        if (reasons.every((code) => code === "None" || code === "ConditionalCheckFailed")) return false;
        throw new TransientError(`DynamoDB ${op} was cancelled (${reasons.filter((c) => c !== "None").join(", ")}); retry`, { cause: err });
      }
      throw err;
    }
  }

  /**
   * The items of the given keys (missing ones are left out), in BatchGetItem requests of 100 keys,
   * retrying unprocessed keys with backoff. Strongly consistent unless `consistent: false` (half the
   * read units), for callers that can take an answer a second old.
   */
  async batchGet(wanted: ReadonlyArray<Record<string, string>>, options: { consistent?: boolean } = {}): Promise<Item[]> {
    const unique = [...new Map(wanted.map((k) => [`${k.PK}\u0000${k.SK}`, k])).values()];
    const out: Item[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      type GetRequest = Record<string, { Keys: Record<string, string>[]; ConsistentRead: boolean }>;
      let request: GetRequest | undefined = {
        [this.tableName]: { Keys: unique.slice(i, i + 100), ConsistentRead: options.consistent ?? true },
      };
      for (let attempt = 0; request !== undefined; attempt++) {
        const res: { Responses?: Record<string, Item[]>; UnprocessedKeys?: GetRequest } = await this.send(
          "BatchGetItem",
          new BatchGetCommand({ RequestItems: request }),
        );
        out.push(...(res.Responses?.[this.tableName] ?? []));
        const left = res.UnprocessedKeys?.[this.tableName]?.Keys?.length ?? 0;
        if (left === 0) break;
        if (attempt >= 8) throw new TransientError(`DynamoDB left ${left} keys unprocessed after retries`);
        request = res.UnprocessedKeys;
        await sleep(Math.min(50 * 2 ** attempt, 2_000));
      }
    }
    return out;
  }

  async batchDelete(keysToDelete: ReadonlyArray<Record<string, string>>): Promise<void> {
    await this.batchWrite(keysToDelete.map((Key) => ({ DeleteRequest: { Key } })), "deletes");
  }

  async batchPut(items: readonly Item[]): Promise<void> {
    await this.batchWrite(items.map((Item) => ({ PutRequest: { Item } })), "writes");
  }

  /** BatchWriteItem in requests of 25, retrying unprocessed items with backoff. */
  private async batchWrite(requests: readonly WriteRequest[], what: "deletes" | "writes"): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      type BatchRequest = Record<string, WriteRequest[]>;
      let request: BatchRequest | undefined = { [this.tableName]: requests.slice(i, i + 25) };
      for (let attempt = 0; request !== undefined; attempt++) {
        const res: { UnprocessedItems?: BatchRequest } = await this.send("BatchWriteItem", new BatchWriteCommand({ RequestItems: request }));
        const left = res.UnprocessedItems?.[this.tableName]?.length ?? 0;
        if (left === 0) break;
        if (attempt >= 8) throw new TransientError(`DynamoDB left ${left} ${what} unprocessed after retries`);
        request = res.UnprocessedItems;
        await sleep(Math.min(50 * 2 ** attempt, 2_000));
      }
    }
  }
}
