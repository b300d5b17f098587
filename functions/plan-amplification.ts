import { z } from "zod";
import { ValidationError, parseEventDetail, planAmplification, systemClock, type PlanDeps, type PlanOutcome } from "@pressbridge/core";
import { eventBus, planStore, releaseStore } from "./shared/aws-adapters.ts";
import { configFromEnv, createFunctionLogger, wrapHandler } from "./shared/lambda-runtime.ts";

/** The EventBridge envelope; only `detail-type` and `detail` are read. */
const EventBridgeEnvelope = z.object({ "detail-type": z.string(), detail: z.unknown() }).loose();

/** Plans amplification for one detected release: validate the event, call the use case. */
export async function planAmplificationHandler(event: unknown, deps: PlanDeps): Promise<PlanOutcome> {
  const envelope = EventBridgeEnvelope.safeParse(event);
  if (!envelope.success || envelope.data["detail-type"] !== "Release Detected") {
    throw new ValidationError("event", "expected an EventBridge \"Release Detected\" event");
  }
  return planAmplification(deps, parseEventDetail("ReleaseDetected", envelope.data.detail));
}

const { logger } = createFunctionLogger("plan-amplification");
const deps: PlanDeps = {
  config: configFromEnv(),
  releases: releaseStore(),
  plans: planStore(),
  bus: eventBus(),
  clock: systemClock,
  logger,
};

export const handler = wrapHandler(
  "plan-amplification",
  logger,
  (event: unknown) => planAmplificationHandler(event, deps),
  (o) => ({ releaseId: o.releaseId, status: o.status, plans: o.plans.length }),
);
