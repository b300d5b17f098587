import { handle } from "hono/aws-lambda";
import { SecretsManagerSigningKeys, readSecretField } from "@pressbridge/adapters";
import { approversFromConfig, systemClock, type SigningKeys } from "@pressbridge/core";
import { createWebApp } from "@pressbridge/web";
import { approvalStore, auditStore, eventBus, planStore, publicationStore, releaseStore } from "./shared/aws-adapters.ts";
import { configFromEnv, createFunctionLogger, requiredEnv } from "./shared/lambda-runtime.ts";

/**
 * The approval web app on Lambda (Function URL or HTTP API): the same Hono app as locally. Signing
 * keys are read from Secrets Manager (cached, refreshed every few minutes for rotation). The queue and
 * the audit dashboard are protected by the admin token (its own secret), as a bearer token or through
 * the sign-in page; review pages by their signed link. The app answers only at its own address:
 * WEB_BASE_URL when set (a custom domain), else the Function URL's domain from the request context,
 * which AWS sets from the URL it routed (a client's Host header cannot change it). A decision checks
 * the client's approvers in this config, not the list frozen on the plan.
 */
const { logger } = createFunctionLogger("approval-web");
const config = configFromEnv();
const plans = planStore();
const releases = releaseStore();
const secret = new SecretsManagerSigningKeys({ secretId: requiredEnv("SIGNING_KEYS_SECRET_ARN") });
const approvals = approvalStore();
let keys: SigningKeys | undefined;

/** https://<the domain AWS routed this request to>, from the Function URL (or HTTP API) request context. */
function functionUrlBase(c: { env: unknown }): string | undefined {
  const domain = (c.env as { requestContext?: { domainName?: unknown } } | undefined)?.requestContext?.domainName;
  return typeof domain === "string" && /^[a-z0-9.-]+$/i.test(domain) ? `https://${domain}` : undefined;
}
let adminToken: string | undefined;
const app = createWebApp({
  review: {
    plans,
    approvals,
    outbox: approvals,
    bus: eventBus(),
    clock: systemClock,
    get keys(): SigningKeys {
      if (keys === undefined) throw new Error("signing keys not loaded");
      return keys;
    },
    currentApprovers: approversFromConfig(config),
    logger,
  },
  config,
  baseUrl: process.env.WEB_BASE_URL || functionUrlBase,
  logger,
  dashboard: { config, audits: auditStore(), plans, releases, feedStates: releases, clock: systemClock },
  // Publishing results and dry-run requests on the review and plan pages (reads: Query).
  publications: publicationStore(),
  get adminToken(): string {
    if (adminToken === undefined) throw new Error("admin token not loaded");
    return adminToken;
  },
});
const adminTokenSecretArn = requiredEnv("ADMIN_TOKEN_SECRET_ARN");
const lambda = handle(app);

export const handler = async (event: Parameters<typeof lambda>[0], context: Parameters<typeof lambda>[1]) => {
  keys = await secret.get();
  adminToken ??= await readSecretField(adminTokenSecretArn, "adminToken");
  return lambda(event, context);
};
