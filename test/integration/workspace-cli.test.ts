import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  DynamoApprovalStore,
  DynamoEventOutbox,
  DynamoPlanStore,
  DynamoWorkspaceStore,
  LocalEventBus,
  createDynamoClient,
  listOutbox,
  readOutboxMessage,
} from "@pressbridge/adapters";
import { ROUTES, approversFromConfig, configOf, decidePlan, openReview, systemClock, type ReviewDeps, type SigningKeys } from "@pressbridge/core";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";
import { runCli, startCli, type CliResult } from "../support/run-cli.ts";

/**
 * The workspace managed through the CLI, as an agency onboards a client (issue 14's acceptance, CLI
 * half): real bin, the test run's DynamoDB Local on a fresh table, a loopback feed.
 */
let server: FeedServer;
let dir: string;
const items: Array<{ title: string; link: string; pubDate: string; description?: string }> = [];

beforeAll(async () => {
  server = await startFeedServer();
  server.serveFeed("/wire", () => rss(items));
  dir = mkdtempSync(join(tmpdir(), "pb-ws-cli-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function envFor(name: string): Record<string, string> {
  return { DYNAMODB_ENDPOINT: inject("dynamoEndpoint"), PRESSBRIDGE_TABLE: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` };
}

async function json<T = Record<string, any>>(args: string[], env: Record<string, string>): Promise<T> {
  const r = await runCli([...args, "--json"], { env, timeoutMs: 90_000 });
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

async function approvalEmails(dataDir: string): Promise<Array<{ to: string; planId: string; token: string }>> {
  const outbox = join(dataDir, "outbox");
  const out = [];
  for (const entry of await listOutbox(outbox, { limit: 1000 })) {
    if (entry.kind !== "approval") continue;
    const message = await readOutboxMessage(outbox, entry.file);
    out.push({ to: entry.to.join(","), planId: entry.planId ?? "", token: /\/review\/([A-Za-z0-9._~-]+)/.exec(message!.parsed.text)?.[1] ?? "" });
  }
  return out;
}

/** The review page's decision, through core's use case on the data dir's table and keys (what the form POST calls). */
function reviewOn(env: Record<string, string>, dataDir: string): { deps: ReviewDeps; close(): void } {
  const client = createDynamoClient({ endpoint: env.DYNAMODB_ENDPOINT! });
  const table = { client, tableName: env.PRESSBRIDGE_TABLE! };
  const workspace = new DynamoWorkspaceStore(table);
  const keys = (JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as { signingKeys: SigningKeys }).signingKeys;
  const deps: ReviewDeps = {
    plans: new DynamoPlanStore(table),
    approvals: new DynamoApprovalStore(table),
    outbox: new DynamoEventOutbox(table),
    bus: new LocalEventBus({ routes: ROUTES }),
    clock: systemClock,
    keys,
    currentApprovers: async (clientId) => approversFromConfig(configOf(await workspace.load()))(clientId),
  };
  return { deps, close: () => client.destroy() };
}

describe("the workspace through the CLI", () => {
  it("onboards a client from nothing: admin, client, feed, approver, media list; a release is planned, emailed, approved, and the log shows each change", async () => {
    const env = envFor("ws-flow");
    const dataDir = join(dir, "flow");
    const dd = ["--data-dir", dataDir];
    // Loopback feeds need the workspace's security setting: a small config file imports it.
    const settings = join(dir, "settings.json");
    writeFileSync(settings, JSON.stringify({ security: { allowPrivateFeedHosts: true } }));
    expect(await json(["config", "import", settings, ...dd], env)).toMatchObject({ created: ["workspace settings"], updated: [], unchanged: 0 });

    expect(await json(["people", "add", "--email", "Admin@Agency.example", "--role", "admin", ...dd], env)).toMatchObject({ status: "created", person: { email: "admin@agency.example", grants: [{ role: "admin" }] } });
    const added = await json(["clients", "add", "--id", "acme", "--name", "Acme Corp", "--owner", "pr@acme.example", "--approver", "first@acme.example", "--keyword", "Acme", "--timezone", "Europe/Berlin", "--window-hours", "48", ...dd], env);
    expect(added).toMatchObject({ status: "created", client: { id: "acme", windowHours: 48, channels: ["x", "linkedin", "facebook", "instagram", "bluesky", "threads"], adPlatforms: ["linkedin", "meta", "x"], adDefaults: { locations: ["DE"] } } });
    expect(await json(["clients", "update", "--id", "acme", "--channel", "x", "--channel", "bluesky", ...dd], env)).toMatchObject({ status: "updated", client: { channels: ["x", "bluesky"], windowHours: 48, keywords: ["Acme"] } });
    expect(await json(["feeds", "add", "--id", "acme-wire", "--url", `${server.url}/wire`, "--interval", "5", ...dd], env)).toMatchObject({ status: "created", feed: { id: "acme-wire", intervalSeconds: 5 } });
    expect(await json(["people", "add", "--email", "new@acme.example", "--role", "approver", "--client", "acme", ...dd], env)).toMatchObject({ status: "created" });
    expect((await json(["clients", "list", ...dd], env)).clients[0].approvers).toEqual(["first@acme.example", "new@acme.example"]);

    // The media list: a BOM, a quoted comma, a bad email (line 4), a duplicate merged.
    const csv = join(dir, "journalists.csv");
    writeFileSync(csv, '\uFEFFname,email,outlet,beat,x_handle\n"Reporter, Ada",ada@news.example,Daily Ledger,fintech,ada\nBen Writer,ben@news.example,"Wire, Inc.",,\nBad Row,not-an-email,Nowhere,,\nAda Again,ADA@news.example,,payments,\n');
    const imported = await json(["media-list", "import", "--client", "acme", csv, ...dd], env);
    expect(imported).toMatchObject({ clientId: "acme", contacts: 2, merged: 1 });
    expect(imported.skipped).toEqual([{ line: 4, reason: expect.stringMatching(/email/i) }]);
    const shown = await runCli(["media-list", "show", "--client", "acme", "--json", ...dd], { env });
    expect(JSON.parse(shown.stdout).mediaList.contacts).toEqual([
      { name: "Ben Writer", email: "b•••n@news.example", outlet: "Wire, Inc.", beat: null, xHandle: null },
      { name: "Reporter, Ada", email: "a•••a@news.example", outlet: "Daily Ledger", beat: "fintech", xHandle: "ada" },
    ]);
    const exported = await runCli(["media-list", "export", "--client", "acme", ...dd], { env });
    expect(exported.stdout).toBe('name,email,outlet,beat,x_handle\nBen Writer,b•••n@news.example,"Wire, Inc.",,\n"Reporter, Ada",a•••a@news.example,Daily Ledger,fintech,ada\n');
    for (const out of [shown.stdout, exported.stdout]) expect(out).not.toMatch(/ada@news|ben@news/i);

    // The feed: a baseline poll, then a release naming Acme and one naming nobody.
    items.push({ title: "Old News From The Wire", link: "https://wire.example/old", pubDate: new Date().toUTCString() });
    expect((await json(["poll", "--once", ...dd], env)).feeds[0]).toMatchObject({ id: "acme-wire", status: "ok", newReleases: 0 });
    items.push({ title: "Acme Corp Opens Payments Lab in Berlin", link: "https://wire.example/acme-lab", pubDate: new Date().toUTCString() });
    items.push({ title: "Globex Names New Chief Executive", link: "https://wire.example/globex-ceo", pubDate: new Date().toUTCString() });
    expect((await json(["poll", "--once", "--all", ...dd], env)).feeds[0]).toMatchObject({ status: "ok", newReleases: 2 });

    const feeds = (await json(["feeds", "list", ...dd], env)).feeds;
    expect(feeds[0]).toMatchObject({ id: "acme-wire", health: { status: "ok", consecutiveFailures: 0, lastHttpStatus: 200 } });
    expect(feeds[0].health.lastSuccessAt).not.toBeNull();
    expect(feeds[0].health.nextPollAt).not.toBeNull();

    const plans = (await json(["plans", ...dd], env)).plans as Array<{ id: string; clientId: string; status: string; drafts: Array<{ channel: string }>; skipped: Array<{ channel: string }>; briefs: Array<Record<string, any>> }>;
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ clientId: "acme", status: "pending_approval", match: { reason: "keyword" } });
    // The client's settings as edited: its channels, its media list as the briefs' audience.
    expect([...plans[0]!.drafts, ...plans[0]!.skipped].map((d) => d.channel).sort()).toEqual(["bluesky", "x"]);
    expect(plans[0]!.briefs.map((b) => b.audience?.matchedAudience?.count)).toContain(2);
    const emails = await approvalEmails(dataDir);
    expect(emails.filter((e) => e.planId === plans[0]!.id).map((e) => e.to).sort()).toEqual(["first@acme.example", "new@acme.example"]);
    const toNew = emails.find((e) => e.to === "new@acme.example" && e.planId === plans[0]!.id);
    expect(toNew, JSON.stringify(emails)).toBeDefined();

    // The new approver approves through their link (the review form's use case, its CSRF and versions).
    const review = reviewOn(env, dataDir);
    try {
      const view = await openReview(review.deps, toNew!.token);
      if (view.kind !== "review") throw new Error(`review link refused: ${JSON.stringify(view)}`);
      const shownVersions = Object.fromEntries(view.plan.drafts.map((d) => [d.channel, d.version]));
      expect(await decidePlan(review.deps, { token: toNew!.token, csrf: view.csrf, action: "approve", shownVersions })).toMatchObject({ status: "decided" });
    } finally {
      review.close();
    }
    expect((await json(["plans", ...dd], env)).plans[0]).toMatchObject({ status: "approved", decision: { by: "new@acme.example" } });

    // The release that matched nobody is planned for Acme on request, its approvers emailed; once.
    const releases = (await json(["releases", ...dd], env)).releases as Array<{ id: string; title: string; plannedFor: string[] | null }>;
    const globex = releases.find((r) => r.title.startsWith("Globex"))!;
    expect(globex.plannedFor).toEqual([]);
    const manual = await json(["plan", "--release", globex.id, "--client", "acme", ...dd], env);
    expect(manual).toMatchObject({ status: "planned", plans: [{ clientId: "acme", result: "created", reason: "manual" }], delivery: { owed: 0 } });
    expect((await approvalEmails(dataDir)).filter((e) => e.planId === manual.plans[0].planId).map((e) => e.to).sort()).toEqual(["first@acme.example", "new@acme.example"]);
    expect(await json(["plan", "--release", globex.id, "--client", "acme", ...dd], env)).toMatchObject({ plans: [{ result: "exists" }] });
    expect(await json(["plan", "--release", globex.id, ...dd], env)).toMatchObject({ status: "no-match", plans: [] });
    expect((await approvalEmails(dataDir)).filter((e) => e.planId === manual.plans[0].planId)).toHaveLength(2);

    // The log of changes: each change, by whom, when.
    const log = (await json(["log", ...dd], env)).entries as Array<{ at: string; actor: string; summary: string; kind: string }>;
    const summaries = log.map((e) => e.summary);
    for (const expected of [/^imported 1 item\(s\): workspace settings/, /^made admin@agency\.example an admin$/, /^added client acme$/, /^changed client acme: channels$/, /^added feed acme-wire$/, /^made new@acme\.example approver of acme$/, /^imported the media list of acme: 2 contacts from journalists\.csv, 1 row\(s\) skipped, 1 duplicate\(s\) merged$/]) {
      expect(summaries.some((s) => expected.test(s)), `${expected} in\n${summaries.join("\n")}`).toBe(true);
    }
    expect(log.every((e) => e.actor === "cli" && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(log.map((e) => e.at)).toEqual([...log.map((e) => e.at)].sort().reverse());

    // Validation errors name the flag.
    const bad = await runCli(["clients", "add", "--id", "globex", "--name", "Globex", "--owner", "nobody", "--approver", "a@globex.example", ...dd], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^pressbridge clients add: --owner: must be an email address$/m);
    const dup = await runCli(["feeds", "add", "--id", "acme-wire", "--url", "https://wire.example/rss", ...dd], { env });
    expect([dup.code, dup.stderr]).toEqual([2, expect.stringMatching(/--id: a feed "acme-wire" already exists/)]);
    const unknown = await runCli(["feeds", "add", "--id", "other", "--url", "https://wire.example/rss", "--client", "initech", ...dd], { env });
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/--client: unknown client "initech"/)]);
  });

  it("config import twice writes nothing the second time; config export imports back unchanged (round trip)", async () => {
    const env = envFor("ws-import");
    const dd = ["--data-dir", join(dir, "import")];
    writeFileSync(join(dir, "list.csv"), "name,email\nAda,ada@news.example\nBad,nope\n");
    const file = join(dir, "workspace.json");
    writeFileSync(
      file,
      JSON.stringify({
        clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"], keywords: ["Acme"], mediaList: "list.csv" }],
        feeds: [{ id: "wire", url: "https://wire.example/rss" }, { id: "acme-newsroom", url: "https://ir.acme.example/rss", clientId: "acme" }],
        people: [{ email: "lead@agency.example", grants: [{ role: "lead", clientId: "acme" }] }],
        audit: { staleHours: 12 },
      }),
    );
    const first = await json(["config", "import", file, ...dd], env);
    expect(first).toMatchObject({ created: expect.arrayContaining(["client acme", "feed wire", "feed acme-newsroom", "person lead@agency.example", "workspace settings"]), updated: [], mediaLists: [{ clientId: "acme", contacts: 1 }], skippedRows: [{ clientId: "acme", line: 3 }] });
    const logBefore = (await json(["log", ...dd], env)).entries.length;
    const second = await json(["config", "import", file, ...dd], env);
    expect(second).toMatchObject({ created: [], updated: [], unchanged: 5, mediaLists: [] });
    expect((await json(["log", ...dd], env)).entries).toHaveLength(logBefore);
    const human = await runCli(["config", "import", file, ...dd], { env });
    expect(human.stdout).toMatch(/0 created, 0 updated, 5 unchanged/);
    expect(human.stdout).toMatch(/skipped line 3/);

    // An edit in the workspace, then the export: the edit is in it, and it imports back as it is.
    await json(["clients", "update", "--id", "acme", "--keyword", "Acme", "--keyword", "ACME", ...dd], env);
    const exported = await runCli(["config", "export", ...dd], { env });
    expect(exported.code).toBe(0);
    const doc = JSON.parse(exported.stdout);
    expect(doc.clients[0]).toMatchObject({ id: "acme", keywords: ["Acme", "ACME"] });
    expect(doc.clients[0].mediaList).toBeUndefined();
    expect(doc.people).toEqual([{ email: "lead@agency.example", grants: [{ role: "lead", clientId: "acme" }] }]);
    expect(doc.audit.staleHours).toBe(12);
    const exportFile = join(dir, "exported.json");
    writeFileSync(exportFile, exported.stdout);
    expect(await json(["config", "import", exportFile, ...dd], env)).toMatchObject({ created: [], updated: [] });
    // Into an empty workspace it recreates the same workspace.
    const other = envFor("ws-roundtrip");
    const odd = ["--data-dir", join(dir, "roundtrip")];
    await json(["config", "import", exportFile, ...odd], other);
    expect(JSON.parse((await runCli(["config", "export", ...odd], { env: other })).stdout)).toEqual(doc);
  });
});

describe("workspace commands against a demo data dir", () => {
  it("work with `start --demo` running (sharing its DynamoDB Local) and after it stopped, with no config file; poll and audit too", async () => {
    const dataDir = join(dir, "demo");
    const dd = ["--data-dir", dataDir];
    const noTable = { DYNAMODB_ENDPOINT: "" };
    const app = startCli(["start", "--demo", "--port", "0", ...dd], { PRESSBRIDGE_DEMO_INTERVAL_MS: "1500" });
    let stopped = false;
    try {
      await app.waitFor(/pressbridge is running/, 90_000);
      const clients = await runCli(["clients", "list", "--json", ...dd], { env: noTable });
      expect(clients.code, clients.stderr).toBe(0);
      expect(clients.stderr).not.toMatch(/starting DynamoDB Local/);
      expect(JSON.parse(clients.stdout).clients.map((c: { id: string }) => c.id)).toEqual(["acme"]);
      expect((await json(["feeds", "list", ...dd], noTable)).feeds.map((f: { id: string }) => f.id)).toEqual(["demo-wire"]);
      expect(await json(["clients", "update", "--id", "acme", "--keyword", "Acme", "--keyword", "Globex", ...dd], noTable)).toMatchObject({ status: "updated" });
      const poll: CliResult = await runCli(["poll", "--once", "--all", "--json", ...dd], { env: noTable, timeoutMs: 90_000 });
      expect(poll.stderr).not.toMatch(/no config file/);
      expect([0, 3]).toContain(poll.code);
      expect(JSON.parse(poll.stdout).feeds[0]).toMatchObject({ id: "demo-wire" });
      const audit = await runCli(["audit", "--json", ...dd], { env: noTable, timeoutMs: 90_000 });
      expect(audit.code, audit.stderr).toBe(0);
      expect(JSON.parse(audit.stdout).report).toBeDefined();
      expect(await app.stop("SIGINT")).toBe(0);
      stopped = true;
      // No instance runs now: the command starts the data dir's DynamoDB Local itself.
      const after = await runCli(["clients", "list", "--json", ...dd], { env: noTable, timeoutMs: 90_000 });
      expect(after.code, after.stderr).toBe(0);
      expect(JSON.parse(after.stdout).clients[0].keywords).toEqual(["Acme", "Globex"]);
      const log = (await json(["log", ...dd], noTable)).entries as Array<{ actor: string; summary: string }>;
      expect(log[0]).toMatchObject({ actor: "cli", summary: "changed client acme: keywords" });
    } finally {
      if (!stopped) await app.stop("SIGINT");
    }
  });
});
