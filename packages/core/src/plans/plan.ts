/**
 * The plan record. Its parts (channels, releases, drafts, media contacts) are plan-parts.ts, which
 * drafts and briefs build on; this file adds the plan itself, with its typed briefs.
 */
export * from "./plan-parts.ts";
import type { AdBrief } from "./briefs/compose-ad-briefs.ts";
import type { AdPlatform, Channel, PostDraft } from "./plan-parts.ts";
import type { PlanSchedule, ScheduledAction } from "../scheduling/schedule-types.ts";

/** Where a plan stands. Later steps (approval, publishing) move it on with conditional writes. */
export type PlanStatus = "pending_approval" | "approved" | "rejected" | "published" | "publish_failed";

/** A draft as stored on a plan: versioned, because approvers may edit it. */
export interface PlanDraft extends PostDraft {
  version: number;
}

/** Everything a social manager needs to approve amplification of one release for one client. */
export interface AmplificationPlan<Brief = AdBrief> {
  id: string;
  releaseId: string;
  clientId: string;
  clientName: string;
  status: PlanStatus;
  createdAt: string;
  /** detectedAt + windowHours: the deadline for amplification, stored for approval and the audit. */
  windowDeadline: string;
  windowHours: number;
  timezone: string;
  owner: string;
  approvers: string[];
  /** Why the plan exists; a manual one names who asked for it (replan-release.ts). */
  match: { reason: "bound-feed" | "keyword" | "manual"; matched: Array<{ keyword: string; field: string }>; requestedBy?: string };
  release: {
    title: string;
    url: string | null;
    wire: string;
    issuer: string | null;
    tickers: string[];
    language: string | null;
    detectedAt: string;
    publishedAt: string | null;
  };
  campaign: string;
  drafts: PlanDraft[];
  /**
   * Follow-up posts (X and LinkedIn): their own drafts, a different angle (the quote, or the key
   * fact), suggested for 09:30 the next business morning. Absent on plans made before them.
   */
  followUps?: PlanDraft[];
  skipped: Array<{ channel: Channel; reason: string }>;
  briefs: Brief[];
  /** Set once, by the single approve/reject decision (a conditional write). */
  decision?: PlanDecision;
  /** Set by publishing after approval (publishing/publish-plan.ts); rewritten on each publishing run. */
  publication?: PlanPublication;
  /** The schedule after a reschedule or cancel (scheduling/plan-schedule.ts); before any, the decision's. */
  schedule?: PlanSchedule;
  /** Whether "Amplification Planned" was accepted by the bus (see plan-amplification.ts). */
  announce: "pending" | "announced";
  announceLeaseUntil: string | null;
}

export interface PlanDecision {
  action: "approved" | "rejected";
  by: string;
  at: string;
  /** The random id of the link the decision came from. */
  linkId: string;
  draftVersions: Record<string, number>;
  comment: string | null;
  /** The times the approver accepted (shown on the review page); absent on plans approved before scheduling. */
  schedule?: ScheduledAction[];
}

/** What publishing did for one action (an organic post or a paused ad) of an approved plan. */
export interface PublishedAction {
  /** Deterministic action key: `<planId>:post:<channel>:v<version>` or `<planId>:ad:<platform>`. */
  key: string;
  kind: "organic-post" | "paused-ad";
  /** The channel (organic posts) or ad platform (ads). */
  platform: Channel | AdPlatform;
  status: "published" | "failed";
  /** True when no credentials were configured and the dry-run publisher recorded the requests instead. */
  dryRun: boolean;
  /** Platform ids (post id, campaign id, ...) when published. */
  platformIds: Record<string, string>;
  url: string | null;
  /** Plain-words reason when failed. */
  reason: string | null;
  /** Whether a later attempt may succeed (throttling, 5xx, timeouts); validation and auth errors are not. */
  retryable: boolean;
  /** How many times the action was attempted (claimed). */
  attempts?: number;
  /** A temporary failure the platform asked to wait on (Retry-After): not retried before this time. */
  retryNotBefore?: string;
  at: string;
}

/**
 * The outcome of publishing an approved plan. The plan's status is "published" when every action is
 * published (dry runs included, flagged by `dryRun`), else "publish_failed".
 */
export interface PlanPublication {
  /** When the latest publishing run finished. */
  at: string;
  /** When every action was first published: the amplification time the audit measures. Null until then. */
  publishedAt: string | null;
  /** True when any action was a dry run (no credentials): a person still has to post it. */
  dryRun: boolean;
  actions: PublishedAction[];
}

/** One entry of a plan's audit trail: who did what, to which version, when, from which link. */
export interface PlanAuditEntry {
  planId: string;
  at: string;
  by: string;
  action: "approved" | "rejected" | "edited";
  linkId: string;
  channel: Channel | null;
  draftVersions: Record<string, number>;
  comment: string | null;
}
