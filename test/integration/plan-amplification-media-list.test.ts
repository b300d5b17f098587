import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoPlanStore, DynamoReleaseStore, DynamoWorkspaceStore, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { parseConfig, planIdFor } from "@pressbridge/core";
import { CONFIG_FILE_NAME } from "../../infra/function-construct.ts";
import { writeConfigAsset } from "../../infra/pressbridge-construct.ts";
import { startPutEventsServer, type PutEventsServer } from "../support/putevents-server.ts";

/**
 * The Lambda path of the journalist audience: the plan-amplification handler, configured as in AWS
 * (PRESSBRIDGE_CONFIG_FILE in the config layer the synth writes, the client's media list beside it
 * hashed), puts the hashed media list in the ad briefs, as `pressbridge start` does. The workspace
 * is the table's: the handler's first load seeds the empty workspace from the layer's file,
 * importing the hashed list, so the plan reads it from the table.
 */
let events: PutEventsServer;
let releases: DynamoReleaseStore;
let plans: DynamoPlanStore;
let workspace: DynamoWorkspaceStore;
let dir: string;
let layer: string;
const DETECTED = new Date().toISOString();
const JOURNALISTS = ["Ana.Reporter@Trade.example", "ben@daily.example"];

beforeAll(async () => {
  events = await startPutEventsServer();
  const tableName = `fnmedia-${randomUUID()}`;
  const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  await ensureTable(client, tableName);
  releases = new DynamoReleaseStore({ client, tableName });
  plans = new DynamoPlanStore({ client, tableName });
  workspace = new DynamoWorkspaceStore({ client, tableName });
  await releases.createRelease({
    id: "r_media1", identity: "url:https://www.businesswire.com/news/home/2/en", title: "Acme Corp Opens a Robotics Lab",
    summary: "AUSTIN--(BUSINESS WIRE)--Acme Corp today opened a robotics lab.", url: "https://www.businesswire.com/news/home/20261121000002/en/",
    publishedAt: DETECTED, publishedAtPrecision: "datetime", detectedAt: DETECTED, wire: "Business Wire", issuer: null, tickers: [],
    language: "en", wireReleaseId: "20261121000002", industries: [], subjects: [], keywords: [], fingerprint: null, clientId: null,
    announce: "announced", announceLeaseUntil: null, sources: [{ feedId: "bw", url: null, seenAt: DETECTED }],
  });
  dir = mkdtempSync(join(tmpdir(), "pb-fn-media-"));
  writeFileSync(join(dir, "journalists.csv"), `email,name,outlet,beat\n${JOURNALISTS.map((e) => `${e},A Reporter,Trade Weekly,robotics`).join("\n")}\n`);
  // What the synth ships: the config file and media-lists/acme.json (hashed), as /opt holds them.
  layer = writeConfigAsset(
    parseConfig({
      clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["s@acme.example"], channels: ["x"], adPlatforms: ["linkedin", "meta"], keywords: ["Acme"], mediaList: "journalists.csv" }],
      feeds: [{ id: "bw", url: "https://feed.businesswire.com/rss/home/" }],
    }),
    dir,
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
    PRESSBRIDGE_CONFIG_FILE: join(layer, CONFIG_FILE_NAME),
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
    // The list came from the table, where the seed put it: hashed, no email to mask.
    expect((await workspace.load()).seededAt).toBeDefined();
    const list = await workspace.mediaList("acme");
    expect(list).toMatchObject({ source: "journalists.csv", importedBy: "deploy" });
    expect(list!.contacts.map((c) => c.maskedEmail)).toEqual(["(hashed)", "(hashed)"]);
    expect(JSON.stringify(list).toLowerCase()).not.toContain("reporter@trade");
  });
});
