import type { PressbridgeConfig } from "../config/config-schema.ts";
import type { BusEvent } from "../events/catalog.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { AmplificationPlan } from "../plans/plan.ts";
import { announce } from "./outbox.ts";
import { amplificationPlannedEvent } from "../plans/plan-amplification.ts";
import { releaseDetectedEvent } from "../polling/poll-feeds.ts";
import type { Clock, EventBus, EventOutbox, PlanStore, ReleaseStore } from "../ports.ts";

/** A release that should have been planned and was not (no planning record). */
export interface UnplannedRelease {
  releaseId: string;
  detectedAt: string;
}

/** A plan pending approval whose approval email is not settled (sent or failed for good) for every approver. */
export interface PlanOwingEmail {
  plan: AmplificationPlan;
  /** Approvers with no email record, a released one, or a claim whose lease lapsed. */
  approvers: string[];
}

/**
 * The reads the delivery sweep needs, through the time-ordered indexes (never a Scan);
 * DynamoDeliveryStore implements it.
 */
export interface DeliverySweepStore {
  /** Releases detected in [from, to], not baselines, with no planning record. */
  unplannedReleases(options: { from: string; to: string; limit: number }): Promise<UnplannedRelease[]>;
  /** Plans created in [from, to], still pending approval with their window open at `now`, that owe an approval email. */
  plansOwingApprovalEmail(options: { from: string; to: string; now: string; limit: number }): Promise<PlanOwingEmail[]>;
}

export interface SweepDeps {
  releases: ReleaseStore;
  plans: PlanStore;
  delivery: DeliverySweepStore;
  bus: EventBus;
  outbox: EventOutbox;
  clock: Clock;
  logger?: Logger;
}

export interface SweepOptions {
  /** Work younger than this is left to its own delivery and retries. Default 300 s. */
  graceSeconds?: number;
  /** How far back to look. Default: the longest client window (nothing is owed past a window), at least 24 h. */
  lookbackHours?: number;
  /** At most this many releases and this many plans per run. Default 500. */
  limit?: number;
}

export interface SweepOutcome {
  /** Releases whose "Release Detected" was published again (announced, never planned). */
  releases: string[];
  /** Plans whose "Amplification Planned" was published again (an approver never emailed). */
  plans: string[];
}

export const SWEEP_GRACE_SECONDS = 300;

/**
 * Finishes work an announcement promised and nobody did: the safety net under the bus's own
 * retries (docs/delivery.md). Run after the outbox flush, so what is left is work a consumer never
 * finished, not an event that was never published.
 *
 * Why: a release announced but never planned, or a plan whose approvers were never emailed, is a
 * release that misses its window without anyone seeing an error (a consumer's retries ran out, a
 * process died between two steps).
 *
 * Steps, over the last lookback (releases and plans older than the grace only):
 * 1. releases without a planning record (not baselines) get their "Release Detected" again;
 * 2. plans pending approval whose window is open and that owe an approver's approval email get
 *    their "Amplification Planned" again;
 * 3. both go through the delivery kernel's `announce` (recorded in the outbox, published, cleared)
 *    under the deterministic id the original had, so consumers (idempotent by their conditional
 *    writes) do only what is missing, and the local bus ignores an event still owed.
 */
export async function sweepUndeliveredWork(deps: SweepDeps, config: PressbridgeConfig, options: SweepOptions = {}): Promise<SweepOutcome> {
  const logger = deps.logger ?? silentLogger;
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const lookbackHours = options.lookbackHours ?? Math.max(24, ...config.clients.map((c) => c.windowHours));
  const from = new Date(now.getTime() - lookbackHours * 3600_000).toISOString();
  const to = new Date(now.getTime() - (options.graceSeconds ?? SWEEP_GRACE_SECONDS) * 1000).toISOString();
  const limit = options.limit ?? 500;
  const outcome: SweepOutcome = { releases: [], plans: [] };
  if (to <= from) return outcome;

  const events: BusEvent[] = [];
  for (const r of await deps.delivery.unplannedReleases({ from, to, limit })) {
    const release = await deps.releases.getRelease(r.releaseId);
    if (release === undefined || release.announce === "baseline" || release.planning !== null) continue;
    events.push(releaseDetectedEvent(release, release.sources[0]?.feedId ?? "", nowIso));
    outcome.releases.push(release.id);
  }
  for (const { plan } of await deps.delivery.plansOwingApprovalEmail({ from, to, now: nowIso, limit })) {
    events.push(amplificationPlannedEvent(plan, nowIso));
    outcome.plans.push(plan.id);
  }
  if (events.length > 0) {
    await announce(deps, events);
    logger.warn("delivery sweep redelivered work that was owed", { releases: outcome.releases.length, plans: outcome.plans.length });
  }
  return outcome;
}
