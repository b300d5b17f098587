import { html } from "hono/html";
import type { Access } from "@pressbridge/core";
import { layout } from "./layout.ts";

export interface OutboxEntry {
  file: string;
  to: string[];
  subject: string;
  date: string;
  kind?: string | undefined;
  planId?: string | undefined;
}

export interface OutboxMessageView {
  file: string;
  subject: string;
  to: string[];
  date: string;
  text: string;
}

export function outboxPage(entries: readonly OutboxEntry[], access?: Access) {
  const body = html`<h1>Outbox</h1>
<p class="muted">Local mode keeps every email here instead of sending it (set SMTP_URL to send through an SMTP server).</p>
<div class="card">${
    entries.length === 0
      ? html`<p class="muted">No email yet. Emails appear when a release is planned.</p>`
      : html`<table><tr><th>Date</th><th>To</th><th>Subject</th></tr>
${entries.map((e) => html`<tr><td>${e.date}</td><td>${e.to.join(", ")}</td><td><a href="/outbox/${encodeURIComponent(e.file)}">${e.subject}</a></td></tr>`)}</table>`
  }</div>`;
  return layout("Outbox", body, { access });
}

/** One email, its plain-text part shown as text, its links (review links) made clickable. */
export function outboxMessagePage(m: OutboxMessageView, access?: Access) {
  const links = [...new Set(m.text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
  const body = html`<p><a href="/outbox">← Outbox</a></p>
<div class="card"><h1>${m.subject}</h1><p class="muted">To ${m.to.join(", ")} · ${m.date}</p>
${links.length === 0 ? "" : html`<p>${links.map((l) => html`<a class="mail-link" href="${l}">${l.length > 90 ? `${l.slice(0, 87)}...` : l}</a><br>`)}</p>`}
<pre>${m.text}</pre></div>`;
  return layout(m.subject, body, { access });
}
