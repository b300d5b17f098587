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
  return html`<div class="card ${failed > 0 ? "error" : ""}" id="publication">
<h2>Publication</h2>
<p class="muted">${
    failed > 0
      ? `${failed} of ${publication.actions.length} actions failed`
      : publication.dryRun
        ? "Done; some actions were dry runs (no credentials for that platform)"
        : "Everything was published; ads are paused until a person launches them"
  } · last run ${formatInZone(publication.at, plan.timezone)}</p>
<table><tr><th>Action</th><th>Result</th></tr>
${publication.actions.map((a) => html`<tr class="action-${a.status}"><td>${actionLabel(a)}</td><td>${resultCell(a)}</td></tr>`)}
</table>
${failed > 0 && options.retryForm !== undefined ? options.retryForm : ""}
${records.filter((r) => r.dryRun !== null).map(dryRunDetails)}
</div>`;
}
