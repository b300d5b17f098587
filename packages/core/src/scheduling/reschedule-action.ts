import type { AmplificationPlan } from "../plans/plan.ts";
import type { ActionScheduler, PlanStore, PublishActionRecord } from "../ports.ts";
import type { DisclosureSettings } from "./disclosure.ts";
import { changeSchedule, resolveActionKey, scheduleOf, wireTimeOf, type ScheduleRequest } from "./plan-schedule.ts";
import type { PlanSchedule, ScheduledAction } from "./schedule-types.ts";

export interface RescheduleDeps {
  plans: Pick<PlanStore, "saveSchedule">;
  scheduler?: ActionScheduler | undefined;
  disclosureOf?: ((clientId: string) => Promise<DisclosureSettings | undefined>) | undefined;
  wireAt?: ((plan: AmplificationPlan) => Promise<string | null>) | undefined;
}

export type RescheduleOutcome =
  | {
      status: "saved";
      key: string;
      entry: ScheduledAction;
      schedule: PlanSchedule;
      /** Every action is published or cancelled now: a publishing run completes the plan. */
      nothingLeft: boolean;
    }
  | { status: "conflict" };

/**
 * A person moves one action of an approved plan to a time, to now, or cancels it (the plan page and
 * `publish --action`): the new schedule (guard and deadline rule applied; a ValidationError names
 * what is wrong) is written conditional on the revision read, then the action's trigger is set or
 * deleted. "conflict" when someone changed the schedule meanwhile: nothing written.
 */
export async function rescheduleAction(
  deps: RescheduleDeps,
  input: { plan: AmplificationPlan; records: readonly PublishActionRecord[]; key: string; request: ScheduleRequest | "cancel"; by: string; now: Date },
): Promise<RescheduleOutcome> {
  const { plan, records } = input;
  const [disclosure, wireAt] = await Promise.all([deps.disclosureOf?.(plan.clientId), deps.wireAt === undefined ? wireTimeOf(plan) : deps.wireAt(plan)]);
  const before = scheduleOf(plan);
  const published = new Set(records.filter((r) => r.state !== "failed").map((r) => r.key));
  const next = changeSchedule(plan, { key: input.key, request: input.request, by: input.by, now: input.now, disclosure, wireAt, publishedKeys: published });
  const key = resolveActionKey(next, input.key);
  if ((await deps.plans.saveSchedule(plan.id, next, before?.revision ?? 0)) === "conflict") return { status: "conflict" };
  const entry = next.actions.find((a) => a.key === key)!;
  if (input.request === "cancel") await deps.scheduler?.cancel({ planId: plan.id, actionKey: key });
  else await deps.scheduler?.ensure({ planId: plan.id, actionKey: key, at: entry.scheduledFor, timeZone: plan.timezone });
  const done = new Set(records.filter((r) => r.state !== "in-flight").map((r) => r.key));
  return { status: "saved", key, entry, schedule: next, nothingLeft: !next.actions.some((a) => a.cancelled === undefined && !done.has(a.key)) };
}
