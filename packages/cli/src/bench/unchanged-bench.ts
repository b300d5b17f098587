import { performance } from "node:perf_hooks";
import { DynamoEventOutbox, DynamoReleaseStore, HttpFeedFetcher, LocalEventBus, RequestCounter } from "@pressbridge/adapters";
import { ROUTES, parseFeed, pollFeeds, systemClock, type PollDeps } from "@pressbridge/core";
import { freshTable, fmt, scenarioConfig, type BenchEnv } from "./bench-env.ts";
import { median } from "./figures.ts";
import type { ScenarioSpec } from "./wire-feed.ts";

export interface UnchangedBenchOptions {
  feeds: number;
  /** Unchanged polls measured (each one is a whole scheduled poll of every feed). */
  polls: number;
}

export interface UnchangedBenchResult {
  feeds: number;
  /** Median wall time of one scheduled poll of every (unchanged) feed. */
  wallMs: number;
  pollWallMs: number[];
  /** HTTP requests the feed server received during one unchanged poll (the most of any poll). */
  httpRequests: number;
  /** 304 answers among them (the most of any poll)... */
  notModified: number;
  /** DynamoDB writes during all unchanged polls together. */
  dynamoWrites: number;
  /** DynamoDB requests of one unchanged poll (the feed states, batched). */
  dynamoRequestsPerPoll: number;
  firstPollMs: number;
}

/**
 * Figure 3: `feeds` feeds on one loopback server, first polled (baseline), then polled again while
 * unchanged, the way the one-minute schedule polls them (every feed due, pollFeeds' own
 * concurrency): wall time, requests counted at the server, DynamoDB writes counted by the store.
 */
export async function runUnchangedBench(env: BenchEnv, options: UnchangedBenchOptions): Promise<UnchangedBenchResult> {
  const spec: ScenarioSpec = { scenario: "unch", feeds: options.feeds, baselineItems: 2, newPerGeneration: 1, window: 2 };
  await env.server.setup(spec);
  const table = await freshTable(env, "unchanged");
  const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true });
  try {
    const counter = new RequestCounter();
    const store = new DynamoReleaseStore({ client: env.client, tableName: table.tableName, counter });
    const deps: PollDeps = {
      config: scenarioConfig(env, spec),
      fetcher,
      feedStates: store,
      releases: store,
      bus: new LocalEventBus({ routes: ROUTES, keepPublished: false }),
      outbox: new DynamoEventOutbox({ client: env.client, tableName: table.tableName, counter }),
      clock: systemClock,
      parse: parseFeed,
    };
    env.progress(`unchanged: first poll of ${fmt(options.feeds)} feeds (baseline)`);
    const t0 = performance.now();
    const first = await pollFeeds(deps);
    const firstPollMs = performance.now() - t0;
    const failed = first.feeds.filter((f) => f.status !== "ok");
    if (first.feeds.length !== options.feeds || failed.length > 0) {
      throw new Error(`unchanged: the first poll covered ${first.feeds.length} feeds, ${failed.length} failed${failed[0] ? ` (${failed[0].id}: ${failed[0].error})` : ""}`);
    }

    const walls: number[] = [];
    let httpRequests = 0;
    let notModified = 0;
    let dynamoRequestsPerPoll = 0;
    counter.reset();
    for (let p = 0; p < options.polls; p++) {
      await env.server.resetStats();
      const before = counter.total();
      const t1 = performance.now();
      const summary = await pollFeeds(deps);
      const wall = performance.now() - t1;
      const stats = await env.server.stats();
      const unchanged = summary.feeds.filter((f) => f.status === "unchanged").length;
      if (summary.feeds.length !== options.feeds) throw new Error(`unchanged: only ${summary.feeds.length} of ${options.feeds} feeds were due`);
      walls.push(wall);
      httpRequests = Math.max(httpRequests, stats.requests);
      notModified = Math.max(notModified, stats.byStatus["304"] ?? 0);
      dynamoRequestsPerPoll = Math.max(dynamoRequestsPerPoll, counter.total() - before);
      env.progress(
        `unchanged: poll ${p + 1}/${options.polls}: ${fmt(unchanged)}/${fmt(options.feeds)} unchanged in ${fmt(wall)} ms, ` +
          `${fmt(stats.requests)} HTTP requests (${fmt(stats.byStatus["304"] ?? 0)} x 304), ${counter.writes()} DynamoDB writes so far`,
      );
    }
    return {
      feeds: options.feeds,
      wallMs: median(walls),
      pollWallMs: walls.map((w) => Math.round(w)),
      httpRequests,
      notModified,
      dynamoWrites: counter.writes(),
      dynamoRequestsPerPoll,
      firstPollMs: Math.round(firstPollMs),
    };
  } finally {
    fetcher.destroy();
    await table.drop();
  }
}
