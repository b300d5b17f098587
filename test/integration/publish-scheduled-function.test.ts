import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoApprovalStore, DynamoPlanStore, DynamoPublicationStore, createDynamoClient, ensureTable, scheduleRequestOf } from "@pressbridge/adapters";
import { makeEvent, type AmplificationPlan } from "@pressbridge/core";
import { scheduledActionOf } from "../../functions/shared/lambda-runtime.ts";
import { startPutEventsServer, type PutEventsServer } from "../support/putevents-server.ts";
import { startSecretsManagerServer, type SecretsManagerServer } from "../support/secrets-manager-server.ts";

/**
 * The publish Lambda handler invoked by a scheduled action's one-time schedule: the input the
 * schedule carries (scheduleRequestOf's Target.Input, exactly) runs the same publish use case as
 * Amplification Approved, against DynamoDB Local (a loopback EventBridge and Secrets Manager; no
 * platform credentials, so the action is a dry run).
 */
let events: PutEventsServer;
let secrets: SecretsManagerServer;
let plans: DynamoPlanStore;
let tableName: string;
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pressbridge-platforms";
const NOW = new Date().toISOString();
const APPROVED = "p_fnsched00000000000001";
const PENDING = "p_fnsched00000000000002";

function planOf(id: string): AmplificationPlan {
  return {
    id, releaseId: `r_${id}`, clientId: "acme", clientName: "Acme Corp", status: "pending_approval", createdAt: NOW,
    windowDeadline: new Date(Date.now() + 72 * 3600_000).toISOString(), windowHours: 72, timezone: "America/New_York", owner: "pr@acme.example", approvers: ["s@acme.example"],
    match: { reason: "keyword", matched: [{ keyword: "Acme", field: "title" }] },
    release: { title: "Acme Corp Opens A Lab", url: "https://acme.example/lab", wire: "Business Wire", issuer: null, tickers: [], language: "en", detectedAt: NOW, publishedAt: NOW },
    campaign: "acme-lab",
    drafts: [{ channel: "x", text: "Acme Corp opens a lab https://acme.example/lab", link: "https://acme.example/lab", facets: [], hashtags: [], cashtags: [], length: { unit: "weighted", value: 46, limit: 280 }, version: 1 }],
    skipped: [], briefs: [], announce: "announced", announceLeaseUntil: null,
  };
}

/** The invocation a schedule of this action sends: its Target.Input, as Scheduler passes it to Lambda. */
function scheduledInvocation(planId: string, actionKey: string): unknown {
  const request = scheduleRequestOf(
    { planId, actionKey, at: new Date(Date.now() + 3600_000).toISOString(), timeZone: "America/New_York" },
    { groupName: "pressbridge-test", targetArn: "arn:aws:lambda:us-east-1:123456789012:function:pressbridge-test-publish", roleArn: "arn:aws:iam::123456789012:role/r", now: new Date() },
  );
  return JSON.parse(request.Target!.Input!) as unknown;
}

beforeAll(async () => {
  events = await startPutEventsServer();
  secrets = await startSecretsManagerServer();
  secrets.setSecret(SECRET_ARN, JSON.stringify({ acme: {} }));
  tableName = `fnsched-${randomUUID()}`;
  const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  await ensureTable(client, tableName);
  plans = new DynamoPlanStore({ client, tableName });
  await plans.createPlan(planOf(APPROVED));
  await plans.createPlan(planOf(PENDING));
  const decision = { action: "approved" as const, by: "s@acme.example", at: NOW, linkId: "l1", draftVersions: { x: 1 }, comment: null };
  const approved = makeEvent("AmplificationApproved", `amplification-decided:${APPROVED}`, { version: 1, planId: APPROVED, releaseId: `r_${APPROVED}`, clientId: "acme", decidedBy: decision.by, decidedAt: NOW, draftVersions: { x: 1 }, linkId: "l1", comment: null }, NOW);
  await new DynamoApprovalStore({ client, tableName }).decide(APPROVED, decision, [{ index: 0, version: 1 }], { planId: APPROVED, at: NOW, by: decision.by, action: "approved", linkId: "l1", channel: null, draftVersions: { x: 1 }, comment: null }, approved);
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

describe("functions/publish handler, invoked by a scheduled action's schedule", () => {
  it("tells the schedule's input from an EventBridge event by its source (and the event's detail-type)", () => {
    expect(scheduledActionOf(scheduledInvocation(APPROVED, `${APPROVED}:post:x:v1`))).toEqual({ source: "pressbridge.schedule", planId: APPROVED, actionKey: `${APPROVED}:post:x:v1` });
    expect(scheduledActionOf({ version: "0", id: "e1", "detail-type": "Amplification Approved", source: "pressbridge", detail: { planId: APPROVED } })).toBeUndefined();
    expect(scheduledActionOf({ source: "pressbridge.schedule", "detail-type": "Amplification Approved", detail: {} })).toBeUndefined();
    expect(scheduledActionOf({})).toBeUndefined();
    expect(() => scheduledActionOf({ source: "pressbridge.schedule", planId: APPROVED })).toThrow(/^event\.actionKey:/);
    expect(() => scheduledActionOf({ source: "pressbridge.schedule", planId: "", actionKey: "k" })).toThrow(/^event\.planId:/);
  });

  it("publishes the approved plan (a dry run without credentials) once, redelivered or not, and announces it once", async () => {
    const { handler } = await import("../../functions/publish.ts");
    const key = `${APPROVED}:post:x:v1`;
    const first = await handler(scheduledInvocation(APPROVED, key));
    expect(first).toMatchObject({ planId: APPROVED, result: "completed", actions: [{ platform: "x", status: "published", dryRun: true }] });
    await handler(scheduledInvocation(APPROVED, key));
    const published = events.requests.flatMap((r) => r.entries).filter((e) => e.DetailType === "Amplification Published");
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]!.Detail!)).toMatchObject({ planId: APPROVED, outcome: "published" });
    const records = await new DynamoPublicationStore({ client: plans.client, tableName }).actionRecords(APPROVED);
    expect(records).toMatchObject([{ key, state: "published", attempt: 1 }]);
    // The EventBridge path of the same function still works beside it.
    const retried = await handler({ version: "0", id: randomUUID(), "detail-type": "Publication Retry Requested", source: "pressbridge", account: "1", time: NOW, region: "us-east-1", resources: [], detail: { version: 1, planId: APPROVED, requestedAt: NOW, requestedBy: "operator", retryFailed: true } });
    expect(retried.result).toBe("completed");
  });

  it("publishes nothing for a plan that is not approved; a bad invocation is refused naming the field", async () => {
    const { handler } = await import("../../functions/publish.ts");
    await expect(handler(scheduledInvocation(PENDING, `${PENDING}:post:x:v1`))).resolves.toMatchObject({ planId: PENDING, result: "not-approved", actions: [] });
    expect(await new DynamoPublicationStore({ client: plans.client, tableName }).actionRecords(PENDING)).toEqual([]);
    await expect(handler({ source: "pressbridge.schedule", planId: PENDING })).rejects.toThrow(/event\.actionKey/);
  });
});
