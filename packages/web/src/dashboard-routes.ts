import type { Context, Hono, MiddlewareHandler } from "hono";
import {
  auditWindows,
  timelineRows,
  weeklyFigures,
  windowFigures,
  type AuditReadDeps,
  type AuditStore,
  type ClientConfig,
  type WorkspaceStore,
  canManage,
  managesAnyClient,
  configOf,
} from "@pressbridge/core";
import type { AppEnv } from "./app-env.ts";
import { timelineCsv } from "./views/dashboard-export.ts";
import { clientDashboardPage, dashboardIndexPage } from "./views/dashboard-page.ts";
import { messagePage } from "./views/review-page.ts";

/** What the dashboard reads: the audit's read ports, plus the stored reports for "last audit". */
export type DashboardDeps = AuditReadDeps & { audits: Pick<AuditStore, "plansByDeadline" | "latestReport"> };

/** The dashboard's reads with the workspace, which each request reads afresh (the config of the moment). */
type LiveDashboardDeps = Omit<DashboardDeps, "config"> & { workspace: Pick<WorkspaceStore, "load"> };

async function withConfig(live: LiveDashboardDeps): Promise<DashboardDeps> {
  return { ...live, config: configOf(await live.workspace.load()) };
}

const DAY_MS = 86_400_000;
const CLIENT_PARAM = /^([a-z0-9][a-z0-9-]{0,62})(?:\.(csv|json))?$/;

function weeksParam(c: Context): number {
  const raw = c.req.query("weeks");
  const n = raw === undefined ? 4 : Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 26 ? n : 4;
}

/**
 * Plans of a client detected in the last `weeks`, through the client/deadline index: deadlines from
 * `since` (the earliest detection) to now + the window, then filtered by detection time.
 */
async function recentPlans(deps: DashboardDeps, client: ClientConfig, now: Date, weeks: number) {
  const since = new Date(now.getTime() - weeks * 7 * DAY_MS).toISOString();
  const to = new Date(now.getTime() + client.windowHours * 3_600_000).toISOString();
  const plans = (await deps.audits.plansByDeadline(client.id, since, to)).filter((p) => p.release.detectedAt >= since);
  return { since, plans };
}

/**
 * The dashboard pages, for admins and leads (requireSignedIn sets who is asking):
 * - /dashboard: the figures and live counts of every client the person manages (admin: all, with
 *   the findings of shared feeds; lead: theirs); a person who manages none (an approver) is refused;
 * - /dashboard/<client>: for its lead or an admin: the timeline (SVG drawn on the server), missed/at-risk/stale/feed lists and
 *   the figures overall and per ISO week; ?weeks=N (1-26, default 4);
 * - /dashboard/<client>.csv and .json: the same data as exports.
 * The lists are computed live (auditWindows is read-only); the hourly report is what the digests use.
 */
export function registerDashboard(app: Hono<AppEnv>, live: LiveDashboardDeps | undefined, requireSignedIn: MiddlewareHandler<AppEnv>): void {
  const notAllowed = (c: Context) => c.html(messagePage("Not allowed", "The dashboard is for a client's lead and for admins. Ask an admin."), 403);

  app.get("/dashboard", requireSignedIn, async (c) => {
    if (live === undefined) return c.html(messagePage("No dashboard", "The dashboard is not configured in this deployment."), 404);
    const access = c.var.access;
    if (!managesAnyClient(access)) return notAllowed(c);
    const deps = await withConfig(live);
    const now = deps.clock.now();
    const weeks = weeksParam(c);
    const [report, latest] = await Promise.all([auditWindows(deps, { now }), deps.audits.latestReport()]);
    const clients = [];
    for (const client of deps.config.clients.filter((x) => canManage(access, x.id))) {
      const { plans } = await recentPlans(deps, client, now, weeks);
      const counts = report.clients.find((x) => x.clientId === client.id) ?? { missed: 0, atRisk: 0, stale: 0, feedHealth: 0 };
      clients.push({ client, overall: windowFigures(plans, now), counts });
    }
    return c.html(dashboardIndexPage({ access, clients, shared: access.isAdmin ? report.findings.filter((f) => f.clientId === null) : [], weeksShown: weeks, now, lastAudit: latest?.at ?? null }));
  });

  app.get("/dashboard/:client", requireSignedIn, async (c) => {
    if (live === undefined) return c.html(messagePage("No dashboard", "The dashboard is not configured in this deployment."), 404);
    const match = CLIENT_PARAM.exec(c.req.param("client"));
    if (match !== null && !canManage(c.var.access, match[1]!)) return notAllowed(c);
    const deps = await withConfig(live);
    const client = match === null ? undefined : deps.config.clients.find((x) => x.id === match[1]);
    if (client === undefined) return c.html(messagePage("Not found", "There is no such client."), 404);
    const format = match![2];
    const now = deps.clock.now();
    const weeks = weeksParam(c);
    const [{ since, plans }, report, latest] = await Promise.all([
      recentPlans(deps, client, now, weeks),
      auditWindows(deps, { now, onlyClientId: client.id }),
      deps.audits.latestReport(),
    ]);
    const rows = timelineRows(plans, now);
    const overall = windowFigures(plans, now);
    const perWeek = weeklyFigures(plans, now, client.timezone);
    if (format === "csv") {
      c.header("Content-Type", "text/csv; charset=utf-8");
      c.header("Content-Disposition", `attachment; filename="pressbridge-${client.id}-${now.toISOString().slice(0, 10)}.csv"`);
      return c.body(timelineCsv(rows, client.timezone));
    }
    if (format === "json") {
      c.header("Content-Disposition", `attachment; filename="pressbridge-${client.id}-${now.toISOString().slice(0, 10)}.json"`);
      return c.json({
        client: { id: client.id, name: client.name, timezone: client.timezone, windowHours: client.windowHours },
        generatedAt: now.toISOString(),
        since,
        figures: { overall, weeks: perWeek },
        findings: report.findings,
        releases: rows,
      });
    }
    return c.html(clientDashboardPage({ client, report, rows, overall, weeks: perWeek, since, weeksShown: weeks, lastAudit: latest?.at ?? null }, now, c.var.access));
  });
}
