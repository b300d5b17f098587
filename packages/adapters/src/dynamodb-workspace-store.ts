import { randomBytes } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import {
  EMPTY_WORKSPACE,
  WorkspaceConflictError,
  entityKey,
  parseEntity,
  silentLogger,
  writeTarget,
  type ClientConfig,
  type FeedConfig,
  type Logger,
  type Person,
  type StoredContact,
  type StoredMediaList,
  type Workspace,
  type WorkspaceKind,
  type WorkspaceLogEntry,
  type WorkspaceStore,
  type WorkspaceWrite,
} from "@pressbridge/core";
import type { RequestCounter } from "./dynamodb-client.ts";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

const SK_PREFIX: Record<WorkspaceKind, string> = { client: "CLIENT#", feed: "FEED#", person: "PERSON#", settings: "SETTINGS" };
const KINDS = new Set<string>(Object.keys(SK_PREFIX));

/**
 * The layout of a workspace item this code writes. An item of a higher schema was written by a
 * newer Pressbridge (a deploy rolling out, or rolled back): this one leaves it out and says so
 * rather than misreading it.
 */
export const WORKSPACE_SCHEMA = 1;

/**
 * A generation of a media list that is not the current one and older than this was left by an
 * import that stopped half-way (its META never moved to it): the next import deletes it. A younger
 * one may be an import still in progress.
 */
const STALE_GENERATION_MS = 15 * 60_000;

/** Reads of a media list that met a swap half-way before giving up (each one re-reads from META). */
const MEDIA_LIST_READS = 5;

/**
 * The workspace on the one table (docs/data-model.md, "Workspace"):
 * - `WORKSPACE` partition: one item per client (`CLIENT#<id>`), feed (`FEED#<id>`), person
 *   (`PERSON#<email>`), the settings (`SETTINGS`), each with its value as JSON and a version every
 *   write is conditional on; and `META`: when it was seeded, and a revision every commit moves. One
 *   query reads it all; a reader whose copy has the current revision reads only META.
 * - `WSLOG`: the log of changes (people's edits: small), `<at>#<id>`, written in the same transaction
 *   as the change.
 * - `MEDIALIST#<client>`: `META` (the current generation, source, who imported it when) and one item
 *   per contact `C#<generation>#<emailSha256>`; an import writes a new generation (a unique id), then
 *   moves META to it in one write conditional on the generation it read, then deletes the old one;
 *   an import that lost that race deletes only its own.
 */
/** When a generation was made: its id starts with the time in base 36 (older numeric ones read as 0: stale). */
function generationTime(generation: string): number {
  const t = parseInt(generation.slice(0, 8), 36);
  return /^[0-9a-z]{8}/.test(generation) && Number.isFinite(t) ? t : 0;
}

export class DynamoWorkspaceStore extends DynamoTable implements WorkspaceStore {
  /** The last workspace read, with the revision META had then. */
  private cached: { revision: number; workspace: Workspace } | undefined;
  private readonly logger: Logger;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string; counter?: RequestCounter; logger?: Logger }) {
    super(options);
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * The workspace, read-only. Every commit moves META's revision in its transaction, so a load
   * whose revision is the one already read costs one GetItem instead of the whole partition.
   */
  async load(): Promise<Workspace> {
    const meta = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: { PK: keys.workspace(), SK: "META" }, ConsistentRead: true }));
    const revision = (meta.Item?.revision as number | undefined) ?? 0;
    if (this.cached !== undefined && this.cached.revision === revision && meta.Item?.seededAt === this.cached.workspace.seededAt) return this.cached.workspace;
    const workspace = await this.readAll();
    this.cached = { revision, workspace };
    return workspace;
  }

  private async readAll(): Promise<Workspace> {
    const items = await this.queryPrefix(keys.workspace(), "");
    const clients: ClientConfig[] = [];
    const feeds: FeedConfig[] = [];
    const people: Person[] = [];
    let settings = EMPTY_WORKSPACE.settings;
    let seededAt: string | undefined;
    const versions = new Map<string, number>();
    const unreadable: NonNullable<Workspace["unreadable"]> = [];
    for (const item of items) {
      if (item.SK === "META") {
        seededAt = item.seededAt as string;
        continue;
      }
      const kind = String(item.kind);
      const id = String(item.entityId ?? item.SK);
      if (KINDS.has(kind) && typeof item.version === "number") versions.set(entityKey(kind as WorkspaceKind, id), item.version);
      // One item that cannot be read is left out (and said so), never the whole workspace.
      try {
        const schema = (item.schema as number | undefined) ?? 1;
        if (schema > WORKSPACE_SCHEMA) throw new Error(`written by a newer version of Pressbridge (schema ${schema})`);
        if (!KINDS.has(kind)) throw new Error(`unknown kind "${kind}"`);
        const value: unknown = JSON.parse(item.data as string);
        // Parsed again: a field added to the schema since the item was written gets its default.
        if (kind === "client") clients.push(parseEntity("client", value));
        else if (kind === "feed") feeds.push(parseEntity("feed", value));
        else if (kind === "person") people.push(parseEntity("person", value));
        else settings = parseEntity("settings", value);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        unreadable.push({ kind, id, reason });
        this.logger.error("a workspace item could not be read; it is left out", { kind, id, reason });
      }
    }
    return { clients, feeds, people, settings, versions, seededAt, ...(unreadable.length > 0 ? { unreadable } : {}) };
  }

  async commit(writes: readonly WorkspaceWrite[], entry: WorkspaceLogEntry): Promise<void> {
    if (writes.length === 0) return;
    if (writes.length > 99) throw new Error(`a workspace commit holds at most 99 writes, got ${writes.length}`);
    const TransactItems: object[] = writes.map((w) => {
      const { kind, id } = writeTarget(w);
      const Key = keys.workspaceEntity(SK_PREFIX[kind], kind === "settings" ? "" : id);
      if (w.op === "touch") {
        return { Update: { TableName: this.tableName, Key, UpdateExpression: "ADD version :one", ConditionExpression: "version = :v", ExpressionAttributeValues: { ":v": w.expectedVersion, ":one": 1 } } };
      }
      if (w.op === "remove") {
        return { Delete: { TableName: this.tableName, Key, ConditionExpression: "version = :v", ExpressionAttributeValues: { ":v": w.expectedVersion } } };
      }
      const Item = {
        ...Key,
        type: "WorkspaceEntity",
        schema: WORKSPACE_SCHEMA,
        kind,
        entityId: id,
        data: JSON.stringify(w.entity.value),
        version: (w.expectedVersion ?? 0) + 1,
        updatedAt: entry.at,
        updatedBy: entry.actor,
      };
      return w.expectedVersion === undefined
        ? { Put: { TableName: this.tableName, Item, ConditionExpression: "attribute_not_exists(PK)" } }
        : { Put: { TableName: this.tableName, Item, ConditionExpression: "version = :v", ExpressionAttributeValues: { ":v": w.expectedVersion } } };
    });
    TransactItems.push({ Put: { TableName: this.tableName, Item: this.logItem(entry), ConditionExpression: "attribute_not_exists(PK)" } });
    TransactItems.push(this.revisionBump());
    const written = await this.tryWrite("TransactWriteItems", new TransactWriteCommand({ TransactItems: TransactItems as never }));
    if (!written) throw new WorkspaceConflictError("the workspace was changed by someone else meanwhile; reload and try again");
  }

  /** Moves META's revision, which tells every reader that its copy is old. */
  private revisionBump(): object {
    return {
      Update: {
        TableName: this.tableName,
        Key: { PK: keys.workspace(), SK: "META" },
        UpdateExpression: "SET #type = :type ADD revision :one",
        ExpressionAttributeNames: { "#type": "type" },
        ExpressionAttributeValues: { ":one": 1, ":type": "WorkspaceMeta" },
      },
    };
  }

  private logItem(entry: WorkspaceLogEntry): Item {
    return { PK: keys.workspaceLog(), SK: `${entry.at}#${entry.id}`, type: "WorkspaceLog", entry: JSON.stringify(entry) };
  }

  async log(options: { limit: number; before?: string }): Promise<WorkspaceLogEntry[]> {
    const res = await this.send<{ Items?: Item[] }>(
      "Query",
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "PK = :pk AND SK < :before",
        ExpressionAttributeValues: { ":pk": keys.workspaceLog(), ":before": options.before ?? "\uffff" },
        ScanIndexForward: false,
        Limit: options.limit,
      }),
    );
    return (res.Items ?? []).map((item) => JSON.parse(item.entry as string) as WorkspaceLogEntry);
  }

  /**
   * The current list. An import moves META before it deletes the old generation, so a read whose
   * META is unchanged after its query read the whole of one generation; one that met a swap reads
   * again from the new META.
   */
  async mediaList(clientId: string): Promise<StoredMediaList | undefined> {
    let meta = await this.mediaListMeta(clientId);
    for (let read = 1; meta !== undefined; read++) {
      const items = await this.queryPrefix(keys.mediaList(clientId), `C#${meta.generation}#`);
      const after = await this.mediaListMeta(clientId);
      if (after?.generation === meta.generation || read >= MEDIA_LIST_READS) {
        return {
          clientId,
          source: meta.source as string,
          importedAt: meta.importedAt as string,
          importedBy: meta.importedBy as string,
          contacts: items.map((i) => JSON.parse(i.contact as string) as StoredContact),
        };
      }
      meta = after;
    }
    return undefined;
  }

  private async mediaListMeta(clientId: string): Promise<Item | undefined> {
    const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: { PK: keys.mediaList(clientId), SK: "META" }, ConsistentRead: true }));
    return res.Item;
  }

  async putMediaList(list: StoredMediaList, entry: WorkspaceLogEntry, options: { ifAbsent?: boolean } = {}): Promise<void> {
    const meta = await this.mediaListMeta(list.clientId);
    if (options.ifAbsent === true && meta !== undefined) throw new WorkspaceConflictError(`the media list of ${list.clientId} was imported meanwhile; import it again`);
    const old = meta?.generation as string | number | undefined;
    // Unique per write, never a counter: two imports racing must not write (or, the loser, delete) the same items.
    const generation = `${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
    const pk = keys.mediaList(list.clientId);
    await this.batchPut(list.contacts.map((c) => ({ PK: pk, SK: `C#${generation}#${c.emailSha256}`, type: "MediaContact", contact: JSON.stringify(c) })));
    const moved = await this.tryWrite(
      "TransactWriteItems",
      new TransactWriteCommand({
        TransactItems: [
          // Only a client the workspace has gets a list: one removed meanwhile must not be given one.
          { ConditionCheck: { TableName: this.tableName, Key: keys.workspaceEntity(SK_PREFIX.client, list.clientId), ConditionExpression: "attribute_exists(PK)" } },
          {
            Put: {
              TableName: this.tableName,
              Item: { PK: pk, SK: "META", type: "MediaList", generation, source: list.source, importedAt: list.importedAt, importedBy: list.importedBy, contacts: list.contacts.length },
              ...(old === undefined ? { ConditionExpression: "attribute_not_exists(PK)" } : { ConditionExpression: "generation = :old", ExpressionAttributeValues: { ":old": old } }),
            },
          },
          { Put: { TableName: this.tableName, Item: this.logItem(entry), ConditionExpression: "attribute_not_exists(PK)" } },
        ],
      }),
    );
    if (!moved) {
      await this.deleteGenerations(list.clientId, (g) => g === String(generation));
      throw new WorkspaceConflictError(`the media list of ${list.clientId} was replaced or its client removed meanwhile; import it again`);
    }
    // The list replaced, and any left by an import that stopped half-way long enough ago.
    const staleBefore = Date.now() - STALE_GENERATION_MS;
    await this.deleteGenerations(list.clientId, (g) => g !== generation && (g === String(old) || generationTime(g) < staleBefore));
  }

  async deleteMediaList(clientId: string, entry: WorkspaceLogEntry): Promise<boolean> {
    const meta = await this.mediaListMeta(clientId);
    if (meta === undefined) return false;
    const deleted = await this.tryWrite(
      "TransactWriteItems",
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: { PK: keys.mediaList(clientId), SK: "META" }, ConditionExpression: "generation = :g", ExpressionAttributeValues: { ":g": meta.generation } } },
          { Put: { TableName: this.tableName, Item: this.logItem(entry), ConditionExpression: "attribute_not_exists(PK)" } },
        ],
      }),
    );
    if (!deleted) throw new WorkspaceConflictError(`the media list of ${clientId} was replaced meanwhile; delete it again`);
    // Every generation: the current one, and any an import left half-way.
    await this.deleteGenerations(clientId, () => true);
    return true;
  }

  /** Deletes the contacts of the generations `which` picks (a generation is the text between `C#` and the next `#`). */
  private async deleteGenerations(clientId: string, which: (generation: string) => boolean): Promise<void> {
    const items = await this.queryPrefix(keys.mediaList(clientId), "C#");
    const doomed = items.filter((i) => which(String(i.SK).split("#")[1] ?? ""));
    await this.batchDelete(doomed.map((i) => ({ PK: i.PK as string, SK: i.SK as string })));
  }

  async markSeeded(at: string, by: string): Promise<boolean> {
    return this.tryWrite(
      "PutItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: keys.workspace(), SK: "META" },
        UpdateExpression: "SET #type = :type, seededAt = :at, seededBy = :by",
        ConditionExpression: "attribute_not_exists(seededAt)",
        ExpressionAttributeNames: { "#type": "type" },
        ExpressionAttributeValues: { ":type": "WorkspaceMeta", ":at": at, ":by": by },
      }),
    );
  }
}
