import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DynamoApprovalStore,
  DynamoPlanStore,
  DynamoPublicationStore,
  DynamoReleaseStore,
  LocalEventBus,
  createDynamoClient,
  createPublisherDirectory,
  ensureTable,
  DynamoEventOutbox,
} from "@pressbridge/adapters";
import {
  ROUTES,
  TransientError,
  approversFromConfig,
  credentialSourceOf,
  csrfTokenFor,
  decidePlan,
  parseConfig,
  parseEventDetail,
  planAmplification,
  planIdFor,
  publishOnApproved,
  publishOnEvent,
  resumeStalledPublications,
  signApprovalToken,
  verifyApprovalToken,
  type BusEvent,
  type PublishDeps,
  type SigningKeys,
  NO_MEDIA_LISTS,
} from "@pressbridge/core";
import { newRelease } from "../support/releases.ts";
import { everyActionNow } from "../support/schedule.ts";
import { route, startContractServer, type ContractServer } from "./publishers/fakes/fake-kit.ts";
import { blueskyFake, type BlueskyFake } from "./publishers/fakes/bluesky-fake.ts";

/**
 * Issue #19, point 6: a platform's Retry-After outlives the delivery that received it. The earliest
 * retry time is stored with the action; a redelivery, a retry or the sweep before it sends nothing
 * and leaves the action owed; after it the action is published. Fake clock, loopback Bluesky PDS.
 */
const config = parseConfig({
  clients: [{ id: "acme", name: "Acme Corp", windowHours: 72, timezone: "UTC", owner: "pr@acme.example", approvers: ["ana@acme.example"], channels: ["bluesky"], adPlatforms: [], keywords: ["Acme"] }],
  feeds: [{ id: "wire", url: "https://wire.example/rss" }],
});
const keys: SigningKeys = { current: { id: "k1", secret: "s".repeat(40) }, previous: [] };
const DETECTED = "2026-11-21T15:00:00.000Z";
const T0 = Date.parse("2026-11-21T16:00:00.000Z");
const PLAN_ID = planIdFor("r_wait", "acme");
let nowMs = T0;
const clock = { now: () => new Date(nowMs) };
const createRecord = route("POST", "/xrpc/com.atproto.repo.createRecord");

let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let plans: DynamoPlanStore;
let approvals: DynamoApprovalStore;
let outbox: DynamoEventOutbox;
let publications: DynamoPublicationStore;
let bus: LocalEventBus;
let fake: BlueskyFake;
let server: ContractServer;
let approved: BusEvent;

beforeEach(async () => {
  nowMs = T0;
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `wait-${randomUUID()}`;
  await ensureTable(client, tableName);
  plans = new DynamoPlanStore({ client, tableName });
  approvals = new DynamoApprovalStore({ client, tableName });
  outbox = new DynamoEventOutbox({ client, tableName });
  publications = new DynamoPublicationStore({ client, tableName });
  bus = new LocalEventBus({ routes: ROUTES, retryDelayMs: 20 });
  fake = blueskyFake();
  server = await startContractServer(fake.handler);
  approved = await approvedPlan();
});
afterEach(async () => {
  expect(server.violations).toEqual([]);
  await server.close();
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

function deps(): PublishDeps {
  return {
    plans,
    publications,
    publishers: createPublisherDirectory({ clock, baseUrls: { bluesky: server.url }, http: { sleep: async () => {}, timeoutMs: 2_000, random: () => 0 } }),
    credentials: credentialSourceOf({ acme: { bluesky: { identifier: fake.identifier, appPassword: fake.password } } }),
    bus,
    outbox,
    clock,
  };
}

async function approvedPlan(): Promise<BusEvent> {
  const releases = new DynamoReleaseStore({ client, tableName });
  const release = newRelease("r_wait", DETECTED, { title: "Acme Corp Opens a Payments Lab", url: "https://acme.example/lab", issuer: "Acme Corp" });
  await releases.createRelease(release);
  await planAmplification({ config, releases, plans, bus, outbox, clock, mediaLists: NO_MEDIA_LISTS }, {
    version: 1, releaseId: release.id, title: release.title, url: release.url, wire: release.wire, issuer: release.issuer, tickers: [],
    language: "en", publishedAt: DETECTED, detectedAt: DETECTED, feedId: "wire", clientId: null,
  });
  const plan = (await plans.getPlan(PLAN_ID))!;
  const token = signApprovalToken(keys, { planId: PLAN_ID, approver: "ana@acme.example", expiresAt: new Date(plan.windowDeadline) });
  const check = verifyApprovalToken(keys, token, clock.now());
  if (!check.ok) throw new Error("token");
  const decided = await decidePlan(
    { plans, approvals, outbox, bus, clock, keys, currentApprovers: approversFromConfig(config) },
    { token, csrf: csrfTokenFor(keys, check.claims), action: "approve", shownVersions: Object.fromEntries(plan.drafts.map((d) => [d.channel, d.version])), schedule: everyActionNow(plan) },
  );
  expect(decided.status).toBe("decided");
  const event = bus.published.find((e) => e.detailType === "Amplification Approved")!;
  bus.published.length = 0;
  return event;
}

const throttle = (seconds: number) => server.failOnce(createRecord, { status: 429, headers: { "retry-after": String(seconds) }, body: { error: "RateLimitExceeded", message: "Rate Limit Exceeded" } });
const record = async () => (await publications.actionRecords(PLAN_ID)).find((r) => r.platform === "bluesky")!;

describe("Retry-After across deliveries", () => {
  it("a 429 with Retry-After: 120 is stored with the action; a publish at +1 s sends nothing, one at +121 s posts", async () => {
    throttle(120);
    await expect(publishOnApproved(deps(), { planId: PLAN_ID })).rejects.toBeInstanceOf(TransientError);
    expect(await record()).toMatchObject({ state: "failed", retryable: true, attempt: 1, retryNotBefore: new Date(T0 + 120_000).toISOString() });
    const plan = (await plans.getPlan(PLAN_ID))!;
    expect(plan.publication!.actions[0]).toMatchObject({ status: "failed", retryable: true, retryNotBefore: new Date(T0 + 120_000).toISOString() });
    const sent = server.requests.length;

    nowMs = T0 + 1_000; // a redelivery, a second later
    await expect(publishOnApproved(deps(), { planId: PLAN_ID })).rejects.toThrow(/not before 2026-11-21T16:02:00\.000Z/);
    expect(server.requests.length).toBe(sent); // nothing sent: not even a sign-in
    expect(await record()).toMatchObject({ state: "failed", retryable: true, attempt: 1 }); // still owed, no attempt spent

    nowMs = T0 + 121_000;
    const outcome = await publishOnApproved(deps(), { planId: PLAN_ID });
    expect(outcome.result).toBe("completed");
    expect(server.requests.filter(createRecord)).toHaveLength(2);
    expect(fake.records.size).toBe(1);
    const done = await record();
    expect(done).toMatchObject({ state: "published", attempt: 2 });
    expect(done.retryNotBefore).toBeUndefined();
    expect((await plans.getPlan(PLAN_ID))!.status).toBe("published");
  });

  it("the local bus's quick redeliveries do not re-send while the platform's wait runs", async () => {
    throttle(120);
    bus.subscribe("publish", async (event) => void (await publishOnApproved(deps(), parseEventDetail("AmplificationApproved", event.detail))));
    await bus.publish([approved]);
    await bus.drain();
    expect(server.requests.filter(createRecord)).toHaveLength(1);
    expect(bus.deadLetters).toHaveLength(1);
    expect(bus.deadLetters[0]!.error).toMatch(/not before/);
    expect(await record()).toMatchObject({ state: "failed", retryable: true, attempt: 1 });
  });

  it("an operator's retry waits for the platform too", async () => {
    throttle(120);
    await expect(publishOnApproved(deps(), { planId: PLAN_ID })).rejects.toBeInstanceOf(TransientError);
    const sent = server.requests.length;
    nowMs = T0 + 30_000;
    await expect(publishOnEvent(deps(), { planId: PLAN_ID, retryFailed: true })).rejects.toBeInstanceOf(TransientError);
    expect(server.requests.length).toBe(sent);
  });

  it("the approval sweep leaves a waiting action alone until its time, then resumes it", async () => {
    throttle(3600);
    await expect(publishOnApproved(deps(), { planId: PLAN_ID })).rejects.toBeInstanceOf(TransientError);
    bus.subscribe("publish", async (event) => void (await publishOnEvent(deps(), parseEventDetail("PublicationRetryRequested", event.detail))));
    nowMs = T0 + 11 * 60_000; // stalled by the sweep's measure, but the platform asked for an hour
    expect(await resumeStalledPublications({ plans, bus, outbox, clock }, config)).toEqual([]);
    nowMs = T0 + 3_601_000;
    expect(await resumeStalledPublications({ plans, bus, outbox, clock }, config)).toEqual([PLAN_ID]);
    await bus.drain();
    expect(fake.records.size).toBe(1);
    expect((await plans.getPlan(PLAN_ID))!.status).toBe("published");
  });
});
