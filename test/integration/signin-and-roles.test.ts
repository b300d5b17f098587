import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoPlanStore, DynamoSessionStore, DynamoApprovalStore, DynamoEventOutbox, DynamoAuditStore, DynamoReleaseStore, LocalEventBus, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import {
  ROUTES,
  SESSION_POLICY,
  SIGNIN_LIMITS,
  approversFromConfig,
  parseConfig,
  revokeSessionsOf,
  signApprovalToken,
  signSignInToken,
  type AmplificationPlan,
  type SigningKeys,
} from "@pressbridge/core";
import { createWebApp } from "@pressbridge/web";
import { memoryWorkspace } from "../support/memory-workspace.ts";
import { MemoryMailer, addPeople } from "../support/memory-sessions.ts";

/**
 * People signing in (docs/access.md) against DynamoDB Local: the sign-in link (single use, 15 min,
 * tampering), sessions (idle and absolute expiry, sign-out, revocation, roles removed), the rate
 * limits, no address enumeration, and every role against every page and POST the app registers
 * (listed from app.routes, so a new route is in the matrix without editing this test).
 */
const keys: SigningKeys = { current: { id: "k1", secret: "k".repeat(40) }, previous: [] };
const BASE = "http://127.0.0.1:3999";
const HOST = { host: "127.0.0.1:3999" };
const FORM = { ...HOST, origin: BASE, "content-type": "application/x-www-form-urlencoded" };
const START = Date.parse("2026-11-21T15:00:00.000Z");
let nowMs = START;
const clock = { now: () => new Date(nowMs) };
const MIN_MS = 60;

const config = parseConfig({
  clients: [
    { id: "acme", name: "Acme Corp", owner: "lead-a@agency.example", approvers: ["appr-a@acme.example"], keywords: ["Acme"] },
    { id: "beta", name: "Beta Inc", owner: "lead-b@agency.example", approvers: ["appr-b@beta.example"], keywords: ["Beta"] },
  ],
  feeds: [{ id: "wire", url: "https://wire.example/rss" }],
});
const ADMIN = "admin@agency.example";

let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let sessions: DynamoSessionStore;
let mailer: MemoryMailer;
let workspace: ReturnType<typeof memoryWorkspace>;
let app: ReturnType<typeof createWebApp>;
const PLAN_A = "p_rolesA000000000000001";
const PLAN_B = "p_rolesB000000000000001";

function planOf(id: string, clientId: string): AmplificationPlan {
  const at = new Date(START).toISOString();
  return {
    id, releaseId: `r_${id}`, clientId, clientName: clientId, status: "approved", createdAt: at,
    windowDeadline: new Date(START + 72 * 3600_000).toISOString(), windowHours: 72, timezone: "UTC", owner: "x@example.com", approvers: [],
    match: { reason: "keyword", matched: [] },
    release: { title: `Release of ${clientId}`, url: "https://wire.example/r", wire: "Wire", issuer: null, tickers: [], language: "en", detectedAt: at, publishedAt: at },
    campaign: "c", drafts: [], skipped: [], briefs: [], announce: "announced", announceLeaseUntil: null,
    decision: { action: "approved", by: "a@example.com", at, linkId: "l", draftVersions: {}, comment: null },
  } as AmplificationPlan;
}

beforeAll(async () => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `signin-${randomUUID()}`;
  await ensureTable(client, tableName);
  const table = { client, tableName };
  sessions = new DynamoSessionStore(table);
  const plans = new DynamoPlanStore(table);
  for (const p of [planOf(PLAN_A, "acme"), planOf(PLAN_B, "beta")]) await plans.createPlan(p);
  mailer = new MemoryMailer();
  workspace = memoryWorkspace(config);
  addPeople(workspace, { email: ADMIN, grants: [{ role: "admin" }] });
  const releases = new DynamoReleaseStore(table);
  app = createWebApp({
    review: { plans, approvals: new DynamoApprovalStore(table), outbox: new DynamoEventOutbox(table), bus: new LocalEventBus({ routes: ROUTES }), clock, keys, currentApprovers: approversFromConfig(config) },
    workspace,
    baseUrl: BASE,
    signIn: { sessions, rateLimits: sessions, mailer, from: "pressbridge@agency.example", minResponseMs: MIN_MS },
    dashboard: { audits: new DynamoAuditStore(table), plans, releases, feedStates: releases, clock },
    outbox: { mailboxKey: "mailbox-key-0123456789abcdef0123456789", list: async () => [], read: async () => undefined },
  });
});

afterAll(async () => {
  await client?.send(new DeleteTableCommand({ TableName: tableName }));
  client?.destroy();
});

const ip = (addr: string) => ({ incoming: { socket: { remoteAddress: addr } } });
let ipCounter = 0;
/** A fresh client address per request unless given, so the per-IP limit only counts where a test means it. */
const requestLink = (email: string, from = `10.0.0.${++ipCounter % 250}`) =>
  app.request(`${BASE}/signin`, { method: "POST", headers: FORM, body: new URLSearchParams({ email, next: "/queue" }).toString() }, ip(from));

const linkIn = (text: string): string => /http:\/\/\S+\/signin\/link\?token=[A-Za-z0-9._-]+/.exec(text)![0];
const tokenOf = (link: string): string => new URL(link).searchParams.get("token")!;

/** Signs in through the whole flow: ask, open the emailed link, press the button; the session cookie. */
async function signIn(email: string): Promise<string> {
  const before = mailer.sent.length;
  expect((await requestLink(email)).status).toBe(200);
  const mail = mailer.sent[before];
  expect(mail?.to, `a sign-in email to ${email}`).toEqual([email]);
  const res = await app.request(`${BASE}/signin/link`, { method: "POST", headers: FORM, body: new URLSearchParams({ token: tokenOf(linkIn(mail!.text)), next: "/queue" }).toString() });
  expect(res.status).toBe(303);
  return /pb_session=[A-Za-z0-9_-]+/.exec(res.headers.get("set-cookie") ?? "")![0];
}

const get = (path: string, cookie?: string) => app.request(`${BASE}${path}`, { headers: { ...HOST, ...(cookie === undefined ? {} : { cookie }) } });
const post = (path: string, cookie?: string, form: Record<string, string> = {}) =>
  app.request(`${BASE}${path}`, { method: "POST", headers: { ...FORM, ...(cookie === undefined ? {} : { cookie }) }, body: new URLSearchParams(form).toString() });

describe("the sign-in link", () => {
  it("is emailed to a person with a role: GET shows a button and signs nobody in; the POST signs in once", async () => {
    const before = mailer.sent.length;
    const asked = await requestLink(ADMIN);
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain("Check your email");
    const link = linkIn(mailer.sent[before]!.text);
    expect(link.startsWith(`${BASE}/signin/link?token=`)).toBe(true);
    const shown = await app.request(link, { headers: HOST });
    expect(shown.status).toBe(200);
    expect(shown.headers.get("set-cookie")).toBeNull();
    const page = await shown.text();
    expect(page).toContain('<form method="post" action="/signin/link">');
    expect(page).toContain(ADMIN);
    // Shown twice (a link scanner, then the person): still usable.
    expect((await app.request(link, { headers: HOST })).status).toBe(200);
    const used = await post("/signin/link", undefined, { token: tokenOf(link), next: "/dashboard" });
    expect(used.status).toBe(303);
    expect(used.headers.get("location")).toBe("/dashboard");
    const cookie = used.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^pb_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // http://127.0.0.1: Secure only over https
    expect(cookie).toMatch(new RegExp(`Max-Age=${SESSION_POLICY.absoluteSeconds}`));
    // Reused: refused, on the GET and the POST.
    expect((await app.request(link, { headers: HOST })).status).toBe(410);
    const again = await post("/signin/link", undefined, { token: tokenOf(link) });
    expect(again.status).toBe(410);
    expect(again.headers.get("set-cookie")).toBeNull();
    expect(await again.text()).toContain("used already");
  });

  it("expires after 15 minutes, and a tampered or foreign-key link signs nobody in", async () => {
    const fresh = signSignInToken(keys, { email: ADMIN, expiresAt: new Date(nowMs + 15 * 60_000) });
    nowMs = START + 15 * 60_000 + 1000;
    expect((await get(`/signin/link?token=${fresh}`)).status).toBe(410);
    expect(await (await post("/signin/link", undefined, { token: fresh })).text()).toContain("expired");
    nowMs = START;
    const [payload, sig] = fresh.split(".") as [string, string];
    const otherEmail = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), a: "lead-b@agency.example" })).toString("base64url");
    const forged = [
      `${otherEmail}.${sig}`,
      `${payload}.${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`,
      signSignInToken({ current: { id: "k1", secret: "x".repeat(40) }, previous: [] }, { email: ADMIN, expiresAt: new Date(nowMs + 60_000) }),
      signSignInToken({ current: { id: "k9", secret: "k".repeat(40) }, previous: [] }, { email: ADMIN, expiresAt: new Date(nowMs + 60_000) }),
      // A review link's token is not a sign-in token, even with the same keys.
      signApprovalToken(keys, { planId: PLAN_A, approver: ADMIN, expiresAt: new Date(nowMs + 60_000) }),
      "garbage",
    ];
    for (const token of forged) {
      expect((await get(`/signin/link?token=${encodeURIComponent(token)}`)).status, token).toBe(410);
      const res = await post("/signin/link", undefined, { token });
      expect(res.status, token).toBe(410);
      expect(res.headers.get("set-cookie"), token).toBeNull();
    }
  });

  it("is refused at the button when the person lost their roles since it was sent", async () => {
    const token = signSignInToken(keys, { email: "gone@agency.example", expiresAt: new Date(nowMs + 60_000) });
    const res = await post("/signin/link", undefined, { token });
    expect(res.status).toBe(410);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});

describe("asking for a link", () => {
  it("answers an address with no role exactly like one with a role, after the same minimum time, and sends nothing", async () => {
    const answers: Array<{ status: number; body: string; ms: number; cookie: string | null }> = [];
    for (const email of ["lead-a@agency.example", "nobody@agency.example"]) {
      const started = Date.now();
      const res = await requestLink(email);
      answers.push({ status: res.status, body: (await res.text()).replace(email, "EMAIL"), ms: Date.now() - started, cookie: res.headers.get("set-cookie") });
    }
    expect(answers[0]!.status).toBe(answers[1]!.status);
    expect(answers[0]!.body).toBe(answers[1]!.body);
    expect(answers[0]!.cookie).toBe(answers[1]!.cookie);
    for (const a of answers) expect(a.ms).toBeGreaterThanOrEqual(MIN_MS - 5);
    expect(mailer.sent.some((m) => m.to.includes("nobody@agency.example"))).toBe(false);
  });

  it("keeps what was typed when the address is not an address", async () => {
    const res = await requestLink("not an address");
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('value="not an address"');
    expect(page).toContain('aria-describedby="email-error"');
  });

  it(`limits requests to ${SIGNIN_LIMITS.perAddress} per address and ${SIGNIN_LIMITS.perIp} per IP in ${SIGNIN_LIMITS.windowSeconds / 60} minutes, whether or not the address exists`, async () => {
    nowMs = START + 24 * 3600_000; // a fresh window
    for (const email of ["lead-b@agency.example", "unknown@agency.example"]) {
      for (let i = 0; i < SIGNIN_LIMITS.perAddress; i++) expect((await requestLink(email)).status, `${email} #${i + 1}`).toBe(200);
      const limited = await requestLink(email);
      expect(limited.status, email).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await limited.text()).toContain(`value="${email}"`);
    }
    for (let i = 0; i < SIGNIN_LIMITS.perIp; i++) expect((await requestLink(`person${i}@agency.example`, "192.0.2.50")).status).toBe(200);
    expect((await requestLink("person-last@agency.example", "192.0.2.50")).status).toBe(429);
    expect((await requestLink("person-last@agency.example", "192.0.2.51")).status).toBe(200);
    // The next window counts afresh.
    nowMs += SIGNIN_LIMITS.windowSeconds * 1000;
    expect((await requestLink("lead-b@agency.example")).status).toBe(200);
    nowMs = START;
  });
});

describe("sessions", () => {
  it("end after 8 idle hours, are extended by use, and end after 7 days whatever the use", async () => {
    const cookie = await signIn(ADMIN);
    nowMs = START + SESSION_POLICY.idleSeconds * 1000 - 60_000;
    expect((await get("/queue", cookie)).status).toBe(200); // extends the idle expiry
    nowMs += SESSION_POLICY.idleSeconds * 1000 - 60_000;
    expect((await get("/queue", cookie)).status).toBe(200);
    nowMs += SESSION_POLICY.idleSeconds * 1000 + 1000;
    const idle = await get("/queue", cookie);
    expect(idle.status).toBe(401);
    expect(idle.headers.get("set-cookie")).toMatch(/pb_session=;/);
    nowMs = START;

    const busy = await signIn(ADMIN);
    for (let h = 4; h < 7 * 24; h += 4) {
      nowMs = START + h * 3600_000;
      expect((await get("/queue", busy)).status, `hour ${h}`).toBe(200);
    }
    nowMs = START + SESSION_POLICY.absoluteSeconds * 1000 + 1000;
    expect((await get("/queue", busy)).status).toBe(401);
    nowMs = START;
  });

  it("extend the idle expiry at most once a minute (bounded writes)", async () => {
    const cookie = await signIn(ADMIN);
    const hash = [...(await import("@pressbridge/core")).sessionIdHash(cookie.split("=")[1]!)].join("");
    const before = (await sessions.getSession(hash))!;
    nowMs = START + 30_000;
    await get("/queue", cookie);
    expect((await sessions.getSession(hash))!.idleExpiresAt).toBe(before.idleExpiresAt);
    nowMs = START + 61_000;
    await get("/queue", cookie);
    expect((await sessions.getSession(hash))!.idleExpiresAt > before.idleExpiresAt).toBe(true);
    nowMs = START;
  });

  it("sign out with a POST from this site; a cross-site POST signs nobody out", async () => {
    const cookie = await signIn(ADMIN);
    const crossSite = await app.request(`${BASE}/signout`, { method: "POST", headers: { ...HOST, cookie, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" }, body: "" });
    expect(crossSite.status).toBe(403);
    expect((await get("/queue", cookie)).status).toBe(200);
    expect((await get("/signout", cookie)).status).toBe(200); // the GET only shows the button
    expect((await get("/queue", cookie)).status).toBe(200);
    const out = await post("/signout", cookie);
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/signin?signedout=1");
    expect((await get("/queue", cookie)).status).toBe(401);
  });

  it("are revoked for a person everywhere (people remove), and a person whose roles are removed is signed out at once", async () => {
    const one = await signIn("lead-b@agency.example");
    const two = await signIn("lead-b@agency.example");
    expect(await revokeSessionsOf({ sessions }, "Lead-B@agency.example")).toBe(2);
    for (const c of [one, two]) expect((await get("/queue", c)).status).toBe(401);

    addPeople(workspace, { email: "temp@agency.example", grants: [{ role: "lead", clientId: "beta" }] });
    const temp = await signIn("temp@agency.example");
    expect((await get("/dashboard/beta", temp)).status).toBe(200);
    workspace.ws.people = workspace.ws.people.filter((p) => p.email !== "temp@agency.example");
    expect((await get("/dashboard/beta", temp)).status).toBe(401);
    // Granted again later: the old session stays ended.
    addPeople(workspace, { email: "temp@agency.example", grants: [{ role: "lead", clientId: "beta" }] });
    expect((await get("/dashboard/beta", temp)).status).toBe(401);
  });
});

describe("roles on every page and POST", () => {
  type Role = "admin" | "leadA" | "approverA" | "leadB" | "signedOut";
  const WHO: Record<Exclude<Role, "signedOut">, string> = { admin: ADMIN, leadA: "lead-a@agency.example", approverA: "appr-a@acme.example", leadB: "lead-b@agency.example" };
  /** What each role gets at each route (client-specific routes are asked about client A, "acme"). */
  const EXPECTED: Record<string, Record<Role, number>> = {
    "GET /queue": { admin: 200, leadA: 200, approverA: 200, leadB: 200, signedOut: 401 },
    "GET /plans/:planId": { admin: 200, leadA: 200, approverA: 200, leadB: 403, signedOut: 401 },
    "POST /plans/:planId/retry": { admin: 303, leadA: 303, approverA: 403, leadB: 403, signedOut: 401 },
    "GET /dashboard": { admin: 200, leadA: 200, approverA: 403, leadB: 200, signedOut: 401 },
    "GET /dashboard/:client": { admin: 200, leadA: 200, approverA: 403, leadB: 403, signedOut: 401 },
    "GET /outbox": { admin: 200, leadA: 403, approverA: 403, leadB: 403, signedOut: 401 },
    "GET /outbox/:file": { admin: 404, leadA: 403, approverA: 403, leadB: 403, signedOut: 401 },
  };
  /**
   * Open to anyone: sign-in itself, health, the review pages (their own signed token), and the WebSub
   * callbacks (a hub's machine endpoint: an unguessable callback id, and every push checked against
   * the subscription's secret; docs/websub.md).
   */
  const PUBLIC = new Set(["GET /", "GET /healthz", "GET /signin", "POST /signin", "GET /signin/link", "POST /signin/link", "GET /signout", "POST /signout", "GET /review/:token", "POST /review/:token/decision", "POST /review/:token/drafts/:channel", "GET /websub/:callbackId", "POST /websub/:callbackId"]);
  const sample = (path: string) =>
    path.replace(/:([A-Za-z]+)/g, (_, name: string) => ({ planId: PLAN_A, client: "acme", file: "x.eml", id: path.startsWith("/workspace/feeds") ? "wire" : path.startsWith("/releases") ? "r_none" : "acme" })[name] ?? "x");

  it("answers each role as the matrix says, for every registered route", async () => {
    nowMs = START + 2 * 86_400_000; // a fresh rate-limit window for the sign-ins
    const cookies: Partial<Record<Role, string>> = {};
    for (const [role, email] of Object.entries(WHO)) cookies[role as Role] = await signIn(email);
    const routes = [...new Set(app.routes.filter((r) => (r.method === "GET" || r.method === "POST") && !r.path.includes("*")).map((r) => `${r.method} ${r.path}`))];
    expect(routes).toEqual(expect.arrayContaining(Object.keys(EXPECTED)));
    const failures: string[] = [];
    for (const route of routes) {
      if (PUBLIC.has(route)) continue;
      const [method, path] = route.split(" ") as ["GET" | "POST", string];
      for (const role of ["admin", "leadA", "approverA", "leadB", "signedOut"] as const) {
        const res = method === "GET" ? await get(sample(path), cookies[role]) : await post(sample(path), cookies[role]);
        const expected = EXPECTED[route]?.[role];
        if (expected !== undefined) {
          if (res.status !== expected) failures.push(`${route} as ${role}: ${res.status}, expected ${expected}`);
        } else if (role === "signedOut") {
          if (res.status !== 401) failures.push(`${route} signed out: ${res.status}, expected 401`);
        } else if (role === "approverA" && path.startsWith("/workspace")) {
          // The workspace pages are for admins and leads.
          if (res.status < 400) failures.push(`${route} as an approver: ${res.status}, expected a refusal`);
        } else if (role === "admin" && (res.status === 401 || res.status === 403 || res.status >= 500)) {
          failures.push(`${route} as admin: ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    nowMs = START;
  });

  it("shows each person only the clients they see on the queue and the dashboard", async () => {
    nowMs = START + 2 * 86_400_000 + 3600_000;
    const leadB = await signIn("lead-b@agency.example");
    const queue = await (await get("/queue", leadB)).text();
    expect(queue).toContain("Beta Inc");
    expect(queue).not.toContain("Acme Corp");
    const dash = await (await get("/dashboard", leadB)).text();
    expect(dash).toContain("Beta Inc");
    expect(dash).not.toContain("Acme Corp");
    const admin = await (await get("/queue", await signIn(ADMIN))).text();
    expect(admin).toContain("Acme Corp");
    expect(admin).toContain("Beta Inc");
    nowMs = START;
  });

  it("opens the outbox with the mailbox link, for that only", async () => {
    const res = await get("/outbox?key=mailbox-key-0123456789abcdef0123456789");
    expect(res.status).toBe(303);
    const cookie = /pb_mailbox=[^;]+/.exec(res.headers.get("set-cookie")!)![0];
    expect(res.headers.get("set-cookie")).toMatch(/Path=\/outbox/);
    expect((await get("/outbox", cookie)).status).toBe(200);
    expect((await get("/queue", cookie)).status).toBe(401);
  });
});
