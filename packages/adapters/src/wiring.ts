import { z } from "zod";
import {
  ROUTES,
  newlyMissedSince,
  pollFeeds,
  runAudit,
  type AuditOutcome,
  type PollSummary,
  ValidationError,

  approversFromConfig,
  flushOutbox,
  notifyOnPlanned,
  parseEventDetail,
  planAmplification,
  replanRelease,
  publishOnEvent,
  resumeStalledPublications,
  sendReminders,
  sweepUndeliveredWork,
  type ApprovalStore,
  type ActionScheduler,
  type ActionTriggerQueue,
  fireDueActions,
  type AuditStore,
  type BusEvent,
  type Clock,
  type CredentialSource,
  type DeliverySweepStore,
  type EmailLedger,
  type EventBus,
  type EventOutbox,
  type FeedFetcher,
  type FeedStateStore,
  type Logger,
  type Mailer,
  type MediaListSource,
  type NotifyDeps,
  type NotifyOutcome,
  type PlanDeps,
  type PlanOutcome,
  type PlanStore,
  type PollDeps,
  type PressbridgeConfig,
  type PublicationStore,
  type PublishDeps,
  type PublishRunOutcome,
  type PublisherDirectory,
  type RateLimitStore,
  type ReleaseStore,
  type SessionStore,
  type ReviewDeps,
  type RunAuditDeps,
  type SigningKeys,
  type SweepDeps,
  type WorkspaceStore,
  configOf,
  orphanFeeds,
  wireTimeOf,
  ingestPushedDocument,
  renewWebSubSubscriptions,
  type WebSubHubClient,
  type WebSubStore,
} from "@pressbridge/core";

/**
 * The one wiring of Pressbridge (docs/architecture.md, "Wiring"). An adapter set is everything the
 * use cases talk to; the Lambda functions pass the AWS set (aws-adapter-set.ts), `pressbridge start`
 * and the other local commands the local one (packages/cli/src/runtime/local-context.ts). Every
 * use case's dependencies are built here from a set, and nowhere else, so the two cannot drift.
 *
 * Members are read only when a use case needs them: the AWS set creates each adapter on first read,
 * so a function never needs the environment of another.
 */
export interface AdapterSet {
  /** Clients, feeds, people, media lists: read afresh by every use case run, so edits apply at once. */
  readonly workspace: WorkspaceStore;
  readonly releases: ReleaseStore & FeedStateStore;
  readonly plans: PlanStore;
  readonly approvals: ApprovalStore;
  readonly emails: EmailLedger;
  readonly outbox: EventOutbox;
  readonly publications: PublicationStore;
  readonly audits: AuditStore;
  readonly delivery: DeliverySweepStore;
  /** Signed-in sessions and the single-use claims of sign-in links. */
  readonly sessions: SessionStore;
  /** The sign-in requests' rate-limit counters. */
  readonly rateLimits: RateLimitStore;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly fetcher: FeedFetcher;
  readonly parse: PollDeps["parse"];
  readonly mediaLists: MediaListSource;
  readonly mailer: Mailer;
  /** Sender of every email. */
  readonly mailFrom: string;
  /** Where the approval web app answers (links in emails), without a trailing slash; required by the steps that email links. */
  readonly webBaseUrl: string | undefined;
  /** The current signing keys (Secrets Manager in AWS, refreshed for rotation; a file locally). */
  signingKeys(): Promise<SigningKeys>;
  readonly publishers: PublisherDirectory;
  readonly credentials: CredentialSource;
  /** What fires scheduled actions at their time: EventBridge Scheduler in AWS; NO_ACTION_SCHEDULER locally (the runtime's timer). */
  readonly scheduler: ActionScheduler;
  /** WebSub subscriptions (docs/websub.md); without them (or the hub client) nothing subscribes and /websub answers 404. */
  readonly websub?: WebSubStore;
  /** Sends subscription requests to hubs, under the feed fetcher's SSRF rules. */
  readonly websubHub?: WebSubHubClient;
}

/** An adapter set whose members are created on first read and kept (one per container or process). */
export function lazyAdapterSet(factories: { [K in keyof AdapterSet]: () => AdapterSet[K] }): AdapterSet {
  const made = new Map<string, unknown>();
  const set = {} as AdapterSet;
  for (const name of Object.keys(factories) as Array<keyof AdapterSet>) {
    Object.defineProperty(set, name, {
      enumerable: true,
      get: () => {
        if (!made.has(name)) made.set(name, factories[name]!());
        return made.get(name);
      },
    });
  }
  return set;
}

// ---- each use case's dependencies -------------------------------------------------------------

/**
 * The workspace as the use cases read it (the config file's shape): loaded from the table at every
 * call, so a client, feed or approver added in the app or the CLI is used by the next poll tick, the
 * next plan, the next decision. One query.
 */
export async function currentConfig(a: Pick<AdapterSet, "workspace"> & { logger?: Logger }): Promise<PressbridgeConfig> {
  const ws = await a.workspace.load();
  const orphans = orphanFeeds(ws);
  // Left by older data: the feed is not polled until its client is back or the feed removed.
  if (orphans.length > 0) a.logger?.warn("feeds bound to a removed client are not polled", { feedIds: orphans.map((f) => f.id) });
  return configOf(ws);
}

export async function pollDeps(a: AdapterSet, extra: Partial<PollDeps> = {}): Promise<PollDeps> {
  return { config: extra.config ?? (await currentConfig(a)), fetcher: a.fetcher, feedStates: a.releases, releases: a.releases, bus: a.bus, outbox: a.outbox, clock: a.clock, parse: a.parse, logger: a.logger, ...extra };
}

export async function planDeps(a: AdapterSet): Promise<PlanDeps> {
  return { config: await currentConfig(a), releases: a.releases, plans: a.plans, bus: a.bus, outbox: a.outbox, clock: a.clock, mediaLists: a.mediaLists, logger: a.logger };
}

export async function notifyDeps(a: AdapterSet): Promise<NotifyDeps> {
  return { plans: a.plans, emails: a.emails, mailer: a.mailer, clock: a.clock, keys: await a.signingKeys(), baseUrl: webBaseUrlOf(a), from: a.mailFrom, logger: a.logger };
}

/** The web app's address, which links in emails need: a missing one is an error naming WEB_BASE_URL. */
function webBaseUrlOf(a: AdapterSet): string {
  if (a.webBaseUrl === undefined) throw new ValidationError("WEB_BASE_URL", "the approval web app's address is required to email links");
  return a.webBaseUrl;
}

export function publishDeps(a: AdapterSet): PublishDeps {
  return {
    plans: a.plans,
    publications: a.publications,
    publishers: a.publishers,
    credentials: a.credentials,
    bus: a.bus,
    outbox: a.outbox,
    clock: a.clock,
    logger: a.logger,
    notify: { mailer: a.mailer, emails: a.emails, from: a.mailFrom, baseUrl: webBaseUrlOf(a) },
    scheduler: a.scheduler,
    ...schedulingDeps(a),
  };
}

/**
 * What scheduling reads at decision and publishing time: the client's disclosure settings from the
 * workspace now, and when a wire carried the release: the plan's own wire time, else the first
 * source of the release on a shared feed (a wire) since the plan was made from its newsroom.
 */
export function schedulingDeps(a: Pick<AdapterSet, "workspace" | "releases" | "logger">): Required<Pick<PublishDeps, "disclosureOf" | "wireAt">> {
  return {
    disclosureOf: async (clientId) => (await currentConfig(a)).clients.find((c) => c.id === clientId)?.disclosure,
    wireAt: async (plan) => {
      const known = wireTimeOf(plan);
      if (known !== null) return known;
      const release = await a.releases.getRelease(plan.releaseId);
      if (release === undefined) return null;
      const shared = new Set((await currentConfig(a)).feeds.filter((f) => f.clientId === undefined).map((f) => f.id));
      const onWire = release.sources.filter((s) => shared.has(s.feedId)).map((s) => s.seenAt).sort();
      return onWire[0] ?? null;
    },
  };
}

/** The review use cases' dependencies; a decision checks the client's current approvers (read then). */
export function reviewDeps(a: AdapterSet, keys: SigningKeys | (() => SigningKeys)): ReviewDeps {
  const current = typeof keys === "function" ? keys : () => keys;
  return {
    plans: a.plans,
    approvals: a.approvals,
    outbox: a.outbox,
    bus: a.bus,
    clock: a.clock,
    get keys(): SigningKeys {
      return current();
    },
    currentApprovers: async (clientId) => approversFromConfig(await currentConfig(a))(clientId),
    logger: a.logger,
    ...schedulingDeps(a),
  };
}

export async function auditDeps(a: AdapterSet): Promise<RunAuditDeps> {
  return {
    config: await currentConfig(a),
    audits: a.audits,
    plans: a.plans,
    releases: a.releases,
    feedStates: a.releases,
    clock: a.clock,
    mailer: a.mailer,
    emails: a.emails,
    bus: a.bus,
    outbox: a.outbox,
    from: a.mailFrom,
    baseUrl: a.webBaseUrl,
    logger: a.logger,
  };
}

export function sweepDeps(a: AdapterSet): SweepDeps {
  return { releases: a.releases, plans: a.plans, delivery: a.delivery, bus: a.bus, outbox: a.outbox, clock: a.clock, logger: a.logger };
}

/**
 * What the approval web app needs from a set (the caller adds its address and any local pages). It
 * reads the workspace per request; the dashboard only reads (the audit's windows); sign-in emails
 * links and keeps sessions.
 */
export function webAppDeps(a: AdapterSet, keys: SigningKeys | (() => SigningKeys)) {
  const dashboard = { audits: a.audits, plans: a.plans, releases: a.releases, feedStates: a.releases, clock: a.clock };
  // Sign-in: the links go out through the mailer; sessions and the rate limits live in the table.
  // Read at the first sign-in request, so a set without a sender fails there, naming MAIL_FROM.
  const signIn = {
    sessions: a.sessions,
    rateLimits: a.rateLimits,
    get mailer(): Mailer {
      return a.mailer;
    },
    get from(): string {
      return a.mailFrom;
    },
  };
  // The release pages: a release and "Plan for client..." (replanRelease with the workspace of the moment).
  const releasePages = { releases: a.releases, replan: async (request: Parameters<typeof replanRelease>[1]) => replanRelease(await planDeps(a), request) };
  // WebSub callbacks (/websub/<callbackId>): verification of intent and pushes, settled by the poll's path.
  const websub = a.websub === undefined ? undefined : websubCallbackDeps(a, a.websub);
  return { review: reviewDeps(a, keys), workspace: a.workspace, logger: a.logger, dashboard, publications: a.publications, signIn, releasePages, scheduler: a.scheduler, ...(websub === undefined ? {} : { websub }) };
}

/** What the web app's WebSub routes need: the subscriptions, the feed states, and the poll's document path. */
export function websubCallbackDeps(a: AdapterSet, subscriptions: WebSubStore) {
  return {
    subscriptions,
    feedStates: a.releases,
    clock: a.clock,
    logger: a.logger,
    ingest: async (feedId: string, pushed: { body: Uint8Array; contentType: string | undefined }) => ingestPushedDocument(await pollDeps(a), feedId, pushed),
  };
}

// ---- the consumers of the routes table --------------------------------------------------------

/** One consumer of the routes table, built from an adapter set. */
export interface BuiltConsumer<O = unknown> {
  /** The dependencies its use case runs with (what the wiring test compares between sets). */
  dependencies(): Promise<object>;
  /** Validates the event against the catalog and runs the use case. */
  handle(event: BusEvent): Promise<O>;
  /** Counts for the structured "done" log line. */
  summary(outcome: O): Record<string, unknown>;
  /** What a person watching `pressbridge start` is told, if anything. */
  describe(outcome: O): string | undefined;
}

/** What a consumer's use case returns. */
export type ConsumerOutcome<N extends keyof Consumers> = Consumers[N] extends BuiltConsumer<infer O> ? O : never;

export interface Consumers {
  "plan-amplification": BuiltConsumer<PlanOutcome>;
  "notify-approvers": BuiltConsumer<NotifyOutcome>;
  publish: BuiltConsumer<PublishRunOutcome>;
}

/** Every consumer of the routes table (keyed by its consumer name), wired from one adapter set. */
export function buildConsumers(a: AdapterSet): Consumers {
  const consumers: Consumers = {
    "plan-amplification": {
      dependencies: () => planDeps(a),
      handle: async (event) => planAmplification(await planDeps(a), parseEventDetail("ReleaseDetected", routed("plan-amplification", event).detail)),
      summary: (o) => ({ releaseId: o.releaseId, status: o.status, plans: o.plans.length }),
      describe: (o) => {
        const created = o.plans.filter((p) => p.result === "created");
        return created.length === 0 ? undefined : `planned amplification of release ${o.releaseId} for ${created.map((p) => p.clientId).join(", ")}`;
      },
    },
    "notify-approvers": {
      dependencies: () => notifyDeps(a),
      handle: async (event) => notifyOnPlanned(await notifyDeps(a), parseEventDetail("AmplificationPlanned", routed("notify-approvers", event).detail)),
      summary: (o) => ({ planId: o.planId, sent: o.sent.length, skipped: o.skipped.length, failed: o.failed.length }),
      describe: (o) => (o.sent.length === 0 ? undefined : `approval email sent to ${o.sent.join(", ")} (plan ${o.planId})`),
    },
    publish: {
      dependencies: async () => publishDeps(a),
      handle: (event) => {
        routed("publish", event);
        const request =
          event.detailType === "Publication Retry Requested"
            ? parseEventDetail("PublicationRetryRequested", event.detail)
            : { ...parseEventDetail("AmplificationApproved", event.detail), retryFailed: false };
        return publishOnEvent(publishDeps(a), { planId: request.planId, retryFailed: request.retryFailed });
      },
      summary: (o) => ({
        planId: o.planId,
        result: o.result,
        published: o.actions.filter((x) => x.status === "published").length,
        dryRuns: o.actions.filter((x) => x.dryRun).length,
        failed: o.actions.filter((x) => x.status === "failed").length,
      }),
      describe: (o) => {
        const failed = o.actions.filter((x) => x.status === "failed");
        const dryRuns = o.actions.filter((x) => x.status === "published" && x.dryRun).length;
        return `published plan ${o.planId}: ${o.actions.length - failed.length} of ${o.actions.length} actions${dryRuns > 0 ? ` (${dryRuns} dry runs)` : ""}${failed.length > 0 ? `; failed: ${failed.map((x) => `${x.key}: ${x.reason}`).join("; ")}` : ""}`;
      },
    },
  };
  for (const route of ROUTES) {
    if (!(route.consumer in consumers)) throw new Error(`no consumer is wired for "${route.consumer}" of the routes table`);
  }
  return consumers;
}

/** The event, if its detail-type is routed to `consumer`; anything else is a ValidationError (not worth retrying). */
function routed(consumer: string, event: BusEvent): BusEvent {
  const route = ROUTES.find((r) => r.consumer === consumer);
  if (route === undefined || !(route.detailTypes as readonly string[]).includes(event.detailType)) {
    const expected = (route?.detailTypes ?? []).map((t) => `"${t}"`).join(" or ");
    throw new ValidationError("event", `expected ${expected} event, got "${String(event.detailType).slice(0, 80)}"`);
  }
  return event;
}

// ---- the scheduled jobs ---------------------------------------------------------------------

/** One scheduled job (EventBridge Scheduler in AWS, a timer in `pressbridge start`), built from an adapter set. */
export interface BuiltJob<O> {
  /** Validates the schedule's input (or an operator's) and runs the job. */
  handle(input: unknown): Promise<O>;
  summary(outcome: O): Record<string, unknown>;
}

/** What the schedule (or an operator) may send the poll: poll due feeds, all feeds, or a subset (fan-out). */
const PollInput = z.object({ all: z.boolean().optional(), feedIds: z.array(z.string()).max(1000).optional() }).loose();

/** What the hourly schedule (or an operator) may send the audit: optionally the time to audit as of. */
const AuditInput = z.object({ now: z.iso.datetime({ offset: true }).optional() }).loose();

export interface AuditJobResult {
  auditId: string;
  counts: AuditOutcome["report"]["counts"];
  /** Windows that closed since the previous audit: what the alarm fires on, each miss counted once. */
  newlyMissed: number;
  digestsSent: number;
  digestsFailed: number;
}

export interface Jobs {
  "poll-feeds": BuiltJob<PollSummary>;
  audit: BuiltJob<AuditJobResult>;
  "approval-sweep": BuiltJob<MaintenanceOutcome>;
}

export type JobOutcome<N extends keyof Jobs> = Jobs[N] extends BuiltJob<infer O> ? O : never;

export function buildJobs(a: AdapterSet): Jobs {
  return {
    "poll-feeds": {
      handle: async (input) => {
        const parsed = PollInput.safeParse(input ?? {});
        if (!parsed.success) throw new ValidationError("event", parsed.error.issues[0]?.message ?? "invalid input");
        const { all, feedIds } = parsed.data;
        return pollFeeds(await pollDeps(a), { ...(all === undefined ? {} : { all }), ...(feedIds === undefined ? {} : { feedIds }) });
      },
      summary: (s) => ({
        feeds: s.feeds.length,
        errors: s.feeds.filter((f) => f.status === "error").length,
        unchanged: s.feeds.filter((f) => f.status === "unchanged").length,
        newReleases: s.feeds.reduce((n, f) => n + f.newReleases, 0),
      }),
    },
    audit: {
      handle: async (input) => {
        const parsed = AuditInput.safeParse(input ?? {});
        if (!parsed.success) throw new ValidationError(`event.${parsed.error.issues[0]?.path.join(".") ?? ""}`, parsed.error.issues[0]?.message ?? "invalid input");
        const previous = await a.audits.latestReport();
        const outcome = await runAudit(await auditDeps(a), parsed.data.now === undefined ? {} : { now: new Date(parsed.data.now) });
        return {
          auditId: outcome.report.id,
          counts: outcome.report.counts,
          newlyMissed: newlyMissedSince(outcome.report, previous?.at),
          digestsSent: outcome.digests.filter((d) => d.status === "sent").length,
          digestsFailed: outcome.digests.filter((d) => d.status === "failed").length,
        };
      },
      summary: (r) => ({ auditId: r.auditId, ...r.counts, newlyMissed: r.newlyMissed, digestsSent: r.digestsSent, digestsFailed: r.digestsFailed }),
    },
    "approval-sweep": { handle: () => runMaintenance(a), summary: (r) => ({ ...r }) },
  };
}

// ---- the scheduled maintenance run ------------------------------------------------------------

export interface MaintenanceOutcome {
  flushed: number;
  redeliveredReleases: number;
  redeliveredPlans: number;
  reminded: number;
  resumedPublications: number;
  /** Plans whose scheduled actions came due and were published (the local runtime). */
  scheduledFired: number;
  /** WebSub subscription requests the hubs accepted, new and renewals (set when the set subscribes). */
  websubRequested?: number;
}

/**
 * What runs on a schedule besides polling and the audit (the approval-sweep function every 5
 * minutes; `pressbridge start` every tick, the undelivered-work sweep every minute): flush the
 * outbox, redeliver work a consumer never finished, remind approvers at half-window, resume
 * approved plans whose publication stalled. Each part fails alone; the others still run.
 */
export async function runMaintenance(a: AdapterSet, options: { sweep?: boolean } = {}): Promise<MaintenanceOutcome> {
  const outcome: MaintenanceOutcome = { flushed: 0, redeliveredReleases: 0, redeliveredPlans: 0, reminded: 0, resumedPublications: 0, scheduledFired: 0 };
  const failures: string[] = [];
  const config = await currentConfig(a);
  const step = async (name: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      a.logger.error(`maintenance step failed: ${name}`, { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
  };
  await step("outbox flush", async () => {
    outcome.flushed = await flushOutbox({ outbox: a.outbox, bus: a.bus, clock: a.clock, logger: a.logger });
  });
  if (options.sweep !== false) {
    await step("undelivered work", async () => {
      const swept = await sweepUndeliveredWork(sweepDeps(a), config);
      outcome.redeliveredReleases = swept.releases.length;
      outcome.redeliveredPlans = swept.plans.length;
    });
  }
  await step("reminders", async () => {
    const reminders = await sendReminders(await notifyDeps(a), config);
    outcome.reminded = reminders.reduce((n, o) => n + o.sent.length, 0);
  });
  // Locally the scheduled actions' triggers are data: fire the due ones (in AWS EventBridge Scheduler does).
  const triggers = a.scheduler as Partial<ActionTriggerQueue>;
  if (typeof triggers.due === "function") {
    await step("scheduled actions", async () => {
      outcome.scheduledFired = (await fireDueActions({ ...publishDeps(a), triggers: a.scheduler as ActionTriggerQueue })).plans;
    });
  }
  // WebSub: subscribe to advertised hubs, renew before the lease ends (docs/websub.md).
  if (a.websub !== undefined && a.websubHub !== undefined && a.webBaseUrl !== undefined) {
    const deps = { config, feedStates: a.releases, subscriptions: a.websub, hub: a.websubHub, clock: a.clock, callbackBaseUrl: a.webBaseUrl, logger: a.logger };
    await step("websub subscriptions", async () => {
      outcome.websubRequested = (await renewWebSubSubscriptions(deps)).requested;
    });
  }
  await step("stalled publications", async () => {
    outcome.resumedPublications = (await resumeStalledPublications({ plans: a.plans, bus: a.bus, outbox: a.outbox, clock: a.clock, logger: a.logger }, config)).length;
  });
  if (failures.length > 0) throw new Error(`maintenance ran with failures (the rest was done): ${failures.join("; ")}`);
  return outcome;
}

