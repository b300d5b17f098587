import { MailError, TransientError, ValidationError } from "../errors.ts";
import type { AmplificationPlannedDetail } from "../events/catalog.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { ApprovalStore, Clock, Mailer, PlanStore } from "../ports.ts";
import type { AdBrief } from "../plans/briefs/index.ts";
import type { AmplificationPlan } from "../plans/plan.ts";
import type { PressbridgeConfig } from "../config/config-schema.ts";
import { renderApprovalEmail } from "./approval-email.ts";
import { signApprovalToken, type SigningKeys } from "./approval-token.ts";
import { linkIdFor } from "./review-decisions.ts";
import { retryStateWrite } from "../retry-state-write.ts";

export interface NotifyDeps {
  plans: PlanStore;
  approvals: ApprovalStore;
  mailer: Mailer;
  clock: Clock;
  keys: SigningKeys;
  /** Where the approval web app is reachable, e.g. https://approve.example.com (no trailing slash). */
  baseUrl: string;
  from: string;
  logger?: Logger;
  /** Waits between retries of the email record's writes (default STATE_WRITE_RETRY_MS); tests shorten them. */
  stateWriteRetryMs?: readonly number[];
}

/** How long a claimed email may stay "sending" before another delivery may send it. */
export const EMAIL_LEASE_SECONDS = 300;

/** The review link of one approver for one plan; it expires with the plan's window. */
export function reviewLinkFor(deps: Pick<NotifyDeps, "keys" | "baseUrl">, plan: Pick<AmplificationPlan, "id" | "windowDeadline">, approver: string): string {
  const token = signApprovalToken(deps.keys, {
    planId: plan.id,
    approver,
    expiresAt: new Date(plan.windowDeadline),
    linkId: linkIdFor(plan.id, approver, deps.keys.current.id),
  });
  return `${deps.baseUrl.replace(/\/+$/, "")}/review/${token}`;
}

export interface NotifyOutcome {
  planId: string;
  sent: string[];
  skipped: Array<{ approver: string; why: "already-sent" | "in-progress" | "failed-permanently" | "not-pending" }>;
  failed: Array<{ approver: string; error: string; retryable: boolean }>;
}

/**
 * Emails each approver of a plan their signed review link (or a reminder). One email per approver
 * and kind, whatever the number of deliveries: each send is claimed with a conditional write first,
 * marked sent after, and released on failure so a retry can send it. A failing mail server degrades
 * that approver's email, never the others'; a retryable failure makes the whole delivery fail
 * afterwards so the platform retries it (already-sent approvers are skipped then).
 *
 * The delivery also fails (to be retried) while another delivery holds an approver's claim, so the
 * event is only done once every approver's email was sent or failed for good. The record writes
 * around a send are retried for a while (retryStateWrite) when the store fails: a claim whose answer
 * was lost is recognised as this delivery's own (same claim time), and a sent email is recorded
 * rather than released, so a store that restarts mid-send causes neither a lost nor a second email.
 * Only when recording "sent" fails for longer than that does the claim lapse (EMAIL_LEASE_SECONDS)
 * and a later delivery send the email again: at least once.
 */
export async function notifyApprovers(
  deps: NotifyDeps,
  input: { planId: string; kind: "approval" | "reminder" },
): Promise<NotifyOutcome> {
  const logger = deps.logger ?? silentLogger;
  const persist = <T>(write: (attempt: number) => Promise<T>): Promise<T> =>
    retryStateWrite(write, deps.stateWriteRetryMs === undefined ? {} : { delaysMs: deps.stateWriteRetryMs });
  const outcome: NotifyOutcome = { planId: input.planId, sent: [], skipped: [], failed: [] };
  const plan = (await deps.plans.getPlan(input.planId)) as AmplificationPlan<AdBrief> | undefined;
  if (plan === undefined) throw new TransientError(`plan ${input.planId} is not readable yet; retry`);
  if (plan.status !== "pending_approval") {
    for (const approver of plan.approvers) outcome.skipped.push({ approver, why: "not-pending" });
    return outcome;
  }
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const leaseUntil = new Date(now.getTime() + EMAIL_LEASE_SECONDS * 1000).toISOString();
  for (const approver of plan.approvers) {
    const claim = await persist(async (attempt) => {
      const c = await deps.approvals.claimEmail(plan.id, approver, input.kind, nowIso, leaseUntil);
      // After a failed attempt, a claim "in progress" since exactly our claim time is our own write.
      if (c === "in-progress" && attempt > 0 && (await isOwnClaim(deps, plan.id, approver, input.kind, nowIso))) return "claimed";
      return c;
    });
    if (claim !== "claimed") {
      outcome.skipped.push({ approver, why: claim === "sent" ? "already-sent" : claim === "failed" ? "failed-permanently" : "in-progress" });
      continue;
    }
    let messageId: string;
    try {
      const message = renderApprovalEmail({
        plan,
        approver,
        reviewLink: reviewLinkFor(deps, plan, approver),
        kind: input.kind,
        from: deps.from,
        now: nowIso,
      });
      messageId = (await deps.mailer.send(message)).messageId;
    } catch (err) {
      // A message that cannot be built (bad address, bad link) fails the same way every time.
      const retryable = err instanceof MailError ? err.retryable : !(err instanceof ValidationError);
      const error = err instanceof Error ? err.message : String(err);
      try {
        await persist(() => deps.approvals.releaseEmail(plan.id, approver, input.kind, error, !retryable));
      } catch (releaseErr) {
        logger.error("could not release an approval email claim; it lapses after its lease", { planId: plan.id, error: String(releaseErr) });
      }
      outcome.failed.push({ approver, error, retryable });
      logger.error("approval email failed", { planId: plan.id, kind: input.kind, retryable, error });
      continue;
    }
    try {
      await persist(() => deps.approvals.markEmailSent(plan.id, approver, input.kind, messageId, deps.clock.now().toISOString()));
      outcome.sent.push(approver);
    } catch (err) {
      const error = `sent, but recording it failed: ${err instanceof Error ? err.message : String(err)}`;
      outcome.failed.push({ approver, error, retryable: true });
      logger.error("approval email sent but not recorded; it may be sent again once its claim lapses", { planId: plan.id, kind: input.kind, error });
    }
  }
  const busy = outcome.skipped.filter((s) => s.why === "in-progress").length;
  if (outcome.failed.some((f) => f.retryable) || busy > 0) {
    const reasons = [
      ...(outcome.failed.length > 0 ? [`${outcome.failed.length} approval email(s) of plan ${plan.id} failed: ${outcome.failed.map((f) => f.error).join("; ")}`] : []),
      ...(busy > 0 ? [`${busy} approval email(s) of plan ${plan.id} are being sent by another delivery`] : []),
    ];
    throw new TransientError(`${reasons.join("; ")}; retry`);
  }
  return outcome;
}

/** Whether the approver's claim record is still "sending" from exactly this claim time (our own write). */
async function isOwnClaim(deps: NotifyDeps, planId: string, approver: string, kind: string, claimedAt: string): Promise<boolean> {
  const records = await deps.approvals.emailRecords(planId);
  return records.some((r) => r.kind === kind && r.approver.toLowerCase() === approver.toLowerCase() && r.status === "sending" && r.at === claimedAt);
}

/** Sends Amplification Planned's emails (the notify-approvers consumer). */
export function notifyOnPlanned(deps: NotifyDeps, detail: AmplificationPlannedDetail): Promise<NotifyOutcome> {
  return notifyApprovers(deps, { planId: detail.planId, kind: "approval" });
}

/**
 * Reminds approvers of plans still pending when half their window is gone. Reads, per client, the
 * plans whose deadline falls between now and now + windowHours/2 (the time-ordered index; no scan);
 * each reminder is sent once per approver.
 */
export async function sendReminders(deps: NotifyDeps, config: PressbridgeConfig): Promise<NotifyOutcome[]> {
  const now = deps.clock.now();
  const outcomes: NotifyOutcome[] = [];
  for (const client of config.clients) {
    const until = new Date(now.getTime() + (client.windowHours / 2) * 3600_000).toISOString();
    const due = await deps.plans.listPlans({ clientId: client.id, from: now.toISOString(), to: until, limit: 500 });
    for (const plan of due) {
      if (plan.status !== "pending_approval") continue;
      try {
        outcomes.push(await notifyApprovers(deps, { planId: plan.id, kind: "reminder" }));
      } catch (err) {
        (deps.logger ?? silentLogger).warn("reminder failed; the next sweep retries", { planId: plan.id, error: String(err) });
      }
    }
  }
  return outcomes;
}
