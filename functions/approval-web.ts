import { handle } from "hono/aws-lambda";
import { readSecretField, requiredEnv, webAppDeps } from "@pressbridge/adapters";
import type { SigningKeys } from "@pressbridge/core";
import { createWebApp } from "@pressbridge/web";
import { functionAdapters } from "./shared/lambda-runtime.ts";

/**
 * The approval web app on Lambda, the same Hono app as locally (wiring: webAppDeps). Per invocation
 * it refreshes the signing keys (Secrets Manager, for rotation) and reads the admin token once. It
 * answers only at WEB_BASE_URL when set, else at the Function URL's domain from the request
 * context, which AWS sets from the URL it routed (a client's Host header cannot change it).
 */
const adapters = functionAdapters("approval-web");
let keys: SigningKeys | undefined;
let adminToken: string | undefined;
const domainOf = (c: { env: unknown }) => (c.env as { requestContext?: { domainName?: unknown } } | undefined)?.requestContext?.domainName;
const lambda = handle(
  createWebApp({
    ...webAppDeps(adapters, () => keys ?? failNotLoaded("signing keys")),
    baseUrl: adapters.webBaseUrl ?? ((c) => (typeof domainOf(c) === "string" && /^[a-z0-9.-]+$/i.test(domainOf(c) as string) ? `https://${domainOf(c) as string}` : undefined)),
    get adminToken(): string {
      return adminToken ?? failNotLoaded("admin token");
    },
  }),
);

export const handler = async (event: Parameters<typeof lambda>[0], context: Parameters<typeof lambda>[1]) => {
  keys = await adapters.signingKeys();
  adminToken ??= await readSecretField(requiredEnv("ADMIN_TOKEN_SECRET_ARN"), "adminToken");
  return lambda(event, context);
};

function failNotLoaded(what: string): never {
  throw new Error(`${what} not loaded`);
}
