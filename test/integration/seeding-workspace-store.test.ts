import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  DynamoWorkspaceStore,
  SeedingWorkspaceStore,
  createDynamoClient,
  ensureTable,
  workspaceFileOf,
  type DeployFile,
} from "@pressbridge/adapters";
import { grantRole, revokeRole, saveEntity, systemClock, type Logger, type Workspace } from "@pressbridge/core";

/**
 * The AWS workspace's seed (docs/deploy.md, "The workspace and the deploy's config file"), against
 * DynamoDB Local: a deploy's file seeds a never-seeded workspace once, with its hashed media lists
 * and the first admin; concurrent cold starts seed it once; a later deploy's file changes nothing,
 * edits made in the app stay; a workspace without any admin gets the deploy's first admin back.
 */
let client: DynamoDBDocumentClient;
let tableName: string;
let dir: string;

const sha = (email: string) => createHash("sha256").update(email).digest("hex");
const ACME = { id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"], keywords: ["Acme"], mediaList: "media-lists/acme.json" };

/** A deploy's config layer: the file, and the hashed list beside it (what the synth ships). */
function deployFile(name: string, file: Record<string, unknown>): DeployFile {
  const layer = join(dir, name);
  mkdirSync(join(layer, "media-lists"), { recursive: true });
  writeFileSync(
    join(layer, "media-lists", "acme.json"),
    JSON.stringify({ source: "lists/journalists.csv", contacts: [{ emailSha256: sha("ana@trade.example"), outlet: "Trade Weekly" }, { emailSha256: sha("ben@daily.example") }] }),
  );
  writeFileSync(join(layer, "pressbridge.config.json"), JSON.stringify(file));
  return { describe: join(layer, "pressbridge.config.json"), read: () => workspaceFileOf(file, join(layer, "pressbridge.config.json")) };
}

const FIRST = {
  clients: [ACME],
  feeds: [{ id: "wire", url: "https://wire.example/rss" }],
  people: [{ email: "lead@agency.example", grants: [{ role: "lead", clientId: "acme" }] }],
};

function recordingLogger(): Logger & { infos: string[] } {
  const infos: string[] = [];
  return { infos, debug: () => {}, info: (m) => void infos.push(m), warn: () => {}, error: () => {} };
}

/** One cold container: its own table client and store, as each Lambda container has. */
function container(file: DeployFile | undefined, firstAdmin?: string) {
  const logger = recordingLogger();
  const raw = new DynamoWorkspaceStore({ client: createDynamoClient({ endpoint: inject("dynamoEndpoint") }), tableName });
  return { store: new SeedingWorkspaceStore({ store: raw, deployFile: file, firstAdmin, clock: systemClock, logger }), raw, logger };
}

const admins = (ws: Workspace) => ws.people.filter((p) => p.grants.some((g) => g.role === "admin")).map((p) => p.email);

beforeAll(() => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  dir = mkdtempSync(join(tmpdir(), "pb-seed-"));
});
beforeEach(async () => {
  tableName = `seed-${randomUUID()}`;
  await ensureTable(client, tableName);
});
afterAll(() => {
  client.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe("SeedingWorkspaceStore", () => {
  it("seeds a never-seeded workspace from the deploy's file: clients, feeds, people, the hashed media list, the first admin", async () => {
    const { store, logger } = container(deployFile("first", FIRST), "Ops@Agency.example");
    const ws = await store.load();
    expect(ws.seededAt).toBeDefined();
    expect(ws.clients.map((c) => c.id)).toEqual(["acme"]);
    expect(ws.clients[0]!.mediaList).toBeUndefined();
    expect(ws.feeds.map((f) => f.id)).toEqual(["wire"]);
    expect(ws.people.map((p) => p.email).sort()).toEqual(["lead@agency.example", "ops@agency.example"]);
    expect(admins(ws)).toEqual(["ops@agency.example"]);
    const list = await store.mediaList("acme");
    expect(list).toMatchObject({ source: "lists/journalists.csv", importedBy: "deploy" });
    expect(list!.contacts).toEqual([
      { emailSha256: sha("ana@trade.example"), outlet: "Trade Weekly", maskedEmail: "(hashed)" },
      { emailSha256: sha("ben@daily.example"), maskedEmail: "(hashed)" },
    ]);
    const log = await store.log({ limit: 10 });
    expect(new Set(log.map((e) => e.actor))).toEqual(new Set(["deploy"]));
    expect(log.map((e) => e.action).sort()).toEqual(["create", "import", "media-list-import"]);
    expect(logger.infos).toEqual(["workspace seeded from the deploy's config file"]);
  });

  it("seeds once when two cold containers load at the same moment", async () => {
    const file = deployFile("concurrent", FIRST);
    const a = container(file, "ops@agency.example");
    const b = container(file, "ops@agency.example");
    const [wa, wb] = await Promise.all([a.store.load(), b.store.load()]);
    expect(wa.clients.map((c) => c.id)).toEqual(["acme"]);
    expect(wb.clients.map((c) => c.id)).toEqual(["acme"]);
    expect(wb.seededAt).toBe(wa.seededAt);
    // One import, one media list generation, one admin grant: nothing written twice.
    const log = await a.store.log({ limit: 20 });
    expect(log.filter((e) => e.action === "import")).toHaveLength(1);
    expect(log.filter((e) => e.action === "media-list-import")).toHaveLength(1);
    expect(log.filter((e) => e.kind === "person" && e.actor === "deploy")).toHaveLength(1);
    const contacts = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: "PK = :pk AND begins_with(SK, :c)", ExpressionAttributeValues: { ":pk": "MEDIALIST#acme", ":c": "C#" } }));
    expect(contacts.Items).toHaveLength(2);
  });

  it("never seeds again: a later deploy's changed file changes nothing, and edits made in the app stay", async () => {
    await container(deployFile("v1", FIRST), "ops@agency.example").store.load();
    // In the app: a keyword changed, a second client added.
    const app = container(deployFile("v1", FIRST));
    await saveEntity({ workspace: app.store, clock: systemClock }, "client", { id: "acme", keywords: ["Acme", "Acme Robotics"] }, "ops@agency.example", "update");
    await saveEntity({ workspace: app.store, clock: systemClock }, "client", { id: "globex", name: "Globex", owner: "pr@globex.example", approvers: ["s@globex.example"] }, "ops@agency.example", "create");
    const before = await app.raw.load();

    const changed = { clients: [{ ...ACME, name: "Acme Renamed", keywords: ["Other"] }, { id: "initech", name: "Initech", owner: "o@initech.example", approvers: ["a@initech.example"] }], feeds: [] };
    const later = container(deployFile("v2", changed), "someone-else@agency.example");
    const ws = await later.store.load();
    await later.store.load();
    expect(ws.clients.map((c) => [c.id, c.name, c.keywords])).toEqual(before.clients.map((c) => [c.id, c.name, c.keywords]));
    expect(ws.clients.find((c) => c.id === "acme")!.keywords).toEqual(["Acme", "Acme Robotics"]);
    expect(ws.feeds.map((f) => f.id)).toEqual(["wire"]);
    expect(admins(ws)).toEqual(["ops@agency.example"]);
    expect(ws.seededAt).toBe(before.seededAt);
    // Told once per container, however often it loads.
    expect(later.logger.infos).toEqual(["the deploy's config file is ignored: the workspace is managed in the app"]);
  });

  it("a seeder that read the workspace before another container seeded it writes nothing over an edit made meanwhile", async () => {
    await container(deployFile("race", FIRST)).store.load();
    const app = container(deployFile("race", FIRST));
    await saveEntity({ workspace: app.store, clock: systemClock }, "client", { id: "acme", name: "Acme (edited)" }, "ops@agency.example", "update");
    // A slow container whose first read predates the seed: it sees the workspace as never seeded.
    const raw = new DynamoWorkspaceStore({ client, tableName });
    let stale = true;
    const slow = new SeedingWorkspaceStore({
      store: Object.assign(Object.create(raw) as DynamoWorkspaceStore, {
        load: async () => {
          const ws = await raw.load();
          if (!stale) return ws;
          stale = false;
          return { ...ws, seededAt: undefined };
        },
      }),
      deployFile: deployFile("race", FIRST),
      clock: systemClock,
      logger: recordingLogger(),
    });
    const ws = await slow.load();
    expect(ws.clients.find((c) => c.id === "acme")!.name).toBe("Acme (edited)");
  });

  it("grants the deploy's first admin again only when the workspace has no admin at all, removing no one", async () => {
    await container(deployFile("lock", FIRST), "ops@agency.example").store.load();
    // An admin exists: the setting changes nothing.
    const withAdmin = container(deployFile("lock", FIRST), "new-ops@agency.example");
    expect(admins(await withAdmin.store.load())).toEqual(["ops@agency.example"]);
    // The last admin loses the role (locked out): the next container's deploy setting recovers it.
    await revokeRole({ workspace: withAdmin.raw, clock: systemClock }, { email: "ops@agency.example", role: "admin" }, "ops@agency.example");
    expect(admins(await withAdmin.raw.load())).toEqual([]);
    const recovering = container(deployFile("lock", FIRST), "new-ops@agency.example");
    const ws = await recovering.store.load();
    expect(admins(ws)).toEqual(["new-ops@agency.example"]);
    expect(ws.people.map((p) => p.email).sort()).toEqual(["lead@agency.example", "new-ops@agency.example", "ops@agency.example"]);
    expect((await recovering.store.log({ limit: 1 }))[0]).toMatchObject({ actor: "deploy", kind: "person", targetId: "new-ops@agency.example" });
    // And the grant is the ordinary one: idempotent for the next container.
    await grantRole({ workspace: recovering.raw, clock: systemClock }, { email: "new-ops@agency.example", role: "admin" }, "deploy");
    expect(admins(await container(deployFile("lock", FIRST), "new-ops@agency.example").store.load())).toEqual(["new-ops@agency.example"]);
  });

  it("a deploy without a file still seeds (the first admin alone), so a file added later is ignored too", async () => {
    const first = container(undefined, "ops@agency.example");
    const ws = await first.store.load();
    expect(ws.seededAt).toBeDefined();
    expect(admins(ws)).toEqual(["ops@agency.example"]);
    const later = container(deployFile("late", FIRST));
    expect((await later.store.load()).clients).toEqual([]);
  });
});
