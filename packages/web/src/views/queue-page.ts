import { html } from "hono/html";
import type { Access, AmplificationPlan, ClientConfig } from "@pressbridge/core";
import { formatInZone, relativeTo } from "./format.ts";
import { layout } from "./layout.ts";

/** Pending plans per client, soonest deadline first. Shows no review links: those are personal. */
export function queuePage(clients: ReadonlyArray<{ client: ClientConfig; plans: AmplificationPlan[] }>, now: Date, access?: Access) {
  const body = html`<h1>Approval queue</h1>
<p class="muted">Plans waiting for a decision, per client, soonest deadline first. Each approver has a personal review link in their email (or run <code>pressbridge approvals</code>).</p>
${clients.map(
  ({ client, plans }) => html`<div class="card" id="client-${client.id}">
<h2>${client.name} <span class="muted">${plans.length} pending · times in ${client.timezone}</span></h2>
${
  plans.length === 0
    ? html`<p class="muted">Nothing waiting.</p>`
    : html`<table><tr><th>Release</th><th>Deadline</th><th>Approvers</th></tr>
${plans.map(
  (p) => html`<tr class="${Date.parse(p.windowDeadline) < now.getTime() ? "missed" : ""}"><td><a href="/plans/${p.id}">${p.release.title}</a><br><span class="muted">${p.release.wire} · ${p.drafts.length} drafts, ${p.briefs.length} ad briefs</span></td>
<td>${formatInZone(p.windowDeadline, p.timezone)}<br><span class="muted">${relativeTo(p.windowDeadline, now)}</span></td><td>${p.approvers.join(", ")}</td></tr>`,
)}</table>`
}
</div>`,
)}`;
  return layout("Approval queue", body, { access });
}
