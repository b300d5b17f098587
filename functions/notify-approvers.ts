import { SecretsManagerSigningKeys, SesMailer } from "@pressbridge/adapters";
import { notifyOnPlanned, systemClock, type NotifyDeps, type NotifyOutcome } from "@pressbridge/core";
import { approvalStore, planStore } from "./shared/aws-adapters.ts";
import { createFunctionLogger, eventDetailOf, requiredEnv, wrapHandler } from "./shared/lambda-runtime.ts";

/** Emails the approvers of a planned amplification: validate the event, call the use case. */
export async function notifyApproversHandler(event: unknown, deps: NotifyDeps): Promise<NotifyOutcome> {
  return notifyOnPlanned(deps, eventDetailOf(event, "AmplificationPlanned"));
}

const { logger } = createFunctionLogger("notify-approvers");
// In AWS, email goes through SES (the function's role may send from the configured identity only).
const mail = {
  mailer: new SesMailer(process.env.SES_CONFIGURATION_SET ? { configurationSetName: process.env.SES_CONFIGURATION_SET } : {}),
  from: requiredEnv("MAIL_FROM"),
};
const keys = new SecretsManagerSigningKeys({ secretId: requiredEnv("SIGNING_KEYS_SECRET_ARN") });
const baseUrl = requiredEnv("WEB_BASE_URL");
const plans = planStore();
const approvals = approvalStore();

export const handler = wrapHandler(
  "notify-approvers",
  logger,
  async (event: unknown) =>
    notifyApproversHandler(event, { plans, approvals, mailer: mail.mailer, clock: systemClock, keys: await keys.get(), baseUrl, from: mail.from, logger }),
  (o) => ({ planId: o.planId, sent: o.sent.length, skipped: o.skipped.length, failed: o.failed.length }),
);
