import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoEventOutbox, DynamoReleaseStore, HttpFeedFetcher, LocalEventBus } from "@pressbridge/adapters";
import {
  ROUTES,
  flushOutbox,
  knownItemKey,
  parseConfig,
  parseFeed,
  pollFeeds,
  type BusEvent,
  type FeedStateStore,
  type PollDeps,
  type PressbridgeConfig,
  type ReleaseStore,
} from "@pressbridge/core";
import { ItemCounter, countingClient } from "../../packages/cli/src/bench/item-counter.ts";
import { freshStore } from "../support/dynamo-table.ts";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";

/**
 * The known-item memory on DynamoDB Local: a changed feed looks up only the items its state does not
 * remember, still detects every new release exactly once, and remembers nothing of a poll that failed.
 */

class FakeClock {
  t = Date.parse("2026-11-21T12:00:00.000Z");
  now = (): Date => new Date(this.t);
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

type Item = { title: string; link: string; description: string };

const item = (feed: string, n: number): Item => ({
  title: `Northwind ${feed} Files Regulatory Update Number ${n}`,
  link: `https://wire.example/${feed}/update-${n}.html`,
  description: `Northwind filed update ${n} with the regulator today.`,
});

let server: FeedServer;
let store: DynamoReleaseStore;
let drop: () => Promise<void>;
let clock: FakeClock;
let items: ItemCounter;
const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true, timeoutMs: 1_500, maxBytes: 500_000 });

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  const fresh = await freshStore();
  drop = fresh.drop;
  items = new ItemCounter();
  // The real store on the same table, through a client that counts the items of every request.
  store = new DynamoReleaseStore({ client: countingClient(fresh.store.client, items), tableName: fresh.store.tableName });
  clock = new FakeClock();
});
afterEach(async () => {
  await drop();
});

/** The ReleaseStore and FeedStateStore with every lookup and feed-state read recorded, and an optional failing create. */
function recording(failCreateOf?: string) {
  const lookups: Array<{ ids: string[]; fingerprints: number; seen: number }> = [];
  const stateReads: Array<{ ids: string[]; consistent: boolean | undefined }> = [];
  let failing = failCreateOf;
  const releases: ReleaseStore = {
    lookup: (ids, fingerprints, seen) => {
      lookups.push({ ids: [...ids], fingerprints: fingerprints.length, seen: seen?.keys.length ?? 0 });
      return store.lookup(ids, fingerprints, seen);
    },
    createRelease: (r, a) => store.createRelease(r, a),
    createReleases: async (rs, announcements) => {
      const failed = rs.find((r) => r.title === failing);
      if (failed === undefined) return store.createReleases(rs, announcements);
      // The others are created (with their outbox items); this one's create fails, once.
      failing = undefined;
      await store.createReleases(rs.filter((r) => r !== failed), announcements);
      throw new Error(`injected: creating "${failed.title}" failed`);
    },
    createAlias: (a, t, s) => store.createAlias(a, t, s),
    addSource: (r, s) => store.addSource(r, s),
    recordSeen: (f, e) => store.recordSeen(f, e),
    getRelease: (id) => store.getRelease(id),
    listReleases: (o) => store.listReleases(o),
  };
  const feedStates: FeedStateStore = {
    getFeedStates: (ids, options) => {
      stateReads.push({ ids: [...ids], consistent: options?.consistent });
      return store.getFeedStates(ids, options);
    },
    putFeedState: (s, v) => store.putFeedState(s, v),
  };
  const lookedUp = (): string[] => lookups.flatMap((l) => l.ids);
  const reset = (): void => {
    lookups.length = 0;
    stateReads.length = 0;
    items.reset();
  };
  return { releases, feedStates, lookups, stateReads, lookedUp, reset };
}

function deps(cfg: PressbridgeConfig, spy: ReturnType<typeof recording>, bus: LocalEventBus): PollDeps {
  return {
    config: cfg,
    fetcher,
    feedStates: spy.feedStates,
    releases: spy.releases,
    bus,
    outbox: new DynamoEventOutbox({ client: store.client, tableName: store.tableName }),
    clock,
    parse: parseFeed,
    random: () => 0,
  };
}

/** Serves `list` at `path`; `build` changes the document's bytes (and ETag) without changing its items. */
function serve(path: string, list: Item[]): { rebuild(): void } {
  let build = 0;
  server.serveFeed(path, () => rss(list).replace("<description>t</description>", `<description>build ${build}</description>`));
  return { rebuild: () => void build++ };
}

const config = (id: string): PressbridgeConfig => parseConfig({ feeds: [{ id, url: `${server.url}/${id}` }], security: { allowPrivateFeedHosts: true } });
const titles = (events: readonly BusEvent[]): string[] => events.map((e) => (e.detail as { title: string }).title).sort();

describe("the known-item memory on DynamoDB Local", () => {
  it("looks up only the 2 new items of a changed 40-item feed, and detects exactly those 2", async () => {
    const list = Array.from({ length: 40 }, (_, n) => item("mem", n)).reverse();
    const doc = serve("/mem", list);
    const spy = recording();
    const bus = new LocalEventBus({ routes: ROUTES });
    const cfg = config("mem");

    const first = await pollFeeds(deps(cfg, spy, bus));
    expect(first.feeds[0]).toMatchObject({ status: "ok", baselined: 40, newReleases: 0 });
    const baseline = (await store.getFeedStates(["mem"])).get("mem")!;
    expect(baseline.knownItems).toHaveLength(40);

    list.unshift(item("mem", 41), item("mem", 40));
    clock.advance(60);
    spy.reset();
    const second = await pollFeeds(deps(cfg, spy, bus), { all: true });
    expect(second.feeds[0]).toMatchObject({ status: "ok", itemsSeen: 42, newReleases: 2, baselined: 0, merged: 0 });
    expect(titles(bus.published)).toEqual([item("mem", 40).title, item("mem", 41).title].sort());
    // The release store was asked about the 2 new items only: by id, then (unknown) by headline and seen keys.
    expect(spy.lookedUp().sort()).toEqual([...second.feeds[0]!.newReleaseIds].sort());
    expect(spy.lookups.map((l) => l.fingerprints)).toEqual([0, 2]);
    expect(spy.lookups[1]!.seen).toBeLessThanOrEqual(2 * 3);
    // Items read: the feed state (eventually consistent) and the 2 new items' keys, nothing of the other 40.
    const lookupKeys = spy.lookups.reduce((n, l) => n + l.ids.length + l.fingerprints + l.seen, 0);
    expect(items.reads.get("FEED")).toBe(1);
    expect(items.eventualReads).toBe(1);
    expect(items.totalReads()).toBe(1 + lookupKeys);
    expect(items.totalReads()).toBeLessThanOrEqual(1 + 2 * 5);
    const after = (await store.getFeedStates(["mem"])).get("mem")!;
    expect(after.knownItems!.slice(0, 2).sort()).toEqual(second.feeds[0]!.newReleaseIds.map(knownItemKey).sort());
    expect(after.knownItems).toHaveLength(42);

    // New bytes, no new item: no lookup at all, and the feed state is the only write.
    doc.rebuild();
    clock.advance(60);
    spy.reset();
    const third = await pollFeeds(deps(cfg, spy, bus), { all: true });
    expect(third.feeds[0]).toMatchObject({ status: "ok", itemsSeen: 42, newReleases: 0 });
    expect(spy.lookups).toEqual([]);
    expect(items.totalReads()).toBe(1);
    expect(Object.fromEntries(items.writes)).toEqual({ FEED: 1 });
    expect(bus.published).toHaveLength(2);
  });

  it("remembers nothing of a poll whose create failed: the item is looked up again and announced once", async () => {
    const list = Array.from({ length: 3 }, (_, n) => item("fail", n)).reverse();
    const doc = serve("/fail", list);
    const failing = item("fail", 4);
    const spy = recording(failing.title);
    const bus = new LocalEventBus({ routes: ROUTES });
    const cfg = config("fail");
    await pollFeeds(deps(cfg, spy, bus));
    const before = (await store.getFeedStates(["fail"])).get("fail")!.knownItems;
    expect(before).toHaveLength(3);

    list.unshift(failing, item("fail", 3));
    clock.advance(60);
    spy.reset();
    const failed = await pollFeeds(deps(cfg, spy, bus), { all: true });
    expect(failed.feeds[0]).toMatchObject({ status: "error", errorKind: "internal" });
    expect(failed.feeds[0]!.error).toMatch(/injected/);
    expect(spy.lookedUp()).toHaveLength(2);
    // The failed poll's state keeps the memory it started from.
    const state = (await store.getFeedStates(["fail"])).get("fail")!;
    expect(state).toMatchObject({ consecutiveFailures: 1, knownItems: before });

    clock.advance(600);
    spy.reset();
    const retried = await pollFeeds(deps(cfg, spy, bus), { all: true });
    expect(retried.feeds[0]).toMatchObject({ status: "ok", newReleases: 1, consecutiveFailures: 0 });
    // Both items of the failed poll are looked up again: the one never created, and the one created
    // there (found by id now; its event waited in the outbox).
    expect(spy.lookedUp()).toHaveLength(2);
    expect(titles(bus.published)).toEqual([failing.title]);
    const outbox = new DynamoEventOutbox({ client: store.client, tableName: store.tableName });
    expect(await flushOutbox({ bus, outbox, clock }, 0)).toBe(1);
    expect(titles(bus.published)).toEqual([failing.title, item("fail", 3).title].sort());

    // Now both are remembered: new bytes cost no lookup, and nothing is announced again.
    doc.rebuild();
    clock.advance(60);
    spy.reset();
    const later = await pollFeeds(deps(cfg, spy, bus), { all: true });
    expect(later.feeds[0]).toMatchObject({ status: "ok", newReleases: 0 });
    expect(spy.lookups).toEqual([]);
    expect(bus.published).toHaveLength(2);
  });

  it("reads feed states eventually consistent, and consistently again for a feed without a baseline", async () => {
    const list = [item("ec", 1)];
    const doc = serve("/ec", list);
    const spy = recording();
    const bus = new LocalEventBus({ routes: ROUTES });
    const cfg = config("ec");

    await pollFeeds(deps(cfg, spy, bus));
    // No state yet: read once eventually consistent, then again consistently before baselining.
    expect(spy.stateReads).toEqual([
      { ids: ["ec"], consistent: false },
      { ids: ["ec"], consistent: true },
    ]);

    doc.rebuild();
    list.unshift(item("ec", 2));
    clock.advance(60);
    spy.reset();
    const second = await pollFeeds(deps(cfg, spy, bus), { all: true });
    expect(second.feeds[0]).toMatchObject({ status: "ok", newReleases: 1 });
    expect(spy.stateReads).toEqual([{ ids: ["ec"], consistent: false }]);
    expect(items.reads.get("FEED")).toBe(1);
    expect(items.eventualReads).toBe(1);
  });
});
