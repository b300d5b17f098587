import { SecretsManagerCredentialSource, SesMailer, createPublisherDirectory } from "@pressbridge/adapters";
import { publishOnEvent, systemClock, type PublishDeps, type PublishRunOutcome } from "@pressbridge/core";
import { approvalStore, eventBus, planStore, publicationStore } from "./shared/aws-adapters.ts";
import { createFunctionLogger, eventDetailOf, requiredEnv, wrapHandler } from "./shared/lambda-runtime.ts";

/**
 * Publishes an approved plan (Amplification Approved), or retries its failed actions on an
 * operator's request (Publication Retry Requested): validate the event, call the use case. A
 * retryable failure fails the invocation, so Lambda's async retries (then the DLQ) take over.
 */
export async function publishHandler(event: unknown, deps: PublishDeps): Promise<PublishRunOutcome> {
  const detailType = (event as { "detail-type"?: unknown } | null)?.["detail-type"];
  if (detailType === "Publication Retry Requested") {
    const detail = eventDetailOf(event, "PublicationRetryRequested");
    return publishOnEvent(deps, { planId: detail.planId, retryFailed: detail.retryFailed });
  }
  return publishOnEvent(deps, { planId: eventDetailOf(event, "AmplificationApproved").planId, retryFailed: false });
}

const { logger } = createFunctionLogger("publish");
const approvals = approvalStore();
const deps: PublishDeps = {
  plans: planStore(),
  publications: publicationStore(),
  // Adapters are created once per container: Bluesky sessions and LinkedIn lookups are reused.
  publishers: createPublisherDirectory(),
  credentials: new SecretsManagerCredentialSource({ secretId: requiredEnv("SECRETS_ARN") }),
  bus: eventBus(),
  outbox: approvals,
  clock: systemClock,
  logger,
  notify: {
    mailer: new SesMailer(process.env.SES_CONFIGURATION_SET ? { configurationSetName: process.env.SES_CONFIGURATION_SET } : {}),
    approvals,
    from: requiredEnv("MAIL_FROM"),
    baseUrl: requiredEnv("WEB_BASE_URL"),
  },
};

export const handler = wrapHandler(
  "publish",
  logger,
  (event: unknown) => publishHandler(event, deps),
  (o) => ({
    planId: o.planId,
    result: o.result,
    published: o.actions.filter((a) => a.status === "published").length,
    dryRuns: o.actions.filter((a) => a.dryRun).length,
    failed: o.actions.filter((a) => a.status === "failed").length,
  }),
);
