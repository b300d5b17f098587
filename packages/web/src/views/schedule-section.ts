import { html } from "hono/html";
import { actionLabel, zonedTime, type AmplificationPlan, type ScheduledAction } from "@pressbridge/core";
import { formatInZone } from "./format.ts";

/** What a person typed for one action's time, kept when the decision is refused. */
export interface ScheduleInput {
  choice: "suggested" | "now" | "at";
  at: string;
  lateReason: string;
}


/** An instant as a `datetime-local` value on the client's wall clock (what the field shows and sends back). */
export function localInputValue(iso: string, timeZone: string): string {
  const t = zonedTime(new Date(iso), timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${t.y}-${two(t.m)}-${two(t.d)}T${two(t.hh)}:${two(t.mm)}`;
}

function guardNote(a: ScheduledAction, zone: string) {
  if (a.held !== undefined) return html`<br><span class="warn">Waits until a wire carries the release (seen only on the newsroom so far); choose a time to confirm it is public.</span>`;
  if (a.guard === undefined) return "";
  return html`<br><span class="warn">Moved from ${formatInZone(a.guard.from, zone)} by ${a.guard.rule.replace(/^blackout:/, "blackout: ")}.</span>`;
}

/**
 * The decision form's "When" section: each action's proposed time (the suggestion, in the client's
 * zone, with why and any guard move) and the approver's choice: as suggested, now, or a time (with
 * a reason when it is after the window's deadline). Approving accepts what this shows.
 */
export function scheduleFields(plan: AmplificationPlan, schedule: readonly ScheduledAction[], input: Readonly<Record<string, ScheduleInput>> = {}, error?: { key: string; reason: string }) {
  const zone = plan.timezone;
  return html`<fieldset id="schedule"><legend>When each goes out (${zone})</legend>
<p class="muted">Suggested: ads at once, the first posts within the hour, follow-ups at 09:30 the next business morning, all before the deadline. Change any below.</p>
${schedule.map((a, i) => {
  const typed = input[a.key];
  const choice = typed?.choice ?? "suggested";
  const id = `when-${i}`;
  const bad = error?.key === a.key;
  return html`<div class="when${bad ? " invalid" : ""}" id="${id}">
<p><strong>${actionLabel(a)}</strong>: ${formatInZone(a.scheduledFor, zone)}${a.late ? html` <span class="warn">after the deadline</span>` : ""}<br><span class="muted">${a.reason}</span>${guardNote(a, zone)}</p>
<div class="row">
<label for="${id}-choice">Time<select id="${id}-choice" name="when_${a.key}">
<option value="suggested"${choice === "suggested" ? " selected" : ""}>As suggested</option>
<option value="now"${choice === "now" ? " selected" : ""}>Now</option>
<option value="at"${choice === "at" ? " selected" : ""}>At the time below</option>
</select></label>
<label for="${id}-at">At (${zone})<input type="datetime-local" id="${id}-at" name="at_${a.key}" value="${typed?.at ?? localInputValue(a.scheduledFor, zone)}"${bad ? html` aria-invalid="true" aria-describedby="${id}-error"` : ""}></label>
</div>
<label for="${id}-late">Reason, if after the deadline<input type="text" id="${id}-late" name="late_${a.key}" maxlength="500" value="${typed?.lateReason ?? ""}"></label>
${bad ? html`<p class="error" id="${id}-error" role="alert">${error!.reason}</p>` : ""}
</div>`;
})}
</fieldset>`;
}

/** The times of an approved plan's actions (read-only, on the review page after the decision). */
export function scheduleSummary(plan: AmplificationPlan, schedule: readonly ScheduledAction[], publishedKeys: ReadonlySet<string>) {
  if (schedule.length === 0) return "";
  const zone = plan.timezone;
  return html`<div class="card" id="schedule"><h2>Schedule</h2><ul>
${schedule.map(
  (a) =>
    html`<li><strong>${actionLabel(a)}</strong>: ${
      a.cancelled !== undefined ? html`cancelled by ${a.cancelled.by}` : publishedKeys.has(a.key) ? "done" : a.held !== undefined ? "waiting for a wire" : `${formatInZone(a.scheduledFor, zone)}`
    }${a.late ? html` <span class="warn">late${a.lateReason === undefined ? "" : `: ${a.lateReason}`}</span>` : ""}${guardNote(a, zone)}</li>`,
)}</ul></div>`;
}

/**
 * The plan page's schedule (an approved plan still publishing): each action's time, with a form to
 * move it (a time in the client's zone, and a reason when after the deadline), publish it now, or
 * cancel it. Published and cancelled actions only say so.
 */
export function scheduleEditor(
  plan: AmplificationPlan,
  schedule: readonly ScheduledAction[],
  publishedKeys: ReadonlySet<string>,
  error?: { key: string; reason: string; typed: ScheduleInput },
) {
  const zone = plan.timezone;
  return html`<div class="card" id="schedule"><h2>Schedule <span class="muted">(${zone})</span></h2>
${schedule.map((a, i) => {
  const id = `act-${i}`;
  const status = a.cancelled !== undefined ? `cancelled by ${a.cancelled.by}` : publishedKeys.has(a.key) ? "published" : undefined;
  const bad = error?.key === a.key;
  return html`<div class="when${bad ? " invalid" : ""}" id="${id}">
<p><strong>${actionLabel(a)}</strong>: ${status ?? (a.held !== undefined ? "waiting for a wire" : formatInZone(a.scheduledFor, zone))}${a.late ? html` <span class="warn">after the deadline${a.lateReason === undefined ? "" : `: ${a.lateReason}`}</span>` : ""}${status === undefined ? guardNote(a, zone) : ""}</p>
${
  status !== undefined
    ? ""
    : html`<form method="post" action="/plans/${plan.id}/schedule">
<input type="hidden" name="action" value="${a.key}">
<div class="row">
<label for="${id}-at">New time (${zone})<input type="datetime-local" id="${id}-at" name="at" value="${bad ? error!.typed.at : localInputValue(a.scheduledFor, zone)}"${bad ? html` aria-invalid="true" aria-describedby="${id}-error"` : ""}></label>
<label for="${id}-late">Reason, if after the deadline<input type="text" id="${id}-late" name="late" maxlength="500" value="${bad ? error!.typed.lateReason : ""}"></label>
</div>
${bad ? html`<p class="error" id="${id}-error" role="alert">${error!.reason}</p>` : ""}
<p><button type="submit" name="intent" value="at">Move to this time</button> <button type="submit" name="intent" value="now">Publish now</button> <button type="submit" name="intent" value="cancel" class="reject">Cancel ${actionLabel(a)}</button></p>
</form>`
}
</div>`;
})}
</div>`;
}
