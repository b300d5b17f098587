/**
 * The matched-audience step every ad publisher runs before it creates the paused campaign (issue
 * #16): ensure the client's audience exists on the platform (the store's id; else looked up by its
 * deterministic name; else created), send the members added and removed since the last sync in
 * batches within the platform's limit (each batch recorded in the store as soon as the platform
 * accepted it, so a retry after a failure half-way sends only what is left), read the platform's
 * status and size, and decide whether the campaign can reference it.
 *
 * Pre-flight: a list below the platform's minimum is never created on the platform (an existing
 * audience still gets its removals, so a journalist taken off the list leaves the audience too), and
 * an audience the platform reports unusable or too small is not attached. Either way the reason is
 * returned as the fallback and the campaign keeps its facet targeting.
 *
 * The platform parts (requests, response shapes) are in each adapter's `AudienceOps`.
 */
import {
  audienceDelta,
  audienceName,
  emailMember,
  handleMember,
  inBatches,
  listTooSmall,
  type AdPlatform,
  type AudienceOutcome,
  type AudienceStore,
  type MatchedAudienceState,
} from "@pressbridge/core";
import type { MatchedList } from "./ad-brief-fields.ts";
import type { StepResult } from "./publisher-http.ts";

export interface FoundAudience {
  id: string;
  targetingRef?: string;
}

export interface AudienceStatus {
  /** The platform's status, in its words. */
  status: string;
  matched: number | null;
  /** What targeting references, when known now (LinkedIn's adSegment URN). */
  targetingRef?: string;
  /** Why the campaign must not reference it (unusable, too small, not targetable yet); null when it can. */
  notUsable: string | null;
}

export interface AudienceOps {
  platform: AdPlatform;
  /** Members per add/remove request (within the platform's documented limit). */
  batchSize: number;
  find(name: string): Promise<StepResult<FoundAudience | null>>;
  create(name: string): Promise<StepResult<FoundAudience>>;
  /** After a create, before the first upload (LinkedIn asks for 5 s). */
  afterCreate?(): Promise<void>;
  /** One batch: `sequence` counts this sync's batches of the same operation from 1, of `total`. */
  send(audienceId: string, operation: "add" | "remove", members: string[], sequence: { index: number; total: number; members: number }): Promise<StepResult<void>>;
  status(audienceId: string, state: MatchedAudienceState): Promise<StepResult<AudienceStatus>>;
}

export interface AudienceStep {
  outcome: AudienceOutcome;
  /** What the campaign's targeting references; null: fall back to facet targeting. */
  attach: string | null;
}

type Failed = Extract<StepResult<never>, { ok: false }>;

/** The members the brief's list stands for on a platform: emails, plus handles on X. */
export function membersOf(platform: AdPlatform, list: MatchedList): Set<string> {
  const members = new Set(list.hashedEmails.map(emailMember));
  if (platform === "x") for (const h of list.hashedXHandles) members.add(handleMember(h));
  return members;
}

/**
 * Runs the audience step. Returns null when the brief has no media list (nothing to do); a failed
 * step when the platform or the store failed in a way worth retrying (the publication is retried and
 * resumes where this one stopped); otherwise the outcome, with a fallback reason when the campaign
 * must not reference the audience (including platform refusals that no retry fixes, such as Meta's
 * terms of service not accepted).
 */
export async function syncMatchedAudience(
  store: AudienceStore,
  ops: AudienceOps,
  input: { clientId: string | null; list: MatchedList | null; now: () => Date },
): Promise<StepResult<AudienceStep> | null> {
  const { platform } = ops;
  if (input.list === null || input.list.hashedEmails.length === 0) return null;
  const base = { platform, id: null, sent: 0, matched: null, status: "not created" } as const;
  if (input.clientId === null) {
    return { ok: true, value: { attach: null, outcome: { ...base, fallback: "the brief does not say which client's media list it carries (planned before matched audiences); re-plan the release to use the list" } } };
  }
  const clientId = input.clientId;
  const wanted = membersOf(platform, input.list);
  const tooSmall = listTooSmall(platform, input.list.hashedEmails.length);
  const refused = (failure: Failed, state: MatchedAudienceState | undefined, sent: number): StepResult<AudienceStep> =>
    failure.outcome.retryable
      ? failure
      : { ok: true, value: { attach: null, outcome: { platform, id: state?.audienceId ?? null, sent, matched: state?.matched ?? null, status: state?.status ?? "not created", fallback: `the matched audience could not be synced, so the campaign uses the beat and location targeting only: ${failure.outcome.reason}` } } };

  try {
    let state = await store.get(clientId, platform);
    if (state === undefined && tooSmall !== null) return { ok: true, value: { attach: null, outcome: { ...base, fallback: tooSmall } } };

    if (state === undefined) {
      const name = audienceName(clientId, platform);
      const found = await ops.find(name);
      if (!found.ok) return refused(found, undefined, 0);
      let audience = found.value;
      if (audience === null) {
        const created = await ops.create(name);
        if (!created.ok) return refused(created, undefined, 0);
        audience = created.value;
        await ops.afterCreate?.();
      }
      const at = input.now().toISOString();
      state = { clientId, platform, name, audienceId: audience.id, matched: null, status: "created", memberCount: 0, createdAt: at, updatedAt: at };
      if (audience.targetingRef !== undefined) state.targetingRef = audience.targetingRef;
      await store.save(state);
    }

    // Members: removals first (a journalist taken off the list leaves at once), then additions.
    const synced = await store.members(clientId, platform);
    const delta = audienceDelta(synced, wanted);
    let sent = 0;
    for (const operation of ["remove", "add"] as const) {
      const members = operation === "add" ? delta.added : delta.removed;
      const batches = inBatches(members, ops.batchSize);
      for (const [i, batch] of batches.entries()) {
        const result = await ops.send(state.audienceId, operation, batch, { index: i + 1, total: batches.length, members: members.length });
        if (!result.ok) return refused(result, state, sent);
        await store.applyMembers(clientId, platform, operation === "add" ? { added: batch, removed: [] } : { added: [], removed: batch });
        sent += batch.length;
      }
    }
    const memberCount = synced.size + delta.added.length - delta.removed.length;

    const read = await ops.status(state.audienceId, state);
    if (!read.ok) return refused(read, state, sent);
    state = { ...state, status: read.value.status, matched: read.value.matched, memberCount, updatedAt: input.now().toISOString() };
    if (read.value.targetingRef !== undefined) state.targetingRef = read.value.targetingRef;
    await store.save(state);

    const fallback = tooSmall ?? read.value.notUsable;
    const outcome: AudienceOutcome = { platform, id: state.audienceId, sent, matched: state.matched, status: state.status, fallback };
    return { ok: true, value: { attach: fallback === null ? (state.targetingRef ?? state.audienceId) : null, outcome } };
  } catch (error) {
    return { ok: false, outcome: { status: "failed", retryable: true, reason: `could not record the ${platform} matched audience (${(error as Error).message}); retry` } };
  }
}

/** The audience as platformIds strings (what the plan's publication stores and the plan page shows). */
export function audienceIds(outcome: AudienceOutcome): Record<string, string> {
  const ids: Record<string, string> = { audienceStatus: outcome.status, audienceSent: String(outcome.sent) };
  if (outcome.id !== null) ids.audienceId = outcome.id;
  if (outcome.matched !== null) ids.audienceMatched = String(outcome.matched);
  if (outcome.fallback !== null) ids.audienceFallback = outcome.fallback;
  return ids;
}

/** A dry run's record of a member batch: how many hashes, and the first one (never thousands, never an email). */
export function recordedHashes(hashes: readonly string[]): string[] {
  if (hashes.length <= 1) return [...hashes];
  return [hashes[0]!, `… and ${hashes.length - 1} more SHA-256 hashes (${hashes.length} in all)`];
}
