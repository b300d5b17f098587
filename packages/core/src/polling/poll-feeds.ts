import { createHash } from "node:crypto";
import type { FeedConfig, PressbridgeConfig } from "../config/config-schema.ts";
import { mapWithConcurrency } from "../concurrency.ts";
import { FeedFetchError, FeedParseError } from "../errors.ts";
import { makeEvent, type BusEvent } from "../events/catalog.ts";
import type { FeedItem, ParsedFeed } from "../feeds/feed-item.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { Clock, EventBus, EventOutbox, FeedFetcher, FeedStateStore, FetchResult, ReleaseStore } from "../ports.ts";
import { publishRecorded } from "../delivery/outbox.ts";
import type { FeedState, FeedWebSub, NewRelease, ReleaseLookup, ReleaseSource } from "../releases/release.ts";
import { discoverHub } from "../websub/discovery.ts";
import {
  languagesMatch,
  releaseIdFor,
  releaseIdentity,
  releaseTime,
  releaseUrl,
  rotatedParams,
  seenKeys,
  titleFingerprint,
  wireNameFor,
  withinFingerprintWindow,
} from "../releases/release-identity.ts";
import { knownItemKey, knownItemsOf, rememberItems } from "./known-items.ts";
import { isFeedDue, nextPollAfterFailure, nextScheduledPoll } from "./poll-schedule.ts";

export { KNOWN_ITEMS_LIMIT, knownItemKey, knownItemsOf, rememberItems } from "./known-items.ts";

export interface PollDeps {
  config: PressbridgeConfig;
  fetcher: FeedFetcher;
  feedStates: FeedStateStore;
  releases: ReleaseStore;
  bus: EventBus;
  /** Where announcements wait between their release's write and the bus (the delivery kernel). */
  outbox: EventOutbox;
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
  /** What parsing repaired or left out; the feed's items were still read ("repaired: bare ampersand at line 12"). */
  warnings: string[];
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
 * 3. derive each item's release id; the items the feed's memory does not know (known-items.ts) are
 *    looked up by id, and those unknown by id by title fingerprint and seen keys;
 * 4. create unknown releases with conditional writes (one winner among racing pollers), attach known
 *    releases seen on a new feed as a source, merge same-headline releases from another wire;
 * 5. each release this poller creates (not a first-poll baseline) is written with its "Release
 *    Detected" in the outbox, in the same transaction; they are published after, and a failed
 *    publish is left to the outbox flush (a warning on the feed, nothing to poll again);
 * 6. write the feed state (validators, hash, health, next poll) last, so a crash re-does the poll.
 */
export async function pollFeeds(deps: PollDeps, options: PollOptions = {}): Promise<PollSummary> {
  const clock = deps.clock;
  const startedAt = clock.now();
  const tickSeconds = deps.tickSeconds ?? 60;
  const wanted = options.feedIds === undefined ? undefined : new Set(options.feedIds);
  const feeds = deps.config.feeds.filter((f) => f.enabled && (wanted === undefined || wanted.has(f.id)));
  const states = await readFeedStates(deps.feedStates, feeds.map((f) => f.id));
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

/**
 * The feed states a poll starts from, read eventually consistent: every feed is read on every tick,
 * and a consistent read costs twice as much. A state read a second late is safe here:
 * - every state ever written describes a document that was processed to the end (validators, body
 *   hash, known items), so an older one only makes the poll fetch, or look up, more than needed;
 * - the poll's own state write is conditional on the version it read, so a state read stale is
 *   never written over a newer one (the write answers "stale" and the newer state stays);
 * - the releases are created with conditional writes, so re-processing a document creates and
 *   announces nothing twice.
 * The one thing an older state could change is the baseline: a feed whose state says "no baseline
 * yet" (or that has no state) announces nothing on this poll. So those feeds, few (new or never
 * read successfully), are read again consistently before the poll trusts that.
 */
async function readFeedStates(store: FeedStateStore, feedIds: readonly string[]): Promise<Map<string, FeedState>> {
  const states = await store.getFeedStates(feedIds, { consistent: false });
  const unsure = feedIds.filter((id) => (states.get(id)?.baselineAt ?? null) === null);
  if (unsure.length > 0) {
    const checked = await store.getFeedStates(unsure, { consistent: true });
    for (const id of unsure) {
      const state = checked.get(id);
      if (state === undefined) states.delete(id);
      else states.set(id, state);
    }
  }
  return states;
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
    warnings: [],
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
          nextPollAt: nextScheduledPoll(feed, now, tickSeconds, state).toISOString(),
          lastError: null,
          lastHttpStatus: 304,
        };
        await deps.feedStates.putFeedState(recovered, state.version);
        result.consecutiveFailures = 0;
        result.nextPollAt = recovered.nextPollAt;
      }
      return finish();
    }
    await settleDocument(deps, feed, state, fetched, result, now, tickSeconds, { discover: true });
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
      ...(state?.volatileParams === undefined ? {} : { volatileParams: state.volatileParams }),
      // The memory the poll started from: nothing of this document is known to be settled.
      ...(state?.knownItems === undefined ? {} : { knownItems: state.knownItems }),
      ...(state?.websub === undefined ? {} : { websub: state.websub }),
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

/** A fetched (or pushed) document: its bytes and what the response said about it (a fetch's "ok" result). */
export type FeedDocument = Omit<Extract<FetchResult, { status: "ok" }>, "status">;

/**
 * The one path from a feed's document to its releases and its new state, shared by the poll and by
 * a WebSub push (ingestPushedDocument): an identical body hash is "unchanged" (no write); otherwise
 * parse, ingest (ingestItems: exactly-once creates with their announcements), then the feed state,
 * last. `discover`: record the hub the document advertises (docs/websub.md); a push keeps the state's.
 */
async function settleDocument(
  deps: PollDeps,
  feed: FeedConfig,
  state: FeedState | undefined,
  fetched: FeedDocument,
  result: FeedPollResult,
  now: Date,
  tickSeconds: number,
  options: { discover: boolean },
): Promise<void> {
  const baseline = state === undefined || state.baselineAt === null;
  const bodyHash = createHash("sha256").update(fetched.body).digest("base64url");
  if (!baseline && state?.bodyHash === bodyHash && state.consecutiveFailures === 0) {
    result.status = "unchanged";
    return;
  }
  const parsed = await deps.parse(fetched.body, {
    feedUrl: fetched.finalUrl,
    ...(fetched.contentType === undefined ? {} : { contentType: fetched.contentType }),
  });
  result.itemsSeen = parsed.items.length;
  result.warnings = parsed.warnings;
  const ingest = await ingestItems(deps, feed, state, parsed.items, now);
  result.newReleases = ingest.announced.length;
  result.newReleaseIds = ingest.announced;
  result.baselined = ingest.baselined;
  result.merged = ingest.merged;
  result.status = "ok";

  const websub = options.discover ? discoveredWebSub(state, fetched) : state?.websub;
  const next = nextScheduledPoll(feed, now, tickSeconds, { websub });
  const newState: FeedState = {
    feedId: feed.id,
    version: (state?.version ?? 0) + 1,
    etag: fetched.etag ?? null,
    lastModified: fetched.lastModified ?? null,
    bodyHash,
    baselineAt: state?.baselineAt ?? now.toISOString(),
    lastAttemptAt: now.toISOString(),
    lastSuccessAt: now.toISOString(),
    lastChangeAt: now.toISOString(),
    lastNewItemAt: ingest.sawNewItem ? now.toISOString() : (state?.lastNewItemAt ?? null),
    consecutiveFailures: 0,
    nextPollAt: next.toISOString(),
    lastError: null,
    lastHttpStatus: fetched.httpStatus,
    itemsSeen: parsed.items.length,
    ...(parsed.warnings.length === 0 ? {} : { warnings: parsed.warnings }),
    ...(ingest.volatileParams.length === 0 ? {} : { volatileParams: ingest.volatileParams }),
    ...(ingest.knownItems.length === 0 ? {} : { knownItems: ingest.knownItems }),
    ...(websub === undefined ? {} : { websub }),
  };
  await deps.feedStates.putFeedState(newState, state?.version);
  result.consecutiveFailures = 0;
  result.nextPollAt = newState.nextPollAt;
  if (ingest.publishWarning !== null) result.warnings = [...result.warnings, ingest.publishWarning];
}

/**
 * The hub a polled document advertises (discoverHub: the Link header first, then the document's own
 * link elements), kept with the state's verified lease while the hub and topic stay the same.
 */
function discoveredWebSub(state: FeedState | undefined, fetched: FeedDocument): FeedWebSub | undefined {
  const found = discoverHub({ link: fetched.link, body: fetched.body, baseUrl: fetched.finalUrl });
  if (found === undefined) return undefined;
  const before = state?.websub;
  const same = before !== undefined && before.hub === found.hub && before.topic === found.topic;
  return { hub: found.hub, topic: found.topic, pushVerifiedUntil: same ? (before.pushVerifiedUntil ?? null) : null };
}

/**
 * A document a WebSub hub pushed for a feed (docs/websub.md), settled by the same path as a polled
 * one (settleDocument: parse, ingestItems, the feed state), so detection is identical and a second
 * identical push is "unchanged" (its body hash) and creates nothing. The state is read consistently;
 * the feed's validators stay (they belong to the feed URL's last fetch). A failure throws (the hub
 * retries the delivery); it never marks the feed unhealthy, which is the poll's to say.
 */
export async function ingestPushedDocument(
  deps: PollDeps,
  feedId: string,
  pushed: { body: Uint8Array; contentType: string | undefined },
): Promise<FeedPollResult | undefined> {
  const feed = deps.config.feeds.find((f) => f.id === feedId && f.enabled);
  if (feed === undefined) return undefined;
  const state = (await deps.feedStates.getFeedStates([feed.id], { consistent: true })).get(feed.id);
  const now = deps.clock.now();
  const started = Date.now();
  const result: FeedPollResult = {
    id: feed.id, url: feed.url, status: "unchanged", httpStatus: null, itemsSeen: 0, newReleases: 0, baselined: 0, merged: 0,
    error: null, errorKind: null, warnings: [], baseline: state === undefined || state.baselineAt === null,
    consecutiveFailures: state?.consecutiveFailures ?? 0, nextPollAt: state?.nextPollAt ?? null, durationMs: 0, newReleaseIds: [],
  };
  const document: FeedDocument = {
    httpStatus: state?.lastHttpStatus ?? 200,
    finalUrl: feed.url,
    body: pushed.body,
    contentType: pushed.contentType,
    etag: state?.etag ?? undefined,
    lastModified: state?.lastModified ?? undefined,
  };
  await settleDocument(deps, feed, state, document, result, now, deps.tickSeconds ?? 60, { discover: false });
  result.durationMs = Date.now() - started;
  return result;
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
  /** Set when the bus refused the announcements: they wait in the outbox for the flush. */
  publishWarning: string | null;
  /** The feed's volatile query parameters after this document (learnt ones added). */
  volatileParams: string[];
  /** The feed's known-item memory after this document, every item of which is settled. */
  knownItems: string[];
}

interface Candidate {
  item: FeedItem;
  id: string;
  identity: string;
  fingerprint: string | undefined;
  /** The keys this feed remembers the item by (those no other item of this document shares). */
  seen: string[];
  at: string;
  /** The link as stored and shown (tracking and volatile parameters removed). */
  url: string | null;
}

/** At most this many volatile parameters are learnt per feed. */
const MAX_VOLATILE_PARAMS = 20;

/**
 * Settles a changed feed's items. The items the feed's memory knows (settled by the last poll under
 * the same release id, see known-items.ts) need nothing: no read, no write. For the others, the
 * order of the steps is what makes announcements exactly-once:
 * 1. one batched lookup of every such item's release id; for the items not known
 *    by id, a second one of their title fingerprints and of the keys the feed remembers items by;
 * 2. in document order, each unknown item is an item the feed showed before (its id changed: a
 *    rotating GUID or query parameter, which is learnt), merges into a release with the same
 *    headline, or becomes a new release (the first item with a headline claims it);
 * 3. the new releases are created with conditional writes that also claim their headline's
 *    fingerprint (`createReleases`) and put their "Release Detected" in the outbox: a release id
 *    another poller created belongs to it, with its announcement, and a headline another feed
 *    claimed meanwhile makes this item a second source;
 * 4. then, together: one conditional write each for sources and aliases, and the feed's memory of
 *    the items it showed (one batch);
 * 5. publish what this poller created and clear it from the outbox (publishRecorded).
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
  const volatile = new Set(state?.volatileParams ?? []);
  const candidates = new Map<string, Candidate>();
  const seenCount = new Map<string, number>();
  for (const item of items) {
    const identity = releaseIdentity(item, feed.id, volatile);
    const id = releaseIdFor(identity);
    if (candidates.has(id)) continue; // the same item twice in one document
    const seen = seenKeys(item, identity);
    for (const k of seen) seenCount.set(k, (seenCount.get(k) ?? 0) + 1);
    const url = releaseUrl(item.url, volatile) ?? null;
    candidates.set(id, { item, id, identity, fingerprint: titleFingerprint(item.title), seen, at: releaseTime(item, nowIso), url });
  }
  const all = [...candidates.values()];
  // Two different items of one document are two items, whatever keys they share (known ones included).
  for (const c of all) c.seen = c.seen.filter((k) => seenCount.get(k) === 1);
  const remembered = knownItemsOf(state);
  const list = all.filter((c) => !remembered.has(knownItemKey(c.id)));
  const byId = list.length === 0 ? emptyLookup() : await deps.releases.lookup(list.map((c) => c.id), []);
  const misses = list.filter((c) => !byId.releases.has(c.id));
  const lookup =
    misses.length === 0
      ? byId
      : {
          ...(await deps.releases.lookup(
            [],
            [...new Set(misses.flatMap((c) => (c.fingerprint === undefined ? [] : [c.fingerprint])))],
            { feedId: feed.id, keys: misses.flatMap((c) => c.seen) },
          )),
          releases: byId.releases,
        };

  const outcome: IngestOutcome = {
    announced: [], baselined: 0, merged: 0, sawNewItem: false, publishWarning: null, volatileParams: [...volatile], knownItems: [],
  };
  const isFirstPoll = state === undefined || state.baselineAt === null;
  const source = (c: Candidate): ReleaseSource => ({ feedId: feed.id, url: c.url, seenAt: nowIso });

  // Step 2, synchronously and in document order.
  const known: Array<{ c: Candidate; known: KnownId }> = [];
  const shownBefore: Array<{ c: Candidate; target: string; key: string; url: string | null }> = [];
  const merges: Array<{ c: Candidate; target: string }> = [];
  const fresh: Array<{ c: Candidate; release: NewRelease; announce: BusEvent | null }> = [];
  // Fingerprints claimed earlier in this same document (two items, one headline).
  const claimedHere = new Map<string, { releaseId: string; at: string; language: string | null }>();
  for (const c of list) {
    const hit = lookup.releases.get(c.id);
    if (hit !== undefined) {
      known.push({ c, known: hit });
      continue;
    }
    const seenKey = c.seen.find((k) => lookup.seen.has(k));
    if (seenKey !== undefined) {
      const before = lookup.seen.get(seenKey)!;
      shownBefore.push({ c, target: before.releaseId, key: seenKey, url: before.url });
      continue;
    }
    outcome.sawNewItem = true;
    const match = c.fingerprint === undefined ? undefined : sameHeadlineRelease(lookup, claimedHere, c);
    if (match !== undefined && match !== c.id) {
      merges.push({ c, target: match });
      continue;
    }
    if (c.fingerprint !== undefined && !claimedHere.has(c.fingerprint)) {
      claimedHere.set(c.fingerprint, { releaseId: c.id, at: c.at, language: c.item.language ?? null });
    }
    const announce = announceDecision(feed, state, isFirstPoll, c.item, now);
    const release = newRelease(c, feed, wire, announce, source(c));
    fresh.push({ c, release, announce: announce ? releaseDetectedEvent(release, feed.id, nowIso) : null });
  }

  // Learn the query parameters this feed rotates: the same item (headline, host and path) came back
  // with another value. Later polls derive the same id for it, found by the alias made below.
  for (const { c, key, url } of shownBefore) {
    if (!key.startsWith("t:") || url === null || c.item.url === undefined) continue;
    for (const name of rotatedParams(url, c.item.url)) {
      if (outcome.volatileParams.length < MAX_VOLATILE_PARAMS && !outcome.volatileParams.includes(name)) outcome.volatileParams.push(name);
    }
  }
  const learnt = new Set(outcome.volatileParams);

  // Step 3.
  const announcements = new Map(fresh.flatMap((f) => (f.announce === null ? [] : [[f.release.id, f.announce] as const])));
  const created = fresh.length === 0 ? new Map() : await deps.releases.createReleases(fresh.map((f) => f.release), announcements);
  const toAnnounce: BusEvent[] = [];
  const lostRaces: Candidate[] = [];
  const remember: Array<{ key: string; releaseId: string; url: string | null }> = [];
  const rememberAs = (c: Candidate, releaseId: string) => {
    for (const key of c.seen) remember.push({ key, releaseId, url: c.item.url ?? null });
  };
  for (const { c, release, announce } of fresh) {
    const result = created.get(c.id);
    if (typeof result === "object" && result !== null) {
      // Another feed (or poller) claimed this headline meanwhile: the same story, a second source.
      merges.push({ c, target: result.duplicateOf });
      continue;
    }
    rememberAs(c, c.id);
    if (result !== "created") {
      // Another poller created it between our lookup and our write: it owns the announcement.
      lostRaces.push(c);
      continue;
    }
    if (announce !== null) {
      toAnnounce.push(announce);
      outcome.announced.push(release.id);
    } else outcome.baselined++;
  }
  for (const { c, target } of merges) rememberAs(c, target);

  // Step 4. Merges come after the creates, so a merge into a release claimed here finds it.
  const settle: Array<() => Promise<unknown>> = [
    ...known.map(({ c, known: k }) => () => settleKnown(deps, feed, k, source(c))),
    ...merges.map(({ c, target }) => async () => {
      const alias = await deps.releases.createAlias(c.id, target, source(c));
      if (alias === "created") await deps.releases.addSource(target, source(c));
      outcome.merged++;
    }),
    ...lostRaces.map((c) => () => deps.releases.addSource(c.id, source(c))),
    // An item shown before under a link that only differed in its query: the id it has from now on
    // (learnt parameters removed) points at its release, so the next poll knows it by id.
    ...shownBefore.flatMap(({ c, target, key }) => {
      if (!key.startsWith("t:") || !c.identity.startsWith("url:")) return [];
      const stableId = releaseIdFor(releaseIdentity(c.item, feed.id, learnt));
      return [() => deps.releases.createAlias(stableId, target, source(c))];
    }),
  ];
  await Promise.all([
    remember.length > 0 ? deps.releases.recordSeen(feed.id, remember) : undefined,
    mapWithConcurrency(settle, writeConcurrency, (task) => task()),
  ]);

  // Step 5.
  if ((await publishRecorded(deps, toAnnounce, { feedId: feed.id })) === "left-in-outbox") {
    outcome.publishWarning = `announcing ${toAnnounce.length} release(s) failed; they wait in the outbox and the next flush publishes them`;
  }
  // Every write above succeeded (a failure throws, and the poll keeps its old memory): every item of
  // the document is settled, and is what the next document is compared with.
  outcome.knownItems = rememberItems(all.map((c) => c.id));
  return outcome;
}

/** What a lookup of nothing finds (every item of the document is known). */
function emptyLookup(): ReleaseLookup {
  return { releases: new Map(), fingerprints: new Map(), seen: new Map() };
}

/** The release a new item becomes: announced (its event goes into the outbox with it) or a baseline. */
function newRelease(c: Candidate, feed: FeedConfig, wire: string, announce: boolean, src: ReleaseSource): NewRelease {
  return {
    id: c.id,
    identity: c.identity,
    title: c.item.title,
    summary: c.item.summary,
    url: c.url,
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
    announce: announce ? "announced" : "baseline",
    announceLeaseUntil: null,
    sources: [src],
  };
}

/**
 * The "Release Detected" event of a release; its id is deterministic (`release-detected:<id>`) so a
 * redelivery, or the delivery sweep announcing it again, is recognisable.
 */
export function releaseDetectedEvent(release: NewRelease, feedId: string, nowIso: string): BusEvent {
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

/** A release already known by this item's id: add this feed as a source. */
type KnownId = ReleaseLookup["releases"] extends Map<string, infer V> ? V : never;

async function settleKnown(deps: PollDeps, feed: FeedConfig, known: KnownId, src: ReleaseSource): Promise<void> {
  if (!known.sourceFeeds.includes(feed.id)) await deps.releases.addSource(known.aliasOf ?? known.releaseId, src);
}

/** The release an item's headline already belongs to: same fingerprint, window and language. */
function sameHeadlineRelease(
  lookup: ReleaseLookup,
  claimedHere: Map<string, { releaseId: string; at: string; language: string | null }>,
  c: Candidate,
): string | undefined {
  const fp = c.fingerprint!;
  for (const hit of [claimedHere.get(fp), lookup.fingerprints.get(fp)]) {
    if (hit !== undefined && withinFingerprintWindow(hit.at, c.at) && languagesMatch(hit.language, c.item.language)) return hit.releaseId;
  }
  return undefined;
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
