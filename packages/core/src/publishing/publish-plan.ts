import { createHash } from "node:crypto";
import { TransientError } from "../errors.ts";
import { publishRecorded } from "../delivery/outbox.ts";
import { sendOnce } from "../delivery/send-once.ts";
import { makeEvent, type AmplificationApprovedDetail } from "../events/catalog.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { ActionClaim, ActionScheduler, Clock, EmailLedger, EventBus, EventOutbox, Mailer, PlanStore, PublicationStore, PublishActionRecord } from "../ports.ts";
import type { DisclosureSettings } from "../scheduling/disclosure.ts";
import { actionState, releaseHeld, scheduleOf, wireTimeOf, type PlanSchedule } from "../scheduling/plan-schedule.ts";
import type { AmplificationPlan, PlanPublication, PublishedAction } from "../plans/plan.ts";
import { redactCredentialShapes, redactCredentials, secretCredentialValues } from "./credential-redaction.ts";
import { renderPublicationEmail } from "./publication-email.ts";
import { publishActionsFor } from "./publish-actions.ts";
import {
  publisherPlatformOf,
  type CredentialSource,
  type PlatformCredentials,
  type PublishAction,
  type PublishOutcome,
  type Publisher,
  type PublisherDirectory,
  type PublisherPlatform,
} from "./publisher.ts";

export interface PublishDeps {
  plans: PlanStore;
  publications: PublicationStore;
  publishers: PublisherDirectory;
  credentials: CredentialSource;
  bus: EventBus;
  outbox: EventOutbox;
  clock: Clock;
  logger?: Logger;
  /** Emails the plan's owner when an action fails for good. Without it failures are only recorded. */
  notify?: { mailer: Mailer; emails: EmailLedger; from: string; baseUrl: string };
  /** How long a claimed action stays "in flight" before another worker may take it over. Default 300 s. */
  leaseSeconds?: number;
  /** Fires the plan's scheduled actions at their times (EventBridge Scheduler in AWS, the table's triggers locally). Without it nothing is scheduled. */
  scheduler?: ActionScheduler;
  /** The client's disclosure settings now (the guard of actions released from a wire hold). */
  disclosureOf?: (clientId: string) => Promise<DisclosureSettings | undefined>;
  /** When a wire carried the plan's release (its publication), or null while it is seen only on the client's newsroom. Default: what the plan knows. */
  wireAt?: (plan: AmplificationPlan) => Promise<string | null>;
}

/** Attempts (claims) of one action before a retryable failure stops being retried automatically. */
export const MAX_AUTOMATIC_ATTEMPTS = 3;
export const PUBLISH_LEASE_SECONDS = 300;

export interface PublishRunOutcome {
  planId: string;
  /**
   * completed: every action has a result (or was cancelled) and the plan's publication is recorded;
   * scheduled: the due actions are done and the others wait for their time (a trigger is set) or for
   * a wire; in-progress: another worker holds some action and will record the publication;
   * not-approved / not-found: nothing to do.
   */
  result: "completed" | "scheduled" | "in-progress" | "not-approved" | "not-found";
  actions: PublishedAction[];
  /** Failed actions a later attempt may fix (throttling, 5xx, timeouts) with attempts left. */
  retryableFailures: PublishedAction[];
  /** The failure email to the owner in this run: sent, not needed or already sent, or failed. */
  ownerEmail: "sent" | "none" | "failed" | "failed-retryable";
}

/**
 * Publishes an approved plan: each approved draft as an organic post and each ad brief as a paused
 * (draft) campaign, so a person launches spend, never the software.
 *
 * Steps: read the plan (only an approved one is published); derive its actions with deterministic
 * keys; per platform, in order (posts before ads, so a LinkedIn ad can sponsor the LinkedIn post),
 * claim each action with a conditional write, publish it with the client's credentials (or record a
 * dry run when there are none, or no adapter), and store the result. Platforms run side by side and
 * one failing never blocks another. When every action has a result, the plan's status, its
 * publication summary and the Amplification Published event (via the outbox) are written in one
 * transaction, and the owner is emailed once about failures that will not be retried automatically.
 *
 * Safe under redelivery and concurrency: a published action is never sent again; an action whose
 * claim expired (a crashed worker) is re-run with `reconcile`, so the adapter looks it up on the
 * platform before creating it; a failure that retrying will not fix is not retried unless
 * `retryFailed` is set (an operator's explicit retry after fixing credentials); a failure the
 * platform asked to wait on (Retry-After) is not sent again before that time, by any run: it stays
 * owed, and a later redelivery or the approval sweep publishes it.
 */
export async function publishApprovedPlan(deps: PublishDeps, input: { planId: string; retryFailed?: boolean }): Promise<PublishRunOutcome> {
  const logger = deps.logger ?? silentLogger;
  const outcome: PublishRunOutcome = { planId: input.planId, result: "not-found", actions: [], retryableFailures: [], ownerEmail: "none" };
  const plan = await deps.plans.getPlan(input.planId);
  if (plan === undefined) return outcome;
  if (plan.decision?.action !== "approved") return { ...outcome, result: "not-approved" };

  const now = deps.clock.now();
  const schedule = await liveSchedule(deps, plan, now, logger);
  const planned = publishActionsFor(plan);
  const states = new Map(planned.map((a) => [a.key, actionState(schedule, a.key, now)]));
  // Only the due actions go now; the cancelled ones never; the others when their trigger fires.
  const actions = planned.filter((a) => states.get(a.key) === "due");
  const groups = new Map<string, PublishAction[]>();
  for (const action of actions) {
    const platform = platformOfAction(action);
    const group = publisherPlatformOf(platform) ?? platform;
    groups.set(group, [...(groups.get(group) ?? []), action]);
  }
  const credentials = new Map<PublisherPlatform, Promise<PlatformCredentials | undefined>>();
  const credentialsFor = (platform: PublisherPlatform) => {
    let found = credentials.get(platform);
    if (found === undefined) {
      found = deps.credentials.credentialsFor(plan.clientId, platform);
      credentials.set(platform, found);
    }
    return found;
  };
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const done = new Map<string, PublishOutcome>();
      for (const action of group) {
        try {
          const result = await runAction(deps, plan, withSponsoredPost(action, group, done), credentialsFor, input.retryFailed === true);
          // Held by another worker: the platform's later actions wait for it (and stay in order, so the
          // LinkedIn ad still sponsors the LinkedIn post); that worker, or a redelivery, does them.
          if (result === null) break;
          done.set(action.key, result);
        } catch (err) {
          // A store or credentials failure: the platform's later actions wait for a redelivery (the
          // action, if claimed, is taken over and reconciled once its lease expires); other platforms go on.
          logger.error("publishing an action failed", { planId: plan.id, key: action.key, error: errorText(err) });
          break;
        }
      }
    }),
  );

  const records = new Map((await deps.publications.actionRecords(plan.id)).map((r) => [r.key, r]));
  const dueFinished = actions.filter((a) => { const r = records.get(a.key); return r !== undefined && r.state !== "in-flight"; });
  if (dueFinished.length < actions.length) return { ...outcome, result: "in-progress" };
  // Every action that is not cancelled counts; one still waiting for its time (or a wire) has a trigger set.
  const required = planned.filter((a) => states.get(a.key) !== "cancelled");
  const finished = required.map((a) => records.get(a.key)).filter((r): r is PublishActionRecord => r !== undefined && r.state !== "in-flight");
  if (finished.length < required.length) {
    await setTriggers(deps, plan, schedule, required.filter((a) => records.get(a.key) === undefined && states.get(a.key) === "waiting").map((a) => a.key), logger);
    const done = finished.map(publishedActionOf);
    // What went out so far, on the plan (its status stays approved until the last action).
    await deps.publications.recordProgress(plan.id, { at: deps.clock.now().toISOString(), publishedAt: null, dryRun: finished.some((r) => r.dryRun !== null), actions: done });
    return { ...outcome, result: "scheduled", actions: done, retryableFailures: finished.filter((r) => r.state === "failed" && r.retryable && r.attempt < MAX_AUTOMATIC_ATTEMPTS).map(publishedActionOf) };
  }

  outcome.actions = finished.map(publishedActionOf);
  outcome.retryableFailures = finished.filter((r) => r.state === "failed" && r.retryable && r.attempt < MAX_AUTOMATIC_ATTEMPTS).map(publishedActionOf);
  const allPublished = finished.every((r) => r.state === "published");
  const finishedAt = deps.clock.now().toISOString();
  const publication: PlanPublication = {
    at: finishedAt,
    publishedAt: allPublished ? finished.reduce((latest, r) => (r.finishedAt! > latest ? r.finishedAt! : latest), "") || finishedAt : null,
    dryRun: finished.some((r) => r.dryRun !== null),
    actions: outcome.actions,
  };
  const event = makeEvent(
    "AmplificationPublished",
    `amplification-published:${plan.id}:${digestOf(finished)}`,
    {
      version: 1,
      planId: plan.id,
      releaseId: plan.releaseId,
      clientId: plan.clientId,
      outcome: allPublished ? "published" : finished.some((r) => r.state === "published") ? "partial" : "failed",
      publishedAt: publication.publishedAt,
      finishedAt,
      actions: outcome.actions.map(({ at: _at, attempts: _attempts, retryNotBefore: _notBefore, ...rest }) => rest),
    },
    finishedAt,
  );
  const completed = await deps.publications.completePublication(plan.id, allPublished ? "published" : "publish_failed", publication, event);
  if (completed === "completed") await publishRecorded({ bus: deps.bus, outbox: deps.outbox, logger }, [event], { planId: plan.id });
  outcome.result = "completed";

  const final = finished.filter((r) => r.state === "failed" && (!r.retryable || r.attempt >= MAX_AUTOMATIC_ATTEMPTS));
  if (final.length > 0 && deps.notify !== undefined) outcome.ownerEmail = await emailOwner(deps, deps.notify, plan, finished, final, logger);
  return outcome;
}

/**
 * The plan's schedule as of `now`: actions held for a wire are released (and the schedule saved)
 * once a wire has carried the release. A save that loses a race is left to the next run.
 */
async function liveSchedule(deps: PublishDeps, plan: AmplificationPlan, now: Date, logger: Logger): Promise<PlanSchedule | undefined> {
  const schedule = scheduleOf(plan);
  if (schedule === undefined || !schedule.actions.some((a) => a.held !== undefined && a.cancelled === undefined)) return schedule;
  const wireAt = deps.wireAt === undefined ? wireTimeOf(plan) : await deps.wireAt(plan);
  if (wireAt === null) return schedule;
  const released = releaseHeld(schedule, plan, await deps.disclosureOf?.(plan.clientId), wireAt, now);
  const next = { ...released, revision: schedule.revision + 1, updatedAt: now.toISOString(), updatedBy: "wire" };
  const saved = await deps.plans.saveSchedule(plan.id, next, schedule.revision);
  if (saved === "conflict") {
    logger.info("the schedule changed meanwhile; the wire release is applied on the next run", { planId: plan.id });
    return schedule;
  }
  return next;
}

/** One trigger per waiting action (idempotent: a redelivery sets the same ones). A failure is logged: the sweep finds the plan. */
async function setTriggers(deps: PublishDeps, plan: AmplificationPlan, schedule: PlanSchedule | undefined, keys: readonly string[], logger: Logger): Promise<void> {
  if (deps.scheduler === undefined || schedule === undefined) return;
  for (const key of keys) {
    const entry = schedule.actions.find((a) => a.key === key);
    if (entry === undefined) continue;
    try {
      await deps.scheduler.ensure({ planId: plan.id, actionKey: key, at: entry.scheduledFor, timeZone: plan.timezone });
    } catch (err) {
      logger.error("could not set the trigger of a scheduled action", { planId: plan.id, key, error: errorText(err) });
      throw new TransientError(`the trigger of ${key} could not be set; retry`);
    }
  }
}

/**
 * The publish consumer: Amplification Approved publishes the plan; Publication Retry Requested (an
 * operator, after fixing the cause) also retries actions that failed for good. The delivery fails
 * while retryable failures have attempts left (or the owner's email could not be sent yet), so the
 * bus redelivers; published actions are skipped on the next delivery.
 */
export async function publishOnEvent(deps: PublishDeps, event: { planId: string; retryFailed: boolean }): Promise<PublishRunOutcome> {
  const outcome = await publishApprovedPlan(deps, { planId: event.planId, retryFailed: event.retryFailed });
  if (outcome.result === "not-found") throw new TransientError(`plan ${event.planId} is not readable yet; retry`);
  if (outcome.result === "in-progress") {
    throw new TransientError(`plan ${event.planId} has actions without a result yet (in flight in another worker, or interrupted by an error logged above); retry`);
  }
  if (outcome.retryableFailures.length > 0) {
    throw new TransientError(`publishing plan ${event.planId}: ${outcome.retryableFailures.map((a) => `${a.key}: ${a.reason}${a.retryNotBefore === undefined ? "" : ` (the platform asked to wait: not before ${a.retryNotBefore})`}`).join("; ")}`);
  }
  if (outcome.ownerEmail === "failed-retryable") throw new TransientError(`the publishing-failure email of plan ${event.planId} could not be sent; retry`);
  return outcome;
}

/** Amplification Approved: publish the plan (see publishOnEvent). */
export function publishOnApproved(deps: PublishDeps, detail: Pick<AmplificationApprovedDetail, "planId">): Promise<PublishRunOutcome> {
  return publishOnEvent(deps, { planId: detail.planId, retryFailed: false });
}

function platformOfAction(action: PublishAction) {
  return action.kind === "organic-post" ? action.channel : action.platform;
}

/** A LinkedIn ad sponsors the plan's LinkedIn post when that post was published (or dry-run) first. */
function withSponsoredPost(action: PublishAction, group: readonly PublishAction[], done: ReadonlyMap<string, PublishOutcome>): PublishAction {
  if (action.kind !== "paused-ad" || action.platform !== "linkedin") return action;
  const post = group.find((a) => a.kind === "organic-post" && a.channel === "linkedin");
  const result = post === undefined ? undefined : done.get(post.key);
  if (result?.status !== "published") return action;
  const urn = result.dryRun !== undefined ? "{postUrn of the LinkedIn post}" : result.platformIds.postUrn;
  return urn === undefined ? action : { ...action, sponsoredPostId: urn };
}

async function runAction(
  deps: PublishDeps,
  plan: AmplificationPlan,
  action: PublishAction,
  credentialsFor: (platform: PublisherPlatform) => Promise<PlatformCredentials | undefined>,
  retryFailed: boolean,
): Promise<PublishOutcome | null> {
  const platform = platformOfAction(action);
  // Credentials first: if they cannot be read, nothing is claimed and the delivery is simply retried.
  const { publisher, credentials } = await publisherFor(deps, platform, credentialsFor);
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + (deps.leaseSeconds ?? PUBLISH_LEASE_SECONDS) * 1000).toISOString();
  const claim: ActionClaim = await deps.publications.claimAction(plan.id, { key: action.key, kind: action.kind, platform }, now.toISOString(), leaseUntil, { retryFailed, maxAttempts: MAX_AUTOMATIC_ATTEMPTS });
  if (claim.claim === "in-progress") return null;
  if (claim.claim !== "claimed") return outcomeOf(claim.record);

  let result: PublishOutcome;
  const dryRun = publisher === deps.publishers.dryRun;
  const approvedVersion = action.kind === "organic-post" ? plan.decision?.draftVersions[action.channel] : undefined;
  const draft = action.kind === "organic-post" ? plan.drafts.find((d) => d.channel === action.channel) : undefined;
  if (draft !== undefined && approvedVersion !== undefined && draft.version !== approvedVersion) {
    result = { status: "failed", retryable: false, reason: `The stored ${platform} draft (version ${draft.version}) is not the approved version ${approvedVersion}; nothing was posted` };
  } else {
    const toSend = action.kind === "organic-post" && claim.reconcile ? { ...action, reconcile: true } : action;
    try {
      result = await publisher.publish(toSend, credentials);
    } catch (err) {
      // Adapters report platform errors as outcomes; a throw is unexpected, and may have reached the platform.
      result = { status: "failed", retryable: true, reason: `Publishing stopped unexpectedly: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  // The one place a failure reason is stored, and from there shown, emailed, logged and printed: it
  // never carries a credential, whatever the adapter or the platform put in it (this client's own
  // credential values, and anything shaped like a credential).
  if (result.status === "failed") result = { ...result, reason: redactCredentials(result.reason, secretCredentialValues(credentials)) };
  const doneAt = deps.clock.now();
  // A platform's Retry-After outlives this delivery: stored with the action, the claim of every later
  // redelivery, retry or sweep waits for it (not only this run's own backoff).
  const waitSeconds = result.status === "failed" && result.retryable ? result.retryAfterSeconds : undefined;
  const saved = await deps.publications.finishAction(plan.id, action.key, claim.attempt, {
    state: result.status,
    finishedAt: doneAt.toISOString(),
    platformIds: result.status === "published" ? result.platformIds : {},
    url: result.status === "published" ? result.url : null,
    reason: result.status === "failed" ? result.reason : null,
    retryable: result.status === "failed" ? result.retryable : false,
    dryRun: result.status === "published" && dryRun ? (result.dryRun ?? { requests: [], note: null }) : null,
    ...(waitSeconds !== undefined && waitSeconds > 0 ? { retryNotBefore: new Date(doneAt.getTime() + waitSeconds * 1000).toISOString() } : {}),
  });
  if (saved === "lost") return null;
  return result;
}

async function publisherFor(
  deps: PublishDeps,
  platform: PublishedAction["platform"],
  credentialsFor: (platform: PublisherPlatform) => Promise<PlatformCredentials | undefined>,
): Promise<{ publisher: Publisher; credentials: PlatformCredentials }> {
  const adapter = publisherPlatformOf(platform);
  if (adapter === undefined) return { publisher: deps.publishers.dryRun, credentials: {} };
  const credentials = await credentialsFor(adapter);
  if (credentials === undefined) return { publisher: deps.publishers.dryRun, credentials: {} };
  return { publisher: deps.publishers.adapterFor(adapter), credentials };
}

function outcomeOf(record: PublishActionRecord): PublishOutcome {
  if (record.state === "published") {
    return { status: "published", platformIds: record.platformIds, url: record.url, ...(record.dryRun === null ? {} : { dryRun: record.dryRun }) };
  }
  return { status: "failed", retryable: record.retryable, reason: record.reason ?? "failed" };
}

export function publishedActionOf(record: PublishActionRecord): PublishedAction {
  return {
    key: record.key,
    kind: record.kind,
    platform: record.platform,
    status: record.state === "published" ? "published" : "failed",
    dryRun: record.dryRun !== null,
    platformIds: record.platformIds,
    url: record.url,
    // Records stored before reasons were redacted on the way in are redacted on the way out.
    reason: record.reason === null ? null : redactCredentialShapes(record.reason),
    retryable: record.retryable,
    attempts: record.attempt,
    ...(record.state === "failed" && record.retryNotBefore !== undefined ? { retryNotBefore: record.retryNotBefore } : {}),
    at: record.finishedAt ?? record.startedAt,
  };
}

/** A digest of the actions' results and attempts: the same results give the same event id (and the same email). */
function digestOf(records: readonly PublishActionRecord[], withReasons = false): string {
  const parts = records.map((r) => [r.key, r.state, r.retryable, r.attempt, JSON.stringify(r.platformIds), withReasons ? r.reason : ""].join("|")).sort();
  return createHash("sha256").update(parts.join("\n")).digest("base64url").slice(0, 16);
}

/** Emails the owner once per distinct set of final failures (sendOnce); a mail failure is logged, never fatal here. */
async function emailOwner(
  deps: PublishDeps,
  notify: NonNullable<PublishDeps["notify"]>,
  plan: AmplificationPlan,
  records: readonly PublishActionRecord[],
  failed: readonly PublishActionRecord[],
  logger: Logger,
): Promise<PublishRunOutcome["ownerEmail"]> {
  const key = { scope: `plan:${plan.id}`, kind: `publish-failed-${digestOf(failed, true)}`, recipient: plan.owner } as const;
  const sent = await sendOnce({ emails: notify.emails, mailer: notify.mailer, clock: deps.clock, logger }, key, () =>
    renderPublicationEmail({
      plan,
      to: plan.owner,
      from: notify.from,
      planLink: `${notify.baseUrl.replace(/\/+$/, "")}/plans/${encodeURIComponent(plan.id)}`,
      actions: records.map(publishedActionOf),
    }),
  );
  if (sent.status === "sent") return "sent";
  if (sent.status === "skipped") return "none";
  logger.error("the publishing-failure email to the owner failed", { planId: plan.id, retryable: sent.retryable, error: sent.error });
  return sent.retryable ? "failed-retryable" : "failed";
}

/** An error for the log: name and message, with anything shaped like a credential removed. */
function errorText(err: unknown): string {
  return redactCredentialShapes(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
}
