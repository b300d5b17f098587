import { DynamoDeliveryStore } from "@pressbridge/adapters";
import { flushOutbox, resumeStalledPublications, sendReminders, sweepUndeliveredWork, systemClock } from "@pressbridge/core";
import { approvalStore, eventBus, notifyDepsFromEnv, planStore, releaseStore } from "./shared/aws-adapters.ts";
import { configFromEnv, createFunctionLogger, wrapHandler } from "./shared/lambda-runtime.ts";

/**
 * Scheduled every few minutes: publishes events left in the outbox (a publish that failed after its
 * state change committed), finishes work an announcement promised and nobody did (releases announced
 * but never planned, plans whose approvers were not all emailed: docs/delivery.md), sends
 * half-window reminders for plans still pending, and resumes approved plans whose publication was
 * never recorded.
 */
const { logger } = createFunctionLogger("approval-sweep");
const config = configFromEnv();
const notifyDeps = notifyDepsFromEnv(logger);
const bus = eventBus();
const outbox = approvalStore();
const plans = planStore();
const releases = releaseStore();
const delivery = new DynamoDeliveryStore({ client: releases.client, tableName: releases.tableName });

export const handler = wrapHandler(
  "approval-sweep",
  logger,
  async () => {
    const flushed = await flushOutbox({ outbox, bus, clock: systemClock });
    const swept = await sweepUndeliveredWork({ releases, plans, delivery, bus, clock: systemClock, logger }, config);
    const reminders = await sendReminders(await notifyDeps(), config);
    const resumed = await resumeStalledPublications({ plans, bus, clock: systemClock, logger }, config);
    return {
      flushed,
      redeliveredReleases: swept.releases.length + swept.announced.length,
      redeliveredPlans: swept.plans.length,
      reminded: reminders.reduce((n, o) => n + o.sent.length, 0),
      resumedPublications: resumed.length,
    };
  },
  (r) => r,
);
