import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DynamoActionTriggers,
  DynamoApprovalStore,
  DynamoEventOutbox,
  DynamoPlanStore,
  DynamoPublicationStore,
  DynamoReleaseStore,
  LocalEventBus,
  createDynamoClient,
  createPublisherDirectory,
  ensureTable,
} from "@pressbridge/adapters";
import {
  NO_MEDIA_LISTS,
  ROUTES,
  approversFromConfig,
  changeSchedule,
  credentialSourceOf,
  csrfTokenFor,
  decidePlan,
  fireDueActions,
  parseConfig,
  planAmplification,
  planIdFor,
  publishApprovedPlan,
  scheduleOf,
  signApprovalToken,
  verifyApprovalToken,
  wireTimeOf,
  type PublishDeps,
  type SigningKeys,
} from "@pressbridge/core";
import { newRelease } from "../support/releases.ts";
import { createWebApp } from "@pressbridge/web";
import { memoryWorkspace } from "../support/memory-workspace.ts";
import { addPeople, memorySignIn, sessionCookie } from "../support/memory-sessions.ts";

/**
 * Scheduled publishing on DynamoDB Local with a fake clock: approve with a chosen time for one post
 * and the suggestions for the rest; the ads go at approval; the runtime "restarts" (every store and
 * the triggers made anew on the same table); each post goes out once at its time and not before; a
 * cancelled follow-up never goes; the plan is published when every action not cancelled is.
 */
const config = parseConfig({
  clients: [{ id: "acme", name: "Acme Corp", timezone: "America/New_York", owner: "pr@acme.example", approvers: ["ana@acme.example"], channels: ["x", "linkedin"], adPlatforms: ["meta"], keywords: ["Acme"] }],
  feeds: [{ id: "wire", url: "https://wire.example/rss" }],
});
const keys: SigningKeys = { current: { id: "k1", secret: "s".repeat(40) }, previous: [] };
// Tuesday 2026-12-08, 10:00 New York.
const DETECTED = "2026-12-08T14:55:00.000Z";
const APPROVED = Date.parse("2026-12-08T15:00:00.000Z");
const PLAN_ID = planIdFor("r_sched", "acme");
let nowMs = APPROVED;
const clock = { now: () => new Date(nowMs) };

let client: ReturnType<typeof createDynamoClient>;
let tableName: string;

beforeEach(async () => {
  nowMs = APPROVED;
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `sched-${randomUUID()}`;
  await ensureTable(client, tableName);
});
afterEach(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

/** Every store on the table, made anew: what a restarted `pressbridge start` has. */
function runtime() {
  const table = { client, tableName };
  const bus = new LocalEventBus({ routes: ROUTES });
  const triggers = new DynamoActionTriggers(table);
  const deps: PublishDeps & { triggers: DynamoActionTriggers } = {
    plans: new DynamoPlanStore(table),
    publications: new DynamoPublicationStore(table),
    publishers: createPublisherDirectory({ clock }),
    credentials: credentialSourceOf({}),
    bus,
    outbox: new DynamoEventOutbox(table),
    clock,
    scheduler: triggers,
    triggers,
  };
  return { deps, bus, triggers, approvals: new DynamoApprovalStore(table), releases: new DynamoReleaseStore(table) };
}

async function approve(rt: ReturnType<typeof runtime>, linkedInAt: Date) {
  const release = newRelease("r_sched", DETECTED, {
    title: "Acme Corp Opens a Research Lab",
    summary: "NEW YORK, Dec. 8, 2026 /PRNewswire/ -- Acme Corp opened a lab for 200 engineers. “We are hiring in every state,” said the CEO.",
    url: "https://www.prnewswire.com/news-releases/acme-lab-302900011.html",
    issuer: "Acme Corp",
    sources: [{ feedId: "wire", url: null, seenAt: DETECTED }],
  });
  await rt.releases.createRelease(release);
  await planAmplification({ config, releases: rt.releases, plans: rt.deps.plans, bus: rt.bus, outbox: rt.deps.outbox, clock, mediaLists: NO_MEDIA_LISTS }, {
    version: 1, releaseId: release.id, title: release.title, url: release.url, wire: release.wire, issuer: release.issuer, tickers: [],
    language: "en", publishedAt: DETECTED, detectedAt: DETECTED, feedId: "wire", clientId: null,
  });
  const plan = (await rt.deps.plans.getPlan(PLAN_ID))!;
  expect(plan.followUps?.map((d) => d.channel)).toEqual(["x", "linkedin"]);
  const token = signApprovalToken(keys, { planId: PLAN_ID, approver: "ana@acme.example", expiresAt: new Date(plan.windowDeadline) });
  const check = verifyApprovalToken(keys, token, clock.now());
  if (!check.ok) throw new Error("token");
  const linkedInKey = `${PLAN_ID}:post:linkedin:v1`;
  const decided = await decidePlan(
    { plans: rt.deps.plans, approvals: rt.approvals, outbox: rt.deps.outbox, bus: rt.bus, clock, keys, currentApprovers: approversFromConfig(config) },
    { token, csrf: csrfTokenFor(keys, check.claims), action: "approve", shownVersions: { x: 1, linkedin: 1 }, schedule: { [linkedInKey]: { choice: "at", at: linkedInAt } } },
  );
  expect(decided.status).toBe("decided");
}

const publishedKeys = async (rt: ReturnType<typeof runtime>) =>
  (await rt.deps.publications.actionRecords(PLAN_ID)).filter((r) => r.state === "published").map((r) => r.key.slice(PLAN_ID.length + 1)).sort();

describe("scheduled actions, through a restart", () => {
  it("publish once each at their time, never before, and a cancelled one never", async () => {
    const first = runtime();
    const linkedInAt = new Date(APPROVED + 2 * 3_600_000);
    await approve(first, linkedInAt);
    const accepted = (await first.deps.plans.getPlan(PLAN_ID))!.decision!.schedule!;
    expect(accepted.map((a) => [a.key.slice(PLAN_ID.length + 1), a.scheduledFor])).toEqual([
      ["post:x:v1", "2026-12-08T15:05:00.000Z"],
      ["post:linkedin:v1", "2026-12-08T17:00:00.000Z"],
      ["post:x:follow-up:v1", "2026-12-09T14:30:00.000Z"],
      ["post:linkedin:follow-up:v1", "2026-12-09T14:30:00.000Z"],
      ["ad:meta", "2026-12-08T15:00:00.000Z"],
    ]);

    // The approval's delivery: the paused ad at once; the rest get triggers in the table.
    expect((await publishApprovedPlan(first.deps, { planId: PLAN_ID })).result).toBe("scheduled");
    expect(await publishedKeys(first)).toEqual(["ad:meta"]);
    expect((await first.triggers.due("2099-01-01T00:00:00.000Z", 10)).map((t) => t.actionKey.slice(PLAN_ID.length + 1)).sort()).toEqual([
      "post:linkedin:follow-up:v1",
      "post:linkedin:v1",
      "post:x:follow-up:v1",
      "post:x:v1",
    ]);

    // Restarted: nothing is due a second before the X post's time.
    const rt = runtime();
    nowMs = Date.parse("2026-12-08T15:04:59.000Z");
    expect(await fireDueActions(rt.deps)).toMatchObject({ due: 0 });
    nowMs = Date.parse("2026-12-08T15:05:00.000Z");
    expect(await fireDueActions(rt.deps)).toMatchObject({ due: 1, plans: 1, kept: 0 });
    expect(await publishedKeys(rt)).toEqual(["ad:meta", "post:x:v1"]);
    // Fired again (a second runtime, a redelivery): nothing twice.
    expect(await fireDueActions(runtime().deps)).toMatchObject({ due: 0 });

    nowMs = linkedInAt.getTime() - 60_000;
    await fireDueActions(rt.deps);
    expect(await publishedKeys(rt)).not.toContain("post:linkedin:v1");
    nowMs = linkedInAt.getTime();
    await fireDueActions(rt.deps);
    expect(await publishedKeys(rt)).toContain("post:linkedin:v1");

    // The LinkedIn follow-up is cancelled from the CLI's use case; its trigger goes.
    const plan = (await rt.deps.plans.getPlan(PLAN_ID))!;
    const before = scheduleOf(plan)!;
    const next = changeSchedule(plan, { key: "post:linkedin:follow-up", request: "cancel", by: "lee@agency.example", now: clock.now(), disclosure: undefined, wireAt: wireTimeOf(plan), publishedKeys: new Set() });
    expect(await rt.deps.plans.saveSchedule(PLAN_ID, next, before.revision)).toBe("saved");
    expect(await rt.deps.plans.saveSchedule(PLAN_ID, next, before.revision)).toBe("conflict");
    await rt.triggers.cancel({ planId: PLAN_ID, actionKey: `${PLAN_ID}:post:linkedin:follow-up:v1` });

    nowMs = Date.parse("2026-12-09T14:30:00.000Z");
    expect(await fireDueActions(runtime().deps)).toMatchObject({ due: 1 });
    expect(await publishedKeys(rt)).toEqual(["ad:meta", "post:linkedin:v1", "post:x:follow-up:v1", "post:x:v1"]);
    const done = (await rt.deps.plans.getPlan(PLAN_ID))!;
    expect(done.status).toBe("published");
    expect(done.publication?.actions.map((a) => a.key.slice(PLAN_ID.length + 1)).sort()).toEqual(["ad:meta", "post:linkedin:v1", "post:x:follow-up:v1", "post:x:v1"]);
    expect(await rt.triggers.due("2099-01-01T00:00:00.000Z", 10)).toEqual([]);
  });
});

describe("the plan page's schedule", () => {
  it("lets the client's approver move an action (the guard and the deadline rule apply, errors next to the field) and cancel one; a stranger may not", async () => {
    const rt = runtime();
    await approve(rt, new Date(APPROVED + 2 * 3_600_000));
    await publishApprovedPlan(rt.deps, { planId: PLAN_ID });
    const workspace = memoryWorkspace(config);
    addPeople(workspace, { email: "stranger@other.example", grants: [{ role: "lead", clientId: "nobody" }] });
    const signIn = memorySignIn();
    const app = createWebApp({
      review: { plans: rt.deps.plans, approvals: rt.approvals, outbox: rt.deps.outbox, bus: rt.bus, clock, keys, currentApprovers: approversFromConfig(config) },
      workspace, baseUrl: "http://localhost", publications: rt.deps.publications, signIn: signIn.deps, scheduler: rt.triggers,
    });
    const as = async (email: string) => ({ host: "localhost", origin: "http://localhost", cookie: await sessionCookie(signIn.store, clock, email), "content-type": "application/x-www-form-urlencoded" });
    const ana = await as("ana@acme.example");
    const page = await (await app.request(`/plans/${PLAN_ID}`, { headers: ana })).text();
    expect(page).toContain('id="schedule"');
    expect(page).toContain("Move to this time");
    const post = (headers: Record<string, string>, fields: Record<string, string>) => app.request(`/plans/${PLAN_ID}/schedule`, { method: "POST", headers, body: new URLSearchParams(fields) });
    const x = `${PLAN_ID}:post:x:v1`;

    // After the deadline without a reason: refused, the typed time kept and the error beside it.
    const late = await post(ana, { action: x, intent: "at", at: "2026-12-12T10:00", late: "" });
    expect(late.status).toBe(422);
    const body = await late.text();
    expect(body).toContain('value="2026-12-12T10:00" aria-invalid="true"');
    expect(body).toMatch(/after the window(&#39;|')s deadline/);
    // A time in the client's zone: 11:30 New York.
    expect((await post(ana, { action: x, intent: "at", at: "2026-12-08T11:30", late: "" })).status).toBe(303);
    expect(scheduleOf((await rt.deps.plans.getPlan(PLAN_ID))!)!.actions[0]).toMatchObject({ scheduledFor: "2026-12-08T16:30:00.000Z", choice: "at" });
    expect((await rt.triggers.due("2026-12-08T16:30:00.000Z", 10)).find((t) => t.actionKey === x)?.at).toBe("2026-12-08T16:30:00.000Z");
    // Cancel: the trigger goes.
    expect((await post(ana, { action: x, intent: "cancel" })).status).toBe(303);
    expect((await rt.triggers.due("2099-01-01T00:00:00.000Z", 10)).some((t) => t.actionKey === x)).toBe(false);
    expect(await (await app.request(`/plans/${PLAN_ID}?scheduled=cancel`, { headers: ana })).text()).toContain("cancelled by ana@acme.example");
    // Someone without a role on the client: refused, nothing changed.
    const stranger = await as("stranger@other.example");
    expect((await post(stranger, { action: `${PLAN_ID}:post:linkedin:v1`, intent: "cancel" })).status).toBe(403);
    expect(scheduleOf((await rt.deps.plans.getPlan(PLAN_ID))!)!.actions[1]!.cancelled).toBeUndefined();
  });
});
