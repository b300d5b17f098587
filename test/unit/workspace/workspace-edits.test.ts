import { describe, expect, it } from "vitest";
import {
  ValidationError,
  WorkspaceConflictError,
  accessOf,
  canManage,
  canSee,
  grantRole,
  importWorkspace,
  parseConfig,
  parseWorkspaceFile,
  readMediaListCsv,
  removeEntity,
  revokeRole,
  saveEntity,
  saveSettings,
  type Clock,
} from "@pressbridge/core";
import { MemoryWorkspaceStore } from "../../support/memory-workspace.ts";

const clock: Clock = { now: () => new Date("2026-12-07T12:00:00Z") };
const ACME = { id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"], keywords: ["Acme"], timezone: "America/New_York" };

function setup() {
  const workspace = new MemoryWorkspaceStore();
  return { workspace, deps: { workspace, clock } };
}

async function fieldOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  throw new Error("expected a ValidationError");
}

describe("saveEntity", () => {
  it("creates a client with the schema's defaults, logs who did it, and refuses the same id twice", async () => {
    const { workspace, deps } = setup();
    const created = await saveEntity(deps, "client", { ...ACME }, "ana@agency.example", "create");
    expect(created.status).toBe("created");
    const ws = await workspace.load();
    expect(ws.clients[0]).toMatchObject({ id: "acme", windowHours: 72, channels: expect.arrayContaining(["x", "threads"]), adDefaults: { locations: ["US"] } });
    expect(workspace.entries.map((e) => [e.actor, e.action, e.targetId])).toEqual([["ana@agency.example", "create", "acme"]]);
    expect(await fieldOf(saveEntity(deps, "client", { ...ACME }, "cli", "create"))).toBe("id");
  });

  it("merges an update over the stored client, logs the changed fields, and writes nothing when nothing changed", async () => {
    const { workspace, deps } = setup();
    await saveEntity(deps, "client", { ...ACME }, "cli", "create");
    const updated = await saveEntity(deps, "client", { id: "acme", keywords: ["Acme", "Roadrunner"] }, "cli", "update");
    expect(updated.status).toBe("updated");
    expect(updated.entry?.changes).toEqual([{ field: "keywords", from: ["Acme"], to: ["Acme", "Roadrunner"] }]);
    expect((await workspace.load()).clients[0]!.owner).toBe("pr@acme.example");
    const again = await saveEntity(deps, "client", { id: "acme", keywords: ["Acme", "Roadrunner"] }, "cli", "update");
    expect(again.status).toBe("unchanged");
    expect(workspace.entries).toHaveLength(2);
  });

  it("names the bad field, and refuses a feed bound to a client that does not exist", async () => {
    const { workspace, deps } = setup();
    expect(await fieldOf(saveEntity(deps, "client", { ...ACME, owner: "not-an-email" }, "cli", "create"))).toBe("owner");
    expect(await fieldOf(saveEntity(deps, "client", { ...ACME, keywords: ["ok", ""] }, "cli", "create"))).toBe("keywords[1]");
    expect(await fieldOf(saveEntity(deps, "feed", { id: "acme-ir", url: "https://ir.acme.example/rss", clientId: "nobody" }, "cli", "create"))).toBe("clientId");
    expect(await fieldOf(saveEntity(deps, "feed", { id: "x", url: "ftp://wire.example/rss" }, "cli", "create"))).toBe("url");
    expect((await workspace.load()).feeds).toEqual([]);
    expect(workspace.entries).toEqual([]);
  });

  it("moves ad countries that were the time zone's default along with a new time zone, and keeps chosen ones", async () => {
    const { workspace, deps } = setup();
    await saveEntity(deps, "client", { ...ACME }, "cli", "create");
    await saveEntity(deps, "client", { id: "acme", timezone: "Europe/Berlin" }, "cli", "update");
    expect((await workspace.load()).clients[0]!.adDefaults.locations).toEqual(["DE"]);
    await saveEntity(deps, "client", { id: "acme", adDefaults: { dailyBudget: 50, currency: "USD", flightDays: 5, locations: ["AT", "CH"] } }, "cli", "update");
    await saveEntity(deps, "client", { id: "acme", timezone: "Asia/Tokyo" }, "cli", "update");
    expect((await workspace.load()).clients[0]!.adDefaults.locations).toEqual(["AT", "CH"]);
  });

  it("retries from a fresh read when someone else committed meanwhile, and keeps both changes", async () => {
    const { workspace, deps } = setup();
    await saveEntity(deps, "client", { ...ACME }, "cli", "create");
    const realCommit = workspace.commit.bind(workspace);
    let raced = false;
    workspace.commit = async (writes, entry) => {
      if (!raced) {
        raced = true;
        await realCommit([{ op: "put", entity: { kind: "client", id: "acme", value: { ...(await workspace.load()).clients[0]!, name: "Acme Corporation" } }, expectedVersion: 1 }], { ...entry, id: "other" });
      }
      return realCommit(writes, entry);
    };
    await saveEntity(deps, "client", { id: "acme", keywords: ["Acme", "ACME"] }, "cli", "update");
    expect((await workspace.load()).clients[0]).toMatchObject({ name: "Acme Corporation", keywords: ["Acme", "ACME"] });
  });

  it("gives up with WorkspaceConflictError when it keeps losing", async () => {
    const { workspace, deps } = setup();
    workspace.commit = async () => {
      throw new WorkspaceConflictError("moved");
    };
    await expect(saveEntity(deps, "client", { ...ACME }, "cli", "create")).rejects.toBeInstanceOf(WorkspaceConflictError);
  });
});

describe("removeEntity", () => {
  it("removes a client with its bound feeds, its media list and the grants on it; a second remove is harmless", async () => {
    const { workspace, deps } = setup();
    await saveEntity(deps, "client", { ...ACME }, "cli", "create");
    await saveEntity(deps, "feed", { id: "acme-ir", url: "https://ir.acme.example/rss", clientId: "acme" }, "cli", "create");
    await saveEntity(deps, "feed", { id: "prn", url: "https://www.prnewswire.com/rss/news-releases-list.rss" }, "cli", "create");
    await grantRole(deps, { email: "lead@agency.example", role: "lead", clientId: "acme" }, "cli");
    await workspace.putMediaList({ clientId: "acme", source: "j.csv", importedAt: "x", importedBy: "cli", contacts: [] }, { ...workspace.entries[0]!, id: "m" });
    expect((await removeEntity(deps, "client", "acme", "cli")).status).toBe("removed");
    const ws = await workspace.load();
    expect(ws.clients).toEqual([]);
    expect(ws.feeds.map((f) => f.id)).toEqual(["prn"]);
    expect(ws.people).toEqual([{ email: "lead@agency.example", grants: [] }]);
    expect(await workspace.mediaList("acme")).toBeUndefined();
    expect((await removeEntity(deps, "client", "acme", "cli")).status).toBe("unchanged");
  });
});

describe("grantRole and revokeRole", () => {
  it("adds an approver to the client's approvers (who the emails go to) and derives the roles from the workspace", async () => {
    const { workspace, deps } = setup();
    await saveEntity(deps, "client", { ...ACME }, "cli", "create");
    await saveEntity(deps, "client", { ...ACME, id: "globex", name: "Globex", owner: "pr@globex.example" }, "cli", "create");
    await grantRole(deps, { email: " Ben@Acme.Example ", role: "approver", clientId: "acme" }, "cli");
    await grantRole(deps, { email: "boss@agency.example", role: "admin" }, "cli");
    const ws = await workspace.load();
    expect(ws.clients.find((c) => c.id === "acme")!.approvers).toEqual(["social@acme.example", "ben@acme.example"]);
    const ben = accessOf(ws, "BEN@acme.example");
    expect([canSee(ben, "acme"), canManage(ben, "acme"), canSee(ben, "globex")]).toEqual([true, false, false]);
    const owner = accessOf(ws, "pr@acme.example");
    expect([canManage(owner, "acme"), canManage(owner, "globex")]).toEqual([true, false]);
    expect(accessOf(ws, "boss@agency.example").isAdmin).toBe(true);
    expect(accessOf(ws, "stranger@elsewhere.example")).toMatchObject({ isAdmin: false, leads: new Set(), approves: new Set() });
  });

  it("refuses an admin for one client, a lead without a client, an unknown client, and removing a client's only approver", async () => {
    const { deps } = setup();
    await saveEntity(deps, "client", { ...ACME }, "cli", "create");
    expect(await fieldOf(grantRole(deps, { email: "a@b.example", role: "admin", clientId: "acme" }, "cli"))).toBe("client");
    expect(await fieldOf(grantRole(deps, { email: "a@b.example", role: "lead" }, "cli"))).toBe("client");
    expect(await fieldOf(grantRole(deps, { email: "a@b.example", role: "lead", clientId: "nobody" }, "cli"))).toBe("client");
    expect(await fieldOf(grantRole(deps, { email: "not an email", role: "admin" }, "cli"))).toBe("email");
    expect(await fieldOf(revokeRole(deps, { email: "social@acme.example" }, "cli"))).toBe("email");
  });

  it("takes one role or all of them away", async () => {
    const { workspace, deps } = setup();
    await saveEntity(deps, "client", { ...ACME }, "cli", "create");
    await grantRole(deps, { email: "ben@acme.example", role: "approver", clientId: "acme" }, "cli");
    await grantRole(deps, { email: "ben@acme.example", role: "lead", clientId: "acme" }, "cli");
    await revokeRole(deps, { email: "ben@acme.example", role: "lead", clientId: "acme" }, "cli");
    let ws = await workspace.load();
    expect(canManage(accessOf(ws, "ben@acme.example"), "acme")).toBe(false);
    expect(canSee(accessOf(ws, "ben@acme.example"), "acme")).toBe(true);
    await revokeRole(deps, { email: "ben@acme.example" }, "cli");
    ws = await workspace.load();
    expect(canSee(accessOf(ws, "ben@acme.example"), "acme")).toBe(false);
    expect(ws.people.find((p) => p.email === "ben@acme.example")).toBeUndefined();
  });
});

describe("importWorkspace", () => {
  const file = (over: Record<string, unknown> = {}) =>
    parseWorkspaceFile({
      clients: [ACME],
      feeds: Array.from({ length: 150 }, (_, i) => ({ id: `wire-${i}`, url: `https://wire${i}.example/rss` })),
      people: [{ email: "boss@agency.example", grants: [{ role: "admin" }] }],
      ...over,
    });

  it("upserts in commits of at most 99 entities, and a second import of the same file writes nothing", async () => {
    const { workspace, deps } = setup();
    let commits = 0;
    const realCommit = workspace.commit.bind(workspace);
    workspace.commit = async (writes, entry) => {
      commits++;
      expect(writes.length).toBeLessThanOrEqual(99);
      return realCommit(writes, entry);
    };
    const first = await importWorkspace(deps, file(), "cli");
    expect(first.created).toHaveLength(1 + 150 + 1);
    expect(commits).toBe(2);
    const second = await importWorkspace(deps, file(), "cli");
    expect(second).toMatchObject({ created: [], updated: [], unchanged: 152 });
    expect(commits).toBe(2);
  });

  it("keeps what the workspace has beyond the file, and settings changed in the app when the file has no settings", async () => {
    const { workspace, deps } = setup();
    await saveEntity(deps, "client", { ...ACME, id: "globex", name: "Globex", owner: "pr@globex.example" }, "ana@agency.example", "create");
    await saveSettings(deps, { audit: { atRiskHours: 6 } }, "ana@agency.example");
    await importWorkspace(deps, file(), "cli");
    let ws = await workspace.load();
    expect(ws.clients.map((c) => c.id).sort()).toEqual(["acme", "globex"]);
    expect(ws.settings.audit.atRiskHours).toBe(6);
    await importWorkspace(deps, file({ audit: { atRiskHours: 3 } }), "cli");
    ws = await workspace.load();
    expect(ws.settings.audit.atRiskHours).toBe(3);
  });

  it("validates the whole file before writing anything", async () => {
    const { workspace, deps } = setup();
    const bad = { config: parseConfig({ clients: [ACME], feeds: [{ id: "acme-ir", url: "https://ir.acme.example/rss" }] }), people: [] };
    bad.config.feeds[0]!.clientId = "nobody";
    await expect(importWorkspace(deps, bad, "cli")).rejects.toBeInstanceOf(ValidationError);
    expect((await workspace.load()).clients).toEqual([]);
  });
});

describe("readMediaListCsv", () => {
  it("keeps no raw email: each is hashed and masked; bad rows are reported by line and duplicates merged", () => {
    const csv = "\ufeffname,email,outlet,beat,x_handle\n\"Doe, Jane\",Jane.Doe@News.example,\"Daily, News\",AI,@janedoe\nBob,not-an-email,Wire,,\nJ. Doe,jane.doe@news.example,,Energy,\n";
    const { list, errors, merged } = readMediaListCsv(csv, "acme", "journalists.csv", "cli", "2026-12-07T12:00:00Z");
    expect(errors).toEqual([{ line: 3, reason: "invalid email address" }]);
    expect(merged).toBe(1);
    expect(list.contacts).toEqual([
      {
        // SHA-256 of the trimmed, lower-cased email, as the ad platforms match it.
        emailSha256: "9be1e16ad9e10df004599b16a10e90802b9b5db58d48b56cbee0473963c3df71",
        maskedEmail: "j•••e@news.example",
        name: "Doe, Jane",
        outlet: "Daily, News",
        beat: "AI",
        xHandle: "janedoe",
      },
    ]);
    expect(JSON.stringify(list)).not.toMatch(/jane\.doe@|Jane\.Doe@/i);
  });

  it("refuses a list with no readable contact, naming the first problem", () => {
    expect(() => readMediaListCsv("name,email\nBob,nope\n", "acme", "x.csv", "cli", "t")).toThrow(/line 2: invalid email address/);
  });
});
