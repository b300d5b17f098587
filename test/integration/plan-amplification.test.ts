import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoPlanStore, DynamoReleaseStore, LocalEventBus, RequestCounter, createDynamoClient, ensureTable, DynamoEventOutbox } from "@pressbridge/adapters";
import {
  EventPublishError,
  ROUTES,
  TransientError,
  parseConfig,
  planAmplification,
  planIdFor,
  type BusEvent,
  type EventBus,
  type NewRelease,
  type PlanDeps,
  type ReleaseDetectedDetail,
  NO_MEDIA_LISTS,
  flushOutbox,
} from "@pressbridge/core";

const config = parseConfig({
  clients: [
    {
      id: "acme",
      name: "Acme Corp",
      windowHours: 72,
      timezone: "America/New_York",
      owner: "pr@acme.example",
      approvers: ["social@acme.example", "lead@acme.example"],
      channels: ["x", "linkedin", "facebook", "instagram", "bluesky", "threads"],
      adPlatforms: ["linkedin", "meta", "x"],
      trendHashtags: ["#AI", "#Payments"],
      keywords: ["Acme"],
      supportingAsset: { title: "The 2026 Payments Security Report", url: "https://acme.example/whitepaper" },
    },
    {
      id: "globex",
      name: "Globex",
      windowHours: 48,
      owner: "pr@globex.example",
      approvers: ["social@globex.example"],
      channels: ["x"],
      keywords: ["GLOBEX"],
    },
  ],
  feeds: [
    { id: "wire", url: "https://wire.example/rss" },
    { id: "acme-newsroom", url: "https://ir.acme.example/rss", clientId: "acme" },
  ],
});

let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let releases: DynamoReleaseStore;
let plans: DynamoPlanStore;
let counter: RequestCounter;

beforeEach(async () => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `plan-${randomUUID()}`;
  await ensureTable(client, tableName);
  counter = new RequestCounter();
  releases = new DynamoReleaseStore({ client, tableName, counter });
  plans = new DynamoPlanStore({ client, tableName, counter });
});
afterEach(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

const DETECTED = "2026-11-21T15:00:00.000Z";
let clockNow = Date.parse("2026-11-21T15:00:05.000Z");
const clock = { now: () => new Date(clockNow) };

async function seedRelease(over: Partial<NewRelease> & { id: string }): Promise<ReleaseDetectedDetail> {
  const release: NewRelease = {
    identity: `url:https://wire.example/${over.id}`,
    title: "Acme Corp Unveils Quantum-Safe Payments Network for Banks",
    summary: 'NEW YORK, Nov. 21, 2026 /PRNewswire/ -- Acme Corp today launched a quantum-safe payments network used by 12 banks. "Security cannot wait for the quantum era," said Jane Doe, CEO of Acme.',
    url: `https://www.prnewswire.com/news-releases/${over.id}-302900001.html`,
    publishedAt: DETECTED,
    publishedAtPrecision: "datetime",
    detectedAt: DETECTED,
    wire: "PR Newswire",
    issuer: "Acme Corp",
    tickers: ["NYSE:ACME"],
    language: "en",
    wireReleaseId: "302900001",
    industries: ["Banking & Financial Services", "FIN"],
    subjects: [],
    keywords: [],
    fingerprint: null,
    clientId: null,
    announce: "announced",
    announceLeaseUntil: null,
    sources: [{ feedId: "wire", url: null, seenAt: DETECTED }],
    ...over,
  };
  await releases.createRelease(release);
  return {
    version: 1,
    releaseId: release.id,
    title: release.title,
    url: release.url,
    wire: release.wire,
    issuer: release.issuer,
    tickers: release.tickers,
    language: release.language,
    publishedAt: release.publishedAt,
    detectedAt: release.detectedAt,
    feedId: release.sources[0]!.feedId,
    clientId: release.clientId,
  };
}

function deps(bus: EventBus = new LocalEventBus({ routes: ROUTES })): PlanDeps {
  return { config, releases, plans, bus, outbox: new DynamoEventOutbox({ client: plans.client, tableName: plans.tableName }), clock, mediaLists: NO_MEDIA_LISTS };
}
const planned = (bus: EventBus) => (bus as LocalEventBus).published.filter((e) => e.detailType === "Amplification Planned");

describe("planAmplification on DynamoDB Local", () => {
  it("stores a pending_approval plan with the window deadline, drafts and briefs, and announces it once", async () => {
    const detail = await seedRelease({ id: "r_acme1" });
    const bus = new LocalEventBus({ routes: ROUTES });
    counter.reset();
    const outcome = await planAmplification(deps(bus), detail);
    expect(outcome).toMatchObject({ status: "planned", plans: [{ clientId: "acme", result: "created" }] });
    expect(counter.total()).toBeLessThanOrEqual(5);

    const plan = await plans.getPlan(planIdFor("r_acme1", "acme"));
    expect(plan).toMatchObject({
      status: "pending_approval",
      clientId: "acme",
      windowDeadline: "2026-11-24T15:00:00.000Z",
      timezone: "America/New_York",
      approvers: ["social@acme.example", "lead@acme.example"],
      match: { reason: "keyword" },
      announce: "announced",
    });
    expect(plan!.drafts.map((d) => d.channel)).toEqual(["x", "linkedin", "facebook", "instagram", "bluesky", "threads"]);
    for (const d of plan!.drafts) {
      expect(d.version).toBe(1);
      expect(d.length.value).toBeLessThanOrEqual(d.length.limit);
      expect(d.link).toContain(`utm_source=${d.channel}&utm_medium=social`);
      if (d.channel === "bluesky") expect(d.facets[0]?.features[0]).toMatchObject({ uri: d.link });
      else if (d.channel === "instagram") expect(d.text).not.toMatch(/https?:\/\//);
      else expect(d.text).toContain(d.link!);
    }
    expect((plan!.briefs as Array<{ platform: string }>).map((b) => b.platform)).toEqual(["linkedin", "meta", "x"]);

    expect(planned(bus)).toHaveLength(1);
    expect(planned(bus)[0]!.detail).toMatchObject({ planId: plan!.id, clientId: "acme", windowDeadline: "2026-11-24T15:00:00.000Z" });

    // Redelivery, sequential and concurrent: no second plan, no second announcement.
    await planAmplification(deps(bus), detail);
    await Promise.all([planAmplification(deps(bus), detail), planAmplification(deps(bus), detail)]);
    expect(planned(bus)).toHaveLength(1);
    const listed = await plans.listPlans({ from: "2026-11-01T00:00:00Z", to: "2026-11-30T00:00:00Z", limit: 10 });
    expect(listed.map((p) => p.id)).toEqual([plan!.id]);
  });

  it("plans once per matching client; case rules keep acronym keywords strict", async () => {
    const both = await seedRelease({ id: "r_both", title: "Acme and GLOBEX Form Payments Alliance", summary: "Acme and GLOBEX said..." });
    const onlyAcme = await seedRelease({ id: "r_lower", title: "Acme teams with globex on research", summary: "" });
    const bus = new LocalEventBus({ routes: ROUTES });
    expect((await planAmplification(deps(bus), both)).plans.map((p) => p.clientId).sort()).toEqual(["acme", "globex"]);
    expect((await planAmplification(deps(bus), onlyAcme)).plans.map((p) => p.clientId)).toEqual(["acme"]);
    const globexPlan = await plans.getPlan(planIdFor("r_both", "globex"));
    expect(globexPlan?.windowDeadline).toBe("2026-11-23T15:00:00.000Z");
  });

  it("keeps a release that matches nobody, recording that it was considered", async () => {
    const detail = await seedRelease({ id: "r_none", title: "Initech Reports Earnings", summary: "Nothing about our clients", issuer: "Initech" });
    const bus = new LocalEventBus({ routes: ROUTES });
    expect(await planAmplification(deps(bus), detail)).toMatchObject({ status: "no-match", plans: [] });
    expect(planned(bus)).toHaveLength(0);
    expect((await releases.getRelease("r_none"))?.planning).toMatchObject({ clientIds: [], planIds: [] });
    expect((await releases.getRelease("r_acme1"))?.planning ?? null).toBeNull();
  });

  it("plans a release from a client's own newsroom even without a keyword, and never plans a baseline", async () => {
    const bound = await seedRelease({
      id: "r_bound",
      title: "Quarterly Dividend Declared",
      summary: "The board declared a dividend.",
      issuer: null,
      sources: [{ feedId: "acme-newsroom", url: null, seenAt: DETECTED }],
    });
    expect((await planAmplification(deps(), bound)).plans).toMatchObject([{ clientId: "acme" }]);
    expect((await plans.getPlan(planIdFor("r_bound", "acme")))?.match.reason).toBe("bound-feed");

    const baseline = await seedRelease({ id: "r_base", announce: "baseline" });
    expect(await planAmplification(deps(), baseline)).toMatchObject({ status: "baseline", plans: [] });
    expect(await plans.getPlan(planIdFor("r_base", "acme"))).toBeUndefined();
  });

  it("keeps a plan's announcement the bus refused in the outbox; the flush delivers it once and redeliveries add nothing", async () => {
    const detail = await seedRelease({ id: "r_flaky" });
    const delivered: BusEvent[] = [];
    let fail = true;
    const bus: EventBus = {
      publish: async (events) => {
        if (fail) throw new EventPublishError("down", events.map((e) => ({ id: e.id, errorCode: "InternalFailure" })));
        delivered.push(...events);
      },
    };
    // The plan and its event are written together: the delivery succeeds even though the bus failed.
    expect((await planAmplification(deps(bus), detail)).plans).toMatchObject([{ clientId: "acme", result: "created" }]);
    fail = false;
    // A redelivery finds the plan and publishes nothing: the event is owed by the outbox, not by it.
    expect((await planAmplification(deps(bus), detail)).plans).toMatchObject([{ clientId: "acme", result: "exists" }]);
    expect(delivered).toHaveLength(0);
    const outbox = new DynamoEventOutbox({ client: plans.client, tableName: plans.tableName });
    expect(await flushOutbox({ bus, outbox, clock }, 0)).toBe(1);
    await planAmplification(deps(bus), detail);
    expect(await flushOutbox({ bus, outbox, clock }, 0)).toBe(0);
    expect(delivered.filter((e) => e.detailType === "Amplification Planned").map((e) => e.id)).toEqual([`amplification-planned:${planIdFor("r_flaky", "acme")}`]);
  });

  it("fails retryably when the release is not readable yet", async () => {
    const detail = await seedRelease({ id: "r_exists" });
    await expect(planAmplification(deps(), { ...detail, releaseId: "r_missing" })).rejects.toBeInstanceOf(TransientError);
  });
});
