import { SecretsManagerSigningKeys, SesMailer } from "@pressbridge/adapters";
import { flushOutbox, sendReminders, systemClock } from "@pressbridge/core";
import { approvalStore, eventBus, planStore } from "./shared/aws-adapters.ts";
import { configFromEnv, createFunctionLogger, requiredEnv, wrapHandler } from "./shared/lambda-runtime.ts";

/**
 * Scheduled every few minutes: publishes decision events left in the outbox (a publish that failed
 * after its decision committed) and sends half-window reminders for plans still pending.
 */
const { logger } = createFunctionLogger("approval-sweep");
const config = configFromEnv();
// In AWS, email goes through SES (the function's role may send from the configured identity only).
const mail = {
  mailer: new SesMailer(process.env.SES_CONFIGURATION_SET ? { configurationSetName: process.env.SES_CONFIGURATION_SET } : {}),
  from: requiredEnv("MAIL_FROM"),
};
const keys = new SecretsManagerSigningKeys({ secretId: requiredEnv("SIGNING_KEYS_SECRET_ARN") });
const baseUrl = requiredEnv("WEB_BASE_URL");
const plans = planStore();
const approvals = approvalStore();
const bus = eventBus();

export const handler = wrapHandler(
  "approval-sweep",
  logger,
  async () => {
    const flushed = await flushOutbox({ outbox: approvals, bus, clock: systemClock });
    const reminders = await sendReminders(
      { plans, approvals, mailer: mail.mailer, clock: systemClock, keys: await keys.get(), baseUrl, from: mail.from, logger },
      config,
    );
    return { flushed, reminded: reminders.reduce((n, o) => n + o.sent.length, 0) };
  },
  (r) => r,
);
