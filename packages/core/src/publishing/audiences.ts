import type { AdPlatform } from "../plans/plan-parts.ts";

/**
 * Matched audiences (issue #16): one audience per client and ad platform, made from the client's
 * media list (hashed emails; on X the hashed handles too), created on the platform the first time a
 * plan of that client is published and reused by every later plan. The store remembers which members
 * were last synced, so each publication sends only the members added and removed since (never the
 * whole list again), and a publication that failed half-way resumes after the last batch it
 * recorded.
 *
 * A member is a string `e:<sha256 hex of the normalised email>` or `h:<sha256 hex of the normalised
 * X handle>`: the hash itself, since removing a member needs the hash the platform was sent.
 */

/** Where a matched audience stands, as Pressbridge last saw it. */
export interface MatchedAudienceState {
  clientId: string;
  platform: AdPlatform;
  /** The deterministic name on the platform (audienceName). */
  name: string;
  /** The platform's id: LinkedIn DMP segment URN, Meta custom audience id, X custom audience id. */
  audienceId: string;
  /** What targeting references, when it differs from the id (LinkedIn: the adSegment URN). */
  targetingRef?: string;
  /** The platform's matched (or targetable) size, when it reports one; null when it does not (yet). */
  matched: number | null;
  /** The platform's status in its own words (LinkedIn READY/BUILDING, Meta delivery_status code, X targetable). */
  status: string;
  /** How many members were last synced. */
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * The audience store port: the audience record and the member set last synced, per (client,
 * platform). `applyMembers` is called after each batch the platform accepted, so a publication that
 * stops half-way leaves exactly the batches already sent recorded.
 */
export interface AudienceStore {
  get(clientId: string, platform: AdPlatform): Promise<MatchedAudienceState | undefined>;
  save(state: MatchedAudienceState): Promise<void>;
  /** The members last synced (empty when none). */
  members(clientId: string, platform: AdPlatform): Promise<Set<string>>;
  applyMembers(clientId: string, platform: AdPlatform, change: { added: readonly string[]; removed: readonly string[] }): Promise<void>;
}

/** What a paused ad's publication did with the matched audience (shown with the action). */
export interface AudienceOutcome {
  platform: AdPlatform;
  /** The platform audience id, or null when none was created (list too small, no media list). */
  id: string | null;
  /** Members sent this time (added plus removed). */
  sent: number;
  matched: number | null;
  status: string;
  /** Why facet targeting was used instead of the audience; null when the audience is attached. */
  fallback: string | null;
}

/** The smallest audience each platform serves (see docs/publishing.md for the sources). */
export const AUDIENCE_MINIMUM: Readonly<Record<AdPlatform, number>> = { linkedin: 300, meta: 100, x: 100 };

const PLATFORM_NAMES: Readonly<Record<AdPlatform, string>> = { linkedin: "LinkedIn", meta: "Meta", x: "X" };

/** The audience's name on the platform: deterministic, so a retry finds it by name before creating. */
export function audienceName(clientId: string, platform: AdPlatform): string {
  return `Pressbridge journalists [${clientId}:${platform}]`;
}

export const emailMember = (sha256: string): string => `e:${sha256}`;
export const handleMember = (sha256: string): string => `h:${sha256}`;
/** The hash of a member and its kind. */
export function memberParts(member: string): { kind: "email" | "handle"; hash: string } {
  return { kind: member.startsWith("h:") ? "handle" : "email", hash: member.slice(2) };
}

/** Members to add and to remove to go from the synced set to the wanted one, each sorted. */
export function audienceDelta(synced: ReadonlySet<string>, wanted: ReadonlySet<string>): { added: string[]; removed: string[] } {
  const added = [...wanted].filter((m) => !synced.has(m)).sort();
  const removed = [...synced].filter((m) => !wanted.has(m)).sort();
  return { added, removed };
}

/** `items` in consecutive chunks of at most `size`. */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The fallback reason when a list is below the platform's minimum, or null when it is big enough. */
export function listTooSmall(platform: AdPlatform, listSize: number): string | null {
  const min = AUDIENCE_MINIMUM[platform];
  if (listSize >= min) return null;
  const name = PLATFORM_NAMES[platform];
  return `the media list has ${listSize} contact${listSize === 1 ? "" : "s"}, below ${name}'s minimum of ${min} for a matched audience, so no ${name} audience was created or attached and the campaign uses the beat and location targeting only`;
}

/** An AudienceStore in memory (tests, and the dry run, which must never touch the real one). */
export class MemoryAudienceStore implements AudienceStore {
  readonly #states = new Map<string, MatchedAudienceState>();
  readonly #members = new Map<string, Set<string>>();

  async get(clientId: string, platform: AdPlatform): Promise<MatchedAudienceState | undefined> {
    const state = this.#states.get(`${clientId}\u0000${platform}`);
    return state === undefined ? undefined : { ...state };
  }

  async save(state: MatchedAudienceState): Promise<void> {
    this.#states.set(`${state.clientId}\u0000${state.platform}`, { ...state });
  }

  async members(clientId: string, platform: AdPlatform): Promise<Set<string>> {
    return new Set(this.#members.get(`${clientId}\u0000${platform}`) ?? []);
  }

  async applyMembers(clientId: string, platform: AdPlatform, change: { added: readonly string[]; removed: readonly string[] }): Promise<void> {
    const key = `${clientId}\u0000${platform}`;
    const set = this.#members.get(key) ?? new Set<string>();
    for (const m of change.added) set.add(m);
    for (const m of change.removed) set.delete(m);
    this.#members.set(key, set);
  }
}
