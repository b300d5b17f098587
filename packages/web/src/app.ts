import { Hono, type Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { bodyLimit } from "hono/body-limit";
import {
  decidePlan,
  editPlanDraft,
  announce,
  openReview,
  publicationRetryEvent,
  type ActionResult,
  type AmplificationPlan,
  type ClientConfig,
  type Logger,
  type PublicationStore,
  type ReviewDeps,
  type WorkspaceStore,
  canManage,
  canSee,
  fromZoned,
  rescheduleAction,
  ValidationError,
  type ActionScheduler,
  type ScheduleRequest,
} from "@pressbridge/core";
import type { ScheduleInput } from "./views/schedule-section.ts";
import { MEDIA_LIST_UPLOAD_MAX_BYTES, MEDIA_LIST_UPLOAD_PATH, registerWorkspacePages, type ReleasePagesDeps } from "./workspace-routes.ts";
import { mediaListTooLargePage } from "./views/workspace-media-list.ts";
import { planPage } from "./views/plan-page.ts";
import { outboxMessagePage, outboxPage, type OutboxEntry, type OutboxMessageView } from "./views/outbox-page.ts";
import { queuePage } from "./views/queue-page.ts";
import { registerDashboard, type DashboardDeps } from "./dashboard-routes.ts";
import { messagePage, reviewPage } from "./views/review-page.ts";
import { registerSignIn, type SignInWebDeps } from "./signin-routes.ts";
import type { AppEnv } from "./app-env.ts";
import { requireOwnHost, requireOwnOrigin, siteAddress, type SiteAddress } from "./site-guard.ts";
import { registerWebSub, type WebSubWebDeps } from "./websub-routes.ts";

export interface WebDeps {
  review: ReviewDeps;
  /** The workspace (clients, feeds, people), read per request so every edit shows at once. */
  workspace: WorkspaceStore;
  logger?: Logger;
  /**
   * Local mode only: the on-disk outbox the web app shows at /outbox. It holds every email, sign-in
   * links too, so it opens only with the mailbox link (`/outbox?key=<mailboxKey>`, which sets a
   * cookie for /outbox) that `pressbridge start` prints, or for a signed-in admin.
   */
  outbox?: {
    list(): Promise<OutboxEntry[]>;
    read(file: string): Promise<OutboxMessageView | undefined>;
    mailboxKey: string;
  };
  /**
   * The site's own base URL, where review links point. The app answers only at its host (and, for a
   * loopback URL such as the local default http://127.0.0.1:3000, at 127.0.0.1 and localhost on its
   * port), and takes a POST only from its origin. A function reads it per request: the Lambda's
   * Function URL domain, from the request context AWS sets.
   */
  baseUrl: string | ((c: Context) => string | undefined);
  /**
   * People sign in by email (docs/access.md): the links go out through this mailer, sessions and the
   * rate limits live in these stores. Every page that lists plans or links (queue, dashboard and its
   * exports, plan pages, the workspace pages) needs a session, and checks the person's role for the
   * client; the review pages carry their own signed token instead.
   */
  signIn: SignInWebDeps;
  /** Publishing records (results, dry-run requests) shown on the review and plan pages. */
  publications?: PublicationStore;
  /** Sets and deletes the triggers of scheduled actions moved or cancelled on the plan page. */
  scheduler?: ActionScheduler;
  /** The audit dashboard's reads (/dashboard); without it those pages answer 404. */
  dashboard?: Omit<DashboardDeps, "config">;
  /** The release pages' reads and "Plan for client..." (workspace-routes.ts); without it /releases/:id answers 404. */
  releasePages?: ReleasePagesDeps;
  /** The WebSub callback (/websub/<callbackId>, websub-routes.ts); without it those answer 404. */
  websub?: WebSubWebDeps;
}

export type { AppEnv } from "./app-env.ts";

/** The largest request body, except the media-list upload's (MEDIA_LIST_UPLOAD_MAX_BYTES). */
const FORM_MAX_BYTES = 256 * 1024;

const TOKEN = /^[A-Za-z0-9_-]{10,1024}\.[A-Za-z0-9_-]{20,100}$/;
const PLAN_ID = /^p_[A-Za-z0-9_-]{10,60}$/;

/**
 * The approval and dashboard web app: server-rendered with escaping by construction (hono/html), the
 * same app on Lambda (hono/aws-lambda) and locally (@hono/node-server).
 *
 * Link scanners (Safe Links, Mimecast, Proofpoint) GET every link in an email: a GET here only shows
 * a page and changes nothing. Decisions and edits are POSTs from the page, carrying a CSRF token bound
 * to the link, and the browser's Origin must be this site.
 */
export function createWebApp(deps: WebDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      xFrameOptions: "DENY",
      referrerPolicy: "no-referrer",
      strictTransportSecurity: "max-age=31536000; includeSubDomains",
      crossOriginResourcePolicy: "same-origin",
    }),
  );
  app.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
    c.header("X-Robots-Tag", "noindex, nofollow");
  });
  const fixedSite = typeof deps.baseUrl === "string" ? siteAddress(deps.baseUrl) : undefined;
  const site = (c: Context): SiteAddress | undefined => {
    if (fixedSite !== undefined) return fixedSite;
    const url = (deps.baseUrl as (c: Context) => string | undefined)(c);
    return url === undefined ? undefined : siteAddress(url);
  };
  app.use("*", requireOwnHost(site));
  registerWebSub(app, deps.websub); // machine endpoints (hubs send no Origin): before the same-origin check, with their own 2 MB cap
  app.use("*", requireOwnOrigin(site));
  // Bodies: 256 KB for every form; the media-list upload (a CSV file) has its own 2 MB.
  const formLimit = bodyLimit({ maxSize: FORM_MAX_BYTES, onError: (c) => c.html(messagePage("Too large", "The form was too large."), 413) });
  const uploadLimit = bodyLimit({
    maxSize: MEDIA_LIST_UPLOAD_MAX_BYTES,
    onError: (c) => c.html(mediaListTooLargePage(MEDIA_LIST_UPLOAD_PATH.exec(c.req.path)![1]!, MEDIA_LIST_UPLOAD_MAX_BYTES), 413),
  });
  app.use("*", (c, next) => (c.req.method === "POST" && MEDIA_LIST_UPLOAD_PATH.test(c.req.path) ? uploadLimit(c, next) : formLimit(c, next)));

  const { requireSignedIn, requireOutbox } = registerSignIn(app, {
    signIn: deps.signIn,
    workspace: deps.workspace,
    clock: deps.review.clock,
    keys: () => deps.review.keys,
    site,
    logger: deps.logger,
    mailboxKey: deps.outbox?.mailboxKey,
  });

  app.get("/healthz", (c) => c.text("ok"));
  app.get("/", (c) => c.redirect("/queue", 302));

  app.get("/review/:token", async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return c.html(messagePage("Invalid link", "This approval link is not valid. Check that it was copied completely."), 400);
    const view = await openReview(deps.review, token);
    if (view.kind !== "review") return unusable(c, view.kind, view.message);
    const saved = c.req.query("saved");
    return c.html(
      reviewPage({ ...view, token, now: deps.review.clock.now(), publications: await publicationRecords(view.plan.id), ...(saved === undefined ? {} : { savedChannel: saved }) }),
    );
  });

  app.post("/review/:token/decision", async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return c.html(messagePage("Invalid link", "This approval link is not valid."), 400);
    const form = await c.req.parseBody();
    // "decline" is the name the review form uses; "reject" stays accepted for forms already open.
    const action = form.action === "approve" || form.action === "decline" || form.action === "reject" ? form.action : undefined;
    if (action === undefined) return c.html(messagePage("Bad request", "Choose approve or decline."), 400);
    const shownVersions: Record<string, number> = {};
    for (const [k, v] of Object.entries(form)) {
      if (k.startsWith("v_") && typeof v === "string" && /^\d{1,6}$/.test(v)) shownVersions[k.slice(2)] = Number(v);
    }
    const view = action === "approve" ? await openReview(deps.review, token) : undefined;
    const typed = view?.kind === "review" ? scheduleInputOf(form, view.schedule.map((a) => a.key)) : {};
    const result = await decidePlan(deps.review, {
      token,
      csrf: form.csrf,
      action,
      shownVersions,
      comment: typeof form.comment === "string" ? form.comment : null,
      ...(view?.kind === "review" ? { schedule: scheduleRequestsOf(typed, view.plan.timezone) } : {}),
    });
    if (result.status === "invalid-schedule" && view?.kind === "review") {
      // Refused with the field marked: every typed time and the comment stay as they were.
      return c.html(
        reviewPage({
          ...view,
          token,
          now: deps.review.clock.now(),
          message: { kind: "error", text: `Nothing was decided: the time of ${result.key.replace(/^p_[^:]+:/, "")} ${result.reason}.` },
          scheduleInput: typed,
          scheduleError: { key: result.key, reason: result.reason },
        }),
        422,
      );
    }
    return respond(c, token, result);
  });

  app.post("/review/:token/drafts/:channel", async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return c.html(messagePage("Invalid link", "This approval link is not valid."), 400);
    const form = await c.req.parseBody();
    const version = typeof form.version === "string" && /^\d{1,6}$/.test(form.version) ? Number(form.version) : -1;
    const text = typeof form.text === "string" ? form.text : "";
    const result = await editPlanDraft(deps.review, { token, csrf: form.csrf, channel: c.req.param("channel"), text, expectedVersion: version });
    if (result.status === "invalid-draft") {
      const view = await openReview(deps.review, token);
      if (view.kind !== "review") return unusable(c, view.kind, view.message);
      return c.html(
        reviewPage({
          ...view,
          token,
          now: deps.review.clock.now(),
          message: { kind: "error", text: `The ${result.channel} edit was not saved: ${result.reason}.` },
          rejectedEdit: { channel: result.channel, text },
        }),
        422,
      );
    }
    return respond(c, token, result);
  });

  /** A signed-in person asking for a client's page or action their role does not cover. */
  function notAllowed(c: Context) {
    return c.html(messagePage("Not allowed", "Your role does not cover this client. Ask an admin or the client's lead."), 403);
  }

  /** A link that cannot be used: gone (410), or its approver was removed from the client (403). */
  function unusable(c: Context, kind: "invalid" | "not-approver", message: string) {
    return kind === "not-approver" ? c.html(messagePage("No longer an approver", message), 403) : c.html(messagePage("Link not usable", message), 410);
  }

  /** Maps a POST's result: success and "already decided" redirect to the (read-only) page; errors render. */
  async function respond(c: Context, token: string, result: ActionResult) {
    switch (result.status) {
      case "decided":
      case "already-decided":
        return c.redirect(`/review/${token}#decision`, 303);
      case "edited":
        return c.redirect(`/review/${token}?saved=${result.channel}#draft-${result.channel}`, 303);
      case "invalid":
      case "not-approver":
        return unusable(c, result.status, result.message);
      case "forbidden":
        return c.html(messagePage("Form expired", result.message), 403);
      case "stale": {
        const view = await openReview(deps.review, token);
        if (view.kind !== "review") return unusable(c, view.kind, view.message);
        return c.html(reviewPage({ ...view, token, now: deps.review.clock.now(), message: { kind: "error", text: result.message } }), 409);
      }
      case "invalid-draft":
        return c.html(messagePage("Edit not saved", result.reason), 422);
      case "invalid-schedule":
        return c.html(messagePage("Not decided", `The time of ${result.key} ${result.reason}.`), 422);
    }
  }

  /** The plans waiting for a decision, of the clients the person sees (admin: all; lead, approver: theirs). */
  app.get("/queue", requireSignedIn, async (c) => {
    const access = c.var.access;
    const now = deps.review.clock.now();
    const from = new Date(now.getTime() - 7 * 86_400_000).toISOString();
    const to = new Date(now.getTime() + 31 * 86_400_000).toISOString();
    const rows: Array<{ client: ClientConfig; plans: AmplificationPlan[] }> = [];
    for (const client of (await deps.workspace.load()).clients.filter((x) => canSee(access, x.id))) {
      const plans = await deps.review.plans.listClientPlansByDeadline({ clientId: client.id, from, to, limit: 200 });
      rows.push({ client, plans: plans.filter((p) => p.status === "pending_approval").sort((a, b) => a.windowDeadline.localeCompare(b.windowDeadline)) });
    }
    return c.html(queuePage(rows, now, access));
  });

  const publicationRecords = (planId: string) => deps.publications?.actionRecords(planId) ?? Promise.resolve([]);

  /** A plan's page: for those who see its client. */
  app.get("/plans/:planId", requireSignedIn, async (c) => {
    const planId = c.req.param("planId") ?? "";
    const plan = PLAN_ID.test(planId) ? await deps.review.plans.getPlan(planId) : undefined;
    if (plan === undefined) return c.html(messagePage("Not found", "There is no such plan."), 404);
    if (!canSee(c.var.access, plan.clientId)) return notAllowed(c);
    const retried = c.req.query("retried") === "1" ? "Retry requested: the failed actions are being published again. Reload in a moment." : undefined;
    const scheduled = c.req.query("scheduled");
    const message = retried ?? (scheduled === "cancel" ? "Cancelled: it will not be published." : scheduled === "now" ? "It is published within a minute." : scheduled === "at" ? "Moved." : undefined);
    return c.html(planPage(plan, await publicationRecords(plan.id), deps.review.clock.now(), message, c.var.access, canSee(c.var.access, plan.clientId) ? {} : undefined));
  });

  /**
   * Moves one action of an approved plan to a time, to now, or cancels it (leads and approvers of the
   * plan's client): the schedule is changed with a conditional write, then its trigger is set or
   * deleted. A time the guard moves is shown moved; one after the deadline needs a reason.
   */
  app.post("/plans/:planId/schedule", requireSignedIn, async (c) => {
    const planId = c.req.param("planId") ?? "";
    const plan = PLAN_ID.test(planId) ? await deps.review.plans.getPlan(planId) : undefined;
    if (plan === undefined) return c.html(messagePage("Not found", "There is no such plan."), 404);
    if (!canSee(c.var.access, plan.clientId)) return notAllowed(c);
    if (plan.decision?.action !== "approved" || plan.status !== "approved") return c.html(messagePage("Not scheduled", "Only an approved plan that is still publishing has a schedule to change."), 409);
    const form = await c.req.parseBody();
    const key = typeof form.action === "string" ? form.action.slice(0, 200) : "";
    const intent = form.intent === "now" || form.intent === "cancel" ? form.intent : "at";
    const typed: ScheduleInput = { choice: intent === "now" ? "now" : "at", at: typeof form.at === "string" ? form.at.slice(0, 20) : "", lateReason: typeof form.late === "string" ? form.late.slice(0, 500) : "" };
    const records = await publicationRecords(plan.id);
    const now = deps.review.clock.now();
    try {
      const request = intent === "cancel" ? "cancel" : scheduleRequestsOf({ [key]: typed }, plan.timezone)[key]!;
      const changed = await rescheduleAction({ plans: deps.review.plans, scheduler: deps.scheduler, disclosureOf: deps.review.disclosureOf, wireAt: deps.review.wireAt }, { plan, records, key, request, by: c.var.access.email, now });
      if (changed.status === "conflict") {
        return c.html(planPage(plan, records, now, "Someone changed this schedule at the same moment; nothing was changed. Check it and try again.", c.var.access, {}), 409);
      }
      // The last action still to go cancelled: publishing completes the plan, fired at once (this app does not publish).
      if (intent === "cancel" && changed.nothingLeft) await deps.scheduler?.ensure({ planId: plan.id, actionKey: changed.key, at: now.toISOString(), timeZone: plan.timezone });
      return c.redirect(`/plans/${plan.id}?scheduled=${intent}#schedule`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return c.html(planPage(plan, records, now, undefined, c.var.access, { error: { key, reason: err.message, typed } }), 422);
    }
  });

  /**
   * Asks the publish consumer (through the bus) to retry the plan's failed actions; it publishes, not
   * this app. For those who manage the plan's client (admin, its lead).
   */
  app.post("/plans/:planId/retry", requireSignedIn, async (c) => {
    const planId = c.req.param("planId") ?? "";
    const plan = PLAN_ID.test(planId) ? await deps.review.plans.getPlan(planId) : undefined;
    if (plan === undefined) return c.html(messagePage("Not found", "There is no such plan."), 404);
    if (!canManage(c.var.access, plan.clientId)) return notAllowed(c);
    if (plan.decision?.action !== "approved") return c.html(messagePage("Not approved", "Only an approved plan is published."), 409);
    const at = deps.review.clock.now().toISOString();
    // Recorded in the outbox, then published (the delivery kernel); the same failed state asked twice is one event.
    await announce(deps.review, [publicationRetryEvent(plan, { requestedBy: `${c.var.access.email} (web)`, retryFailed: true, at })]);
    return c.redirect(`/plans/${plan.id}?retried=1#publication`, 303);
  });

  app.get("/outbox", requireOutbox, async (c) => c.html(outboxPage(await deps.outbox!.list(), c.get("access"))));

  app.get("/outbox/:file", requireOutbox, async (c) => {
    const message = await deps.outbox!.read(c.req.param("file") ?? "");
    if (message === undefined) return c.html(messagePage("Not found", "No such email in the outbox."), 404);
    return c.html(outboxMessagePage(message, c.get("access")));
  });

  registerDashboard(app, deps.dashboard === undefined ? undefined : { ...deps.dashboard, workspace: deps.workspace }, requireSignedIn);
  registerWorkspacePages(app, deps, requireSignedIn);

  app.notFound((c) => c.html(messagePage("Not found", "There is nothing here."), 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return c.html(messagePage("Bad request", "The request could not be read."), err.status);
    const fields = { path: c.req.path.startsWith("/review/") ? "/review/…" : c.req.path, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    if (deps.logger !== undefined) deps.logger.error("web request failed", fields);
    else console.error("web request failed", fields);
    return c.html(messagePage("Something went wrong", "The request could not be completed. Reload the page to see the current state, then try again."), 500);
  });
  return app;
}

/** The decision form's per-action time fields, as typed (`when_<key>`, `at_<key>`, `late_<key>`). */
function scheduleInputOf(form: Record<string, unknown>, keys: readonly string[]): Record<string, ScheduleInput> {
  const out: Record<string, ScheduleInput> = {};
  const text = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");
  for (const key of keys) {
    const when = form[`when_${key}`];
    const choice = when === "now" || when === "at" ? when : "suggested";
    out[key] = { choice, at: text(form[`at_${key}`], 20), lateReason: text(form[`late_${key}`], 500) };
  }
  return out;
}

/** The typed times as requests: a `datetime-local` value is the client's wall clock. */
function scheduleRequestsOf(input: Readonly<Record<string, ScheduleInput>>, timeZone: string): Record<string, ScheduleRequest> {
  const out: Record<string, ScheduleRequest> = {};
  for (const [key, v] of Object.entries(input)) {
    if (v.choice === "suggested") continue;
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v.at);
    const at = v.choice === "at" ? (m === null ? new Date(Number.NaN) : fromZoned({ y: +m[1]!, m: +m[2]!, d: +m[3]!, hh: +m[4]!, mm: +m[5]! }, timeZone)) : undefined;
    out[key] = { choice: v.choice, ...(at === undefined ? {} : { at }), ...(v.lateReason.trim() === "" ? {} : { lateReason: v.lateReason }) };
  }
  return out;
}
