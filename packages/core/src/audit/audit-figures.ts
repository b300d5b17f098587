/**
 * The figures a PR lead reads on the dashboard, computed from plans (pure; durations in UTC
 * milliseconds, so DST never changes a duration):
 * - share amplified within the window: plans amplified (approved and published) by their deadline,
 *   over plans whose outcome is known (window closed, or amplified already); open windows not yet
 *   amplified are left out rather than counted as failures;
 * - median time from detection to approval, and from detection to publication.
 * Weeks are ISO weeks of the detection date in the client's time zone (a Monday 00:30 release in
 * New York belongs to that Monday's week, whatever UTC says).
 */
import type { AmplificationPlan } from "../plans/plan.ts";
import { amplifiedAt, amplifiedInTime } from "./audit-report.ts";

export interface WindowFigures {
  /** Plans detected in the group. */
  releases: number;
  /** Plans whose outcome is known: window closed, or amplified already. */
  decided: number;
  amplifiedInWindow: number;
  /** amplifiedInWindow / decided; null when nothing is decided yet. */
  shareInWindow: number | null;
  medianToApprovalMs: number | null;
  medianToPublicationMs: number | null;
  /**
   * Plans whose every action was a dry run (no credentials: nothing was posted), by the deadline.
   * Counted here only, never as amplified (docs/audit.md).
   */
  dryRuns: number;
}

/** True when the plan has publishing results and every action was a dry run: nothing was posted. */
export function onlyDryRuns(plan: AmplificationPlan): boolean {
  const actions = plan.publication?.actions ?? [];
  return actions.length > 0 && actions.every((a) => a.dryRun);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function windowFigures(plans: readonly AmplificationPlan[], now: Date): WindowFigures {
  let decided = 0;
  let inWindow = 0;
  let dryRuns = 0;
  const toApproval: number[] = [];
  const toPublication: number[] = [];
  for (const p of plans) {
    const detected = Date.parse(p.release.detectedAt);
    const dry = onlyDryRuns(p);
    // A dry run posted nothing: it is not an amplification, and its outcome stays open until the window closes.
    const published = dry ? null : amplifiedAt(p);
    const closed = Date.parse(p.windowDeadline) <= now.getTime();
    if (closed || published !== null) decided++;
    if (!dry && amplifiedInTime(p)) inWindow++;
    if (dry && amplifiedInTime(p)) dryRuns++;
    if (p.decision?.action === "approved") toApproval.push(Date.parse(p.decision.at) - detected);
    if (published !== null) toPublication.push(Date.parse(published) - detected);
  }
  return {
    releases: plans.length,
    decided,
    amplifiedInWindow: inWindow,
    shareInWindow: decided === 0 ? null : inWindow / decided,
    medianToApprovalMs: median(toApproval),
    medianToPublicationMs: median(toPublication),
    dryRuns,
  };
}

const LOCAL_DATE = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (y, m, d) of an instant in a time zone (UTC for an unknown zone). */
export function localDate(ms: number, timeZone: string): { y: number; m: number; d: number } {
  let format = LOCAL_DATE.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    } catch {
      format = new Intl.DateTimeFormat("en-CA", { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit" });
    }
    if (LOCAL_DATE.size > 256) LOCAL_DATE.clear();
    LOCAL_DATE.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day) };
}

/** ISO 8601 week ("2026-W47") of the date an instant falls on in `timeZone`. */
export function isoWeek(ms: number, timeZone: string): string {
  const { y, m, d } = localDate(ms, timeZone);
  const date = new Date(Date.UTC(y, m - 1, d));
  const weekday = date.getUTCDay() || 7; // Monday 1 .. Sunday 7
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const year = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Figures per ISO week of detection (client time zone), oldest week first. */
export function weeklyFigures(plans: readonly AmplificationPlan[], now: Date, timeZone: string): Array<WindowFigures & { week: string }> {
  const byWeek = new Map<string, AmplificationPlan[]>();
  for (const p of plans) {
    const week = isoWeek(Date.parse(p.release.detectedAt), timeZone);
    byWeek.set(week, [...(byWeek.get(week) ?? []), p]);
  }
  return [...byWeek.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([week, group]) => ({ week, ...windowFigures(group, now) }));
}

/** One release on the dashboard's timeline and in the exports. */
export interface TimelineRow {
  planId: string;
  releaseId: string;
  clientId: string;
  title: string;
  wire: string;
  status: AmplificationPlan["status"];
  detectedAt: string;
  approvedAt: string | null;
  rejectedAt: string | null;
  publishedAt: string | null;
  deadline: string;
  /** in-time: amplified by the deadline; late: amplified after it; missed: closed without; open: still open. */
  outcome: "in-time" | "late" | "missed" | "open";
  dryRun: boolean;
}

export function timelineRows(plans: readonly AmplificationPlan[], now: Date): TimelineRow[] {
  return [...plans]
    .sort((a, b) => a.release.detectedAt.localeCompare(b.release.detectedAt) || a.id.localeCompare(b.id))
    .map((p) => {
      const published = amplifiedAt(p);
      const closed = Date.parse(p.windowDeadline) <= now.getTime();
      const outcome: TimelineRow["outcome"] = amplifiedInTime(p) ? "in-time" : published !== null ? "late" : closed ? "missed" : "open";
      return {
        planId: p.id,
        releaseId: p.releaseId,
        clientId: p.clientId,
        title: p.release.title,
        wire: p.release.wire,
        status: p.status,
        detectedAt: p.release.detectedAt,
        approvedAt: p.decision?.action === "approved" ? p.decision.at : null,
        rejectedAt: p.decision?.action === "rejected" ? p.decision.at : null,
        publishedAt: published,
        deadline: p.windowDeadline,
        outcome,
        dryRun: p.publication?.dryRun === true,
      };
    });
}
