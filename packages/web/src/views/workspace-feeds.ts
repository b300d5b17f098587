import { html } from "hono/html";
import type { Access, ClientConfig, FeedConfig, FeedState } from "@pressbridge/core";
import { relativeTo } from "./format.ts";
import { safeHref } from "./safe-href.ts";
import { clip, formError, inputField, notice, selectField, workspacePage, type FormErrors, type Html } from "./workspace-layout.ts";

export interface FeedForm {
  id: string;
  url: string;
  clientId: string;
  intervalSeconds: string;
}

export const EMPTY_FEED_FORM: FeedForm = { id: "", url: "", clientId: "", intervalSeconds: "60" };

export interface FeedsPageModel {
  access: Access;
  feeds: ReadonlyArray<{ feed: FeedConfig; state: FeedState | undefined }>;
  /** The clients a new feed may be bound to (the person's own). */
  clients: readonly ClientConfig[];
  form: FeedForm;
  errors: FormErrors;
  now: Date;
  message?: string | undefined;
}

/** A feed's health in words: never polled, failing (since when), or fine. */
function health(feed: FeedConfig, state: FeedState | undefined): { label: string; cls: string } {
  if (!feed.enabled) return { label: "disabled", cls: "" };
  if (state === undefined || state.lastAttemptAt === null) return { label: "not polled yet", cls: "" };
  if (state.consecutiveFailures > 0) return { label: `failing${state.lastHttpStatus === null ? "" : ` (HTTP ${state.lastHttpStatus})`}`, cls: "bad" };
  if ((state.warnings ?? []).length > 0) return { label: "ok, with warnings", cls: "warn" };
  return { label: "ok", cls: "" };
}

/** The feeds with their health, and the form to add one (shared wires are the admins'). */
export function feedsPage(m: FeedsPageModel): Html {
  const e = m.errors;
  const when = (iso: string | null | undefined) => (iso === null || iso === undefined ? "never" : relativeTo(iso, m.now));
  const clientOptions = [
    ...(m.access.isAdmin ? [{ value: "", label: "Shared wire (matched by keywords)" }] : []),
    ...m.clients.map((c) => ({ value: c.id, label: `${c.name} (${c.id})` })),
  ];
  const body = html`<h1>Feeds</h1>
${notice(m.message)}
<div class="card">${
    m.feeds.length === 0
      ? html`<p class="muted">No feeds yet.</p>`
      : html`<table class="stack" id="feeds"><tr><th>Feed</th><th>Status</th><th>Last success</th><th>Failures</th><th>Next poll</th><th>Warnings</th><th></th></tr>
${m.feeds.map(({ feed, state }) => {
  // A feed whose client is gone (older data) is not polled: said so, for removal.
  const orphan = feed.clientId !== undefined && !m.clients.some((c) => c.id === feed.clientId) && m.access.isAdmin;
  const h = orphan ? { cls: "warn", label: `Not polled: client ${feed.clientId} is gone` } : health(feed, state);
  const warnings = (state?.warnings ?? []).slice(0, 3);
  return html`<tr id="feed-${feed.id}"><td data-label="Feed"><strong>${feed.id}</strong> <span class="muted">${feed.clientId === undefined ? "shared" : `for ${feed.clientId}`} · every ${feed.intervalSeconds} s</span><br><a href="${safeHref(feed.url)}" rel="noreferrer noopener">${clip(feed.url, 120)}</a></td>
<td data-label="Status" class="${h.cls}">${h.label}${state?.lastError == null ? "" : html`<br><span class="muted">${clip(state.lastError, 200)}</span>`}</td>
<td data-label="Last success">${when(state?.lastSuccessAt)}</td>
<td data-label="Failures">${state?.consecutiveFailures ?? 0}</td>
<td data-label="Next poll">${state?.nextPollAt == null ? "—" : relativeTo(state.nextPollAt, m.now)}</td>
<td data-label="Warnings">${warnings.length === 0 ? "—" : html`${warnings.map((w) => html`${clip(w, 160)}<br>`)}${(state?.warnings?.length ?? 0) > 3 ? html`<span class="muted">and ${state!.warnings!.length - 3} more</span>` : ""}`}</td>
<td>${feed.clientId === undefined && !m.access.isAdmin ? "" : html`<a href="/workspace/feeds/${feed.id}/remove">Remove</a>`}</td></tr>`;
})}</table>`
  }</div>
<form method="post" action="/workspace/feeds" class="card" id="feed-form" novalidate>
<h2>Add a feed</h2>
${formError(e)}
${inputField("id", "Feed id", m.form.id, e, { required: true, hint: "Lower-case letters, digits and dashes, e.g. acme-newsroom", maxlength: 63 })}
${inputField("url", "Feed URL (RSS or Atom)", m.form.url, e, { type: "url", required: true, maxlength: 2000 })}
${selectField("clientId", "Client", m.form.clientId, clientOptions, e, "A feed bound to a client is that client's own newsroom; a shared wire is matched to clients by their keywords.")}
${inputField("intervalSeconds", "Poll every (seconds)", m.form.intervalSeconds, e, { inputmode: "numeric", maxlength: 6 })}
<p><button type="submit" class="approve">Add feed</button></p>
</form>`;
  return workspacePage("Feeds", m.access, "feeds", body);
}
