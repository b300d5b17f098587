import { flushOutbox, sendReminders, systemClock } from "@pressbridge/core";
import { approvalStore, eventBus, notifyDepsFromEnv } from "./shared/aws-adapters.ts";
import { configFromEnv, createFunctionLogger, wrapHandler } from "./shared/lambda-runtime.ts";

/**
 * Scheduled every few minutes: publishes decision events left in the outbox (a publish that failed
 * after its decision committed) and sends half-window reminders for plans still pending.
 */
const { logger } = createFunctionLogger("approval-sweep");
const config = configFromEnv();
const notifyDeps = notifyDepsFromEnv(logger);
const bus = eventBus();
const outbox = approvalStore();

export const handler = wrapHandler(
  "approval-sweep",
  logger,
  async () => {
    const flushed = await flushOutbox({ outbox, bus, clock: systemClock });
    const reminders = await sendReminders(await notifyDeps(), config);
    return { flushed, reminded: reminders.reduce((n, o) => n + o.sent.length, 0) };
  },
  (r) => r,
);
