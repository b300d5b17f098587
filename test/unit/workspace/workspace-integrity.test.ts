import { describe, expect, it } from "vitest";
import {
  EditedMeanwhileError,
  ValidationError,
  WorkspaceConflictError,
  configOf,
  grantRole,
  importWorkspace,
  mergePlanning,
  parseWorkspaceFile,
  readMediaListCsv,
  removeEntity,
  revokeRole,
  saveEntity,
  type Clock,
  type Workspace,
  type WorkspaceLogEntry,
  type WorkspaceWrite,
} from "@pressbridge/core";
import { MemoryWorkspaceStore } from "../../support/memory-workspace.ts";

/**
 * The workspace's integrity under races and leftovers (the review of the workspace issue): a feed
 * or grant written while its client is removed, a form saved over someone else's change, a media
 * list a removal left, a lead's view of the log, an import's grants, a removal of more than one
 * transaction holds.
 */
const clock: Clock = { now: () => new Date("2026-12-07T12:00:00Z") };
const ACME = { id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"], keywords: ["Acme"], timezone: "America/New_York" };

/** A memory store that runs `hook` once, right after the first load whose caller then commits (the interleaving a race needs). */
class InterleavingStore extends MemoryWorkspaceStore {
  private hook: (() => Promise<void>) | undefined;
  private loadsBeforeHook = 0;
  interleaveAfterLoad(n: number, hook: () => Promise<void>): void {
    this.loadsBeforeHook = n;
    this.hook = hook;
  }
  override async load(): Promise<Workspace> {
    const ws = await super.load();
    if (this.hook !== undefined && --this.loadsBeforeHook === 0) {
      const run = this.hook;
      this.hook = undefined;
      await run();
    }
    return ws;
  }
  commits: Array<readonly WorkspaceWrite[]> = [];
  override async commit(writes: readonly WorkspaceWrite[], entry: WorkspaceLogEntry): Promise<void> {
    await super.commit(writes, entry);
    this.commits.push(writes);
  }
}

async function setup() {
  const workspace = new InterleavingStore();
  const deps = { workspace, clock };
  await saveEntity(deps, "client", { ...ACME }, "cli", "create");
  return { workspace, deps };
}

describe("a write that depends on a client, racing the client's removal", () => {
  it("a feed added after the removal read the workspace is removed with the client, not left orphaned", async () => {
    const { workspace, deps } = await setup();
    // The removal reads first; the feed add commits before the removal does.
    workspace.interleaveAfterLoad(1, async () => {
      await saveEntity(deps, "feed", { id: "acme-news", url: "https://acme.example/news.xml", clientId: "acme" }, "ana", "create");
    });
    expect((await removeEntity(deps, "client", "acme", "cli")).status).toBe("removed");
    const ws = await workspace.load();
    expect(ws.clients).toEqual([]);
    expect(ws.feeds).toEqual([]);
    expect(() => configOf(ws)).not.toThrow();
  });

  it("a lead grant made after the removal read the workspace is taken away with the client", async () => {
    const { workspace, deps } = await setup();
    workspace.interleaveAfterLoad(1, async () => {
      await grantRole(deps, { email: "lee@agency.example", role: "lead", clientId: "acme" }, "ana");
    });
    await removeEntity(deps, "client", "acme", "cli");
    const lee = (await workspace.load()).people.find((p) => p.email === "lee@agency.example");
    expect(lee?.grants).toEqual([]);
  });
});

describe("configOf, reading a workspace with a feed whose client is gone (older data)", () => {
  it("leaves the feed out instead of failing every reader, and it does not block other edits", async () => {
    const { workspace, deps } = await setup();
    workspace.ws = { ...workspace.ws, feeds: [{ id: "ghost", url: "https://ghost.example/feed.xml", clientId: "gone", intervalSeconds: 60, enabled: true } as never] };
    expect(configOf(await workspace.load()).feeds.map((f) => f.id)).toEqual([]);
    await expect(saveEntity(deps, "client", { id: "acme", keywords: ["Acme", "Roadrunner"] }, "cli", "update")).resolves.toMatchObject({ status: "updated" });
    // A new feed for an unknown client is still refused.
    await expect(saveEntity(deps, "feed", { id: "f2", url: "https://x.example/f.xml", clientId: "nobody" }, "cli", "create")).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("saving a form made from an older version", () => {
  it("refuses, naming whether the client changed or went, and writes nothing", async () => {
    const { workspace, deps } = await setup();
    const version = (await workspace.load()).versions.get("client:acme")!;
    await saveEntity(deps, "client", { id: "acme", keywords: ["Acme", "Coyote"] }, "bea", "update");
    const stale = saveEntity(deps, "client", { ...ACME, keywords: ["Acme", "Roadrunner"] }, "ana", "replace", { expectedVersion: version });
    await expect(stale).rejects.toBeInstanceOf(EditedMeanwhileError);
    await expect(stale).rejects.toMatchObject({ currentVersion: version + 1 });
    expect((await workspace.load()).clients[0]!.keywords).toEqual(["Acme", "Coyote"]);

    await removeEntity(deps, "client", "acme", "cli");
    const gone = saveEntity(deps, "client", { ...ACME }, "ana", "replace", { expectedVersion: version + 1 });
    await expect(gone).rejects.toMatchObject({ name: "EditedMeanwhileError", currentVersion: undefined });
    expect((await workspace.load()).clients).toEqual([]);
  });

  it("saves when the version is the stored one, and replace makes the client what the form says", async () => {
    const { workspace, deps } = await setup();
    await saveEntity(deps, "client", { id: "acme", supportingAsset: { title: "Guide", url: "https://acme.example/guide.pdf" } }, "cli", "update");
    const version = (await workspace.load()).versions.get("client:acme")!;
    await saveEntity(deps, "client", { ...ACME, name: "Acme Inc" }, "ana", "replace", { expectedVersion: version });
    const acme = (await workspace.load()).clients[0]!;
    expect(acme.name).toBe("Acme Inc");
    expect(acme.supportingAsset).toBeUndefined();
  });
});

describe("a media list a removal could not delete", () => {
  const csv = "name,email,outlet,beat,x_handle\nJane,jane@paper.example,Paper,tech,\n";
  it("is deleted by a repeated removal and never inherited by a new client of the same id", async () => {
    const { workspace, deps } = await setup();
    await workspace.putMediaList(readMediaListCsv(csv, "acme", "list.csv", "cli", clock.now().toISOString()).list, entry());
    // The removal's list delete fails once (after the client is gone).
    const realDelete = workspace.deleteMediaList.bind(workspace);
    workspace.deleteMediaList = async () => {
      throw new Error("the table is unreachable");
    };
    await expect(removeEntity(deps, "client", "acme", "cli")).rejects.toThrow("unreachable");
    workspace.deleteMediaList = realDelete;
    expect(await workspace.mediaList("acme")).toBeDefined();

    await saveEntity(deps, "client", { ...ACME, name: "Another Acme" }, "cli", "create");
    expect(await workspace.mediaList("acme")).toBeUndefined();

    // And a second removal of an already removed client cleans up what the first left.
    await workspace.putMediaList(readMediaListCsv(csv, "acme", "list.csv", "cli", clock.now().toISOString()).list, entry());
    await removeEntity(deps, "client", "acme", "cli");
    workspace.lists.set("acme", readMediaListCsv(csv, "acme", "list.csv", "cli", clock.now().toISOString()).list);
    expect((await removeEntity(deps, "client", "acme", "cli")).status).toBe("unchanged");
    expect(await workspace.mediaList("acme")).toBeUndefined();
  });
});

describe("the log's client ids (what a lead's view filters on)", () => {
  it("names the client of a grant, a revoke, a bound feed and its removal", async () => {
    const { workspace, deps } = await setup();
    await grantRole(deps, { email: "lee@agency.example", role: "lead", clientId: "acme" }, "ana");
    await grantRole(deps, { email: "amy@acme.example", role: "approver", clientId: "acme" }, "ana");
    await saveEntity(deps, "feed", { id: "acme-news", url: "https://acme.example/news.xml", clientId: "acme" }, "ana", "create");
    await saveEntity(deps, "feed", { id: "wire", url: "https://wire.example/rss" }, "ana", "create");
    await removeEntity(deps, "feed", "acme-news", "ana");
    await revokeRole(deps, { email: "amy@acme.example", role: "approver", clientId: "acme" }, "ana");
    const byTarget = workspace.entries.map((e) => [e.summary.split(" ")[0], e.targetId, e.clientIds]);
    expect(byTarget.slice(0, 6).reverse()).toEqual([
      ["made", "lee@agency.example", ["acme"]],
      ["made", "amy@acme.example", ["acme"]],
      ["added", "acme-news", ["acme"]],
      ["added", "wire", []],
      ["removed", "acme-news", ["acme"]],
      ["took", "amy@acme.example", ["acme"]],
    ]);
  });
});

describe("importing people's grants", () => {
  it("refuses an approver grant (approvers belong on the client) and a lead of a client nobody has", async () => {
    const { deps } = await setup();
    expect(() => parseWorkspaceFile({ clients: [], feeds: [], people: [{ email: "a@x.example", grants: [{ role: "approver", clientId: "acme" }] }] })).toThrow(/approvers of client acme/);
    const file = parseWorkspaceFile({ clients: [], feeds: [], people: [{ email: "a@x.example", grants: [{ role: "lead", clientId: "nobody" }] }] });
    await expect(importWorkspace(deps, file, "import")).rejects.toMatchObject({ field: "people" });
    // A lead of a client the workspace has (not in the file) is fine: an import is an upsert.
    const ok = parseWorkspaceFile({ clients: [], feeds: [], people: [{ email: "a@x.example", grants: [{ role: "lead", clientId: "acme" }] }] });
    await expect(importWorkspace(deps, ok, "import")).resolves.toMatchObject({ created: ["person a@x.example"] });
  });
});

describe("removing a client with more dependants than one transaction holds", () => {
  it("takes them away in earlier commits and the client in the last, every commit within the limit", async () => {
    const { workspace, deps } = await setup();
    for (let i = 0; i < 150; i++) await saveEntity(deps, "feed", { id: `acme-${i}`, url: `https://acme.example/${i}.xml`, clientId: "acme" }, "cli", "create");
    workspace.commits = [];
    expect((await removeEntity(deps, "client", "acme", "cli")).status).toBe("removed");
    expect(workspace.commits.map((c) => c.length)).toEqual([52, 99]);
    expect(workspace.commits.at(-1)!.at(-1)).toMatchObject({ op: "remove", kind: "client", id: "acme" });
    const ws = await workspace.load();
    expect([ws.clients.length, ws.feeds.length]).toEqual([0, 0]);
  });
});

describe("mergePlanning", () => {
  it("keeps every client planned (a replan and a redelivered plan racing), with the first time", () => {
    const a = { plannedAt: "2026-12-07T12:00:00.000Z", clientIds: ["acme"], planIds: ["p_acme"] };
    const b = { plannedAt: "2026-12-07T12:05:00.000Z", clientIds: ["globex", "acme"], planIds: ["p_globex", "p_acme"] };
    expect(mergePlanning(a, b)).toEqual({ plannedAt: a.plannedAt, clientIds: ["acme", "globex"], planIds: ["p_acme", "p_globex"] });
    expect(mergePlanning(b, a)).toEqual({ plannedAt: a.plannedAt, clientIds: ["globex", "acme"], planIds: ["p_globex", "p_acme"] });
    expect(mergePlanning(null, a)).toEqual(a);
  });
});

function entry(): WorkspaceLogEntry {
  return { id: Math.random().toString(16).slice(2), at: clock.now().toISOString(), actor: "cli", action: "media-list-import", kind: "media-list", targetId: "acme", summary: "imported", changes: [] };
}

describe("an import whose second chunk loses a race", () => {
  it("is retried, and still reports the items the first chunk created as created", async () => {
    const workspace = new InterleavingStore();
    const deps = { workspace, clock };
    const clients = Array.from({ length: 120 }, (_, i) => ({ ...ACME, id: `c${i}`, name: `Client ${i}` }));
    const file = parseWorkspaceFile({ clients, feeds: [] });
    // The first chunk commits; the second loses a race once (a conflict), so the import runs again from a fresh read.
    const realCommit = workspace.commit.bind(workspace);
    let calls = 0;
    workspace.commit = async (writes, e) => {
      calls++;
      if (calls === 2) throw new WorkspaceConflictError("moved");
      return realCommit(writes, e);
    };
    const summary = await importWorkspace(deps, file, "import");
    expect(summary.created).toHaveLength(120);
    expect(summary.unchanged).toBe(0);
    expect((await workspace.load()).clients).toHaveLength(120);
  });
});
