import { randomBytes } from "node:crypto";
import type { ClientConfig, FeedConfig, PressbridgeConfig } from "../config/config-schema.ts";
import { defaultAdLocations } from "../config/ad-locations.ts";
import { TransientError, ValidationError } from "../errors.ts";
import type { Clock, StoredContact, StoredMediaList, WorkspaceStore } from "../ports.ts";
import { hashEmailForAudience, normaliseEmail, parseMediaListCsv } from "../plans/briefs/media-list.ts";
import {
  checkLeadGrants,
  dedupeGrants,
  EditedMeanwhileError,
  entityKey,
  fieldChanges,
  orphanFeeds,
  parseEntity,
  PersonEmail,
  strictConfigOf,
  WorkspaceConflictError,
  type Grant,
  type Person,
  type Role,
  type Workspace,
  type WorkspaceEntity,
  type WorkspaceKind,
  type WorkspaceLogEntry,
  type WorkspaceSettings,
  type WorkspaceWrite,
} from "./workspace.ts";

/**
 * The workspace's use cases: every change a person makes (in the app or the CLI) and the config
 * file's import and export. Each reads the workspace, validates the whole result with the config's
 * own schema (so the table never holds what a config file could not), and commits the changed
 * entities with one log entry, conditional on the versions it read; a lost race is retried from a
 * fresh read (WRITE_ATTEMPTS), so two editors never overwrite each other blindly.
 */
export interface WorkspaceDeps {
  workspace: WorkspaceStore;
  clock: Clock;
}

const WRITE_ATTEMPTS = 5;
/** A commit holds at most this many entities (DynamoDB's 100-item transactions, less the log entry). */
export const COMMIT_LIMIT = 99;

export type EditResult<T> = { status: "created" | "updated" | "unchanged" | "removed"; value: T; entry: WorkspaceLogEntry | undefined };

function logEntry(deps: WorkspaceDeps, fields: Omit<WorkspaceLogEntry, "id" | "at">): WorkspaceLogEntry {
  return { id: randomBytes(8).toString("hex"), at: deps.clock.now().toISOString(), ...fields };
}

/**
 * Runs a read-validate-commit again from a fresh read when it lost a race: a version moved
 * (WorkspaceConflictError) or two transactions collided (TransientError), after a short random pause.
 */
async function withRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const lostRace = err instanceof WorkspaceConflictError || err instanceof TransientError;
      if (!lostRace || attempt >= WRITE_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80 * attempt));
    }
  }
}

/**
 * Validates the workspace a change would make as a whole (ids unique, feeds' clients exist, leads'
 * clients exist). A feed already orphaned before the change (left by older data) does not block
 * unrelated edits; it is shown on the feeds page for removal.
 */
function validateWhole(next: Workspace, changed: { kind: WorkspaceKind; id: string }, before: Workspace): void {
  const oldOrphans = new Set(orphanFeeds(before).map((f) => f.id));
  const ws = { ...next, feeds: next.feeds.filter((f) => !oldOrphans.has(f.id) || (changed.kind === "feed" && f.id === changed.id)) };
  checkLeadGrants(ws);
  try {
    strictConfigOf(ws);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    // "feeds[3].clientId: unknown client" → "clientId: unknown client" when it is the entity being written.
    const m = /^(clients|feeds)\[(\d+)\]\.?(.*)$/.exec(err.field);
    const list = m?.[1] === "clients" ? ws.clients : m?.[1] === "feeds" ? ws.feeds : undefined;
    const own = m !== null && list?.[Number(m[2])]?.id === changed.id && (m[1] === "clients") === (changed.kind === "client");
    if (own) throw new ValidationError(m![3] === "" ? "id" : m![3]!, err.message.slice(err.field.length + 2), { cause: err });
    throw err;
  }
}

function listOf(ws: Workspace, kind: "client" | "feed"): Array<ClientConfig | FeedConfig> {
  return kind === "client" ? ws.clients : ws.feeds;
}

function withEntity(ws: Workspace, entity: WorkspaceEntity): Workspace {
  switch (entity.kind) {
    case "client":
      return { ...ws, clients: upsertById(ws.clients, entity.value) };
    case "feed":
      return { ...ws, feeds: upsertById(ws.feeds, entity.value) };
    case "person":
      return { ...ws, people: upsertBy(ws.people, entity.value, (p) => p.email) };
    case "settings":
      return { ...ws, settings: entity.value };
  }
}

function upsertById<T extends { id: string }>(list: readonly T[], value: T): T[] {
  return upsertBy(list, value, (x) => x.id);
}

function upsertBy<T>(list: readonly T[], value: T, key: (x: T) => string): T[] {
  const i = list.findIndex((x) => key(x) === key(value));
  return i < 0 ? [...list, value] : list.map((x, j) => (j === i ? value : x));
}

function currentValue(ws: Workspace, kind: WorkspaceKind, id: string): unknown {
  switch (kind) {
    case "client":
      return ws.clients.find((c) => c.id === id);
    case "feed":
      return ws.feeds.find((f) => f.id === id);
    case "person":
      return ws.people.find((p) => p.email === id);
    case "settings":
      return ws.versions.has(entityKey("settings", "workspace")) ? ws.settings : undefined;
  }
}

function putWrite(ws: Workspace, entity: WorkspaceEntity): WorkspaceWrite {
  return { op: "put", entity, expectedVersion: ws.versions.get(entityKey(entity.kind, entity.id)) };
}

/**
 * Moves a client's version without changing it, for a write that depends on the client (a feed
 * bound to it, a grant on it): a removal that read the client before this write then fails its
 * condition and runs again from a fresh read, so it cannot leave the feed or grant behind.
 */
function touchClient(ws: Workspace, clientId: string): WorkspaceWrite {
  return { op: "touch", kind: "client", id: clientId, expectedVersion: ws.versions.get(entityKey("client", clientId)) ?? 0 };
}

/** The clients a feed, person or grant is about (what a lead's view of the log filters on). */
function clientsOfFeed(feed: FeedConfig | undefined): string[] {
  return feed?.clientId === undefined ? [] : [feed.clientId];
}

/** The clients an import's write is about. */
function clientsOfWrite(w: WorkspaceWrite): string[] {
  if (w.op !== "put") return w.kind === "client" ? [w.id] : [];
  const e = w.entity;
  if (e.kind === "client") return [e.id];
  if (e.kind === "feed") return clientsOfFeed(e.value);
  if (e.kind === "person") return e.value.grants.flatMap((g) => (g.role === "admin" ? [] : [g.clientId]));
  return [];
}

function describeEntity(kind: WorkspaceKind, id: string): string {
  return kind === "settings" ? "workspace settings" : `${kind} ${id}`;
}

/**
 * Creates or updates one client or feed from a person's input. `mode` "create" refuses an existing
 * id, "update" a missing one (its input merged over the stored value: a field given as undefined
 * keeps it), "replace" a missing one too (the entity becomes the input: a form that carries every
 * setting), "upsert" (an import) creates or replaces. Unchanged input writes nothing.
 *
 * `expectedVersion`, the version the person's form was made from: when the stored one differs (or
 * the entity was removed), EditedMeanwhileError, never a silent overwrite of the other edit.
 */
export async function saveEntity(
  deps: WorkspaceDeps,
  kind: "client" | "feed",
  input: Record<string, unknown>,
  actor: string,
  mode: "create" | "update" | "replace" | "upsert",
  options: { expectedVersion?: number | undefined } = {},
): Promise<EditResult<ClientConfig | FeedConfig>> {
  return withRetry(async () => {
    const ws = await deps.workspace.load();
    const id = typeof input.id === "string" ? input.id : "";
    const before = listOf(ws, kind).find((x) => x.id === id);
    const storedVersion = ws.versions.get(entityKey(kind, id));
    if (options.expectedVersion !== undefined && (before === undefined || storedVersion !== options.expectedVersion)) {
      throw new EditedMeanwhileError(kind, id, before === undefined ? undefined : storedVersion);
    }
    if (mode === "create" && before !== undefined) throw new ValidationError("id", `a ${kind} "${id}" already exists`);
    if ((mode === "update" || mode === "replace") && before === undefined) throw new ValidationError("id", `there is no ${kind} "${id}"`);
    const merged = before === undefined || mode === "upsert" || mode === "replace" ? definedOnly(input) : { ...before, ...definedOnly(input) };
    if (kind === "client" && before !== undefined) followTimeZone(merged, before as ClientConfig, input);
    const value = kind === "client" ? parseEntity("client", merged) : parseEntity("feed", merged);
    const entity = { kind, id: value.id, value } as WorkspaceEntity;
    const next = withEntity(ws, entity);
    validateWhole(next, { kind, id: value.id }, ws);
    const changes = fieldChanges(before, value);
    if (before !== undefined && changes.length === 0) return { status: "unchanged", value, entry: undefined };
    const feedClient = kind === "feed" ? (value as FeedConfig).clientId : undefined;
    const entry = logEntry(deps, {
      actor,
      action: before === undefined ? "create" : "update",
      kind,
      targetId: value.id,
      summary: `${before === undefined ? "added" : "changed"} ${describeEntity(kind, value.id)}${before === undefined ? "" : `: ${changes.map((c) => c.field).join(", ")}`}`,
      changes: before === undefined ? [] : changes,
      clientIds: [...new Set(kind === "client" ? [value.id] : [...clientsOfFeed(before as FeedConfig | undefined), ...clientsOfFeed(value as FeedConfig)])],
    });
    // A list left by an earlier client of the same id (its removal could not delete it) is not this client's.
    if (kind === "client" && before === undefined) await deleteLeftoverMediaList(deps, value.id, actor);
    const writes = [putWrite(ws, entity)];
    if (feedClient !== undefined) writes.push(touchClient(ws, feedClient));
    await deps.workspace.commit(writes, entry);
    return { status: before === undefined ? "created" : "updated", value, entry };
  });
}

async function deleteLeftoverMediaList(deps: WorkspaceDeps, clientId: string, actor: string): Promise<void> {
  if ((await deps.workspace.mediaList(clientId)) === undefined) return;
  await deps.workspace.deleteMediaList(
    clientId,
    logEntry(deps, { actor, action: "media-list-delete", kind: "media-list", targetId: clientId, summary: `deleted a media list left by an earlier client ${clientId}`, changes: [], clientIds: [clientId] }),
  );
}

/**
 * A client whose ad countries were its time zone's default follows a new time zone (unless the same
 * change sets the countries): moving Acme to Europe/Berlin targets Germany, not the old default.
 */
function followTimeZone(merged: Record<string, unknown>, before: ClientConfig, input: Record<string, unknown>): void {
  const newZone = input.timezone;
  const givenLocations = (input.adDefaults as { locations?: unknown } | undefined)?.locations;
  if (typeof newZone !== "string" || newZone === before.timezone || givenLocations !== undefined) return;
  if (JSON.stringify(before.adDefaults.locations) !== JSON.stringify(defaultAdLocations(before.timezone))) return;
  const { locations: _old, ...rest } = { ...before.adDefaults, ...((input.adDefaults as object | undefined) ?? {}) };
  merged.adDefaults = rest;
}

function definedOnly(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/**
 * Removes a client (with its bound feeds, the roles on it and its media list; its plans and
 * releases stay) or a feed. A missing one is "unchanged", so a repeated remove is harmless, and it
 * still deletes a media list a first attempt left behind.
 *
 * A client with more dependants than one transaction holds loses them in earlier commits (each
 * leaves a valid workspace: a client with fewer feeds or roles); the client itself goes in the
 * last, conditional on the version read, which a feed or grant added meanwhile moves.
 */
export async function removeEntity(deps: WorkspaceDeps, kind: "client" | "feed", id: string, actor: string): Promise<EditResult<string>> {
  const result = await withRetry(async () => {
    const ws = await deps.workspace.load();
    const found = listOf(ws, kind).find((x) => x.id === id);
    if (found === undefined) return { status: "unchanged" as const, value: id, entry: undefined };
    const dependants: WorkspaceWrite[] = [];
    const bound = kind === "client" ? ws.feeds.filter((f) => f.clientId === id) : [];
    for (const f of bound) dependants.push({ op: "remove", kind: "feed", id: f.id, expectedVersion: ws.versions.get(entityKey("feed", f.id)) ?? 0 });
    // People keep their record; their grants on the removed client go.
    for (const p of kind === "client" ? ws.people : []) {
      const grants = p.grants.filter((g) => g.role === "admin" || g.clientId !== id);
      if (grants.length !== p.grants.length) dependants.push(putWrite(ws, { kind: "person", id: p.email, value: { ...p, grants } }));
    }
    const clientIds = kind === "client" ? [id] : clientsOfFeed(found as FeedConfig);
    const summary = `removed ${describeEntity(kind, id)}${bound.length > 0 ? ` and its feed(s) ${bound.map((f) => f.id).join(", ")}` : ""}`;
    const own: WorkspaceWrite = { op: "remove", kind, id, expectedVersion: ws.versions.get(entityKey(kind, id)) ?? 0 };
    const last = dependants.slice(-(COMMIT_LIMIT - 1));
    const earlier = dependants.slice(0, dependants.length - last.length);
    for (let i = 0; i < earlier.length; i += COMMIT_LIMIT) {
      const chunk = earlier.slice(i, i + COMMIT_LIMIT);
      await deps.workspace.commit(chunk, logEntry(deps, { actor, action: "remove", kind, targetId: id, summary: `removing ${describeEntity(kind, id)}: ${chunk.length} of its feeds and roles`, changes: [], clientIds }));
    }
    const entry = logEntry(deps, { actor, action: "remove", kind, targetId: id, summary, changes: [], clientIds });
    await deps.workspace.commit([...last, own], entry);
    return { status: "removed" as const, value: id, entry };
  });
  if (kind === "client") {
    const summary = result.status === "removed" ? `deleted the media list of removed client ${id}` : `deleted the media list left by removed client ${id}`;
    if (result.status === "removed" || (await deps.workspace.mediaList(id)) !== undefined) {
      await deps.workspace.deleteMediaList(id, logEntry(deps, { actor, action: "media-list-delete", kind: "media-list", targetId: id, summary, changes: [], clientIds: [id] }));
    }
  }
  return result;
}

/**
 * Gives a person a role. An admin or lead grant is stored on the person; an approver is added to
 * the client's approvers (who the approval emails go to), and the person's record made if missing.
 */
export async function grantRole(
  deps: WorkspaceDeps,
  input: { email: string; role: Role; clientId?: string | undefined; name?: string | undefined },
  actor: string,
): Promise<EditResult<Person>> {
  const email = parseEmail(input.email);
  if (input.role !== "admin" && (input.clientId === undefined || input.clientId === "")) throw new ValidationError("client", `a ${input.role} needs the client they work on`);
  if (input.role === "admin" && input.clientId !== undefined) throw new ValidationError("client", "an admin has every client; leave the client out");
  return withRetry(async () => {
    const ws = await deps.workspace.load();
    const writes: WorkspaceWrite[] = [];
    const before = ws.people.find((p) => p.email === email);
    const grant: Grant = input.role === "admin" ? { role: "admin" } : { role: input.role, clientId: input.clientId! };
    if (grant.role !== "admin" && !ws.clients.some((c) => c.id === grant.clientId)) throw new ValidationError("client", `there is no client "${grant.clientId}"`);
    const grants = grant.role === "approver" ? (before?.grants ?? []) : dedupeGrants([...(before?.grants ?? []), grant]);
    const person = parseEntity("person", { ...(before ?? {}), email, ...(input.name === undefined ? {} : { name: input.name }), grants });
    if (before === undefined || fieldChanges(before, person).length > 0) writes.push(putWrite(ws, { kind: "person", id: email, value: person }));
    if (grant.role === "approver") {
      const client = ws.clients.find((c) => c.id === grant.clientId)!;
      if (!client.approvers.some((a) => a.toLowerCase() === email)) {
        writes.push(putWrite(ws, { kind: "client", id: client.id, value: { ...client, approvers: [...client.approvers, email] } }));
      }
    }
    if (writes.length === 0) return { status: "unchanged", value: person, entry: undefined };
    // A lead grant depends on its client: one removed meanwhile must not leave it behind.
    if (grant.role === "lead") writes.push(touchClient(ws, grant.clientId));
    const entry = logEntry(deps, {
      actor,
      action: before === undefined ? "create" : "update",
      kind: "person",
      targetId: email,
      // The summary says it all in words; a JSON "grants" diff would only repeat it less readably.
      summary: `made ${email} ${grant.role === "admin" ? "an admin" : `${grant.role} of ${grant.clientId}`}`,
      changes: [],
      clientIds: grant.role === "admin" ? [] : [grant.clientId],
    });
    await deps.workspace.commit(writes, entry);
    return { status: before === undefined ? "created" : "updated", value: person, entry };
  });
}

/**
 * Takes a person's roles away: all of them (their record too), or one. An approver who is a
 * client's only one cannot be removed until another is added (every plan needs someone to approve
 * it); the error says so. Open sessions end at their next request (their grants are gone).
 */
export async function revokeRole(
  deps: WorkspaceDeps,
  input: { email: string; role?: Role | undefined; clientId?: string | undefined },
  actor: string,
): Promise<EditResult<string>> {
  const email = parseEmail(input.email);
  return withRetry(async () => {
    const ws = await deps.workspace.load();
    const matches = (g: Grant): boolean => (input.role === undefined || g.role === input.role) && (input.clientId === undefined || (g.role !== "admin" && g.clientId === input.clientId));
    const writes: WorkspaceWrite[] = [];
    const before = ws.people.find((p) => p.email === email);
    if (before !== undefined) {
      const grants = before.grants.filter((g) => !matches(g));
      if (input.role === undefined && input.clientId === undefined) {
        writes.push({ op: "remove", kind: "person", id: email, expectedVersion: ws.versions.get(entityKey("person", email)) ?? 0 });
      } else if (grants.length !== before.grants.length) {
        writes.push(putWrite(ws, { kind: "person", id: email, value: { ...before, grants } }));
      }
    }
    if (input.role === undefined || input.role === "approver") {
      for (const client of ws.clients) {
        if (input.clientId !== undefined && client.id !== input.clientId) continue;
        const approvers = client.approvers.filter((a) => a.toLowerCase() !== email);
        if (approvers.length === client.approvers.length) continue;
        if (approvers.length === 0) throw new ValidationError("email", `${email} is the only approver of ${client.id}; add another approver first`);
        writes.push(putWrite(ws, { kind: "client", id: client.id, value: { ...client, approvers } }));
      }
    }
    if (writes.length === 0) return { status: "unchanged", value: email, entry: undefined };
    const what = input.role === undefined ? "every role" : input.clientId === undefined ? `the ${input.role} role` : `${input.role} of ${input.clientId}`;
    const clientIds = [...new Set([...(before?.grants ?? []).filter(matches).flatMap((g) => (g.role === "admin" ? [] : [g.clientId])), ...writes.flatMap((w) => (w.op === "put" && w.entity.kind === "client" ? [w.entity.id] : []))])];
    const entry = logEntry(deps, { actor, action: "remove", kind: "person", targetId: email, summary: `took ${what} from ${email}`, changes: [], clientIds });
    await deps.workspace.commit(writes, entry);
    return { status: "removed", value: email, entry };
  });
}

function parseEmail(raw: string): string {
  const r = PersonEmail.safeParse(raw);
  if (!r.success) throw new ValidationError("email", r.error.issues[0]!.message);
  return r.data;
}

export async function saveSettings(deps: WorkspaceDeps, input: unknown, actor: string): Promise<EditResult<WorkspaceSettings>> {
  return withRetry(async () => {
    const ws = await deps.workspace.load();
    const value = parseEntity("settings", input);
    const changes = fieldChanges(ws.settings, value);
    if (changes.length === 0) return { status: "unchanged", value, entry: undefined };
    const entry = logEntry(deps, { actor, action: "update", kind: "settings", targetId: "workspace", summary: `changed workspace settings: ${changes.map((c) => c.field).join(", ")}`, changes });
    await deps.workspace.commit([putWrite(ws, { kind: "settings", id: "workspace", value })], entry);
    return { status: "updated", value, entry };
  });
}

// ---- the config file as import / export ---------------------------------------------------------

export interface ImportSummary {
  created: string[];
  updated: string[];
  unchanged: number;
  mediaLists: Array<{ clientId: string; contacts: number }>;
}

/**
 * Imports a config file (and its people) as an idempotent upsert: each client, feed and person in
 * the file is created or replaced by the file's value; what the workspace has beyond the file stays.
 * Importing the same file twice writes nothing the second time. The settings are imported only when
 * the file has an `audit` or `security` section (`settingsGiven`, default true). Media lists
 * (already read and hashed by the caller) replace the clients' lists.
 */
export async function importWorkspace(
  deps: WorkspaceDeps,
  file: { config: PressbridgeConfig; people: readonly Person[]; settingsGiven?: boolean },
  actor: string,
  mediaLists: readonly StoredMediaList[] = [],
): Promise<ImportSummary> {
  const summary: ImportSummary = { created: [], updated: [], unchanged: 0, mediaLists: [] };
  // What earlier attempts committed (chunks before the one that lost a race): a retry finds them
  // unchanged, but the summary still reports them as this import's.
  const committed = new Map<string, "created" | "updated">();
  await withRetry(async () => {
    summary.created = [];
    summary.updated = [];
    summary.unchanged = 0;
    const ws = await deps.workspace.load();
    const entities: WorkspaceEntity[] = [
      ...file.config.clients.map((value) => ({ kind: "client" as const, id: value.id, value: withoutFileOnly(value) })),
      ...file.config.feeds.map((value) => ({ kind: "feed" as const, id: value.id, value })),
      ...file.people.map((value) => ({ kind: "person" as const, id: value.email, value })),
      // A file without audit/security sections leaves the workspace's settings as they are.
      ...(file.settingsGiven === false ? [] : [{ kind: "settings" as const, id: "workspace" as const, value: { audit: file.config.audit, security: file.config.security } }]),
    ];
    let next = ws;
    const writes: WorkspaceWrite[] = [];
    for (const entity of entities) {
      const before = currentValue(ws, entity.kind, entity.id);
      const name = describeEntity(entity.kind, entity.id);
      if (before !== undefined && fieldChanges(before, entity.value).length === 0) {
        const earlier = committed.get(name);
        if (earlier === undefined) summary.unchanged++;
        else (earlier === "created" ? summary.created : summary.updated).push(name);
        continue;
      }
      // A file without audit/security sections must not reset settings someone changed in the app.
      if (entity.kind === "settings" && before === undefined && fieldChanges(ws.settings, entity.value).length === 0) continue;
      next = withEntity(next, entity);
      writes.push(putWrite(ws, entity));
      (before === undefined ? summary.created : summary.updated).push(name);
    }
    validateWhole(next, { kind: "settings", id: "workspace" }, ws);
    for (let i = 0; i < writes.length; i += COMMIT_LIMIT) {
      const chunk = writes.slice(i, i + COMMIT_LIMIT);
      await deps.workspace.commit(
        chunk,
        logEntry(deps, {
          actor,
          action: "import",
          kind: "workspace",
          targetId: "workspace",
          summary: `imported ${chunk.length} item(s): ${chunk.map((w) => (w.op === "put" ? describeEntity(w.entity.kind, w.entity.id) : w.id)).slice(0, 20).join(", ")}${chunk.length > 20 ? ", …" : ""}`,
          changes: [],
          clientIds: [...new Set(chunk.flatMap(clientsOfWrite))],
        }),
      );
      for (const w of chunk) {
        if (w.op !== "put") continue;
        const name = describeEntity(w.entity.kind, w.entity.id);
        if (!committed.has(name)) committed.set(name, w.expectedVersion === undefined ? "created" : "updated");
      }
    }
  });
  for (const list of mediaLists) {
    const before = await deps.workspace.mediaList(list.clientId);
    if (before !== undefined && sameContacts(before.contacts, list.contacts)) continue;
    // Read as absent: written only if still absent, so two racing imports (two cold seeders) write it once.
    await deps.workspace.putMediaList(list, logEntry(deps, { actor, action: "media-list-import", kind: "media-list", targetId: list.clientId, summary: `imported the media list of ${list.clientId} (${list.contacts.length} contacts) from ${list.source}`, changes: [], clientIds: [list.clientId] }), { ifAbsent: before === undefined });
    summary.mediaLists.push({ clientId: list.clientId, contacts: list.contacts.length });
  }
  return summary;
}

/** The config file's `mediaList` names a CSV next to the file; the workspace keeps the imported list instead. */
function withoutFileOnly(client: ClientConfig): ClientConfig {
  const { mediaList: _file, ...rest } = client;
  return rest;
}

function sameContacts(a: readonly StoredContact[], b: readonly StoredContact[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The workspace in the config file's format (plus `people`); media lists are not in it (export them per client). */
export function exportWorkspace(ws: Workspace): Record<string, unknown> {
  return {
    clients: ws.clients,
    feeds: ws.feeds,
    people: ws.people,
    audit: ws.settings.audit,
    security: ws.settings.security,
  };
}

// ---- media lists ------------------------------------------------------------------------------------

export const MAX_MEDIA_LIST_SIZE = 2_000;

export interface MediaListImport {
  list: StoredMediaList;
  /** Rows skipped, by line, with the reason (never the email). */
  errors: Array<{ line: number; reason: string }>;
  /** Rows whose email was already on the list above them, merged into it. */
  merged: number;
}

/** "jane.doe@example.com" → "j•••e@example.com": enough to recognise, not enough to use. */
export function maskEmail(email: string): string {
  const e = normaliseEmail(email);
  const at = e.lastIndexOf("@");
  const local = e.slice(0, at);
  const shown = local.length <= 2 ? `${local[0] ?? ""}•••` : `${local[0]}•••${local[local.length - 1]}`;
  return `${shown}${e.slice(at)}`;
}

/**
 * Reads a media list CSV (columns name, email, outlet, beat, x_handle) into its stored form: each
 * email replaced by its SHA-256 and a masked form. Rows with a bad email are reported by line; a
 * repeated email is merged into the first row (its empty fields filled from the later one).
 */
export function readMediaListCsv(text: string, clientId: string, source: string, importedBy: string, at: string): MediaListImport {
  const parsed = parseMediaListCsv(text);
  const contacts = parsed.contacts.map((c): StoredContact => {
    const contact: StoredContact = { emailSha256: hashEmailForAudience(c.email!), maskedEmail: maskEmail(c.email!) };
    if (c.name !== undefined) contact.name = c.name;
    if (c.outlet !== undefined) contact.outlet = c.outlet;
    if (c.beat !== undefined) contact.beat = c.beat;
    if (c.xHandle !== undefined) contact.xHandle = c.xHandle;
    return contact;
  });
  if (contacts.length > MAX_MEDIA_LIST_SIZE) throw new ValidationError("file", `the list has ${contacts.length} contacts; at most ${MAX_MEDIA_LIST_SIZE} are supported`);
  if (contacts.length === 0) {
    const first = parsed.errors[0];
    throw new ValidationError("file", first === undefined ? "the list has no contacts" : `no contact could be read (line ${first.line}: ${first.reason})`);
  }
  return { list: { clientId, source, importedAt: at, importedBy, contacts }, errors: parsed.errors, merged: parsed.merged };
}

/** Imports (replaces) a client's media list from CSV text; the raw emails are never stored. */
export async function importMediaList(deps: WorkspaceDeps, input: { clientId: string; csv: string; source: string }, actor: string): Promise<MediaListImport> {
  const ws = await deps.workspace.load();
  if (!ws.clients.some((c) => c.id === input.clientId)) throw new ValidationError("client", `there is no client "${input.clientId}"`);
  const result = readMediaListCsv(input.csv, input.clientId, input.source, actor, deps.clock.now().toISOString());
  await deps.workspace.putMediaList(
    result.list,
    logEntry(deps, {
      actor,
      action: "media-list-import",
      kind: "media-list",
      targetId: input.clientId,
      summary: `imported the media list of ${input.clientId}: ${result.list.contacts.length} contacts from ${input.source}${result.errors.length > 0 ? `, ${result.errors.length} row(s) skipped` : ""}${result.merged > 0 ? `, ${result.merged} duplicate(s) merged` : ""}`,
      changes: [],
      clientIds: [input.clientId],
    }),
  );
  return result;
}

export async function deleteMediaList(deps: WorkspaceDeps, clientId: string, actor: string): Promise<boolean> {
  return deps.workspace.deleteMediaList(clientId, logEntry(deps, { actor, action: "media-list-delete", kind: "media-list", targetId: clientId, summary: `deleted the media list of ${clientId}`, changes: [], clientIds: [clientId] }));
}
