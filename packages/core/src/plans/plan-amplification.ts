import { createHash } from "node:crypto";
import type { ClientConfig, PressbridgeConfig } from "../config/config-schema.ts";
import { TransientError } from "../errors.ts";
import { makeEvent, type BusEvent, type ReleaseDetectedDetail } from "../events/catalog.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { Clock, EventBus, MediaListSource, PlanStore, ReleaseStore } from "../ports.ts";
import type { StoredRelease } from "../releases/release.ts";
import { composeAdBriefs } from "./briefs/index.ts";
import { composeDrafts, releaseSlug, trackedLink } from "./drafts/index.ts";
import { matchClients, type ClientMatch } from "./match-clients.ts";
import type { AmplificationPlan, PlanRelease } from "./plan.ts";
import { retryStateWrite } from "../retry-state-write.ts";

export interface PlanDeps {
  config: PressbridgeConfig;
  releases: ReleaseStore;
  plans: PlanStore;
  bus: EventBus;
  clock: Clock;
  mediaLists?: MediaListSource;
  logger?: Logger;
  /** Waits between retries of the plan's writes (default STATE_WRITE_RETRY_MS); tests shorten them. */
  stateWriteRetryMs?: readonly number[];
}

export interface PlanOutcome {
  releaseId: string;
  /** "no-release": the release is not (yet) readable; "baseline": never announced, so never planned. */
  status: "planned" | "no-match" | "baseline";
  plans: Array<{ planId: string; clientId: string; result: "created" | "exists" | "re-announced" }>;
}

export const PLAN_ANNOUNCE_LEASE_SECONDS = 60;

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
 * 4. publish "Amplification Planned" for each plan this delivery created, then mark it announced; a
 *    plan whose announcement was never confirmed is re-announced by a later delivery once its lease
 *    expired, and a delivery that finds the lease still held fails retryably.
 * The writes are retried for a while when the store fails (retryStateWrite): a create that failed and
 * then found its plan with its own creation time (the first answer was lost) is announced at once,
 * and an announcement already published is marked rather than left to lapse.
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

  const outcome: PlanOutcome = { releaseId: release.id, status: "planned", plans: [] };
  const toAnnounce: AmplificationPlan[] = [];
  let leaseHeld = 0;
  for (const match of matches) {
    const client = deps.config.clients.find((c) => c.id === match.clientId)!;
    const plan = await buildPlan(deps, release, client, match, nowIso);
    let createAttempt = 0;
    const created = await persist((attempt) => {
      createAttempt = attempt;
      return deps.plans.createPlan(plan);
    });
    if (created === "created") {
      toAnnounce.push(plan);
      outcome.plans.push({ planId: plan.id, clientId: client.id, result: "created" });
      continue;
    }
    const existing = await persist(() => deps.plans.getPlan(plan.id));
    if (createAttempt > 0 && existing !== undefined && existing.announce !== "announced" && existing.createdAt === plan.createdAt) {
      // Our own create (a failed attempt, then "exists" with our creation time): its answer was lost.
      toAnnounce.push(existing);
      outcome.plans.push({ planId: plan.id, clientId: client.id, result: "created" });
      continue;
    }
    if (existing === undefined || existing.announce === "announced") {
      outcome.plans.push({ planId: plan.id, clientId: client.id, result: "exists" });
      continue;
    }
    const until = new Date(now.getTime() + PLAN_ANNOUNCE_LEASE_SECONDS * 1000).toISOString();
    if (await deps.plans.takePlanAnnounceLease(plan.id, nowIso, until)) {
      toAnnounce.push(existing);
      outcome.plans.push({ planId: plan.id, clientId: client.id, result: "re-announced" });
    } else {
      leaseHeld++;
    }
  }

  await persist(() => deps.plans.recordReleasePlanning(release.id, planning));
  if (toAnnounce.length > 0) {
    await deps.bus.publish(toAnnounce.map((p) => amplificationPlannedEvent(p, nowIso)));
    for (const p of toAnnounce) await persist(() => deps.plans.markPlanAnnounced(p.id, nowIso));
  }
  if (leaseHeld > 0) {
    throw new TransientError(`${leaseHeld} plan(s) of release ${release.id} are being announced by another delivery; retry later`);
  }
  return outcome;
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
  const mediaList = await deps.mediaLists?.mediaListFor(client.id);
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
    match: { reason: match.reason, matched: match.matched },
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
    skipped: outcomes.flatMap((o) => (o.status === "skipped" ? [{ channel: o.channel, reason: o.reason }] : [])),
    briefs,
    announce: "pending",
    announceLeaseUntil: new Date(Date.parse(nowIso) + PLAN_ANNOUNCE_LEASE_SECONDS * 1000).toISOString(),
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
      adPlatforms: (plan.briefs as Array<{ platform: string }>).map((b) => b.platform),
      approvers: plan.approvers,
      createdAt: plan.createdAt,
    },
    nowIso,
  );
}
