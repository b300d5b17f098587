import type { ClientConfig } from "../config/config-schema.ts";

/** Organic post channels and ad platforms, as named in the config. */
export type Channel = ClientConfig["channels"][number];
export type AdPlatform = ClientConfig["adPlatforms"][number];

/** How channels and ad platforms are named to people (emails, the web app). */
export const PLATFORM_NAMES: Readonly<Record<Channel | AdPlatform, string>> = {
  x: "X",
  linkedin: "LinkedIn",
  facebook: "Facebook",
  instagram: "Instagram",
  bluesky: "Bluesky",
  threads: "Threads",
  meta: "Meta",
};

/** The release fields plan composition reads. All text is untrusted plain text from a feed. */
export interface PlanRelease {
  id: string;
  title: string;
  summary: string;
  url: string | null;
  wire: string;
  issuer: string | null;
  tickers: string[];
  language: string | null;
  industries: string[];
  subjects: string[];
  keywords: string[];
  publishedAt: string | null;
  detectedAt: string;
}

/** A Bluesky rich-text facet: a link over a UTF-8 byte range of the post text. */
export interface LinkFacet {
  index: { byteStart: number; byteEnd: number };
  features: Array<{ $type: "app.bsky.richtext.facet#link"; uri: string } | { $type: "app.bsky.richtext.facet#tag"; tag: string }>;
}

/** How a draft's length was counted, by the platform's own rule. */
export interface DraftLength {
  unit: "weighted" | "graphemes" | "characters";
  value: number;
  limit: number;
}

export interface PostDraft {
  channel: Channel;
  /** Exactly the text to publish. */
  text: string;
  /** The tracked link (with UTM parameters) the post points to, if any. */
  link: string | null;
  /** Bluesky only: link (and hashtag) facets over `text`. */
  facets: LinkFacet[];
  hashtags: string[];
  cashtags: string[];
  length: DraftLength;
}

/** One entry per configured channel: a valid draft, or exactly why the channel was skipped. */
export type DraftOutcome =
  | { channel: Channel; status: "ok"; draft: PostDraft }
  | { channel: Channel; status: "skipped"; reason: string };

/** What a media list may say about a journalist besides the address. */
export interface MediaContactDetails {
  name?: string;
  outlet?: string;
  beat?: string;
}

/**
 * A journalist on a client's media list: by email (a CSV list), or by the audience hash of it only
 * (a hashed list, `emailSha256` = SHA-256 hex of the trimmed, lower-cased email, as deployed to AWS:
 * docs/plans.md). One of the two is always there. Emails are hashed before anything is stored.
 */
export type MediaContact = (MediaContactDetails & { email: string }) | (MediaContactDetails & { email?: string; emailSha256: string });

/** Where a plan stands. Later steps (approval, publishing) move it on with conditional writes. */
export type PlanStatus = "pending_approval" | "approved" | "rejected" | "published" | "publish_failed";

/** A draft as stored on a plan: versioned, because approvers may edit it. */
export interface PlanDraft extends PostDraft {
  version: number;
}

/** Everything a social manager needs to approve amplification of one release for one client. */
export interface AmplificationPlan<Brief = unknown> {
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
  match: { reason: "bound-feed" | "keyword"; matched: Array<{ keyword: string; field: string }> };
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
  skipped: Array<{ channel: Channel; reason: string }>;
  briefs: Brief[];
  /** Set once, by the single approve/reject decision (a conditional write). */
  decision?: PlanDecision;
  /** Set by publishing after approval (publishing/publish-plan.ts); rewritten on each publishing run. */
  publication?: PlanPublication;
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
