import { scheduleOf } from "../scheduling/plan-schedule.ts";
import { createHash } from "node:crypto";
import type { PressbridgeConfig } from "../config/config-schema.ts";
import { announce } from "../delivery/outbox.ts";
import { makeEvent, type BusEvent } from "../events/catalog.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { Clock, EventBus, EventOutbox, PlanStore } from "../ports.ts";
import type { AmplificationPlan, PublishedAction } from "../plans/plan.ts";
import { MAX_AUTOMATIC_ATTEMPTS, PUBLISH_LEASE_SECONDS } from "./publish-plan.ts";

/** How far back (by window deadline) the sweep looks for approved plans never published. */
const LOOKBACK_DAYS = 14;

/**
 * The safety net of publishing, run by the approval sweep: finds approved plans whose publication
 * was never recorded well after the decision (a delivery that ended in the dead-letter queue, a
 * worker that died and whose retries ran out inside the action lease), or was recorded with
 * temporary failures that have attempts left, no platform wait (Retry-After) still running, and no
 * delivery retrying them, and asks the publish consumer to resume them with `Publication Retry
 * Requested` (retryFailed: false, so failures that need a person stay failed). Reads per client by window deadline through the time-ordered index; no scan.
 */
export async function resumeStalledPublications(
  deps: { plans: PlanStore; bus: EventBus; outbox: EventOutbox; clock: Clock; logger?: Logger },
  config: PressbridgeConfig,
  options: { stalledAfterSeconds?: number } = {},
): Promise<string[]> {
  const now = deps.clock.now();
  const stalledBefore = new Date(now.getTime() - (options.stalledAfterSeconds ?? PUBLISH_LEASE_SECONDS * 2) * 1000).toISOString();
  const from = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000).toISOString();
  const resumed: AmplificationPlan[] = [];
  for (const client of config.clients) {
    const to = new Date(now.getTime() + (client.windowHours + 24) * 3600_000).toISOString();
    const plans = await deps.plans.listClientPlansByDeadline({ clientId: client.id, from, to, limit: 1000 });
    for (const plan of plans) {
      if (needsResuming(plan, stalledBefore, now.toISOString())) resumed.push(plan);
    }
  }
  if (resumed.length > 0) {
    const at = now.toISOString();
    await announce(deps, resumed.map((plan) => publicationRetryEvent(plan, { requestedBy: "approval-sweep", retryFailed: false, at })));
    (deps.logger ?? silentLogger).warn("resumed approved plans whose publication was never recorded", { planIds: resumed.map((p) => p.id) });
  }
  return resumed.map((p) => p.id);
}

/**
 * "Publication Retry Requested" for a plan as it stands. Its id is derived from the publication
 * state being retried (none yet, or the recorded results and attempts), so asking twice about the
 * same state (a double click, two sweeps before the consumer ran) is one event, and a new failure
 * after the retry makes a new one. Operators' requests and the sweep's have their own ids.
 */
export function publicationRetryEvent(plan: AmplificationPlan, request: { requestedBy: string; retryFailed: boolean; at: string }): BusEvent {
  const state = plan.publication === undefined ? `unpublished:${plan.decision?.at ?? ""}` : JSON.stringify([plan.publication.at, plan.publication.actions.map((a) => [a.key, a.status, a.attempts ?? 0])]);
  const digest = createHash("sha256").update(state).digest("base64url").slice(0, 16);
  const kind = request.retryFailed ? "publication-retry" : "publication-resume";
  return makeEvent(
    "PublicationRetryRequested",
    `${kind}:${plan.id}:${digest}`,
    { version: 1, planId: plan.id, requestedAt: request.at, requestedBy: request.requestedBy, retryFailed: request.retryFailed },
    request.at,
  );
}

/**
 * Approved, and either never recorded as published well after the decision, or recorded with
 * temporary failures that still have automatic attempts left but no delivery retrying them, and
 * whose platform did not ask to wait past now (Retry-After; the claim would refuse them anyway).
 */
function needsResuming(plan: AmplificationPlan, stalledBefore: string, now: string): boolean {
  if (plan.decision?.action !== "approved") return false;
  const schedule = scheduleOf(plan);
  // A scheduled plan is stalled when an action's time passed well ago (its trigger may be lost);
  // one whose actions all wait for later (or for a wire) is not.
  if (plan.status === "approved" && schedule !== undefined) {
    const done = new Set((plan.publication?.actions ?? []).filter((a) => a.status === "published").map((a) => a.key));
    return schedule.actions.some((a) => a.cancelled === undefined && a.held === undefined && !done.has(a.key) && a.scheduledFor <= stalledBefore);
  }
  if (plan.publication === undefined) return plan.decision.at <= stalledBefore;
  const dueForAnotherAttempt = (a: PublishedAction) =>
    a.status === "failed" && a.retryable && (a.attempts ?? MAX_AUTOMATIC_ATTEMPTS) < MAX_AUTOMATIC_ATTEMPTS && (a.retryNotBefore === undefined || a.retryNotBefore <= now);
  return plan.publication.at <= stalledBefore && plan.publication.actions.some(dueForAnotherAttempt);
}
