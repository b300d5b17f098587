import { randomBytes } from "node:crypto";
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import {
  EMPTY_WORKSPACE,
  WorkspaceConflictError,
  entityKey,
  parseEntity,
  type ClientConfig,
  type FeedConfig,
  type Person,
  type StoredContact,
  type StoredMediaList,
  type Workspace,
  type WorkspaceKind,
  type WorkspaceLogEntry,
  type WorkspaceStore,
  type WorkspaceWrite,
} from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

const SK_PREFIX: Record<WorkspaceKind, string> = { client: "CLIENT#", feed: "FEED#", person: "PERSON#", settings: "SETTINGS" };

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
export class DynamoWorkspaceStore extends DynamoTable implements WorkspaceStore {
  /** The last workspace read, with the revision META had then. */
  private cached: { revision: number; workspace: Workspace } | undefined;

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
    for (const item of items) {
      if (item.SK === "META") {
        seededAt = item.seededAt as string;
        continue;
      }
      const kind = item.kind as WorkspaceKind;
      const value: unknown = JSON.parse(item.data as string);
      versions.set(entityKey(kind, item.entityId as string), item.version as number);
      // Parsed again: a field added to the schema since the item was written gets its default.
      if (kind === "client") clients.push(parseEntity("client", value));
      else if (kind === "feed") feeds.push(parseEntity("feed", value));
      else if (kind === "person") people.push(parseEntity("person", value));
      else settings = parseEntity("settings", value);
    }
    return { clients, feeds, people, settings, versions, seededAt };
  }

  async commit(writes: readonly WorkspaceWrite[], entry: WorkspaceLogEntry): Promise<void> {
    if (writes.length === 0) return;
    if (writes.length > 99) throw new Error(`a workspace commit holds at most 99 writes, got ${writes.length}`);
    const TransactItems: object[] = writes.map((w) => {
      const id = w.op === "put" ? w.entity.id : w.id;
      const kind = w.op === "put" ? w.entity.kind : w.kind;
      const Key = keys.workspaceEntity(SK_PREFIX[kind], kind === "settings" ? "" : id);
      if (w.op === "remove") {
        return { Delete: { TableName: this.tableName, Key, ConditionExpression: "version = :v", ExpressionAttributeValues: { ":v": w.expectedVersion } } };
      }
      const Item = {
        ...Key,
        type: "WorkspaceEntity",
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

  async mediaList(clientId: string): Promise<StoredMediaList | undefined> {
    const meta = await this.mediaListMeta(clientId);
    if (meta === undefined) return undefined;
    const items = await this.queryPrefix(keys.mediaList(clientId), `C#${meta.generation}#`);
    return {
      clientId,
      source: meta.source as string,
      importedAt: meta.importedAt as string,
      importedBy: meta.importedBy as string,
      contacts: items.map((i) => JSON.parse(i.contact as string) as StoredContact),
    };
  }

  private async mediaListMeta(clientId: string): Promise<Item | undefined> {
    const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: { PK: keys.mediaList(clientId), SK: "META" }, ConsistentRead: true }));
    return res.Item;
  }

  async putMediaList(list: StoredMediaList, entry: WorkspaceLogEntry): Promise<void> {
    const meta = await this.mediaListMeta(list.clientId);
    const old = meta?.generation as string | number | undefined;
    // Unique per write, never a counter: two imports racing must not write (or, the loser, delete) the same items.
    const generation = `${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
    const pk = keys.mediaList(list.clientId);
    await this.batchPut(list.contacts.map((c) => ({ PK: pk, SK: `C#${generation}#${c.emailSha256}`, type: "MediaContact", contact: JSON.stringify(c) })));
    const moved = await this.tryWrite(
      "TransactWriteItems",
      new TransactWriteCommand({
        TransactItems: [
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
      await this.deleteGeneration(list.clientId, generation);
      throw new WorkspaceConflictError(`the media list of ${list.clientId} was replaced by someone else meanwhile; import it again`);
    }
    if (old !== undefined) await this.deleteGeneration(list.clientId, old);
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
    await this.deleteGeneration(clientId, meta.generation as string | number);
    return true;
  }

  private async deleteGeneration(clientId: string, generation: string | number): Promise<void> {
    const items = await this.queryPrefix(keys.mediaList(clientId), `C#${generation}#`);
    await this.batchDelete(items.map((i) => ({ PK: i.PK as string, SK: i.SK as string })));
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
