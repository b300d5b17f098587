/**
 * The window audit's findings and its report, and the pure classification behind them (no I/O, no
 * clock: `now` is an argument). docs/audit.md explains each list to a PR lead.
 *
 * The audited period is defined by window deadlines: per client, plans whose deadline falls in
 * [now - lookbackHours, now + max(windowHours, atRiskHours)]. That covers every window still open
 * (a window never closes later than detection + windowHours) and every window that closed within the
 * lookback. Releases are read by detection time over [now - lookbackHours - longest window, now], so
 * a release whose planning step failed is found although it has no plan to read.
 *
 * Each plan lands in each list at most once, and in "missed" or "at-risk" at most one of the two
 * (a window is either closed or open). Finding ids are stable (`<kind>:plan:<planId>`,
 * `<kind>:release:<releaseId>`, `feed-health:feed:<feedId>`); the fingerprint adds the state
 * (`code`), so the digest announces a finding once and again only when its state changes.
 */
import type { AuditSettings, ClientConfig, FeedConfig, PressbridgeConfig } from "../config/config-schema.ts";
import type { AmplificationPlan } from "../plans/plan.ts";
import { actionLabel } from "../publishing/publication-email.ts";
import { scheduleOf, type PlanSchedule } from "../scheduling/plan-schedule.ts";
import type { FeedState, StoredRelease } from "../releases/release.ts";

export type FindingKind = "missed" | "at-risk" | "stale" | "feed-health" | "late-by-choice";

/** Every kind, in the order the dashboard lists them. "late-by-choice": published after the deadline because a person scheduled it so, with a reason (docs/scheduling.md); not a miss. */
export const FINDING_KINDS: readonly FindingKind[] = ["missed", "at-risk", "stale", "feed-health", "late-by-choice"];

/**
 * Why a finding is in its list:
 * - never-approved: nobody decided before the deadline (or, at risk: still pending);
 * - approved-late: approved after the deadline;
 * - rejected: an approver rejected the plan, so the release went out without amplification;
 * - published-late: approved in time, published after the deadline;
 * - publish-failed: publishing failed (some or all actions);
 * - not-published: approved, but publishing never reported back;
 * - never-planned: the release was detected but the planning step never ran for it;
 * - plan-missing: planning names a plan that was never stored;
 * - pending: (stale) the approval has been pending for longer than staleHours;
 * - failing / silent / never-polled: feed health.
 */
export type FindingCode =
  | "never-approved"
  | "approved-late"
  | "rejected"
  | "published-late"
  | "publish-failed"
  | "not-published"
  | "never-planned"
  | "plan-missing"
  | "pending"
  | "failing"
  | "silent"
  | "never-polled"
  | "repaired"
  | "scheduled-late"
  | "scheduled-overdue"
  | "awaiting-wire";

export interface AuditFinding {
  /** Stable across runs: `<kind>:plan:<planId>`, `<kind>:release:<releaseId>` or `feed-health:feed:<feedId>`. */
  id: string;
  kind: FindingKind;
  code: FindingCode;
  /** The finding's id plus its state: what the digest deduplicates on. */
  fingerprint: string;
  /** The client concerned; null for a release no client was resolved for, or a shared wire. */
  clientId: string | null;
  planId: string | null;
  releaseId: string | null;
  feedId: string | null;
  /** The release headline (untrusted feed text) or the feed's name. */
  title: string;
  /** The window deadline (UTC ISO), when there is one. */
  deadline: string | null;
  /** The client's time zone, for showing the deadline (UTC for shared wires). */
  timezone: string;
  detectedAt: string | null;
  /** The situation in plain words, for the digest and the dashboard. */
  reason: string;
  /** True when the plan was "published" by the dry-run publisher: a person still has to post it. */
  dryRun: boolean;
}

/** A plan counted as amplified only because the dry-run publisher recorded it (docs/audit.md). */
export interface DryRunNote {
  planId: string;
  clientId: string;
  title: string;
  publishedAt: string;
}

export interface FindingCounts {
  missed: number;
  atRisk: number;
  stale: number;
  feedHealth: number;
}

export interface AuditReport {
  /** `audit:<at>`. */
  id: string;
  /** When the audit ran (its `now`). */
  at: string;
  /** The deadlines audited (the widest client's range). */
  period: { from: string; to: string };
  settings: AuditSettings;
  findings: AuditFinding[];
  counts: FindingCounts;
  clients: Array<FindingCounts & { clientId: string; plansAudited: number }>;
  /** Plans amplified only by the dry-run publisher: counted as amplified, flagged "posted by hand?". */
  dryRuns: DryRunNote[];
  /** What the audit read: its cost is proportional to these. */
  reads: { plans: number; releases: number; feeds: number };
  /** Findings left out of the stored report to keep it under DynamoDB's item size (0 normally). */
  truncated: number;
}

export const HOUR_MS = 3_600_000;

/** When the plan was amplified: every action first published. Null when it is not (yet). */
export function amplifiedAt(plan: AmplificationPlan): string | null {
  if (plan.publication?.publishedAt != null) return plan.publication.publishedAt;
  // "published" without a recorded time (an older publishing run): the last run's end is the best estimate.
  if (plan.status === "published") return plan.publication?.at ?? plan.decision?.at ?? plan.createdAt;
  return null;
}

/** Whether the plan was approved and published by its window deadline. */
export function amplifiedInTime(plan: AmplificationPlan): boolean {
  const at = amplifiedAt(plan);
  return at !== null && Date.parse(at) <= Date.parse(plan.windowDeadline);
}

function hoursLabel(ms: number): string {
  const h = Math.abs(ms) / HOUR_MS;
  if (h < 1) return `${Math.max(1, Math.round(Math.abs(ms) / 60_000))} min`;
  return `${Math.round(h)} h`;
}

function failedPlatforms(plan: AmplificationPlan): string[] {
  return [...new Set((plan.publication?.actions ?? []).filter((a) => a.status === "failed").map((a) => a.platform as string))].sort();
}

function planFinding(plan: AmplificationPlan, kind: FindingKind, code: FindingCode, reason: string, state = code as string): AuditFinding {
  const id = `${kind}:plan:${plan.id}`;
  return {
    id,
    kind,
    code,
    fingerprint: `${id}|${state}`,
    clientId: plan.clientId,
    planId: plan.id,
    releaseId: plan.releaseId,
    feedId: null,
    title: plan.release.title,
    deadline: plan.windowDeadline,
    timezone: plan.timezone,
    detectedAt: plan.release.detectedAt,
    reason,
    dryRun: plan.publication?.dryRun === true,
  };
}

/**
 * The findings of one plan at `now`: at most one of missed/at-risk, and at most one stale. A plan
 * amplified in time has none; a rejected plan is missed once its window closes (nothing backed the
 * release), never at risk before.
 */
export function classifyPlan(plan: AmplificationPlan, now: Date, settings: AuditSettings): AuditFinding[] {
  const nowMs = now.getTime();
  const deadlineMs = Date.parse(plan.windowDeadline);
  const published = amplifiedAt(plan);
  const decision = plan.decision;
  const rejected = plan.status === "rejected" || decision?.action === "rejected";
  const failed = failedPlatforms(plan);

  const schedule = decision?.action === "approved" ? scheduleOf(plan) : undefined;
  if (deadlineMs <= nowMs) {
    if (published !== null && Date.parse(published) <= deadlineMs) return [];
    // Every action after the deadline was scheduled there by a person, with a reason: late by choice, not missed.
    const late = schedule?.actions.filter((a) => a.cancelled === undefined && Date.parse(a.scheduledFor) >= deadlineMs) ?? [];
    if (published !== null && decision !== undefined && Date.parse(decision.at) <= deadlineMs && late.length > 0 && late.every((a) => a.lateReason !== undefined)) {
      return [planFinding(plan, "late-by-choice", "scheduled-late", `Published after the deadline as scheduled: ${late.map((a) => `${actionLabel(a)} (“${a.lateReason}”)`).join(", ")}.`)];
    }
    if (rejected) {
      const comment = decision?.comment ? `: "${decision.comment}"` : "";
      return [planFinding(plan, "missed", "rejected", `Rejected by ${decision?.by ?? "an approver"}${comment}; nothing was published.`)];
    }
    if (decision === undefined) return [planFinding(plan, "missed", "never-approved", "Nobody approved it before the window closed.")];
    if (Date.parse(decision.at) > deadlineMs) {
      const after = hoursLabel(Date.parse(decision.at) - deadlineMs);
      const tail = published === null ? "and it is not published" : `and published ${hoursLabel(Date.parse(published) - deadlineMs)} after the deadline`;
      return [planFinding(plan, "missed", "approved-late", `Approved ${after} after the deadline, ${tail}.`)];
    }
    if (published !== null) {
      return [planFinding(plan, "missed", "published-late", `Approved in time, but published ${hoursLabel(Date.parse(published) - deadlineMs)} after the deadline.`)];
    }
    if (plan.status === "publish_failed" || failed.length > 0) {
      return [planFinding(plan, "missed", "publish-failed", `Approved in time, but publishing failed${failed.length ? ` (${failed.join(", ")})` : ""}.`, `publish-failed:${failed.join(",")}@${plan.publication?.at ?? ""}`)];
    }
    return [planFinding(plan, "missed", "not-published", "Approved in time, but publishing never completed.")];
  }

  // The window is still open.
  if (published !== null || rejected) return [];
  const findings: AuditFinding[] = [];
  const left = deadlineMs - nowMs;
  const closingSoon = left <= settings.atRiskHours * HOUR_MS;
  if (decision === undefined) {
    if (closingSoon) findings.push(planFinding(plan, "at-risk", "never-approved", `The window closes in ${hoursLabel(left)} and nobody has approved it yet.`));
    const pendingFor = nowMs - Date.parse(plan.createdAt);
    if (pendingFor > settings.staleHours * HOUR_MS) {
      findings.push(planFinding(plan, "stale", "pending", `Waiting for approval for ${hoursLabel(pendingFor)} (${plan.approvers.join(", ")}).`));
    }
    return findings;
  }
  if (schedule !== undefined && plan.status === "approved" && failed.length === 0) return scheduledFindings(plan, schedule, nowMs, left, closingSoon, settings);
  if (!closingSoon) return [];
  if (plan.status === "publish_failed" || failed.length > 0) {
    findings.push(
      planFinding(plan, "at-risk", "publish-failed", `Approved, but publishing failed${failed.length ? ` (${failed.join(", ")})` : ""}; the window closes in ${hoursLabel(left)}.`, `publish-failed:${failed.join(",")}@${plan.publication?.at ?? ""}`),
    );
  } else if (nowMs - Date.parse(decision.at) > settings.publishGraceMinutes * 60_000) {
    findings.push(planFinding(plan, "at-risk", "not-published", `Approved ${hoursLabel(nowMs - Date.parse(decision.at))} ago but not published; the window closes in ${hoursLabel(left)}.`));
  }
  return findings;
}

/**
 * An approved plan whose actions are scheduled: on track while every action still to go is set
 * before the deadline; a finding when one is still unpublished past its time (its trigger did not
 * fire, or publishing stalled), or, close to the deadline, when they wait for a wire.
 */
function scheduledFindings(plan: AmplificationPlan, schedule: PlanSchedule, nowMs: number, left: number, closingSoon: boolean, settings: AuditSettings): AuditFinding[] {
  const done = new Set((plan.publication?.actions ?? []).filter((a) => a.status === "published").map((a) => a.key));
  const toGo = schedule.actions.filter((a) => a.cancelled === undefined && !done.has(a.key));
  const overdue = toGo.filter((a) => a.held === undefined && Date.parse(a.scheduledFor) + settings.publishGraceMinutes * 60_000 < nowMs);
  if (overdue.length > 0) {
    const what = overdue.map((a) => `${actionLabel(a)} (due ${hoursLabel(nowMs - Date.parse(a.scheduledFor))} ago)`).join(", ");
    return [planFinding(plan, "at-risk", "scheduled-overdue", `Scheduled but not published at its time: ${what}; the window closes in ${hoursLabel(left)}.`, `scheduled-overdue:${overdue.map((a) => a.key).join(",")}`)];
  }
  const held = toGo.filter((a) => a.held !== undefined);
  if (held.length > 0 && closingSoon) {
    return [planFinding(plan, "at-risk", "awaiting-wire", `Approved, but its ${held.length} action(s) wait for a wire to carry the release (seen only on the newsroom); the window closes in ${hoursLabel(left)}. Confirm it is public by choosing a time on the plan page.`)];
  }
  return [];
}

/** A release the planning step never finished for, or a plan its planning names that was never stored. */
export function classifyUnplanned(
  release: StoredRelease,
  subject: { code: "never-planned" } | { code: "plan-missing"; planId: string; client: ClientConfig },
  deadline: string,
  timezone: string,
  now: Date,
): AuditFinding {
  const closed = Date.parse(deadline) <= now.getTime();
  const kind: FindingKind = closed ? "missed" : "at-risk";
  const planId = subject.code === "plan-missing" ? subject.planId : null;
  const id = planId === null ? `${kind}:release:${release.id}` : `${kind}:plan:${planId}`;
  const since = hoursLabel(now.getTime() - Date.parse(release.detectedAt));
  const reason =
    subject.code === "never-planned"
      ? `Detected ${since} ago, but no amplification plan was made (the planning step failed)${closed ? "; the window has closed" : ""}.`
      : `Matched ${subject.client.name}, but its plan was never stored (a failing step)${closed ? "; the window has closed" : ""}.`;
  return {
    id,
    kind,
    code: subject.code,
    fingerprint: `${id}|${subject.code}`,
    clientId: subject.code === "plan-missing" ? subject.client.id : release.clientId,
    planId,
    releaseId: release.id,
    feedId: null,
    title: release.title,
    deadline,
    timezone,
    detectedAt: release.detectedAt,
    reason,
    dryRun: false,
  };
}

/** A feed failing for too long, silent for longer than expected, or never polled. Null when healthy. */
export function classifyFeed(feed: FeedConfig, state: FeedState | undefined, now: Date, settings: AuditSettings, timezone = "UTC"): AuditFinding | null {
  const id = `feed-health:feed:${feed.id}`;
  // The episode is part of the state: a feed that recovers and fails (or goes silent) again is a new
  // finding for the digest, not the one announced last time.
  const make = (code: FindingCode, reason: string, episode = ""): AuditFinding => ({
    id,
    kind: "feed-health",
    code,
    fingerprint: `${id}|${code}${episode === "" ? "" : `:${episode}`}`,
    clientId: feed.clientId ?? null,
    planId: null,
    releaseId: null,
    feedId: feed.id,
    title: feed.wire ?? feed.id,
    deadline: null,
    timezone,
    detectedAt: null,
    reason,
    dryRun: false,
  });
  const nowMs = now.getTime();
  if (state === undefined || (state.lastSuccessAt === null && state.consecutiveFailures === 0)) {
    return make("never-polled", "Never polled successfully: check that the poll schedule runs.");
  }
  if (state.consecutiveFailures > 0) {
    const lastOk = state.lastSuccessAt === null ? null : Date.parse(state.lastSuccessAt);
    if (lastOk === null || nowMs - lastOk >= settings.feedFailingMinutes * 60_000) {
      const since = lastOk === null ? "it has never succeeded" : `last success ${hoursLabel(nowMs - lastOk)} ago`;
      return make("failing", `Failing: ${state.consecutiveFailures} failed poll(s) in a row, ${since}. Last error: ${(state.lastError ?? "unknown").slice(0, 300)}`, `since-${state.lastSuccessAt ?? "never"}`);
    }
    return null;
  }
  const sinceIso = state.lastNewItemAt ?? state.baselineAt;
  const silentHours = feed.silentAfterHours ?? settings.feedSilentHours;
  if (sinceIso !== null && nowMs - Date.parse(sinceIso) > silentHours * HOUR_MS) {
    return make("silent", `Silent: no new item for ${hoursLabel(nowMs - Date.parse(sinceIso))} (expected within ${silentHours} h). A wire that stops publishing is an outage.`, `since-${sinceIso}`);
  }
  const warnings = state.warnings ?? [];
  if (warnings.length > 0) {
    // Read, but not as the feed's publisher wrote it: its items count; the publisher should fix it.
    const listed = warnings.slice(0, 3).join("; ") + (warnings.length > 3 ? `; and ${warnings.length - 3} more` : "");
    return make("repaired", `Read with repairs (every complete item counts): ${listed.slice(0, 300)}`, warnings.map((w) => w.replace(/ at line \d+/, "")).join("|"));
  }
  return null;
}

/** The deadlines audited for one client. */
export function clientPeriod(client: ClientConfig, now: Date, settings: AuditSettings): { from: string; to: string } {
  return {
    from: new Date(now.getTime() - settings.lookbackHours * HOUR_MS).toISOString(),
    to: new Date(now.getTime() + Math.max(client.windowHours, settings.atRiskHours) * HOUR_MS).toISOString(),
  };
}

/** Detection times whose releases can have a deadline in the audited period. */
export function releasePeriod(config: PressbridgeConfig, now: Date, settings: AuditSettings): { from: string; to: string } {
  const longest = Math.max(0, ...config.clients.map((c) => c.windowHours));
  return { from: new Date(now.getTime() - (settings.lookbackHours + longest) * HOUR_MS).toISOString(), to: now.toISOString() };
}

export interface AuditInput {
  now: Date;
  config: PressbridgeConfig;
  /** Plans per configured client, read by deadline over clientPeriod (more is harmless: deduped by id). */
  plans: readonly AmplificationPlan[];
  /** Releases detected over releasePeriod. */
  releases: readonly StoredRelease[];
  /** Plans looked up by id because a release's planning names them but the deadline query did not return them. */
  extraPlans?: ReadonlyMap<string, AmplificationPlan | undefined>;
  feedStates: ReadonlyMap<string, FeedState>;
  /** Only this client's findings (the dashboard); feeds bound to other clients are left out too. */
  onlyClientId?: string;
}

/** Plan ids a release's planning names that are not among `plans`: the caller looks these up by id. */
export function plansToLookUp(input: Pick<AuditInput, "plans" | "releases" | "config" | "now">): string[] {
  const known = new Set(input.plans.map((p) => p.id));
  const windows = new Map(input.config.clients.map((c) => [c.id, c.windowHours]));
  const lookbackFrom = input.now.getTime() - input.config.audit.lookbackHours * HOUR_MS;
  const out: string[] = [];
  for (const r of input.releases) {
    if (r.planning === null) continue;
    r.planning.planIds.forEach((planId, i) => {
      const windowHours = windows.get(r.planning!.clientIds[i] ?? "");
      if (windowHours === undefined || known.has(planId)) return;
      // A deadline before the lookback is out of the period: not worth a read.
      if (Date.parse(r.detectedAt) + windowHours * HOUR_MS < lookbackFrom) return;
      out.push(planId);
    });
  }
  return [...new Set(out)];
}

/**
 * Builds the audit report from what was read. Pure. Every plan in the period is classified once;
 * every announced release detected in the period either has its plans among them, or becomes a
 * finding itself (never planned, plan missing), so nothing falls through.
 */
export function buildAuditReport(input: AuditInput): AuditReport {
  const { now, config } = input;
  const settings = config.audit;
  const clients = config.clients.filter((c) => input.onlyClientId === undefined || c.id === input.onlyClientId);
  const clientById = new Map(clients.map((c) => [c.id, c]));
  const byId = new Map<string, AmplificationPlan>();
  for (const p of input.plans) if (clientById.has(p.clientId)) byId.set(p.id, p);
  for (const [id, p] of input.extraPlans ?? []) if (p !== undefined && clientById.has(p.clientId)) byId.set(id, p);

  const nowMs = now.getTime();
  const lookbackFrom = nowMs - settings.lookbackHours * HOUR_MS;
  const findings: AuditFinding[] = [];
  const dryRuns: DryRunNote[] = [];
  const auditedPlans = new Map<string, number>();
  for (const plan of byId.values()) {
    const deadlineMs = Date.parse(plan.windowDeadline);
    if (deadlineMs < lookbackFrom) continue;
    auditedPlans.set(plan.clientId, (auditedPlans.get(plan.clientId) ?? 0) + 1);
    findings.push(...classifyPlan(plan, now, settings));
    const at = amplifiedAt(plan);
    if (plan.publication?.dryRun === true && at !== null && Date.parse(at) <= deadlineMs) {
      dryRuns.push({ planId: plan.id, clientId: plan.clientId, title: plan.release.title, publishedAt: at });
    }
  }

  const shortest = clients.length === 0 ? null : clients.reduce((a, b) => (b.windowHours < a.windowHours ? b : a));
  for (const release of input.releases) {
    if (release.announce === "baseline") continue;
    const detectedMs = Date.parse(release.detectedAt);
    if (release.planning === null) {
      if (nowMs - detectedMs <= settings.planningGraceMinutes * 60_000) continue;
      // Unknown client: the earliest any client's window could close, so nothing is reported late.
      const client = release.clientId === null ? shortest : (clientById.get(release.clientId) ?? null);
      if (client === null) continue;
      if (input.onlyClientId !== undefined && release.clientId !== input.onlyClientId) continue;
      const deadline = new Date(detectedMs + client.windowHours * HOUR_MS).toISOString();
      if (Date.parse(deadline) < lookbackFrom) continue;
      findings.push(classifyUnplanned(release, { code: "never-planned" }, deadline, release.clientId === null ? "UTC" : client.timezone, now));
      continue;
    }
    release.planning.planIds.forEach((planId, i) => {
      const client = clientById.get(release.planning!.clientIds[i] ?? "");
      if (client === undefined || byId.has(planId)) return;
      if (input.extraPlans !== undefined && !input.extraPlans.has(planId)) return; // not looked up: unknown
      const deadline = new Date(detectedMs + client.windowHours * HOUR_MS).toISOString();
      if (Date.parse(deadline) < lookbackFrom) return;
      findings.push(classifyUnplanned(release, { code: "plan-missing", planId, client }, deadline, client.timezone, now));
    });
  }

  for (const feed of config.feeds) {
    if (!feed.enabled) continue;
    if (input.onlyClientId !== undefined && feed.clientId !== undefined && feed.clientId !== input.onlyClientId) continue;
    const tz = feed.clientId === undefined ? "UTC" : (config.clients.find((c) => c.id === feed.clientId)?.timezone ?? "UTC");
    const finding = classifyFeed(feed, input.feedStates.get(feed.id), now, settings, tz);
    if (finding !== null) findings.push(finding);
  }

  findings.sort(compareFindings);
  const longest = Math.max(settings.atRiskHours, ...clients.map((c) => c.windowHours));
  const at = now.toISOString();
  return {
    id: `audit:${at}`,
    at,
    period: { from: new Date(lookbackFrom).toISOString(), to: new Date(nowMs + longest * HOUR_MS).toISOString() },
    settings,
    findings,
    counts: countFindings(findings),
    clients: clients.map((c) => ({ clientId: c.id, plansAudited: auditedPlans.get(c.id) ?? 0, ...countFindings(findings.filter((f) => f.clientId === c.id)) })),
    dryRuns,
    reads: { plans: byId.size, releases: input.releases.length, feeds: input.feedStates.size },
    truncated: 0,
  };
}

const KIND_ORDER: Record<FindingKind, number> = { missed: 0, "at-risk": 1, stale: 2, "feed-health": 3, "late-by-choice": 4 };

/** Missed first, then at risk, stale, feed health; within a kind, soonest deadline first. */
export function compareFindings(a: AuditFinding, b: AuditFinding): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    (a.deadline ?? "").localeCompare(b.deadline ?? "") ||
    a.id.localeCompare(b.id)
  );
}

export function countFindings(findings: readonly AuditFinding[]): FindingCounts {
  const counts: FindingCounts = { missed: 0, atRisk: 0, stale: 0, feedHealth: 0 };
  for (const f of findings) {
    if (f.kind === "missed") counts.missed++;
    else if (f.kind === "at-risk") counts.atRisk++;
    else if (f.kind === "stale") counts.stale++;
    else if (f.kind === "feed-health") counts.feedHealth++;
  }
  return counts;
}

/**
 * Missed windows that closed since the previous audit (the MissedWindows metric): each miss is
 * counted by exactly one run, even when a run failed or the schedule drifted. Without a previous
 * report (or one from the future, after an audit `--now` in the past), the last hour.
 */
export function newlyMissedSince(report: Pick<AuditReport, "at" | "findings">, previousAt: string | undefined): number {
  const atMs = Date.parse(report.at);
  const previousMs = previousAt === undefined ? Number.NaN : Date.parse(previousAt);
  const sinceMs = Number.isFinite(previousMs) && previousMs < atMs ? previousMs : atMs - HOUR_MS;
  return report.findings.filter((f) => f.kind === "missed" && f.deadline !== null && Date.parse(f.deadline) > sinceMs && Date.parse(f.deadline) <= atMs).length;
}
