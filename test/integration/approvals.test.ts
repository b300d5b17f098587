import { memorySignIn } from "../support/memory-sessions.ts";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { simpleParser } from "mailparser";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DynamoApprovalStore,
  DynamoPlanStore,
  DynamoReleaseStore,
  LocalEventBus,
  SmtpMailer,
  createDynamoClient,
  ensureTable,
  freePort,
  DynamoEventOutbox,
  DynamoEmailLedger,
} from "@pressbridge/adapters";
import {
  ROUTES,
  approversFromConfig,
  notifyApprovers,
  parseConfig,
  planAmplification,
  planIdFor,
  reviewLinkFor,
  sendReminders,
  signApprovalToken,
  type NewRelease,
  type NotifyDeps,
  type PressbridgeConfig,
  type ReviewDeps,
  type SigningKeys,
  NO_MEDIA_LISTS,
} from "@pressbridge/core";
import { createWebApp, startWebServer, type RunningWebServer } from "@pressbridge/web";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink.ts";
import { memoryWorkspace } from "../support/memory-workspace.ts";

/**
 * Approval by email end to end: the plan's emails go through a real SMTP server on loopback, the
 * link is taken from the parsed message and followed against the real web app over HTTP, backed by
 * DynamoDB Local.
 */
const config = parseConfig({
  clients: [
    {
      id: "acme",
      name: "Acme Corp",
      windowHours: 72,
      timezone: "America/New_York",
      owner: "pr@acme.example",
      approvers: ["ana@acme.example", "ben@acme.example"],
      channels: ["x", "linkedin"],
      adPlatforms: ["linkedin"],
      keywords: ["Acme"],
    },
  ],
  feeds: [{ id: "wire", url: "https://wire.example/rss" }],
});

const keys: SigningKeys = { current: { id: "k2", secret: "s".repeat(40) }, previous: [{ id: "k1", secret: "o".repeat(40) }] };
const DETECTED = "2026-11-21T15:00:00.000Z";
let nowMs = Date.parse("2026-11-21T15:01:00.000Z");
const clock = { now: () => new Date(nowMs) };

let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let releases: DynamoReleaseStore;
let plans: DynamoPlanStore;
let approvals: DynamoApprovalStore;
let outbox: DynamoEventOutbox;
let emails: DynamoEmailLedger;
let bus: LocalEventBus;
let sink: SmtpSink;
let mailer: SmtpMailer;
let web: RunningWebServer;

const review = (current: PressbridgeConfig = config): ReviewDeps => ({ plans, approvals, outbox, bus, clock, keys, currentApprovers: approversFromConfig(current) });

/** The web app on loopback, on a port chosen first so its base URL is known. */
async function startWeb(current: PressbridgeConfig = config): Promise<RunningWebServer> {
  const port = await freePort();
  return startWebServer(createWebApp({ review: review(current), workspace: memoryWorkspace(current), baseUrl: `http://127.0.0.1:${port}`, signIn: memorySignIn().deps }), { port });
}
const notify = (): NotifyDeps => ({ plans, emails, mailer, clock, keys, baseUrl: web.url, from: "approvals@pressbridge.example" });

beforeAll(async () => {
  sink = await startSmtpSink();
  mailer = new SmtpMailer({ url: sink.url() });
});
afterAll(async () => {
  await mailer.close();
  await sink.close();
});

beforeEach(async () => {
  nowMs = Date.parse("2026-11-21T15:01:00.000Z");
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `appr-${randomUUID()}`;
  await ensureTable(client, tableName);
  releases = new DynamoReleaseStore({ client, tableName });
  plans = new DynamoPlanStore({ client, tableName });
  approvals = new DynamoApprovalStore({ client, tableName });
  outbox = new DynamoEventOutbox({ client, tableName });
  emails = new DynamoEmailLedger({ client, tableName });
  bus = new LocalEventBus({ routes: ROUTES });
  web = await startWeb();
  sink.reset();
  await seedPlan();
});
afterEach(async () => {
  await web.close();
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

const PLAN_ID = planIdFor("r_appr", "acme");

async function seedPlan(): Promise<void> {
  const release: NewRelease = {
    id: "r_appr",
    identity: "url:https://www.prnewswire.com/news-releases/acme-302900009.html",
    title: 'Acme Corp <script>alert("x")</script> Launches Payments Cloud',
    summary: "NEW YORK, Nov. 21, 2026 /PRNewswire/ -- Acme Corp launched a payments cloud for 40 banks.",
    url: "https://www.prnewswire.com/news-releases/acme-302900009.html",
    publishedAt: DETECTED,
    publishedAtPrecision: "datetime",
    detectedAt: DETECTED,
    wire: "PR Newswire",
    issuer: "Acme Corp",
    tickers: [],
    language: "en",
    wireReleaseId: null,
    industries: [],
    subjects: [],
    keywords: [],
    fingerprint: null,
    clientId: null,
    announce: "announced",
    announceLeaseUntil: null,
    sources: [{ feedId: "wire", url: null, seenAt: DETECTED }],
  };
  await releases.createRelease(release);
  await planAmplification({ config, releases, plans, bus, outbox, clock, mediaLists: NO_MEDIA_LISTS }, {
    version: 1, releaseId: release.id, title: release.title, url: release.url, wire: release.wire, issuer: release.issuer, tickers: [],
    language: "en", publishedAt: DETECTED, detectedAt: DETECTED, feedId: "wire", clientId: null,
  });
}

async function linksFromMail(): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  for (const m of sink.messages) {
    const parsed = await simpleParser(m.raw);
    const link = /http:\/\/127\.0\.0\.1:\d+\/review\/[A-Za-z0-9_.-]+/.exec(parsed.text ?? "")?.[0];
    if (link !== undefined) links.set(m.rcptTo[0]!, link);
  }
  return links;
}

/** A form post as the review page's own form makes it (same origin). */
async function post(link: string, path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${link}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(link).origin },
    body: new URLSearchParams(fields).toString(),
  });
}

async function formOf(link: string): Promise<{ csrf: string; versions: Record<string, string>; html: string }> {
  const html = await (await fetch(link)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const versions = Object.fromEntries([...html.matchAll(/name="(v_[a-z]+)" value="(\d+)"/g)].map((m) => [m[1]!, m[2]!]));
  return { csrf, versions, html };
}

describe("approval by email", () => {
  it("emails every approver through SMTP, and the link in the parsed email opens the review page", async () => {
    const outcome = await notifyApprovers(notify(), { planId: PLAN_ID, kind: "approval" });
    expect(outcome.sent.sort()).toEqual(["ana@acme.example", "ben@acme.example"]);
    await sink.waitForMessages(2);
    const parsed = await simpleParser(sink.messages[0]!.raw);
    expect(parsed.subject).toContain("Launches Payments Cloud");
    expect(parsed.html).toContain("&lt;script&gt;");
    expect(parsed.html).not.toContain("<script>");
    expect(parsed.text).toMatch(/EST/); // the deadline in the client's time zone

    const links = await linksFromMail();
    expect(links.size).toBe(2);
    const page = await fetch(links.get("ana@acme.example")!);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    expect(html).toContain("Acme Corp &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Launches Payments Cloud");
    expect(html).not.toContain('<script>alert("x")</script>');
    expect(html).toContain("Reviewing as ana@acme.example");

    // A redelivered Amplification Planned sends nothing twice.
    const again = await notifyApprovers(notify(), { planId: PLAN_ID, kind: "approval" });
    expect(again.sent).toEqual([]);
    expect(sink.messages).toHaveLength(2);
  });

  it("lets link scanners GET (and HEAD) every link in every mail any number of times without deciding anything", async () => {
    await notifyApprovers(notify(), { planId: PLAN_ID, kind: "approval" });
    await sink.waitForMessages(2);
    for (const m of sink.messages) {
      const parsed = await simpleParser(m.raw);
      const all = new Set([...(parsed.text ?? "").matchAll(/https?:\/\/[^\s<>")]+/g)].map((x) => x[0]));
      for (const href of String(parsed.html).matchAll(/href="([^"]+)"/g)) all.add(href[1]!.replace(/&amp;/g, "&"));
      const local = [...all].filter((u) => u.startsWith(web.url));
      expect(local.length).toBeGreaterThan(0);
      for (const url of local) {
        for (let i = 0; i < 3; i++) {
          expect((await fetch(url)).status).toBeLessThan(500);
          expect((await fetch(url, { method: "HEAD" })).status).toBeLessThan(500);
        }
      }
    }
    const plan = await plans.getPlan(PLAN_ID);
    expect(plan?.status).toBe("pending_approval");
    expect(plan?.decision).toBeUndefined();
    expect(await approvals.auditTrail(PLAN_ID)).toEqual([]);
  });

  it("decides once: of two concurrent approvals one wins, the other sees who decided; the event is published once", async () => {
    const anaLink = reviewLinkFor({ keys, baseUrl: web.url }, { id: PLAN_ID, windowDeadline: "2026-11-24T15:00:00.000Z" }, "ana@acme.example");
    const benLink = reviewLinkFor({ keys, baseUrl: web.url }, { id: PLAN_ID, windowDeadline: "2026-11-24T15:00:00.000Z" }, "ben@acme.example");
    const [ana, ben] = await Promise.all([formOf(anaLink), formOf(benLink)]);
    const results = await Promise.all([
      post(anaLink, "/decision", { csrf: ana.csrf, action: "approve", ...ana.versions }),
      post(benLink, "/decision", { csrf: ben.csrf, action: "reject", ...ben.versions }),
      post(anaLink, "/decision", { csrf: ana.csrf, action: "approve", ...ana.versions }), // a double click
    ]);
    expect(results.map((r) => r.status)).toEqual([303, 303, 303]);
    const plan = await plans.getPlan(PLAN_ID);
    expect(["approved", "rejected"]).toContain(plan?.status);
    const decisions = bus.published.filter((e) => e.detailType === "Amplification Approved" || e.detailType === "Amplification Rejected");
    expect(decisions).toHaveLength(1);
    const trail = await approvals.auditTrail(PLAN_ID);
    expect(trail.filter((a) => a.action !== "edited")).toHaveLength(1);
    expect(trail[0]).toMatchObject({ by: plan!.decision!.by, draftVersions: { x: 1, linkedin: 1 } });
    expect(await outbox.pendingEvents("9999", 10)).toEqual([]);

    // Whoever lost sees the decision, with who and when, and no form to decide again.
    const loserLink = plan!.decision!.by === "ana@acme.example" ? benLink : anaLink;
    const page = await (await fetch(loserLink)).text();
    expect(page).toContain(`by ${plan!.decision!.by}`);
    expect(page).not.toContain('name="action"');
  });

  it("declines with action \"decline\" (the new name of reject): the plan is rejected once, with the reason in the audit trail", async () => {
    const link = reviewLinkFor({ keys, baseUrl: web.url }, { id: PLAN_ID, windowDeadline: "2026-11-24T15:00:00.000Z" }, "ben@acme.example");
    const form = await formOf(link);
    const fields = { csrf: form.csrf, action: "decline", comment: "Embargo moved to Friday.", ...form.versions };
    const results = await Promise.all([post(link, "/decision", fields), post(link, "/decision", fields)]); // a double click
    expect(results.map((r) => r.status)).toEqual([303, 303]);
    const plan = await plans.getPlan(PLAN_ID);
    expect(plan?.status).toBe("rejected");
    expect(plan?.decision).toMatchObject({ action: "rejected", by: "ben@acme.example", comment: "Embargo moved to Friday." });
    expect(bus.published.filter((e) => e.detailType === "Amplification Rejected")).toHaveLength(1);
    expect(bus.published.filter((e) => e.detailType === "Amplification Approved")).toHaveLength(0);
    const trail = (await approvals.auditTrail(PLAN_ID)).filter((a) => a.action !== "edited");
    expect(trail).toEqual([expect.objectContaining({ action: "rejected", by: "ben@acme.example", comment: "Embargo moved to Friday." })]);

    // An unknown action decides nothing.
    const other = reviewLinkFor({ keys, baseUrl: web.url }, { id: PLAN_ID, windowDeadline: "2026-11-24T15:00:00.000Z" }, "ana@acme.example");
    const bad = await post(other, "/decision", { csrf: (await formOf(other)).csrf, action: "maybe" });
    expect(bad.status).toBe(400);
  });

  it("applies the decision to the versions shown: an edit in between makes an approval stale", async () => {
    const link = reviewLinkFor({ keys, baseUrl: web.url }, { id: PLAN_ID, windowDeadline: "2026-11-24T15:00:00.000Z" }, "ana@acme.example");
    const before = await formOf(link);
    const plan = await plans.getPlan(PLAN_ID);
    const linkedin = plan!.drafts.find((d) => d.channel === "linkedin")!;
    const edited = await post(link, "/drafts/linkedin", { csrf: before.csrf, version: "1", text: `${linkedin.text}\n\nEdited by Ana.` });
    expect(edited.status).toBe(303);
    nowMs += 60_000;
    const stale = await post(link, "/decision", { csrf: before.csrf, action: "approve", ...before.versions });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("A draft changed since this page was loaded");
    const after = await formOf(link);
    expect(after.versions.v_linkedin).toBe("2");
    expect((await post(link, "/decision", { csrf: after.csrf, action: "approve", ...after.versions })).status).toBe(303);
    const decided = await plans.getPlan(PLAN_ID);
    expect(decided).toMatchObject({ status: "approved", decision: { draftVersions: { linkedin: 2, x: 1 } } });
    expect(decided!.drafts.find((d) => d.channel === "linkedin")).toMatchObject({ version: 2, text: `${linkedin.text}\n\nEdited by Ana.` });
    const trail = await approvals.auditTrail(PLAN_ID);
    expect(trail.map((a) => a.action)).toEqual(["edited", "approved"]);
  });

  it("validates edits with the channel's own rules and keeps the rejected text on the page", async () => {
    const link = reviewLinkFor({ keys, baseUrl: web.url }, { id: PLAN_ID, windowDeadline: "2026-11-24T15:00:00.000Z" }, "ana@acme.example");
    const form = await formOf(link);
    const tooLong = `${"word ".repeat(80)}https://www.prnewswire.com/x`;
    const res = await post(link, "/drafts/x", { csrf: form.csrf, version: "1", text: tooLong });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/The x edit was not saved: .*280/);
    expect(html).toContain("word word word");
    expect((await plans.getPlan(PLAN_ID))!.drafts.find((d) => d.channel === "x")!.version).toBe(1);
  });

  it("refuses tampered, expired, wrong-key and cross-site requests with a clear page, and accepts a previous key", async () => {
    const deadline = new Date("2026-11-24T15:00:00.000Z");
    const good = signApprovalToken(keys, { planId: PLAN_ID, approver: "ana@acme.example", expiresAt: deadline });
    const [payload, sig] = good.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), a: "ben@acme.example" })).toString("base64url");
    const cases: Array<[string, number, RegExp]> = [
      [`${forged}.${sig}`, 410, /not valid/],
      [`${payload}.${sig.slice(0, -2)}AA`, 410, /not valid/],
      ["not-a-token", 400, /not valid/],
      [signApprovalToken({ current: { id: "k9", secret: "z".repeat(40) }, previous: [] }, { planId: PLAN_ID, approver: "ana@acme.example", expiresAt: deadline }), 410, /no longer accepted/],
      [signApprovalToken(keys, { planId: PLAN_ID, approver: "eve@evil.example", expiresAt: deadline }), 410, /no longer an approver/],
    ];
    for (const [token, status, text] of cases) {
      const res = await fetch(`${web.url}/review/${token}`);
      expect(res.status).toBe(status);
      expect(await res.text()).toMatch(text);
    }
    // Rotation: a link signed with the previous key still works.
    const old = signApprovalToken({ current: keys.previous[0]!, previous: [] }, { planId: PLAN_ID, approver: "ana@acme.example", expiresAt: deadline });
    expect((await fetch(`${web.url}/review/${old}`)).status).toBe(200);

    // A cross-site form post is refused by the Origin check; a missing CSRF token by the form check.
    const link = `${web.url}/review/${good}`;
    const form = await formOf(link);
    const crossSite = await fetch(`${link}/decision`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: new URLSearchParams({ csrf: form.csrf, action: "approve", ...form.versions }).toString(),
    });
    expect(crossSite.status).toBe(403);
    expect((await post(link, "/decision", { csrf: "forged", action: "approve", ...form.versions })).status).toBe(403);

    // Expiry: at the window deadline the link stops working, and nothing was decided by any of this.
    nowMs = deadline.getTime();
    const expired = await fetch(link);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toMatch(/expired/);
    expect((await post(link, "/decision", { csrf: form.csrf, action: "approve", ...form.versions })).status).toBe(410);
    expect((await plans.getPlan(PLAN_ID))?.status).toBe("pending_approval");
  });

  it("refuses an approver removed from the client since the email, on the page and on every POST, and writes nothing", async () => {
    const benLink = reviewLinkFor({ keys, baseUrl: web.url }, { id: PLAN_ID, windowDeadline: "2026-11-24T15:00:00.000Z" }, "ben@acme.example");
    const form = await formOf(benLink); // Ben opened the page while still an approver
    expect(form.csrf).not.toBe("");

    // The config now lists only Ana; the plan still carries both (frozen when it was made).
    const acme = config.clients[0]!;
    const current = parseConfig({ ...config, clients: [{ ...acme, approvers: ["ana@acme.example"] }] });
    expect((await plans.getPlan(PLAN_ID))!.approvers).toContain("ben@acme.example");
    const later = await startWeb(current);
    try {
      const link = benLink.replace(web.url, later.url);
      const page = await fetch(link);
      expect(page.status).toBe(403);
      const text = await page.text();
      expect(text).toContain("you are no longer an approver for Acme Corp");
      expect(text).not.toContain('name="action"');
      for (const [path, fields] of [
        ["/decision", { csrf: form.csrf, action: "approve", ...form.versions }],
        ["/decision", { csrf: form.csrf, action: "reject", ...form.versions }],
        ["/drafts/linkedin", { csrf: form.csrf, version: "1", text: "Edited by Ben after his removal." }],
      ] as const) {
        const res = await post(link, path, fields);
        expect(res.status, path).toBe(403);
        expect(await res.text(), path).toContain("you are no longer an approver for Acme Corp");
      }
      const plan = await plans.getPlan(PLAN_ID);
      expect(plan).toMatchObject({ status: "pending_approval" });
      expect(plan!.decision).toBeUndefined();
      expect(plan!.drafts.every((d) => d.version === 1)).toBe(true);
      expect(await approvals.auditTrail(PLAN_ID)).toEqual([]);
      expect(bus.published.filter((e) => e.detailType === "Amplification Approved" || e.detailType === "Amplification Rejected")).toEqual([]);
      expect(await outbox.pendingEvents("9999", 10)).toEqual([]);

      // Ana, still an approver, decides through the same app.
      const anaLink = reviewLinkFor({ keys, baseUrl: later.url }, { id: PLAN_ID, windowDeadline: "2026-11-24T15:00:00.000Z" }, "ana@acme.example");
      const ana = await formOf(anaLink);
      expect((await post(anaLink, "/decision", { csrf: ana.csrf, action: "approve", ...ana.versions })).status).toBe(303);
      expect((await plans.getPlan(PLAN_ID))!.decision!.by).toBe("ana@acme.example");
    } finally {
      await later.close();
    }
  });

  it("reminds approvers once when half the window is gone and the plan is still pending", async () => {
    await notifyApprovers(notify(), { planId: PLAN_ID, kind: "approval" });
    await sink.waitForMessages(2);
    nowMs = Date.parse(DETECTED) + 30 * 3600_000; // 30 h of 72: not yet
    expect((await sendReminders(notify(), config)).flatMap((o) => o.sent)).toEqual([]);
    nowMs = Date.parse(DETECTED) + 37 * 3600_000; // past half
    expect((await sendReminders(notify(), config)).flatMap((o) => o.sent).sort()).toEqual(["ana@acme.example", "ben@acme.example"]);
    expect((await sendReminders(notify(), config)).flatMap((o) => o.sent)).toEqual([]);
    await sink.waitForMessages(4);
    const reminder = await simpleParser(sink.messages[3]!.raw);
    expect(reminder.subject).toMatch(/Reminder: 35 h left/);
  });

  it("degrades one approver when the mail server refuses them, and retries a temporary failure", async () => {
    sink.rejectRcpt(451);
    await expect(notifyApprovers(notify(), { planId: PLAN_ID, kind: "approval" })).rejects.toThrow(/retry/);
    sink.rejectRcpt(null);
    const retried = await notifyApprovers(notify(), { planId: PLAN_ID, kind: "approval" });
    expect(retried.sent.sort()).toEqual(["ana@acme.example", "ben@acme.example"]);
    expect((await approvals.emailRecords(PLAN_ID)).every((r) => r.status === "sent")).toBe(true);
  });
});
