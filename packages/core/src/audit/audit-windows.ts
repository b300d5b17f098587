import { mapWithConcurrency } from "../concurrency.ts";
import type { PressbridgeConfig } from "../config/config-schema.ts";
import type { Clock, FeedStateStore, PlanStore, ReleaseStore } from "../ports.ts";
import type { AmplificationPlan } from "../plans/plan.ts";
import type { AuditStore } from "./audit-ports.ts";
import { buildAuditReport, clientPeriod, plansToLookUp, releasePeriod, type AuditReport } from "./audit-report.ts";

export interface AuditReadDeps {
  config: PressbridgeConfig;
  audits: Pick<AuditStore, "plansByDeadline">;
  plans: Pick<PlanStore, "getPlan">;
  releases: Pick<ReleaseStore, "listReleases">;
  feedStates: Pick<FeedStateStore, "getFeedStates">;
  clock: Clock;
}

/** Releases read per audit at most; far above any real period (a wire carries a few hundred a day). */
export const MAX_AUDITED_RELEASES = 100_000;

/**
 * Audits every amplification window: which were missed, which are at risk, which approvals are
 * stale, which feeds are failing or silent. Read-only, so the dashboard can call it too.
 *
 * Why: a release that goes 72 hours without ads behind it is a lost opportunity nobody notices unless
 * something looks; and a wire that stops publishing looks exactly like a quiet day.
 *
 * Steps:
 * 1. per client, read the plans whose deadline is in the audited period through the client/deadline
 *    index (paged; never a Scan), so the cost is proportional to the releases in the period;
 * 2. read the releases detected in the matching detection period (the time-ordered release index),
 *    and look up by id any plan their planning names that step 1 did not return;
 * 3. read every configured feed's state in one batch;
 * 4. classify (buildAuditReport, pure): each plan in the right lists exactly once, every release
 *    without a plan becomes a finding, every unhealthy feed one finding.
 */
export async function auditWindows(deps: AuditReadDeps, options: { now?: Date; onlyClientId?: string } = {}): Promise<AuditReport> {
  const now = options.now ?? deps.clock.now();
  const { config } = deps;
  const settings = config.audit;
  const clients = config.clients.filter((c) => options.onlyClientId === undefined || c.id === options.onlyClientId);
  const perClient = await mapWithConcurrency(clients, 4, (client) => {
    const period = clientPeriod(client, now, settings);
    return deps.audits.plansByDeadline(client.id, period.from, period.to);
  });
  const plans = perClient.flat();
  const detected = releasePeriod(config, now, settings);
  const releases = clients.length === 0 ? [] : await deps.releases.listReleases({ ...detected, limit: MAX_AUDITED_RELEASES });
  const missing = plansToLookUp({ plans, releases, config, now });
  const extraPlans = new Map<string, AmplificationPlan | undefined>();
  await mapWithConcurrency(missing, 8, async (id) => {
    extraPlans.set(id, await deps.plans.getPlan(id));
  });
  const feedStates = await deps.feedStates.getFeedStates(config.feeds.filter((f) => f.enabled).map((f) => f.id));
  return buildAuditReport({
    now,
    config,
    plans,
    releases,
    extraPlans,
    feedStates,
    ...(options.onlyClientId === undefined ? {} : { onlyClientId: options.onlyClientId }),
  });
}
