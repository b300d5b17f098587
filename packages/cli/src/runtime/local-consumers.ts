import { ROUTES, notifyOnPlanned, parseEventDetail, planAmplification, publishOnEvent, type BusEvent, type NotifyDeps } from "@pressbridge/core";
import { publishDeps, type LocalContext } from "./local-context.ts";

/**
 * The local twin of the Lambda consumers: one handler per consumer in the routes table, each parsing
 * the event detail with the catalog's schema and calling the same use case as its Lambda. A consumer
 * in the routes table without a local handler is a start-up error, so local and cloud cannot drift.
 */
export function subscribeLocalConsumers(ctx: LocalContext): void {
  const handlers: Record<string, (event: BusEvent) => Promise<void>> = {
    "plan-amplification": async (event) => {
      const detail = parseEventDetail("ReleaseDetected", event.detail);
      const outcome = await planAmplification(
        { config: ctx.config, releases: ctx.store, plans: ctx.plans, bus: ctx.bus, clock: ctx.clock, mediaLists: ctx.mediaLists, logger: ctx.logger },
        detail,
      );
      for (const p of outcome.plans) {
        if (p.result === "created") ctx.logger.info(`planned amplification for ${p.clientId}: ${detail.title}`, { planId: p.planId });
      }
    },
    "notify-approvers": async (event) => {
      const detail = parseEventDetail("AmplificationPlanned", event.detail);
      const outcome = await notifyOnPlanned(notifyDeps(ctx), detail);
      if (outcome.sent.length > 0) {
        ctx.logger.info(`approval email sent to ${outcome.sent.join(", ")} (${ctx.mail.description})`, { planId: detail.planId });
      }
    },
    publish: async (event) => {
      const detail =
        event.detailType === "Publication Retry Requested"
          ? parseEventDetail("PublicationRetryRequested", event.detail)
          : { ...parseEventDetail("AmplificationApproved", event.detail), retryFailed: false };
      const outcome = await publishOnEvent(publishDeps(ctx), { planId: detail.planId, retryFailed: detail.retryFailed });
      const failed = outcome.actions.filter((a) => a.status === "failed");
      const dryRuns = outcome.actions.filter((a) => a.status === "published" && a.dryRun).length;
      ctx.logger.info(
        `published plan ${detail.planId}: ${outcome.actions.length - failed.length} of ${outcome.actions.length} actions${dryRuns > 0 ? ` (${dryRuns} dry runs)` : ""}${failed.length > 0 ? `; failed: ${failed.map((a) => `${a.key}: ${a.reason}`).join("; ")}` : ""}`,
        { planId: detail.planId },
      );
    },
  };
  for (const route of ROUTES) {
    const handler = handlers[route.consumer];
    if (handler === undefined) throw new Error(`no local handler for consumer "${route.consumer}" of the routes table`);
    ctx.bus.subscribe(route.consumer, handler);
  }
}

export function notifyDeps(ctx: LocalContext): NotifyDeps {
  return {
    plans: ctx.plans,
    approvals: ctx.approvals,
    mailer: ctx.mail.mailer,
    clock: ctx.clock,
    keys: ctx.keys,
    baseUrl: ctx.baseUrl,
    from: ctx.mail.from,
    logger: ctx.logger,
  };
}
