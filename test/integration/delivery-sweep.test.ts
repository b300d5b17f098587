import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  DynamoDeliveryStore,
  DynamoPlanStore,
  DynamoReleaseStore,
  LocalEventBus,
  createDynamoClient,
  ensureTable,
  keys,
  DynamoEventOutbox,
  DynamoEmailLedger,
} from "@pressbridge/adapters";
import {
  ROUTES,
  notifyOnPlanned,
  parseConfig,
  parseEventDetail,
  planAmplification,
  planIdFor,
  sweepUndeliveredWork,
  type EmailMessage,
  type EventBus,
  type NotifyDeps,
  type PlanDeps,
  type SweepDeps,
  NO_MEDIA_LISTS,
} from "@pressbridge/core";
import { newRelease } from "../support/releases.ts";

/**
 * The delivery sweep (docs/delivery.md) and the retried state writes around a side effect, on
 * DynamoDB Local: what an announcement promised is finished, once, whatever failed in between.
 */
const config = parseConfig({
  clients: [
    { id: "acme", name: "Acme Corp", windowHours: 72, owner: "pr@acme.example", approvers: ["ana@acme.example", "ben@acme.example"], channels: ["x"] },
  ],
  feeds: [{ id: "wire", url: "https://wire.example/rss", clientId: "acme" }],
});

let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let releases: DynamoReleaseStore;
let plans: DynamoPlanStore;
let outbox: DynamoEventOutbox;
let emails: DynamoEmailLedger;
let delivery: DynamoDeliveryStore;
const NOW = Date.parse("2026-11-24T15:00:00.000Z");
let clockNow = NOW;
const clock = { now: () => new Date(clockNow) };
const ago = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString();

beforeEach(async () => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `sweep-${randomUUID()}`;
  await ensureTable(client, tableName);
  releases = new DynamoReleaseStore({ client, tableName });
  plans = new DynamoPlanStore({ client, tableName });
  outbox = new DynamoEventOutbox({ client, tableName });
  emails = new DynamoEmailLedger({ client, tableName });
  delivery = new DynamoDeliveryStore({ client, tableName });
  clockNow = NOW;
});
afterEach(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

const dropAll: EventBus = { publish: async () => undefined };
const sweepDeps = (bus: EventBus): SweepDeps => ({ releases, plans, delivery, bus, outbox, clock });
const planDeps = (bus: EventBus): PlanDeps => ({ config, releases, plans, bus, outbox, clock, mediaLists: NO_MEDIA_LISTS, stateWriteRetryMs: [1, 1, 1] });
const approvalMail = (planId: string, approver: string) => ({ scope: `plan:${planId}` as const, kind: "approval", recipient: approver });

function capturingMailer() {
  const sent: EmailMessage[] = [];
  return { sent, mailer: { send: async (m: EmailMessage) => (sent.push(m), { messageId: `<m${sent.length}@test>` }) } };
}
function notifyDeps(mailer: NotifyDeps["mailer"]): NotifyDeps {
  return {
    plans,
    emails,
    mailer,
    clock,
    keys: { current: { id: "k1", secret: "s".repeat(43) }, previous: [] },
    baseUrl: "http://127.0.0.1:3000",
    from: "approvals@pressbridge.local",
    stateWriteRetryMs: [1, 1, 1],
  };
}

/** An announced release whose event went out (created with it, its outbox item cleared), as the poller leaves it. */
async function announcedRelease(id: string, detectedAt: string): Promise<void> {
  await releases.createRelease(newRelease(id, detectedAt, { announce: "announced", clientId: "acme" }));
}

/** Plans a release at `detectedAt` (the plan's creation time) without delivering its event. */
async function plannedRelease(id: string, detectedAt: string): Promise<string> {
  await announcedRelease(id, detectedAt);
  clockNow = Date.parse(detectedAt);
  await planAmplification(planDeps(dropAll), parseEventDetail("ReleaseDetected", releaseDetail(id, detectedAt)));
  clockNow = NOW;
  return planIdFor(id, "acme");
}

function releaseDetail(id: string, detectedAt: string) {
  return { version: 1, releaseId: id, title: `Title ${id}`, url: null, wire: "PR Newswire", issuer: null, tickers: [], language: "en", publishedAt: null, detectedAt, feedId: "wire", clientId: "acme" };
}

describe("sweepUndeliveredWork", () => {
  it("redelivers releases announced but never planned (and ones older versions left pending), through the outbox", async () => {
    await announcedRelease("r_announced", ago(60));
    await plannedRelease("r_planned", ago(50));
    await releases.createRelease(newRelease("r_baseline", ago(40), { announce: "baseline" }));
    await announcedRelease("r_young", ago(1)); // its own delivery is still on it
    await announcedRelease("r_old", ago(60 * 24 * 10)); // past every window
    await releases.createRelease(newRelease("r_orphan", ago(30), { announce: "pending", announceLeaseUntil: ago(29) }));
    await releases.createRelease(newRelease("r_leased", ago(30), { announce: "pending", announceLeaseUntil: new Date(NOW + 30_000).toISOString() }));

    const bus = new LocalEventBus({ routes: ROUTES });
    const outcome = await sweepUndeliveredWork(sweepDeps(bus), config);
    expect(outcome.releases.sort()).toEqual(["r_announced", "r_leased", "r_orphan"]);
    const detected = bus.published.filter((e) => e.detailType === "Release Detected");
    expect(detected.map((e) => e.id).sort()).toEqual(["release-detected:r_announced", "release-detected:r_leased", "release-detected:r_orphan"]);
    // Recorded in the outbox for the publish, and cleared once the bus took them.
    expect(await outbox.pendingEvents("9999", 10)).toEqual([]);

    // Delivered, they get planned; the next sweep finds nothing (the plans owe emails, not planning).
    for (const e of detected) await planAmplification(planDeps(dropAll), parseEventDetail("ReleaseDetected", e.detail));
    const again = await sweepUndeliveredWork(sweepDeps(new LocalEventBus({ routes: ROUTES })), config);
    expect(again.releases).toEqual([]);
  });

  it("re-announces plans pending approval whose approvers were not all emailed, and only those", async () => {
    const nobody = await plannedRelease("r_nobody", ago(60));
    const everyone = await plannedRelease("r_everyone", ago(59));
    const half = await plannedRelease("r_half", ago(58));
    const lapsed = await plannedRelease("r_lapsed", ago(57));
    const sending = await plannedRelease("r_sending", ago(56));
    const decided = await plannedRelease("r_decided", ago(55));
    const young = await plannedRelease("r_young", ago(2));
    const bounced = await plannedRelease("r_bounced", ago(54));

    const { mailer } = capturingMailer();
    await notifyOnPlanned(notifyDeps(mailer), { planId: everyone } as never);
    for (const planId of [half, lapsed, sending, bounced]) {
      await emails.claimEmail(approvalMail(planId, "ana@acme.example"), ago(50), ago(45));
      await emails.markEmailSent(approvalMail(planId, "ana@acme.example"), "<m@test>", ago(50));
    }
    await emails.claimEmail(approvalMail(half, "ben@acme.example"), ago(50), ago(45));
    await emails.releaseEmail(approvalMail(half, "ben@acme.example"), "451 try later", false);
    await emails.claimEmail(approvalMail(lapsed, "ben@acme.example"), ago(50), ago(45)); // a sender that died
    await emails.claimEmail(approvalMail(sending, "ben@acme.example"), ago(1), new Date(NOW + 240_000).toISOString()); // sending now
    await emails.claimEmail(approvalMail(bounced, "ben@acme.example"), ago(50), ago(45));
    await emails.releaseEmail(approvalMail(bounced, "ben@acme.example"), "550 no such user", true); // failed for good
    await client.send(
      new UpdateCommand({ TableName: tableName, Key: keys.plan(decided), UpdateExpression: "SET #s = :a", ExpressionAttributeNames: { "#s": "status" }, ExpressionAttributeValues: { ":a": "approved" } }),
    );

    const bus = new LocalEventBus({ routes: ROUTES });
    const outcome = await sweepUndeliveredWork(sweepDeps(bus), config);
    expect(outcome.plans.sort()).toEqual([nobody, half, lapsed].sort());
    expect(outcome.plans).not.toContain(young);
    const planned = bus.published.filter((e) => e.detailType === "Amplification Planned");
    expect(planned.map((e) => e.id).sort()).toEqual([nobody, half, lapsed].map((id) => `amplification-planned:${id}`).sort());

    // Delivered, each owed approver gets exactly the missing email.
    const { sent, mailer: second } = capturingMailer();
    for (const e of planned) await notifyOnPlanned(notifyDeps(second), parseEventDetail("AmplificationPlanned", e.detail));
    expect(sent.map((m) => `${m.headers!["X-Pressbridge-Plan"]} ${m.to[0]}`).sort()).toEqual(
      [`${nobody} ana@acme.example`, `${nobody} ben@acme.example`, `${half} ben@acme.example`, `${lapsed} ben@acme.example`].sort(),
    );
    expect((await sweepUndeliveredWork(sweepDeps(new LocalEventBus({ routes: ROUTES })), config)).plans).toEqual([]);
  });

  it("leaves plans alone once their window closed", async () => {
    await plannedRelease("r_closed", ago(60));
    clockNow = NOW + 73 * 3600_000;
    const bus = new LocalEventBus({ routes: ROUTES });
    const outcome = await sweepUndeliveredWork(sweepDeps(bus), config, { lookbackHours: 100 });
    expect(outcome.plans).toEqual([]);
  });
});
