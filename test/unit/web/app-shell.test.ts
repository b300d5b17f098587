import { describe, expect, it } from "vitest";
import { LocalEventBus } from "@pressbridge/adapters";
import { ROUTES, approversFromConfig, configOf, type ReviewDeps, type SigningKeys } from "@pressbridge/core";
import { createWebApp } from "@pressbridge/web";
import { memoryWorkspace } from "../../support/memory-workspace.ts";
import { addPeople, memorySignIn, sessionCookie } from "../../support/memory-sessions.ts";

/**
 * The whole app (createWebApp) on memory stores: the request body limits (256 KB for every form, 2 MB
 * for the media-list upload, a clear 413 page past either), the header's Workspace link (admins and
 * leads only), and a Remove on the People page that leaves a person no role signing them out at once.
 */
const BASE = "http://127.0.0.1:3998";
const HOST = { host: "127.0.0.1:3998" };
const NOW = Date.parse("2026-11-10T12:00:00.000Z");
const clock = { now: () => new Date(NOW) };
const keys: SigningKeys = { current: { id: "k1", secret: "b".repeat(40) }, previous: [] };
const ADMIN = "admin@agency.example";
const LEAD = "lead@agency.example";
const APPROVER = "approver@acme.example";

function setup() {
  const workspace = memoryWorkspace({ clients: [{ id: "acme", name: "Acme Corp", owner: LEAD, approvers: [APPROVER], keywords: ["Acme"] }], feeds: [] });
  addPeople(workspace, { email: ADMIN, grants: [{ role: "admin" }] });
  const signIn = memorySignIn();
  const notUsed = new Proxy({}, { get: () => async () => undefined });
  const review = {
    plans: { listClientPlansByDeadline: async () => [], getPlan: async () => undefined },
    approvals: notUsed,
    outbox: notUsed,
    bus: new LocalEventBus({ routes: ROUTES }),
    clock,
    keys,
    currentApprovers: async (clientId: string) => approversFromConfig(configOf(await workspace.load()))(clientId),
  } as unknown as ReviewDeps;
  const app = createWebApp({ review, workspace, baseUrl: BASE, signIn: signIn.deps, outbox: { mailboxKey: "m".repeat(40), list: async () => [], read: async () => undefined } });
  const cookieOf = (email: string) => sessionCookie(signIn.store, clock, email);
  return { app, workspace, cookieOf, sessions: signIn.store };
}

/** A media list CSV of `contacts` rows, each `rowBytes` long or so. */
function csvOf(contacts: number, rowBytes = 120): string {
  const rows = Array.from({ length: contacts }, (_, i) => {
    const row = `Reporter ${i},reporter.${i}@news.example,Outlet ${i},`;
    return `${row}${"b".repeat(Math.max(1, rowBytes - row.length - 1))},`;
  });
  return `name,email,outlet,beat,x_handle\n${rows.join("\n")}\n`;
}

function upload(app: ReturnType<typeof setup>["app"], cookie: string, csv: string, path = "/workspace/clients/acme/media-list") {
  const body = new FormData();
  body.append("file", new File([csv], "journalists.csv", { type: "text/csv" }));
  return app.request(`${BASE}${path}`, { method: "POST", headers: { ...HOST, origin: BASE, cookie }, body });
}

describe("request body limits", () => {
  it("takes a 2,000-contact media list over 256 KB on the upload route", async () => {
    const { app, workspace, cookieOf } = setup();
    const csv = csvOf(2_000, 200);
    expect(Buffer.byteLength(csv)).toBeGreaterThan(256 * 1024);
    expect(Buffer.byteLength(csv)).toBeLessThan(2 * 1024 * 1024);
    const res = await upload(app, await cookieOf(ADMIN), csv);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Imported 2000 contact(s)");
    expect((await workspace.mediaList("acme"))?.contacts).toHaveLength(2_000);
  });

  it("refuses an upload over 2 MB with a 413 page saying why and linking back, storing nothing", async () => {
    const { app, workspace, cookieOf } = setup();
    const csv = csvOf(2_000, 1_100);
    expect(Buffer.byteLength(csv)).toBeGreaterThan(2 * 1024 * 1024);
    const res = await upload(app, await cookieOf(ADMIN), csv);
    expect(res.status).toBe(413);
    const page = await res.text();
    expect(page).toContain("<h1>File too large</h1>");
    expect(page).toContain("larger than 2 MB");
    expect(page).toContain('href="/workspace/clients/acme/media-list"');
    expect(await workspace.mediaList("acme")).toBeUndefined();
  });

  it("counts a body sent without a Content-Length (streamed) against the same limit", async () => {
    const { app, cookieOf } = setup();
    const form = new FormData();
    form.append("file", new File([csvOf(2_000, 1_100)], "big.csv", { type: "text/csv" }));
    const encoded = new Response(form);
    const res = await app.request(BASE + "/workspace/clients/acme/media-list", {
      method: "POST",
      headers: { ...HOST, origin: BASE, cookie: await cookieOf(ADMIN), "content-type": encoded.headers.get("content-type")! },
      body: encoded.body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("File too large");
  });

  it("keeps 256 KB for every other POST, the client form and the media-list delete included", async () => {
    const { app, workspace, cookieOf } = setup();
    const cookie = await cookieOf(ADMIN);
    const big = `keywords=${"a".repeat(300 * 1024)}`;
    for (const path of ["/workspace/clients/acme", "/workspace/clients/acme/media-list/delete", "/signin"]) {
      const res = await app.request(`${BASE}${path}`, { method: "POST", headers: { ...HOST, origin: BASE, cookie, "content-type": "application/x-www-form-urlencoded" }, body: big });
      expect(res.status, path).toBe(413);
      expect(await res.text(), path).toContain("The form was too large.");
    }
    // A file upload to any other path is held to 256 KB too.
    const elsewhere = await upload(app, cookie, csvOf(2_000, 200), "/workspace/clients/acme");
    expect(elsewhere.status).toBe(413);
    expect((await workspace.load()).clients[0]!.keywords).toEqual(["Acme"]);
  });

  it("applies the larger limit only after the origin check: a cross-site upload is refused", async () => {
    const { app, workspace, cookieOf } = setup();
    const body = new FormData();
    body.append("file", new File([csvOf(10)], "x.csv", { type: "text/csv" }));
    const res = await app.request(BASE + "/workspace/clients/acme/media-list", { method: "POST", headers: { ...HOST, origin: "https://evil.example", cookie: await cookieOf(ADMIN) }, body });
    expect(res.status).toBe(403);
    expect(await workspace.mediaList("acme")).toBeUndefined();
  });
});

describe("the header's Workspace link", () => {
  const workspaceLink = /<header>.*<a href="\/workspace">Workspace<\/a>.*<\/header>/s;

  it("shows on every signed-in page for admins and leads, not for approvers", async () => {
    const { app, cookieOf } = setup();
    for (const [email, shown] of [[ADMIN, true], [LEAD, true], [APPROVER, false]] as const) {
      const cookie = await cookieOf(email);
      const queue = await (await app.request(BASE + "/queue", { headers: { ...HOST, cookie } })).text();
      expect(workspaceLink.test(queue), `${email} /queue`).toBe(shown);
      // The dashboard, like the workspace, is for admins and leads: an approver's header has no link that answers 403.
      expect(/<header>.*<a href="\/dashboard">Dashboard<\/a>.*<\/header>/s.test(queue), `${email} /queue dashboard link`).toBe(shown);
      expect(queue).toContain('<nav aria-label="Main">');
    }
    const admin = await cookieOf(ADMIN);
    for (const path of ["/workspace", "/workspace/feeds", "/outbox"]) {
      expect(workspaceLink.test(await (await app.request(`${BASE}${path}`, { headers: { ...HOST, cookie: admin } })).text()), path).toBe(true);
    }
    // A refusal page a lead gets keeps their navigation.
    const refused = await app.request(BASE + "/workspace/clients/new", { headers: { ...HOST, cookie: await cookieOf(LEAD) } });
    expect(refused.status).toBe(403);
    expect(workspaceLink.test(await refused.text())).toBe(true);
  });

  it("is not on the sign-in page or on the outbox opened with only the mailbox key", async () => {
    const { app } = setup();
    expect(workspaceLink.test(await (await app.request(BASE + "/signin", { headers: HOST })).text())).toBe(false);
    const opened = await app.request(`${BASE}/outbox?key=${"m".repeat(40)}`, { headers: HOST });
    const cookie = opened.headers.get("set-cookie")!.split(";")[0]!;
    const outbox = await app.request(BASE + "/outbox", { headers: { ...HOST, cookie } });
    expect(outbox.status).toBe(200);
    expect(workspaceLink.test(await outbox.text())).toBe(false);
  });

  it("is on the outbox opened with the mailbox key by a signed-in admin", async () => {
    const { app, cookieOf } = setup();
    const opened = await app.request(`${BASE}/outbox?key=${"m".repeat(40)}`, { headers: HOST });
    const cookie = `${opened.headers.get("set-cookie")!.split(";")[0]!}; ${await cookieOf(ADMIN)}`;
    expect(workspaceLink.test(await (await app.request(BASE + "/outbox", { headers: { ...HOST, cookie } })).text())).toBe(true);
  });
});

describe("People page: Remove", () => {
  it("ends the sessions of a person left with no role, and keeps those of one who still has a role", async () => {
    const { app, cookieOf, sessions } = setup();
    const admin = await cookieOf(ADMIN);
    const form = (fields: Record<string, string>) => ({ method: "POST", headers: { ...HOST, origin: BASE, cookie: admin, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
    expect((await app.request(`${BASE}/workspace/people`, form({ email: "second@acme.example", role: "approver", clientId: "acme" }))).status).toBe(303);
    const approverCookie = await cookieOf(APPROVER);
    const leadCookie = await cookieOf(LEAD);
    const remove = await app.request(`${BASE}/workspace/people/revoke`, form({ email: APPROVER, role: "approver", clientId: "acme" }));
    expect(remove.status).toBe(303);
    expect([...sessions.sessions.values()].map((s) => s.email).sort()).toEqual([ADMIN, LEAD]);
    expect((await app.request(`${BASE}/queue`, { headers: { ...HOST, cookie: approverCookie } })).status).toBe(401);
    expect((await app.request(`${BASE}/queue`, { headers: { ...HOST, cookie: leadCookie } })).status).toBe(200);
  });
});
