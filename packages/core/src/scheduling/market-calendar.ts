/**
 * The US market calendar the disclosure guard counts days with: NYSE/Nasdaq full-day holidays, trading
 * days and business days. Computed from the rules, not from a list, so no year runs out. One-off
 * closures (a national day of mourning) and early closes (13:00 on the day after Thanksgiving) are
 * not in it: see docs/scheduling.md.
 */
import { addDays, isoDate, weekdayOf, type CalendarDate } from "./zoned-time.ts";

export interface MarketHoliday {
  /** The day the market is closed, e.g. "2026-07-03" for Independence Day on a Saturday. */
  date: string;
  name: string;
}

/** Juneteenth became an NYSE holiday in 2022. */
const JUNETEENTH_FROM = 2022;

/**
 * Easter Sunday of a Gregorian year (the anonymous Gregorian computus, also called Meeus/Jones/Butcher):
 * Good Friday is two days before it.
 */
export function easterSunday(year: number): CalendarDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { y: year, m: month, d: day };
}

/** The n-th (1-based) given weekday of a month, e.g. the 4th Thursday of November. */
function nthWeekday(year: number, month: number, weekday: number, n: number): CalendarDate {
  const first = { y: year, m: month, d: 1 };
  const shift = (weekday - weekdayOf(first) + 7) % 7;
  return addDays(first, shift + 7 * (n - 1));
}

/** The last given weekday of a month, e.g. the last Monday of May. */
function lastWeekday(year: number, month: number, weekday: number): CalendarDate {
  const next = month === 12 ? { y: year + 1, m: 1, d: 1 } : { y: year, m: month + 1, d: 1 };
  const last = addDays(next, -1);
  return addDays(last, -((weekdayOf(last) - weekday + 7) % 7));
}

/** NYSE's rule for a fixed-date holiday: on a Saturday the Friday before is closed, on a Sunday the Monday after. */
function observed(date: CalendarDate): CalendarDate {
  const weekday = weekdayOf(date);
  if (weekday === 6) return addDays(date, -1);
  if (weekday === 0) return addDays(date, 1);
  return date;
}

/**
 * New Year's Day, observed: on a Sunday the Monday after; on a Saturday none, because NYSE does not
 * close on the Friday before (December 31, the last trading day of the year).
 */
function newYearsDay(year: number): CalendarDate | undefined {
  const day = { y: year, m: 1, d: 1 };
  return weekdayOf(day) === 6 ? undefined : observed(day);
}

/** The full-day NYSE holidays of a year, in date order, each on the day the market is closed. */
export function marketHolidays(year: number): MarketHoliday[] {
  const days: Array<[CalendarDate | undefined, string]> = [
    [newYearsDay(year), "New Year's Day"],
    [nthWeekday(year, 1, 1, 3), "Martin Luther King Jr. Day"],
    [nthWeekday(year, 2, 1, 3), "Washington's Birthday (Presidents' Day)"],
    [addDays(easterSunday(year), -2), "Good Friday"],
    [lastWeekday(year, 5, 1), "Memorial Day"],
    [year >= JUNETEENTH_FROM ? observed({ y: year, m: 6, d: 19 }) : undefined, "Juneteenth National Independence Day"],
    [observed({ y: year, m: 7, d: 4 }), "Independence Day"],
    [nthWeekday(year, 9, 1, 1), "Labor Day"],
    [nthWeekday(year, 11, 4, 4), "Thanksgiving Day"],
    [observed({ y: year, m: 12, d: 25 }), "Christmas Day"],
  ];
  return days.filter((entry): entry is [CalendarDate, string] => entry[0] !== undefined).map(([date, name]) => ({ date: isoDate(date), name }));
}

/** Holiday dates by year, computed once per year asked about (a guard checks the same few years). */
const HOLIDAYS_BY_YEAR = new Map<number, ReadonlyMap<string, string>>();

/** The NYSE holiday on that date, by name, or undefined on a day the market is open (or a weekend). */
export function marketHolidayOn(date: CalendarDate): string | undefined {
  let holidays = HOLIDAYS_BY_YEAR.get(date.y);
  if (holidays === undefined) {
    holidays = new Map(marketHolidays(date.y).map((h) => [h.date, h.name]));
    if (HOLIDAYS_BY_YEAR.size >= 64) HOLIDAYS_BY_YEAR.clear();
    HOLIDAYS_BY_YEAR.set(date.y, holidays);
  }
  return holidays.get(isoDate(date));
}

function isWeekday(date: CalendarDate): boolean {
  const weekday = weekdayOf(date);
  return weekday !== 0 && weekday !== 6;
}

/** A day NYSE and Nasdaq trade: a weekday that is not a full-day holiday. */
export function isTradingDay(date: CalendarDate): boolean {
  return isWeekday(date) && marketHolidayOn(date) === undefined;
}

/**
 * A business day in a zone. For zones in the Americas (America/*, US/*) it is a trading day: weekdays
 * less the US market holidays, the closest calendar we have to the client's office. Elsewhere it is
 * any weekday, since US holidays would be wrong there and we keep no other country's calendar.
 */
export function isBusinessDay(date: CalendarDate, timeZone: string): boolean {
  return usesUsCalendar(timeZone) ? isTradingDay(date) : isWeekday(date);
}

function usesUsCalendar(timeZone: string): boolean {
  return timeZone.startsWith("America/") || timeZone.startsWith("US/");
}
