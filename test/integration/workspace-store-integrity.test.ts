import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoPlanStore, DynamoReleaseStore, DynamoWorkspaceStore, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { readMediaListCsv, removeEntity, saveEntity, type Logger, type WorkspaceLogEntry } from "@pressbridge/core";
import { newRelease } from "../support/releases.ts";

/**
 * The workspace store's integrity on DynamoDB Local: one unreadable item never stops every reader,
 * a feed added while its client is removed cannot outlive it (the client's version is touched),
 * media lists leave no orphan generations and are never read half-swapped, and a release's planning
 * is merged, never overwritten.
 */
let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let workspace: DynamoWorkspaceStore;
const errors: Array<{ message: string; fields: unknown }> = [];
const logger = { debug() {}, info() {}, warn() {}, error: (message: string, fields?: unknown) => errors.push({ message, fields }) } as unknown as Logger;
const clock = { now: () => new Date() };
const ACME = { id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"], keywords: ["Acme"] };
const CSV = (n: number, tag = "a") => `name,email,outlet,beat,x_handle\n${Array.from({ length: n }, (_, i) => `J ${i},j${i}.${tag}@paper.example,Paper,tech,`).join("\n")}\n`;

beforeEach(async () => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `wsint-${randomUUID()}`;
  await ensureTable(client, tableName);
  workspace = new DynamoWorkspaceStore({ client, tableName, logger });
  errors.length = 0;
});
afterEach(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

const deps = () => ({ workspace, clock });
const put = (Item: Record<string, unknown>) => client.send(new PutCommand({ TableName: tableName, Item }));
const entry = (targetId: string): WorkspaceLogEntry => ({ id: randomUUID(), at: new Date().toISOString(), actor: "test", action: "media-list-import", kind: "media-list", targetId, summary: "imported", changes: [] });

describe("reading a workspace that holds items it cannot read", () => {
  it("leaves out a corrupt, an unknown-kind and a newer-schema item, logs each, and a save of the same id replaces it", async () => {
    await saveEntity(deps(), "client", ACME, "cli", "create");
    await put({ PK: "WORKSPACE", SK: "CLIENT#broken", type: "WorkspaceEntity", kind: "client", entityId: "broken", data: "{not json", version: 1 });
    await put({ PK: "WORKSPACE", SK: "WIDGET#w1", type: "WorkspaceEntity", kind: "widget", entityId: "w1", data: "{}", version: 1 });
    await put({ PK: "WORKSPACE", SK: "FEED#future", type: "WorkspaceEntity", schema: 99, kind: "feed", entityId: "future", data: JSON.stringify({ id: "future", url: "https://x.example/f.xml" }), version: 3 });
    const fresh = new DynamoWorkspaceStore({ client, tableName, logger });
    const ws = await fresh.load();
    expect(ws.clients.map((c) => c.id)).toEqual(["acme"]);
    expect(ws.feeds).toEqual([]);
    expect(ws.unreadable?.map((u) => [u.kind, u.id])).toEqual([
      ["client", "broken"],
      ["feed", "future"],
      ["widget", "w1"],
    ]);
    expect(ws.unreadable?.find((u) => u.id === "future")?.reason).toMatch(/newer version/);
    expect(errors).toHaveLength(3);
    // Saving the broken client's id again replaces the bad item (its version was read).
    await saveEntity({ workspace: fresh, clock }, "client", { ...ACME, id: "broken", name: "Broken Ltd" }, "cli", "create");
    const after = await fresh.load();
    expect(after.clients.map((c) => c.id).sort()).toEqual(["acme", "broken"]);
    expect(after.unreadable?.map((u) => u.id)).toEqual(["future", "w1"]);
  });
});

describe("a feed added while its client is removed (two writers, two stores)", () => {
  it("makes the removal read again, so the feed goes with the client", async () => {
    await saveEntity(deps(), "client", ACME, "cli", "create");
    const remover = new DynamoWorkspaceStore({ client, tableName });
    const adder = new DynamoWorkspaceStore({ client, tableName });
    const realLoad = remover.load.bind(remover);
    let interleaved = false;
    remover.load = async () => {
      const ws = await realLoad();
      if (!interleaved) {
        interleaved = true;
        await saveEntity({ workspace: adder, clock }, "feed", { id: "acme-news", url: "https://acme.example/news.xml", clientId: "acme" }, "ana", "create");
      }
      return ws;
    };
    await removeEntity({ workspace: remover, clock }, "client", "acme", "cli");
    const ws = await new DynamoWorkspaceStore({ client, tableName }).load();
    expect([ws.clients.length, ws.feeds.length]).toEqual([0, 0]);
  });

  it("refuses a media list for a client removed meanwhile, leaving no contacts behind", async () => {
    await saveEntity(deps(), "client", ACME, "cli", "create");
    const list = readMediaListCsv(CSV(3), "acme", "l.csv", "cli", new Date().toISOString()).list;
    await removeEntity(deps(), "client", "acme", "cli");
    await expect(workspace.putMediaList(list, entry("acme"))).rejects.toMatchObject({ name: "WorkspaceConflictError" });
    expect(await workspace.queryPrefix("MEDIALIST#acme", "")).toEqual([]);
  });
});

describe("media list generations", () => {
  it("a put `ifAbsent` (the importer read no list) is refused once another import wrote one, and leaves nothing behind", async () => {
    await saveEntity(deps(), "client", ACME, "cli", "create");
    // Two importers (two cold seeders) both read "no list"; the first writes it.
    expect(await workspace.mediaList("acme")).toBeUndefined();
    await workspace.putMediaList(readMediaListCsv(CSV(2), "acme", "l.csv", "a", new Date().toISOString()).list, entry("acme"), { ifAbsent: true });
    const second = readMediaListCsv(CSV(2), "acme", "l.csv", "b", new Date().toISOString()).list;
    await expect(workspace.putMediaList(second, entry("acme"), { ifAbsent: true })).rejects.toMatchObject({ name: "WorkspaceConflictError" });
    expect((await workspace.mediaList("acme"))?.importedBy).toBe("a");
    expect((await workspace.log({ limit: 10 })).filter((e) => e.action === "media-list-import")).toHaveLength(1);
    const generations = new Set((await workspace.queryPrefix("MEDIALIST#acme", "C#")).map((i) => String(i.SK).split("#")[1]));
    expect(generations.size).toBe(1);
  });

  it("a delete removes every generation, and an import removes old half-written ones but not a young one", async () => {
    await saveEntity(deps(), "client", ACME, "cli", "create");
    await workspace.putMediaList(readMediaListCsv(CSV(2), "acme", "l.csv", "cli", new Date().toISOString()).list, entry("acme"));
    // Left by imports that stopped half-way: one an hour ago, one a second ago (maybe still running).
    const old = `${(Date.now() - 3_600_000).toString(36)}deadbeef`;
    const young = `${(Date.now() - 1_000).toString(36)}cafef00d`;
    await put({ PK: "MEDIALIST#acme", SK: `C#${old}#aaa`, type: "MediaContact", contact: "{}" });
    await put({ PK: "MEDIALIST#acme", SK: `C#${young}#bbb`, type: "MediaContact", contact: "{}" });
    await workspace.putMediaList(readMediaListCsv(CSV(3, "b"), "acme", "l2.csv", "cli", new Date().toISOString()).list, entry("acme"));
    const items = await workspace.queryPrefix("MEDIALIST#acme", "C#");
    const generations = [...new Set(items.map((i) => String(i.SK).split("#")[1]))];
    expect(generations).toHaveLength(2);
    expect(generations).toContain(young);
    expect((await workspace.mediaList("acme"))?.contacts).toHaveLength(3);

    expect(await workspace.deleteMediaList("acme", entry("acme"))).toBe(true);
    expect(await workspace.queryPrefix("MEDIALIST#acme", "")).toEqual([]);
  });

  it("a read that meets a swap half-way reads the new list whole, never a part of the old one", async () => {
    await saveEntity(deps(), "client", ACME, "cli", "create");
    await workspace.putMediaList(readMediaListCsv(CSV(40), "acme", "old.csv", "cli", new Date().toISOString()).list, entry("acme"));
    const writer = new DynamoWorkspaceStore({ client, tableName });
    const realQuery = workspace.queryPrefix.bind(workspace);
    let swapped = false;
    // The reader has read META (old generation); the whole swap (new list, META moved, old deleted) happens before its query.
    workspace.queryPrefix = async (pk: string, prefix: string) => {
      if (!swapped && prefix.startsWith("C#")) {
        swapped = true;
        await writer.putMediaList(readMediaListCsv(CSV(7, "new"), "acme", "new.csv", "cli", new Date().toISOString()).list, entry("acme"));
      }
      return realQuery(pk, prefix);
    };
    const read = await workspace.mediaList("acme");
    expect(swapped).toBe(true);
    expect(read?.source).toBe("new.csv");
    expect(read?.contacts).toHaveLength(7);
  });
});

describe("a release's planning record", () => {
  it("is merged: a replan for one client and a plan for another, racing, both stay", async () => {
    const releases = new DynamoReleaseStore({ client, tableName });
    const plans = new DynamoPlanStore({ client, tableName });
    await releases.createRelease(newRelease("r1", "2026-12-07T12:00:00.000Z"));
    await Promise.all([
      plans.recordReleasePlanning("r1", { plannedAt: "2026-12-07T12:01:00.000Z", clientIds: ["acme"], planIds: ["p_acme"] }),
      plans.recordReleasePlanning("r1", { plannedAt: "2026-12-07T12:02:00.000Z", clientIds: ["globex"], planIds: ["p_globex"] }),
    ]);
    const planning = (await releases.getRelease("r1"))!.planning!;
    expect([...planning.clientIds].sort()).toEqual(["acme", "globex"]);
    expect(planning.planIds.sort()).toEqual(["p_acme", "p_globex"]);
    expect(planning.plannedAt).toBe("2026-12-07T12:01:00.000Z");
    // A "matched no client" record does not erase a client's plan either.
    await plans.recordReleasePlanning("r1", { plannedAt: "2026-12-07T12:03:00.000Z", clientIds: [], planIds: [] });
    expect((await releases.getRelease("r1"))!.planning!.clientIds).toHaveLength(2);
  });
});
