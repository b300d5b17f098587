import { randomUUID } from "node:crypto";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  TransactionCanceledException,
  UpdateTimeToLiveCommand,
  type DynamoDBClientConfig,
} from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type NativeAttributeValue,
} from "@aws-sdk/lib-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent } from "node:https";
import { Agent as HttpAgent } from "node:http";
import {
  TransientError,
  mapWithConcurrency,
  type BusEvent,
  type FeedState,
  type FeedStateStore,
  FINGERPRINT_WINDOW_HOURS,
  primaryLanguage,
  releaseTime,
  type CreateOutcome,
  type NewRelease,
  type ReleaseLookup,
  type ReleaseSource,
  type ReleaseStore,
  type StoredRelease,
} from "@pressbridge/core";
import { TABLE_KEYS, keys, monthsBetween } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

export interface DynamoClientOptions {
  /** DYNAMODB_ENDPOINT: DynamoDB Local or any compatible endpoint; AWS's own when absent. */
  endpoint?: string | undefined;
  region?: string | undefined;
  maxSockets?: number;
}

/**
 * Creates a DynamoDB document client with keep-alive connections. Callers keep one per process (a
 * module singleton in Lambda) so connections are reused across invocations.
 */
export function createDynamoClient(options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  const maxSockets = options.maxSockets ?? 64;
  const config: DynamoDBClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
    maxAttempts: 5,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new Agent({ keepAlive: true, maxSockets }),
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
    }),
  };
  if (options.endpoint !== undefined) {
    config.endpoint = options.endpoint;
    // DynamoDB Local accepts any credentials; real AWS uses the default provider chain.
    if (process.env.AWS_ACCESS_KEY_ID === undefined) config.credentials = { accessKeyId: "local", secretAccessKey: "local" };
  }
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** Counts requests per operation, for the benchmark's "DynamoDB requests per release" figure. */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  add(op: string, n = 1): void {
    this.counts.set(op, (this.counts.get(op) ?? 0) + n);
  }
  total(filter?: (op: string) => boolean): number {
    let t = 0;
    for (const [op, n] of this.counts) if (filter === undefined || filter(op)) t += n;
    return t;
  }
  writes(): number {
    return this.total((op) => /Put|Update|Delete|BatchWrite|TransactWrite/.test(op));
  }
  reset(): void {
    this.counts.clear();
  }
}

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
   * Scan), until the range ends or `limit` items were read.
   */
  async queryIndexRange(q: { index: "GSI1" | "GSI2"; pk: string; from: string; to: string; forward: boolean; pageSize?: number; limit?: number }): Promise<Item[]> {
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
          ExpressionAttributeValues: { ":pk": q.pk, ":from": q.from, ":to": q.to },
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
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
          ExpressionAttributeValues: { ":pk": pk, ":prefix": prefix },
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
   * Takes the announcement lease of an item whose announcement is still pending, if the lease is
   * free or expired. One of any number of concurrent takers wins.
   */
  takeAnnounceLeaseOn(key: Record<string, string>, now: string, leaseUntil: string): Promise<boolean> {
    const leaseIsFree = "announce = :pending AND (attribute_not_exists(announceLeaseUntil) OR announceLeaseUntil <= :now)";
    return this.tryWrite(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: "SET announceLeaseUntil = :until",
        ConditionExpression: leaseIsFree,
        ExpressionAttributeValues: { ":pending": "pending", ":now": now, ":until": leaseUntil },
      }),
    );
  }

  async batchGet(wanted: ReadonlyArray<Record<string, string>>): Promise<Item[]> {
    const unique = [...new Map(wanted.map((k) => [`${k.PK}\u0000${k.SK}`, k])).values()];
    const out: Item[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      type GetRequest = Record<string, { Keys: Record<string, string>[]; ConsistentRead: boolean }>;
      let request: GetRequest | undefined = {
        [this.tableName]: { Keys: unique.slice(i, i + 100), ConsistentRead: true },
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
    for (let i = 0; i < keysToDelete.length; i += 25) {
      type DeleteRequest = Record<string, Array<{ DeleteRequest: { Key: Record<string, string> } }>>;
      let request: DeleteRequest | undefined = {
        [this.tableName]: keysToDelete.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })),
      };
      for (let attempt = 0; request !== undefined; attempt++) {
        const res: { UnprocessedItems?: DeleteRequest } = await this.send("BatchWriteItem", new BatchWriteCommand({ RequestItems: request }));
        const left = res.UnprocessedItems?.[this.tableName]?.length ?? 0;
        if (left === 0) break;
        if (attempt >= 8) throw new TransientError(`DynamoDB left ${left} deletes unprocessed after retries`);
        request = res.UnprocessedItems;
        await sleep(Math.min(50 * 2 ** attempt, 2_000));
      }
    }
  }

  async batchPut(items: readonly Item[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      type WriteRequest = Record<string, Array<{ PutRequest: { Item: Item } }>>;
      let request: WriteRequest | undefined = {
        [this.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      for (let attempt = 0; request !== undefined; attempt++) {
        const res: { UnprocessedItems?: WriteRequest } = await this.send(
          "BatchWriteItem",
          new BatchWriteCommand({ RequestItems: request }),
        );
        const left = res.UnprocessedItems?.[this.tableName]?.length ?? 0;
        if (left === 0) break;
        if (attempt >= 8) throw new TransientError(`DynamoDB left ${left} writes unprocessed after retries`);
        request = res.UnprocessedItems;
        await sleep(Math.min(50 * 2 ** attempt, 2_000));
      }
    }
  }
}

/**
 * ReleaseStore and FeedStateStore on one DynamoDB table (see docs/data-model.md). Every state change
 * is a conditional write; reads are GetItem/BatchGetItem/Query, never Scan.
 */
export class DynamoReleaseStore extends DynamoTable implements ReleaseStore, FeedStateStore {
  /** Create transactions of one `createReleases` call in flight at once. */
  readonly createConcurrency: number;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string; counter?: RequestCounter; createConcurrency?: number }) {
    super(options);
    this.createConcurrency = options.createConcurrency ?? 4;
  }

  // ---- feed state ---------------------------------------------------------------------------

  async getFeedStates(feedIds: readonly string[]): Promise<Map<string, FeedState>> {
    const items = await this.batchGet(feedIds.map((id) => keys.feedState(id)));
    const out = new Map<string, FeedState>();
    for (const item of items) {
      const state = item.state as FeedState | undefined;
      if (state !== undefined) out.set(state.feedId, state);
    }
    return out;
  }

  async putFeedState(state: FeedState, expectedVersion: number | undefined): Promise<"written" | "stale"> {
    const isFirstWrite = expectedVersion === undefined;
    const written = await this.tryWrite(
      "PutItem",
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.feedState(state.feedId), type: "FeedState", state },
        ConditionExpression: isFirstWrite ? "attribute_not_exists(PK)" : "#state.#version = :expected",
        ...(isFirstWrite
          ? {}
          : { ExpressionAttributeNames: { "#state": "state", "#version": "version" }, ExpressionAttributeValues: { ":expected": expectedVersion } }),
      }),
    );
    return written ? "written" : "stale";
  }

  // ---- releases -----------------------------------------------------------------------------

  async lookup(
    releaseIds: readonly string[],
    fingerprintKeys: readonly string[],
    seen?: { feedId: string; keys: readonly string[] },
  ): Promise<ReleaseLookup> {
    const wanted = [
      ...releaseIds.flatMap((id) => [keys.release(id), keys.announced(id)]),
      ...fingerprintKeys.map((fp) => keys.fingerprint(fp)),
      ...(seen === undefined ? [] : seen.keys.map((k) => keys.seenItem(seen.feedId, k))),
    ];
    const items = await this.batchGet(wanted);
    const announced = new Set<string>();
    const out: ReleaseLookup = { releases: new Map(), fingerprints: new Map(), seen: new Map() };
    for (const item of items) {
      if (item.type === "Announced") announced.add(item.releaseId as string);
    }
    for (const item of items) {
      if (item.type === "Release" || item.type === "Alias") {
        const id = item.id as string;
        out.releases.set(id, {
          releaseId: id,
          aliasOf: (item.aliasOf as string | undefined) ?? null,
          sourceFeeds: [...((item.sourceFeeds as Set<string> | undefined) ?? [])],
          announce: item.type === "Alias" ? null : announced.has(id) ? "announced" : (item.announce as NewRelease["announce"]),
          announceLeaseUntil: (item.announceLeaseUntil as string | null | undefined) ?? null,
        });
      } else if (item.type === "Fingerprint") {
        out.fingerprints.set(item.fingerprint as string, {
          releaseId: item.releaseId as string,
          at: item.at as string,
          language: (item.lang as string | undefined) ?? null,
        });
      } else if (item.type === "Seen" && seen !== undefined && item.feedId === seen.feedId) {
        out.seen.set(item.key as string, { releaseId: item.releaseId as string, url: (item.url as string | null | undefined) ?? null });
      }
    }
    return out;
  }

  /**
   * Creates a release if its id is free, claiming its fingerprint in the same write (see the port).
   * Each write carries a random `createToken`: when the SDK retries a write whose first attempt was
   * applied but whose answer was lost, the retry's condition fails on our own item, and the returned
   * old item (ReturnValuesOnConditionCheckFailure) shows our token, so it still counts as created
   * here and is announced, not left to "another poller". Without a fingerprint it is one PutItem;
   * with one, a transaction of the release and the fingerprint claim.
   */
  async createRelease(release: NewRelease): Promise<CreateOutcome> {
    const createToken = randomUUID();
    const item = { ...releaseItem(release), createToken };
    if (release.fingerprint === null) {
      try {
        await this.send(
          "PutItem",
          new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: RELEASE_ID_IS_FREE, ReturnValuesOnConditionCheckFailure: "ALL_OLD" }),
        );
        return "created";
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        return err.Item?.createToken?.S === createToken ? "created" : "exists";
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.send("TransactWriteItems", new TransactWriteCommand({ TransactItems: createActions(this.tableName, release, item) }));
        return "created";
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const [own, claim] = err.CancellationReasons ?? [];
        if (own?.Code === "ConditionalCheckFailed") return own.Item?.createToken?.S === createToken ? "created" : "exists";
        if (claim?.Code === "ConditionalCheckFailed") {
          const holder = claim.Item?.releaseId?.S ?? (await this.fingerprintHolder(release.fingerprint));
          if (holder === release.id) return "created";
          if (holder !== undefined) return { duplicateOf: holder };
        }
        // A transaction conflict (a concurrent create of the same id or headline): try again.
        if (attempt >= CREATE_ATTEMPTS) throw new TransientError("creating a release kept conflicting with concurrent writes", { cause: err });
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
      }
    }
  }

  /** The release holding a fingerprint claim, read consistently (when a cancellation did not say). */
  private async fingerprintHolder(fingerprint: string): Promise<string | undefined> {
    const res = await this.send<{ Items?: Item[] }>(
      "Query",
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "PK = :pk",
        ExpressionAttributeValues: { ":pk": keys.fingerprint(fingerprint).PK },
        ConsistentRead: true,
      }),
    );
    return res.Items?.[0]?.releaseId as string | undefined;
  }

  /**
   * Creates many releases with the same guarantee as `createRelease`, in TransactWriteItems of up
   * to 100 conditional Puts (a release and its fingerprint claim are two; about 1 MB in all),
   * `createConcurrency` of them in flight. All of one transaction are written or none; when one is
   * cancelled, a release whose own condition failed exists already, and the rest go one by one
   * through `createRelease`, which tells a duplicate headline from a conflict. A lone release goes
   * straight to `createRelease`.
   */
  async createReleases(releases: readonly NewRelease[]): Promise<Map<string, CreateOutcome>> {
    const out = new Map<string, CreateOutcome>();
    const unique: NewRelease[] = [];
    const later: NewRelease[] = [];
    const fingerprints = new Set<string>();
    for (const release of releases) {
      if (out.has(release.id)) continue; // a second create of the same id in one call never wins
      out.set(release.id, "exists");
      // A transaction may not write one fingerprint twice: a second claim waits for the first.
      if (release.fingerprint !== null && fingerprints.has(release.fingerprint)) later.push(release);
      else unique.push(release);
      if (release.fingerprint !== null) fingerprints.add(release.fingerprint);
    }
    await mapWithConcurrency(createChunks(unique), this.createConcurrency, async (chunk) => {
      const outcomes = await this.createChunk(chunk);
      chunk.forEach((release, i) => out.set(release.id, outcomes[i]!));
    });
    for (const release of later) out.set(release.id, await this.createRelease(release));
    return out;
  }

  private async createChunk(releases: readonly NewRelease[]): Promise<CreateOutcome[]> {
    if (releases.length === 1) return [await this.createRelease(releases[0]!)];
    const actions = releases.map((r) => createActions(this.tableName, r, releaseItem(r)));
    try {
      await this.send("TransactWriteItems", new TransactWriteCommand({ TransactItems: actions.flat() }));
      return releases.map(() => "created");
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      // Nothing of the transaction was written. Reasons are in request order.
      const reasons = err.CancellationReasons ?? [];
      const ownReason: Array<string | undefined> = [];
      let i = 0;
      for (const a of actions) {
        ownReason.push(reasons[i]?.Code);
        i += a.length;
      }
      return mapWithConcurrency(releases, 16, (release, n) =>
        ownReason[n] === "ConditionalCheckFailed" ? Promise.resolve("exists" as const) : this.createRelease(release),
      );
    }
  }

  async createAlias(aliasId: string, targetReleaseId: string, source: ReleaseSource): Promise<"created" | "exists"> {
    const written = await this.tryWrite(
      "PutItem",
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.release(aliasId),
          type: "Alias",
          id: aliasId,
          aliasOf: targetReleaseId,
          sourceFeeds: new Set([source.feedId]),
          createdAt: source.seenAt,
        },
        ConditionExpression: "attribute_not_exists(PK)",
      }),
    );
    return written ? "created" : "exists";
  }

  async addSource(releaseId: string, source: ReleaseSource): Promise<"added" | "present"> {
    const feedIsNewSource = "attribute_exists(PK) AND NOT contains(sourceFeeds, :feedId)";
    const written = await this.tryWrite(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.release(releaseId),
        UpdateExpression: "SET sources = list_append(if_not_exists(sources, :empty), :source) ADD sourceFeeds :feedSet",
        ConditionExpression: feedIsNewSource,
        ExpressionAttributeValues: {
          ":feedId": source.feedId,
          ":feedSet": new Set([source.feedId]),
          ":source": [source],
          ":empty": [],
        },
      }),
    );
    return written ? "added" : "present";
  }

  async recordSeen(feedId: string, entries: ReadonlyArray<{ key: string; releaseId: string; url: string | null }>): Promise<void> {
    const unique = new Map(entries.map((e) => [e.key, e]));
    await this.batchPut(
      [...unique.values()].map((e) => ({ ...keys.seenItem(feedId, e.key), type: "Seen", feedId, key: e.key, releaseId: e.releaseId, url: e.url })),
    );
  }

  async markAnnounced(releases: ReadonlyArray<{ releaseId: string; detectedAt: string }>, at: string): Promise<void> {
    await this.batchPut(
      releases.map((r) => ({
        ...keys.announced(r.releaseId),
        ...keys.announcedByDetection(r.detectedAt, r.releaseId),
        type: "Announced",
        releaseId: r.releaseId,
        at,
      })),
    );
  }

  takeAnnounceLease(releaseId: string, now: string, leaseUntil: string): Promise<boolean> {
    return this.takeAnnounceLeaseOn(keys.release(releaseId), now, leaseUntil);
  }

  async getRelease(releaseId: string): Promise<StoredRelease | undefined> {
    const res = await this.send<{ Items?: Item[] }>(
      "Query",
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "PK = :pk",
        ExpressionAttributeValues: { ":pk": keys.release(releaseId).PK },
        ConsistentRead: true,
      }),
    );
    const items = res.Items ?? [];
    const main = items.find((i) => i.type === "Release" || i.type === "Alias");
    if (main === undefined) return undefined;
    if (main.type === "Alias") return this.getRelease(main.aliasOf as string);
    const marker = items.find((i) => i.type === "Announced");
    return toStoredRelease(main, marker);
  }

  async listReleases(options: { from: string; to: string; limit: number }): Promise<StoredRelease[]> {
    const out: StoredRelease[] = [];
    for (const month of monthsBetween(options.from, options.to).reverse()) {
      let startKey: Record<string, NativeAttributeValue> | undefined;
      const pending = new Map<string, Item>();
      const markers = new Map<string, Item>();
      do {
        const res = await this.send<{ Items?: Item[]; LastEvaluatedKey?: Record<string, NativeAttributeValue> }>(
          "Query",
          new QueryCommand({
            TableName: this.tableName,
            IndexName: TABLE_KEYS.gsi1,
            KeyConditionExpression: "GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to",
            ExpressionAttributeValues: { ":pk": keys.releasesMonth(month), ":from": options.from, ":to": `${options.to}\uffff` },
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of res.Items ?? []) {
          if (item.type === "Announced") markers.set(item.releaseId as string, item);
          else if (item.type === "Release") pending.set(item.id as string, item);
        }
        startKey = res.LastEvaluatedKey;
      } while (startKey !== undefined && pending.size < options.limit - out.length);
      const sorted = [...pending.values()].sort((a, b) => (a.GSI1SK < b.GSI1SK ? 1 : -1));
      for (const item of sorted) {
        if (out.length >= options.limit) return out;
        out.push(toStoredRelease(item, markers.get(item.id as string)));
      }
    }
    return out;
  }
}

/** The condition of every release create: exactly one writer gets a release id. */
const RELEASE_ID_IS_FREE = "attribute_not_exists(PK)";

/** Attempts of one release create when its transaction conflicts with a concurrent one. */
const CREATE_ATTEMPTS = 4;

/**
 * The conditional writes that create a release: its item, and (with a fingerprint) the claim on its
 * headline. The claim is taken when the fingerprint is unclaimed, claimed by a release outside the
 * window (FINGERPRINT_WINDOW_HOURS either side), or claimed in another language (both known).
 */
function createActions(tableName: string, release: NewRelease, item: Item): object[] {
  const put = { Put: { TableName: tableName, Item: item, ConditionExpression: RELEASE_ID_IS_FREE, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } };
  if (release.fingerprint === null) return [put];
  const at = releaseTime(
    { publishedAt: release.publishedAt ?? undefined, publishedAtPrecision: release.publishedAtPrecision },
    release.detectedAt,
  );
  const window = FINGERPRINT_WINDOW_HOURS * 3600 * 1000;
  const lang = primaryLanguage(release.language);
  const claimIsFree = "attribute_not_exists(PK) OR #at < :from OR #at > :to";
  const otherLanguage = "(attribute_exists(#lang) AND #lang <> :lang)";
  return [
    put,
    {
      Put: {
        TableName: tableName,
        Item: {
          ...keys.fingerprint(release.fingerprint),
          type: "Fingerprint",
          fingerprint: release.fingerprint,
          releaseId: release.id,
          at,
          ...(lang === undefined ? {} : { lang }),
        },
        ConditionExpression: lang === undefined ? claimIsFree : `${claimIsFree} OR ${otherLanguage}`,
        ExpressionAttributeNames: { "#at": "at", ...(lang === undefined ? {} : { "#lang": "lang" }) },
        ExpressionAttributeValues: {
          ":from": new Date(Date.parse(at) - window).toISOString(),
          ":to": new Date(Date.parse(at) + window).toISOString(),
          ...(lang === undefined ? {} : { ":lang": lang }),
        },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    },
  ];
}

/** DynamoDB's limits for one TransactWriteItems are 100 actions and 4 MB; stay well inside them. */
const CREATE_TRANSACTION_ITEMS = 100;
const CREATE_TRANSACTION_BYTES = 1_000_000;

function releaseItem(release: NewRelease): Item {
  const { sources, ...rest } = release;
  return {
    ...keys.release(release.id),
    ...keys.releaseByDetection(release.detectedAt, release.id),
    type: "Release",
    ...rest,
    sources,
    sourceFeeds: new Set(sources.map((s) => s.feedId)),
  };
}

/** Splits releases into transactions of at most 100 items and about 1 MB (estimated from the JSON). */
function createChunks(releases: readonly NewRelease[]): NewRelease[][] {
  const chunks: NewRelease[][] = [];
  let chunk: NewRelease[] = [];
  let bytes = 0;
  let count = 0;
  for (const release of releases) {
    const size = JSON.stringify(release).length + 200; // keys, type and the sourceFeeds set
    const actions = release.fingerprint === null ? 1 : 2;
    if (chunk.length > 0 && (count + actions > CREATE_TRANSACTION_ITEMS || bytes + size > CREATE_TRANSACTION_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
      count = 0;
    }
    chunk.push(release);
    bytes += size;
    count += actions;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function toStoredRelease(item: Item, marker: Item | undefined): StoredRelease {
  const announced = marker !== undefined;
  return {
    id: item.id,
    identity: item.identity,
    title: item.title,
    summary: item.summary,
    url: item.url ?? null,
    publishedAt: item.publishedAt ?? null,
    publishedAtPrecision: item.publishedAtPrecision,
    detectedAt: item.detectedAt,
    wire: item.wire,
    issuer: item.issuer ?? null,
    tickers: item.tickers ?? [],
    language: item.language ?? null,
    wireReleaseId: item.wireReleaseId ?? null,
    industries: item.industries ?? [],
    subjects: item.subjects ?? [],
    keywords: item.keywords ?? [],
    fingerprint: item.fingerprint ?? null,
    clientId: item.clientId ?? null,
    announce: announced ? "announced" : item.announce,
    announceLeaseUntil: item.announceLeaseUntil ?? null,
    sources: item.sources ?? [],
    announcedAt: announced ? (marker.at as string) : null,
    planning: item.planning ?? null,
  };
}
