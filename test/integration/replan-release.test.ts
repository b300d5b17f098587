import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { newRelease } from "../support/releases.ts";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoEventOutbox, DynamoPlanStore, DynamoReleaseStore, LocalEventBus, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import {
  NO_MEDIA_LISTS,
  ROUTES,
  ValidationError,
  parseConfig,
  planAmplification,
  planIdFor,
  replanRelease,
  type NewRelease,
  type PlanDeps,
  type PressbridgeConfig,
} from "@pressbridge/core";

const acme = { id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"], keywords: ["Acme"] };
const initech = { id: "initech", name: "Initech", owner: "pr@initech.example", approvers: ["social@initech.example"], keywords: ["TPS"] };
const feeds = [{ id: "wire", url: "https://wire.example/rss" }];

let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let releases: DynamoReleaseStore;
let plans: DynamoPlanStore;
let bus: LocalEventBus;
const clock = { now: () => new Date("2026-11-21T16:00:00.000Z") };

beforeEach(async () => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `replan-${randomUUID()}`;
  await ensureTable(client, tableName);
  releases = new DynamoReleaseStore({ client, tableName });
  plans = new DynamoPlanStore({ client, tableName });
  bus = new LocalEventBus({ routes: ROUTES });
});
afterEach(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

function deps(config: PressbridgeConfig): PlanDeps {
  return { config, releases, plans, bus, outbox: new DynamoEventOutbox({ client, tableName }), clock, mediaLists: NO_MEDIA_LISTS };
}
const planned = () => bus.published.filter((e) => e.detailType === "Amplification Planned");

async function seedRelease(over: Partial<NewRelease> & { id: string }): Promise<void> {
  const at = "2026-11-21T15:00:00.000Z";
  await releases.createRelease(
    newRelease(over.id, at, {
      title: "Initech Ships TPS Reports 2.0",
      summary: "Initech today shipped a new version of its reporting suite.",
      wire: "Example Wire",
      issuer: "Initech",
      tickers: [],
      sources: [{ feedId: "wire", url: null, seenAt: at }],
      ...over,
    }),
  );
}

const detailOf = (releaseId: string) => ({
  version: 1 as const, releaseId, title: "", url: null, wire: "Example Wire", issuer: null, tickers: [], language: null,
  publishedAt: null, detectedAt: "2026-11-21T15:00:00.000Z", feedId: "wire", clientId: null,
});

describe("replanRelease", () => {
  it("plans a release that matched nobody once a client's keywords match it, announces it once, and keeps existing plans", async () => {
    await seedRelease({ id: "r1", title: "Acme and Initech ship TPS Reports 2.0" });
    // At detection only Acme existed: one plan.
    expect((await planAmplification(deps(parseConfig({ clients: [acme], feeds })), detailOf("r1"))).plans).toMatchObject([{ clientId: "acme", result: "created" }]);
    expect(planned()).toHaveLength(1);

    // Initech is added; planning again creates its plan only.
    const later = parseConfig({ clients: [acme, initech], feeds });
    const outcome = await replanRelease(deps(later), { releaseId: "r1", requestedBy: "cli" });
    expect(outcome.status).toBe("planned");
    expect(outcome.plans).toEqual(
      expect.arrayContaining([
        { planId: planIdFor("r1", "acme"), clientId: "acme", result: "exists", reason: "keyword" },
        { planId: planIdFor("r1", "initech"), clientId: "initech", result: "created", reason: "keyword" },
      ]),
    );
    expect(planned().map((e) => (e.detail as { clientId: string }).clientId)).toEqual(["acme", "initech"]);
    expect((await plans.getPlan(planIdFor("r1", "initech")))?.approvers).toEqual(["social@initech.example"]);
    expect((await releases.getRelease("r1"))?.planning?.clientIds.sort()).toEqual(["acme", "initech"]);

    // Idempotent: a second run creates and announces nothing.
    const again = await replanRelease(deps(later), { releaseId: "r1", requestedBy: "cli" });
    expect(again.plans.every((p) => p.result === "exists")).toBe(true);
    expect(planned()).toHaveLength(2);
  });

  it("with a client, plans for it even without a keyword match, naming who asked; once", async () => {
    await seedRelease({ id: "r2", title: "Globex Opens Lab", summary: "Nothing for our clients", issuer: "Globex" });
    const config = parseConfig({ clients: [acme, initech], feeds });
    expect(await replanRelease(deps(config), { releaseId: "r2", requestedBy: "cli" })).toMatchObject({ status: "no-match", plans: [] });
    expect((await releases.getRelease("r2"))?.planning).toMatchObject({ clientIds: [] });

    const outcome = await replanRelease(deps(config), { releaseId: "r2", clientId: "acme", requestedBy: "lead@agency.example" });
    expect(outcome.plans).toEqual([{ planId: planIdFor("r2", "acme"), clientId: "acme", result: "created", reason: "manual" }]);
    expect((await plans.getPlan(planIdFor("r2", "acme")))?.match).toEqual({ reason: "manual", matched: [], requestedBy: "lead@agency.example" });
    expect(planned()).toHaveLength(1);
    expect((await releases.getRelease("r2"))?.planning?.clientIds).toEqual(["acme"]);

    expect((await replanRelease(deps(config), { releaseId: "r2", clientId: "acme", requestedBy: "cli" })).plans[0]!.result).toBe("exists");
    expect(planned()).toHaveLength(1);
  });

  it("keeps the natural match reason for a named client that matches anyway; plans a baseline only when a client is named", async () => {
    await seedRelease({ id: "r3", announce: "baseline" });
    const config = parseConfig({ clients: [acme, initech], feeds });
    expect(await replanRelease(deps(config), { releaseId: "r3", requestedBy: "cli" })).toMatchObject({ status: "baseline", plans: [] });
    expect(await plans.getPlan(planIdFor("r3", "initech"))).toBeUndefined();
    expect((await replanRelease(deps(config), { releaseId: "r3", clientId: "initech", requestedBy: "cli" })).plans).toMatchObject([{ clientId: "initech", reason: "keyword", result: "created" }]);
  });

  it("names the field when the release or the client does not exist", async () => {
    await seedRelease({ id: "r4" });
    const config = parseConfig({ clients: [acme], feeds });
    await expect(replanRelease(deps(config), { releaseId: "nope", requestedBy: "cli" })).rejects.toThrow(new ValidationError("release", 'there is no release "nope"'));
    await expect(replanRelease(deps(config), { releaseId: "r4", clientId: "globex", requestedBy: "cli" })).rejects.toThrow(/^client: there is no client "globex"/);
  });
});
