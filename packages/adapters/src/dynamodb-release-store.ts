import { randomUUID } from "node:crypto";
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
} from "@aws-sdk/lib-dynamodb";
import {
  TransientError,
  mapWithConcurrency,
  type FeedState,
  type FeedStateStore,
  FINGERPRINT_WINDOW_HOURS,
  primaryLanguage,
  releaseTime,
  type BusEvent,
  type CreateOutcome,
  type NewRelease,
  type ReleaseLookup,
  type ReleaseSource,
  type ReleaseStore,
  type StoredRelease,
} from "@pressbridge/core";
import type { RequestCounter } from "./dynamodb-client.ts";
import { DynamoFeedStateStore } from "./dynamodb-feed-state-store.ts";
import { DynamoTable } from "./dynamodb-table.ts";
import { TABLE_KEYS, keys, monthsBetween } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

/**
 * ReleaseStore on one DynamoDB table (see docs/data-model.md). Every state change is a conditional
 * write; reads are GetItem/BatchGetItem/Query, never Scan. It is a FeedStateStore too, by handing
 * feed states to a DynamoFeedStateStore on the same table, so one store can serve as both.
 */
export class DynamoReleaseStore extends DynamoTable implements ReleaseStore, FeedStateStore {
  /** Create transactions of one `createReleases` call in flight at once. */
  readonly createConcurrency: number;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string; counter?: RequestCounter; createConcurrency?: number }) {
    super(options);
    this.createConcurrency = options.createConcurrency ?? 4;
    this.feedStates = new DynamoFeedStateStore(options);
  }

  /** The feed states, on the same client, table and counter; this store answers for them too. */
  readonly feedStates: DynamoFeedStateStore;

  getFeedStates(feedIds: readonly string[], options?: { consistent?: boolean }): Promise<Map<string, FeedState>> {
    return this.feedStates.getFeedStates(feedIds, options);
  }

  putFeedState(state: FeedState, expectedVersion: number | undefined): Promise<"written" | "stale"> {
    return this.feedStates.putFeedState(state, expectedVersion);
  }

  // ---- releases -----------------------------------------------------------------------------

  async lookup(
    releaseIds: readonly string[],
    fingerprintKeys: readonly string[],
    seen?: { feedId: string; keys: readonly string[] },
  ): Promise<ReleaseLookup> {
    const wanted = [
      ...releaseIds.map((id) => keys.release(id)),
      ...fingerprintKeys.map((fp) => keys.fingerprint(fp)),
      ...(seen === undefined ? [] : seen.keys.map((k) => keys.seenItem(seen.feedId, k))),
    ];
    const items = await this.batchGet(wanted);
    const out: ReleaseLookup = { releases: new Map(), fingerprints: new Map(), seen: new Map() };
    for (const item of items) {
      if (item.type === "Release" || item.type === "Alias") {
        const id = item.id as string;
        out.releases.set(id, {
          releaseId: id,
          aliasOf: (item.aliasOf as string | undefined) ?? null,
          sourceFeeds: [...((item.sourceFeeds as Set<string> | undefined) ?? [])],
          announce: item.type === "Alias" ? null : (item.announce as NewRelease["announce"]),
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
   * here and is announced, not left to "another poller". With an announcement, its outbox item
   * is written in the same transaction (the delivery kernel). Without a fingerprint or an
   * announcement it is one PutItem; otherwise a transaction of the release, the fingerprint claim
   * and the outbox item.
   */
  async createRelease(release: NewRelease, announcement?: BusEvent): Promise<CreateOutcome> {
    const createToken = randomUUID();
    const item = { ...releaseItem(release), createToken };
    if (release.fingerprint === null && announcement === undefined) {
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
        await this.send("TransactWriteItems", new TransactWriteCommand({ TransactItems: this.createActions(release, item, announcement) }));
        return "created";
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const [own, second] = err.CancellationReasons ?? [];
        const claim = release.fingerprint === null ? undefined : second;
        if (own?.Code === "ConditionalCheckFailed") return own.Item?.createToken?.S === createToken ? "created" : "exists";
        if (claim?.Code === "ConditionalCheckFailed") {
          const holder = claim.Item?.releaseId?.S ?? (await this.fingerprintHolder(release.fingerprint!));
          if (holder === release.id) return "created";
          if (holder !== undefined) return { duplicateOf: holder };
        }
        // A transaction conflict (a concurrent create of the same id or headline): try again.
        if (attempt >= CREATE_ATTEMPTS) throw new TransientError("creating a release kept conflicting with concurrent writes", { cause: err });
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
      }
    }
  }

  /** The create's transaction items, and the outbox item of its announcement last. */
  private createActions(release: NewRelease, item: Item, announcement: BusEvent | undefined): object[] {
    const actions = createActions(this.tableName, release, item);
    return announcement === undefined ? actions : [...actions, this.outboxPut(announcement)];
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
  async createReleases(releases: readonly NewRelease[], announcements: ReadonlyMap<string, BusEvent> = new Map()): Promise<Map<string, CreateOutcome>> {
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
    await mapWithConcurrency(createChunks(unique, announcements), this.createConcurrency, async (chunk) => {
      const outcomes = await this.createChunk(chunk, announcements);
      chunk.forEach((release, i) => out.set(release.id, outcomes[i]!));
    });
    for (const release of later) out.set(release.id, await this.createRelease(release, announcements.get(release.id)));
    return out;
  }

  private async createChunk(releases: readonly NewRelease[], announcements: ReadonlyMap<string, BusEvent>): Promise<CreateOutcome[]> {
    if (releases.length === 1) return [await this.createRelease(releases[0]!, announcements.get(releases[0]!.id))];
    const actions = releases.map((r) => this.createActions(r, releaseItem(r), announcements.get(r.id)));
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
        ownReason[n] === "ConditionalCheckFailed" ? Promise.resolve("exists" as const) : this.createRelease(release, announcements.get(release.id)),
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
/** A release's create: its conditional Put, then its fingerprint claim (if any), in this order. */
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
function createChunks(releases: readonly NewRelease[], announcements: ReadonlyMap<string, BusEvent>): NewRelease[][] {
  const chunks: NewRelease[][] = [];
  let chunk: NewRelease[] = [];
  let bytes = 0;
  let count = 0;
  for (const release of releases) {
    const size = JSON.stringify(release).length + 200; // keys, type and the sourceFeeds set
    const actions = (release.fingerprint === null ? 1 : 2) + (announcements.has(release.id) ? 1 : 0);
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
    // Announced through the outbox (the item says so), or by an older marker item.
    announcedAt: announced ? (marker.at as string) : item.announce === "announced" ? item.detectedAt : null,
    planning: item.planning ?? null,
  };
}
