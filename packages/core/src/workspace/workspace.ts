import { z } from "zod";
import {
  AUDIT_DEFAULTS,
  AuditSettings,
  ClientConfig,
  FeedConfig,
  PressbridgeConfig,
  formatPath,
  parseConfig,
} from "../config/config-schema.ts";
import { ValidationError } from "../errors.ts";

/**
 * The workspace: what an agency manages in the app and the CLI (docs/workspace.md). Clients and
 * feeds are exactly the config file's entries (the same zod schema validates every write); people
 * and their roles, each client's media list and the log of changes live beside them in the table.
 * The config file is only an import/export format of it.
 */

/** What a person may do: everything (admin), or one client's work (lead, approver). */
export const ROLES = ["admin", "lead", "approver"] as const;
export type Role = (typeof ROLES)[number];

const clientId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a client id");

export const Grant = z.discriminatedUnion("role", [
  z.strictObject({ role: z.literal("admin") }),
  z.strictObject({ role: z.literal("lead"), clientId }),
  z.strictObject({ role: z.literal("approver"), clientId }),
]);
export type Grant = z.infer<typeof Grant>;

/** Addresses are kept trimmed and lower-cased: one person, one record. */
export const PersonEmail = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "must be an email address" }).max(254));

/**
 * A person who signs in. Approvers are stored on their clients (ClientConfig.approvers, which the
 * approval emails go to), so a person's record holds the grants that are not: admin and lead. The
 * grants a person has are `grantsOf` (stored ones, plus approver of every client listing them, plus
 * lead of every client they own).
 */
export const Person = z.strictObject({
  email: PersonEmail,
  name: z.string().trim().min(1).max(200).optional(),
  grants: z.array(Grant).max(500).default([]),
});
export type Person = z.infer<typeof Person>;

export const WorkspaceSettings = z.strictObject({
  audit: AuditSettings.default({ ...AUDIT_DEFAULTS }),
  security: z.strictObject({ allowPrivateFeedHosts: z.boolean().default(false) }).default({ allowPrivateFeedHosts: false }),
});
export type WorkspaceSettings = z.infer<typeof WorkspaceSettings>;

/** One thing in the workspace, as the table keeps it: its kind and id, its value, its version. */
export type WorkspaceEntity =
  | { kind: "client"; id: string; value: ClientConfig }
  | { kind: "feed"; id: string; value: FeedConfig }
  | { kind: "person"; id: string; value: Person }
  | { kind: "settings"; id: "workspace"; value: WorkspaceSettings };
export type WorkspaceKind = WorkspaceEntity["kind"];

export interface Workspace {
  clients: ClientConfig[];
  feeds: FeedConfig[];
  people: Person[];
  settings: WorkspaceSettings;
  /** Each entity's stored version (`client:acme` → 3); a write is conditional on the version it read. */
  versions: ReadonlyMap<string, number>;
  /** When the workspace was first filled (a deploy's seed, an import, `start --demo`); undefined while empty. */
  seededAt: string | undefined;
  /**
   * Stored items that could not be read (corrupt, or written by a newer version of Pressbridge):
   * left out of the workspace and logged, so one bad item never stops every reader (sign-in
   * included). Their versions stay in `versions`, so saving the same id again replaces them.
   */
  unreadable?: Array<{ kind: string; id: string; reason: string }>;
}

export const EMPTY_WORKSPACE: Workspace = {
  clients: [],
  feeds: [],
  people: [],
  settings: { audit: { ...AUDIT_DEFAULTS }, security: { allowPrivateFeedHosts: false } },
  versions: new Map(),
  seededAt: undefined,
};

export function entityKey(kind: WorkspaceKind, id: string): string {
  return `${kind}:${id}`;
}

/**
 * The workspace as the use cases read it: the config file's shape, validated as one. A feed bound
 * to a client that is gone (left by a write from before feed writes were checked against their
 * client) is left out rather than failing every reader; `orphanFeeds` names them, and the feeds
 * page shows them for removal.
 */
export function configOf(ws: Pick<Workspace, "clients" | "feeds" | "settings">): PressbridgeConfig {
  const orphans = new Set(orphanFeeds(ws).map((f) => f.id));
  return strictConfigOf({ ...ws, feeds: ws.feeds.filter((f) => !orphans.has(f.id)) });
}

/** The workspace as one config, refusing anything a config file could not hold: what every write is checked with. */
export function strictConfigOf(ws: Pick<Workspace, "clients" | "feeds" | "settings">): PressbridgeConfig {
  return parseConfig({ clients: ws.clients, feeds: ws.feeds, audit: ws.settings.audit, security: ws.settings.security });
}

/** Feeds bound to a client the workspace no longer has. */
export function orphanFeeds(ws: Pick<Workspace, "clients" | "feeds">): FeedConfig[] {
  const clients = new Set(ws.clients.map((c) => c.id));
  return ws.feeds.filter((f) => f.clientId !== undefined && !clients.has(f.clientId));
}

/** One field that changed, for the workspace's log: a dotted path and the values (secrets never get here). */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** One entry of the workspace's log of changes: who, when, what. */
export interface WorkspaceLogEntry {
  id: string;
  at: string;
  /** The signed-in person's email, or "cli" / "deploy" / "import" for the tools. */
  actor: string;
  action: "create" | "update" | "remove" | "import" | "media-list-import" | "media-list-delete" | "seed";
  kind: WorkspaceKind | "media-list" | "workspace";
  targetId: string;
  summary: string;
  changes: FieldChange[];
  /** The clients the change is about (a lead sees the entries of their clients); absent on old entries. */
  clientIds?: string[];
}

/**
 * One write of a commit: the entity's new value (or removal), conditional on the version read; or
 * a touch of an entity the write depends on (a feed's or a grant's client): its version moves,
 * unchanged otherwise, so a removal that read it before cannot commit and leave the feed behind.
 */
export type WorkspaceWrite =
  | { op: "put"; entity: WorkspaceEntity; expectedVersion: number | undefined }
  | { op: "remove"; kind: WorkspaceKind; id: string; expectedVersion: number }
  | { op: "touch"; kind: WorkspaceKind; id: string; expectedVersion: number };

/** The kind and id a write is about. */
export function writeTarget(w: WorkspaceWrite): { kind: WorkspaceKind; id: string } {
  return w.op === "put" ? { kind: w.entity.kind, id: w.entity.id } : { kind: w.kind, id: w.id };
}

/** A commit lost a race: what it read was changed by someone else meanwhile. */
export class WorkspaceConflictError extends Error {
  override readonly name = "WorkspaceConflictError";
}

/**
 * A person's edit was made on a copy that someone else changed (or removed) since it was shown to
 * them. Never retried: the person decides, with their typed values kept.
 */
export class EditedMeanwhileError extends Error {
  override readonly name = "EditedMeanwhileError";
  readonly kind: WorkspaceKind;
  readonly id: string;
  /** The version there is now (undefined: it was removed). */
  readonly currentVersion: number | undefined;
  constructor(kind: WorkspaceKind, id: string, currentVersion: number | undefined) {
    super(currentVersion === undefined ? `${kind} ${id} was removed meanwhile` : `${kind} ${id} was changed by someone else meanwhile`);
    this.kind = kind;
    this.id = id;
    this.currentVersion = currentVersion;
  }
}

/** The differences between two values as dotted fields (arrays compared whole). */
export function fieldChanges(before: unknown, after: unknown, prefix = ""): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const out: FieldChange[] = [];
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      out.push(...fieldChanges(before[key], after[key], prefix === "" ? key : `${prefix}.${key}`));
    }
    return out;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ field: prefix === "" ? "(value)" : prefix, from: before ?? null, to: after ?? null }];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validates one entity with its schema; a bad field is a ValidationError naming it (`keywords[2]`). */
export function parseEntity<K extends WorkspaceKind>(kind: K, input: unknown): EntityValue<K> {
  const schema: z.ZodType = kind === "client" ? ClientConfig : kind === "feed" ? FeedConfig : kind === "person" ? Person : WorkspaceSettings;
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ValidationError(formatPath(issue.path), issue.message, { cause: result.error });
  }
  return result.data as EntityValue<K>;
}

export type EntityValue<K extends WorkspaceKind> = Extract<WorkspaceEntity, { kind: K }>["value"];

/** Everything a person may do, from the workspace: stored grants, approver of the clients listing them, lead of those they own. */
export function grantsOf(ws: Pick<Workspace, "clients" | "people">, email: string): Grant[] {
  const who = email.trim().toLowerCase();
  const grants: Grant[] = [...(ws.people.find((p) => p.email === who)?.grants ?? [])];
  for (const client of ws.clients) {
    if (client.approvers.some((a) => a.toLowerCase() === who)) grants.push({ role: "approver", clientId: client.id });
    if (client.owner.toLowerCase() === who) grants.push({ role: "lead", clientId: client.id });
  }
  return dedupeGrants(grants);
}

export function dedupeGrants(grants: readonly Grant[]): Grant[] {
  const seen = new Set<string>();
  return grants.filter((g) => {
    const key = g.role === "admin" ? "admin" : `${g.role}:${g.clientId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Everyone who can sign in, with all their grants (stored, approver and owner ones), by email. */
export function membersOf(ws: Pick<Workspace, "clients" | "people">): Array<{ email: string; name: string | undefined; grants: Grant[]; stored: boolean }> {
  const emails = new Set<string>(ws.people.map((p) => p.email));
  for (const c of ws.clients) {
    emails.add(c.owner.toLowerCase());
    for (const a of c.approvers) emails.add(a.toLowerCase());
  }
  return [...emails].sort().map((email) => {
    const stored = ws.people.find((p) => p.email === email);
    return { email, name: stored?.name, grants: grantsOf(ws, email), stored: stored !== undefined };
  });
}

/** What one signed-in person may see and do, computed from their grants. */
export interface Access {
  email: string;
  isAdmin: boolean;
  /** Clients whose settings, feeds, people, media lists, queue and dashboard they manage. */
  leads: ReadonlySet<string>;
  /** Clients whose queue and review pages they see (leads see them too). */
  approves: ReadonlySet<string>;
}

export function accessOf(ws: Pick<Workspace, "clients" | "people">, email: string): Access {
  const grants = grantsOf(ws, email);
  const isAdmin = grants.some((g) => g.role === "admin");
  const leads = new Set(grants.flatMap((g) => (g.role === "lead" ? [g.clientId] : [])));
  const approves = new Set(grants.flatMap((g) => (g.role === "approver" || g.role === "lead" ? [g.clientId] : [])));
  return { email: email.trim().toLowerCase(), isAdmin, leads, approves };
}

/** Whether a person manages a client (admin, or lead of it). */
export function canManage(access: Access, clientId: string): boolean {
  return access.isAdmin || access.leads.has(clientId);
}

/** Whether a person sees a client's queue and plans (admin, lead or approver of it). */
export function canSee(access: Access, clientId: string): boolean {
  return access.isAdmin || access.approves.has(clientId);
}

/** Whether a person manages any client (an admin, or a lead of one): the workspace pages and the dashboard are theirs. */
export function managesAnyClient(access: Access): boolean {
  return access.isAdmin || access.leads.size > 0;
}

/** Whether a person has any role at all (a person with none is refused sign-in, without saying so). */
export function hasAnyRole(access: Access): boolean {
  return access.isAdmin || access.approves.size > 0;
}

/** Parses a config file (or an export) into what an import writes; errors name the field (`clients[1].owner`). */
export function parseWorkspaceFile(input: unknown): { config: PressbridgeConfig; people: Person[]; settingsGiven: boolean } {
  const people = z.object({ people: z.array(Person).default([]) }).safeParse(input ?? {});
  if (!people.success) {
    const issue = people.error.issues[0]!;
    throw new ValidationError(formatPath(issue.path), issue.message, { cause: people.error });
  }
  const rest = isPlainObject(input) ? Object.fromEntries(Object.entries(input).filter(([k]) => k !== "people")) : input;
  const config = PressbridgeConfig.safeParse(rest);
  if (!config.success) {
    const issue = config.error.issues[0]!;
    throw new ValidationError(formatPath(issue.path), issue.message, { cause: config.error });
  }
  refuseApproverGrants(people.data.people);
  const settingsGiven = isPlainObject(input) && ("audit" in input || "security" in input);
  return { config: config.data, people: people.data.people, settingsGiven };
}

/**
 * Approvers belong on their client (`clients[].approvers`, who the emails go to), so a file's
 * person holding an approver grant is refused rather than kept where nothing reads it.
 */
function refuseApproverGrants(people: readonly Person[]): void {
  people.forEach((p, i) =>
    p.grants.forEach((g, j) => {
      if (g.role === "approver") throw new ValidationError(`people[${i}].grants[${j}]`, `list ${p.email} in the approvers of client ${g.clientId} instead`);
    }),
  );
}

/** Every lead grant names a client the workspace has (checked on the workspace a write would make). */
export function checkLeadGrants(ws: Pick<Workspace, "clients" | "people">): void {
  const clients = new Set(ws.clients.map((c) => c.id));
  for (const p of ws.people) {
    const g = p.grants.find((x) => x.role === "lead" && !clients.has(x.clientId));
    if (g !== undefined && g.role === "lead") throw new ValidationError("people", `${p.email} is lead of an unknown client "${g.clientId}"`);
  }
}
