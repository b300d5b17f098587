import { html } from "hono/html";
import { actionLabel, type AmplificationPlan, type PublishActionRecord, type PublishedAction } from "@pressbridge/core";
import { formatInZone } from "./format.ts";
import { safeHref } from "./safe-href.ts";

function resultCell(a: PublishedAction) {
  if (a.status === "failed") {
    return html`<span class="pill rejected">failed${a.retryable ? " (temporary)" : ""}</span> ${a.reason ?? ""}`;
  }
  if (a.dryRun) return html`<span class="pill pending_approval">dry run</span> no credentials: nothing was sent; the requests are below, ready to repeat by hand`;
  return html`<span class="pill approved">published</span> ${a.url === null ? Object.values(a.platformIds).join(", ") : html`<a href="${safeHref(a.url)}" rel="noopener noreferrer" target="_blank">${a.url}</a>`}`;
}

function dryRunDetails(record: PublishActionRecord) {
  const preview = record.dryRun;
  if (preview === null) return "";
  return html`<details class="dry-run" id="dry-run-${record.platform}-${record.kind}"><summary>${actionLabel(record)}: what would be sent (${preview.requests.length} request${preview.requests.length === 1 ? "" : "s"})</summary>
${preview.note === null ? "" : html`<p class="muted">${preview.note}</p>`}
${preview.requests.map(
  (r) => html`<p><strong>${r.label}</strong></p>
<pre>${r.method} ${r.url}
${Object.entries(r.headers)
  .map(([k, v]) => `${k}: ${v}`)
  .join("\n")}${r.body === null ? "" : `\n\n${r.bodyEncoding === "form" ? Object.entries(r.body as Record<string, unknown>).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join("\n") : JSON.stringify(r.body, null, 2)}`}</pre>`,
)}
</details>`;
}

/**
 * The text of a dry-run organic post, ready to copy and post by hand: a readonly textarea (focus
 * and select with the keyboard or pointer; no script needed), with the tracked link if the text
 * does not already carry it.
 */
function copyReady(plan: AmplificationPlan, a: PublishedAction) {
  if (a.kind !== "organic-post" || !a.dryRun || a.status !== "published") return "";
  const version = Number(/:v(\d+)$/.exec(a.key)?.[1] ?? Number.NaN);
  // A follow-up (`...:post:<channel>:follow-up:v<n>`) is its own draft, with its own id on the page.
  const followUp = a.key.includes(":follow-up:");
  const drafts = followUp ? (plan.followUps ?? []) : plan.drafts;
  const draft = drafts.find((d) => d.channel === a.platform && d.version === version) ?? drafts.find((d) => d.channel === a.platform);
  if (draft === undefined) return "";
  const text = draft.link === null || draft.text.includes(draft.link) ? draft.text : `${draft.text}\n${draft.link}`;
  const id = `copy-${a.platform}${followUp ? "-follow-up" : ""}`;
  return html`<p><label for="${id}">${actionLabel(a)}: text to post by hand</label><br><textarea id="${id}" class="copy-ready" readonly rows="${Math.min(12, text.split("\n").length + 2)}" style="width:100%;max-width:100%;box-sizing:border-box">${text}</textarea></p>`;
}

/**
 * What publishing did for an approved plan: per action where it went, with its link, or why it
 * failed; dry runs with the exact requests. Everything shown is escaped (feed and platform text).
 */
export function publicationSection(plan: AmplificationPlan, records: readonly PublishActionRecord[], options: { retryForm?: ReturnType<typeof html> } = {}) {
  if (plan.decision?.action !== "approved") return "";
  const publication = plan.publication;
  if (publication === undefined) {
    const inFlight = records.filter((r) => r.state === "in-flight").length;
    return html`<div class="card" id="publication"><h2>Publication</h2><p class="muted">Publishing${inFlight > 0 ? ` (${inFlight} action${inFlight === 1 ? "" : "s"} in flight)` : ""}… reload in a moment.</p></div>`;
  }
  const failed = publication.actions.filter((a) => a.status === "failed").length;
  const dry = publication.actions.filter((a) => a.dryRun);
  const real = publication.actions.filter((a) => !a.dryRun && a.status === "published");
  const allDry = publication.actions.length > 0 && dry.length === publication.actions.length;
  return html`<div class="card ${failed > 0 ? "error" : ""}" id="publication">
<h2>Publication</h2>
${
  allDry
    ? html`<p class="dry-run-notice"><strong>Dry run: nothing was posted.</strong> No platform credentials were configured, so the posts below were recorded, not sent. Post them by hand, or configure credentials and publish again.</p>`
    : dry.length > 0
      ? html`<p class="dry-run-notice"><strong>Partly a dry run:</strong> ${dry.map((a) => actionLabel(a)).join(", ")} ${dry.length === 1 ? "was" : "were"} not posted (no credentials); really posted: ${real.length === 0 ? "nothing" : real.map((a) => actionLabel(a)).join(", ")}.</p>`
      : ""
}
<p class="muted">${
    failed > 0
      ? `${failed} of ${publication.actions.length} actions failed`
      : allDry
        ? "Recorded as a dry run"
        : publication.dryRun
        ? "Done; some actions were dry runs (no credentials for that platform)"
        : "Everything was published; ads are paused until a person launches them"
  } · last run ${formatInZone(publication.at, plan.timezone)}</p>
<table><tr><th>Action</th><th>Result</th></tr>
${publication.actions.map((a) => html`<tr class="action-${a.status}"><td>${actionLabel(a)}</td><td>${resultCell(a)}</td></tr>`)}
</table>
${publication.actions.map((a) => copyReady(plan, a))}
${failed > 0 && options.retryForm !== undefined ? options.retryForm : ""}
${records.filter((r) => r.dryRun !== null).map(dryRunDetails)}
</div>`;
}
