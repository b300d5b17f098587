/**
 * A plan's schedule: when each of its actions (posts, follow-ups, paused ads) goes out. Proposed on
 * the review page, accepted with the approval (the decision keeps what was shown), then changed by
 * a reschedule or a cancel from the plan page or the CLI (a conditional write on its revision).
 * Publishing publishes the actions that are due and leaves a trigger for the others. Pure: every
 * instant is an argument. The rules are docs/scheduling.md.
 */
import { ValidationError } from "../errors.ts";
import { formatZonedTime } from "../email/format-time.ts";
import type { AmplificationPlan } from "../plans/plan.ts";
import { publishActionsFor } from "../publishing/publish-actions.ts";
import type { PublishAction } from "../publishing/publisher.ts";
import { checkChosenTime } from "./check-chosen-time.ts";
import { defaultDisclosure, type DisclosureSettings } from "./disclosure.ts";
import type { DisclosureGuard } from "./guard.ts";
import { AWAITING_WIRE_RULE, type PlanSchedule, type ScheduledAction } from "./schedule-types.ts";
import { suggestSchedule, type ScheduleAction } from "./suggest-schedule.ts";

export { SCHEDULE_CHOICES, type ScheduleChoice } from "./schedule-types.ts";
import type { ScheduleChoice } from "./schedule-types.ts";

export { AWAITING_WIRE_RULE, type PlanSchedule, type ScheduledAction } from "./schedule-types.ts";

/** A person's choice for one action, from the review page, the plan page or the CLI. */
export interface ScheduleRequest {
  choice: ScheduleChoice;
  /** The chosen time (choice "at"). */
  at?: Date;
  /** Why the action may go out after the window's deadline. */
  lateReason?: string;
}

/** Where the plan's release is known to be on a wire (the time), or null when it was seen only on the client's newsroom. */
export function wireTimeOf(plan: Pick<AmplificationPlan, "match" | "release">): string | null {
  if (plan.match.reason === "bound-feed") return null;
  return plan.release.publishedAt ?? plan.release.detectedAt;
}

/** The guard for a plan: its client's disclosure settings and, when a wire is required, the wire time. */
export function guardFor(plan: Pick<AmplificationPlan, "timezone" | "match" | "release">, disclosure: DisclosureSettings | undefined, wireAt: string | null): DisclosureGuard {
  const settings = disclosure ?? defaultDisclosure();
  return {
    ...(settings.requireWire && wireAt !== null ? { notBefore: new Date(wireAt) } : {}),
    blackouts: settings.blackouts,
    ...(settings.quietHours === undefined ? {} : { quietHours: settings.quietHours }),
    clientTimeZone: plan.timezone,
  };
}

/** Whether the plan's actions wait for a wire (the client requires one, and none has carried the release). */
export function awaitsWire(disclosure: DisclosureSettings | undefined, wireAt: string | null): boolean {
  return (disclosure ?? defaultDisclosure()).requireWire && wireAt === null;
}

function scheduleActionOf(action: PublishAction): ScheduleAction {
  return action.kind === "paused-ad"
    ? { key: action.key, kind: "ad", channel: action.platform }
    : { key: action.key, kind: "post", channel: action.channel, followUp: isFollowUpKey(action.key) };
}

export function isFollowUpKey(key: string): boolean {
  return /:follow-up:v\d+$/.test(key);
}

/**
 * The schedule of a plan's actions as of `now`: each the suggested time unless `requests` names
 * another choice for its key ("now", or a time checked with checkChosenTime: in the past, or past the
 * deadline without a reason, is a ValidationError on field `schedule.<key>`).
 */
export function proposeSchedule(
  plan: AmplificationPlan,
  context: { disclosure: DisclosureSettings | undefined; wireAt: string | null; now: Date; requests?: Readonly<Record<string, ScheduleRequest>> },
): ScheduledAction[] {
  const actions = publishActionsFor(plan);
  const guard = guardFor(plan, context.disclosure, context.wireAt);
  const held = awaitsWire(context.disclosure, context.wireAt);
  const deadline = new Date(plan.windowDeadline);
  const suggested = suggestSchedule({ approvedAt: context.now, windowDeadline: deadline, clientTimeZone: plan.timezone, actions: actions.map(scheduleActionOf), guard });
  return actions.map((action, i) => {
    const base = {
      key: action.key,
      kind: action.kind,
      platform: action.kind === "paused-ad" ? action.platform : action.channel,
      followUp: isFollowUpKey(action.key),
    };
    const request = context.requests?.[action.key];
    const s = suggested[i]!;
    if (request === undefined || request.choice === "suggested") {
      return {
        ...base,
        scheduledFor: s.scheduledFor.toISOString(),
        choice: "suggested",
        reason: held ? `${s.reason}; held until a wire carries the release` : s.reason,
        ...(s.guard === undefined ? {} : { guard: s.guard }),
        late: s.late,
        ...(held ? { held: AWAITING_WIRE_RULE } : {}),
      } satisfies ScheduledAction;
    }
    return chosenAction(base, request, { plan, guard, now: context.now, field: `schedule.${action.key}` });
  });
}

/** An action at a person's chosen time: checked against the guard and the deadline; a person's choice confirms a held release. */
function chosenAction(
  base: Pick<ScheduledAction, "key" | "kind" | "platform" | "followUp">,
  request: ScheduleRequest,
  context: { plan: Pick<AmplificationPlan, "windowDeadline" | "timezone">; guard: DisclosureGuard; now: Date; field: string },
): ScheduledAction {
  const chosen = request.choice === "now" ? context.now : request.at;
  if (chosen === undefined) throw new ValidationError(context.field, "needs a time (or choose now)");
  try {
    const checked = checkChosenTime(chosen, {
      windowDeadline: new Date(context.plan.windowDeadline),
      guard: context.guard,
      now: context.now,
      ...(request.lateReason === undefined || request.lateReason.trim() === "" ? {} : { lateReason: request.lateReason.trim().slice(0, 500) }),
    });
    const zone = context.plan.timezone;
    return {
      ...base,
      scheduledFor: checked.at.toISOString(),
      choice: request.choice,
      reason: request.choice === "now" ? "now, as chosen" : `at ${formatZonedTime(chosen.getTime(), zone)}, as chosen`,
      ...(checked.guard === undefined ? {} : { guard: checked.guard }),
      late: checked.late,
      ...(checked.lateReason === undefined ? {} : { lateReason: checked.lateReason }),
    };
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(context.field, err.message, { cause: err });
    throw err;
  }
}

/** The schedule in force: the live one, else the one accepted with the approval, else none (plans approved before scheduling). */
export function scheduleOf(plan: Pick<AmplificationPlan, "schedule" | "decision">): PlanSchedule | undefined {
  if (plan.schedule !== undefined) return plan.schedule;
  const accepted = plan.decision?.schedule;
  if (accepted === undefined) return undefined;
  return { revision: 0, updatedAt: plan.decision!.at, updatedBy: plan.decision!.by, actions: accepted };
}

/** The state of one action at `now`: due (publish it), waiting (for its time, or a wire), or cancelled. An action with no schedule entry is due. */
export function actionState(schedule: PlanSchedule | undefined, key: string, now: Date): "due" | "waiting" | "held" | "cancelled" {
  const entry = schedule?.actions.find((a) => a.key === key);
  if (entry === undefined) return "due";
  if (entry.cancelled !== undefined) return "cancelled";
  if (entry.held !== undefined) return "held";
  return Date.parse(entry.scheduledFor) <= now.getTime() ? "due" : "waiting";
}

/**
 * Releases the held actions once a wire has carried the release (at `wireAt`): each goes through the
 * guard again with that notBefore. Actions a person already chose a time for are not held.
 */
export function releaseHeld(schedule: PlanSchedule, plan: AmplificationPlan, disclosure: DisclosureSettings | undefined, wireAt: string, now: Date): PlanSchedule {
  if (!schedule.actions.some((a) => a.held !== undefined)) return schedule;
  const fresh = proposeSchedule(plan, { disclosure, wireAt, now });
  return {
    ...schedule,
    actions: schedule.actions.map((a) => {
      if (a.held === undefined) return a;
      const next = fresh.find((f) => f.key === a.key);
      if (next === undefined) return a;
      // The suggested time stays what it was when it is later than the wire (the guard decides).
      const at = Math.max(Date.parse(a.scheduledFor), Date.parse(next.scheduledFor));
      const { held: _held, ...rest } = a;
      return { ...rest, scheduledFor: new Date(at).toISOString(), reason: `${a.reason.replace(/; held until a wire carries the release$/, "")}; a wire carried the release at ${formatZonedTime(Date.parse(wireAt), plan.timezone)}`, ...(next.guard === undefined ? {} : { guard: next.guard }) };
    }),
  };
}

/**
 * A reschedule (a time, or now) or a cancel of one action of an approved plan by a person: the new
 * schedule, revision moved. A published action cannot be moved; a cancelled one can be scheduled again.
 */
export function changeSchedule(
  plan: AmplificationPlan,
  change: { key: string; request: ScheduleRequest | "cancel"; by: string; now: Date; disclosure: DisclosureSettings | undefined; wireAt: string | null; publishedKeys: ReadonlySet<string> },
): PlanSchedule {
  const current = scheduleOf(plan) ?? { revision: 0, updatedAt: change.now.toISOString(), updatedBy: change.by, actions: proposeSchedule(plan, { disclosure: change.disclosure, wireAt: change.wireAt, now: change.now }) };
  const key = resolveActionKey(current, change.key);
  if (change.publishedKeys.has(key)) throw new ValidationError("action", `${key} is published already; it cannot be moved or cancelled`);
  const entry = current.actions.find((a) => a.key === key)!;
  const updated: ScheduledAction =
    change.request === "cancel"
      ? { ...entry, cancelled: { at: change.now.toISOString(), by: change.by } }
      : chosenAction(entry, change.request, { plan, guard: guardFor(plan, change.disclosure, change.wireAt), now: change.now, field: "at" });
  return {
    revision: current.revision + 1,
    updatedAt: change.now.toISOString(),
    updatedBy: change.by,
    actions: current.actions.map((a) => (a.key === key ? updated : a)),
  };
}

/** An action named by its full key, or by its short form (`post:x`, `post:x:follow-up`, `ad:meta`). */
export function resolveActionKey(schedule: Pick<PlanSchedule, "actions">, given: string): string {
  const exact = schedule.actions.find((a) => a.key === given);
  if (exact !== undefined) return exact.key;
  const short = given.replace(/:v\d+$/, "");
  const matches = schedule.actions.filter((a) => a.key.replace(/:v\d+$/, "").endsWith(`:${short}`));
  if (matches.length === 1) return matches[0]!.key;
  const known = schedule.actions.map((a) => a.key.replace(/^p_[^:]+:/, "").replace(/:v\d+$/, "")).join(", ");
  throw new ValidationError("action", `no action "${given.slice(0, 80)}" in this plan (it has: ${known})`);
}
