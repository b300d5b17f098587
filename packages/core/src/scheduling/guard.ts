/**
 * The disclosure guard: moves a publishing time out of the times a client's disclosure settings forbid.
 * Before `notBefore` (the release's publication on a wire) moves to notBefore; inside a blackout or
 * the quiet hours moves to its end; and again, until no rule applies, since leaving one blackout can
 * land in another. Pure: every instant is an argument.
 */
import { ValidationError } from "../errors.ts";
import type { Blackout, BlackoutDays, QuietHours } from "./disclosure.ts";
import { isBusinessDay, isTradingDay } from "./market-calendar.ts";
import { addDays, fromZoned, minuteOfDay, MINUTE_MS, parseClockTime, zonedInstants, zonedTime, type CalendarDate, type WallTime } from "./zoned-time.ts";

/** What the guard checks a time against, for one plan. */
export interface DisclosureGuard {
  /** The release's publication on a wire; nothing goes out before it. Absent: no such rule. */
  notBefore?: Date;
  blackouts: readonly Blackout[];
  quietHours?: QuietHours;
  /** The zone of the quiet hours (the client's); each blackout names its own zone. */
  clientTimeZone: string;
}

/** One move the guard made: which rule, from which time, to which (ISO). */
export interface GuardMove {
  rule: string;
  from: string;
  to: string;
}

/** What the UI shows when the guard moved a time: the deciding rule, the time asked for and the time given. */
export type GuardSummary = GuardMove;

export interface GuardedTime {
  at: Date;
  moves: GuardMove[];
}

/** A span the guard forbids, around a given time; `start` undefined means "since always" (notBefore). */
interface ForbiddenSpan {
  rule: string;
  start: Date | undefined;
  end: Date;
}

export const NOT_BEFORE_RULE = "not-before-wire";
export const QUIET_HOURS_RULE = "quiet-hours";

/** More moves than any real set of rules needs: reaching it means the rules leave no time at all. */
const MAX_MOVES = 64;

/** The time moved out of every forbidden span, with each move made, in order. */
export function applyGuard(at: Date, guard: DisclosureGuard): GuardedTime {
  const moves: GuardMove[] = [];
  let current = at;
  for (let span = forbiddenSpanAt(current, guard); span !== undefined; span = forbiddenSpanAt(current, guard)) {
    if (moves.length === MAX_MOVES) {
      throw new ValidationError("disclosure", `the blackouts and quiet hours leave no time to publish after ${at.toISOString()}`);
    }
    moves.push({ rule: span.rule, from: current.toISOString(), to: span.end.toISOString() });
    current = span.end;
  }
  return { at: current, moves };
}

/**
 * The guard's moves as the UI shows them: the rule of the last move (the one that decided the final
 * time), from the time asked for to the final time. Undefined when nothing moved.
 */
export function guardSummary(moves: readonly GuardMove[]): GuardSummary | undefined {
  const first = moves[0];
  const last = moves.at(-1);
  if (first === undefined || last === undefined) return undefined;
  return { rule: last.rule, from: first.from, to: last.to };
}

/** True when the guard leaves the time where it is. */
export function isAllowed(at: Date, guard: DisclosureGuard): boolean {
  return forbiddenSpanAt(at, guard) === undefined;
}

/**
 * The latest time the guard allows before `limit` (one minute before it, or earlier when that minute is
 * forbidden), not earlier than `floor`; undefined when the guard allows nothing in between.
 */
export function latestAllowedBefore(limit: Date, floor: Date, guard: DisclosureGuard): Date | undefined {
  let candidate = new Date(limit.getTime() - MINUTE_MS);
  for (let steps = 0; steps <= MAX_MOVES && candidate >= floor; steps++) {
    const span = forbiddenSpanAt(candidate, guard);
    if (span === undefined) return candidate;
    if (span.start === undefined) return undefined;
    candidate = new Date(span.start.getTime() - MINUTE_MS);
  }
  return undefined;
}

/** The first rule (notBefore, then each blackout in order, then quiet hours) forbidding the time. */
function forbiddenSpanAt(at: Date, guard: DisclosureGuard): ForbiddenSpan | undefined {
  if (guard.notBefore !== undefined && at < guard.notBefore) return { rule: NOT_BEFORE_RULE, start: undefined, end: guard.notBefore };
  for (const blackout of guard.blackouts) {
    const span = dailySpanAt(at, blackout, blackout.timeZone, blackout.days);
    if (span !== undefined) return { rule: `blackout:${blackout.name}`, ...span };
  }
  if (guard.quietHours === undefined) return undefined;
  const quiet = dailySpanAt(at, guard.quietHours, guard.clientTimeZone, "every");
  return quiet === undefined ? undefined : { rule: QUIET_HOURS_RULE, ...quiet };
}

/**
 * The occurrence of a daily HH:MM-HH:MM window that contains the time, by the zone's wall clock
 * (start included, end excluded), or undefined. A window crossing midnight belongs to the day it
 * starts on: a "trading" 22:00-06:00 covers Friday night, not Sunday night.
 */
function dailySpanAt(at: Date, window: { start: string; end: string }, timeZone: string, days: BlackoutDays): Omit<ForbiddenSpan, "rule"> | undefined {
  const wall = zonedTime(at, timeZone);
  const today: CalendarDate = { y: wall.y, m: wall.m, d: wall.d };
  const minute = minuteOfDay(wall);
  const start = parseClockTime(window.start);
  const end = parseClockTime(window.end);
  const crossesMidnight = minuteOfDay(start) > minuteOfDay(end);
  let startDay: CalendarDate | undefined;
  if (!crossesMidnight && minute >= minuteOfDay(start) && minute < minuteOfDay(end)) startDay = today;
  else if (crossesMidnight && minute >= minuteOfDay(start)) startDay = today;
  else if (crossesMidnight && minute < minuteOfDay(end)) startDay = addDays(today, -1);
  if (startDay === undefined || !appliesOn(startDay, days, timeZone)) return undefined;
  const endDay = crossesMidnight ? addDays(startDay, 1) : startDay;
  return {
    start: lastInstantAtOrBefore({ ...startDay, ...start }, timeZone, at),
    end: firstInstantAfter({ ...endDay, ...end }, timeZone, at),
  };
}

function appliesOn(day: CalendarDate, days: BlackoutDays, timeZone: string): boolean {
  if (days === "trading") return isTradingDay(day);
  if (days === "business") return isBusinessDay(day, timeZone);
  return true;
}

/** When a fall-back hour reads the end twice, the occurrence after the time; in a gap, the first valid minute. */
function firstInstantAfter(wall: WallTime, timeZone: string, after: Date): Date {
  return zonedInstants(wall, timeZone).find((instant) => instant > after) ?? fromZoned(wall, timeZone);
}

/** When a fall-back hour reads the start twice, the occurrence at or before the time; in a gap, the first valid minute. */
function lastInstantAtOrBefore(wall: WallTime, timeZone: string, atOrBefore: Date): Date {
  return zonedInstants(wall, timeZone).findLast((instant) => instant <= atOrBefore) ?? fromZoned(wall, timeZone);
}
