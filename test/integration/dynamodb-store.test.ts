import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DynamoReleaseStore, DynamoTable, createDynamoClient, type RequestCounter, DynamoEventOutbox } from "@pressbridge/adapters";
import { TransientError, type FeedState, type NewRelease, releaseDetectedEvent } from "@pressbridge/core";
import { freshStore } from "../support/dynamo-table.ts";
import { newRelease } from "../support/releases.ts";

let store: DynamoReleaseStore;
let counter: RequestCounter;
let drop: () => Promise<void>;
beforeEach(async () => {
  ({ store, counter, drop } = await freshStore());
});
afterEach(async () => drop());

const release = (id: string, detectedAt: string, over: Partial<NewRelease> = {}): NewRelease =>
  newRelease(id, detectedAt, {
    publishedAt: null,
    publishedAtPrecision: "none",
    wire: "Test Wire",
    language: null,
    announce: "pending",
    announceLeaseUntil: "2026-11-21T12:01:00.000Z",
    sources: [{ feedId: "f1", url: `https://wire.example/${id}`, seenAt: detectedAt }],
    ...over,
  });

describe("DynamoReleaseStore on DynamoDB Local", () => {
  it("creates a release once; a second create and a repeated source are no-ops", async () => {
    expect(await store.createRelease(release("r_a", "2026-11-21T12:00:00.000Z"))).toBe("created");
    expect(await store.createRelease(release("r_a", "2026-11-21T12:00:05.000Z", { title: "other" }))).toBe("exists");
    expect(await store.addSource("r_a", { feedId: "f1", url: "x", seenAt: "2026-11-21T12:00:00.000Z" })).toBe("present");
    expect(await store.addSource("r_a", { feedId: "f2", url: "y", seenAt: "2026-11-21T12:00:09.000Z" })).toBe("added");
    expect(await store.addSource("r_a", { feedId: "f2", url: "y", seenAt: "2026-11-21T12:00:10.000Z" })).toBe("present");
    const got = await store.getRelease("r_a");
    expect(got?.title).toBe("Title r_a");
    expect(got?.sources.map((s) => s.feedId)).toEqual(["f1", "f2"]);
  });

  it("resolves aliases", async () => {
    await store.createRelease(release("r_a", "2026-11-21T12:00:00.000Z"));
    expect(await store.createAlias("r_b", "r_a", { feedId: "f2", url: "z", seenAt: "2026-11-21T12:00:01.000Z" })).toBe("created");
    expect((await store.getRelease("r_b"))?.id).toBe("r_a");
    const found = await store.lookup(["r_a", "r_b", "r_missing"], []);
    expect(found.releases.get("r_a")).toMatchObject({ aliasOf: null, announce: "pending", sourceFeeds: ["f1"] });
    expect(found.releases.get("r_b")).toMatchObject({ aliasOf: "r_a", sourceFeeds: ["f2"] });
    expect(found.releases.has("r_missing")).toBe(false);
  });

  it("writes a release and its announcement's outbox item in one transaction, and a losing create writes neither", async () => {
    const outbox = new DynamoEventOutbox({ client: store.client, tableName: store.tableName });
    const first = { ...release("r_a", "2026-11-21T12:00:00.000Z"), announce: "announced" as const };
    const event = releaseDetectedEvent(first, "f1", "2026-11-21T12:00:00.000Z");
    expect(await store.createRelease(first, event)).toBe("created");
    expect(await store.getRelease("r_a")).toMatchObject({ announce: "announced", announcedAt: "2026-11-21T12:00:00.000Z" });
    expect((await outbox.pendingEvents("9999", 10)).map((e) => e.id)).toEqual(["release-detected:r_a"]);
    // A second poller's create of the same id (its own event object, same deterministic id) loses and adds nothing.
    expect(await store.createRelease({ ...first, title: "other" }, { ...event, time: "2026-11-21T12:00:09.000Z" })).toBe("exists");
    expect(await outbox.pendingEvents("9999", 10)).toHaveLength(1);
    // In a batch too: each created release brings its own outbox item.
    const batch = ["r_b", "r_c", "r_d"].map((id) => ({ ...release(id, "2026-11-21T12:00:00.000Z"), announce: "announced" as const }));
    const created = await store.createReleases(batch, new Map(batch.map((r) => [r.id, releaseDetectedEvent(r, "f1", "2026-11-21T12:00:00.000Z")])));
    expect([...created.values()]).toEqual(["created", "created", "created"]);
    expect((await outbox.pendingEvents("9999", 10)).map((e) => e.id).sort()).toEqual(["release-detected:r_a", "release-detected:r_b", "release-detected:r_c", "release-detected:r_d"]);
    await outbox.deleteEvents(["release-detected:r_a"]);
    expect(await outbox.pendingEvents("9999", 10)).toHaveLength(3);
  });

  it("creates many releases in transactions of at most 100, each id once, and reports the ones that exist", async () => {
    await store.createRelease(release("r_5", "2026-11-21T11:00:00.000Z", { title: "first writer" }));
    await store.createRelease(release("r_150", "2026-11-21T11:00:00.000Z", { title: "first writer" }));
    const batch = Array.from({ length: 250 }, (_, i) => release(`r_${i}`, "2026-11-21T12:00:00.000Z"));
    counter.reset();
    const outcome = await store.createReleases([...batch, release("r_7", "2026-11-21T12:00:00.000Z", { title: "duplicate in the call" })]);
    expect(outcome.size).toBe(250);
    expect([...outcome].filter(([, o]) => o === "exists").map(([id]) => id).sort()).toEqual(["r_150", "r_5"]);
    // Three transactions (100, 100, 50). The two that met an existing release were cancelled, and
    // their other 99 releases went one by one; the cancellation reasons said which one existed.
    expect(counter.counts.get("TransactWriteItems")).toBe(3);
    expect(counter.counts.get("PutItem")).toBe(198);
    expect((await store.getRelease("r_5"))?.title).toBe("first writer");
    expect((await store.getRelease("r_7"))?.title).toBe("Title r_7");
    expect(await store.getRelease("r_249")).toMatchObject({ id: "r_249", announce: "pending", sources: [{ feedId: "f1" }] });
    const found = await store.lookup(batch.map((r) => r.id), []);
    expect(found.releases.size).toBe(250);
  });

  it("keeps a create transaction within DynamoDB's size limit, and writes a lone release with one PutItem", async () => {
    const big = "x".repeat(25_000);
    counter.reset();
    const outcome = await store.createReleases(Array.from({ length: 60 }, (_, i) => release(`r_${i}`, "2026-11-21T12:00:00.000Z", { summary: big })));
    expect([...outcome.values()].every((o) => o === "created")).toBe(true);
    expect(counter.counts.get("TransactWriteItems")).toBe(2);
    counter.reset();
    expect(await store.createReleases([release("r_lone", "2026-11-21T12:00:00.000Z")])).toEqual(new Map([["r_lone", "created"]]));
    expect(Object.fromEntries(counter.counts)).toEqual({ PutItem: 1 });
  });

  it("lets exactly one of two racing batch creates win each release id", async () => {
    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => release(`r_${from + i}`, "2026-11-21T12:00:00.000Z"));
    const [a, b] = await Promise.all([store.createReleases(ids(0, 150)), store.createReleases(ids(50, 200))]);
    for (let i = 0; i < 200; i++) {
      const wins = [a.get(`r_${i}`), b.get(`r_${i}`)].filter((o) => o === "created");
      expect(wins, `r_${i}`).toHaveLength(1);
    }
    expect((await store.lookup(ids(0, 200).map((r) => r.id), [])).releases.size).toBe(200);
  });

  it("keeps at most createConcurrency create transactions in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const client = store.client;
    const counting = {
      send: async (command: { constructor: { name: string } }) => {
        const isTransaction = command.constructor.name === "TransactWriteCommand";
        if (isTransaction) peak = Math.max(peak, ++inFlight);
        try {
          return await client.send(command as never);
        } finally {
          if (isTransaction) inFlight--;
        }
      },
    } as unknown as typeof client;
    const bounded = new DynamoReleaseStore({ client: counting, tableName: store.tableName, createConcurrency: 2 });
    const outcome = await bounded.createReleases(Array.from({ length: 700 }, (_, i) => release(`r_${i}`, "2026-11-21T12:00:00.000Z")));
    expect(outcome.size).toBe(700);
    expect(peak).toBe(2);
  });

  it("refuses a feed-state write from a poller holding an older version", async () => {
    const state: FeedState = {
      feedId: "f1", version: 1, etag: '"a"', lastModified: null, bodyHash: "h1", baselineAt: "2026-11-21T12:00:00.000Z",
      lastAttemptAt: null, lastSuccessAt: null, lastChangeAt: null, lastNewItemAt: null, consecutiveFailures: 0,
      nextPollAt: null, lastError: null, lastHttpStatus: 200, itemsSeen: 3,
    };
    expect(await store.putFeedState(state, undefined)).toBe("written");
    expect(await store.putFeedState({ ...state, version: 1 }, undefined)).toBe("stale");
    expect(await store.putFeedState({ ...state, version: 2, bodyHash: "h2" }, 1)).toBe("written");
    expect(await store.putFeedState({ ...state, version: 2, bodyHash: "old" }, 1)).toBe("stale");
    expect((await store.getFeedStates(["f1", "nope"])).get("f1")).toMatchObject({ version: 2, bodyHash: "h2" });
  });

  it("lists releases newest first across months through the index, and pages past 1 MB", async () => {
    const big = "x".repeat(5000);
    const when = (i: number) => new Date(Date.parse("2026-09-15T00:00:00Z") + i * 3 * 3600_000).toISOString();
    for (let i = 0; i < 600; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, k) => store.createRelease(release(`r_${i + k}`, when(i + k), { summary: big }))));
    }
    counter.reset();
    const all = await store.listReleases({ from: "2026-09-01T00:00:00Z", to: "2026-12-31T00:00:00Z", limit: 1000 });
    expect(all).toHaveLength(600);
    expect(all[0]!.id).toBe("r_599");
    expect(all.at(-1)!.id).toBe("r_0");
    expect(counter.total((op) => op === "Query")).toBeGreaterThan(3);
    const limited = await store.listReleases({ from: "2026-09-01T00:00:00Z", to: "2026-12-31T00:00:00Z", limit: 5 });
    expect(limited.map((r) => r.id)).toEqual(["r_599", "r_598", "r_597", "r_596", "r_595"]);
    const window = await store.listReleases({ from: when(10), to: when(12), limit: 100 });
    expect(window.map((r) => r.id)).toEqual(["r_12", "r_11", "r_10"]);
  });

  it("counts a create as ours when its answer was lost and the SDK's retry meets our own item", async () => {
    // A proxy in front of DynamoDB Local applies the first PutItem, then drops the connection
    // instead of answering, as a network failure after the write would.
    let dropped = 0;
    const upstream = new URL(inject("dynamoEndpoint"));
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (c: Buffer) => parts.push(c));
          answer.on("end", () => {
            if (req.headers["x-amz-target"] === "DynamoDB_20120810.PutItem" && dropped === 0) {
              dropped++;
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 500, answer.headers).end(Buffer.concat(parts));
          });
        });
        forward.end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const client = createDynamoClient({ endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    try {
      const viaProxy = new DynamoReleaseStore({ client, tableName: store.tableName });
      expect(await viaProxy.createRelease(release("r_lost", "2026-11-21T12:00:00.000Z"))).toBe("created");
      expect(dropped).toBe(1); // the first answer really was lost, and the SDK retried
      // Anybody else's create of the same id still loses.
      expect(await viaProxy.createRelease(release("r_lost", "2026-11-21T12:00:00.000Z"))).toBe("exists");
      expect(await store.createRelease(release("r_lost", "2026-11-21T12:00:00.000Z"))).toBe("exists");
    } finally {
      client.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it("reads only a failed condition in a cancelled transaction as 'somebody else got there first'", async () => {
    const cancelled = (codes: string[]) =>
      new TransactionCanceledException({ message: "Transaction cancelled", $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
    const tableWith = (error: Error) => new DynamoTable({ client: { send: async () => Promise.reject(error) } as never, tableName: "t" });
    expect(await tableWith(cancelled(["None", "ConditionalCheckFailed"])).tryWrite("TransactWriteItems", {})).toBe(false);
    await expect(tableWith(cancelled(["TransactionConflict", "None"])).tryWrite("TransactWriteItems", {})).rejects.toBeInstanceOf(TransientError);
    await expect(tableWith(cancelled(["ThrottlingError"])).tryWrite("TransactWriteItems", {})).rejects.toThrow(/cancelled \(ThrottlingError\); retry/);
  });
});
