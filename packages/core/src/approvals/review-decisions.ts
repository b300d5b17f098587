import { createHash } from "node:crypto";
import { makeEvent, type BusEvent } from "../events/catalog.ts";
import type { Logger } from "../logger.ts";
import { publishRecorded } from "../delivery/outbox.ts";
import type { ApprovalStore, Clock, EventBus, EventOutbox, PlanStore } from "../ports.ts";
import type { AmplificationPlan, Channel, PlanAuditEntry, PlanDecision } from "../plans/plan.ts";
import type { PressbridgeConfig } from "../config/config-schema.ts";
import {
  csrfTokenFor,
  describeTokenProblem,
  verifyApprovalToken,
  verifyCsrfToken,
  type ApprovalTokenClaims,
  type SigningKeys,
} from "./approval-token.ts";
import { editedDraft } from "./edited-draft.ts";
import { ValidationError } from "../errors.ts";
import type { DisclosureSettings } from "../scheduling/disclosure.ts";
import { proposeSchedule, wireTimeOf, type ScheduledAction, type ScheduleRequest } from "../scheduling/plan-schedule.ts";

export interface ReviewDeps {
  plans: PlanStore;
  approvals: ApprovalStore;
  outbox: EventOutbox;
  bus: EventBus;
  clock: Clock;
  keys: SigningKeys;
  /**
   * The client's approvers now, from the config the app runs with, not the list frozen on the plan
   * when it was made: a person removed from the client can no longer decide or edit, even with a
   * valid link. An unknown client has none.
   */
  currentApprovers(clientId: string): readonly string[] | Promise<readonly string[]>;
  logger?: Logger;
  /** The client's disclosure settings now (the schedule's guard). */
  disclosureOf?: (clientId: string) => Promise<DisclosureSettings | undefined>;
  /** When a wire carried the plan's release, or null while it is seen only on the client's newsroom. Default: what the plan knows. */
  wireAt?: (plan: AmplificationPlan) => Promise<string | null>;
}

/** `currentApprovers` from a parsed config (the web app's and the approval Lambda's). */
export function approversFromConfig(config: Pick<PressbridgeConfig, "clients">): (clientId: string) => readonly string[] {
  return (clientId) => config.clients.find((c) => c.id === clientId)?.approvers ?? [];
}

/** What a review page shows. Computing it never writes anything: a GET is safe for link scanners. */
export type ReviewView =
  | { kind: "invalid"; message: string }
  | { kind: "not-approver"; message: string }
  | {
      kind: "review";
      plan: AmplificationPlan;
      approver: string;
      csrf: string;
      linkId: string;
      audit: PlanAuditEntry[];
      /** When each action would go out if approved now (the times approving accepts). */
      schedule: ScheduledAction[];
    };

type LinkProblem = { problem: "invalid" | "not-approver"; message: string };

async function planFor(deps: ReviewDeps, token: string): Promise<{ claims: ApprovalTokenClaims; plan: AmplificationPlan } | LinkProblem> {
  const check = verifyApprovalToken(deps.keys, token, deps.clock.now());
  if (!check.ok) return { problem: "invalid", message: describeTokenProblem(check.reason) };
  const plan = await deps.plans.getPlan(check.claims.p);
  if (plan === undefined) return { problem: "invalid", message: "This approval link points at a plan that does not exist (any more)." };
  if (!plan.approvers.includes(check.claims.a)) return { problem: "invalid", message: "This approval link's approver is no longer an approver of this client." };
  const approver = check.claims.a.toLowerCase();
  const stillApprover = (await deps.currentApprovers(plan.clientId)).some((a) => a.toLowerCase() === approver);
  if (!stillApprover) {
    return {
      problem: "not-approver",
      message: `This link is for ${check.claims.a}, and you are no longer an approver for ${plan.clientName}: it can no longer approve, reject or edit this plan, and nothing was recorded. If that is a mistake, ask whoever runs Pressbridge for ${plan.clientName} to add you back.`,
    };
  }
  return { claims: check.claims, plan };
}

/** Loads the review page of a link. */
export async function openReview(deps: ReviewDeps, token: string): Promise<ReviewView> {
  const found = await planFor(deps, token);
  if ("problem" in found) return { kind: found.problem, message: found.message };
  return {
    kind: "review",
    plan: found.plan,
    approver: found.claims.a,
    csrf: csrfTokenFor(deps.keys, found.claims),
    linkId: found.claims.n,
    audit: await deps.approvals.auditTrail(found.plan.id),
    schedule: await proposedSchedule(deps, found.plan),
  };
}

/** The schedule approving would accept now (suggested times, or the person's choices). */
export async function proposedSchedule(deps: Pick<ReviewDeps, "clock" | "disclosureOf" | "wireAt">, plan: AmplificationPlan, requests?: Readonly<Record<string, ScheduleRequest>>): Promise<ScheduledAction[]> {
  const [disclosure, wireAt] = await Promise.all([deps.disclosureOf?.(plan.clientId), deps.wireAt === undefined ? wireTimeOf(plan) : deps.wireAt(plan)]);
  return proposeSchedule(plan, { disclosure, wireAt, now: deps.clock.now(), ...(requests === undefined ? {} : { requests }) });
}

export type ActionResult =
  | { status: "invalid"; message: string }
  | { status: "not-approver"; message: string }
  | { status: "forbidden"; message: string }
  | { status: "already-decided"; decision: PlanDecision }
  | { status: "stale"; message: string }
  | { status: "invalid-draft"; channel: Channel; reason: string }
  | { status: "invalid-schedule"; key: string; reason: string }
  | { status: "decided"; decision: PlanDecision }
  | { status: "edited"; channel: Channel; version: number };

async function authorise(deps: ReviewDeps, token: string, csrf: unknown): Promise<{ claims: ApprovalTokenClaims; plan: AmplificationPlan } | ActionResult> {
  const found = await planFor(deps, token);
  if ("problem" in found) return { status: found.problem, message: found.message };
  if (!verifyCsrfToken(deps.keys, found.claims, csrf)) {
    return { status: "forbidden", message: "This form has expired or did not come from the review page. Open the link again." };
  }
  if (found.plan.decision !== undefined) return { status: "already-decided", decision: found.plan.decision };
  return found;
}

function decisionEventId(planId: string): string {
  return `amplification-decided:${planId}`;
}

/**
 * Approves or rejects a plan, once. The decision is final and single-use: a conditional write moves
 * the plan from pending_approval and fails for a second approver or a double click, who then see who
 * decided and when. The decision applies to the draft versions the approver was shown; if a draft
 * changed since, nothing is decided and the page asks for a fresh look. The audit entry and the
 * Amplification Approved/Rejected event are written in the same transaction (the event via the
 * outbox), then the event is published; if publishing fails, the outbox flush publishes it later.
 * The approver must still be one of the client's current approvers (`currentApprovers`): a person
 * removed from the client since the email was sent is refused, and nothing is written.
 */
export async function decidePlan(
  deps: ReviewDeps,
  input: {
    token: string;
    csrf: unknown;
    /** "decline" is final; "reject" is kept as an alias of "decline" (the plan's status stays "rejected"). */
    action: "approve" | "decline" | "reject";
    shownVersions: Record<string, number>;
    comment?: string | null;
    /** The approver's choices per action key (absent: the suggested times, as the page showed them). */
    schedule?: Readonly<Record<string, ScheduleRequest>>;
  },
): Promise<ActionResult> {
  const auth = await authorise(deps, input.token, input.csrf);
  if ("status" in auth) return auth;
  const { claims, plan } = auth;
  const shown = plan.drafts.map((d, index) => ({ index, version: input.shownVersions[d.channel] ?? 0, current: d.version }));
  if (shown.some((s) => s.version !== s.current)) {
    return { status: "stale", message: "A draft changed since this page was loaded. Review the current drafts and decide again." };
  }
  const now = deps.clock.now().toISOString();
  const comment = typeof input.comment === "string" && input.comment.trim() !== "" ? input.comment.trim().slice(0, 2000) : null;
  const draftVersions = Object.fromEntries(plan.drafts.map((d) => [d.channel, d.version]));
  let schedule: ScheduledAction[] | undefined;
  if (input.action === "approve") {
    try {
      schedule = await proposedSchedule(deps, plan, input.schedule);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return { status: "invalid-schedule", key: err.field.replace(/^schedule\./, ""), reason: err.message };
    }
  }
  const decision: PlanDecision = {
    action: input.action === "approve" ? "approved" : "rejected",
    by: claims.a,
    at: now,
    linkId: claims.n,
    draftVersions,
    comment,
    ...(schedule === undefined ? {} : { schedule }),
  };
  const event: BusEvent = makeEvent(
    input.action === "approve" ? "AmplificationApproved" : "AmplificationRejected",
    decisionEventId(plan.id),
    { version: 1, planId: plan.id, releaseId: plan.releaseId, clientId: plan.clientId, decidedBy: claims.a, decidedAt: now, draftVersions, linkId: claims.n, comment },
    now,
  );
  const audit: PlanAuditEntry = { planId: plan.id, at: now, by: claims.a, action: decision.action, linkId: claims.n, channel: null, draftVersions, comment };
  const result = await deps.approvals.decide(plan.id, decision, shown.map(({ index, version }) => ({ index, version })), audit, event);
  if (result === "conflict") {
    const latest = await deps.plans.getPlan(plan.id);
    if (latest?.decision !== undefined) return { status: "already-decided", decision: latest.decision };
    return { status: "stale", message: "A draft changed since this page was loaded. Review the current drafts and decide again." };
  }
  await publishRecorded(deps, [event], { planId: plan.id });
  return { status: "decided", decision };
}

/** Saves an approver's edit of one draft as a new version, validated with the channel's own rules. */
export async function editPlanDraft(
  deps: ReviewDeps,
  input: { token: string; csrf: unknown; channel: string; text: string; expectedVersion: number },
): Promise<ActionResult> {
  const auth = await authorise(deps, input.token, input.csrf);
  if ("status" in auth) return auth;
  const { claims, plan } = auth;
  const index = plan.drafts.findIndex((d) => d.channel === input.channel);
  const previous = plan.drafts[index];
  if (previous === undefined) return { status: "invalid", message: `This plan has no ${String(input.channel).slice(0, 40)} draft.` };
  if (previous.version !== input.expectedVersion) {
    return { status: "stale", message: `The ${previous.channel} draft was changed by someone else since this page was loaded.` };
  }
  if (typeof input.text !== "string" || input.text.length > 70_000) return { status: "invalid-draft", channel: previous.channel, reason: "the text is missing or far too long" };
  const edited = editedDraft(previous, input.text);
  if (!edited.ok) return { status: "invalid-draft", channel: previous.channel, reason: edited.reason };
  const now = deps.clock.now().toISOString();
  const draftVersions = Object.fromEntries(plan.drafts.map((d, i) => [d.channel, i === index ? edited.draft.version : d.version]));
  const audit: PlanAuditEntry = { planId: plan.id, at: now, by: claims.a, action: "edited", linkId: claims.n, channel: previous.channel, draftVersions, comment: null };
  const saved = await deps.approvals.saveDraftVersion(plan.id, index, edited.draft, previous.version, audit);
  if (saved === "conflict") {
    const latest = await deps.plans.getPlan(plan.id);
    if (latest?.decision !== undefined) return { status: "already-decided", decision: latest.decision };
    return { status: "stale", message: `The ${previous.channel} draft was changed by someone else since this page was loaded.` };
  }
  return { status: "edited", channel: previous.channel, version: edited.draft.version };
}

/** The deterministic id of the link an approver gets for a plan, so the email and the CLI agree. */
export function linkIdFor(planId: string, approver: string, keyId: string): string {
  return createHash("sha256").update(`${planId}\u0000${approver.toLowerCase()}\u0000${keyId}`).digest("base64url").slice(0, 12);
}
