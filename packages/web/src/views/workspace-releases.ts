import { html } from "hono/html";
import type { Access, AmplificationPlan, ClientConfig, StoredRelease } from "@pressbridge/core";
import { formatInZone, relativeTo } from "./format.ts";
import { safeHref } from "./safe-href.ts";
import { clip, formError, notice, selectField, workspacePage, type FormErrors, type Html } from "./workspace-layout.ts";

/** Whom a release was planned for, as far as this person may know: other agencies' clients are only counted. */
function plannedFor(r: StoredRelease, access: Access): string {
  if (r.planning === null) return r.announce === "baseline" ? "not planned (seen on a feed's first poll)" : "not planned yet";
  if (r.planning.clientIds.length === 0) return "matched no client";
  const shown = access.isAdmin ? r.planning.clientIds : r.planning.clientIds.filter((id) => access.approves.has(id));
  const others = r.planning.clientIds.length - shown.length;
  const hidden = others === 0 ? "" : `${others} other client${others === 1 ? "" : "s"}`;
  return [...shown, ...(hidden === "" ? [] : [hidden])].join(", ");
}

/** Recent releases, newest first, with whom each was planned for. */
export function releasesPage(access: Access, releases: readonly StoredRelease[], days: number, now: Date): Html {
  const body = html`<h1>Releases</h1>
<p class="muted">Detected in the last ${days} days, newest first${access.isAdmin ? "" : ": those planned for your clients, and those that matched no client"}.</p>
<div class="card">${
    releases.length === 0
      ? html`<p class="muted">No releases in this period.</p>`
      : html`<table class="stack" id="releases"><tr><th>Release</th><th>Detected</th><th>Planned for</th></tr>
${releases.map(
  (r) => html`<tr><td data-label="Release"><a href="/releases/${r.id}">${clip(r.title, 200) || "(no title)"}</a><br><span class="muted">${clip(r.wire, 60)}${r.issuer === null ? "" : ` · ${clip(r.issuer, 80)}`}</span></td><td data-label="Detected">${relativeTo(r.detectedAt, now)}</td><td data-label="Planned for" class="${r.planning !== null && r.planning.clientIds.length === 0 ? "warn" : ""}">${plannedFor(r, access)}</td></tr>`,
)}</table>`
  }</div>`;
  return workspacePage("Releases", access, "releases", body);
}

export interface ReleasePageModel {
  access: Access;
  release: StoredRelease;
  /** The plans made for it that this person may see. */
  plans: readonly AmplificationPlan[];
  /** Clients this person may plan it for ("Plan for client..."). */
  clients: readonly ClientConfig[];
  errors: FormErrors;
  chosenClient: string;
  message?: string | undefined;
  now: Date;
}

/** One release: what it says, where it was seen (sources), the plans made, and "Plan for client...". */
export function releasePage(m: ReleasePageModel): Html {
  const r = m.release;
  const body = html`<h1>${clip(r.title, 300) || "(no title)"}</h1>
${notice(m.message)}
<div class="card">
<p class="muted">${clip(r.wire, 60)}${r.issuer === null ? "" : ` · ${clip(r.issuer, 120)}`} · detected ${formatInZone(r.detectedAt, "UTC")} (${relativeTo(r.detectedAt, m.now)})</p>
${r.url === null ? "" : html`<p><a href="${safeHref(r.url)}" rel="noreferrer noopener">${clip(r.url, 200)}</a></p>`}
<p>${clip(r.summary, 800)}</p>
</div>
<div class="card" id="sources"><h2>Sources</h2>
<table class="stack"><tr><th>Feed</th><th>Link</th><th>Seen</th></tr>
${r.sources.slice(0, 50).map(
  (s) => html`<tr><td data-label="Feed">${clip(s.feedId, 63)}</td><td data-label="Link">${s.url === null ? "—" : html`<a href="${safeHref(s.url)}" rel="noreferrer noopener">${clip(s.url, 160)}</a>`}</td><td data-label="Seen">${formatInZone(s.seenAt, "UTC")}</td></tr>`,
)}</table></div>
<div class="card" id="plans"><h2>Plans</h2>
<p class="muted">Planned for: ${plannedFor(r, m.access)}</p>
${
  m.plans.length === 0
    ? html`<p class="muted">No plan${m.access.isAdmin ? "" : " for your clients"}.</p>`
    : html`<table class="stack"><tr><th>Client</th><th>Status</th><th>Deadline</th></tr>
${m.plans.map(
  (p) => html`<tr><td data-label="Client"><a href="/plans/${p.id}">${p.clientName}</a></td><td data-label="Status"><span class="pill ${p.status}">${p.status.replace(/_/g, " ")}</span></td><td data-label="Deadline">${formatInZone(p.windowDeadline, p.timezone)}</td></tr>`,
)}</table>`
}</div>
${
  m.clients.length === 0
    ? ""
    : html`<form method="post" action="/releases/${r.id}/plan" class="card" id="plan-for-client">
<h2>Plan for client…</h2>
${formError(m.errors)}
<p class="muted">Makes a plan of this release for a client (even if its keywords do not match) and emails the client's approvers. A plan that exists is kept as it is.</p>
${selectField("clientId", "Client", m.chosenClient, m.clients.map((c) => ({ value: c.id, label: `${c.name} (${c.id})` })), m.errors)}
<p><button type="submit" class="approve">Plan for this client</button></p>
</form>`
}`;
  return workspacePage(clip(r.title, 80) || "Release", m.access, "releases", body);
}
