/**
 * Wall-clock time in an IANA time zone, with Intl.DateTimeFormat only (no time-zone library): the
 * parts of an instant in a zone, and the instant of a wall-clock time, correct across DST changes.
 * Pure: nothing here reads the system clock.
 */
import { ValidationError } from "../errors.ts";

/** A wall-clock minute: year, month (1-12), day (1-31), hour (0-23), minute (0-59). */
export interface WallTime {
  y: number;
  m: number;
  d: number;
  hh: number;
  mm: number;
}

/** A wall-clock minute as read in a zone, with its day of the week (0 = Sunday ... 6 = Saturday). */
export interface ZonedParts extends WallTime {
  weekday: number;
}

/** A calendar date (no time): the days blackouts and business mornings are counted in. */
export interface CalendarDate {
  y: number;
  m: number;
  d: number;
}

/** One minute in ms: the guard's and the suggestion's unit. */
export const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Reused formatters by zone (building one costs far more than using it); bounded, zones come from settings. */
const FORMATS = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATS = 256;

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = FORMATS.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch (err) {
      throw new ValidationError("timeZone", `"${timeZone}" is not an IANA time zone such as America/New_York`, { cause: err });
    }
    if (FORMATS.size >= MAX_FORMATS) FORMATS.clear();
    FORMATS.set(timeZone, format);
  }
  return format;
}

/** True when Intl knows the zone (the schemas' check). */
export function isIanaTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `ms` in the zone, to the second, as if it were UTC (so offsets are a subtraction). */
function wallMsOf(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatFor(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The zone's offset from UTC at the instant, in ms (east positive: New York in winter is -5 h). */
function offsetMsAt(ms: number, timeZone: string): number {
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return wallMsOf(wholeSecond, timeZone) - wholeSecond;
}

/** The wall-clock minute of an instant in a zone (seconds dropped), with its weekday. */
export function zonedTime(date: Date, timeZone: string): ZonedParts {
  const wall = new Date(wallMsOf(date.getTime(), timeZone));
  return {
    y: wall.getUTCFullYear(),
    m: wall.getUTCMonth() + 1,
    d: wall.getUTCDate(),
    hh: wall.getUTCHours(),
    mm: wall.getUTCMinutes(),
    weekday: wall.getUTCDay(),
  };
}

/** The wall time as if it were UTC, in ms: the number every candidate instant is compared with. */
function wallTimeMs(wall: WallTime): number {
  return Date.UTC(wall.y, wall.m - 1, wall.d, wall.hh, wall.mm);
}

/**
 * Every instant at which the zone's clock reads `wall`, earliest first: one on an ordinary day, two
 * in a fall-back overlap, none in a spring-forward gap. The offsets a day before and a day after
 * cover any single transition near the time.
 */
export function zonedInstants(wall: WallTime, timeZone: string): Date[] {
  const local = wallTimeMs(wall);
  const offsets = new Set([offsetMsAt(local - DAY_MS, timeZone), offsetMsAt(local + DAY_MS, timeZone)]);
  const found = [...offsets].map((offset) => local - offset).filter((ms) => wallMsOf(ms, timeZone) === local);
  return [...new Set(found)].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/**
 * The instant of a wall-clock minute in a zone. In a spring-forward gap (02:30 on the day New York
 * skips from 02:00 to 03:00) it is the first valid minute after: the transition itself (03:00 EDT).
 * In a fall-back overlap (01:30, read twice) it is the first occurrence (01:30 EDT).
 */
export function fromZoned(wall: WallTime, timeZone: string): Date {
  return zonedInstants(wall, timeZone)[0] ?? gapEnd(wall, timeZone);
}

/**
 * The first instant whose wall clock is past a time that does not exist: the transition that skipped
 * it, found by bisection between the time read with the offsets before and after the gap.
 */
function gapEnd(wall: WallTime, timeZone: string): Date {
  const local = wallTimeMs(wall);
  const before = offsetMsAt(local - DAY_MS, timeZone);
  const after = offsetMsAt(local + DAY_MS, timeZone);
  let lo = local - Math.max(before, after);
  let hi = local - Math.min(before, after);
  // Invariant: the offset at lo is the old one, at hi the new one; stop at one second.
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (offsetMsAt(mid, timeZone) === after) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** The calendar date `days` after (or before, when negative) the given one. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const shifted = new Date(Date.UTC(date.y, date.m - 1, date.d) + days * DAY_MS);
  return { y: shifted.getUTCFullYear(), m: shifted.getUTCMonth() + 1, d: shifted.getUTCDate() };
}

/** Day of the week of a calendar date: 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(date: CalendarDate): number {
  return new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay();
}

/** "2026-04-03": how dates are named in holiday lists and tests. */
export function isoDate(date: CalendarDate): string {
  return `${String(date.y).padStart(4, "0")}-${String(date.m).padStart(2, "0")}-${String(date.d).padStart(2, "0")}`;
}

/** Minutes since midnight of a wall-clock time. */
export function minuteOfDay(wall: Pick<WallTime, "hh" | "mm">): number {
  return wall.hh * 60 + wall.mm;
}

/** "15:55" -> { hh: 15, mm: 55 } (the settings' format, already validated by the schema). */
export function parseClockTime(text: string): { hh: number; mm: number } {
  const [hh, mm] = text.split(":").map(Number);
  return { hh: hh!, mm: mm! };
}
