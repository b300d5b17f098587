import { html } from "hono/html";
import { FINDING_KINDS, type Access, type AuditFinding, type AuditReport, type ClientConfig, type FindingKind, type TimelineRow, type WindowFigures } from "@pressbridge/core";
import { formatInZone, relativeTo } from "./format.ts";
import { layout } from "./layout.ts";
import { timelineSvg } from "./timeline-svg.ts";

export interface ClientDashboard {
  client: ClientConfig;
  /** Live findings of this client (auditWindows, read-only). */
  report: AuditReport;
  rows: TimelineRow[];
  overall: WindowFigures;
  weeks: Array<WindowFigures & { week: string }>;
  /** Plans detected since this instant are shown. */
  since: string;
  weeksShown: number;
  /** The last stored (hourly) report, for "last audit". */
  lastAudit: string | null;
}

const KIND_TITLES: Record<FindingKind, string> = {
  missed: "Missed windows",
  "at-risk": "At risk",
  stale: "Approvals pending too long",
  "feed-health": "Feed health",
  "late-by-choice": "Late by choice (scheduled after the deadline, with a reason)",
};

export function percent(share: number | null): string {
  return share === null ? "–" : `${Math.round(share * 100)}%`;
}

export function duration(ms: number | null): string {
  if (ms === null) return "–";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = ms / 3_600_000;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d`;
}

function figuresCells(f: WindowFigures) {
  return html`<td>${f.releases}</td><td>${percent(f.shareInWindow)} <span class="muted">(${f.amplifiedInWindow}/${f.decided})</span></td><td>${duration(f.medianToApprovalMs)}</td><td>${duration(f.medianToPublicationMs)}</td><td>${f.dryRuns}</td>`;
}

const FIGURE_HEAD = html`<th>Releases</th><th>Amplified within window</th><th>Median detection → approval</th><th>Median detection → publication</th><th>Dry runs</th>`;

/** /dashboard: every client's figures and live counts. */
export function dashboardIndexPage(model: {
  access?: Access;
  clients: Array<{ client: ClientConfig; overall: WindowFigures; counts: { missed: number; atRisk: number; stale: number; feedHealth: number } }>;
  shared: AuditFinding[];
  weeksShown: number;
  now: Date;
  lastAudit: string | null;
}) {
  const body = html`<h1>Amplification dashboard</h1>
<p class="muted">Releases detected in the last ${model.weeksShown} weeks. Missed and at-risk counts are live; ${
    model.lastAudit === null ? "no hourly audit has run yet" : html`the last hourly audit ran ${relativeTo(model.lastAudit, model.now)}`
  }.</p>
<div class="card"><table id="clients"><tr><th>Client</th>${FIGURE_HEAD}<th>Missed</th><th>At risk</th><th>Stale</th></tr>
${model.clients.map(
  (c) => html`<tr><td><a href="/dashboard/${c.client.id}">${c.client.name}</a></td>${figuresCells(c.overall)}<td class="${c.counts.missed ? "bad" : ""}">${c.counts.missed}</td><td class="${c.counts.atRisk ? "warn" : ""}">${c.counts.atRisk}</td><td>${c.counts.stale}</td></tr>`,
)}</table></div>
${model.shared.length === 0 ? "" : html`<div class="card"><h2>Shared wires</h2>${findingList(model.shared, "UTC", model.now)}</div>`}`;
  return layout("Dashboard", body, { access: model.access });
}

function findingList(findings: readonly AuditFinding[], timeZone: string, now: Date) {
  return html`<table><tr><th>Release or feed</th><th>Deadline</th><th>Why</th></tr>
${findings.map(
  (f) => html`<tr class="finding ${f.kind}" data-id="${f.id}"><td dir="auto">${f.planId === null ? f.title || "(untitled release)" : html`<a href="/plans/${f.planId}">${f.title || "(untitled release)"}</a>`}</td><td>${
    f.deadline === null ? "–" : html`${formatInZone(f.deadline, timeZone)}<br><span class="muted">${relativeTo(f.deadline, now)}</span>`
  }</td><td>${f.reason}${f.dryRun ? html` <strong>Dry run: posted by hand?</strong>` : ""}</td></tr>`,
)}</table>`;
}

/** /dashboard/:clientId: the timeline, the lists, the figures overall and per ISO week, the exports. */
export function clientDashboardPage(m: ClientDashboard, now: Date, access?: Access) {
  const tz = m.client.timezone;
  const byKind = (kind: FindingKind) => m.report.findings.filter((f) => f.kind === kind);
  const body = html`<p><a href="/dashboard">← All clients</a></p>
<h1>${m.client.name}</h1>
<p class="muted">Releases detected since ${formatInZone(m.since, tz)} (${m.weeksShown} weeks). Deadlines in ${tz}. ${
    m.lastAudit === null ? "No hourly audit has run yet." : html`Last hourly audit ${relativeTo(m.lastAudit, now)}.`
  } Export: <a id="export-csv" href="/dashboard/${m.client.id}.csv?weeks=${m.weeksShown}">CSV</a> · <a id="export-json" href="/dashboard/${m.client.id}.json?weeks=${m.weeksShown}">JSON</a></p>
<div class="card" id="figures"><h2>Figures</h2><table><tr><th>Period</th>${FIGURE_HEAD}</tr>
<tr><td><strong>All ${m.weeksShown} weeks</strong></td>${figuresCells(m.overall)}</tr>
${m.weeks.map((w) => html`<tr><td>${w.week}</td>${figuresCells(w)}</tr>`)}</table>
<p class="muted">Amplified within window: approved and published by the deadline, out of the releases whose window has closed or that are already amplified. Dry runs (nothing was posted) never count as amplified; they are counted in their own column.</p></div>
<div class="card"><h2>Timeline</h2>${timelineSvg(m.rows, now, tz)}</div>
${FINDING_KINDS.map((kind) => {
  const list = byKind(kind);
  return html`<div class="card" id="${kind}"><h2>${KIND_TITLES[kind]} <span class="muted">${list.length}</span></h2>${
    list.length === 0 ? html`<p class="muted">None.</p>` : findingList(list, tz, now)
  }</div>`;
})}`;
  return layout(`Dashboard · ${m.client.name}`, body, { access });
}
