import { z } from "zod";
import { formatPath } from "../config/config-schema.ts";
import { ValidationError } from "../errors.ts";

/**
 * The event catalog: every event Pressbridge puts on its bus, each a versioned detail-type and a zod
 * schema for its detail. Producers build details with these schemas and consumers parse the
 * EventBridge `detail` with the same schema, so both ends agree by construction.
 */
export const EVENT_SOURCE = "pressbridge";

const isoTime = z.iso.datetime({ offset: true });

export const ReleaseDetectedDetail = z.object({
  version: z.literal(1),
  releaseId: z.string().min(1),
  title: z.string(),
  url: z.string().nullable(),
  wire: z.string(),
  issuer: z.string().nullable(),
  tickers: z.array(z.string()),
  language: z.string().nullable(),
  publishedAt: isoTime.nullable(),
  detectedAt: isoTime,
  feedId: z.string(),
  clientId: z.string().nullable(),
});
export type ReleaseDetectedDetail = z.infer<typeof ReleaseDetectedDetail>;

export const AmplificationPlannedDetail = z.object({
  version: z.literal(1),
  planId: z.string().min(1),
  releaseId: z.string().min(1),
  clientId: z.string().min(1),
  title: z.string(),
  windowDeadline: isoTime,
  channels: z.array(z.string()),
  skippedChannels: z.array(z.string()),
  adPlatforms: z.array(z.string()),
  approvers: z.array(z.string()),
  createdAt: isoTime,
});
export type AmplificationPlannedDetail = z.infer<typeof AmplificationPlannedDetail>;

const DecisionDetail = z.object({
  version: z.literal(1),
  planId: z.string().min(1),
  releaseId: z.string().min(1),
  clientId: z.string().min(1),
  decidedBy: z.string(),
  decidedAt: isoTime,
  /** Draft versions the decision applies to, by channel. */
  draftVersions: z.record(z.string(), z.number().int().positive()),
  linkId: z.string(),
  comment: z.string().max(2000).nullable(),
});

export const AmplificationApprovedDetail = DecisionDetail;
export type AmplificationApprovedDetail = z.infer<typeof AmplificationApprovedDetail>;
export const AmplificationRejectedDetail = DecisionDetail;
export type AmplificationRejectedDetail = z.infer<typeof AmplificationRejectedDetail>;

export const AmplificationPublishedDetail = z.object({
  version: z.literal(1),
  planId: z.string().min(1),
  releaseId: z.string().min(1),
  clientId: z.string().min(1),
  /** "published": every action published (dry runs included); "partial": some failed; "failed": none published. */
  outcome: z.enum(["published", "partial", "failed"]),
  /** When every action was first published; null until then. */
  publishedAt: isoTime.nullable(),
  finishedAt: isoTime,
  actions: z.array(
    z.object({
      key: z.string().min(1),
      kind: z.enum(["organic-post", "paused-ad"]),
      platform: z.string(),
      status: z.enum(["published", "failed"]),
      dryRun: z.boolean(),
      platformIds: z.record(z.string(), z.string()),
      url: z.string().nullable(),
      reason: z.string().nullable(),
      retryable: z.boolean(),
    }),
  ),
});
export type AmplificationPublishedDetail = z.infer<typeof AmplificationPublishedDetail>;

/** An operator asked to retry a plan's failed publishing actions (after fixing credentials, say). */
export const PublicationRetryRequestedDetail = z.object({
  version: z.literal(1),
  planId: z.string().min(1),
  requestedAt: isoTime,
  requestedBy: z.string().max(200),
  /** true: also retry failures that need a person (an operator fixed the cause); false: resume unfinished actions only. */
  retryFailed: z.boolean(),
});
export type PublicationRetryRequestedDetail = z.infer<typeof PublicationRetryRequestedDetail>;
const findingCounts = z.object({
  missed: z.number().int().nonnegative(),
  atRisk: z.number().int().nonnegative(),
  stale: z.number().int().nonnegative(),
  feedHealth: z.number().int().nonnegative(),
});

/** The hourly audit ran (audit/run-audit.ts): its counts per kind and client, and what the digests did. */
export const AuditCompletedDetail = z.object({
  version: z.literal(1),
  auditId: z.string().min(1),
  at: isoTime,
  /** Window deadlines the audit looked at. */
  period: z.object({ from: isoTime, to: isoTime }),
  counts: findingCounts,
  clients: z.array(findingCounts.extend({ clientId: z.string().min(1) })),
  digests: z.object({
    /** Digest emails sent (one per client with something new). */
    sent: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    /** Findings announced for the first time (or again, because they changed). */
    findingsAnnounced: z.number().int().nonnegative(),
  }),
});
export type AuditCompletedDetail = z.infer<typeof AuditCompletedDetail>;

export const EVENTS = {
  ReleaseDetected: { detailType: "Release Detected", schema: ReleaseDetectedDetail },
  AmplificationPlanned: { detailType: "Amplification Planned", schema: AmplificationPlannedDetail },
  AmplificationApproved: { detailType: "Amplification Approved", schema: AmplificationApprovedDetail },
  AmplificationRejected: { detailType: "Amplification Rejected", schema: AmplificationRejectedDetail },
  AmplificationPublished: { detailType: "Amplification Published", schema: AmplificationPublishedDetail },
  PublicationRetryRequested: { detailType: "Publication Retry Requested", schema: PublicationRetryRequestedDetail },
  AuditCompleted: { detailType: "Audit Completed", schema: AuditCompletedDetail },
} as const;

export type EventName = keyof typeof EVENTS;
export type DetailType = (typeof EVENTS)[EventName]["detailType"];
export type EventDetail<N extends EventName> = z.infer<(typeof EVENTS)[N]["schema"]>;

/** One event as it travels on a bus: `id` is deterministic so redelivery can be recognised. */
export interface BusEvent<N extends EventName = EventName> {
  id: string;
  detailType: (typeof EVENTS)[N]["detailType"];
  detail: EventDetail<N>;
  time: string;
}

/** Builds a validated event: an invalid detail is a programming error and throws here. */
export function makeEvent<N extends EventName>(
  name: N,
  id: string,
  detail: EventDetail<N>,
  time: string,
): BusEvent<N> {
  const spec = EVENTS[name];
  const parsed = spec.schema.parse(detail) as EventDetail<N>;
  return { id, detailType: spec.detailType, detail: parsed, time };
}

/** Parses an incoming detail with its schema; failures throw ValidationError naming the field. */
export function parseEventDetail<N extends EventName>(name: N, detail: unknown): EventDetail<N> {
  const result = EVENTS[name].schema.safeParse(detail);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ValidationError(formatPath(["detail", ...issue.path]), issue.message, { cause: result.error });
  }
  return result.data as EventDetail<N>;
}

