import { silentLogger } from "../logger.ts";
import type { ActionTrigger, ActionTriggerQueue } from "../ports.ts";
import { MAX_AUTOMATIC_ATTEMPTS, publishApprovedPlan, type PublishDeps } from "./publish-plan.ts";

export interface FireOutcome {
  /** Triggers that were due. */
  due: number;
  /** Plans published (each once, however many of its actions were due). */
  plans: number;
  /** Triggers kept for the next tick (a retryable failure, another worker, an error). */
  kept: number;
}

/**
 * The local runtime's timer (the same use case EventBridge Scheduler invokes in AWS, through the
 * publish function): publishes every plan with a due trigger, once per plan, then removes the
 * triggers whose action has its result (or will never run: cancelled, plan gone or not approved).
 * A trigger whose action failed in a way a retry may fix, or that another worker holds, stays and is
 * fired again on the next tick; a failure of one plan never stops the others.
 */
export async function fireDueActions(deps: PublishDeps & { triggers: ActionTriggerQueue }, options: { limit?: number } = {}): Promise<FireOutcome> {
  const logger = deps.logger ?? silentLogger;
  const due = await deps.triggers.due(deps.clock.now().toISOString(), options.limit ?? 100);
  const byPlan = new Map<string, ActionTrigger[]>();
  for (const t of due) byPlan.set(t.planId, [...(byPlan.get(t.planId) ?? []), t]);
  let kept = 0;
  for (const [planId, triggers] of byPlan) {
    try {
      const outcome = await publishApprovedPlan(deps, { planId });
      const finished = outcome.result === "not-found" || outcome.result === "not-approved";
      const records = new Map((await deps.publications.actionRecords(planId)).map((r) => [r.key, r]));
      const schedule = (await deps.plans.getPlan(planId))?.schedule;
      for (const t of triggers) {
        const r = records.get(t.actionKey);
        const settled = r !== undefined && r.state !== "in-flight" && !(r.state === "failed" && r.retryable && r.attempt < MAX_AUTOMATIC_ATTEMPTS);
        // Cancelled since it was set, or moved: publishing re-set a moved one at its new time; a cancelled one has no action left to run.
        const cancelled = schedule?.actions.find((a) => a.key === t.actionKey)?.cancelled !== undefined;
        if (finished || settled || cancelled) await deps.triggers.cancel(t);
        else kept++;
      }
    } catch (err) {
      kept += triggers.length;
      logger.error("a scheduled plan could not be published; its triggers stay for the next tick", { planId, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { due: due.length, plans: byPlan.size, kept };
}
