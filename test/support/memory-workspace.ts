import {
  EMPTY_WORKSPACE,
  WorkspaceConflictError,
  entityKey,
  parseConfig,
  type PressbridgeConfig,
  type StoredMediaList,
  type Workspace,
  type WorkspaceLogEntry,
  type WorkspaceStore,
  type WorkspaceWrite,
  writeTarget,
} from "@pressbridge/core";

/**
 * The WorkspaceStore port in memory, with the same version checks as DynamoWorkspaceStore, for unit
 * tests of what reads the workspace. `memoryWorkspace(config)` starts from a config.
 */
export class MemoryWorkspaceStore implements WorkspaceStore {
  ws: Workspace = { ...EMPTY_WORKSPACE, versions: new Map() };
  readonly entries: WorkspaceLogEntry[] = [];
  readonly lists = new Map<string, StoredMediaList>();

  async load(): Promise<Workspace> {
    return structuredClone(this.ws);
  }

  async commit(writes: readonly WorkspaceWrite[], entry: WorkspaceLogEntry): Promise<void> {
    const versions = new Map(this.ws.versions);
    for (const w of writes) {
      const target = writeTarget(w);
      const key = entityKey(target.kind, target.id);
      if (versions.get(key) !== w.expectedVersion) throw new WorkspaceConflictError(`${key} moved`);
    }
    let next: Workspace = { ...this.ws, versions };
    for (const w of writes) {
      const { kind, id } = writeTarget(w);
      const key = entityKey(kind, id);
      if (w.op === "touch") {
        versions.set(key, w.expectedVersion + 1);
        continue;
      }
      if (w.op === "remove") {
        versions.delete(key);
        if (kind === "client") next = { ...next, clients: next.clients.filter((c) => c.id !== id) };
        if (kind === "feed") next = { ...next, feeds: next.feeds.filter((f) => f.id !== id) };
        if (kind === "person") next = { ...next, people: next.people.filter((p) => p.email !== id) };
        continue;
      }
      versions.set(key, (w.expectedVersion ?? 0) + 1);
      const e = w.entity;
      if (e.kind === "client") next = { ...next, clients: [...next.clients.filter((c) => c.id !== id), e.value] };
      if (e.kind === "feed") next = { ...next, feeds: [...next.feeds.filter((f) => f.id !== id), e.value] };
      if (e.kind === "person") next = { ...next, people: [...next.people.filter((p) => p.email !== id), e.value] };
      if (e.kind === "settings") next = { ...next, settings: e.value };
    }
    this.ws = next;
    this.entries.unshift(entry);
  }

  async log(options: { limit: number; before?: string }): Promise<WorkspaceLogEntry[]> {
    return this.entries.filter((e) => options.before === undefined || `${e.at}#${e.id}` < options.before).slice(0, options.limit);
  }

  async mediaList(clientId: string): Promise<StoredMediaList | undefined> {
    return this.lists.get(clientId);
  }

  async putMediaList(list: StoredMediaList, entry: WorkspaceLogEntry, options: { ifAbsent?: boolean } = {}): Promise<void> {
    if (!this.ws.clients.some((c) => c.id === list.clientId)) throw new WorkspaceConflictError(`client ${list.clientId} is gone`);
    if (options.ifAbsent === true && this.lists.has(list.clientId)) throw new WorkspaceConflictError(`the media list of ${list.clientId} was imported meanwhile`);
    this.lists.set(list.clientId, structuredClone(list));
    this.entries.unshift(entry);
  }

  async deleteMediaList(clientId: string, entry: WorkspaceLogEntry): Promise<boolean> {
    if (!this.lists.delete(clientId)) return false;
    this.entries.unshift(entry);
    return true;
  }

  async markSeeded(at: string): Promise<boolean> {
    if (this.ws.seededAt !== undefined) return false;
    this.ws = { ...this.ws, seededAt: at };
    return true;
  }
}

/** A workspace holding exactly a config's clients, feeds and settings. */
export function memoryWorkspace(config: PressbridgeConfig | Record<string, unknown>): MemoryWorkspaceStore {
  const parsed = parseConfig(config);
  const store = new MemoryWorkspaceStore();
  const versions = new Map<string, number>();
  for (const c of parsed.clients) versions.set(entityKey("client", c.id), 1);
  for (const f of parsed.feeds) versions.set(entityKey("feed", f.id), 1);
  versions.set(entityKey("settings", "workspace"), 1);
  store.ws = { clients: parsed.clients, feeds: parsed.feeds, people: [], settings: { audit: parsed.audit, security: parsed.security }, versions, seededAt: "2026-01-01T00:00:00.000Z" };
  return store;
}
