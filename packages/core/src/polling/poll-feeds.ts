import { createHash } from "node:crypto";
import type { FeedConfig, PressbridgeConfig } from "../config/config-schema.ts";
import { mapWithConcurrency } from "../concurrency.ts";
import { EventPublishError, FeedFetchError, FeedParseError } from "../errors.ts";
import { makeEvent, type BusEvent } from "../events/catalog.ts";
import type { FeedItem, ParsedFeed } from "../feeds/feed-item.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { Clock, EventBus, FeedFetcher, FeedStateStore, ReleaseIndexEntry, ReleaseStore } from "../ports.ts";
import type { FeedState, NewRelease, ReleaseLookup, ReleaseSource } from "../releases/release.ts";
import {
  FINGERPRINT_WINDOW_HOURS,
  releaseIdFor,
  releaseIdentity,
  releaseTime,
  titleFingerprint,
  wireNameFor,
} from "../releases/release-identity.ts";
import { isFeedDue, nextPollAfterFailure, nextScheduledPoll } from "./poll-schedule.ts";

export interface PollDeps {
  config: PressbridgeConfig;
  fetcher: FeedFetcher;
  feedStates: FeedStateStore;
  releases: ReleaseStore;
  bus: EventBus;
  clock: Clock;
  parse: (bytes: Uint8Array, opts: { feedUrl: string; contentType?: string }) => Promise<ParsedFeed>;
  logger?: Logger;
  /** Feeds fetched at once. */
  feedConcurrency?: number;
  /** Conditional writes in flight at once within one feed. */
  writeConcurrency?: number;
  /** Seconds between scheduler ticks (60 in AWS; the local runtime ticks faster). */
  tickSeconds?: number;
  /** Called as each feed finishes, for progress output. */
  onFeedDone?: (result: FeedPollResult, done: number, total: number) => void;
  random?: () => number;
}

export interface PollOptions {
  /** Poll every enabled feed, ignoring schedules and backoff. */
  all?: boolean;
  /** Restrict to these feed ids. */
  feedIds?: readonly string[];
}

export interface FeedPollResult {
  id: string;
  url: string;
  status: "ok" | "unchanged" | "error";
  httpStatus: number | null;
  itemsSeen: number;
  newReleases: number;
  /** Items stored without an announcement (first poll baseline, or older than the feed's registration). */
  baselined: number;
  /** Items recognised as a release already known from another feed (added as a source). */
  merged: number;
  error: string | null;
  errorKind: string | null;
  baseline: boolean;
  consecutiveFailures: number;
  nextPollAt: string | null;
  durationMs: number;
  newReleaseIds: string[];
}

export interface PollSummary {
  startedAt: string;
  finishedAt: string;
  feeds: FeedPollResult[];
  /** Enabled feeds that were not due this time. */
  notDue: string[];
}

/** How long the creator of a release owns its announcement before another poller may redo it. */
export const ANNOUNCE_LEASE_SECONDS = 60;
/** An item first seen after a feed's baseline is still not announced if published this long before it. */
export const STALE_BEFORE_BASELINE_SECONDS = 3600;

/**
 * Polls every due feed (or all of them) once, and detects new releases exactly once.
 *
 * Why: the wire is the trigger for everything downstream; a release missed here is never amplified,
 * and a release announced twice is drafted and emailed twice.
 *
 * Steps, per feed (feeds in parallel, each isolated: one failing feed never stops the others):
 * 1. conditional GET with the stored validators; 304 or an identical body hash -> "unchanged", no write;
 * 2. parse and normalise the items; a parse failure marks the feed unhealthy with the reason;
 * 3. derive each item's release id and title fingerprint and look them all up in one batch;
 * 4. create unknown releases with conditional writes (one winner among racing pollers), attach known
 *    releases seen on a new feed as a source, merge same-headline releases from another wire;
 * 5. publish one "Release Detected" per release this poller created (not for a first-poll baseline),
 *    then mark them announced; a failed publish keeps the feed's old body hash so the next poll retries;
 * 6. write the feed state (validators, hash, health, next poll) last, so a crash re-does the poll.
 */
export async function pollFeeds(deps: PollDeps, options: PollOptions = {}): Promise<PollSummary> {
  const clock = deps.clock;
  const startedAt = clock.now();
  const tickSeconds = deps.tickSeconds ?? 60;
  const wanted = options.feedIds === undefined ? undefined : new Set(options.feedIds);
  const feeds = deps.config.feeds.filter((f) => f.enabled && (wanted === undefined || wanted.has(f.id)));
  const states = await deps.feedStates.getFeedStates(feeds.map((f) => f.id));
  const due = options.all === true ? feeds : feeds.filter((f) => isFeedDue(f, states.get(f.id), startedAt, tickSeconds));
  const dueIds = new Set(due.map((f) => f.id));
  let done = 0;
  const results = await mapWithConcurrency(due, deps.feedConcurrency ?? 32, async (feed) => {
    const result = await pollOneFeed(deps, feed, states.get(feed.id), tickSeconds);
    done++;
    deps.onFeedDone?.(result, done, due.length);
    return result;
  });
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: clock.now().toISOString(),
    feeds: results,
    notDue: feeds.filter((f) => !dueIds.has(f.id)).map((f) => f.id),
  };
}

async function pollOneFeed(
  deps: PollDeps,
  feed: FeedConfig,
  state: FeedState | undefined,
  tickSeconds: number,
): Promise<FeedPollResult> {
  const logger = deps.logger ?? silentLogger;
  const now = deps.clock.now();
  const started = Date.now();
  const baseline = state === undefined || state.baselineAt === null;
  const result: FeedPollResult = {
    id: feed.id,
    url: feed.url,
    status: "unchanged",
    httpStatus: null,
    itemsSeen: 0,
    newReleases: 0,
    baselined: 0,
    merged: 0,
    error: null,
    errorKind: null,
    baseline,
    consecutiveFailures: state?.consecutiveFailures ?? 0,
    nextPollAt: state?.nextPollAt ?? null,
    durationMs: 0,
    newReleaseIds: [],
  };
  const finish = (): FeedPollResult => {
    result.durationMs = Date.now() - started;
    return result;
  };

  try {
    const fetched = await deps.fetcher.fetch({
      url: feed.url,
      etag: baseline ? undefined : (state?.etag ?? undefined),
      lastModified: baseline ? undefined : (state?.lastModified ?? undefined),
    });
    result.httpStatus = fetched.httpStatus;
    if (fetched.status === "not-modified") {
      result.status = "unchanged";
      // A recovering feed records its health once; a healthy unchanged feed costs no write.
      if (state !== undefined && state.consecutiveFailures > 0) {
        const recovered: FeedState = {
          ...state,
          version: state.version + 1,
          lastAttemptAt: now.toISOString(),
          lastSuccessAt: now.toISOString(),
          consecutiveFailures: 0,
          nextPollAt: nextScheduledPoll(feed, now, tickSeconds).toISOString(),
          lastError: null,
          lastHttpStatus: 304,
        };
        await deps.feedStates.putFeedState(recovered, state.version);
        result.consecutiveFailures = 0;
        result.nextPollAt = recovered.nextPollAt;
      }
      return finish();
    }
    const bodyHash = createHash("sha256").update(fetched.body).digest("base64url");
    if (!baseline && state?.bodyHash === bodyHash && state.consecutiveFailures === 0) {
      result.status = "unchanged";
      return finish();
    }
    const parsed = await deps.parse(fetched.body, {
      feedUrl: fetched.finalUrl,
      ...(fetched.contentType === undefined ? {} : { contentType: fetched.contentType }),
    });
    result.itemsSeen = parsed.items.length;
    const ingest = await ingestItems(deps, feed, state, parsed.items, now);
    result.newReleases = ingest.announced.length;
    result.newReleaseIds = ingest.announced;
    result.baselined = ingest.baselined;
    result.merged = ingest.merged;
    result.status = "ok";

    // Advance the body hash only when every item on the feed is settled; otherwise poll it again.
    const settled = ingest.unsettled === 0;
    const next = nextScheduledPoll(feed, now, tickSeconds);
    const newState: FeedState = {
      feedId: feed.id,
      version: (state?.version ?? 0) + 1,
      etag: settled ? (fetched.etag ?? null) : (state?.etag ?? null),
      lastModified: settled ? (fetched.lastModified ?? null) : (state?.lastModified ?? null),
      bodyHash: settled ? bodyHash : (state?.bodyHash ?? null),
      baselineAt: state?.baselineAt ?? now.toISOString(),
      lastAttemptAt: now.toISOString(),
      lastSuccessAt: now.toISOString(),
      lastChangeAt: now.toISOString(),
      lastNewItemAt: ingest.sawNewItem ? now.toISOString() : (state?.lastNewItemAt ?? null),
      consecutiveFailures: 0,
      nextPollAt: next.toISOString(),
      lastError: ingest.publishError,
      lastHttpStatus: fetched.httpStatus,
      itemsSeen: parsed.items.length,
    };
    await deps.feedStates.putFeedState(newState, state?.version);
    result.consecutiveFailures = 0;
    result.nextPollAt = newState.nextPollAt;
    if (ingest.publishError !== null) {
      result.status = "error";
      result.error = ingest.publishError;
      result.errorKind = "event-bus";
    }
    return finish();
  } catch (err) {
    const { message, kind, retryAfter, httpStatus } = describeFailure(err);
    result.status = "error";
    result.error = message;
    result.errorKind = kind;
    if (httpStatus !== undefined) result.httpStatus = httpStatus;
    const failures = (state?.consecutiveFailures ?? 0) + 1;
    const next = nextPollAfterFailure(feed, failures, now, retryAfter, deps.random);
    const failedState: FeedState = {
      feedId: feed.id,
      version: (state?.version ?? 0) + 1,
      etag: state?.etag ?? null,
      lastModified: state?.lastModified ?? null,
      bodyHash: state?.bodyHash ?? null,
      baselineAt: state?.baselineAt ?? null,
      lastAttemptAt: now.toISOString(),
      lastSuccessAt: state?.lastSuccessAt ?? null,
      lastChangeAt: state?.lastChangeAt ?? null,
      lastNewItemAt: state?.lastNewItemAt ?? null,
      consecutiveFailures: failures,
      nextPollAt: next.toISOString(),
      lastError: message,
      lastHttpStatus: httpStatus ?? null,
      itemsSeen: state?.itemsSeen ?? 0,
    };
    result.consecutiveFailures = failures;
    result.nextPollAt = failedState.nextPollAt;
    logger.warn("feed poll failed", { feedId: feed.id, kind, error: message, consecutiveFailures: failures });
    try {
      await deps.feedStates.putFeedState(failedState, state?.version);
    } catch (stateErr) {
      logger.error("could not record feed failure", { feedId: feed.id, error: String(stateErr) });
    }
    return finish();
  }
}

function describeFailure(err: unknown): {
  message: string;
  kind: string;
  retryAfter: number | undefined;
  httpStatus: number | undefined;
} {
  if (err instanceof FeedFetchError) {
    return { message: err.message, kind: err.kind, retryAfter: err.retryAfterSeconds, httpStatus: err.httpStatus };
  }
  if (err instanceof FeedParseError) return { message: err.message, kind: "parse", retryAfter: undefined, httpStatus: undefined };
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { message, kind: "internal", retryAfter: undefined, httpStatus: undefined };
}

interface IngestOutcome {
  announced: string[];
  baselined: number;
  merged: number;
  sawNewItem: boolean;
  /** Items whose announcement another poller still owns (or whose publish failed). */
  unsettled: number;
  publishError: string | null;
}

interface Candidate {
  item: FeedItem;
  id: string;
  identity: string;
  fingerprint: string | undefined;
  at: string;
}

/**
 * Settles a changed feed's items. The order of the steps is what makes announcements exactly-once:
 * 1. one batched lookup of every item's release id, announcement marker and title fingerprint;
 * 2. in document order, each unknown item either merges into a release with the same headline or
 *    becomes a new release (the first item with a headline claims it);
 * 3. the new releases are created with conditional writes, batched (`createReleases`): a release
 *    this poller did not create belongs to the poller that did, with its announcement;
 * 4. then, together: the created releases' fingerprints and wire links (one batch), and one
 *    conditional write each for sources, aliases and expired announcement leases;
 * 5. publish "Release Detected" for what this poller created or took over, and only after the bus
 *    accepted them, mark them announced.
 */
async function ingestItems(
  deps: PollDeps,
  feed: FeedConfig,
  state: FeedState | undefined,
  items: readonly FeedItem[],
  now: Date,
): Promise<IngestOutcome> {
  const nowIso = now.toISOString();
  const writeConcurrency = deps.writeConcurrency ?? 16;
  const wire = wireNameFor(feed.url, feed.wire);
  const candidates = new Map<string, Candidate>();
  for (const item of items) {
    const identity = releaseIdentity(item, feed.id);
    const id = releaseIdFor(identity);
    if (candidates.has(id)) continue; // the same item twice in one document
    candidates.set(id, { item, id, identity, fingerprint: titleFingerprint(item.title, item.language), at: releaseTime(item, nowIso) });
  }
  const list = [...candidates.values()];
  const lookup = await deps.releases.lookup(
    list.map((c) => c.id),
    [...new Set(list.flatMap((c) => (c.fingerprint === undefined ? [] : [c.fingerprint])))],
  );

  const outcome: IngestOutcome = { announced: [], baselined: 0, merged: 0, sawNewItem: false, unsettled: 0, publishError: null };
  const isFirstPoll = state === undefined || state.baselineAt === null;
  const source = (c: Candidate): ReleaseSource => ({ feedId: feed.id, url: c.item.url ?? null, seenAt: nowIso });

  // Step 2, synchronously and in document order.
  const known: Array<{ c: Candidate; known: KnownId }> = [];
  const merges: Array<{ c: Candidate; target: string }> = [];
  const fresh: Array<{ c: Candidate; release: NewRelease; announce: boolean }> = [];
  // Fingerprints claimed earlier in this same document (two items, one headline).
  const claimedHere = new Map<string, string>();
  for (const c of list) {
    const hit = lookup.releases.get(c.id);
    if (hit !== undefined) {
      known.push({ c, known: hit });
      continue;
    }
    outcome.sawNewItem = true;
    const match = c.fingerprint === undefined ? undefined : sameHeadlineRelease(lookup, claimedHere, c);
    if (match !== undefined && match !== c.id) {
      merges.push({ c, target: match });
      continue;
    }
    if (c.fingerprint !== undefined) claimedHere.set(c.fingerprint, c.id);
    const announce = announceDecision(feed, state, isFirstPoll, c.item, now);
    fresh.push({ c, release: newRelease(c, feed, wire, announce, now, source(c)), announce });
  }

  // Step 3.
  const created = fresh.length === 0 ? new Map<string, "created" | "exists">() : await deps.releases.createReleases(fresh.map((f) => f.release));
  const toAnnounce: NewRelease[] = [];
  const indexes: ReleaseIndexEntry[] = [];
  const lostRaces: Candidate[] = [];
  for (const { c, release, announce } of fresh) {
    if (created.get(c.id) !== "created") {
      // Another poller created it between our lookup and our write: it owns the announcement.
      lostRaces.push(c);
      continue;
    }
    if (c.fingerprint !== undefined) indexes.push({ kind: "fingerprint", key: c.fingerprint, releaseId: c.id, at: c.at });
    if (announce) toAnnounce.push(release);
    else outcome.baselined++;
  }

  // Step 4. Merges come after the creates, so a merge into a release claimed here finds it.
  const reannounce: string[] = [];
  const settle: Array<() => Promise<unknown>> = [
    ...known.map(({ c, known: k }) => () => settleKnown(deps, feed, k, nowIso, reannounce, outcome, source(c))),
    ...merges.map(({ c, target }) => async () => {
      const alias = await deps.releases.createAlias(c.id, target, source(c));
      if (alias === "created") await deps.releases.addSource(target, source(c));
      outcome.merged++;
    }),
    ...lostRaces.map((c) => () => deps.releases.addSource(c.id, source(c))),
  ];
  await Promise.all([
    indexes.length > 0 ? deps.releases.recordIndexes(indexes) : undefined,
    mapWithConcurrency(settle, writeConcurrency, (task) => task()),
  ]);

  // Step 5.
  const announcing: NewRelease[] = [...toAnnounce];
  const taken = await mapWithConcurrency(reannounce, writeConcurrency, (id) => deps.releases.getRelease(id));
  for (const stored of taken) if (stored !== undefined) announcing.push(stored);
  if (announcing.length > 0) {
    const events = announcing.map((r) => releaseDetectedEvent(r, r.sources[0]?.feedId ?? feed.id, nowIso));
    const ids = announcing.map((r) => r.id);
    try {
      await deps.bus.publish(events);
      await deps.releases.markAnnounced(
        announcing.map((r) => ({ releaseId: r.id, detectedAt: r.detectedAt })),
        nowIso,
      );
      outcome.announced.push(...ids);
    } catch (err) {
      const reason = err instanceof EventPublishError ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
      outcome.publishError = `announcing ${ids.length} release(s) failed, will retry: ${reason}`;
      outcome.unsettled += ids.length;
      (deps.logger ?? silentLogger).error("release announcement failed", { feedId: feed.id, releases: ids.length, error: reason });
    }
  }
  return outcome;
}

/** The release a new item becomes, announced (pending, with this poller's lease) or a baseline. */
function newRelease(c: Candidate, feed: FeedConfig, wire: string, announce: boolean, now: Date, src: ReleaseSource): NewRelease {
  return {
    id: c.id,
    identity: c.identity,
    title: c.item.title,
    summary: c.item.summary,
    url: c.item.url ?? null,
    publishedAt: c.item.publishedAt ?? null,
    publishedAtPrecision: c.item.publishedAtPrecision,
    detectedAt: src.seenAt,
    wire,
    issuer: c.item.issuer ?? null,
    tickers: c.item.tickers,
    language: c.item.language ?? null,
    wireReleaseId: c.item.wireReleaseId ?? null,
    industries: c.item.industries,
    subjects: c.item.subjects,
    keywords: c.item.keywords,
    fingerprint: c.fingerprint ?? null,
    clientId: feed.clientId ?? null,
    announce: announce ? "pending" : "baseline",
    announceLeaseUntil: announce ? new Date(now.getTime() + ANNOUNCE_LEASE_SECONDS * 1000).toISOString() : null,
    sources: [src],
  };
}

/** The "Release Detected" event of a release; its id is deterministic so redelivery is recognisable. */
function releaseDetectedEvent(release: NewRelease, feedId: string, nowIso: string): BusEvent {
  return makeEvent(
    "ReleaseDetected",
    `release-detected:${release.id}`,
    {
      version: 1,
      releaseId: release.id,
      title: release.title,
      url: release.url,
      wire: release.wire,
      issuer: release.issuer,
      tickers: release.tickers,
      language: release.language,
      publishedAt: release.publishedAt,
      detectedAt: release.detectedAt,
      feedId,
      clientId: release.clientId,
    },
    nowIso,
  );
}

/** A release already known by this item's id: add this feed as a source; re-announce if orphaned. */
type KnownId = ReleaseLookup["releases"] extends Map<string, infer V> ? V : never;

async function settleKnown(
  deps: PollDeps,
  feed: FeedConfig,
  known: KnownId,
  nowIso: string,
  reannounce: string[],
  outcome: IngestOutcome,
  src: ReleaseSource,
): Promise<void> {
  const target = known.aliasOf ?? known.releaseId;
  if (!known.sourceFeeds.includes(feed.id)) {
    await deps.releases.addSource(target, src);
  }
  if (known.aliasOf !== null || known.announce !== "pending") return;
  const leaseOver = known.announceLeaseUntil === null || known.announceLeaseUntil <= nowIso;
  if (!leaseOver) {
    outcome.unsettled++;
    return;
  }
  const until = new Date(Date.parse(nowIso) + ANNOUNCE_LEASE_SECONDS * 1000).toISOString();
  if (await deps.releases.takeAnnounceLease(target, nowIso, until)) reannounce.push(target);
  else outcome.unsettled++;
}

/** The release an item's headline already belongs to, if one was seen within the window. */
function sameHeadlineRelease(lookup: ReleaseLookup, claimedHere: Map<string, string>, c: Candidate): string | undefined {
  const fp = c.fingerprint!;
  const here = claimedHere.get(fp);
  if (here !== undefined) return here;
  const hit = lookup.fingerprints.get(fp);
  if (hit === undefined) return undefined;
  const distanceMs = Math.abs(Date.parse(hit.at) - Date.parse(c.at));
  return distanceMs <= FINGERPRINT_WINDOW_HOURS * 3600 * 1000 ? hit.releaseId : undefined;
}

/**
 * Whether a newly seen item is announced. On a feed's first poll only items inside `backfillHours`
 * are (the rest are the baseline); later, items published well before the feed's registration are
 * old items resurfacing, not news.
 */
function announceDecision(feed: FeedConfig, state: FeedState | undefined, isFirstPoll: boolean, item: FeedItem, now: Date): boolean {
  const published = item.publishedAt === undefined ? undefined : Date.parse(item.publishedAt);
  if (isFirstPoll) {
    if (feed.backfillHours === undefined || published === undefined) return false;
    return published >= now.getTime() - feed.backfillHours * 3600 * 1000;
  }
  if (published === undefined || state?.baselineAt == null) return true;
  const baselineAt = Date.parse(state.baselineAt);
  if (item.publishedAtPrecision === "date") return published >= baselineAt - 24 * 3600 * 1000;
  return published >= baselineAt - STALE_BEFORE_BASELINE_SECONDS * 1000;
}
