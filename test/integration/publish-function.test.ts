import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoApprovalStore, DynamoPlanStore, DynamoPublicationStore, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { makeEvent, type AmplificationPlan } from "@pressbridge/core";
import { startPutEventsServer, type PutEventsServer } from "../support/putevents-server.ts";
import { startSecretsManagerServer, type SecretsManagerServer } from "../support/secrets-manager-server.ts";

/**
 * The publish Lambda handler as deployed: an EventBridge envelope in, credentials from Secrets
 * Manager (a loopback one; the secret configures no platform here, so every action is a dry run),
 * results in DynamoDB Local, Amplification Published on the bus.
 */
let events: PutEventsServer;
let secrets: SecretsManagerServer;
let plans: DynamoPlanStore;
let tableName: string;
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pressbridge-platforms";
const NOW = new Date().toISOString();
const PLAN_ID = "p_fnpublish0000000000001";

beforeAll(async () => {
  events = await startPutEventsServer();
  secrets = await startSecretsManagerServer();
  secrets.setSecret(SECRET_ARN, JSON.stringify({ acme: {} }));
  tableName = `fnpub-${randomUUID()}`;
  const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  await ensureTable(client, tableName);
  plans = new DynamoPlanStore({ client, tableName });
  const plan: AmplificationPlan = {
    id: PLAN_ID, releaseId: "r_fn", clientId: "acme", clientName: "Acme Corp", status: "pending_approval", createdAt: NOW,
    windowDeadline: new Date(Date.now() + 72 * 3600_000).toISOString(), windowHours: 72, timezone: "UTC", owner: "pr@acme.example", approvers: ["s@acme.example"],
    match: { reason: "keyword", matched: [{ keyword: "Acme", field: "title" }] },
    release: { title: "Acme Corp Names New CFO", url: "https://acme.example/cfo", wire: "Business Wire", issuer: null, tickers: [], language: "en", detectedAt: NOW, publishedAt: NOW },
    campaign: "acme-cfo",
    drafts: [{ channel: "x", text: "Acme Corp names a new CFO https://acme.example/cfo", link: "https://acme.example/cfo", facets: [], hashtags: [], cashtags: [], length: { unit: "weighted", value: 50, limit: 280 }, version: 1 }],
    skipped: [], briefs: [], announce: "announced", announceLeaseUntil: null,
  };
  await plans.createPlan(plan);
  const decision = { action: "approved" as const, by: "s@acme.example", at: NOW, linkId: "l1", draftVersions: { x: 1 }, comment: null };
  const approved = makeEvent("AmplificationApproved", `amplification-decided:${PLAN_ID}`, { version: 1, planId: PLAN_ID, releaseId: "r_fn", clientId: "acme", decidedBy: decision.by, decidedAt: NOW, draftVersions: { x: 1 }, linkId: "l1", comment: null }, NOW);
  await new DynamoApprovalStore({ client, tableName }).decide(PLAN_ID, decision, [{ index: 0, version: 1 }], { planId: PLAN_ID, at: NOW, by: decision.by, action: "approved", linkId: "l1", channel: null, draftVersions: { x: 1 }, comment: null }, approved);
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    EVENT_BUS_NAME: "pressbridge-test",
    DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
    EVENTBRIDGE_ENDPOINT: events.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    SECRETS_ARN: SECRET_ARN,
    MAIL_FROM: "approvals@pressbridge.example",
    WEB_BASE_URL: "https://approve.example",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    POWERTOOLS_LOG_LEVEL: "ERROR",
  });
});
afterAll(async () => {
  await events.close();
  await secrets.close();
  plans.client.destroy();
});

const envelope = (detailType: string, detail: unknown) => ({
  version: "0", id: randomUUID(), "detail-type": detailType, source: "pressbridge", account: "1", time: NOW, region: "us-east-1", resources: [], detail,
});

describe("functions/publish handler", () => {
  it("publishes an approved plan once under redelivery (a dry run without credentials) and announces it once", async () => {
    const { handler } = await import("../../functions/publish.ts");
    const detail = { version: 1, planId: PLAN_ID, releaseId: "r_fn", clientId: "acme", decidedBy: "s@acme.example", decidedAt: NOW, draftVersions: { x: 1 }, linkId: "l1", comment: null };
    const first = await handler(envelope("Amplification Approved", detail));
    expect(first).toMatchObject({ result: "completed", actions: [{ platform: "x", status: "published", dryRun: true }] });
    expect(secrets.reads).toEqual([SECRET_ARN]);
    await handler(envelope("Amplification Approved", detail));
    const published = events.requests.flatMap((r) => r.entries).filter((e) => e.DetailType === "Amplification Published");
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]!.Detail!)).toMatchObject({ planId: PLAN_ID, outcome: "published" });
    const records = await new DynamoPublicationStore({ client: plans.client, tableName }).actionRecords(PLAN_ID);
    expect(records).toMatchObject([{ key: `${PLAN_ID}:post:x:v1`, state: "published", attempt: 1 }]);
    expect(records[0]!.dryRun!.requests[0]).toMatchObject({ method: "POST", url: "https://api.x.com/2/tweets", body: { text: "Acme Corp names a new CFO https://acme.example/cfo" } });
  });

  it("takes operator retries, and rejects an event of the wrong shape naming the field", async () => {
    const { handler } = await import("../../functions/publish.ts");
    const retried = await handler(envelope("Publication Retry Requested", { version: 1, planId: PLAN_ID, requestedAt: NOW, requestedBy: "operator", retryFailed: true }));
    expect(retried.result).toBe("completed");
    await expect(handler(envelope("Amplification Approved", { version: 1, planId: "" }))).rejects.toThrow(/detail\.planId/);
  });
});
