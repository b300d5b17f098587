import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoReleaseStore, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { startPutEventsServer, type PutEventsServer } from "../support/putevents-server.ts";

/** The plan-amplification Lambda handler as deployed: EventBridge envelope in, plan stored, event out. */
let events: PutEventsServer;
let store: DynamoReleaseStore;
const DETECTED = new Date().toISOString();

beforeAll(async () => {
  events = await startPutEventsServer();
  const tableName = `fnplan-${randomUUID()}`;
  const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  await ensureTable(client, tableName);
  store = new DynamoReleaseStore({ client, tableName });
  await store.createRelease({
    id: "r_fn1", identity: "url:https://www.businesswire.com/news/home/1/en", title: "Acme Corp Names New Chief Financial Officer",
    summary: "NEW YORK--(BUSINESS WIRE)--Acme Corp (NYSE: ACME) today named a new CFO.", url: "https://www.businesswire.com/news/home/20261121000001/en/",
    publishedAt: DETECTED, publishedAtPrecision: "datetime", detectedAt: DETECTED, wire: "Business Wire", issuer: null, tickers: ["NYSE:ACME"],
    language: "en", wireReleaseId: "20261121000001", industries: [], subjects: [], keywords: [], fingerprint: null, clientId: null,
    announce: "announced", announceLeaseUntil: null, sources: [{ feedId: "bw", url: null, seenAt: DETECTED }],
  });
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    EVENT_BUS_NAME: "pressbridge-test",
    DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
    EVENTBRIDGE_ENDPOINT: events.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    POWERTOOLS_LOG_LEVEL: "ERROR",
    PRESSBRIDGE_CONFIG: JSON.stringify({
      clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["s@acme.example"], channels: ["x", "linkedin"], adPlatforms: ["meta"], keywords: ["Acme"] }],
      feeds: [{ id: "bw", url: "https://feed.businesswire.com/rss/home/" }],
    }),
  });
});
afterAll(async () => {
  await events.close();
  store.client.destroy();
});

const envelope = (detail: unknown) => ({
  version: "0", id: randomUUID(), "detail-type": "Release Detected", source: "pressbridge", account: "1", time: DETECTED, region: "us-east-1", resources: [], detail,
});
const detail = {
  version: 1, releaseId: "r_fn1", title: "Acme Corp Names New Chief Financial Officer", url: null, wire: "Business Wire", issuer: null,
  tickers: ["NYSE:ACME"], language: "en", publishedAt: DETECTED, detectedAt: DETECTED, feedId: "bw", clientId: null,
};

describe("functions/plan-amplification handler", () => {
  it("plans once per release and client under redelivery, and puts Amplification Planned on the bus once", async () => {
    const { handler } = await import("../../functions/plan-amplification.ts");
    const first = await handler(envelope(detail));
    expect(first).toMatchObject({ status: "planned", plans: [{ clientId: "acme", result: "created" }] });
    const again = await handler(envelope(detail));
    expect(again.plans).toMatchObject([{ result: "exists" }]);
    const entries = events.requests.flatMap((r) => r.entries);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ DetailType: "Amplification Planned", Source: "pressbridge" });
    expect(JSON.parse(entries[0]!.Detail!)).toMatchObject({ releaseId: "r_fn1", clientId: "acme", channels: ["x", "linkedin"], adPlatforms: ["meta"] });
  });

  it("rejects events of another type or with an invalid detail", async () => {
    const { handler } = await import("../../functions/plan-amplification.ts");
    await expect(handler({ ...envelope(detail), "detail-type": "Something Else" })).rejects.toThrow(/Release Detected/);
    await expect(handler(envelope({ ...detail, detectedAt: "soon" }))).rejects.toThrow(/detail\.detectedAt: Invalid ISO datetime/);
  });
});
