import { flushOutbox, resumeStalledPublications, sendReminders, systemClock } from "@pressbridge/core";
import { approvalStore, eventBus, notifyDepsFromEnv, planStore } from "./shared/aws-adapters.ts";
import { configFromEnv, createFunctionLogger, wrapHandler } from "./shared/lambda-runtime.ts";

/**
 * Scheduled every few minutes: publishes events left in the outbox (a publish that failed after its
 * state change committed), sends half-window reminders for plans still pending, and resumes approved
 * plans whose publication was never recorded.
 */
const { logger } = createFunctionLogger("approval-sweep");
const config = configFromEnv();
const notifyDeps = notifyDepsFromEnv(logger);
const bus = eventBus();
const outbox = approvalStore();
const plans = planStore();

export const handler = wrapHandler(
  "approval-sweep",
  logger,
  async () => {
    const flushed = await flushOutbox({ outbox, bus, clock: systemClock });
    const reminders = await sendReminders(await notifyDeps(), config);
    const resumed = await resumeStalledPublications({ plans, bus, clock: systemClock, logger }, config);
    return { flushed, reminded: reminders.reduce((n, o) => n + o.sent.length, 0), resumedPublications: resumed.length };
  },
  (r) => r,
);
