import type { Context, Hono, MiddlewareHandler } from "hono";
import {
  AD_PLATFORMS,
  CHANNELS,
  EditedMeanwhileError,
  ValidationError,
  WorkspaceConflictError,
  entityKey,
  fieldChanges,
  canManage,
  configOf,
  managesAnyClient,
  deleteMediaList,
  grantRole,
  importMediaList,
  matchClients,
  membersOf,
  removeEntity,
  revokeAccess,
  revokeRole,
  saveEntity,
  type Access,
  type AmplificationPlan,
  type ClientConfig,
  type ReleaseStore,
  type ReplanOutcome,
  type ReplanRequest,
  type Role,
  type StoredRelease,
  type Workspace,
  type WorkspaceDeps,
  type WorkspaceLogEntry,
  type WorkspaceStore,
  type Clock,
  type PlanStore,
  type FeedStateStore,
  type SessionStore,
} from "@pressbridge/core";
import type { AppEnv } from "./app-env.ts";
import { messagePage } from "./views/review-page.ts";
import { clientFormOf, clientPage, clientsIndexPage, newClientForm, CLIENT_FORM_KEYS, type ClientForm, type KeywordPreview } from "./views/workspace-clients.ts";
import { EMPTY_FEED_FORM, feedsPage, type FeedForm } from "./views/workspace-feeds.ts";
import { confirmPage, forbiddenPage, NO_ERRORS, type FormErrors } from "./views/workspace-layout.ts";
import { logPage } from "./views/workspace-log.ts";
import { mediaListCsv, mediaListPage } from "./views/workspace-media-list.ts";
import { EMPTY_PERSON_FORM, peoplePage, type PersonForm, type ShownGrant } from "./views/workspace-people.ts";
import { releasePage, releasesPage } from "./views/workspace-releases.ts";

/** What the workspace pages read and write (a part of the web app's WebDeps). */
export interface WorkspacePagesDeps {
  workspace: WorkspaceStore;
  review: { clock: Clock; plans: Pick<PlanStore, "getPlan"> };
  dashboard?: { feedStates: Pick<FeedStateStore, "getFeedStates">; releases: Pick<ReleaseStore, "listReleases"> };
  releasePages?: ReleasePagesDeps;
  /** Sessions: a person left with no role by a Remove is signed out at once (revokeAccess). */
  signIn?: { sessions: SessionStore };
}

/** What the release pages read, and how "Plan for client..." plans a release again. */
export interface ReleasePagesDeps {
  releases: Pick<ReleaseStore, "getRelease" | "listReleases">;
  /** replanRelease with the workspace of the moment; without it the release pages offer no "Plan for client...". */
  replan?: (request: ReplanRequest) => Promise<ReplanOutcome>;
}

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The media-list upload's own body limit (the rest of the app keeps 256 KB): a CSV of 2,000
 * contacts, the most a list holds (MAX_MEDIA_LIST_SIZE), with long outlets and beats is ~0.5 MB.
 */
export const MEDIA_LIST_UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
/** The upload's path (POST); the capture is the client id. */
export const MEDIA_LIST_UPLOAD_PATH = /^\/workspace\/clients\/([a-z0-9][a-z0-9-]{0,62})\/media-list$/;
const RELEASE_ID = /^[A-Za-z0-9_-]{1,100}$/;
const LOG_CURSOR = /^[0-9T:.Z-]{10,40}#[A-Za-z0-9]{1,40}$/;
const LOG_PAGE = 50;
const RECENT_DAYS = 7;
const PREVIEW_DAYS = 14;
const MAX_RELEASES_READ = 500;
const DAY_MS = 86_400_000;

/** The clients a person manages, in the workspace's order. */
function manageable(ws: Workspace, access: Access): ClientConfig[] {
  return ws.clients.filter((c) => canManage(access, c.id));
}

/** The message of a ValidationError without its field prefix. */
function reasonOf(err: ValidationError): string {
  return err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
}

function str(v: unknown, max = 20_000): string {
  return typeof v === "string" ? v.slice(0, max) : "";
}

function strings(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === "string").slice(0, 50);
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** A typed number, or a field error naming the input (empty: the schema's default). */
function numberField(key: string, text: string): number | undefined {
  const t = text.trim();
  if (t === "") return undefined;
  const n = Number(t);
  if (!Number.isFinite(n)) throw new ValidationError(key, "must be a number");
  return n;
}

/** The settings form as typed (every value kept for re-rendering). */
function clientFormFrom(body: Record<string, unknown>): ClientForm {
  const form = { ...newClientForm() } as ClientForm;
  for (const key of CLIENT_FORM_KEYS) form[key] = str(body[key]);
  form.channels = strings(body.channels).filter((c) => (CHANNELS as readonly string[]).includes(c));
  form.adPlatforms = strings(body.adPlatforms).filter((p) => (AD_PLATFORMS as readonly string[]).includes(p));
  return form;
}

/** The form's values in the config schema's shape; what the schema then refuses names a field of it. */
function clientInput(f: ClientForm): Record<string, unknown> {
  const locations = f.locations
    .split(/[\s,;]+/)
    .map((l) => l.trim().toUpperCase())
    .filter((l) => l !== "");
  const title = f.assetTitle.trim();
  const url = f.assetUrl.trim();
  const windowHours = numberField("windowHours", f.windowHours);
  const dailyBudget = numberField("dailyBudget", f.dailyBudget);
  const flightDays = numberField("flightDays", f.flightDays);
  return {
    id: f.id.trim(),
    name: f.name.trim(),
    owner: f.owner.trim(),
    approvers: lines(f.approvers),
    keywords: lines(f.keywords),
    timezone: f.timezone.trim() === "" ? undefined : f.timezone.trim(),
    windowHours,
    channels: f.channels,
    adPlatforms: f.adPlatforms,
    trendHashtags: lines(f.trendHashtags),
    adDefaults: {
      dailyBudget: dailyBudget ?? 50,
      currency: f.currency.trim().toUpperCase() === "" ? "USD" : f.currency.trim().toUpperCase(),
      flightDays: flightDays ?? 5,
      ...(locations.length === 0 ? {} : { locations }),
    },
    ...(title === "" && url === "" ? {} : { supportingAsset: { title, url } }),
  };
}

/** Which input a schema error belongs to: `keywords[2]` → keywords (item 3), `adDefaults.locations[0]` → locations. */
const CLIENT_FIELD_INPUTS: Record<string, string> = {
  "adDefaults.dailyBudget": "dailyBudget",
  "adDefaults.currency": "currency",
  "adDefaults.flightDays": "flightDays",
  "adDefaults.locations": "locations",
  adDefaults: "dailyBudget",
  "supportingAsset.title": "assetTitle",
  "supportingAsset.url": "assetUrl",
  supportingAsset: "assetTitle",
};

/** The client form's fields in words, for "they changed: keywords, time zone". */
const FIELD_LABELS: Record<string, string> = {
  name: "name",
  owner: "owner",
  approvers: "approvers",
  keywords: "keywords",
  timezone: "time zone",
  windowHours: "window",
  channels: "channels",
  adPlatforms: "ad platforms",
  trendHashtags: "trend hashtags",
  dailyBudget: "daily budget",
  currency: "currency",
  flightDays: "flight",
  locations: "locations",
  assetTitle: "asset title",
  assetUrl: "asset URL",
};

function clientErrors(err: ValidationError, input: Record<string, unknown> | undefined): FormErrors {
  const m = /^([A-Za-z]+(?:\.[A-Za-z]+)*)(?:\[(\d+)\])?/.exec(err.field);
  const path = m?.[1] ?? err.field;
  const top = path.split(".")[0]!;
  const key = CLIENT_FIELD_INPUTS[path] ?? CLIENT_FIELD_INPUTS[top] ?? path;
  if (!(CLIENT_FORM_KEYS as readonly string[]).includes(key) && key !== "channels" && key !== "adPlatforms") return { fields: {}, form: `${err.field}: ${reasonOf(err)}` };
  let text = reasonOf(err);
  if (m?.[2] !== undefined) {
    const index = Number(m[2]);
    const list = path === "adDefaults.locations" ? (input?.adDefaults as { locations?: unknown[] } | undefined)?.locations : input?.[path];
    const item = Array.isArray(list) ? list[index] : undefined;
    text = `${typeof item === "string" ? `“${item.slice(0, 100)}”` : `Entry ${index + 1}`} ${text}`;
  }
  return { fields: { [key]: text } };
}

/**
 * The workspace pages (clients, feeds, people, media lists, the log of changes, releases) for
 * admins and leads. `requireSignedIn` sets `c.var.access`; every page and POST checks it on the
 * server: admins everything, leads their own clients (canManage), approvers none of these pages.
 * No GET changes anything; every POST has passed the app's own-origin check.
 */
export function registerWorkspacePages(app: Hono<AppEnv>, deps: WorkspacePagesDeps, requireSignedIn: MiddlewareHandler<AppEnv>): void {
  const edits: WorkspaceDeps = { workspace: deps.workspace, clock: deps.review.clock };
  const now = () => deps.review.clock.now();

  /** Signed in, and an admin or a lead: the workspace pages' gate. */
  const requireManager: MiddlewareHandler<AppEnv> = async (c, next) => {
    const access = c.var.access;
    if (access === undefined || !managesAnyClient(access)) {
      return c.html(forbiddenPage(access, "The workspace pages are for admins and client leads. Approvers review plans from the links in their emails."), 403);
    }
    await next();
  };
  const guard = [requireSignedIn, requireManager] as const;
  const refuse = (c: Context<AppEnv>, what = "This client is not one you manage.") => c.html(forbiddenPage(c.var.access, what), 403);
  const notFound = (c: Context<AppEnv>, text: string) => c.html(messagePage("Not found", text), 404);
  const conflict = (c: Context<AppEnv>) =>
    c.html(messagePage("Changed meanwhile", "Someone else changed the workspace at the same moment. Reload the page and try again."), 409);
  const form = async (c: Context<AppEnv>) => (await c.req.parseBody({ all: true })) as Record<string, unknown>;

  /** The client named in the path, when this person manages it: the client, or the refusal to send. */
  async function managedClient(c: Context<AppEnv>): Promise<{ ws: Workspace; client: ClientConfig } | Response> {
    const id = c.req.param("id") ?? "";
    if (!ID.test(id)) return notFound(c, "There is no such client.");
    if (!canManage(c.var.access, id)) return refuse(c);
    const ws = await deps.workspace.load();
    const client = ws.clients.find((x) => x.id === id);
    if (client === undefined) return notFound(c, "There is no such client.");
    return { ws, client };
  }

  // ---- clients ------------------------------------------------------------------------------------

  const clientsIndex = async (c: Context<AppEnv>, message?: string) => {
    const ws = await deps.workspace.load();
    const feeds = new Map<string, number>();
    for (const f of ws.feeds) if (f.clientId !== undefined) feeds.set(f.clientId, (feeds.get(f.clientId) ?? 0) + 1);
    // Items the store could not read are left out of everything; an admin is told which (saving the same id again replaces one).
    const unreadable = c.var.access.isAdmin ? (ws.unreadable ?? []) : [];
    const warning = unreadable.length === 0 ? undefined : `${unreadable.length} stored item(s) could not be read and are left out: ${unreadable.slice(0, 5).map((u) => `${u.kind} ${u.id} (${u.reason.slice(0, 120)})`).join("; ")}.`;
    return c.html(clientsIndexPage(c.var.access, manageable(ws, c.var.access), feeds, [message, warning].filter((x) => x !== undefined).join(" ") || undefined));
  };
  app.get("/workspace", ...guard, (c) => {
    const removed = c.req.query("removed") ?? "";
    return clientsIndex(c, ID.test(removed) ? `Removed client ${removed}.` : undefined);
  });
  app.get("/clients", ...guard, (c) => c.redirect("/workspace", 302));

  app.get("/workspace/clients/new", ...guard, (c) => {
    if (!c.var.access.isAdmin) return refuse(c, "Only an admin adds clients.");
    return c.html(clientPage({ access: c.var.access, existing: undefined, form: newClientForm(), errors: NO_ERRORS }));
  });

  app.post("/workspace/clients", ...guard, async (c) => {
    if (!c.var.access.isAdmin) return refuse(c, "Only an admin adds clients.");
    const body = await form(c);
    const f = clientFormFrom(body);
    if (body.intent === "preview") return c.html(clientPage({ access: c.var.access, existing: undefined, form: f, errors: NO_ERRORS, preview: await keywordPreview(f) }));
    let input: Record<string, unknown> | undefined;
    try {
      input = clientInput(f);
      const result = await saveEntity(edits, "client", input, c.var.access.email, "create");
      return c.redirect(`/workspace/clients/${result.value.id}?saved=created`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return c.html(clientPage({ access: c.var.access, existing: undefined, form: f, errors: clientErrors(err, input) }), 422);
      if (err instanceof WorkspaceConflictError) return conflict(c);
      throw err;
    }
  });

  app.get("/workspace/clients/:id", ...guard, async (c) => {
    const found = await managedClient(c);
    if (found instanceof Response) return found;
    const saved = c.req.query("saved");
    const list = await deps.workspace.mediaList(found.client.id);
    return c.html(
      clientPage({
        access: c.var.access,
        existing: found.client,
        form: clientFormOf(found.client, found.ws.versions.get(entityKey("client", found.client.id))),
        errors: NO_ERRORS,
        saved: saved === "created" ? "Client added." : saved === "1" ? "Settings saved." : saved === "unchanged" ? "Nothing changed." : undefined,
        mediaListContacts: list?.contacts.length,
      }),
    );
  });

  /** Save (intent=save) or preview the keywords (intent=preview: re-renders the form as typed, saves nothing). */
  app.post("/workspace/clients/:id", ...guard, async (c) => {
    const found = await managedClient(c);
    if (found instanceof Response) return found;
    const body = await form(c);
    const f = { ...clientFormFrom(body), id: found.client.id };
    const list = await deps.workspace.mediaList(found.client.id);
    const page = (extra: { errors?: FormErrors; preview?: KeywordPreview }) =>
      clientPage({ access: c.var.access, existing: found.client, form: f, errors: extra.errors ?? NO_ERRORS, preview: extra.preview, mediaListContacts: list?.contacts.length });
    if (body.intent === "preview") return c.html(page({ preview: await keywordPreview(f) }));
    let input: Record<string, unknown> | undefined;
    try {
      input = clientInput(f);
      // The form carries every setting: the client becomes what it says (a cleared asset goes),
      // unless someone saved it since this form was shown (its version).
      const version = /^\d+$/.test(f.version) ? Number(f.version) : undefined;
      const result = await saveEntity(edits, "client", input, c.var.access.email, "replace", { expectedVersion: version });
      return c.redirect(`/workspace/clients/${found.client.id}?saved=${result.status === "unchanged" ? "unchanged" : "1"}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return c.html(page({ errors: clientErrors(err, input) }), 422);
      if (err instanceof EditedMeanwhileError) return editedMeanwhile(c, found.client, f, err);
      if (err instanceof WorkspaceConflictError) return conflict(c);
      throw err;
    }
  });

  /**
   * Someone else saved (or removed) this client since the form was shown: the form comes back as
   * typed, nothing saved, with what changed; saving again (the form now carries the new version)
   * replaces their change knowingly.
   */
  async function editedMeanwhile(c: Context<AppEnv>, shown: ClientConfig, f: ClientForm, err: EditedMeanwhileError) {
    if (err.currentVersion === undefined) return c.html(messagePage("Removed meanwhile", `The client ${shown.id} was removed by someone else while you edited it; nothing was saved.`), 409);
    const ws = await deps.workspace.load();
    const now = ws.clients.find((x) => x.id === shown.id) ?? shown;
    // What the form was made from is gone; what a person needs is where their values and the saved ones differ.
    const differ = fieldChanges({ ...clientFormOf(now, undefined), version: "" }, { ...f, id: now.id, version: "" }).map((ch) => FIELD_LABELS[ch.field] ?? ch.field);
    const list = await deps.workspace.mediaList(shown.id);
    const message = `Someone else saved this client while you were editing it. Nothing was saved; your values are below${differ.length > 0 ? ` (they differ from the saved ones in: ${differ.join(", ")})` : ""}. Check them and save again to replace the other change.`;
    return c.html(
      clientPage({ access: c.var.access, existing: now, form: { ...f, version: String(ws.versions.get(entityKey("client", shown.id)) ?? "") }, errors: { fields: {}, form: message }, mediaListContacts: list?.contacts.length }),
      409,
    );
  }

  /** Which releases of the last PREVIEW_DAYS the typed keywords would match, with the planner's own matcher. */
  async function keywordPreview(f: ClientForm): Promise<KeywordPreview> {
    const keywords = lines(f.keywords).slice(0, 200);
    const store = deps.releasePages?.releases ?? deps.dashboard?.releases;
    if (store === undefined) return { days: PREVIEW_DAYS, keywords, matches: [], scanned: 0 };
    const to = now();
    const releases = await store.listReleases({ from: new Date(to.getTime() - PREVIEW_DAYS * DAY_MS).toISOString(), to: new Date(to.getTime() + 60_000).toISOString(), limit: MAX_RELEASES_READ });
    const ws = await deps.workspace.load();
    const config = configOf(ws);
    const id = ID.test(f.id) ? f.id : "preview-client";
    // The client as typed: only its id and keywords matter to the matcher.
    const candidate = { ...(ws.clients.find((x) => x.id === id) ?? ws.clients[0] ?? ({} as ClientConfig)), id, keywords };
    const withCandidate = { ...config, clients: [...config.clients.filter((x) => x.id !== id), candidate as ClientConfig] };
    const matches = releases.flatMap((release) => {
      const match = matchClients(withCandidate, release, release.sources.map((s) => s.feedId)).find((m) => m.clientId === id);
      return match === undefined ? [] : [{ release, match }];
    });
    return { days: PREVIEW_DAYS, keywords, matches: matches.slice(0, 50), scanned: releases.length };
  }

  app.get("/workspace/clients/:id/remove", ...guard, async (c) => {
    if (!c.var.access.isAdmin) return refuse(c, "Only an admin removes clients.");
    const found = await managedClient(c);
    if (found instanceof Response) return found;
    const bound = found.ws.feeds.filter((f) => f.clientId === found.client.id).map((f) => f.id);
    return c.html(
      confirmPage(c.var.access, {
        title: `Remove ${found.client.name}?`,
        text: `This removes the client ${found.client.id}, its feed(s) ${bound.length === 0 ? "(none)" : bound.join(", ")}, its media list and every role on it. Its plans and releases stay.`,
        action: `/workspace/clients/${found.client.id}/remove`,
        button: "Remove client",
        back: `/workspace/clients/${found.client.id}`,
        confirmValue: found.client.id,
        section: "clients",
      }),
    );
  });

  app.post("/workspace/clients/:id/remove", ...guard, async (c) => {
    if (!c.var.access.isAdmin) return refuse(c, "Only an admin removes clients.");
    const found = await managedClient(c);
    if (found instanceof Response) return found;
    const body = await form(c);
    if (body.confirm !== found.client.id) return c.redirect(`/workspace/clients/${found.client.id}/remove`, 303);
    try {
      await removeEntity(edits, "client", found.client.id, c.var.access.email);
    } catch (err) {
      if (err instanceof WorkspaceConflictError) return conflict(c);
      throw err;
    }
    return c.redirect(`/workspace?removed=${found.client.id}`, 303);
  });

  // ---- media lists --------------------------------------------------------------------------------

  app.get("/workspace/clients/:id/media-list", ...guard, async (c) => {
    const found = await managedClient(c);
    if (found instanceof Response) return found;
    const deleted = c.req.query("deleted") === "1" ? "The media list was deleted." : undefined;
    return c.html(mediaListPage({ access: c.var.access, client: found.client, list: await deps.workspace.mediaList(found.client.id), errors: NO_ERRORS, message: deleted }));
  });

  /** The upload (multipart): replaces the list; rows skipped are reported by line, duplicates merged. */
  app.post("/workspace/clients/:id/media-list", ...guard, async (c) => {
    const found = await managedClient(c);
    if (found instanceof Response) return found;
    const body = await c.req.parseBody();
    const file = body.file;
    const page = async (errors: FormErrors, imported?: { contacts: number; merged: number; skipped: Array<{ line: number; reason: string }> }, status: 200 | 409 | 422 = 200) =>
      c.html(mediaListPage({ access: c.var.access, client: found.client, list: await deps.workspace.mediaList(found.client.id), errors, imported }), status);
    if (typeof file === "string" || file === undefined || file.size === 0) return page({ fields: { file: "Choose a CSV file to upload." } }, undefined, 422);
    const source = (file.name.split(/[\\/]/).pop() ?? "upload.csv").replace(/[^\w .()-]/g, "_").slice(0, 100) || "upload.csv";
    try {
      const result = await importMediaList(edits, { clientId: found.client.id, csv: await file.text(), source }, c.var.access.email);
      return page(NO_ERRORS, { contacts: result.list.contacts.length, merged: result.merged, skipped: result.errors });
    } catch (err) {
      if (err instanceof ValidationError) return page({ fields: { file: reasonOf(err) } }, undefined, 422);
      if (err instanceof WorkspaceConflictError) return page({ fields: { file: "Someone else replaced this list (or removed the client) at the same moment; nothing was imported. Upload it again." } }, undefined, 409);
      throw err;
    }
  });

  /** The export: stored fields only (masked emails). A GET that reads. */
  app.get("/workspace/clients/:id/media-list.csv", ...guard, async (c) => {
    const found = await managedClient(c);
    if (found instanceof Response) return found;
    const list = await deps.workspace.mediaList(found.client.id);
    if (list === undefined) return notFound(c, "This client has no media list.");
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="media-list-${found.client.id}.csv"`);
    return c.body(mediaListCsv(list));
  });

  app.get("/workspace/clients/:id/media-list/delete", ...guard, async (c) => {
    const found = await managedClient(c);
    if (found instanceof Response) return found;
    return c.html(
      confirmPage(c.var.access, {
        title: `Delete the media list of ${found.client.name}?`,
        text: "Its contacts go; ad briefs of new plans will have no journalist audience until a list is uploaded again.",
        action: `/workspace/clients/${found.client.id}/media-list/delete`,
        button: "Delete media list",
        back: `/workspace/clients/${found.client.id}/media-list`,
        confirmValue: "yes",
        section: "clients",
      }),
    );
  });

  app.post("/workspace/clients/:id/media-list/delete", ...guard, async (c) => {
    const found = await managedClient(c);
    if (found instanceof Response) return found;
    const body = await form(c);
    if (body.confirm !== "yes") return c.redirect(`/workspace/clients/${found.client.id}/media-list/delete`, 303);
    try {
      await deleteMediaList(edits, found.client.id, c.var.access.email);
    } catch (err) {
      if (err instanceof WorkspaceConflictError) return conflict(c);
      throw err;
    }
    return c.redirect(`/workspace/clients/${found.client.id}/media-list?deleted=1`, 303);
  });

  // ---- feeds --------------------------------------------------------------------------------------

  const feedsView = async (c: Context<AppEnv>, f: FeedForm, errors: FormErrors, message?: string, status: 200 | 422 = 200) => {
    const ws = await deps.workspace.load();
    const access = c.var.access;
    const feeds = ws.feeds.filter((feed) => (feed.clientId === undefined ? access.isAdmin : canManage(access, feed.clientId)));
    const states = deps.dashboard === undefined || feeds.length === 0 ? new Map() : await deps.dashboard.feedStates.getFeedStates(feeds.map((x) => x.id));
    return c.html(feedsPage({ access, feeds: feeds.map((feed) => ({ feed, state: states.get(feed.id) })), clients: manageable(ws, access), form: f, errors, now: now(), message }), status);
  };

  app.get("/workspace/feeds", ...guard, (c) => {
    const added = c.req.query("added") ?? "";
    const removed = c.req.query("removed") ?? "";
    const message = ID.test(added) ? `Added feed ${added}; it is polled from the next tick.` : ID.test(removed) ? `Removed feed ${removed}.` : undefined;
    return feedsView(c, { ...EMPTY_FEED_FORM, clientId: c.var.access.isAdmin ? "" : ([...c.var.access.leads][0] ?? "") }, NO_ERRORS, message);
  });

  app.post("/workspace/feeds", ...guard, async (c) => {
    const body = await form(c);
    const f: FeedForm = { id: str(body.id, 100), url: str(body.url, 2000), clientId: str(body.clientId, 100), intervalSeconds: str(body.intervalSeconds, 20) };
    const access = c.var.access;
    if (f.clientId === "" ? !access.isAdmin : !canManage(access, f.clientId)) {
      return f.clientId === "" ? refuse(c, "Only an admin adds a shared wire.") : refuse(c);
    }
    try {
      const interval = numberField("intervalSeconds", f.intervalSeconds);
      const input = { id: f.id.trim(), url: f.url.trim(), ...(f.clientId === "" ? {} : { clientId: f.clientId }), ...(interval === undefined ? {} : { intervalSeconds: interval }) };
      const result = await saveEntity(edits, "feed", input, access.email, "create");
      return c.redirect(`/workspace/feeds?added=${result.value.id}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) {
        const key = err.field.replace(/[[.].*$/, "");
        const known = ["id", "url", "clientId", "intervalSeconds"].includes(key);
        return feedsView(c, f, known ? { fields: { [key]: reasonOf(err) } } : { fields: {}, form: `${err.field}: ${reasonOf(err)}` }, undefined, 422);
      }
      if (err instanceof WorkspaceConflictError) return conflict(c);
      throw err;
    }
  });

  /** The feed named in the path, when this person may change it (shared wires: admins). */
  async function managedFeed(c: Context<AppEnv>) {
    const id = c.req.param("id") ?? "";
    if (!ID.test(id)) return notFound(c, "There is no such feed.");
    const ws = await deps.workspace.load();
    const feed = ws.feeds.find((f) => f.id === id);
    if (feed === undefined) return c.var.access.isAdmin ? notFound(c, "There is no such feed.") : refuse(c, "This feed is not one of your clients'.");
    if (feed.clientId === undefined ? !c.var.access.isAdmin : !canManage(c.var.access, feed.clientId)) return refuse(c, "This feed is not one of your clients'.");
    return feed;
  }

  app.get("/workspace/feeds/:id/remove", ...guard, async (c) => {
    const feed = await managedFeed(c);
    if (feed instanceof Response) return feed;
    return c.html(
      confirmPage(c.var.access, {
        title: `Remove feed ${feed.id}?`,
        text: `It is no longer polled from the next tick. Releases already detected from ${feed.url} stay.`,
        action: `/workspace/feeds/${feed.id}/remove`,
        button: "Remove feed",
        back: "/workspace/feeds",
        confirmValue: feed.id,
        section: "feeds",
      }),
    );
  });

  app.post("/workspace/feeds/:id/remove", ...guard, async (c) => {
    const feed = await managedFeed(c);
    if (feed instanceof Response) return feed;
    const body = await form(c);
    if (body.confirm !== feed.id) return c.redirect(`/workspace/feeds/${feed.id}/remove`, 303);
    try {
      await removeEntity(edits, "feed", feed.id, c.var.access.email);
    } catch (err) {
      if (err instanceof WorkspaceConflictError) return conflict(c);
      throw err;
    }
    return c.redirect(`/workspace/feeds?removed=${feed.id}`, 303);
  });

  // ---- people -------------------------------------------------------------------------------------

  const peopleView = async (c: Context<AppEnv>, f: PersonForm, errors: FormErrors, message?: string, status: 200 | 422 = 200) => {
    const ws = await deps.workspace.load();
    const access = c.var.access;
    const members = membersOf(ws).flatMap((m) => {
      const stored = ws.people.find((p) => p.email === m.email)?.grants ?? [];
      const grants: ShownGrant[] = m.grants
        .filter((g) => (g.role === "admin" ? access.isAdmin : canManage(access, g.clientId)))
        .map((grant) => {
          if (grant.role === "approver") return { grant, source: "approver" as const };
          const isStored = stored.some((s) => s.role === grant.role && (s.role === "admin" || (grant.role !== "admin" && s.clientId === grant.clientId)));
          return { grant, source: isStored ? ("stored" as const) : ("owner" as const) };
        });
      return grants.length === 0 ? [] : [{ email: m.email, name: m.name, grants }];
    });
    return c.html(peoplePage({ access, members, clients: manageable(ws, access), form: f, errors, message }), status);
  };

  app.get("/workspace/people", ...guard, (c) => {
    return peopleView(c, { ...EMPTY_PERSON_FORM, clientId: c.var.access.isAdmin ? "" : ([...c.var.access.leads][0] ?? "") }, NO_ERRORS, peopleMessage(c));
  });

  /** After a role change, the people page says what happened (from codes, never from free text in the URL). */
  const doneUrl = (done: "granted" | "had" | "revoked" | "lacked", email: string, role: Role, clientId: string) =>
    `/workspace/people?${new URLSearchParams({ done, email, role, client: clientId }).toString()}`;
  function peopleMessage(c: Context<AppEnv>): string | undefined {
    const done = c.req.query("done");
    const email = c.req.query("email") ?? "";
    const role = roleOf(c.req.query("role"));
    const client = c.req.query("client") ?? "";
    if (role === undefined || !/^[^\s@]{1,64}@[^\s@]{1,190}$/.test(email) || (role !== "admin" && !ID.test(client))) return undefined;
    const what = role === "admin" ? "an admin" : `${role} of ${client}`;
    switch (done) {
      case "granted":
        return `${email} is now ${what}.`;
      case "had":
        return `${email} already was ${what}.`;
      case "revoked":
        return `${email} is no longer ${what}.`;
      case "lacked":
        return `${email} was not ${what}.`;
      default:
        return undefined;
    }
  }

  const roleOf = (v: unknown): Role | undefined => (v === "admin" || v === "lead" || v === "approver" ? v : undefined);

  app.post("/workspace/people", ...guard, async (c) => {
    const body = await form(c);
    const f: PersonForm = { email: str(body.email, 300), role: str(body.role, 20), clientId: str(body.clientId, 100) };
    const access = c.var.access;
    const role = roleOf(f.role);
    if (role === undefined) return peopleView(c, f, { fields: { role: "Choose a role." } }, undefined, 422);
    if (role === "admin" ? !access.isAdmin : f.clientId !== "" && !canManage(access, f.clientId)) return refuse(c, role === "admin" ? "Only an admin makes admins." : undefined);
    try {
      const result = await grantRole(edits, { email: f.email, role, clientId: role === "admin" || f.clientId === "" ? undefined : f.clientId }, access.email);
      return c.redirect(doneUrl(result.status === "unchanged" ? "had" : "granted", result.value.email, role, role === "admin" ? "" : f.clientId), 303);
    } catch (err) {
      if (err instanceof ValidationError) {
        const key = err.field === "client" || err.field === "clientId" ? "clientId" : err.field === "email" ? "email" : undefined;
        return peopleView(c, f, key === undefined ? { fields: {}, form: `${err.field}: ${reasonOf(err)}` } : { fields: { [key]: reasonOf(err) } }, undefined, 422);
      }
      if (err instanceof WorkspaceConflictError) return conflict(c);
      throw err;
    }
  });

  app.post("/workspace/people/revoke", ...guard, async (c) => {
    const body = await form(c);
    const access = c.var.access;
    const role = roleOf(body.role);
    const email = str(body.email, 300);
    const clientId = str(body.clientId, 100);
    if (role === undefined) return c.html(messagePage("Bad request", "Choose a role to remove."), 400);
    if (role === "admin" ? !access.isAdmin : !canManage(access, clientId)) return refuse(c);
    // An admin cannot lock themselves out: another admin takes the role away.
    if (role === "admin" && email.trim().toLowerCase() === access.email) return peopleView(c, EMPTY_PERSON_FORM, { fields: {}, form: "You cannot take your own admin role; another admin can." }, undefined, 422);
    try {
      const input = { email, role, clientId: role === "admin" ? undefined : clientId };
      const result = deps.signIn === undefined ? await revokeRole(edits, input, access.email) : await revokeAccess({ ...edits, sessions: deps.signIn.sessions }, input, access.email);
      return c.redirect(doneUrl(result.status === "unchanged" ? "lacked" : "revoked", result.value, role, role === "admin" ? "" : clientId), 303);
    } catch (err) {
      if (err instanceof ValidationError) return peopleView(c, EMPTY_PERSON_FORM, { fields: {}, form: reasonOf(err) }, undefined, 422);
      if (err instanceof WorkspaceConflictError) return conflict(c);
      throw err;
    }
  });

  // ---- the log of changes -------------------------------------------------------------------------

  /** Whether a lead sees a log entry: it is about one of their clients (its settings, list, feeds or roles). */
  function entryVisible(access: Access, ws: Workspace, e: WorkspaceLogEntry): boolean {
    if (access.isAdmin) return true;
    // Entries name their clients (grants and removed feeds included); older ones are judged by their target.
    if (e.clientIds !== undefined) return e.clientIds.some((id) => access.leads.has(id));
    if (e.kind === "client" || e.kind === "media-list") return access.leads.has(e.targetId);
    if (e.kind === "feed") {
      const feed = ws.feeds.find((f) => f.id === e.targetId);
      return feed?.clientId !== undefined && access.leads.has(feed.clientId);
    }
    if (e.kind === "person") return e.changes.some((ch) => typeof ch.to === "object" && ch.to !== null && access.leads.has(String((ch.to as { clientId?: unknown }).clientId)));
    return false;
  }

  app.get("/workspace/log", ...guard, async (c) => {
    const access = c.var.access;
    const raw = c.req.query("before");
    const before = raw !== undefined && LOG_CURSOR.test(raw) ? raw : undefined;
    const ws = await deps.workspace.load();
    const shown: WorkspaceLogEntry[] = [];
    let cursor = before;
    let more = false;
    // Leads see their clients' entries only: read pages until one is full (at most 10 reads).
    for (let read = 0; read < 10; read++) {
      const page = await deps.workspace.log({ limit: LOG_PAGE + 1, ...(cursor === undefined ? {} : { before: cursor }) });
      for (const e of page.slice(0, LOG_PAGE)) {
        if (shown.length === LOG_PAGE) {
          more = true;
          break;
        }
        if (entryVisible(access, ws, e)) shown.push(e);
        cursor = `${e.at}#${e.id}`;
      }
      if (shown.length === LOG_PAGE || page.length <= LOG_PAGE) {
        more ||= page.length > LOG_PAGE;
        break;
      }
    }
    const last = shown[shown.length - 1];
    return c.html(logPage(access, shown, more && last !== undefined ? `${last.at}#${last.id}` : undefined, before === undefined));
  });

  // ---- releases -----------------------------------------------------------------------------------

  /** Whether a lead sees a release: planned for (or bound to) one of their clients, or matched by nobody. */
  function releaseVisible(access: Access, r: StoredRelease): boolean {
    if (access.isAdmin) return true;
    if (r.clientId !== null && access.leads.has(r.clientId)) return true;
    if (r.planning === null || r.planning.clientIds.length === 0) return r.clientId === null;
    return r.planning.clientIds.some((id) => access.leads.has(id));
  }

  app.get("/releases", ...guard, async (c) => {
    const store = deps.releasePages?.releases ?? deps.dashboard?.releases;
    if (store === undefined) return c.html(messagePage("No releases", "The release pages are not configured in this deployment."), 404);
    const to = now();
    const releases = await store.listReleases({ from: new Date(to.getTime() - RECENT_DAYS * DAY_MS).toISOString(), to: new Date(to.getTime() + 60_000).toISOString(), limit: 200 });
    return c.html(releasesPage(c.var.access, releases.filter((r) => releaseVisible(c.var.access, r)), RECENT_DAYS, to));
  });

  const releaseView = async (c: Context<AppEnv>, release: StoredRelease, extra: { errors?: FormErrors; chosen?: string; message?: string | undefined; status?: 200 | 422 } = {}) => {
    const access = c.var.access;
    const ws = await deps.workspace.load();
    const plans: AmplificationPlan[] = [];
    for (const planId of (release.planning?.planIds ?? []).slice(0, 50)) {
      const plan = await deps.review.plans.getPlan(planId);
      if (plan !== undefined && canManage(access, plan.clientId)) plans.push(plan);
    }
    const clients = deps.releasePages?.replan === undefined ? [] : manageable(ws, access);
    return c.html(
      releasePage({ access, release, plans, clients, errors: extra.errors ?? NO_ERRORS, chosenClient: extra.chosen ?? clients[0]?.id ?? "", message: extra.message, now: now() }),
      extra.status ?? 200,
    );
  };

  async function visibleRelease(c: Context<AppEnv>): Promise<StoredRelease | Response> {
    const id = c.req.param("id") ?? "";
    const store = deps.releasePages?.releases;
    if (store === undefined) return c.html(messagePage("No releases", "The release pages are not configured in this deployment."), 404);
    const release = RELEASE_ID.test(id) ? await store.getRelease(id) : undefined;
    if (release === undefined) return notFound(c, "There is no such release.");
    if (!releaseVisible(c.var.access, release)) return refuse(c, "This release is not one of your clients'.");
    return release;
  }

  app.get("/releases/:id", ...guard, async (c) => {
    const release = await visibleRelease(c);
    if (release instanceof Response) return release;
    const planned = c.req.query("planned");
    const client = c.req.query("client") ?? "";
    const message = !ID.test(client)
      ? undefined
      : planned === "created"
        ? `Planned for ${client}: its approvers are being emailed.`
        : planned === "exists"
          ? `${client} already had a plan of this release; it is kept as it is.`
          : planned === "none"
            ? `No plan was made for ${client}.`
            : undefined;
    return releaseView(c, release, { message });
  });

  /** "Plan for client...": plans the release for one client the person manages (replanRelease). */
  app.post("/releases/:id/plan", ...guard, async (c) => {
    const release = await visibleRelease(c);
    if (release instanceof Response) return release;
    const replan = deps.releasePages?.replan;
    if (replan === undefined) return c.html(messagePage("Not available", "Planning again is not configured in this deployment."), 404);
    const body = await form(c);
    const clientId = str(body.clientId, 100);
    if (!ID.test(clientId)) return releaseView(c, release, { errors: { fields: { clientId: "Choose a client." } }, status: 422 });
    if (!canManage(c.var.access, clientId)) return refuse(c);
    try {
      const outcome = await replan({ releaseId: release.id, clientId, requestedBy: c.var.access.email });
      const made = outcome.plans.find((p) => p.clientId === clientId);
      return c.redirect(`/releases/${release.id}?planned=${made === undefined ? "none" : made.result}&client=${clientId}#plans`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return releaseView(c, release, { errors: { fields: { clientId: reasonOf(err) } }, chosen: clientId, status: 422 });
      throw err;
    }
  });
}
