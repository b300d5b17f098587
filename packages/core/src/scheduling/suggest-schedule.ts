/**
 * The suggested schedule of an approved plan's actions: the amplification spread over the window and
 * always before its deadline. Paused ads at once; the first post on each channel within the first
 * hour, staggered; a follow-up post at 09:30 the next business morning in the client's time zone.
 * Every time then goes through the disclosure guard, and the deadline rule. Pure: `approvedAt` is
 * the clock.
 */
import { formatZonedTime } from "../email/format-time.ts";
import { applyGuard, guardSummary, latestAllowedBefore, type DisclosureGuard, type GuardSummary } from "./guard.ts";
import { isBusinessDay } from "./market-calendar.ts";
import { addDays, fromZoned, MINUTE_MS, zonedTime, type CalendarDate } from "./zoned-time.ts";

/** One action of the plan to schedule. Follow-ups (own drafts, for X and LinkedIn) are made by the caller. */
export interface ScheduleAction {
  key: string;
  kind: "post" | "ad";
  /** The channel (posts) or ad platform (ads). */
  channel: string;
  followUp?: boolean;
}

export interface SuggestScheduleInput {
  approvedAt: Date;
  windowDeadline: Date;
  clientTimeZone: string;
  actions: readonly ScheduleAction[];
  guard: DisclosureGuard;
}

export interface SuggestedTime {
  key: string;
  scheduledFor: Date;
  /** Set when the guard moved the time: the deciding rule, the time asked for, the time given. */
  guard?: GuardSummary;
  /** Why this time, in plain words, as the review page shows it. */
  reason: string;
  /** True when nothing before the window's deadline is allowed, so the time is after it. */
  late: boolean;
}

/** The first post goes this long after approval, and each further channel this much later. */
export const FIRST_POST_MINUTES = 5;
export const POST_STAGGER_MINUTES = 5;
/** The follow-up's time of day, in the client's zone. */
export const FOLLOW_UP_TIME = { hh: 9, mm: 30 } as const;

/** Every action's suggested time, in the order of `actions`. */
export function suggestSchedule(input: SuggestScheduleInput): SuggestedTime[] {
  const slots = postSlots(input.actions);
  return input.actions.map((action) => {
    const wanted = wantedTime(action, slots, input);
    return withinWindow(action.key, wanted, input);
  });
}

interface WantedTime {
  at: Date;
  reason: string;
}

function wantedTime(action: ScheduleAction, slots: ReadonlyMap<string, PostSlot>, input: SuggestScheduleInput): WantedTime {
  if (action.kind === "ad") return { at: input.approvedAt, reason: `paused ad on ${action.channel}: created at approval` };
  if (action.followUp === true) {
    const at = followUpTime(input.approvedAt, input.clientTimeZone);
    return { at, reason: `follow-up on ${action.channel}: 09:30 the next business morning (${formatZonedTime(at.getTime(), input.clientTimeZone)})` };
  }
  const slot = slots.get(action.key)!;
  return {
    at: new Date(input.approvedAt.getTime() + slot.minutes * MINUTE_MS),
    reason: `${slot.first ? "first post" : "another post"} on ${action.channel}: ${slot.minutes} minutes after approval (staggered ${POST_STAGGER_MINUTES} minutes per post)`,
  };
}

interface PostSlot {
  minutes: number;
  /** The channel's first post (the others come after every channel's first). */
  first: boolean;
}

/**
 * Minutes after approval for each non-follow-up post: the first post of each channel in the order the
 * channels first appear (5, 10, 15 ... minutes, within the first hour for the six channels), then any
 * further post of a channel after all the firsts.
 */
function postSlots(actions: readonly ScheduleAction[]): Map<string, PostSlot> {
  const seen = new Set<string>();
  const firsts: ScheduleAction[] = [];
  const others: ScheduleAction[] = [];
  for (const post of actions.filter((a) => a.kind === "post" && a.followUp !== true)) {
    (seen.has(post.channel) ? others : firsts).push(post);
    seen.add(post.channel);
  }
  return new Map(
    [...firsts, ...others].map((post, i) => [post.key, { minutes: FIRST_POST_MINUTES + POST_STAGGER_MINUTES * i, first: i < firsts.length }]),
  );
}

/** 09:30 in the client's zone on the first business day after the day of approval (in that zone). */
export function followUpTime(approvedAt: Date, timeZone: string): Date {
  const approved = zonedTime(approvedAt, timeZone);
  let day: CalendarDate = addDays({ y: approved.y, m: approved.m, d: approved.d }, 1);
  while (!isBusinessDay(day, timeZone)) day = addDays(day, 1);
  return fromZoned({ ...day, ...FOLLOW_UP_TIME }, timeZone);
}

/**
 * The guard, then the deadline rule: a time at or after the deadline is pulled to the latest time
 * before it that the guard allows (and not before approval); when there is none, the guarded time
 * stands and is marked late.
 */
function withinWindow(key: string, wanted: WantedTime, input: SuggestScheduleInput): SuggestedTime {
  const guarded = applyGuard(wanted.at, input.guard);
  const summary = guardSummary(guarded.moves);
  const moved = summary === undefined ? "" : `; moved to ${when(guarded.at, input)} by ${summary.rule}`;
  const base = { key, ...(summary === undefined ? {} : { guard: summary }) };
  if (guarded.at < input.windowDeadline) return { ...base, scheduledFor: guarded.at, reason: wanted.reason + moved, late: false };

  const deadline = when(input.windowDeadline, input);
  const pulled = latestAllowedBefore(input.windowDeadline, input.approvedAt, input.guard);
  if (pulled === undefined) {
    return { ...base, scheduledFor: guarded.at, late: true, reason: `${wanted.reason}${moved}; the disclosure guard allows nothing before the window's deadline (${deadline}), so it goes out late` };
  }
  return {
    key,
    scheduledFor: pulled,
    late: false,
    reason: `${wanted.reason}${moved}; that is not before the window's deadline (${deadline}), so it is pulled to ${when(pulled, input)}, the latest time allowed before it`,
  };
}

function when(at: Date, input: SuggestScheduleInput): string {
  return formatZonedTime(at.getTime(), input.clientTimeZone);
}
