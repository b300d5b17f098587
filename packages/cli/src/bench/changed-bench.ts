import { DynamoEventOutbox, DynamoReleaseStore, HttpFeedFetcher, LocalEventBus } from "@pressbridge/adapters";
import { ROUTES, parseFeed, pollFeeds, systemClock, type FeedState, type FeedStateStore, type PollDeps } from "@pressbridge/core";
import { freshTable, fmt, scenarioConfig, type BenchEnv } from "./bench-env.ts";
import { ItemCounter, countingClient } from "./item-counter.ts";
import type { ScenarioSpec } from "./wire-feed.ts";

export interface ChangedBenchOptions {
  feeds: number;
  /** Items each feed document lists (a busy wire's "latest news"). */
  items: number;
  /** New items a changed document brings (the oldest as many drop out). */
  newItems: number;
  /** Changed polls measured, one generation each. */
  polls: number;
}

/** What one changed feed's poll costs, averaged over the measured polls. */
export interface ChangedFeedCost {
  /** Items DynamoDB read (billed per item up to 4 KB, missing keys included), the feed state included. */
  reads: number;
  /** Of them, read eventually consistent (half the read units). */
  eventualReads: number;
  /** Items written: creates, fingerprint claims, outbox items and their deletes, seen keys, the feed state. */
  writes: number;
  readsByKind: Record<string, number>;
  writesByKind: Record<string, number>;
  /** The largest feed state after the polls, as JSON (what the state read and write pay for: 4 KB a read unit, 1 KB a write unit). */
  feedStateBytes: number;
}

export interface ChangedBenchResult {
  feeds: number;
  items: number;
  newItems: number;
  polls: number;
  /** With the known-item memory, as the product runs. */
  withMemory: ChangedFeedCost;
  /** The same polls with the memory withheld from the poll (every item looked up by id, as before it). */
  withoutMemory: ChangedFeedCost;
}

/**
 * Figure: what a changed feed costs in DynamoDB items. `feeds` wire feeds of `items` items each are
 * baselined, then each generation brings `newItems` new items to every feed, and a scheduled poll
 * of all of them is counted item by item (a counting wrapper around the document client of the real
 * DynamoReleaseStore). It runs twice on fresh tables: as the product runs, and with the feed states
 * handed to the poll stripped of their memory, which is the poll as it was before the memory.
 */
export async function runChangedBench(env: BenchEnv, options: ChangedBenchOptions): Promise<ChangedBenchResult> {
  const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true });
  try {
    const withMemory = await changedRound(env, fetcher, options, "chg", false);
    const withoutMemory = await changedRound(env, fetcher, options, "chgx", true);
    return { feeds: options.feeds, items: options.items, newItems: options.newItems, polls: options.polls, withMemory, withoutMemory };
  } finally {
    fetcher.destroy();
  }
}

/** A FeedStateStore that reads the states without their known-item memory (the poll before it). */
function forgetful(store: FeedStateStore): FeedStateStore {
  return {
    getFeedStates: async (ids, options) => {
      const states = await store.getFeedStates(ids, options);
      return new Map([...states].map(([id, s]): [string, FeedState] => [id, withoutMemory(s)]));
    },
    putFeedState: (state, expected) => store.putFeedState(state, expected),
  };
}

function withoutMemory(state: FeedState): FeedState {
  const { knownItems: _forgotten, ...rest } = state;
  return rest;
}

async function changedRound(env: BenchEnv, fetcher: HttpFeedFetcher, options: ChangedBenchOptions, scenario: string, forget: boolean): Promise<ChangedFeedCost> {
  const spec: ScenarioSpec = { scenario, feeds: options.feeds, baselineItems: options.items, newPerGeneration: options.newItems, window: options.items };
  await env.server.setup(spec);
  const table = await freshTable(env, scenario);
  const counter = new ItemCounter();
  const client = countingClient(env.client, counter);
  try {
    const store = new DynamoReleaseStore({ client, tableName: table.tableName });
    const deps: PollDeps = {
      config: scenarioConfig(env, spec),
      fetcher,
      feedStates: forget ? forgetful(store) : store,
      releases: store,
      bus: new LocalEventBus({ routes: ROUTES, keepPublished: false }),
      outbox: new DynamoEventOutbox({ client, tableName: table.tableName }),
      clock: systemClock,
      parse: parseFeed,
    };
    const baseline = await pollFeeds(deps, { all: true });
    for (const f of baseline.feeds) {
      if (f.status !== "ok" || f.baselined !== options.items) throw new Error(`changed baseline: feed ${f.id} was ${f.status} (${f.error ?? `${f.baselined} baselined`})`);
    }
    const reads = new Map<string, number>();
    const writes = new Map<string, number>();
    let eventual = 0;
    for (let g = 1; g <= options.polls; g++) {
      await env.server.setGeneration(scenario, g);
      counter.reset();
      // A scheduled poll (every feed due), as the one-minute schedule runs it.
      const summary = await pollFeeds(deps, { all: true });
      for (const f of summary.feeds) {
        if (f.status !== "ok" || f.newReleases !== options.newItems || f.itemsSeen !== options.items) {
          throw new Error(`changed: feed ${f.id} was ${f.status} with ${f.newReleases} new releases of ${f.itemsSeen} items (expected ${options.newItems} of ${options.items})${f.error ? `: ${f.error}` : ""}`);
        }
      }
      for (const [kind, n] of counter.reads) reads.set(kind, (reads.get(kind) ?? 0) + n);
      for (const [kind, n] of counter.writes) writes.set(kind, (writes.get(kind) ?? 0) + n);
      eventual += counter.eventualReads;
      env.progress(
        `changed${forget ? " (memory withheld)" : ""}: poll ${g}/${options.polls}: ${fmt(options.feeds)} feeds x ${options.newItems} new of ${options.items} items, ` +
          `${fmt(counter.totalReads())} items read, ${fmt(counter.totalWrites())} written`,
      );
    }
    const states = await store.getFeedStates(deps.config.feeds.map((f) => f.id));
    // Without the memory, the state as it was before it (the poll writes one either way).
    const feedStateBytes = Math.max(...[...states.values()].map((state) => Buffer.byteLength(JSON.stringify(forget ? withoutMemory(state) : state))));
    const perFeed = options.feeds * options.polls;
    const per = (map: ReadonlyMap<string, number>): Record<string, number> => Object.fromEntries([...map].sort().map(([k, n]) => [k, round2(n / perFeed)]));
    const total = (map: ReadonlyMap<string, number>): number => [...map.values()].reduce((a, b) => a + b, 0);
    return {
      reads: round2(total(reads) / perFeed),
      eventualReads: round2(eventual / perFeed),
      writes: round2(total(writes) / perFeed),
      readsByKind: per(reads),
      writesByKind: per(writes),
      feedStateBytes,
    };
  } finally {
    await table.drop();
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
