import { createHash } from "node:crypto";
import type { ClientConfig, PressbridgeConfig } from "../config/config-schema.ts";
import { TransientError } from "../errors.ts";
import { makeEvent, type BusEvent, type ReleaseDetectedDetail } from "../events/catalog.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { Clock, EventBus, EventOutbox, MediaListSource, PlanStore, ReleaseStore } from "../ports.ts";
import { publishRecorded } from "../delivery/outbox.ts";
import type { StoredRelease } from "../releases/release.ts";
import { composeAdBriefs } from "./briefs/index.ts";
import { composeDrafts, composeFollowUps, releaseSlug, trackedLink } from "./drafts/index.ts";
import { matchClients, type ClientMatch } from "./match-clients.ts";
import type { AmplificationPlan, PlanRelease } from "./plan.ts";
import { retryStateWrite } from "../retry-state-write.ts";

export interface PlanDeps {
  config: PressbridgeConfig;
  releases: ReleaseStore;
  plans: PlanStore;
  bus: EventBus;
  /** Where each plan's announcement waits between the plan's write and the bus (the delivery kernel). */
  outbox: EventOutbox;
  clock: Clock;
  /** The clients' media lists (the journalist audience of ad briefs); required, so no wiring can forget them. */
  mediaLists: MediaListSource;
  logger?: Logger;
  /** Waits between retries of the plan's writes (default STATE_WRITE_RETRY_MS); tests shorten them. */
  stateWriteRetryMs?: readonly number[];
}

export interface PlanOutcome {
  releaseId: string;
  /** "no-release": the release is not (yet) readable; "baseline": never announced, so never planned. */
  status: "planned" | "no-match" | "baseline";
  plans: Array<{ planId: string; clientId: string; result: "created" | "exists" }>;
}


/** Deterministic plan id: one plan per release and client, whatever the number of deliveries. */
export function planIdFor(releaseId: string, clientId: string): string {
  return `p_${createHash("sha256").update(`${releaseId}\u0000${clientId}`).digest("base64url").slice(0, 22)}`;
}

export function windowDeadlineFor(detectedAt: string, windowHours: number): string {
  return new Date(Date.parse(detectedAt) + windowHours * 3600_000).toISOString();
}

/**
 * Turns a detected release into one amplification plan per matching client, ready to approve as it
 * stands: a valid draft per configured channel (or the exact reason a channel was skipped), an ad
 * brief per ad platform targeting journalists on the release's beat, and the window deadline.
 *
 * Why: the social team should only have to say yes; everything they need is drafted within seconds
 * of the release hitting the wire.
 *
 * Steps:
 * 1. read the release (the event carries only a summary of it); a baseline release is never planned;
 * 2. match clients (bound feeds, keywords on shared wires); with no match, record that on the
 *    release at once, so the audit can tell "no client" from "never planned";
 * 3. per client, compose drafts and briefs (pure and deterministic) and create the plan with a
 *    conditional write keyed by release and client: a redelivered event finds it and stops there;
 *    then record the match on the release, so a release with a planning record has all its plans
 *    (the delivery sweep looks for releases without one);
 * 4. each plan is created with its "Amplification Planned" in the outbox (one transaction), and the
 *    events of the plans this delivery created are published afterwards (publishRecorded); what the
 *    bus refuses waits in the outbox for the flush, so a redelivery that finds the plan has nothing
 *    left to do.
 * The writes are retried for a while when the store fails (retryStateWrite): a create that failed and
 * then found its plan with its own creation time (the first answer was lost) is published at once.
 */
export async function planAmplification(deps: PlanDeps, detail: ReleaseDetectedDetail): Promise<PlanOutcome> {
  const logger = deps.logger ?? silentLogger;
  const release = await deps.releases.getRelease(detail.releaseId);
  if (release === undefined) {
    throw new TransientError(`release ${detail.releaseId} is not readable yet; retry`);
  }
  if (release.announce === "baseline") return { releaseId: release.id, status: "baseline", plans: [] };

  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const persist = <T>(write: (attempt: number) => Promise<T>): Promise<T> =>
    retryStateWrite(write, deps.stateWriteRetryMs === undefined ? {} : { delaysMs: deps.stateWriteRetryMs });
  const matches = matchClients(deps.config, release, release.sources.map((s) => s.feedId));
  const planIds = matches.map((m) => planIdFor(release.id, m.clientId));
  const planning = { plannedAt: nowIso, clientIds: matches.map((m) => m.clientId), planIds };
  if (matches.length === 0) {
    await persist(() => deps.plans.recordReleasePlanning(release.id, planning));
    logger.info("release matched no client; kept without a plan", { releaseId: release.id });
    return { releaseId: release.id, status: "no-match", plans: [] };
  }

  const plans = await createPlans(deps, release, matches, nowIso);
  await persist(() => deps.plans.recordReleasePlanning(release.id, planning));
  await publishRecorded(deps, plans.toAnnounce, { releaseId: release.id });
  return { releaseId: release.id, status: "planned", plans: plans.results };
}

/**
 * Step 3 of planAmplification (and of replanRelease): per match, composes the plan and creates it
 * with its "Amplification Planned" in the outbox; returns what was created (to publish once the
 * release's planning record is written) and each plan's result.
 */
export async function createPlans(
  deps: PlanDeps,
  release: StoredRelease,
  matches: readonly ClientMatch[],
  nowIso: string,
): Promise<{ results: PlanOutcome["plans"]; toAnnounce: BusEvent[] }> {
  const persist = <T>(write: (attempt: number) => Promise<T>): Promise<T> =>
    retryStateWrite(write, deps.stateWriteRetryMs === undefined ? {} : { delaysMs: deps.stateWriteRetryMs });
  const results: PlanOutcome["plans"] = [];
  const toAnnounce: BusEvent[] = [];
  for (const match of matches) {
    const client = deps.config.clients.find((c) => c.id === match.clientId)!;
    const plan = await buildPlan(deps, release, client, match, nowIso);
    const event = amplificationPlannedEvent(plan, nowIso);
    let createAttempt = 0;
    const created = await persist((attempt) => {
      createAttempt = attempt;
      return deps.plans.createPlan(plan, event);
    });
    // "exists" after a failed attempt, with our creation time: our own create, whose answer was lost.
    const ours = created === "created" || (createAttempt > 0 && (await persist(() => deps.plans.getPlan(plan.id)))?.createdAt === plan.createdAt);
    if (ours) toAnnounce.push(event);
    results.push({ planId: plan.id, clientId: client.id, result: ours ? "created" : "exists" });
  }
  return { results, toAnnounce };
}

function toPlanRelease(release: StoredRelease): PlanRelease {
  return {
    id: release.id,
    title: release.title,
    summary: release.summary,
    url: release.url,
    wire: release.wire,
    issuer: release.issuer,
    tickers: release.tickers,
    language: release.language,
    industries: release.industries,
    subjects: release.subjects,
    keywords: release.keywords,
    publishedAt: release.publishedAt,
    detectedAt: release.detectedAt,
  };
}

async function buildPlan(
  deps: PlanDeps,
  release: StoredRelease,
  client: ClientConfig,
  match: ClientMatch,
  nowIso: string,
): Promise<AmplificationPlan> {
  const planRelease = toPlanRelease(release);
  const campaign = releaseSlug(planRelease);
  const windowDeadline = windowDeadlineFor(release.detectedAt, client.windowHours);
  const outcomes = composeDrafts({ release: planRelease, client });
  const mediaList = await deps.mediaLists.mediaListFor(client.id);
  const briefs = composeAdBriefs({
    release: planRelease,
    client,
    windowDeadline,
    trackedLink: (platform) => (release.url === null ? null : trackedLink(release.url, platform, campaign, "paid_social")),
    ...(mediaList === undefined ? {} : { mediaList }),
  });
  return {
    id: planIdFor(release.id, client.id),
    releaseId: release.id,
    clientId: client.id,
    clientName: client.name,
    status: "pending_approval",
    createdAt: nowIso,
    windowDeadline,
    windowHours: client.windowHours,
    timezone: client.timezone,
    owner: client.owner,
    approvers: client.approvers,
    match: { reason: match.reason, matched: match.matched, ...(match.requestedBy === undefined ? {} : { requestedBy: match.requestedBy }) },
    release: {
      title: release.title,
      url: release.url,
      wire: release.wire,
      issuer: release.issuer,
      tickers: release.tickers,
      language: release.language,
      detectedAt: release.detectedAt,
      publishedAt: release.publishedAt,
    },
    campaign,
    drafts: outcomes.flatMap((o) => (o.status === "ok" ? [{ ...o.draft, version: 1 }] : [])),
    followUps: composeFollowUps({ release: planRelease, client }).map((d) => ({ ...d, version: 1 })),
    skipped: outcomes.flatMap((o) => (o.status === "skipped" ? [{ channel: o.channel, reason: o.reason }] : [])),
    briefs,
    announce: "announced",
    announceLeaseUntil: null,
  };
}

/** A plan's "Amplification Planned"; its id is deterministic, so a redelivery (or the sweep's) is recognisable. */
export function amplificationPlannedEvent(plan: AmplificationPlan, nowIso: string): BusEvent {
  return makeEvent(
    "AmplificationPlanned",
    `amplification-planned:${plan.id}`,
    {
      version: 1,
      planId: plan.id,
      releaseId: plan.releaseId,
      clientId: plan.clientId,
      title: plan.release.title,
      windowDeadline: plan.windowDeadline,
      channels: plan.drafts.map((d) => d.channel),
      skippedChannels: plan.skipped.map((s) => s.channel),
      adPlatforms: plan.briefs.map((b) => b.platform),
      approvers: plan.approvers,
      createdAt: plan.createdAt,
    },
    nowIso,
  );
}
