import { html } from "hono/html";
import { scheduleOf, type Access, type AmplificationPlan, type PublishActionRecord } from "@pressbridge/core";
import { scheduleEditor, scheduleSummary, type ScheduleInput } from "./schedule-section.ts";
import { formatInZone, relativeTo } from "./format.ts";
import { layout } from "./layout.ts";
import { audienceSection } from "./audience-section.ts";
import { publicationSection } from "./publication-section.ts";
import { safeHref } from "./safe-href.ts";

/** An operator's view of one plan: status, decision and what publishing did, with a retry for failures. */
export function planPage(
  plan: AmplificationPlan,
  records: readonly PublishActionRecord[],
  now: Date,
  message?: string,
  access?: Access,
  /** Given (to a person who may change the schedule): the editor; `error` marks a refused change. */
  scheduling?: { error?: { key: string; reason: string; typed: ScheduleInput } },
) {
  const schedule = scheduleOf(plan)?.actions ?? [];
  const publishedKeys = new Set(records.filter((r) => r.state === "published").map((r) => r.key));
  // Leads and approvers move or cancel what is still to go while the plan is publishing.
  const scheduleCard = schedule.length === 0 ? "" : plan.status === "approved" && scheduling !== undefined ? scheduleEditor(plan, schedule, publishedKeys, scheduling.error) : scheduleSummary(plan, schedule, publishedKeys);
  const retryForm = html`<form method="post" action="/plans/${plan.id}/retry"><p class="muted">Fixed the cause (renewed a token, for example)? Retry the failed actions; what was published is never sent again.</p><button type="submit">Retry failed actions</button></form>`;
  const body = html`
${message === undefined ? "" : html`<div class="card notice" role="status" id="message">${message}</div>`}
<div class="card">
<span class="pill ${plan.status}" id="status">${plan.status.replace("_", " ")}</span>
<h1>${plan.release.title === "" ? "(untitled release)" : plan.release.title}</h1>
<p class="muted">${plan.clientName} · ${plan.release.wire} · detected ${formatInZone(plan.release.detectedAt, plan.timezone)} · plan ${plan.id}</p>
<p>Window closes ${formatInZone(plan.windowDeadline, plan.timezone)} (${relativeTo(plan.windowDeadline, now)})</p>
${plan.release.url === null ? "" : html`<p><a href="${safeHref(plan.release.url)}" rel="noopener noreferrer" target="_blank">Read the release</a></p>`}
${plan.decision === undefined ? html`<p class="muted">Waiting for an approver's decision.</p>` : html`<p>${plan.decision.action === "approved" ? "Approved" : "Rejected"} by ${plan.decision.by}, ${formatInZone(plan.decision.at, plan.timezone)}</p>`}
</div>
${scheduleCard}
${audienceSection(plan)}
${publicationSection(plan, records, { retryForm })}`;
  return layout(plan.release.title || "Plan", body, { access });
}
