/**
 * A time an approver chose for an action (on the review page, the plan page or the CLI), checked
 * before it is stored: not in the past, moved by the disclosure guard, and not after the window's
 * deadline unless the approver says why (the audit then reports it as late by choice, not missed).
 */
import { formatZonedTime } from "../email/format-time.ts";
import { ValidationError } from "../errors.ts";
import { applyGuard, guardSummary, type DisclosureGuard, type GuardSummary } from "./guard.ts";
import { MINUTE_MS } from "./zoned-time.ts";

export interface ChosenTimeContext {
  windowDeadline: Date;
  /** Why the action may go out after the deadline; required for a late time. */
  lateReason?: string;
  guard: DisclosureGuard;
  now: Date;
}

export interface CheckedTime {
  /** The time to schedule: the chosen one, or where the guard moved it. */
  at: Date;
  guard?: GuardSummary;
  /** True when the time is at or after the deadline (allowed only with a reason). */
  late: boolean;
  /** The reason given, kept with a late time. */
  lateReason?: string;
}

/** How far in the past a chosen time may be (a form submitted a few seconds after "now" was shown). */
export const PAST_TOLERANCE_MS = MINUTE_MS;

/** The time to schedule, or a ValidationError on field "at" saying what is wrong with the chosen one. */
export function checkChosenTime(chosen: Date, context: ChosenTimeContext): CheckedTime {
  const zone = context.guard.clientTimeZone;
  if (Number.isNaN(chosen.getTime())) throw new ValidationError("at", "is not a time");
  if (chosen.getTime() < context.now.getTime() - PAST_TOLERANCE_MS) {
    throw new ValidationError("at", `is in the past (${formatZonedTime(chosen.getTime(), zone)}; it is now ${formatZonedTime(context.now.getTime(), zone)})`);
  }
  const guarded = applyGuard(chosen, context.guard);
  const summary = guardSummary(guarded.moves);
  const base = { at: guarded.at, ...(summary === undefined ? {} : { guard: summary }) };
  if (guarded.at < context.windowDeadline) return { ...base, late: false };

  const reason = context.lateReason?.trim() ?? "";
  if (reason === "") {
    const moved = summary === undefined ? "" : `moved by ${summary.rule} to ${formatZonedTime(guarded.at.getTime(), zone)}, `;
    throw new ValidationError("at", `${moved}after the window's deadline (${formatZonedTime(context.windowDeadline.getTime(), zone)}); give a reason to schedule late`);
  }
  return { ...base, late: true, lateReason: reason };
}
