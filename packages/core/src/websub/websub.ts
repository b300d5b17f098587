/**
 * WebSub subscriber (W3C WebSub Recommendation, https://www.w3.org/TR/websub/; docs/websub.md):
 * subscriptions to the hubs that polled feeds advertise (discovery.ts), their renewal before the
 * lease ends, the hub's verification of intent, and authenticated content distribution, whose
 * document is settled by the poll's own path (ingestPushedDocument in polling/poll-feeds.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { PressbridgeConfig } from "../config/config-schema.ts";
import { mapWithConcurrency } from "../concurrency.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { Clock, FeedStateStore } from "../ports.ts";
import type { FeedState } from "../releases/release.ts";

/** requested: POSTed to the hub, awaiting its verification; verified: the hub confirmed (section 5.3); denied by the hub (5.2); expired: the lease ended. */
export type WebSubState = "requested" | "verified" | "denied" | "expired";

/** One subscription: a (topic, callback) pair at a hub (section 1, "Subscription"). */
export interface WebSubSubscription {
  /** The unguessable callback path segment (`/websub/<callbackId>`), new for every request (section 5.1.1). */
  callbackId: string;
  feedId: string;
  hub: string;
  topic: string;
  /**
   * hub.secret: 32 random bytes as hex (64 characters; section 5.1 wants under 200 bytes). Kept only
   * in the table item; never logged, never shown.
   */
  secret: string;
  state: WebSubState;
  /** The lease asked for (hub.lease_seconds in the request). */
  requestedLeaseSeconds: number;
  requestedAt: string;
  /** The lease the hub granted in its verification (section 5.3), from `verifiedAt`. */
  leaseSeconds: number | null;
  verifiedAt: string | null;
  expiresAt: string | null;
  /** When the renewal step acts next: renew (verified), ask again (requested, denied, expired). */
  nextActionAt: string;
  /** The last failure (a hub's answer, a denial's reason), plain text, bounded. */
  lastError: string | null;
  version: number;
}

/** Subscriptions on the one table (docs/data-model.md): by callback id, and each feed's current one. */
export interface WebSubStore {
  /** The current subscription of each given feed that has one. */
  currentFor(feedIds: readonly string[]): Promise<Map<string, WebSubSubscription>>;
  get(callbackId: string): Promise<WebSubSubscription | undefined>;
  /** Stores a new subscription (a new callback id) and makes it its feed's current one. */
  create(subscription: WebSubSubscription): Promise<void>;
  /** Replaces a subscription if it still has `expectedVersion`. */
  update(subscription: WebSubSubscription, expectedVersion: number): Promise<"written" | "stale">;
}

/** POSTs a form to a hub through the SSRF-guarded HTTP client (no private addresses in production). */
export interface WebSubHubClient {
  subscribe(hubUrl: string, form: Readonly<Record<string, string>>): Promise<{ status: number; body: string }>;
}

/** The lease asked for: 10 days, the spec's suggested default (section 8.2). */
export const WEBSUB_LEASE_SECONDS = 10 * 86_400;
/** A subscription is renewed once this share of its granted lease has passed. */
export const WEBSUB_RENEW_AT = 0.8;
/** A request the hub never verified (or that failed) is sent again after this long. */
export const WEBSUB_RETRY_SECONDS = 3600;
/** After a denial, the hub is asked again only after this long (section 5.2: "not possible anymore"). */
export const WEBSUB_DENIED_RETRY_SECONDS = 86_400;
/** Pushed bodies above this are refused with 413 (the web app's limit). */
export const WEBSUB_MAX_BODY_BYTES = 2 * 1024 * 1024;

const ALGORITHMS: Readonly<Record<string, string>> = { sha1: "sha1", sha256: "sha256", sha384: "sha384", sha512: "sha512" };

/**
 * Checks an `X-Hub-Signature: method=signature` header (section 7.1): HMAC of the raw body with the
 * subscription's secret, method one of the recognised names (7.1.1: sha1, sha256, sha384, sha512),
 * the hex digest compared in constant time (timingSafeEqual over equal-length buffers).
 */
export function signatureMatches(header: string | undefined, body: Uint8Array, secret: string): boolean {
  if (header === undefined) return false;
  const m = /^\s*([a-z0-9]+)=([0-9a-fA-F]+)\s*$/.exec(header);
  if (m === null) return false;
  const algorithm = ALGORITHMS[m[1]!.toLowerCase()];
  if (algorithm === undefined) return false;
  const expected = createHmac(algorithm, secret).update(body).digest();
  const given = Buffer.from(m[2]!.length % 2 === 0 ? m[2]! : "", "hex");
  // Compare even when the lengths differ (against itself), so the time does not tell the length.
  const same = given.length === expected.length ? timingSafeEqual(given, expected) : (timingSafeEqual(expected, expected), false);
  return same;
}

export interface RenewWebSubDeps {
  config: PressbridgeConfig;
  feedStates: FeedStateStore;
  subscriptions: WebSubStore;
  hub: WebSubHubClient;
  clock: Clock;
  /** The web app's address, without a trailing slash: callbacks are `<base>/websub/<callbackId>`. */
  callbackBaseUrl: string;
  logger?: Logger;
  leaseSeconds?: number;
  /** Random bytes (tests); default crypto.randomBytes. */
  random?: (bytes: number) => Buffer;
}

export interface RenewOutcome {
  /** Subscription requests the hubs accepted (202), new or renewals. */
  requested: number;
  /** Of those, renewals of a verified subscription. */
  renewed: number;
  /** Leases found ended and marked expired. */
  expired: number;
  /** Requests a hub refused or that could not be sent (asked again after WEBSUB_RETRY_SECONDS). */
  failed: number;
}

/**
 * The maintenance step (runMaintenance; `pressbridge start` every tick, the approval-sweep function
 * every 5 minutes): for every enabled feed whose state records a hub, subscribe when it has no
 * subscription (or one to another hub or topic), renew a verified one once WEBSUB_RENEW_AT of its
 * lease has passed (before it ends, section 5.3.1: "MUST re-request the subscription on the hub before
 * hub.lease_seconds seconds has elapsed"), mark ended leases expired, and ask again after a failure or
 * denial. A renewal is a new subscription request with a new callback and secret (section 5.1.1: the
 * callback SHOULD be "changed when subscriptions are renewed"); the old one keeps its lease.
 */
export async function renewWebSubSubscriptions(deps: RenewWebSubDeps): Promise<RenewOutcome> {
  const outcome: RenewOutcome = { requested: 0, renewed: 0, expired: 0, failed: 0 };
  const feeds = deps.config.feeds.filter((f) => f.enabled);
  if (feeds.length === 0) return outcome;
  const states = await deps.feedStates.getFeedStates(feeds.map((f) => f.id), { consistent: false });
  const withHub = feeds.filter((f) => states.get(f.id)?.websub !== undefined);
  if (withHub.length === 0) return outcome;
  const current = await deps.subscriptions.currentFor(withHub.map((f) => f.id));
  const now = deps.clock.now();
  await mapWithConcurrency(withHub, 8, async (feed) => {
    const advertised = states.get(feed.id)!.websub!;
    let sub = current.get(feed.id);
    if (sub !== undefined && sub.state === "verified" && sub.expiresAt !== null && Date.parse(sub.expiresAt) <= now.getTime()) {
      const expired: WebSubSubscription = { ...sub, state: "expired", nextActionAt: now.toISOString(), version: sub.version + 1 };
      if ((await deps.subscriptions.update(expired, sub.version)) === "written") {
        outcome.expired++;
        sub = expired;
      }
    }
    const moved = sub !== undefined && (sub.hub !== advertised.hub || sub.topic !== advertised.topic);
    if (sub !== undefined && !moved && Date.parse(sub.nextActionAt) > now.getTime()) return;
    const renewal = sub?.state === "verified" && !moved;
    if (await requestSubscription(deps, feed.id, advertised.hub, advertised.topic, now)) {
      outcome.requested++;
      if (renewal) outcome.renewed++;
    } else outcome.failed++;
  });
  return outcome;
}

/** Sends one subscription request (section 5.1), recorded first: the hub may verify before it answers. */
async function requestSubscription(deps: RenewWebSubDeps, feedId: string, hub: string, topic: string, now: Date): Promise<boolean> {
  const logger = deps.logger ?? silentLogger;
  const random = deps.random ?? randomBytes;
  const lease = deps.leaseSeconds ?? WEBSUB_LEASE_SECONDS;
  const sub: WebSubSubscription = {
    callbackId: random(18).toString("base64url"),
    feedId,
    hub,
    topic,
    secret: random(32).toString("hex"),
    state: "requested",
    requestedLeaseSeconds: lease,
    requestedAt: now.toISOString(),
    leaseSeconds: null,
    verifiedAt: null,
    expiresAt: null,
    nextActionAt: new Date(now.getTime() + WEBSUB_RETRY_SECONDS * 1000).toISOString(),
    lastError: null,
    version: 1,
  };
  await deps.subscriptions.create(sub);
  let failure: string | null = null;
  try {
    const answer = await deps.hub.subscribe(hub, {
      "hub.mode": "subscribe",
      "hub.topic": topic,
      "hub.callback": `${deps.callbackBaseUrl}/websub/${sub.callbackId}`,
      "hub.lease_seconds": String(lease),
      "hub.secret": sub.secret,
    });
    // Section 5.1.2: 202 Accepted, then the hub verifies; an error is 4xx or 5xx with plain text.
    if (answer.status < 200 || answer.status > 299) failure = `hub answered HTTP ${answer.status}${answer.body === "" ? "" : `: ${plainLine(answer.body)}`}`;
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
  }
  if (failure === null) {
    logger.info("websub subscription requested", { feedId, hub, topic });
    return true;
  }
  logger.warn("websub subscription request failed", { feedId, hub, error: failure });
  const latest = (await deps.subscriptions.get(sub.callbackId)) ?? sub;
  if (latest.state === "requested") await deps.subscriptions.update({ ...latest, lastError: failure, version: latest.version + 1 }, latest.version);
  return false;
}

export interface CallbackDeps {
  subscriptions: WebSubStore;
  feedStates: FeedStateStore;
  clock: Clock;
  logger?: Logger;
}

/** What the callback answers: a status and a plain-text body. */
export interface CallbackAnswer {
  status: number;
  body: string;
}

const NOT_FOUND: CallbackAnswer = { status: 404, body: "" };

/**
 * The hub's GET to the callback (section 5.3, verification of intent; section 5.2, denial).
 * - subscribe: the subscription must be pending (or verified: a hub may re-confirm) and hub.topic
 *   must be its topic, else 404 (5.3.1: "MUST respond with a 404"); then 200 with hub.challenge as
 *   the body, and the lease the hub granted (hub.lease_seconds, which it MUST supply) recorded.
 * - unsubscribe: Pressbridge never asks to unsubscribe, so it never agrees: 404.
 * - denied: recorded (with hub.reason), 200.
 */
export async function answerVerification(deps: CallbackDeps, callbackId: string, query: Readonly<Record<string, string | undefined>>): Promise<CallbackAnswer> {
  const logger = deps.logger ?? silentLogger;
  const sub = await deps.subscriptions.get(callbackId);
  if (sub === undefined) return NOT_FOUND;
  const mode = query["hub.mode"];
  if (query["hub.topic"] !== sub.topic) return NOT_FOUND;
  const now = deps.clock.now();
  if (mode === "denied") {
    const reason = query["hub.reason"];
    const denied: WebSubSubscription = {
      ...sub,
      state: "denied",
      lastError: `denied by the hub${reason === undefined || reason === "" ? "" : `: ${plainLine(reason)}`}`,
      nextActionAt: new Date(now.getTime() + WEBSUB_DENIED_RETRY_SECONDS * 1000).toISOString(),
      version: sub.version + 1,
    };
    await deps.subscriptions.update(denied, sub.version);
    await setPushUntil(deps, sub, null);
    logger.warn("websub subscription denied", { feedId: sub.feedId, hub: sub.hub, reason: denied.lastError });
    return { status: 200, body: "" };
  }
  if (mode !== "subscribe" || (sub.state !== "requested" && sub.state !== "verified")) return NOT_FOUND;
  const challenge = query["hub.challenge"];
  if (challenge === undefined || challenge === "" || challenge.length > 1024) return NOT_FOUND;
  const granted = /^\d{1,10}$/.test(query["hub.lease_seconds"] ?? "") ? Number(query["hub.lease_seconds"]) : sub.requestedLeaseSeconds;
  if (granted <= 0) return NOT_FOUND;
  const expiresAt = new Date(now.getTime() + granted * 1000).toISOString();
  const verified: WebSubSubscription = {
    ...sub,
    state: "verified",
    leaseSeconds: granted,
    verifiedAt: now.toISOString(),
    expiresAt,
    nextActionAt: new Date(now.getTime() + Math.floor(granted * WEBSUB_RENEW_AT) * 1000).toISOString(),
    lastError: null,
    version: sub.version + 1,
  };
  if ((await deps.subscriptions.update(verified, sub.version)) === "stale") return NOT_FOUND;
  await setPushUntil(deps, sub, expiresAt);
  logger.info("websub subscription verified", { feedId: sub.feedId, hub: sub.hub, leaseSeconds: granted });
  return { status: 200, body: challenge };
}

/**
 * Records on the feed state until when pushes are verified (the poll's slower interval reads it),
 * if the state still names this hub and topic. Conditional on the version read, retried on a race
 * with a poll.
 */
async function setPushUntil(deps: CallbackDeps, sub: WebSubSubscription, until: string | null): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const state = (await deps.feedStates.getFeedStates([sub.feedId], { consistent: true })).get(sub.feedId);
    const websub = state?.websub;
    if (state === undefined || websub === undefined || websub.hub !== sub.hub || websub.topic !== sub.topic) return;
    if ((websub.pushVerifiedUntil ?? null) === until) return;
    // A renewal's verification only extends; a denial of the current subscription clears.
    if (until !== null && websub.pushVerifiedUntil != null && websub.pushVerifiedUntil > until) return;
    const next: FeedState = { ...state, version: state.version + 1, websub: { ...websub, pushVerifiedUntil: until } };
    if ((await deps.feedStates.putFeedState(next, state.version)) === "written") return;
  }
}

export interface DistributionDeps extends Pick<CallbackDeps, "subscriptions" | "logger"> {
  /** Settles the pushed document through the poll's path (ingestPushedDocument). */
  ingest(feedId: string, pushed: { body: Uint8Array; contentType: string | undefined }): Promise<{ newReleases: number } | undefined>;
}

/**
 * The hub's POST to the callback (section 7, content distribution). Unknown callback: 404. A denied
 * or expired subscription: 410 (section 7: the hub MAY then end it). A missing or wrong
 * X-Hub-Signature: the body is ignored (section 7.1.2: "MUST locally ignore the message as invalid")
 * but the answer is still 202 (7.1.2: "MAY still acknowledge this request with a 2xx", which keeps the
 * signature from being brute-forced). A valid one: the document is ingested, then 202.
 */
export async function receiveDistribution(
  deps: DistributionDeps,
  callbackId: string,
  request: { signature: string | undefined; body: Uint8Array; contentType: string | undefined },
): Promise<CallbackAnswer & { ingested: boolean }> {
  const logger = deps.logger ?? silentLogger;
  const sub = await deps.subscriptions.get(callbackId);
  if (sub === undefined) return { ...NOT_FOUND, ingested: false };
  if (sub.state === "denied" || sub.state === "expired") return { status: 410, body: "", ingested: false };
  if (!signatureMatches(request.signature, request.body, sub.secret)) {
    logger.warn("websub distribution ignored: missing or wrong signature", { feedId: sub.feedId, signed: request.signature !== undefined });
    return { status: 202, body: "", ingested: false };
  }
  if (sub.state !== "verified") {
    logger.warn("websub distribution ignored: subscription not verified", { feedId: sub.feedId });
    return { status: 202, body: "", ingested: false };
  }
  const result = await deps.ingest(sub.feedId, { body: request.body, contentType: request.contentType });
  if (result !== undefined && result.newReleases > 0) logger.info("websub push detected releases", { feedId: sub.feedId, newReleases: result.newReleases });
  return { status: 202, body: "", ingested: result !== undefined };
}

function plainLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim().slice(0, 300);
}
