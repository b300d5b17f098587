import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DynamoApprovalStore,
  DynamoAuditStore,
  DynamoPlanStore,
  DynamoReleaseStore,
  LocalEventBus,
  createDynamoClient,
  ensureTable,
  freePort,
  DynamoEventOutbox,
} from "@pressbridge/adapters";
import { ROUTES, approversFromConfig, parseConfig, signApprovalToken, type AmplificationPlan, type ReviewDeps, type SigningKeys } from "@pressbridge/core";
import { createWebApp, startWebServer, type RunningWebServer } from "@pressbridge/web";
import { memoryWorkspace } from "../support/memory-workspace.ts";
import { addPeople, memorySignIn, sessionCookie } from "../support/memory-sessions.ts";

/**
 * DNS rebinding and the operator pages (issue #19, point 2). A page on any website whose name the
 * attacker rebinds to 127.0.0.1 reaches the local app with its own name in the Host header and its own
 * origin in Origin: the app answers only its configured base URL's host, takes a POST only from that
 * origin, and keeps every page that lists plans or links behind a signed-in session (here an admin's;
 * the roles are test/integration/signin-and-roles.test.ts).
 * The routes are enumerated from the app itself, so a new route is covered without editing this test.
 */
const ADMIN = "admin@agency.example";
const MAILBOX_KEY = "mailbox-key-for-the-security-test-0123456789abcdef";
const signInStores = memorySignIn();
let bearer: { cookie: string };
const keys: SigningKeys = { current: { id: "k1", secret: "s".repeat(40) }, previous: [] };
const PLAN_ID = "p_websec000000000000001";
const OUTBOX_FILE = "2026-11-21T15-01-00.000Z-0a1b2c.eml";
const START = Date.parse("2026-11-21T15:01:00.000Z");
let nowMs = START;
const clock = { now: () => new Date(nowMs) };
const config = parseConfig({
  clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["ana@acme.example"], keywords: ["Acme"], timezone: "America/New_York" }],
  feeds: [{ id: "wire", url: "https://wire.example/rss" }],
});

let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let plans: DynamoPlanStore;
let approvals: DynamoApprovalStore;
let outbox: DynamoEventOutbox;
let web: RunningWebServer;
let app: ReturnType<typeof createWebApp>;
let port: number;
let base: string;
let reviewToken: string;

function reviewDeps(): ReviewDeps {
  return { plans, approvals, outbox, bus: new LocalEventBus({ routes: ROUTES }), clock, keys, currentApprovers: approversFromConfig(config) };
}

beforeAll(async () => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `websec-${randomUUID()}`;
  await ensureTable(client, tableName);
  plans = new DynamoPlanStore({ client, tableName });
  approvals = new DynamoApprovalStore({ client, tableName });
  outbox = new DynamoEventOutbox({ client, tableName });
  const releases = new DynamoReleaseStore({ client, tableName });
  const at = new Date(START).toISOString();
  const plan: AmplificationPlan = {
    id: PLAN_ID, releaseId: "r_websec", clientId: "acme", clientName: "Acme Corp", status: "pending_approval", createdAt: at,
    windowDeadline: new Date(START + 72 * 3600_000).toISOString(), windowHours: 72, timezone: "America/New_York", owner: "pr@acme.example", approvers: ["ana@acme.example"],
    match: { reason: "keyword", matched: [] },
    release: { title: "Acme Opens a Lab", url: "https://acme.example/lab", wire: "Business Wire", issuer: null, tickers: [], language: "en", detectedAt: at, publishedAt: at },
    campaign: "acme-lab",
    drafts: [{ channel: "x", text: "Acme opens a lab https://acme.example/lab", link: "https://acme.example/lab", facets: [], hashtags: [], cashtags: [], length: { unit: "weighted", value: 40, limit: 280 }, version: 1 }],
    skipped: [], briefs: [], announce: "announced", announceLeaseUntil: null,
  };
  await plans.createPlan(plan);
  reviewToken = signApprovalToken(keys, { planId: PLAN_ID, approver: "ana@acme.example", expiresAt: new Date(plan.windowDeadline) });

  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const workspace = memoryWorkspace(config);
  addPeople(workspace, { email: ADMIN, grants: [{ role: "admin" }] });
  bearer = { cookie: await sessionCookie(signInStores.store, clock, ADMIN) };
  app = createWebApp({
    review: reviewDeps(),
    workspace,
    baseUrl: base,
    signIn: signInStores.deps,
    dashboard: { audits: new DynamoAuditStore({ client, tableName }), plans, releases, feedStates: releases, clock },
    outbox: {
      mailboxKey: MAILBOX_KEY,
      list: async () => [{ file: OUTBOX_FILE, to: ["ana@acme.example"], subject: "Approve amplification: Acme Opens a Lab", date: at }],
      read: async (file) => (file === OUTBOX_FILE ? { file, subject: "Approve amplification: Acme Opens a Lab", to: ["ana@acme.example"], date: at, text: `Review and approve: ${base}/review/${reviewToken}` } : undefined),
    },
  });
  web = await startWebServer(app, { port });
});

afterAll(async () => {
  await web?.close();
  await client?.send(new DeleteTableCommand({ TableName: tableName }));
  client?.destroy();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with exactly these headers (fetch cannot set Host); `host: null` sends none. */
function send(method: string, path: string, headers: Record<string, string | null> = {}, body?: string): Promise<Answer> {
  const { host, ...rest } = headers;
  const sent: Record<string, string> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== null) sent[k] = v;
  if (body !== undefined) sent["content-length"] = String(Buffer.byteLength(body));
  sent.host = host === undefined ? `127.0.0.1:${port}` : (host ?? "");
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: sent, setHost: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Raw bytes on a socket, for requests no HTTP client makes (no Host at all, an absolute-form target). */
function sendRaw(text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      answer += d;
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      if (m !== null) {
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
    socket.on("error", reject);
    socket.on("end", () => resolve(0));
  });
}

/** Sample values for route parameters; a new parameter name fails the test until it has one. */
function samplePath(path: string): string {
  const samples: Record<string, string> = { token: reviewToken, planId: PLAN_ID, file: OUTBOX_FILE, channel: "x", client: "acme", callbackId: "A".repeat(24), id: path.startsWith("/workspace/feeds") ? "wire" : path.startsWith("/releases") ? "r_websec" : "acme" };
  return path.replace(/:([A-Za-z]+)(\{[^}]*\})?/g, (_, name: string) => {
    const value = samples[name];
    if (value === undefined) throw new Error(`no sample value for route parameter :${name}; add one to samplePath`);
    return encodeURIComponent(value);
  });
}

/** The app's own routes (not its middleware), GET and POST. */
function routes(): Array<{ method: "GET" | "POST"; path: string }> {
  const seen = new Set<string>();
  const out: Array<{ method: "GET" | "POST"; path: string }> = [];
  for (const r of app.routes) {
    if ((r.method !== "GET" && r.method !== "POST") || r.path.includes("*")) continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path: r.path });
  }
  return out;
}

/** Pages anyone may open: the link-authorised review page, the sign-in page, health and the root redirect. */
const KNOWN_GETS = new Set(["/outbox", `/outbox/${OUTBOX_FILE}`, "/queue", "/dashboard", "/dashboard/acme", "/dashboard/acme.csv", "/dashboard/acme.json", `/plans/${PLAN_ID}`]);
// The WebSub callback is a machine endpoint whose unguessable id is the capability (docs/websub.md).
const PUBLIC_GETS = new Set(["/", "/healthz", "/signin", "/signin/link", "/signout", "/review/:token", "/websub/:callbackId"]);
const FORM = "application/x-www-form-urlencoded";

async function reviewForm(): Promise<Record<string, string>> {
  const page = await send("GET", `/review/${reviewToken}`);
  expect(page.status).toBe(200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
  const versions = Object.fromEntries([...page.body.matchAll(/name="(v_[a-z]+)" value="(\d+)"/g)].map((m) => [m[1]!, m[2]!]));
  return { csrf, action: "approve", ...versions };
}

/** The mailbox link's cookie (what opens the local outbox without signing in). */
async function mailboxCookie(): Promise<string> {
  const res = await send("GET", `/outbox?key=${MAILBOX_KEY}`);
  expect(res.status).toBe(303);
  const cookie = ([] as string[]).concat(res.headers["set-cookie"] ?? [])[0] ?? "";
  return cookie.split(";")[0]!;
}

describe("the web app under DNS rebinding", () => {
  it("lists the routes it protects (the enumeration finds them)", () => {
    const listed = routes().map((r) => `${r.method} ${r.path}`);
    expect(listed).toEqual(expect.arrayContaining(["GET /outbox", "GET /queue", "GET /dashboard", "GET /plans/:planId", "POST /review/:token/decision", "POST /plans/:planId/retry", "GET /signin", "POST /signin"]));
  });

  it("answers 421 to a foreign Host on every page and POST route, even with the operator token and the site's Origin", async () => {
    const hosts = [`evil.example:${port}`, "evil.example", `127.0.0.1.evil.example:${port}`, `127.0.0.1:${port + 1}`, `[::1]:${port}`];
    for (const { method, path } of routes()) {
      for (const host of hosts) {
        const headers = method === "POST" ? { host, ...bearer, origin: `http://${host}`, "content-type": FORM } : { host, ...bearer };
        const res = await send(method, samplePath(path), headers, method === "POST" ? "action=approve" : undefined);
        expect(res.status, `${method} ${path} with Host ${host}`).toBe(421);
      }
    }
    expect((await plans.getPlan(PLAN_ID))?.status).toBe("pending_approval");
  });

  it("answers 400 without a Host, and 421 to an absolute-form target naming a foreign host", async () => {
    expect(await sendRaw("GET /outbox HTTP/1.0\r\n\r\n")).toBe(400);
    expect(await sendRaw("GET /outbox HTTP/1.1\r\nConnection: close\r\n\r\n")).toBe(400);
    expect(await sendRaw(`GET http://evil.example:${port}/outbox HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${bearer.cookie}\r\nConnection: close\r\n\r\n`)).toBe(421);
    expect((await app.request("/healthz")).status).toBe(400); // in process, no Host header either
  });

  it("answers at the base URL's host, and at 127.0.0.1 or localhost on its port for a loopback base URL", async () => {
    expect((await send("GET", "/healthz")).status).toBe(200);
    expect((await send("GET", "/healthz", { host: `localhost:${port}` })).status).toBe(200);
    expect((await send("GET", "/healthz", { host: `LOCALHOST:${port}` })).status).toBe(200);
    const deployed = createWebApp({ review: reviewDeps(), workspace: memoryWorkspace(config), baseUrl: "https://approvals.example.com", signIn: memorySignIn().deps });
    expect((await deployed.request("https://approvals.example.com/healthz", { headers: { host: "approvals.example.com" } })).status).toBe(200);
    expect((await deployed.request("http://127.0.0.1/healthz", { headers: { host: "127.0.0.1" } })).status).toBe(421);
    expect((await deployed.request("http://localhost:3000/healthz", { headers: { host: "localhost:3000" } })).status).toBe(421);
  });

  it("refuses a POST whose Origin, Referer or Sec-Fetch-Site is not the base URL's, and decides nothing", async () => {
    const form = new URLSearchParams(await reviewForm()).toString();
    const decision = `/review/${reviewToken}/decision`;
    const refused: Array<Record<string, string>> = [
      { origin: `http://evil.example:${port}` }, // the rebinding page, Host already 127.0.0.1
      { origin: "https://evil.example" },
      { origin: `https://127.0.0.1:${port}` },
      { origin: "null", "sec-fetch-site": "cross-site" },
      { referer: `http://evil.example:${port}/attack` },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { "sec-fetch-site": "none" },
      {}, // no proof of origin at all
    ];
    for (const headers of refused) {
      for (const type of [FORM, "application/json", "text/plain"]) {
        const res = await send("POST", decision, { ...headers, "content-type": type }, form);
        expect(res.status, `${JSON.stringify(headers)} ${type}`).toBe(403);
      }
    }
    const retry = await send("POST", `/plans/${PLAN_ID}/retry`, { ...bearer, origin: `http://evil.example:${port}`, "content-type": FORM }, "");
    expect(retry.status).toBe(403);
    const signin = await send("POST", "/signin", { origin: `http://evil.example:${port}`, "content-type": FORM }, new URLSearchParams({ email: ADMIN }).toString());
    expect(signin.status).toBe(403);
    expect(signInStores.mailer.sent).toEqual([]);
    expect(signin.headers["set-cookie"]).toBeUndefined();
    expect((await plans.getPlan(PLAN_ID))?.status).toBe("pending_approval");
    expect(await approvals.auditTrail(PLAN_ID)).toEqual([]);
  });

  it("keeps every page that lists plans or links behind a session (the outbox: or the mailbox link)", async () => {
    const operatorGets = routes().filter((r) => r.method === "GET" && !PUBLIC_GETS.has(r.path));
    expect(operatorGets.map((r) => r.path)).toEqual(expect.arrayContaining(["/outbox", "/outbox/:file", "/queue", "/dashboard", "/dashboard/:client", "/plans/:planId"]));
    const paths = [...operatorGets.map((r) => samplePath(r.path)), "/dashboard/acme.csv", "/dashboard/acme.json"];
    const mailbox = await mailboxCookie();
    for (const path of paths) {
      const anonymous = await send("GET", path);
      expect(anonymous.status, `${path} without credentials`).toBe(401);
      expect(anonymous.body, path).toContain('action="/signin"');
      expect(anonymous.body, path).not.toContain(reviewToken);
      expect((await send("GET", path, { cookie: "pb_session=not-a-session-id-0123456789abcdefghijklmnopq" })).status, `${path} with a made-up session`).toBe(401);
      const asAdmin = (await send("GET", path, bearer)).status;
      // The pages this file knows answer 200; any other (the workspace pages) at least lets an admin in.
      if (KNOWN_GETS.has(path)) expect(asAdmin, `${path} signed in as an admin`).toBe(200);
      else expect([401, 403, 500, 502, 503], `${path} signed in as an admin: ${asAdmin}`).not.toContain(asAdmin);
      // The mailbox link opens the outbox, and nothing else.
      expect((await send("GET", path, { cookie: mailbox })).status, `${path} with the mailbox cookie`).toBe(path.startsWith("/outbox") ? 200 : 401);
    }
    expect((await send("GET", "/outbox?key=not-the-key")).status).toBe(403);
    const retry = await send("POST", `/plans/${PLAN_ID}/retry`, { origin: base, "content-type": FORM }, "");
    expect(retry.status).toBe(401);
  });

  it("keeps the review page of a signed link open without sign-in", async () => {
    const page = await send("GET", `/review/${reviewToken}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain("Reviewing as ana@acme.example");
  });

  it("decides from the review page's own origin (127.0.0.1 or localhost on the port)", async () => {
    const form = new URLSearchParams(await reviewForm()).toString();
    const res = await send("POST", `/review/${reviewToken}/decision`, { origin: `http://localhost:${port}`, host: `localhost:${port}`, "content-type": FORM }, form);
    expect(res.status).toBe(303);
    expect((await plans.getPlan(PLAN_ID))?.status).toBe("approved");
  });
});
