import { randomUUID } from "node:crypto";
import { simpleParser } from "mailparser";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DynamoAuditStore,
  DynamoPlanStore,
  DynamoReleaseStore,
  LocalEventBus,
  RequestCounter,
  SmtpMailer,
  createDynamoClient,
  ensureTable,
  DynamoEmailLedger,
  DynamoEventOutbox,
} from "@pressbridge/adapters";
import { ROUTES, auditWindows, runAudit, sendAuditDigests, type AmplificationPlan, type RunAuditDeps } from "@pressbridge/core";
import { HOUR, T0, approve, at, config, feedState, plan, publish, release } from "../support/audit-fixtures.ts";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink.ts";

/**
 * The audit against DynamoDB Local (GSI2 paging, no Scan, reports, announcement records) and a real
 * SMTP server on loopback: a finding is emailed once, again only when it changes, and again after
 * its email failed.
 */
let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let counter: RequestCounter;
let releases: DynamoReleaseStore;
let plans: DynamoPlanStore;
let audits: DynamoAuditStore;
let bus: LocalEventBus;
let sink: SmtpSink;
let mailer: SmtpMailer;
let nowMs = T0;
const clock = { now: () => new Date(nowMs) };

const deps = (): RunAuditDeps => ({
  config,
  audits,
  plans,
  releases,
  feedStates: releases,
  clock,
  mailer,
  emails: new DynamoEmailLedger({ client, tableName }),
  bus,
  outbox: new DynamoEventOutbox({ client, tableName }),
  from: "audit@pressbridge.example",
  baseUrl: "http://127.0.0.1:3000",
});

beforeAll(async () => {
  sink = await startSmtpSink();
  mailer = new SmtpMailer({ url: sink.url() });
});
afterAll(async () => {
  await mailer.close();
  await sink.close();
});

beforeEach(async () => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `audit-${randomUUID()}`;
  await ensureTable(client, tableName);
  counter = new RequestCounter();
  releases = new DynamoReleaseStore({ client, tableName, counter });
  plans = new DynamoPlanStore({ client, tableName, counter });
  audits = new DynamoAuditStore({ client, tableName, counter });
  bus = new LocalEventBus({ routes: ROUTES });
  sink.reset();
  nowMs = T0;
});
afterEach(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

async function store(p: AmplificationPlan): Promise<void> {
  expect(await plans.createPlan(p)).toBe("created");
  const r = release(p.releaseId, (Date.parse(p.release.detectedAt) - T0) / HOUR);
  expect(await releases.createRelease(r)).toBe("created");
  await plans.recordReleasePlanning(r.id, { plannedAt: p.createdAt, clientIds: [p.clientId], planIds: [p.id] });
}

async function healthyFeeds(): Promise<void> {
  for (const id of ["acme-newsroom", "prn"]) await releases.putFeedState(feedState(id, { lastNewItemAt: new Date(nowMs).toISOString() }), undefined);
}

describe("DynamoAuditStore on DynamoDB Local", () => {
  it("pages through a client's plans by deadline on GSI2, soonest first, bounded by the range, without a Scan", async () => {
    for (let i = 0; i < 35; i++) await store(plan(`p_${String(i).padStart(2, "0")}`, i));
    await plans.createPlan(plan("p_globex", 1, {}, "globex"));
    audits.queryPageSize = 10;
    counter.reset();
    const got = await audits.plansByDeadline("acme", at(72 + 5), at(72 + 30));
    expect(got.map((p) => p.id)).toEqual(Array.from({ length: 26 }, (_, i) => `p_${String(i + 5).padStart(2, "0")}`));
    expect(got[0]).not.toHaveProperty("GSI2PK");
    expect(counter.counts.get("Query")).toBe(3);
    expect([...counter.counts.keys()]).toEqual(["Query"]);
  });

  it("stores reports by time; the latest pointer never moves back", async () => {
    nowMs = T0 + 80 * HOUR;
    await healthyFeeds();
    const later = await auditWindows(deps());
    const earlier = await auditWindows(deps(), { now: new Date(T0 + 79 * HOUR) });
    await audits.saveReport(later);
    await audits.saveReport(earlier);
    expect((await audits.latestReport())?.at).toBe(later.at);
    const listed = await audits.listReports({ from: at(0), to: at(100), limit: 10 });
    expect(listed.map((r) => r.at)).toEqual([later.at, earlier.at]);
    expect(listed[0]).not.toHaveProperty("findings");
  });
});

describe("runAudit: digest deduplication across runs", () => {
  it("emails new findings once, nothing on the next run, again when a finding changes; stores the report and emits Audit Completed", async () => {
    const pending = plan("p_pending", 0);
    const approved = plan("p_fine", 0);
    approve(approved, 1);
    publish(approved, 2, "published");
    await store(pending);
    await store(approved);
    nowMs = T0 + 62 * HOUR;
    await healthyFeeds();

    // Hour 62: p_pending is at risk (10 h left), and stale. One digest to the owner and approvers.
    const first = await runAudit(deps());
    expect(first.report.findings.map((f) => `${f.kind}:${f.planId}`)).toEqual(["at-risk:p_pending", "stale:p_pending"]);
    expect(first.digests).toEqual([expect.objectContaining({ clientId: "acme", status: "sent", announced: ["at-risk:plan:p_pending"] })]);
    const [mail] = await sink.waitForMessages(1);
    expect(mail!.rcptTo.sort()).toEqual(["pr-lead@acme.example", "social@acme.example"]);
    const parsed = await simpleParser(mail!.raw);
    expect(parsed.subject).toBe("Amplification audit for Acme Corp: 1 at risk");
    expect(parsed.text).toContain("Release p_pending");
    expect(parsed.text).toContain("http://127.0.0.1:3000/dashboard/acme");
    expect((await audits.latestReport())?.id).toBe(first.report.id);
    expect(bus.published.map((e) => e.detailType)).toEqual(["Audit Completed"]);
    expect(bus.published[0]!.detail).toMatchObject({ counts: { missed: 0, atRisk: 1, stale: 1, feedHealth: 0 }, digests: { sent: 1, failed: 0, findingsAnnounced: 1 } });

    // Hours 63 and 64: the same finding, fewer hours left: nothing is sent.
    for (const h of [63, 64]) {
      nowMs = T0 + h * HOUR;
      counter.reset();
      const again = await runAudit(deps());
      expect(again.digests).toEqual([expect.objectContaining({ status: "nothing-new", announced: [] })]);
      // Unchanged findings cost one batched read, no write: the only writes are the report and its pointer.
      expect(counter.counts.get("PutItem")).toBe(2);
      expect(counter.counts.get("UpdateItem") ?? 0).toBe(0);
    }
    expect(sink.messages).toHaveLength(1);

    // Hour 73: the window closed: the finding changed (at risk -> missed) and is announced again.
    nowMs = T0 + 73 * HOUR;
    await healthyFeeds();
    const closed = await runAudit(deps());
    expect(closed.digests[0]).toMatchObject({ status: "sent", announced: ["missed:plan:p_pending"] });
    await sink.waitForMessages(2);
    expect((await simpleParser(sink.messages[1]!.raw)).subject).toBe("Amplification audit for Acme Corp: 1 missed");
    // Amplified in time: in no list, ever.
    expect(closed.report.findings.some((f) => f.planId === "p_fine")).toBe(false);
  });

  it("a failed email leaves its findings unannounced for the next run, and does not stop other clients' digests", async () => {
    await store(plan("p_acme", 0));
    await store(plan("p_globex", 0, {}, "globex"));
    nowMs = T0 + 65 * HOUR; // globex (48 h window) missed, acme (72 h) at risk
    await healthyFeeds();
    sink.rejectRcpt(451);
    const failed = await runAudit(deps());
    expect(failed.digests.map((d) => `${d.clientId}:${d.status}`).sort()).toEqual(["acme:failed", "globex:failed"]);
    expect(failed.report.counts.missed + failed.report.counts.atRisk).toBe(2);
    expect(bus.published.at(-1)!.detail).toMatchObject({ digests: { sent: 0, failed: 2 } });

    sink.rejectRcpt(null);
    nowMs += HOUR;
    const retried = await runAudit(deps());
    expect(retried.digests.map((d) => `${d.clientId}:${d.status}:${d.announced.join(",")}`).sort()).toEqual([
      "acme:sent:at-risk:plan:p_acme",
      "globex:sent:missed:plan:p_globex",
    ]);
    expect(sink.messages).toHaveLength(2);
  });

  it("concurrent runs on the same report send one digest between them", async () => {
    await store(plan("p_race", 0));
    nowMs = T0 + 65 * HOUR;
    await healthyFeeds();
    const report = await auditWindows(deps());
    const outcomes = await Promise.all([sendAuditDigests(deps(), report), sendAuditDigests(deps(), report), sendAuditDigests(deps(), report)]);
    expect(outcomes.flat().filter((o) => o.status === "sent")).toHaveLength(1);
    await sink.waitForMessages(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.messages).toHaveLength(1);
  });

  it("reads only through Query, GetItem and BatchGetItem (never a Scan), in proportion to the period", async () => {
    for (let i = 0; i < 12; i++) await store(plan(`p_${i}`, i));
    nowMs = T0 + 80 * HOUR;
    await healthyFeeds();
    counter.reset();
    const report = await auditWindows(deps());
    expect(report.reads.plans).toBe(12);
    const ops = [...counter.counts.keys()].sort();
    expect(ops.every((op) => ["BatchGetItem", "GetItem", "Query"].includes(op))).toBe(true);
    expect(counter.counts.get("GetItem") ?? 0).toBe(0); // every planned plan came from the deadline index
  });
});
