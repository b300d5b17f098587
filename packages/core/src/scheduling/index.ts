/**
 * Scheduling inside the window, with the disclosure guard (issue #17): the time logic only, pure code
 * with every instant passed in. docs/scheduling.md has the rules.
 *
 * - zoned-time.ts: wall-clock time in an IANA zone and back, across DST changes (Intl only).
 * - market-calendar.ts: NYSE/Nasdaq full-day holidays, trading days, business days.
 * - disclosure.ts: the client's `disclosure` settings (zod) and the market-close default.
 * - guard.ts: moves a time out of notBefore, the blackouts and the quiet hours.
 * - suggest-schedule.ts: the suggested time of each action of an approved plan.
 * - check-chosen-time.ts: a time an approver chose, checked against the guard and the deadline.
 */
export { zonedTime, fromZoned, zonedInstants, isIanaTimeZone, type WallTime, type ZonedParts, type CalendarDate } from "./zoned-time.ts";
export { marketHolidays, marketHolidayOn, easterSunday, isTradingDay, isBusinessDay, type MarketHoliday } from "./market-calendar.ts";
export {
  DisclosureSettings,
  Blackout,
  QuietHours,
  BLACKOUT_DAYS,
  MARKET_CLOSE_BLACKOUT,
  defaultDisclosure,
  parseDisclosureSettings,
  type BlackoutDays,
} from "./disclosure.ts";
export {
  applyGuard,
  guardSummary,
  isAllowed,
  latestAllowedBefore,
  NOT_BEFORE_RULE,
  QUIET_HOURS_RULE,
  type DisclosureGuard,
  type GuardMove,
  type GuardSummary,
  type GuardedTime,
} from "./guard.ts";
export {
  suggestSchedule,
  followUpTime,
  FIRST_POST_MINUTES,
  POST_STAGGER_MINUTES,
  FOLLOW_UP_TIME,
  type ScheduleAction,
  type SuggestScheduleInput,
  type SuggestedTime,
} from "./suggest-schedule.ts";
export { checkChosenTime, PAST_TOLERANCE_MS, type ChosenTimeContext, type CheckedTime } from "./check-chosen-time.ts";
export {
  proposeSchedule,
  scheduleOf,
  actionState,
  changeSchedule,
  releaseHeld,
  resolveActionKey,
  guardFor,
  wireTimeOf,
  awaitsWire,
  isFollowUpKey,
  AWAITING_WIRE_RULE,
  SCHEDULE_CHOICES,
  type ScheduledAction,
  type PlanSchedule,
  type ScheduleChoice,
  type ScheduleRequest,
} from "./plan-schedule.ts";
export { rescheduleAction, type RescheduleDeps, type RescheduleOutcome } from "./reschedule-action.ts";
