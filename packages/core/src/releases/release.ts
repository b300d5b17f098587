import type { FeedItem } from "../feeds/feed-item.ts";

/** Where a release was seen: the feed and the link that feed gave. */
export interface ReleaseSource {
  feedId: string;
  url: string | null;
  seenAt: string;
}

/**
 * Whether a release was put on the bus as "Release Detected":
 * - announced: created with its event in the outbox (the delivery kernel publishes it);
 * - pending: written by versions before the outbox, with an announcement lease (`announceLeaseUntil`);
 *   the delivery sweep redelivers such a release if it was never planned;
 * - baseline: seen on a feed's first poll (or older than the feed's registration); never announced.
 */
export type AnnounceState = "pending" | "announced" | "baseline";

export interface NewRelease {
  id: string;
  /** The identity the id was derived from: "url:<canonical>", "guid:<feed>:<guid>" or "hash:<...>". */
  identity: string;
  title: string;
  summary: string;
  url: string | null;
  publishedAt: string | null;
  publishedAtPrecision: FeedItem["publishedAtPrecision"];
  detectedAt: string;
  wire: string;
  issuer: string | null;
  tickers: string[];
  language: string | null;
  wireReleaseId: string | null;
  industries: string[];
  subjects: string[];
  keywords: string[];
  fingerprint: string | null;
  /** The client the detecting feed is bound to, if any (shared wires are matched later). */
  clientId: string | null;
  announce: AnnounceState;
  announceLeaseUntil: string | null;
  sources: ReleaseSource[];
}

export interface StoredRelease extends NewRelease {
  announcedAt: string | null;
  /** Set by plan-amplification: which clients matched (possibly none) and their plan ids. */
  planning: ReleasePlanning | null;
}

/** What a batched identity lookup found. */
export interface ReleaseLookup {
  /** Known ids: a release, or an alias pointing at one. */
  releases: Map<string, { releaseId: string; aliasOf: string | null; sourceFeeds: string[]; announce: AnnounceState | null; announceLeaseUntil: string | null }>;
  /** Fingerprint key -> the release it belongs to, when that release was published/detected, its language. */
  fingerprints: Map<string, { releaseId: string; at: string; language: string | null }>;
  /** Seen key (see `seenKeys`) of the feed asked about -> the release and the link it had then. */
  seen: Map<string, { releaseId: string; url: string | null }>;
}

/**
 * What creating a release came to: created here; its id existed already (another poller created
 * it and owns its announcement); or its headline was claimed, in the same window and language, by
 * another release (the same story from another feed), which it is a second source of.
 */
export type CreateOutcome = "created" | "exists" | { duplicateOf: string };

/** Per-feed polling state, one item per feed. */
export interface FeedState {
  feedId: string;
  /** Optimistic-lock counter; incremented on every write. */
  version: number;
  etag: string | null;
  lastModified: string | null;
  bodyHash: string | null;
  /** When the first successful poll recorded the baseline; null until then. */
  baselineAt: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  /** Last time the body changed (new hash). */
  lastChangeAt: string | null;
  /** Last time the feed carried an item we had never seen. */
  lastNewItemAt: string | null;
  consecutiveFailures: number;
  nextPollAt: string | null;
  lastError: string | null;
  lastHttpStatus: number | null;
  itemsSeen: number;
  /** What the last successful parse repaired or left out ("repaired: bare ampersand at line 12"). */
  warnings?: string[];
  /** Query parameters this feed was seen to change on every fetch; ignored in its items' links. */
  volatileParams?: string[];
  /**
   * The known-item memory (polling/known-items.ts): short hashes of the release ids of the items of
   * the last document a poll settled, in document order, at most 500. A changed document looks up
   * only the items not in it.
   */
  knownItems?: string[];
  /**
   * WebSub (docs/websub.md): the hub and topic (rel="self") the feed's last document advertised, and
   * until when a verified subscription pushes it (the poll then polls it at the slower push interval).
   */
  websub?: FeedWebSub;
}

/** What a feed state knows of the feed's WebSub hub. */
export interface FeedWebSub {
  hub: string;
  topic: string;
  /** The lease end of the verified subscription; null or absent when none is verified. */
  pushVerifiedUntil?: string | null;
}

/** Which clients a release was planned for, and their plans (index for index). */
export interface ReleasePlanning {
  plannedAt: string;
  clientIds: string[];
  planIds: string[];
}

/** What a release's planning becomes with more planned: the union of clients, the first time it was planned. */
export function mergePlanning(before: ReleasePlanning | null, add: ReleasePlanning): ReleasePlanning {
  if (before === null) return add;
  const clientIds = [...before.clientIds];
  const planIds = [...before.planIds];
  add.clientIds.forEach((id, i) => {
    if (clientIds.includes(id)) return;
    clientIds.push(id);
    planIds.push(add.planIds[i]!);
  });
  return { plannedAt: before.plannedAt <= add.plannedAt ? before.plannedAt : add.plannedAt, clientIds, planIds };
}
