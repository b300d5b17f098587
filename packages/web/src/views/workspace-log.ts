import { html } from "hono/html";
import type { Access, FieldChange, WorkspaceLogEntry } from "@pressbridge/core";
import { formatInZone } from "./format.ts";
import { clip, workspacePage, type Html } from "./workspace-layout.ts";

/** A logged value as text, bounded (values are config fields; long lists are cut). */
function valueText(v: unknown): string {
  if (v === null || v === undefined) return "—";
  return clip(typeof v === "string" ? v : JSON.stringify(v), 300);
}

function changeItem(c: FieldChange): Html {
  return html`<li><code>${clip(c.field, 100)}</code>: ${valueText(c.from)} → ${valueText(c.to)}</li>`;
}

/** The workspace's log of changes, newest first: who, when, what (field by field), paged. */
export function logPage(access: Access, entries: readonly WorkspaceLogEntry[], next: string | undefined, first: boolean): Html {
  const body = html`<h1>Log of changes</h1>
<p class="muted">Every change to clients, feeds, people and media lists, newest first. Times in UTC.</p>
<div class="card">${
    entries.length === 0
      ? html`<p class="muted">${first ? "No changes yet." : "No older changes."}</p>`
      : html`<table class="stack" id="log"><tr><th>When</th><th>Who</th><th>What</th></tr>
${entries.map(
  (e) => html`<tr class="entry"><td data-label="When">${formatInZone(e.at, "UTC")}</td><td data-label="Who">${clip(e.actor, 254)}</td><td data-label="What">${clip(e.summary, 500)}${
    e.changes.length === 0 ? "" : html`<ul>${e.changes.slice(0, 30).map(changeItem)}${e.changes.length > 30 ? html`<li class="muted">and ${e.changes.length - 30} more</li>` : ""}</ul>`
  }</td></tr>`,
)}</table>`
  }</div>
<p class="actions">${first ? "" : html`<a href="/workspace/log">Newest</a>`}${next === undefined ? "" : html` <a href="/workspace/log?before=${encodeURIComponent(next)}" id="older">Older changes</a>`}</p>`;
  return workspacePage("Log of changes", access, "log", body);
}
