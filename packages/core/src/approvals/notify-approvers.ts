import { TransientError } from "../errors.ts";
import type { AmplificationPlannedDetail } from "../events/catalog.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { Clock, EmailLedger, Mailer, PlanStore } from "../ports.ts";
import { sendOnce } from "../delivery/send-once.ts";
import type { AmplificationPlan } from "../plans/plan.ts";
import type { PressbridgeConfig } from "../config/config-schema.ts";
import { renderApprovalEmail } from "./approval-email.ts";
import { signApprovalToken, type SigningKeys } from "./approval-token.ts";
import { linkIdFor } from "./review-decisions.ts";

export interface NotifyDeps {
  plans: PlanStore;
  /** Which emails were sent: every send goes through sendOnce (delivery/send-once.ts). */
  emails: EmailLedger;
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
 * Emails each approver of a plan their signed review link (or a reminder), each through sendOnce:
 * one email per approver and kind, whatever the number of deliveries. A failing mail server
 * degrades that approver's email, never the others'; a retryable failure makes the whole delivery
 * fail afterwards so the platform retries it (already-sent approvers are skipped then), and so does
 * another delivery still holding an approver's claim: the event is done only once every approver's
 * email was sent or failed for good.
 */
export async function notifyApprovers(
  deps: NotifyDeps,
  input: { planId: string; kind: "approval" | "reminder" },
): Promise<NotifyOutcome> {
  const logger = deps.logger ?? silentLogger;
  const outcome: NotifyOutcome = { planId: input.planId, sent: [], skipped: [], failed: [] };
  const plan = await deps.plans.getPlan(input.planId);
  if (plan === undefined) throw new TransientError(`plan ${input.planId} is not readable yet; retry`);
  if (plan.status !== "pending_approval") {
    for (const approver of plan.approvers) outcome.skipped.push({ approver, why: "not-pending" });
    return outcome;
  }
  const nowIso = deps.clock.now().toISOString();
  for (const approver of plan.approvers) {
    const sent = await sendOnce(deps, { scope: `plan:${plan.id}`, kind: input.kind, recipient: approver }, () =>
      renderApprovalEmail({ plan, approver, reviewLink: reviewLinkFor(deps, plan, approver), kind: input.kind, from: deps.from, now: nowIso }),
    );
    if (sent.status === "sent") outcome.sent.push(approver);
    else if (sent.status === "skipped") outcome.skipped.push({ approver, why: sent.why });
    else {
      outcome.failed.push({ approver, error: sent.error, retryable: sent.retryable });
      logger.error("approval email failed", { planId: plan.id, kind: input.kind, retryable: sent.retryable, error: sent.error });
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
    const due = await deps.plans.listClientPlansByDeadline({ clientId: client.id, from: now.toISOString(), to: until, limit: 500 });
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
