import type { AdPlatform, Channel, LinkFacet } from "../plans/plan.ts";
import type { AudienceOutcome } from "./audiences.ts";

/** Adapters redact what platforms echo with the same rules core applies to every stored reason. */
export { REDACTED, SECRET_FIELD_NAME, redactCredentialShapes, redactCredentials, secretCredentialValues } from "./credential-redaction.ts";

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
  /**
   * A previous attempt at this action may have created the post (it was interrupted, or failed after
   * an ambiguous answer): the adapter looks the post up on the platform before creating it.
   */
  reconcile?: boolean;
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
  /**
   * The plan's client: its matched audience on the platform is kept per client (audiences.ts). When
   * absent, the adapter takes the client id the brief's matched audience carries.
   */
  clientId?: string;
}

export type PublishAction = OrganicPostAction | PausedAdAction;

/** One request the dry-run publisher recorded instead of sending: enough to repeat it by hand. */
export interface DryRunRequest {
  /** What the request does ("create the campaign (PAUSED)"). */
  label: string;
  method: "GET" | "POST" | "DELETE";
  url: string;
  /** Headers as sent, without secrets; `Authorization` says how it is authorised. */
  headers: Record<string, string>;
  /** How the request is authorised, in words (the credential is never recorded). */
  auth: string | null;
  /** JSON body, or form fields as an object (Meta, X Ads), or null. */
  body: unknown;
  bodyEncoding: "json" | "form" | null;
}

/** What a dry run would have done for one action. */
export interface DryRunPreview {
  requests: DryRunRequest[];
  /** Why nothing (or not everything) would be sent, e.g. "no API adapter for Instagram; post by hand". */
  note: string | null;
}

export type PublishOutcome =
  | { status: "published"; platformIds: Record<string, string>; url: string | null; dryRun?: DryRunPreview; audience?: AudienceOutcome }
  | { status: "failed"; retryable: boolean; reason: string; httpStatus?: number; retryAfterSeconds?: number };

/** Credentials of one client on one platform. Never logged, never stored in the table. */
export type PlatformCredentials = Record<string, string>;

/**
 * One adapter instance serves every client of the process, concurrently: everything that belongs to
 * one call (the credentials, what to redact, session state) lives in that call, never on the instance;
 * what an instance caches across calls (a Bluesky session, an X user id) is keyed by the account.
 */
export interface Publisher {
  readonly platform: Channel | AdPlatform | "dry-run";
  publish(action: PublishAction, credentials: PlatformCredentials): Promise<PublishOutcome>;
}

/** The platforms Pressbridge has API adapters for; credentials are kept per client and one of these. */
export const PUBLISHER_PLATFORMS = ["x", "linkedin", "meta", "bluesky"] as const;
export type PublisherPlatform = (typeof PUBLISHER_PLATFORMS)[number];

/** Which adapter publishes a channel or ad platform; undefined for channels with no API adapter (Instagram, Threads). */
export function publisherPlatformOf(platform: Channel | AdPlatform): PublisherPlatform | undefined {
  switch (platform) {
    case "x":
    case "linkedin":
    case "bluesky":
    case "meta":
      return platform;
    case "facebook":
      return "meta";
    default:
      return undefined;
  }
}

/** The real adapters and the dry-run publisher. */
export interface PublisherDirectory {
  adapterFor(platform: PublisherPlatform): Publisher;
  dryRun: Publisher;
}

/** Where a client's platform credentials live (Secrets Manager in AWS, a local file or env locally). */
export interface CredentialSource {
  /** The client's credentials on a platform; undefined when none are configured (publishing then does a dry run). */
  credentialsFor(clientId: string, platform: PublisherPlatform): Promise<PlatformCredentials | undefined>;
}
