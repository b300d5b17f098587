import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoPlanStore, DynamoReleaseStore, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { planIdFor } from "@pressbridge/core";
import { startPutEventsServer, type PutEventsServer } from "../support/putevents-server.ts";

/**
 * The Lambda path of the journalist audience: the plan-amplification handler, configured as in AWS
 * (PRESSBRIDGE_CONFIG_FILE, the client's media list beside it), puts the hashed media list in the
 * ad briefs, as `pressbridge start` does. Before the one wiring, the Lambda's plan step had no media
 * lists and this audience silently never happened in AWS.
 */
let events: PutEventsServer;
let releases: DynamoReleaseStore;
let plans: DynamoPlanStore;
let dir: string;
const DETECTED = new Date().toISOString();
const JOURNALISTS = ["Ana.Reporter@Trade.example", "ben@daily.example"];

beforeAll(async () => {
  events = await startPutEventsServer();
  const tableName = `fnmedia-${randomUUID()}`;
  const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  await ensureTable(client, tableName);
  releases = new DynamoReleaseStore({ client, tableName });
  plans = new DynamoPlanStore({ client, tableName });
  await releases.createRelease({
    id: "r_media1", identity: "url:https://www.businesswire.com/news/home/2/en", title: "Acme Corp Opens a Robotics Lab",
    summary: "AUSTIN--(BUSINESS WIRE)--Acme Corp today opened a robotics lab.", url: "https://www.businesswire.com/news/home/20261121000002/en/",
    publishedAt: DETECTED, publishedAtPrecision: "datetime", detectedAt: DETECTED, wire: "Business Wire", issuer: null, tickers: [],
    language: "en", wireReleaseId: "20261121000002", industries: [], subjects: [], keywords: [], fingerprint: null, clientId: null,
    announce: "announced", announceLeaseUntil: null, sources: [{ feedId: "bw", url: null, seenAt: DETECTED }],
  });
  dir = mkdtempSync(join(tmpdir(), "pb-fn-media-"));
  writeFileSync(join(dir, "journalists.csv"), `email,name,outlet,beat\n${JOURNALISTS.map((e) => `${e},A Reporter,Trade Weekly,robotics`).join("\n")}\n`);
  writeFileSync(
    join(dir, "pressbridge.config.json"),
    JSON.stringify({
      clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["s@acme.example"], channels: ["x"], adPlatforms: ["linkedin", "meta"], keywords: ["Acme"], mediaList: "journalists.csv" }],
      feeds: [{ id: "bw", url: "https://feed.businesswire.com/rss/home/" }],
    }),
  );
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    EVENT_BUS_NAME: "pressbridge-test",
    DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
    EVENTBRIDGE_ENDPOINT: events.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    POWERTOOLS_LOG_LEVEL: "ERROR",
    PRESSBRIDGE_CONFIG_FILE: join(dir, "pressbridge.config.json"),
  });
  delete process.env.PRESSBRIDGE_CONFIG;
});
afterAll(async () => {
  await events.close();
  releases.client.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe("functions/plan-amplification with a client's media list", () => {
  it("puts the hashed journalist audience in every ad brief, and no raw email anywhere in the plan", async () => {
    const { handler } = await import("../../functions/plan-amplification.ts");
    const outcome = await handler({
      version: "0", id: randomUUID(), "detail-type": "Release Detected", source: "pressbridge", time: DETECTED, detail: {
        version: 1, releaseId: "r_media1", title: "Acme Corp Opens a Robotics Lab", url: null, wire: "Business Wire", issuer: null,
        tickers: [], language: "en", publishedAt: DETECTED, detectedAt: DETECTED, feedId: "bw", clientId: null,
      },
    });
    expect(outcome.plans).toMatchObject([{ clientId: "acme", result: "created" }]);
    const plan = await plans.getPlan(planIdFor("r_media1", "acme"));
    const expected = JOURNALISTS.map((e) => createHash("sha256").update(e.trim().toLowerCase()).digest("hex")).sort();
    const briefs = plan!.briefs as Array<{ platform: string; audience: { matchedAudience?: { hashedEmails: string[]; count: number; source: string } } }>;
    expect(briefs.map((b) => b.platform).sort()).toEqual(["linkedin", "meta"]);
    for (const brief of briefs) {
      expect(brief.audience.matchedAudience).toMatchObject({ count: 2, source: "journalists.csv" });
      expect([...brief.audience.matchedAudience!.hashedEmails].sort()).toEqual(expected);
    }
    const stored = JSON.stringify(plan).toLowerCase();
    for (const email of JOURNALISTS) expect(stored).not.toContain(email.toLowerCase());
  });
});
