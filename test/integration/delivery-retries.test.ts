import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DynamoApprovalStore,
  DynamoPlanStore,
  DynamoReleaseStore,
  createDynamoClient,
  ensureTable,
  DynamoEventOutbox,
  DynamoEmailLedger,
} from "@pressbridge/adapters";
import {
  TransientError,
  notifyOnPlanned,
  parseConfig,
  parseEventDetail,
  planAmplification,
  planIdFor,
  type BusEvent,
  type EmailMessage,
  type EventBus,
  type NotifyDeps,
  type PlanDeps,
  NO_MEDIA_LISTS,
} from "@pressbridge/core";
import { newRelease } from "../support/releases.ts";

/**
 * The state writes around a side effect (an email sent, an event published), retried for a while
 * when the store fails (docs/delivery.md): a lost answer or a store restarting mid-send loses no
 * email and sends none twice.
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
let approvals: DynamoApprovalStore;
let outbox: DynamoEventOutbox;
let emails: DynamoEmailLedger;
const NOW = Date.parse("2026-11-24T15:00:00.000Z");
let clockNow = NOW;
const clock = { now: () => new Date(clockNow) };
const ago = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString();

beforeEach(async () => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `retry-${randomUUID()}`;
  await ensureTable(client, tableName);
  releases = new DynamoReleaseStore({ client, tableName });
  plans = new DynamoPlanStore({ client, tableName });
  approvals = new DynamoApprovalStore({ client, tableName });
  outbox = new DynamoEventOutbox({ client, tableName });
  emails = new DynamoEmailLedger({ client, tableName });
  clockNow = NOW;
});
afterEach(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

const dropAll: EventBus = { publish: async () => undefined };
const planDeps = (bus: EventBus): PlanDeps => ({ config, releases, plans, bus, outbox, clock, mediaLists: NO_MEDIA_LISTS, stateWriteRetryMs: [1, 1, 1] });

function capturingMailer() {
  const sent: EmailMessage[] = [];
  return { sent, mailer: { send: async (m: EmailMessage) => (sent.push(m), { messageId: `<m${sent.length}@test>` }) } };
}
function notifyDeps(mailer: NotifyDeps["mailer"], ledger: NotifyDeps["emails"] = emails): NotifyDeps {
  return {
    plans,
    emails: ledger,
    mailer,
    clock,
    keys: { current: { id: "k1", secret: "s".repeat(43) }, previous: [] },
    baseUrl: "http://127.0.0.1:3000",
    from: "approvals@pressbridge.local",
    stateWriteRetryMs: [1, 1, 1],
  };
}

/** An announced release whose event went out, as the poller leaves it. */
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

describe("state writes around a side effect, when the store fails for a moment", () => {
  /** Fails the named calls `times` times: "after" applies the write first (its answer is lost). */
  function flaky<T extends object>(store: T, plan: Record<string, { times: number; when: "before" | "after" }>): T {
    return new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        const rule = plan[String(prop)];
        if (typeof value !== "function" || rule === undefined) return typeof value === "function" ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          if (rule.times > 0) {
            rule.times--;
            if (rule.when === "after") await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            throw new Error("connect ECONNREFUSED 127.0.0.1:8000");
          }
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
  }

  it("a claim whose answer was lost is the delivery's own: the email goes out once, at once", async () => {
    const planId = await plannedRelease("r_claim", ago(10));
    const store = flaky(emails, { claimEmail: { times: 1, when: "after" } });
    const { sent, mailer } = capturingMailer();
    const outcome = await notifyOnPlanned(notifyDeps(mailer, store), { planId } as never);
    expect(outcome.sent.sort()).toEqual(["ana@acme.example", "ben@acme.example"]);
    expect(sent).toHaveLength(2);
    expect((await approvals.emailRecords(planId)).map((r) => r.status)).toEqual(["sent", "sent"]);
  });

  it("an email sent while recording it fails is recorded once the store answers, never released and sent again", async () => {
    const planId = await plannedRelease("r_mark", ago(10));
    const store = flaky(emails, { markEmailSent: { times: 2, when: "before" } });
    const { sent, mailer } = capturingMailer();
    await notifyOnPlanned(notifyDeps(mailer, store), { planId } as never);
    await notifyOnPlanned(notifyDeps(mailer), { planId } as never); // a redelivery
    expect(sent).toHaveLength(2);
    expect((await approvals.emailRecords(planId)).every((r) => r.status === "sent")).toBe(true);
  });

  it("a delivery fails (to be retried) while another one holds an approver's claim", async () => {
    const planId = await plannedRelease("r_busy", ago(10));
    await emails.claimEmail({ scope: `plan:${planId}`, kind: "approval", recipient: "ben@acme.example" }, ago(1), new Date(NOW + 240_000).toISOString());
    const { sent, mailer } = capturingMailer();
    await expect(notifyOnPlanned(notifyDeps(mailer), { planId } as never)).rejects.toBeInstanceOf(TransientError);
    expect(sent.map((m) => m.to[0])).toEqual(["ana@acme.example"]);
  });

  it("a plan create whose answer was lost is published at once (one event), and the release records its planning", async () => {
    await announcedRelease("r_create", ago(10));
    const published: BusEvent[] = [];
    const bus: EventBus = { publish: async (events) => void published.push(...events) };
    const deps = { ...planDeps(bus), plans: flaky(plans, { createPlan: { times: 1, when: "after" }, recordReleasePlanning: { times: 2, when: "before" } }) };
    const outcome = await planAmplification(deps, parseEventDetail("ReleaseDetected", releaseDetail("r_create", ago(10))));
    expect(outcome.plans).toMatchObject([{ clientId: "acme", result: "created" }]);
    expect(published.map((e) => e.id)).toEqual([`amplification-planned:${planIdFor("r_create", "acme")}`]);
    expect((await plans.getPlan(planIdFor("r_create", "acme")))!.announce).toBe("announced");
    expect(await outbox.pendingEvents("9999", 10)).toEqual([]);
    expect((await releases.getRelease("r_create"))!.planning).toMatchObject({ clientIds: ["acme"] });
  });
});
