import { planAmplification, systemClock, type PlanDeps, type PlanOutcome } from "@pressbridge/core";
import { eventBus, planStore, releaseStore } from "./shared/aws-adapters.ts";
import { configFromEnv, createFunctionLogger, eventDetailOf, wrapHandler } from "./shared/lambda-runtime.ts";

/** Plans amplification for one detected release: validate the event, call the use case. */
export async function planAmplificationHandler(event: unknown, deps: PlanDeps): Promise<PlanOutcome> {
  return planAmplification(deps, eventDetailOf(event, "ReleaseDetected"));
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
