import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoApprovalStore, DynamoPlanStore, DynamoPublicationStore, DynamoSessionStore, DynamoWorkspaceStore, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { grantRole, makeEvent, signApprovalToken, signSignInToken, startSession, systemClock, type AmplificationPlan } from "@pressbridge/core";
import { startPutEventsServer, type PutEventsServer } from "../support/putevents-server.ts";
import { startSecretsManagerServer, type SecretsManagerServer } from "../support/secrets-manager-server.ts";

/**
 * The approval-web Lambda as deployed behind a Function URL: signing keys from Secrets Manager (a
 * loopback one), plans, publishing records, the workspace's people and sessions from DynamoDB Local.
 * No admin-token secret: a person granted admin in the workspace signs in by email.
 */
let events: PutEventsServer;
let secrets: SecretsManagerServer;
let client: ReturnType<typeof createDynamoClient>;
const ADMIN = "admin@agency.example";
let adminCookie: string;
const SIGNING = { keyId: "k1", secret: "s".repeat(64), previous: [] };
const NOW = new Date().toISOString();
const PLAN_ID = "p_fnweb00000000000000001";

beforeAll(async () => {
  events = await startPutEventsServer();
  secrets = await startSecretsManagerServer();
  secrets.setSecret("signing", JSON.stringify(SIGNING));
  const tableName = `fnweb-${randomUUID()}`;
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  await ensureTable(client, tableName);
  const plan: AmplificationPlan = {
    id: PLAN_ID, releaseId: "r_web", clientId: "acme", clientName: "Acme Corp", status: "pending_approval", createdAt: NOW,
    windowDeadline: new Date(Date.now() + 72 * 3600_000).toISOString(), windowHours: 72, timezone: "America/New_York", owner: "pr@acme.example", approvers: ["s@acme.example"],
    match: { reason: "keyword", matched: [] },
    release: { title: "Acme <b>Opens</b> a Lab", url: "https://acme.example/lab", wire: "Business Wire", issuer: null, tickers: [], language: "en", detectedAt: NOW, publishedAt: NOW },
    campaign: "acme-lab",
    drafts: [{ channel: "x", text: "Acme opens a lab https://acme.example/lab", link: "https://acme.example/lab", facets: [], hashtags: [], cashtags: [], length: { unit: "weighted", value: 40, limit: 280 }, version: 1 }],
    skipped: [], briefs: [], announce: "announced", announceLeaseUntil: null,
  };
  await new DynamoPlanStore({ client, tableName }).createPlan(plan);
  await grantRole({ workspace: new DynamoWorkspaceStore({ client, tableName }), clock: systemClock }, { email: ADMIN, role: "admin" }, "test");
  adminCookie = `pb_session=${(await startSession({ sessions: new DynamoSessionStore({ client, tableName }), clock: systemClock }, ADMIN)).id}`;
  const decision = { action: "approved" as const, by: "s@acme.example", at: NOW, linkId: "l1", draftVersions: { x: 1 }, comment: null };
  const approved = makeEvent("AmplificationApproved", `amplification-decided:${PLAN_ID}`, { version: 1, planId: PLAN_ID, releaseId: "r_web", clientId: "acme", decidedBy: decision.by, decidedAt: NOW, draftVersions: { x: 1 }, linkId: "l1", comment: null }, NOW);
  await new DynamoApprovalStore({ client, tableName }).decide(PLAN_ID, decision, [{ index: 0, version: 1 }], { planId: PLAN_ID, at: NOW, by: decision.by, action: "approved", linkId: "l1", channel: null, draftVersions: { x: 1 }, comment: null }, approved);
  // Publishing has recorded a dry run of the X post and completed.
  const publications = new DynamoPublicationStore({ client, tableName });
  const key = `${PLAN_ID}:post:x:v1`;
  await publications.claimAction(PLAN_ID, { key, kind: "organic-post", platform: "x" }, NOW, NOW, { retryFailed: false, maxAttempts: 3 });
  await publications.finishAction(PLAN_ID, key, 1, {
    state: "published", finishedAt: NOW, platformIds: { dryRun: key }, url: null, reason: null, retryable: false,
    dryRun: { note: null, requests: [{ label: "create the post", method: "POST", url: "https://api.x.com/2/tweets", headers: { authorization: "<OAuth 1.0a>" }, auth: "OAuth 1.0a", body: { text: "Acme opens a lab" }, bodyEncoding: "json" }] },
  });
  const action = { key, kind: "organic-post" as const, platform: "x" as const, status: "published" as const, dryRun: true, platformIds: { dryRun: key }, url: null, reason: null, retryable: false };
  const done = makeEvent("AmplificationPublished", `amplification-published:${PLAN_ID}:1`, { version: 1, planId: PLAN_ID, releaseId: "r_web", clientId: "acme", outcome: "published", publishedAt: NOW, finishedAt: NOW, actions: [action] }, NOW);
  await publications.completePublication(PLAN_ID, "published", { at: NOW, publishedAt: NOW, dryRun: true, actions: [{ ...action, attempts: 1, at: NOW }] }, done);
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    EVENT_BUS_NAME: "pressbridge-test",
    DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
    EVENTBRIDGE_ENDPOINT: events.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    SIGNING_KEYS_SECRET_ARN: "signing",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    POWERTOOLS_LOG_LEVEL: "ERROR",
    PRESSBRIDGE_CONFIG: JSON.stringify({
      clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["s@acme.example"], keywords: ["Acme"] }],
      feeds: [{ id: "bw", url: "https://feed.businesswire.com/rss/home/" }],
    }),
  });
});
afterAll(async () => {
  await events.close();
  await secrets.close();
  client.destroy();
});

/** A Lambda Function URL (payload 2.0) GET. */
const get = (path: string, headers: Record<string, string> = {}) => ({
  version: "2.0", routeKey: "$default", rawPath: path, rawQueryString: "", headers: { host: "abc.lambda-url.us-east-1.on.aws", ...headers },
  requestContext: { accountId: "1", apiId: "abc", domainName: "abc.lambda-url.us-east-1.on.aws", domainPrefix: "abc", http: { method: "GET", path, protocol: "HTTP/1.1", sourceIp: "203.0.113.9", userAgent: "test" }, requestId: randomUUID(), routeKey: "$default", stage: "$default", time: NOW, timeEpoch: Date.now() },
  isBase64Encoded: false,
});

/** A Lambda Function URL (payload 2.0) form POST. */
const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) => {
  const event = get(path, { "content-type": "application/x-www-form-urlencoded", ...headers });
  return { ...event, body: new URLSearchParams(form).toString(), requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: "POST" } } };
};

describe("functions/approval-web handler", () => {
  it("answers only at its Function URL's host, and takes a POST only from its origin (DNS rebinding)", async () => {
    const { handler } = await import("../../functions/approval-web.ts");
    const auth = { cookie: adminCookie };
    for (const host of ["evil.example", "127.0.0.1:3000", "abc.lambda-url.us-east-1.on.aws.evil.example"]) {
      const res = (await handler(get(`/plans/${PLAN_ID}`, { ...auth, host }) as never, {} as never)) as { statusCode: number };
      expect(res.statusCode, host).toBe(421);
    }
    const crossSite = (await handler(post("/signin/link", { token: "x" }, { origin: "https://evil.example" }) as never, {} as never)) as { statusCode: number; cookies?: string[] };
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.cookies ?? []).toEqual([]);
  });

  it("signs an admin of the workspace in with the emailed link's button: a Secure, HttpOnly, SameSite=Lax session cookie", async () => {
    const { handler } = await import("../../functions/approval-web.ts");
    const origin = "https://abc.lambda-url.us-east-1.on.aws";
    const token = signSignInToken({ current: { id: SIGNING.keyId, secret: SIGNING.secret }, previous: [] }, { email: ADMIN, expiresAt: new Date(Date.now() + 900_000) });
    const shown = (await handler({ ...get("/signin/link"), rawQueryString: `token=${token}` } as never, {} as never)) as { statusCode: number; body: string; cookies?: string[] };
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain(ADMIN);
    expect(shown.cookies ?? []).toEqual([]);
    const res = (await handler(post("/signin/link", { token, next: `/plans/${PLAN_ID}` }, { origin }) as never, {} as never)) as { statusCode: number; headers: Record<string, string>; cookies?: string[] };
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/plans/${PLAN_ID}`);
    const cookie = (res.cookies ?? [res.headers["set-cookie"] ?? ""]).join("\n");
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const page = (await handler(get(`/plans/${PLAN_ID}`, { cookie: cookie.split(";")[0]! }) as never, {} as never)) as { statusCode: number };
    expect(page.statusCode).toBe(200);
  });

  it("shows an approved plan's publishing results and dry-run requests on the plan page, behind sign-in", async () => {
    const { handler } = await import("../../functions/approval-web.ts");
    const refused = (await handler(get(`/plans/${PLAN_ID}`) as never, {} as never)) as { statusCode: number };
    expect(refused.statusCode).toBe(401);
    const page = (await handler(get(`/plans/${PLAN_ID}`, { cookie: adminCookie }) as never, {} as never)) as { statusCode: number; body: string };
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Acme &lt;b&gt;Opens&lt;/b&gt; a Lab");
    expect(page.body).toContain("X post: what would be sent (1 request)");
    expect(page.body).toContain("POST https://api.x.com/2/tweets");
    // Every action was a dry run: the page says nothing was posted and offers the text to post by hand.
    expect(page.body).toContain("Dry run: nothing was posted.");
    expect(page.body).not.toContain("Everything was published");
    expect(page.body).toMatch(/<textarea id="copy-x" class="copy-ready" readonly[^>]*>[^<]*<\/textarea>/);
  });

  it("serves the approver's review link with keys read from Secrets Manager, showing the same results", async () => {
    const { handler } = await import("../../functions/approval-web.ts");
    const token = signApprovalToken({ current: { id: SIGNING.keyId, secret: SIGNING.secret }, previous: [] }, { planId: PLAN_ID, approver: "s@acme.example", expiresAt: new Date(Date.now() + 3600_000) });
    const page = (await handler(get(`/review/${token}`) as never, {} as never)) as { statusCode: number; body: string };
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="publication"');
    expect(page.body).toContain("POST https://api.x.com/2/tweets");
    expect(page.body).toContain("Dry run: nothing was posted.");
  });
});
