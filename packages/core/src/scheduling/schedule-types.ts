/**
 * The shapes of a plan's schedule, apart from the logic (plan-schedule.ts), so the plan record can
 * name them without importing what builds them.
 */
import type { AdPlatform, Channel } from "../plans/plan-parts.ts";
import type { GuardSummary } from "./guard.ts";

/** How an action's time was chosen. */
export const SCHEDULE_CHOICES = ["suggested", "now", "at"] as const;
export type ScheduleChoice = (typeof SCHEDULE_CHOICES)[number];

/** The rule of an action held because its release has been seen on no wire yet. */
export const AWAITING_WIRE_RULE = "awaiting-wire";

/** One action's time. */
export interface ScheduledAction {
  /** The publish action's key (`<planId>:post:x:v2`, `<planId>:post:x:follow-up:v1`, `<planId>:ad:meta`). */
  key: string;
  kind: "organic-post" | "paused-ad";
  /** The channel (posts) or ad platform (ads). */
  platform: Channel | AdPlatform;
  followUp: boolean;
  /** ISO instant. */
  scheduledFor: string;
  choice: ScheduleChoice;
  /** Why this time, in plain words. */
  reason: string;
  /** Set when the disclosure guard moved the time. */
  guard?: GuardSummary;
  /** At or after the window's deadline: only with a person's reason (then "late by choice" in the audit), or when the guard allows nothing before it. */
  late: boolean;
  lateReason?: string;
  /**
   * Held until a wire carries the release (it was seen only on the client's newsroom and the client
   * requires the wire): not published at its time until then, or until a person confirms (a time
   * chosen for it, or "now").
   */
  held?: typeof AWAITING_WIRE_RULE;
  cancelled?: { at: string; by: string };
}

/** The live schedule on a plan (after a reschedule or cancel); before any, the decision's. */
export interface PlanSchedule {
  /** Moves with every change; a change is conditional on the revision it read. */
  revision: number;
  updatedAt: string;
  updatedBy: string;
  actions: ScheduledAction[];
}

