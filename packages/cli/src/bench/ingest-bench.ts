import { performance } from "node:perf_hooks";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, PutCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import { DynamoEventOutbox, DynamoReleaseStore, HttpFeedFetcher, LocalEventBus, RequestCounter, keys } from "@pressbridge/adapters";
import { ROUTES, mapWithConcurrency, parseFeed, pollFeeds, systemClock, type PollDeps, type PollSummary } from "@pressbridge/core";
import { freshTable, fmt, scenarioConfig, type BenchEnv } from "./bench-env.ts";
import { median } from "./figures.ts";
import type { ScenarioSpec } from "./wire-feed.ts";

type Item = Record<string, NativeAttributeValue>;

/** pollFeeds' defaults (feeds polled at once; conditional writes in flight per feed). */
export const PRODUCT_FEED_CONCURRENCY = 32;
export const PRODUCT_WRITE_CONCURRENCY = 16;

export interface IngestBenchOptions {
  feeds: number;
  itemsPerFeed: number;
  rounds: number;
  /** Raw warm-up rounds at most (they stop once two in a row agree within 15%). */
  maxRawWarmups: number;
}

export interface IngestBenchResult {
  /** New items stored and announced per second through pollFeeds, median over rounds. */
  ingestItemsPerSecond: number;
  /** Conditional PutItem per second, same endpoint, same item, same in-flight count; median. */
  rawPutsPerSecond: number;
  /** Median of the per-round ratios. */
  ratio: number;
  roundRatios: number[];
  newItemsPerRound: number;
  rawInFlight: number;
  /** Average size of the release item the product writes (JSON of its attributes, bytes). */
  releaseItemBytes: number;
  /** DynamoDB requests per new item on the ingest path (lookups, creates, index and marker batches, feed state). */
  ingestRequestsPerItem: number;
  ingestRequestsByOperation: Record<string, number>;
}

function assertIngested(summary: PollSummary, expectedPerFeed: number, what: string): void {
  for (const f of summary.feeds) {
    if (f.status !== "ok" || f.newReleases !== expectedPerFeed) {
      throw new Error(`${what}: feed ${f.id} was ${f.status} with ${f.newReleases} new releases (expected ${expectedPerFeed})${f.error ? `: ${f.error}` : ""}`);
    }
  }
}

/**
 * One ingest round: a fresh table, a baseline poll of `feeds` feeds, then the feeds gain
 * `itemsPerFeed` new items each and one pollFeeds call (real HttpFeedFetcher against the loopback
 * server, real parser, real DynamoReleaseStore, LocalEventBus) stores and announces them. Returns
 * items/s of that second poll and the ids it announced.
 */
async function ingestRound(
  env: BenchEnv,
  fetcher: HttpFeedFetcher,
  options: IngestBenchOptions,
  scenario: string,
): Promise<{ rate: number; seconds: number; releaseIds: string[]; tableName: string; requests: Map<string, number>; drop(): Promise<void> }> {
  const spec: ScenarioSpec = { scenario, feeds: options.feeds, baselineItems: 5, newPerGeneration: options.itemsPerFeed, window: options.itemsPerFeed + 5 };
  await env.server.setup(spec);
  const table = await freshTable(env, scenario);
  const counter = new RequestCounter();
  const store = new DynamoReleaseStore({ client: env.client, tableName: table.tableName, counter });
  const bus = new LocalEventBus({ routes: ROUTES, keepPublished: true });
  const deps: PollDeps = {
    config: scenarioConfig(env, spec),
    fetcher,
    feedStates: store,
    releases: store,
    bus,
    outbox: new DynamoEventOutbox({ client: env.client, tableName: table.tableName, counter }),
    clock: systemClock,
    parse: parseFeed,
  };
  const baseline = await pollFeeds(deps, { all: true });
  for (const f of baseline.feeds) {
    if (f.status !== "ok" || f.baselined !== spec.baselineItems) throw new Error(`ingest baseline: feed ${f.id} was ${f.status} (${f.error ?? `${f.baselined} baselined`})`);
  }
  await env.server.setGeneration(scenario, 1);
  counter.reset();
  const t0 = performance.now();
  const summary = await pollFeeds(deps, { all: true });
  const seconds = (performance.now() - t0) / 1000;
  assertIngested(summary, options.itemsPerFeed, "ingest");
  const releaseIds = summary.feeds.flatMap((f) => f.newReleaseIds);
  if (bus.published.length !== releaseIds.length) throw new Error(`ingest: ${bus.published.length} events published for ${releaseIds.length} new releases`);
  return { rate: releaseIds.length / seconds, seconds, releaseIds, tableName: table.tableName, requests: new Map(counter.counts), drop: table.drop };
}

/** The release items the product wrote, read back as stored (keys and attributes), for the raw run. */
async function readReleaseItems(env: BenchEnv, tableName: string, releaseIds: readonly string[]): Promise<Item[]> {
  const out: Item[] = [];
  for (let i = 0; i < releaseIds.length; i += 100) {
    const res = await env.client.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: releaseIds.slice(i, i + 100).map((id) => keys.release(id)) } } }),
    );
    out.push(...(res.Responses?.[tableName] ?? []));
    if ((res.UnprocessedKeys?.[tableName]?.Keys?.length ?? 0) > 0) throw new Error("raw: BatchGetItem left keys unprocessed");
  }
  return out;
}

/**
 * The raw rate: the same release items PutItem'd one by one with attribute_not_exists(PK) into a
 * fresh table on the same endpoint through the same client, with as many in flight as pollFeeds
 * allows (feeds at once x writes per feed).
 */
async function rawRound(env: BenchEnv, samples: readonly Item[], count: number, inFlight: number, label: string): Promise<number> {
  const table = await freshTable(env, `raw-${label}`);
  try {
    const items = Array.from({ length: count }, (_, i) => {
      const sample = samples[i % samples.length]!;
      const id = `raw${label}x${i}`;
      return { ...sample, ...keys.release(id), ...keys.releaseByDetection(String(sample.detectedAt), id), id };
    });
    const t0 = performance.now();
    await mapWithConcurrency(items, inFlight, async (Item) => {
      try {
        await env.client.send(new PutCommand({ TableName: table.tableName, Item, ConditionExpression: "attribute_not_exists(PK)" }));
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
        throw new Error("raw: a conditional PutItem on a fresh key failed its condition");
      }
    });
    return count / ((performance.now() - t0) / 1000);
  } finally {
    await table.drop();
  }
}

/**
 * Figure 2: ingest of new items end to end vs the raw conditional-PutItem rate, interleaved rounds
 * after one unmeasured warm-up of each (DynamoDB Local's JIT).
 */
export async function runIngestBench(env: BenchEnv, options: IngestBenchOptions): Promise<IngestBenchResult> {
  const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true });
  const inFlight = PRODUCT_FEED_CONCURRENCY * PRODUCT_WRITE_CONCURRENCY;
  const perRound = options.feeds * options.itemsPerFeed;
  try {
    // DynamoDB Local is a JVM: its first few thousand requests run interpreted. Warm it up gently
    // (a cold JVM cannot accept 64 new connections at once within the client's 3 s connect timeout),
    // then with one unmeasured ingest round and raw rounds until the raw rate settles.
    env.progress("ingest: warming up DynamoDB Local");
    await rawRound(env, [{ type: "Release", title: "warm-up", summary: "x".repeat(1200), detectedAt: new Date().toISOString() }], 1000, 16, "g");
    env.progress(`ingest: warm-up round (${options.feeds} feeds x ${options.itemsPerFeed} new items)`);
    const warm = await ingestRound(env, fetcher, options, "ingw");
    const samples = await readReleaseItems(env, warm.tableName, warm.releaseIds);
    await warm.drop();
    if (samples.length === 0) throw new Error("ingest: the warm-up stored no release items");
    const releaseItemBytes = samples.reduce((n, s) => n + Buffer.byteLength(JSON.stringify(s, (_k, v: unknown) => (v instanceof Set ? [...v] : v))), 0) / samples.length;
    let previous = 0;
    for (let w = 0; w < options.maxRawWarmups; w++) {
      const rate = await rawRound(env, samples, perRound, inFlight, `w${w}`);
      env.progress(`ingest: raw warm-up ${w + 1}: ${fmt(rate)} conditional PutItem/s`);
      if (previous > 0 && Math.abs(rate - previous) / previous < 0.15) break;
      previous = rate;
    }

    const ingest: number[] = [];
    const raw: number[] = [];
    const ratios: number[] = [];
    const requests = new Map<string, number>();
    let ingestedItems = 0;
    for (let r = 0; r < options.rounds; r++) {
      let a: Awaited<ReturnType<typeof ingestRound>>;
      let b: number;
      if (r % 2 === 0) {
        b = await rawRound(env, samples, perRound, inFlight, String(r));
        a = await ingestRound(env, fetcher, options, `ing${r}`);
      } else {
        a = await ingestRound(env, fetcher, options, `ing${r}`);
        b = await rawRound(env, samples, perRound, inFlight, String(r));
      }
      await a.drop();
      for (const [op, n] of a.requests) requests.set(op, (requests.get(op) ?? 0) + n);
      ingestedItems += a.releaseIds.length;
      ingest.push(a.rate);
      raw.push(b);
      ratios.push(a.rate / b);
      env.progress(
        `ingest: round ${r + 1}/${options.rounds}: ${fmt(perRound)} new items in ${a.seconds.toFixed(2)} s = ${fmt(a.rate)}/s; ` +
          `raw conditional PutItem ${fmt(b)}/s (${(a.rate / b).toFixed(2)}x)`,
      );
    }
    let total = 0;
    for (const n of requests.values()) total += n;
    return {
      ingestItemsPerSecond: median(ingest),
      rawPutsPerSecond: median(raw),
      ratio: median(ratios),
      roundRatios: ratios,
      newItemsPerRound: perRound,
      rawInFlight: inFlight,
      releaseItemBytes: Math.round(releaseItemBytes),
      ingestRequestsPerItem: total / ingestedItems,
      ingestRequestsByOperation: Object.fromEntries([...requests].map(([op, n]) => [op, Math.round((n / ingestedItems) * 1000) / 1000])),
    };
  } finally {
    fetcher.destroy();
  }
}
