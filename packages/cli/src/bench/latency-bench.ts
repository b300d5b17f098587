import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  createPublisherDirectory,
  pollDeps,
  tableAdapters,
  FileMediaLists,
  HttpFeedFetcher,
  LocalEventBus,
  OutboxMailer,
  RequestCounter,
} from "@pressbridge/adapters";
import { ROUTES, credentialSourceOf, importWorkspace, parseFeed, planIdFor, pollFeeds, systemClock, type EmailMessage, type Logger, type Mailer, type PollDeps } from "@pressbridge/core";
import { subscribeConsumers } from "../runtime/local-context.ts";
import { loadSigningKeys } from "../runtime/local-secrets.ts";
import { freshTable, fmt, scenarioConfig, type BenchEnv } from "./bench-env.ts";
import { percentile } from "./figures.ts";
import type { ScenarioSpec } from "./wire-feed.ts";

export interface LatencyBenchOptions {
  releases: number;
  /** New releases seen by one poll (spread over the feeds). */
  releasesPerPoll: number;
  feeds: number;
  clients: number;
  /** Client c has 1 + (c mod maxApprovers) approvers: a mix of one- and two-approver clients by default. */
  maxApprovers: number;
  /** Unmeasured polls first (DynamoDB Local's JIT meets the plan and email requests for the first time). */
  warmupPolls: number;
  /** Scratch directory for the outbox, media lists and signing keys. */
  workDir: string;
  logger: Logger;
}

export interface LatencyBenchResult {
  releases: number;
  polls: number;
  releasesPerPoll: number;
  emails: number;
  approversPerRelease: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** DynamoDB requests from the polls that saw the releases to the last approval email, per release. */
  requestsPerRelease: number;
  requestsByOperation: Record<string, number>;
}

/**
 * The real Mailer port's outbox implementation, with the moment each message was written (after the
 * file is fsynced and renamed into the outbox) recorded per plan.
 */
class TimedMailer implements Mailer {
  readonly written = new Map<string, number[]>();
  private readonly inner: OutboxMailer;
  constructor(inner: OutboxMailer) {
    this.inner = inner;
  }
  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const result = await this.inner.send(message);
    const at = performance.now();
    const planId = message.headers?.["X-Pressbridge-Plan"] ?? "";
    const list = this.written.get(planId);
    if (list === undefined) this.written.set(planId, [at]);
    else list.push(at);
    return result;
  }
}

const CHANNELS = ["x", "linkedin", "facebook", "instagram", "bluesky", "threads"];

/**
 * Figures 4 and 5: releases appear on client-bound feeds a few per poll; each poll is the real
 * pollFeeds, and the real plan-amplification and notify-approvers consumers (subscribeLocalConsumers,
 * the local runtime's own wiring) run on the LocalEventBus against DynamoDB and the outbox mailer.
 * Latency is from the start of the poll that sees a release to the moment its last approver's email
 * is written. Requests are counted by every store involved, from those polls to the last email.
 */
export async function runLatencyBench(env: BenchEnv, options: LatencyBenchOptions): Promise<LatencyBenchResult> {
  const perFeed = Math.max(1, Math.round(options.releasesPerPoll / options.feeds));
  const releasesPerPoll = perFeed * options.feeds;
  const polls = Math.ceil(options.releases / releasesPerPoll);
  const spec: ScenarioSpec = { scenario: "lat", feeds: options.feeds, baselineItems: 5, newPerGeneration: perFeed, window: Math.max(20, perFeed + 5) };
  await env.server.setup(spec);

  const approversOf = (client: number): number => 1 + (client % Math.max(1, options.maxApprovers));
  const journalists = Array.from({ length: 50 }, (_, i) => `Reporter ${i},reporter${i}@news${i % 7}.example,Outlet ${i % 7}`);
  writeFileSync(join(options.workDir, "journalists.csv"), `Name,Email,Outlet\n${journalists.join("\n")}\n`);
  const clients = Array.from({ length: options.clients }, (_, c) => ({
    id: `client-${c}`,
    name: `Client ${c} Holdings`,
    owner: `pr-lead@client${c}.example`,
    approvers: Array.from({ length: approversOf(c) }, (_, a) => `social${a}@client${c}.example`),
    timezone: "America/New_York",
    channels: CHANNELS,
    adPlatforms: ["linkedin", "meta", "x"],
    trendHashtags: ["#AI", "#Sustainability"],
    keywords: [`Client ${c}`],
    mediaList: "journalists.csv",
    supportingAsset: { title: "2026 Industry White Paper", url: `https://client${c}.example/white-paper` },
  }));
  const clientOf = (feed: number): string => `client-${feed % options.clients}`;
  const config = scenarioConfig(env, spec, { clients, clientOf });

  const table = await freshTable(env, "latency");
  const counter = new RequestCounter();
  const outboxDir = join(options.workDir, "outbox");
  const mailer = new TimedMailer(new OutboxMailer({ dir: outboxDir }));
  const fetcher = new HttpFeedFetcher({ allowPrivateHosts: config.security.allowPrivateFeedHosts });
  const bus = new LocalEventBus({ routes: ROUTES, logger: options.logger, keepPublished: false });
  const keys = loadSigningKeys(options.workDir);
  // The local adapter set, as `pressbridge start` builds it (but a non-durable bus and a timed mailer).
  const ctx = {
    ...tableAdapters({ client: env.client, tableName: table.tableName, counter }),
    publishers: createPublisherDirectory(),
    credentials: credentialSourceOf({}),
    mediaLists: new FileMediaLists({ config, baseDir: options.workDir, logger: options.logger }),
    mailer,
    mailFrom: "approvals@pressbridge.local",
    webBaseUrl: "http://127.0.0.1:3000",
    signingKeys: async () => keys,
    fetcher,
    parse: parseFeed,
    bus,
    clock: systemClock,
    logger: options.logger,
  };
  // The consumers of the routes table, built by the one wiring: the same handlers `pressbridge start` and `poll` run.
  subscribeConsumers(ctx);
  // The workspace the consumers read: the scenario's clients and feeds (the CSV media list stays a file here).
  await importWorkspace({ workspace: ctx.workspace, clock: systemClock }, { config, people: [] }, "bench");
  const deps: PollDeps = await pollDeps(ctx, { config });

  try {
    env.progress(`latency: baseline poll of ${options.feeds} feeds (${options.clients} clients with 1 to ${options.maxApprovers} approvers)`);
    const baseline = await pollFeeds(deps);
    await bus.drain();
    if (baseline.feeds.some((f) => f.status !== "ok")) throw new Error("latency: the baseline poll failed");
    for (let g = 1; g <= options.warmupPolls; g++) {
      await env.server.setGeneration(spec.scenario, g);
      const warm = await pollFeeds(deps);
      await bus.drain();
      if (warm.feeds.some((f) => f.status !== "ok")) throw new Error("latency: a warm-up poll failed");
    }
    env.progress(`latency: ${options.warmupPolls} warm-up poll(s) done; measuring ${polls} polls`);

    counter.reset();
    const latencies: number[] = [];
    let released = 0;
    let emails = 0;
    for (let p = 1; p <= polls; p++) {
      const g = options.warmupPolls + p;
      await env.server.setGeneration(spec.scenario, g);
      const t0 = performance.now();
      const summary = await pollFeeds(deps);
      await bus.drain();
      for (const f of summary.feeds) {
        if (f.status === "error") throw new Error(`latency: feed ${f.id} failed: ${f.error}`);
        const feedIndex = Number(f.id.slice(f.id.lastIndexOf("-") + 1));
        for (const releaseId of f.newReleaseIds) {
          const clientIndex = feedIndex % options.clients;
          const planId = planIdFor(releaseId, `client-${clientIndex}`);
          const written = mailer.written.get(planId) ?? [];
          if (written.length !== approversOf(clientIndex)) {
            throw new Error(`latency: release ${releaseId} got ${written.length} approval email(s), expected ${approversOf(clientIndex)}`);
          }
          latencies.push(Math.max(...written) - t0);
          emails += written.length;
          released++;
        }
      }
      if (bus.deadLetters.length > 0) throw new Error(`latency: ${bus.deadLetters.length} deliveries failed: ${bus.deadLetters[0]!.error}`);
      env.progress(
        `latency: poll ${p}/${polls}: ${summary.feeds.reduce((n, f) => n + f.newReleases, 0)} new releases, ` +
          `slowest email after ${fmt(Math.max(...latencies.slice(-releasesPerPoll)))} ms`,
      );
    }
    if (released < options.releases) throw new Error(`latency: only ${released} releases were detected, expected ${options.releases}`);
    return {
      releases: released,
      polls,
      releasesPerPoll,
      emails,
      approversPerRelease: emails / released,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(...latencies),
      requestsPerRelease: counter.total() / released,
      requestsByOperation: Object.fromEntries([...counter.counts].map(([op, n]) => [op, Math.round((n / released) * 1000) / 1000])),
    };
  } finally {
    await bus.drain();
    fetcher.destroy();
    await table.drop();
  }
}
