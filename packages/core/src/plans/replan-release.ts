import { ValidationError } from "../errors.ts";
import { publishRecorded } from "../delivery/outbox.ts";
import { retryStateWrite } from "../retry-state-write.ts";
import { createPlans, planIdFor, type PlanDeps, type PlanOutcome } from "./plan-amplification.ts";
import { keywordMatches, matchClients, type ClientMatch } from "./match-clients.ts";

export interface ReplanRequest {
  releaseId: string;
  /** Plan for this client even if its keywords do not match (a "manual" match); omitted, match as planning does. */
  clientId?: string | undefined;
  /** Who asked: a signed-in person's email, or "cli". Recorded on a manual plan. */
  requestedBy: string;
}

export interface ReplanOutcome {
  releaseId: string;
  /** "baseline": the release was never announced, so it is planned only for a named client. */
  status: PlanOutcome["status"];
  plans: Array<PlanOutcome["plans"][number] & { reason: ClientMatch["reason"] }>;
}

/**
 * Plans a stored release again with the workspace's current clients: after a keyword change, a new
 * client or approver, or for a release that matched nobody ("Plan for client..." on its page,
 * `pressbridge plan --release ID [--client ID]`).
 *
 * Why: a release that arrived before its client was set up would otherwise stay "matched no client"
 * for good.
 *
 * Steps:
 * 1. read the release (unknown: a ValidationError naming `release`); a named client must exist;
 * 2. match: without a client as planAmplification does (bound feeds, keywords; a baseline release is
 *    not planned), with one that client alone, its match reason "manual" (naming who asked) unless
 *    it matches anyway;
 * 3. create the plans with planAmplification's own steps (createPlans): plan ids are deterministic
 *    per release and client, so plans that exist are kept as they are and only new ones are created,
 *    each with its "Amplification Planned" in the outbox, so their approvers are emailed;
 * 4. record the union of the old and the new matches on the release (only when it grew), then
 *    publish the new plans' events. Running it twice creates nothing the second time.
 */
export async function replanRelease(deps: PlanDeps, request: ReplanRequest): Promise<ReplanOutcome> {
  const release = await deps.releases.getRelease(request.releaseId);
  if (release === undefined) throw new ValidationError("release", `there is no release "${request.releaseId}"`);
  let matches: ClientMatch[];
  if (request.clientId !== undefined) {
    const client = deps.config.clients.find((c) => c.id === request.clientId);
    if (client === undefined) throw new ValidationError("client", `there is no client "${request.clientId}"`);
    const natural = matchClients(deps.config, release, release.sources.map((s) => s.feedId)).find((m) => m.clientId === client.id);
    matches = [natural ?? { clientId: client.id, reason: "manual", matched: keywordMatches(client, release), requestedBy: request.requestedBy }];
  } else {
    if (release.announce === "baseline") return { releaseId: release.id, status: "baseline", plans: [] };
    matches = matchClients(deps.config, release, release.sources.map((s) => s.feedId));
  }

  const nowIso = deps.clock.now().toISOString();
  const persist = <T>(write: () => Promise<T>): Promise<T> =>
    retryStateWrite(write, deps.stateWriteRetryMs === undefined ? {} : { delaysMs: deps.stateWriteRetryMs });
  const { results, toAnnounce } = await createPlans(deps, release, matches, nowIso);

  const before = release.planning;
  const clientIds = [...new Set([...(before?.clientIds ?? []), ...matches.map((m) => m.clientId)])];
  if (before === null || clientIds.length > before.clientIds.length) {
    const planIds = clientIds.map((id) => planIdFor(release.id, id));
    await persist(() => deps.plans.recordReleasePlanning(release.id, { plannedAt: nowIso, clientIds, planIds }));
  }
  await publishRecorded(deps, toAnnounce, { releaseId: release.id });
  return {
    releaseId: release.id,
    status: matches.length === 0 ? "no-match" : "planned",
    plans: results.map((r) => ({ ...r, reason: matches.find((m) => m.clientId === r.clientId)!.reason })),
  };
}
