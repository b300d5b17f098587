import { notifyOnPlanned, type NotifyDeps, type NotifyOutcome } from "@pressbridge/core";
import { notifyDepsFromEnv } from "./shared/aws-adapters.ts";
import { createFunctionLogger, eventDetailOf, wrapHandler } from "./shared/lambda-runtime.ts";

/** Emails the approvers of a planned amplification: validate the event, call the use case. */
export async function notifyApproversHandler(event: unknown, deps: NotifyDeps): Promise<NotifyOutcome> {
  return notifyOnPlanned(deps, eventDetailOf(event, "AmplificationPlanned"));
}

const { logger } = createFunctionLogger("notify-approvers");
const notifyDeps = notifyDepsFromEnv(logger);

export const handler = wrapHandler(
  "notify-approvers",
  logger,
  async (event: unknown) => notifyApproversHandler(event, await notifyDeps()),
  (o) => ({ planId: o.planId, sent: o.sent.length, skipped: o.skipped.length, failed: o.failed.length }),
);
