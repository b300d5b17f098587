import { Hono, type MiddlewareHandler } from "hono";
import { beforeEach, describe, expect, it } from "vitest";
import { accessOf, type AmplificationPlan, type ReplanRequest, type StoredRelease } from "@pressbridge/core";
import type { AppEnv, WebDeps } from "../../../packages/web/src/app.ts";
import { registerWorkspacePages } from "../../../packages/web/src/workspace-routes.ts";
import { memoryWorkspace, type MemoryWorkspaceStore } from "../../support/memory-workspace.ts";
import { newRelease } from "../../support/releases.ts";

/**
 * The workspace pages' routes (app.request, no server): every page and POST for an admin, the lead
 * of client A (allowed on A, refused on B), and an approver (refused everywhere); validation errors
 * next to their field with the typed values kept; the media list upload's edge cases.
 *
 * The sign-in check is replaced by a middleware that sets `c.var.access` from the workspace for the
 * `x-as` header's email, exactly as the real one computes it (accessOf).
 */
const NOW = Date.parse("2026-11-10T12:00:00.000Z");
const ADMIN = "boss@agency.example";
const LEAD_A = "lead-a@agency.example";
const APPROVER = "approver-a@acme.example";

function seeded(): MemoryWorkspaceStore {
  const ws = memoryWorkspace({
    clients: [
      { id: "acme", name: "Acme Corp", owner: LEAD_A, approvers: [APPROVER], keywords: ["Acme"], timezone: "America/New_York" },
      { id: "globex", name: "Globex", owner: "lead-b@agency.example", approvers: ["approver-b@globex.example"], keywords: ["Globex"] },
    ],
    feeds: [
      { id: "acme-newsroom", url: "https://acme.example/feed.xml", clientId: "acme" },
      { id: "globex-newsroom", url: "https://globex.example/feed.xml", clientId: "globex" },
      { id: "wire", url: "https://wire.example/rss" },
    ],
  });
  ws.ws = { ...ws.ws, people: [{ email: ADMIN, grants: [{ role: "admin" }] }] };
  return ws;
}

function stored(id: string, hoursAgo: number, overrides: Partial<StoredRelease> = {}): StoredRelease {
  return { ...newRelease(id, new Date(NOW - hoursAgo * 3_600_000).toISOString()), announcedAt: null, planning: null, ...overrides };
}

interface Harness {
  app: Hono<AppEnv>;
  ws: MemoryWorkspaceStore;
  replans: ReplanRequest[];
}

function harness(): Harness {
  const ws = seeded();
  const releases = [
    stored("r_acme_wire", 5, { title: "Acme Corp launches a rocket", planning: { plannedAt: "x", clientIds: ["acme"], planIds: ["p_acme_plan_000000"] } }),
    stored("r_nobody", 3, { title: `Initech <script>alert(1)</script> results`, planning: { plannedAt: "x", clientIds: [], planIds: [] } }),
    stored("r_globex", 2, { title: "Globex opens a plant", planning: { plannedAt: "x", clientIds: ["globex"], planIds: [] } }),
    stored("r_old", 24 * 30, { title: "Acme old news" }),
    stored("r_shared", 1, { title: "Two companies sign a deal", planning: { plannedAt: "x", clientIds: ["acme", "globex"], planIds: ["p_acme_plan_000001", "p_globex_plan_00001"] } }),
  ];
  const plan = { id: "p_acme_plan_000000", clientId: "acme", clientName: "Acme Corp", status: "pending_approval", windowDeadline: new Date(NOW + 3_600_000).toISOString(), timezone: "UTC" } as AmplificationPlan;
  const replans: ReplanRequest[] = [];
  // A millisecond per reading, so log entries are ordered as in the table (by time, then id).
  let ticks = 0;
  const clock = { now: () => new Date(NOW + ticks++) };
  const deps = {
    review: { clock, plans: { getPlan: async (id: string) => (id === plan.id ? plan : undefined) } },
    workspace: ws,
    dashboard: {
      releases: { listReleases: async (o: { from: string; to: string }) => releases.filter((r) => r.detectedAt >= o.from && r.detectedAt < o.to) },
      feedStates: {
        getFeedStates: async () =>
          new Map([["acme-newsroom", { feedId: "acme-newsroom", lastAttemptAt: new Date(NOW).toISOString(), lastSuccessAt: new Date(NOW - 600_000).toISOString(), consecutiveFailures: 2, nextPollAt: new Date(NOW + 60_000).toISOString(), lastError: "HTTP 503", lastHttpStatus: 503, warnings: ["repaired: bare ampersand at line 12"] }]]),
      },
    },
    releasePages: {
      releases: { getRelease: async (id: string) => releases.find((r) => r.id === id), listReleases: async () => releases },
      replan: async (r: ReplanRequest) => {
        replans.push(r);
        return { releaseId: r.releaseId, status: "planned" as const, plans: [{ planId: "p_new", clientId: r.clientId!, result: "created" as const, reason: "manual" as const }] };
      },
    },
  } as unknown as WebDeps;
  const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
    const email = c.req.header("x-as");
    if (email === undefined) return c.text("sign in", 401);
    c.set("access", accessOf(await ws.load(), email));
    await next();
  };
  const app = new Hono<AppEnv>();
  registerWorkspacePages(app, deps, signedIn);
  return { app, ws, replans };
}

let h: Harness;
beforeEach(() => {
  h = harness();
});

const get = (path: string, as: string) => h.app.request(path, { headers: { "x-as": as } });
const post = (path: string, as: string, fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return h.app.request(path, { method: "POST", headers: { "x-as": as, "content-type": "application/x-www-form-urlencoded" }, body });
};
const upload = (path: string, as: string, csv: string, name = "journalists.csv") => {
  const body = new FormData();
  body.append("file", new File([csv], name, { type: "text/csv" }));
  return h.app.request(path, { method: "POST", headers: { "x-as": as }, body });
};

/** The acme settings form's fields as the page would send them, with overrides. */
function acmeForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    id: "acme",
    name: "Acme Corp",
    owner: LEAD_A,
    approvers: APPROVER,
    keywords: "Acme",
    timezone: "America/New_York",
    windowHours: "72",
    channels: ["x", "linkedin"],
    adPlatforms: ["linkedin"],
    trendHashtags: "",
    dailyBudget: "50",
    currency: "USD",
    flightDays: "5",
    locations: "US",
    assetTitle: "",
    assetUrl: "",
    intent: "save",
    ...overrides,
  };
}

/** The text of the element with this id (enough HTML parsing for a test: up to its closing tag). */
function fieldError(page: string, name: string): string | undefined {
  const m = new RegExp(`id="${name}-error"[^>]*>([^<]*)<`).exec(page);
  return m?.[1];
}

describe("who may see which workspace page", () => {
  const pages = [
    "/workspace",
    "/workspace/clients/acme",
    "/workspace/clients/acme/media-list",
    "/workspace/feeds",
    "/workspace/people",
    "/workspace/log",
    "/releases",
    "/releases/r_acme_wire",
  ];

  it("shows every page to an admin and to the lead of A; refuses an approver and the signed-out", async () => {
    for (const path of pages) {
      expect((await get(path, ADMIN)).status, `admin ${path}`).toBe(200);
      expect((await get(path, LEAD_A)).status, `lead ${path}`).toBe(200);
      expect((await get(path, APPROVER)).status, `approver ${path}`).toBe(403);
      expect((await h.app.request(path)).status, `signed out ${path}`).toBe(401);
    }
  });

  it("refuses the lead of A everything about client B, and admin-only pages", async () => {
    for (const path of ["/workspace/clients/globex", "/workspace/clients/globex/media-list", "/workspace/clients/globex/media-list.csv", "/workspace/clients/globex/media-list/delete", "/workspace/feeds/globex-newsroom/remove", "/workspace/feeds/wire/remove", "/releases/r_globex", "/workspace/clients/new", "/workspace/clients/acme/remove"]) {
      expect((await get(path, LEAD_A)).status, path).toBe(403);
    }
    expect((await get("/workspace/clients/globex", ADMIN)).status).toBe(200);
  });

  it("filters the lists to the lead's clients", async () => {
    const index = await (await get("/workspace", LEAD_A)).text();
    expect(index).toContain("Acme Corp");
    expect(index).not.toContain("Globex");
    const feeds = await (await get("/workspace/feeds", LEAD_A)).text();
    expect(feeds).toContain("acme-newsroom");
    expect(feeds).not.toContain("globex-newsroom");
    expect(feeds).not.toContain("https://wire.example/rss");
    const people = await (await get("/workspace/people", LEAD_A)).text();
    expect(people).toContain(APPROVER);
    expect(people).not.toContain("approver-b@globex.example");
    expect(people).not.toContain(ADMIN);
    const releases = await (await get("/releases", LEAD_A)).text();
    expect(releases).toContain("Acme Corp launches a rocket");
    expect(releases).toContain("Initech"); // matched nobody: the lead may plan it for their client
    expect(releases).not.toContain("Globex opens a plant");
    expect(releases).not.toContain("<script>alert(1)</script>");
    expect(releases).toContain("&lt;script&gt;");
    const all = await (await get("/workspace", ADMIN)).text();
    expect(all).toContain("Globex");
  });

  it("refuses every POST to an approver, and POSTs about B to the lead of A, changing nothing", async () => {
    const before = JSON.stringify(await h.ws.load(), (_k, v) => (v instanceof Map ? [...v] : v));
    const posts: Array<[string, Record<string, string | string[]>]> = [
      ["/workspace/clients", acmeForm({ id: "new-co" })],
      ["/workspace/clients/globex", acmeForm({ id: "globex", name: "Hijacked" })],
      ["/workspace/clients/globex/remove", { confirm: "globex" }],
      ["/workspace/clients/globex/media-list/delete", { confirm: "yes" }],
      ["/workspace/feeds", { id: "evil", url: "https://evil.example/rss", clientId: "globex", intervalSeconds: "60" }],
      ["/workspace/feeds", { id: "evil", url: "https://evil.example/rss", clientId: "", intervalSeconds: "60" }],
      ["/workspace/feeds/globex-newsroom/remove", { confirm: "globex-newsroom" }],
      ["/workspace/people", { email: "x@evil.example", role: "approver", clientId: "globex" }],
      ["/workspace/people", { email: "x@evil.example", role: "admin", clientId: "" }],
      ["/workspace/people/revoke", { email: "approver-b@globex.example", role: "approver", clientId: "globex" }],
      ["/releases/r_nobody/plan", { clientId: "globex" }],
    ];
    for (const [path, fields] of posts) {
      expect((await post(path, LEAD_A, fields)).status, `lead ${path}`).toBe(403);
      expect((await post(path, APPROVER, fields)).status, `approver ${path}`).toBe(403);
    }
    expect((await upload("/workspace/clients/globex/media-list", LEAD_A, "email\na@b.example\n")).status).toBe(403);
    expect((await upload("/workspace/clients/acme/media-list", APPROVER, "email\na@b.example\n")).status).toBe(403);
    expect(JSON.stringify(await h.ws.load(), (_k, v) => (v instanceof Map ? [...v] : v))).toBe(before);
    expect(h.ws.entries).toEqual([]);
    expect(h.replans).toEqual([]);
  });
});

describe("client settings", () => {
  it("saves the lead's change to their client and logs it with who and what", async () => {
    const res = await post("/workspace/clients/acme", LEAD_A, acmeForm({ keywords: "Acme\nAcme Rockets", locations: "us, ca" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/workspace/clients/acme?saved=1");
    const acme = (await h.ws.load()).clients.find((c) => c.id === "acme")!;
    expect(acme.keywords).toEqual(["Acme", "Acme Rockets"]);
    expect(acme.adDefaults.locations).toEqual(["US", "CA"]);
    expect(acme.channels).toEqual(["x", "linkedin"]);
    expect(h.ws.entries[0]!.actor).toBe(LEAD_A);
    expect(h.ws.entries[0]!.changes.map((c) => c.field)).toContain("keywords");
    const log = await (await get("/workspace/log", LEAD_A)).text();
    expect(log).toContain(LEAD_A);
    expect(log).toContain("changed client acme");
    expect(log).toContain("Acme Rockets");
  });

  it("shows the locations (defaulted from the time zone) on the form", async () => {
    const page = await (await get("/workspace/clients/globex", ADMIN)).text();
    expect(page).toMatch(/name="locations" value="US"/);
  });

  it("renders a schema error next to its field, keeping every typed value", async () => {
    const typed = acmeForm({ keywords: "Acme\nRocket launch\n" + "x".repeat(101), name: "Acme Renamed", trendHashtags: "#Space", windowHours: "48" });
    const res = await post("/workspace/clients/acme", LEAD_A, typed);
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(fieldError(page, "keywords")).toMatch(/^“x+” /);
    expect(page).toContain('id="f-keywords"');
    // Typed values are kept, not the stored ones.
    expect(page).toContain('value="Acme Renamed"');
    expect(page).toContain("Rocket launch");
    expect(page).toContain("#Space");
    expect(page).toContain('value="48"');
    expect((await h.ws.load()).clients.find((c) => c.id === "acme")!.name).toBe("Acme Corp");
  });

  it("maps nested and list fields to their inputs: owner, locations, asset URL, window", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ owner: "not-an-email" }, "owner"],
      [{ locations: "US, XX" }, "locations"],
      [{ assetTitle: "Press kit", assetUrl: "javascript:alert(1)" }, "assetUrl"],
      [{ windowHours: "seventy" }, "windowHours"],
      [{ approvers: "" }, "approvers"],
      [{ currency: "dollars" }, "currency"],
      [{ timezone: "Mars/Olympus" }, "timezone"],
    ];
    for (const [overrides, field] of cases) {
      const res = await post("/workspace/clients/acme", ADMIN, acmeForm(overrides));
      expect(res.status, field).toBe(422);
      const page = await res.text();
      expect(fieldError(page, field), field).toBeTruthy();
      expect(page, field).toContain(`aria-describedby="${field === "approvers" || field === "locations" || field === "owner" || field === "windowHours" || field === "currency" || field === "timezone" ? `${field}-hint ` : ""}${field}-error"`);
      for (const v of Object.values(overrides)) if (v !== "") expect(page).toContain(v.replace(/&/g, "&amp;"));
    }
  });

  it("previews which recent releases typed keywords match, without saving", async () => {
    const res = await post("/workspace/clients/acme", LEAD_A, acmeForm({ keywords: "Initech", intent: "preview" }));
    expect(res.status).toBe(200);
    const page = await res.text();
    const preview = page.slice(page.indexOf('id="keyword-preview"'));
    expect(preview).toContain("Initech &lt;script&gt;");
    expect(preview).not.toContain("Acme old news"); // older than the preview's period
    expect(preview).not.toContain("Globex opens a plant");
    expect(page).toMatch(/<textarea id="f-keywords"[^>]*>Initech<\/textarea>/);
    expect((await h.ws.load()).clients.find((c) => c.id === "acme")!.keywords).toEqual(["Acme"]);
    expect(h.ws.entries).toEqual([]);
  });

  it("lets an admin add a client (all channels ticked by default) and remove one only with the confirmation", async () => {
    const form = await (await get("/workspace/clients/new", ADMIN)).text();
    expect(form.match(/name="channels" value="[a-z]+" checked/g)?.length).toBe(6);
    const dup = await post("/workspace/clients", ADMIN, acmeForm({ id: "acme" }));
    expect(dup.status).toBe(422);
    expect(fieldError(await dup.text(), "id")).toContain("already exists");
    const created = await post("/workspace/clients", ADMIN, acmeForm({ id: "initech", name: "Initech", owner: "lead-i@agency.example", approvers: "ap@initech.example" }));
    expect(created.headers.get("location")).toBe("/workspace/clients/initech?saved=created");
    expect((await h.ws.load()).clients.map((c) => c.id)).toContain("initech");

    const confirm = await (await get("/workspace/clients/globex/remove", ADMIN)).text();
    expect(confirm).toContain("globex-newsroom");
    const unconfirmed = await post("/workspace/clients/globex/remove", ADMIN, {});
    expect(unconfirmed.status).toBe(303);
    expect((await h.ws.load()).clients.map((c) => c.id)).toContain("globex");
    const removed = await post("/workspace/clients/globex/remove", ADMIN, { confirm: "globex" });
    expect(removed.headers.get("location")).toBe("/workspace?removed=globex");
    const ws = await h.ws.load();
    expect(ws.clients.map((c) => c.id)).not.toContain("globex");
    expect(ws.feeds.map((f) => f.id)).not.toContain("globex-newsroom");
  });
});

describe("feeds", () => {
  it("lists health (status, last success, failures, next poll, warnings)", async () => {
    const page = await (await get("/workspace/feeds", LEAD_A)).text();
    const row = page.slice(page.indexOf('id="feed-acme-newsroom"'));
    expect(row).toContain("failing (HTTP 503)");
    expect(row).toContain("10 min ago");
    expect(row).toMatch(/data-label="Failures">2</);
    expect(row).toContain("in 1 min");
    expect(row).toContain("repaired: bare ampersand at line 12");
  });

  it("adds a feed for the lead's client, reports a bad URL next to its field, and removes with confirmation", async () => {
    const bad = await post("/workspace/feeds", LEAD_A, { id: "acme-blog", url: "ftp://acme.example/feed", clientId: "acme", intervalSeconds: "120" });
    expect(bad.status).toBe(422);
    const page = await bad.text();
    expect(fieldError(page, "url")).toContain("http(s) URL");
    expect(page).toContain('value="ftp://acme.example/feed"');
    expect(page).toContain('value="acme-blog"');
    expect(page).toContain('value="120"');
    const ok = await post("/workspace/feeds", LEAD_A, { id: "acme-blog", url: "https://acme.example/blog.xml", clientId: "acme", intervalSeconds: "120" });
    expect(ok.headers.get("location")).toBe("/workspace/feeds?added=acme-blog");
    expect((await h.ws.load()).feeds.find((f) => f.id === "acme-blog")).toMatchObject({ clientId: "acme", intervalSeconds: 120 });
    expect((await post("/workspace/feeds/acme-blog/remove", LEAD_A, { confirm: "acme-blog" })).status).toBe(303);
    expect((await h.ws.load()).feeds.find((f) => f.id === "acme-blog")).toBeUndefined();
  });

  it("lets an admin add a shared wire", async () => {
    const ok = await post("/workspace/feeds", ADMIN, { id: "bw", url: "https://bw.example/rss", clientId: "", intervalSeconds: "" });
    expect(ok.status).toBe(303);
    expect((await h.ws.load()).feeds.find((f) => f.id === "bw")).toMatchObject({ intervalSeconds: 60 });
    expect((await h.ws.load()).feeds.find((f) => f.id === "bw")!.clientId).toBeUndefined();
  });
});

describe("people", () => {
  it("adds an approver and a lead to the lead's client and removes a role", async () => {
    const res = await post("/workspace/people", LEAD_A, { email: "New.Approver@Acme.example", role: "approver", clientId: "acme" });
    expect(res.status).toBe(303);
    expect(await (await h.app.request(res.headers.get("location")!, { headers: { "x-as": LEAD_A } })).text()).toContain("new.approver@acme.example is now approver of acme.");
    expect((await h.ws.load()).clients.find((c) => c.id === "acme")!.approvers).toContain("new.approver@acme.example");
    expect((await post("/workspace/people", LEAD_A, { email: "deputy@agency.example", role: "lead", clientId: "acme" })).status).toBe(303);
    const page = await (await get("/workspace/people", LEAD_A)).text();
    expect(page).toContain("deputy@agency.example");
    expect(page).toContain("as the owner"); // the owner's lead role is changed in the settings
    expect((await post("/workspace/people/revoke", LEAD_A, { email: APPROVER, role: "approver", clientId: "acme" })).status).toBe(303);
    expect((await h.ws.load()).clients.find((c) => c.id === "acme")!.approvers).toEqual(["new.approver@acme.example"]);
  });

  it("shows a bad email next to the field with the typed value, and the only approver's removal as an error", async () => {
    const res = await post("/workspace/people", LEAD_A, { email: "not an email", role: "approver", clientId: "acme" });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(fieldError(page, "email")).toBeTruthy();
    expect(page).toContain('value="not an email"');
    const only = await post("/workspace/people/revoke", LEAD_A, { email: APPROVER, role: "approver", clientId: "acme" });
    expect(only.status).toBe(422);
    expect(await only.text()).toContain("only approver");
  });

  it("does not let an admin take their own admin role", async () => {
    const res = await post("/workspace/people/revoke", ADMIN, { email: ADMIN, role: "admin", clientId: "" });
    expect(res.status).toBe(422);
    expect((await h.ws.load()).people.find((p) => p.email === ADMIN)!.grants).toEqual([{ role: "admin" }]);
  });

  it("ignores a message smuggled into the URL", async () => {
    const page = await (await get("/workspace/people?done=granted&email=Call%20us%20now&role=admin", ADMIN)).text();
    expect(page).not.toContain("Call us now");
  });
});

describe("media lists", () => {
  const CSV =
    "\uFEFFname,email,outlet,beat,x_handle\r\n" +
    'Jane Doe,jane.doe@news.example,"Daily News, Business Desk",tech,@janedoe\r\n' +
    "Bad Row,not-an-email,Nowhere,misc,\r\n" +
    "Jane D.,JANE.DOE@news.example,,,\r\n" +
    'Raj Patel,raj@wire.example,"The ""Wire""",space,rajp\r\n';

  it("imports a CSV (BOM, quoted commas), reports the bad line, merges duplicates, and never shows or stores a raw email", async () => {
    const res = await upload("/workspace/clients/acme/media-list", LEAD_A, CSV);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("Imported 2 contact(s)");
    expect(page).toContain("1 duplicate(s) merged");
    expect(page).toMatch(/Line 3: invalid email address/);
    expect(page).toContain("Daily News, Business Desk");
    expect(page).toContain("The &quot;Wire&quot;");
    expect(page).toContain("j•••e@news.example");
    for (const raw of ["jane.doe@news.example", "JANE.DOE@news.example", "raj@wire.example", "not-an-email"]) expect(page).not.toContain(raw);
    const list = await h.ws.mediaList("acme");
    expect(list!.contacts).toHaveLength(2);
    expect(list!.source).toBe("journalists.csv");
    expect(JSON.stringify(list)).not.toMatch(/jane\.doe@|raj@wire/i);
    expect(h.ws.entries[0]).toMatchObject({ actor: LEAD_A, action: "media-list-import", targetId: "acme" });

    const csv = await get("/workspace/clients/acme/media-list.csv", LEAD_A);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.startsWith("\uFEFFname,masked_email,outlet,beat,x_handle,email_sha256\r\n")).toBe(true);
    expect(text).toContain('"Daily News, Business Desk"');
    expect(text).not.toMatch(/jane\.doe@|raj@wire/i);

    const shown = await (await get("/workspace/clients/acme/media-list", LEAD_A)).text();
    expect(shown).toContain("2 contact(s)");
    expect(shown).not.toMatch(/jane\.doe@|raj@wire/i);
  });

  it("reports a file with no usable row next to the file input, and a missing file", async () => {
    const none = await upload("/workspace/clients/acme/media-list", LEAD_A, "name,email\nX,nope\n");
    expect(none.status).toBe(422);
    expect(fieldError(await none.text(), "file")).toContain("line 2");
    const missing = await post("/workspace/clients/acme/media-list", LEAD_A, {});
    expect(missing.status).toBe(422);
    expect(fieldError(await missing.text(), "file")).toContain("Choose a CSV file");
    expect(await h.ws.mediaList("acme")).toBeUndefined();
  });

  it("deletes only with the confirmation", async () => {
    await upload("/workspace/clients/acme/media-list", ADMIN, CSV);
    expect((await post("/workspace/clients/acme/media-list/delete", ADMIN, {})).status).toBe(303);
    expect(await h.ws.mediaList("acme")).toBeDefined();
    const res = await post("/workspace/clients/acme/media-list/delete", ADMIN, { confirm: "yes" });
    expect(res.headers.get("location")).toBe("/workspace/clients/acme/media-list?deleted=1");
    expect(await h.ws.mediaList("acme")).toBeUndefined();
    expect(h.ws.entries[0]).toMatchObject({ action: "media-list-delete" });
  });
});

describe("the log of changes", () => {
  it("pages newest first and shows leads only their clients' entries", async () => {
    for (let i = 0; i < 55; i++) await post("/workspace/clients/globex", ADMIN, { ...acmeForm({ id: "globex", name: `Globex ${i}`, owner: "lead-b@agency.example", approvers: "approver-b@globex.example" }) });
    await post("/workspace/clients/acme", ADMIN, acmeForm({ name: "Acme Prime" }));
    const first = await (await get("/workspace/log", ADMIN)).text();
    expect(first.match(/<tr class="entry">/g)).toHaveLength(50);
    expect(first).toContain("Acme Prime");
    const older = /href="\/workspace\/log\?before=([^"]+)"/.exec(first)![1]!;
    const second = await (await get(`/workspace/log?before=${older.replace(/&amp;/g, "&")}`, ADMIN)).text();
    expect(second.match(/<tr class="entry">/g)).toHaveLength(6);
    expect(second).toContain("Globex 0");
    const lead = await (await get("/workspace/log", LEAD_A)).text();
    expect(lead.match(/<tr class="entry">/g)).toHaveLength(1);
    expect(lead).toContain("Acme Prime");
    expect(lead).not.toContain("Globex");
  });
});

describe("releases", () => {
  it("shows a release's sources and plans, and plans it for a client the person manages", async () => {
    const page = await (await get("/releases/r_acme_wire", LEAD_A)).text();
    expect(page).toContain('id="sources"');
    expect(page).toContain("https://wire.example/r_acme_wire");
    expect(page).toContain('href="/plans/p_acme_plan_000000"');
    const nobody = await (await get("/releases/r_nobody", LEAD_A)).text();
    expect(nobody).toContain("matched no client");
    expect(nobody).toContain("Plan for client…");
    expect(nobody).toMatch(/<option value="acme"/);
    expect(nobody).not.toMatch(/<option value="globex"/);
    const res = await post("/releases/r_nobody/plan", LEAD_A, { clientId: "acme" });
    expect(res.status).toBe(303);
    expect(h.replans).toEqual([{ releaseId: "r_nobody", clientId: "acme", requestedBy: LEAD_A }]);
    const after = await (await h.app.request(res.headers.get("location")!, { headers: { "x-as": LEAD_A } })).text();
    expect(after).toContain("Planned for acme");
    expect((await get("/releases/r_missing", ADMIN)).status).toBe(404);
  });
});

describe("two people editing one client", () => {
  it("refuses a save made from an older form with 409, keeps what was typed, names where they differ, and a second save wins knowingly", async () => {
    const page = await (await get("/workspace/clients/acme", LEAD_A)).text();
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;
    // The admin saves a change meanwhile.
    expect((await post("/workspace/clients/acme", ADMIN, acmeForm({ keywords: "Acme\nCoyote", version }))).status).toBe(303);
    const stale = await post("/workspace/clients/acme", LEAD_A, acmeForm({ keywords: "Acme\nRoadrunner", version }));
    expect(stale.status).toBe(409);
    const body = await stale.text();
    expect(body).toContain("Someone else saved this client while you were editing it. Nothing was saved; your values are below (they differ from the saved ones in: keywords)");
    expect(body).toContain("Acme\nRoadrunner");
    expect((await h.ws.load()).clients.find((c) => c.id === "acme")!.keywords).toEqual(["Acme", "Coyote"]);
    const newer = /name="version" value="(\d+)"/.exec(body)![1]!;
    expect(Number(newer)).toBe(Number(version) + 1);
    expect((await post("/workspace/clients/acme", LEAD_A, acmeForm({ keywords: "Acme\nRoadrunner", version: newer }))).status).toBe(303);
    expect((await h.ws.load()).clients.find((c) => c.id === "acme")!.keywords).toEqual(["Acme", "Roadrunner"]);
  });
});

describe("what a lead sees of other clients", () => {
  it("the log shows a lead the grants on their client (and a removed feed of theirs), never another client's", async () => {
    await post("/workspace/people", ADMIN, { email: "new-approver@acme.example", role: "approver", clientId: "acme" });
    await post("/workspace/people", ADMIN, { email: "b2@globex.example", role: "approver", clientId: "globex" });
    await post("/workspace/feeds/acme-newsroom/remove", ADMIN, { confirm: "acme-newsroom" });
    const lead = await (await get("/workspace/log", LEAD_A)).text();
    expect(lead).toContain("made new-approver@acme.example approver of acme");
    expect(lead).toContain("removed feed acme-newsroom");
    expect(lead).not.toContain("b2@globex.example");
  });

  it("a release planned for several clients names only the lead's own; the others are counted", async () => {
    const list = await (await get("/releases", LEAD_A)).text();
    expect(list).toContain("acme, 1 other client</td>");
    expect(list).not.toMatch(/globex/i);
    const page = await (await get("/releases/r_shared", LEAD_A)).text();
    expect(page).toContain("Planned for: acme, 1 other client</p>");
    expect(await (await get("/releases/r_shared", ADMIN)).text()).toContain("Planned for: acme, globex</p>");
  });
});
