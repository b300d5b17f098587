import type { AdPlatform, Channel, LinkFacet } from "../plans/plan.ts";

/**
 * The Publisher port: one adapter per platform (X, LinkedIn, Meta, Bluesky) plus a dry-run adapter.
 * Every action carries a deterministic key (plan id + action) so a retry never posts twice: before
 * re-trying a create that may have succeeded (timeout, 5xx) an adapter looks it up on the platform.
 */
export interface OrganicPostAction {
  kind: "organic-post";
  /** Deterministic: `<planId>:post:<channel>:v<version>`. */
  key: string;
  channel: Channel;
  text: string;
  link: string | null;
  /** Bluesky only. */
  facets: LinkFacet[];
}

export interface PausedAdAction {
  kind: "paused-ad";
  /** Deterministic: `<planId>:ad:<platform>`. */
  key: string;
  platform: AdPlatform;
  /** The stored ad brief (see plans/briefs): objective, audience targeting, budget, flight, creative. */
  brief: unknown;
  /** Campaign name shown in the ad manager; contains the key so a lookup can find it. */
  name: string;
  /** The approved organic post on the same platform, when the ad should sponsor it (LinkedIn). */
  sponsoredPostId?: string;
}

export type PublishAction = OrganicPostAction | PausedAdAction;

export type PublishOutcome =
  | { status: "published"; platformIds: Record<string, string>; url: string | null }
  | { status: "failed"; retryable: boolean; reason: string; httpStatus?: number; retryAfterSeconds?: number };

/** Credentials of one client on one platform. Never logged, never stored in the table. */
export type PlatformCredentials = Record<string, string>;

export interface Publisher {
  readonly platform: Channel | AdPlatform | "dry-run";
  publish(action: PublishAction, credentials: PlatformCredentials): Promise<PublishOutcome>;
}
