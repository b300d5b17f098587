import type { BusEvent } from "./events/catalog.ts";
import type { AmplificationPlan, MediaContact, PlanAuditEntry, PlanDecision, PlanDraft, PlanPublication, PublishedAction } from "./plans/plan.ts";
import type { DryRunPreview } from "./publishing/publisher.ts";
import type { CreateOutcome, FeedState, StoredRelease, NewRelease, ReleaseSource, ReleaseLookup, ReleasePlanning } from "./releases/release.ts";
import type { Workspace, WorkspaceLogEntry, WorkspaceWrite } from "./workspace/workspace.ts";
import type { PlanSchedule } from "./scheduling/schedule-types.ts";

/** Current time; injected so windows, backoff and expiry are testable with a fake clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Puts events on the bus. Resolves once every event is accepted; throws EventPublishError otherwise. */
export interface EventBus {
  publish(events: readonly BusEvent[]): Promise<void>;
}

/** What a conditional GET sends: the validators remembered from the last successful fetch. */
export interface FetchRequest {
  url: string;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

export type FetchResult =
  | { status: "not-modified"; httpStatus: 304; finalUrl: string }
  | {
      status: "ok";
      httpStatus: number;
      finalUrl: string;
      body: Uint8Array;
      contentType: string | undefined;
      etag: string | undefined;
      lastModified: string | undefined;
      /** The response's Link header(s), joined with ", " (WebSub hub discovery, docs/websub.md). */
      link?: string | undefined;
    };

/** Fetches a feed over HTTP. Failures throw FeedFetchError with a kind. */
export interface FeedFetcher {
  fetch(request: FetchRequest): Promise<FetchResult>;
}

/** Persistence of per-feed polling state. */
export interface FeedStateStore {
  /**
   * States of the given feeds (missing ones are absent from the map). Batched reads, strongly
   * consistent unless `consistent: false` (half the read cost; the answer may miss the last second's
   * writes, for a caller whose writes are guarded by the version anyway, like the poll).
   */
  getFeedStates(feedIds: readonly string[], options?: { consistent?: boolean }): Promise<Map<string, FeedState>>;
  /** Writes a feed's state; `expectedVersion` guards against an older poller overwriting a newer one. */
  putFeedState(state: FeedState, expectedVersion: number | undefined): Promise<"written" | "stale">;
}

/** Persistence of releases and their identity keys. All writes are conditional. */
export interface ReleaseStore {
  /**
   * Looks up identity keys in batches: release ids (with their announcement markers), title
   * fingerprints, and the keys one feed remembers its items by (`seen`).
   */
  lookup(
    releaseIds: readonly string[],
    fingerprintKeys: readonly string[],
    seen?: { feedId: string; keys: readonly string[] },
  ): Promise<ReleaseLookup>;
  /**
   * Creates a release if its id is free and, when it has a fingerprint, claims the fingerprint in
   * the same conditional write: unclaimed, or claimed by a release outside the window or in another
   * language. So of two concurrent creates of one story (two feeds, two pollers) exactly one is
   * created and the other learns which release it duplicates. `announcement` (its Release Detected)
   * goes into the outbox in the same write: a created release always has its event on the way.
   */
  createRelease(release: NewRelease, announcement?: BusEvent): Promise<CreateOutcome>;
  /** Creates many releases, each with createRelease's guarantee (announcements by release id), in as few requests as the store can. */
  createReleases(releases: readonly NewRelease[], announcements?: ReadonlyMap<string, BusEvent>): Promise<Map<string, CreateOutcome>>;
  /** Points an identity (a second URL of the same release) at an existing release. */
  createAlias(aliasId: string, targetReleaseId: string, source: ReleaseSource): Promise<"created" | "exists">;
  /** Adds a source (feed + URL) to a release unless that feed is already one of its sources. */
  addSource(releaseId: string, source: ReleaseSource): Promise<"added" | "present">;
  /** Remembers the keys a feed has shown items by (see `seenKeys`); unconditional, batched. */
  recordSeen(feedId: string, entries: ReadonlyArray<{ key: string; releaseId: string; url: string | null }>): Promise<void>;
  getRelease(releaseId: string): Promise<StoredRelease | undefined>;
  /** Releases detected in [from, to), newest first, through the time-ordered index (never a Scan). */
  listReleases(options: { from: string; to: string; limit: number }): Promise<StoredRelease[]>;
}

/** Persistence of amplification plans. All state changes are conditional writes. */
export interface PlanStore {
  /**
   * Creates the plan if its id is free, with its announcement in the outbox in the same transaction;
   * "exists" when a redelivery or a racing consumer got there first.
   */
  createPlan(plan: AmplificationPlan, announcement: BusEvent): Promise<"created" | "exists">;
  getPlan(planId: string): Promise<AmplificationPlan | undefined>;
  /**
   * Records on the release which clients it matched (possibly none) so nothing falls through unseen;
   * merged into what is recorded already (mergePlanning), never replacing it, so concurrent plans keep
   * each other's clients.
   */
  recordReleasePlanning(releaseId: string, planning: ReleasePlanning): Promise<void>;
  /**
   * Replaces an approved plan's schedule if it still has `expectedRevision` (0: the one accepted with
   * the approval, none saved yet); "conflict" when someone changed it meanwhile or the plan is not approved.
   */
  saveSchedule(planId: string, schedule: PlanSchedule, expectedRevision: number): Promise<"saved" | "conflict">;
  /** Plans created in [from, to], newest first (the creation-time index). */
  listPlans(options: { from: string; to: string; limit: number }): Promise<AmplificationPlan[]>;
  /** One client's plans whose window deadline is in [from, to], latest deadline first (the per-client deadline index). */
  listClientPlansByDeadline(options: { clientId: string; from: string; to: string; limit: number }): Promise<AmplificationPlan[]>;
}

/** A client's media list (journalists), when one is configured. */
export interface MediaListSource {
  mediaListFor(clientId: string): Promise<{ contacts: MediaContact[]; source: string } | undefined>;
}

/** For a deployment (or a test) whose clients have no media lists. */
export const NO_MEDIA_LISTS: MediaListSource = { mediaListFor: async () => undefined };

/** One email, already rendered. Addresses are plain emails; the adapters build the MIME. */
export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. X-Pressbridge-Plan. Never secrets. */
  headers?: Record<string, string>;
  /** Tags for the provider (SES EmailTags), e.g. { kind: "approval" }. */
  tags?: Record<string, string>;
}

/** Sends email. Resolves with the provider's message id; throws MailError when it could not. */
export interface Mailer {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

/** A state change of a plan, written atomically with its audit entry and (for decisions) its event. */
export interface ApprovalStore {
  /** Saves an edited draft as a new version if the plan is pending and the draft is still at `expectedVersion`. */
  saveDraftVersion(
    planId: string,
    draftIndex: number,
    draft: PlanDraft,
    expectedVersion: number,
    audit: PlanAuditEntry,
  ): Promise<"saved" | "conflict">;
  /**
   * Moves a plan from pending_approval to approved/rejected if it is still pending and its drafts are
   * still at the versions the approver saw; writes the audit entry and puts the event in the outbox,
   * all in one transaction. "conflict" when any condition failed.
   */
  decide(planId: string, decision: PlanDecision, shownVersions: ReadonlyArray<{ index: number; version: number }>, audit: PlanAuditEntry, event: BusEvent): Promise<"decided" | "conflict">;
  auditTrail(planId: string): Promise<PlanAuditEntry[]>;
  /** The plan's email records (sendOnce's ledger, scope `plan:<id>`), for the plan page. */
  emailRecords(planId: string): Promise<Array<{ approver: string; kind: string; status: "sending" | "sent" | "failed"; at: string; messageId: string | null; error: string | null }>>;
}

/**
 * Events written in the same transaction as the state change they announce, published (then
 * cleared) afterwards, flushed when that failed: the delivery kernel (delivery/outbox.ts).
 */
export interface EventOutbox {
  /** Events recorded at or before `upTo` (an ISO time) and not yet cleared, oldest first. */
  pendingEvents(upTo: string, limit: number): Promise<BusEvent[]>;
  /** Records events with no state change of their own; an id already recorded is kept as it is. */
  recordEvents(events: readonly BusEvent[]): Promise<void>;
  /** Clears published events (batched); clearing an unknown id is a no-op. */
  deleteEvents(eventIds: readonly string[]): Promise<void>;
}

/**
 * Which email a claim is for: one kind of email, to one recipient, about one thing (`scope`).
 * Scopes: `plan:<plan id>` (approval and reminder emails, the publishing-failure email) and
 * `client:<client id>` (the audit digest).
 */
export interface EmailClaimKey {
  scope: `plan:${string}` | `client:${string}`;
  /** e.g. "approval", "reminder", "publish-failed-<digest>", "digest-<digest>". */
  kind: string;
  recipient: string;
}

export type EmailClaim = "claimed" | "sent" | "in-progress" | "failed";

/** The one record of which emails were sent: a claim before the send, the result after. */
export interface EmailLedger {
  /** Claims the right to send unless the email was sent, failed for good, or is being sent under an unexpired lease. */
  claimEmail(key: EmailClaimKey, now: string, leaseUntil: string): Promise<EmailClaim>;
  markEmailSent(key: EmailClaimKey, messageId: string, at: string): Promise<void>;
  /** Gives the claim back (`permanent`: never try again) with the reason, credential shapes removed by the caller. */
  releaseEmail(key: EmailClaimKey, error: string, permanent: boolean): Promise<void>;
  /** The claim's record, read consistently; undefined when there is none. */
  emailRecord(key: EmailClaimKey): Promise<{ status: "sending" | "sent" | "failed" | "released"; at: string } | undefined>;
}


/** One platform action of a plan as stored: claimed ("in-flight"), then published or failed. */
export interface PublishActionRecord {
  planId: string;
  key: string;
  kind: PublishedAction["kind"];
  platform: PublishedAction["platform"];
  state: "in-flight" | "published" | "failed";
  /** How many times the action was claimed; the current claim owns the record. */
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  platformIds: Record<string, string>;
  url: string | null;
  reason: string | null;
  retryable: boolean;
  dryRun: DryRunPreview | null;
  /** The platform asked to wait (Retry-After): the action is not claimed again before this time. */
  retryNotBefore?: string;
}

export type ActionClaim =
  /** This caller may run the action; `reconcile` when an earlier attempt may have reached the platform. */
  | { claim: "claimed"; attempt: number; reconcile: boolean }
  /** Already published: the stored result stands (a redelivery never posts twice). */
  | { claim: "published"; record: PublishActionRecord }
  /**
   * Failed in a way retrying will not fix (validation, expired token), unless retrying is asked for;
   * or failed retryably with attempts used up, or with `retryNotBefore` still ahead.
   */
  | { claim: "failed"; record: PublishActionRecord }
  /** Another worker holds an unexpired claim. */
  | { claim: "in-progress" };

/**
 * Persistence of publishing: per-action records claimed before any platform call (with a lease, so a
 * crashed worker's action can be taken over and reconciled) and the plan's publication summary.
 */
export interface PublicationStore {
  /**
   * Claims an action unless it is published, failed permanently (unless `retryFailed`), failed
   * retryably `maxAttempts` times already (unless `retryFailed`), failed with a `retryNotBefore` after
   * `now` (even with `retryFailed`: the platform said when), or claimed by another worker whose lease
   * has not expired. Other retryable failures and expired claims are re-claimed.
   */
  claimAction(
    planId: string,
    action: { key: string; kind: PublishedAction["kind"]; platform: PublishedAction["platform"] },
    now: string,
    leaseUntil: string,
    options: { retryFailed: boolean; maxAttempts: number },
  ): Promise<ActionClaim>;
  /** Stores an action's result if `attempt` still owns the claim; "lost" when another attempt took it over. */
  finishAction(planId: string, key: string, attempt: number, result: Pick<PublishActionRecord, "state" | "finishedAt" | "platformIds" | "url" | "reason" | "retryable" | "dryRun" | "retryNotBefore">): Promise<"saved" | "lost">;
  /** Every action record of a plan (consistent read). */
  actionRecords(planId: string): Promise<PublishActionRecord[]>;
  /**
   * Sets the plan's status and publication summary and puts the Amplification Published event in the
   * outbox, in one transaction. "unchanged" when this very outcome (same event id) was recorded before.
   */
  completePublication(planId: string, status: "published" | "publish_failed", publication: PlanPublication, event: BusEvent): Promise<"completed" | "unchanged">;
  /**
   * Records what a scheduled plan has published so far (its status stays approved): the plan page,
   * `plans --json` and the audit read it. A run that read older records never overwrites a newer one.
   */
  recordProgress(planId: string, publication: PlanPublication): Promise<void>;
}

// ---- the workspace (docs/workspace.md) -----------------------------------------------------------

/** A journalist of a stored media list: never the email itself, only its audience hash and a masked form. */
export interface StoredContact {
  emailSha256: string;
  /** For people to recognise the row ("j•••@example.com"); not the address. */
  maskedEmail: string;
  name?: string;
  outlet?: string;
  beat?: string;
  /** Public handle on X, without "@". */
  xHandle?: string;
}

export interface StoredMediaList {
  clientId: string;
  /** Where it came from, for people ("journalists.csv"). */
  source: string;
  importedAt: string;
  importedBy: string;
  contacts: StoredContact[];
}

/**
 * The workspace in the table: clients, feeds, people, settings (one partition, read in one query),
 * the log of changes, and the media lists. Every write is conditional on the version its writer read,
 * and carries its log entry in the same transaction.
 */
export interface WorkspaceStore {
  load(): Promise<Workspace>;
  /** At most 99 writes plus the log entry, atomically; WorkspaceConflictError when a version moved. */
  commit(writes: readonly WorkspaceWrite[], entry: WorkspaceLogEntry): Promise<void>;
  /** Newest first; `before` is the `at#id` cursor of the last entry of the previous page. */
  log(options: { limit: number; before?: string }): Promise<WorkspaceLogEntry[]>;
  mediaList(clientId: string): Promise<StoredMediaList | undefined>;
  /**
   * Replaces the client's list at once (readers see the old list or the new one, never a mix).
   * `ifAbsent`: only when the client has no list yet (a caller that read none), else
   * WorkspaceConflictError, so two importers that both read "no list" write it once.
   */
  putMediaList(list: StoredMediaList, entry: WorkspaceLogEntry, options?: { ifAbsent?: boolean }): Promise<void>;
  deleteMediaList(clientId: string, entry: WorkspaceLogEntry): Promise<boolean>;
  /** Records that the workspace was filled (once: false when it already was). */
  markSeeded(at: string, by: string): Promise<boolean>;
}

// ---- sign-in and sessions (docs/access.md) -------------------------------------------------------

/** A signed-in browser's session as stored: never the session id itself, only its SHA-256. */
export interface StoredSession {
  /** SHA-256 (hex) of the random id the cookie holds. */
  idHash: string;
  email: string;
  createdAt: string;
  /** Last time the idle expiry was extended (at most once a minute). */
  lastSeenAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

/** Sessions and the single-use claims of sign-in links. */
export interface SessionStore {
  createSession(session: StoredSession): Promise<void>;
  getSession(idHash: string): Promise<StoredSession | undefined>;
  /** Extends an existing session's idle expiry; a session deleted meanwhile stays deleted. */
  touchSession(idHash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void>;
  /** Deleting an unknown session is a no-op. */
  deleteSession(idHash: string): Promise<void>;
  /** Deletes every session of a person (sign-out everywhere, `people remove`); how many there were. */
  deleteSessionsOf(email: string): Promise<number>;
  /** Claims a sign-in link's nonce once: "claimed" the first time, "used" after (a conditional write). */
  claimSignInLink(nonce: string, expiresAt: string): Promise<"claimed" | "used">;
  /** Whether a link's nonce was claimed already (the GET shows "already used" without claiming). */
  isSignInLinkUsed(nonce: string): Promise<boolean>;
}

/** Fixed-window counters, one atomic conditional increment per attempt. */
export interface RateLimitStore {
  /**
   * Counts one attempt of `key` in the window starting at `windowStart` unless `limit` attempts were
   * counted there already ("limited"); the counter expires at `expiresAt`.
   */
  hit(key: string, windowStart: string, limit: number, expiresAt: string): Promise<"counted" | "limited">;
}

// ---- scheduled actions (docs/scheduling.md) ----------------------------------------------------

/** One scheduled action's trigger: what to publish, and when (an instant; `timeZone` is the client's, for the platform's display). */
export interface ActionTrigger {
  planId: string;
  actionKey: string;
  /** ISO instant. */
  at: string;
  timeZone: string;
}

/**
 * What fires a scheduled action at its time. In AWS one EventBridge Scheduler one-time schedule per
 * action (deterministic name, deleted after it fires) invoking the publish function with
 * `{ source: "pressbridge.schedule", planId, actionKey }`; locally nothing (the runtime's timer
 * reads the due actions from the table). The schedule itself is data on the plan: a trigger lost
 * is found by the approval sweep, never a lost post.
 */
export interface ActionScheduler {
  /** Creates the trigger, or moves an existing one to the new time (idempotent by plan and action). */
  ensure(trigger: ActionTrigger): Promise<void>;
  /** Deletes the trigger; a missing one is not an error. */
  cancel(trigger: Pick<ActionTrigger, "planId" | "actionKey">): Promise<void>;
}

/** The scheduler where the runtime's timer fires due actions itself (locally, and in tests). */
export const NO_ACTION_SCHEDULER: ActionScheduler = { ensure: async () => {}, cancel: async () => {} };

/** Triggers kept as data (the local runtime): the timer reads the due ones and fires them. */
export interface ActionTriggerQueue extends ActionScheduler {
  /** Triggers whose time is at or before `now`, oldest first. */
  due(now: string, limit: number): Promise<ActionTrigger[]>;
}
