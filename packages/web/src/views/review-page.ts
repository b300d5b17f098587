import { html } from "hono/html";
import { scheduleOf, type AmplificationPlan, type PlanAuditEntry, type PlanDecision, type PublishActionRecord, type ScheduledAction } from "@pressbridge/core";
import { CHANNEL_NAMES, formatInZone, relativeTo } from "./format.ts";
import { layout } from "./layout.ts";
import { publicationSection } from "./publication-section.ts";
import { safeHref } from "./safe-href.ts";
import { scheduleFields, scheduleSummary, type ScheduleInput } from "./schedule-section.ts";

interface BriefView {
  platform: string;
  objectiveLabel?: string;
  audience?: { summary?: string; matchedAudience?: { count?: number } };
  budget?: { daily?: number; total?: number; currency?: string };
  flight?: { days?: number; latestStart?: string };
  creative?: { headline?: string; body?: string; callToActionLabel?: string; offer?: { title?: string; url?: string | null } };
  status?: string;
}

export interface ReviewPageModel {
  plan: AmplificationPlan;
  token: string;
  approver: string;
  csrf: string;
  audit: PlanAuditEntry[];
  now: Date;
  /** A message to show above the plan (an error from a POST, or the result of one). */
  message?: { kind: "error" | "notice"; text: string };
  /** Text the approver submitted for a channel that failed validation, kept so nothing is lost. */
  rejectedEdit?: { channel: string; text: string };
  /** The channel whose edit was just saved: its card says so (the page scrolls to it). */
  savedChannel?: string;
  /** Publishing records of an approved plan (what was published where, dry-run requests). */
  publications?: readonly PublishActionRecord[];
  /** When each action would go out if approved now. */
  schedule?: readonly ScheduledAction[];
  /** The times the approver chose, kept when the decision was refused, and the refused one. */
  scheduleInput?: Readonly<Record<string, ScheduleInput>>;
  scheduleError?: { key: string; reason: string };
}

/** Draft versions in the page's own order, with the channels' display names. */
function versionsText(plan: AmplificationPlan, versions: Record<string, number>): string {
  const order = plan.drafts.map((d) => d.channel as string);
  return Object.entries(versions)
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([c, v]) => `${CHANNEL_NAMES[c] ?? c} v${v}`)
    .join(", ");
}

/** A link shown short (domain + path) so long tracking links never widen a phone screen; the full URL on demand. */
export function shortLink(url: string) {
  let short = url;
  try {
    const u = new URL(url);
    short = `${u.hostname}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    // Not a URL the browser could parse: shown whole (the CSS wraps it).
  }
  if (short === url) return html`<p class="muted">Link: <code>${url}</code></p>`;
  return html`<details class="link"><summary class="muted">Link: ${short}</summary><p><code>${url}</code></p></details>`;
}

/** Enough rows to show the whole draft without scrolling inside the box. */
function rowsFor(text: string): number {
  const lines = text.split("\n").reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 90)), 0);
  return Math.min(30, Math.max(4, lines + 1));
}

function decisionBanner(plan: AmplificationPlan, decision: PlanDecision, timezone: string) {
  const verb = decision.action === "approved" ? "Approved" : "Rejected";
  return html`<div class="card ${decision.action === "approved" ? "notice" : "error"}" id="decision">
<h2>${verb} by ${decision.by}</h2>
<p>${formatInZone(decision.at, timezone)} · draft versions ${versionsText(plan, decision.draftVersions)}</p>
${decision.comment === null ? "" : html`<p>Comment: ${decision.comment}</p>`}
<p class="muted">This decision is final. Opening this link again only shows it.</p>
</div>`;
}

export function reviewPage(m: ReviewPageModel) {
  const { plan } = m;
  const pending = plan.status === "pending_approval" && plan.decision === undefined;
  const deadline = `${formatInZone(plan.windowDeadline, plan.timezone)} (${relativeTo(plan.windowDeadline, m.now)})`;
  const base = `/review/${m.token}`;
  const briefs = plan.briefs as BriefView[];
  const body = html`
${m.message === undefined ? "" : html`<div class="card ${m.message.kind}" role="alert" id="message">${m.message.text}</div>`}
${plan.decision === undefined ? "" : decisionBanner(plan, plan.decision, plan.timezone)}
${publicationSection(plan, m.publications ?? [])}
${pending ? "" : scheduleSummary(plan, scheduleOf(plan)?.actions ?? [], new Set((m.publications ?? []).filter((r) => r.state === "published").map((r) => r.key)))}
<div class="card">
<span class="pill ${plan.status}" id="status">${plan.status.replace("_", " ")}</span>
<h1>${plan.release.title === "" ? "(untitled release)" : plan.release.title}</h1>
<p class="muted">${plan.clientName} · ${plan.release.wire} · detected ${formatInZone(plan.release.detectedAt, plan.timezone)}</p>
<p><strong>Amplify by ${deadline}</strong></p>
${plan.release.url === null ? "" : html`<p><a href="${safeHref(plan.release.url)}" rel="noopener noreferrer" target="_blank">Read the release</a></p>`}
${
  pending
    ? html`<p class="muted">Reviewing as ${m.approver}. Approving publishes these posts and creates the ads as <strong>paused</strong> drafts: a person launches spend.</p>`
    : html`<p class="muted">Viewing as ${m.approver}.</p>`
}
</div>
${pending ? html`<p id="jump"><a href="#decide">Jump to decision</a> · ${plan.drafts.length} post${plan.drafts.length === 1 ? "" : "s"}, ${briefs.length} ad brief${briefs.length === 1 ? "" : "s"}</p>` : ""}
<h2>Posts</h2>
${plan.drafts.map(
  (d) => html`<div class="card" id="draft-${d.channel}">
<h2>${CHANNEL_NAMES[d.channel] ?? d.channel} <span class="muted">v${d.version} · ${d.length.value.toLocaleString("en-US")}/${d.length.limit.toLocaleString("en-US")} ${d.length.unit}</span></h2>
${m.savedChannel === d.channel ? html`<p class="notice card" role="status" id="saved-${d.channel}">Your edit was saved as a new version.</p>` : ""}
${
  pending
    ? html`<form method="post" action="${base}/drafts/${d.channel}">
<input type="hidden" name="csrf" value="${m.csrf}">
<input type="hidden" name="version" value="${d.version}">
<textarea name="text" rows="${rowsFor(m.rejectedEdit?.channel === d.channel ? m.rejectedEdit.text : d.text)}" aria-label="${CHANNEL_NAMES[d.channel] ?? d.channel} draft">${m.rejectedEdit?.channel === d.channel ? m.rejectedEdit.text : d.text}</textarea>
<p><button type="submit">Save ${CHANNEL_NAMES[d.channel] ?? d.channel} edit</button></p>
</form>`
    : html`<pre>${d.text}</pre>`
}
${d.link === null ? "" : shortLink(d.link)}
</div>`,
)}
${(plan.followUps ?? []).map(
  (d) => html`<div class="card" id="follow-up-${d.channel}">
<h2>${CHANNEL_NAMES[d.channel] ?? d.channel} follow-up <span class="muted">${d.length.value.toLocaleString("en-US")}/${d.length.limit.toLocaleString("en-US")} ${d.length.unit}</span></h2>
<p class="muted">A second post the next business morning, from another angle (see its time under Decision).</p>
<pre>${d.text}</pre>
</div>`,
)}
${plan.skipped.map((s) => html`<div class="card"><h2>${CHANNEL_NAMES[s.channel] ?? s.channel}</h2><p class="muted">Skipped: ${s.reason}</p></div>`)}
${briefs.length === 0 ? "" : html`<h2>Ad briefs (created paused)</h2>`}
${briefs.map(
  (b) => html`<div class="card" id="brief-${b.platform}">
<h2>${CHANNEL_NAMES[b.platform] ?? b.platform} · ${b.objectiveLabel ?? ""}</h2>
<p>${b.audience?.summary ?? ""}${b.audience?.matchedAudience?.count === undefined ? "" : html` · media list: ${b.audience.matchedAudience.count} hashed contacts`}</p>
<p class="muted">Budget ${b.budget?.daily ?? ""} ${b.budget?.currency ?? ""}/day, ${b.budget?.total ?? ""} ${b.budget?.currency ?? ""} over ${b.flight?.days ?? ""} days · starts on approval, no later than ${b.flight?.latestStart === undefined ? "" : formatInZone(b.flight.latestStart, plan.timezone)}</p>
<p><strong>${b.creative?.headline ?? ""}</strong><br>${b.creative?.body ?? ""}</p>
<p class="muted">Offer: ${b.creative?.offer?.title ?? ""} · call to action: ${b.creative?.callToActionLabel ?? ""}</p>
</div>`,
)}
${
  pending
    ? html`<div class="card" id="decide">
<h2>Decision</h2>
<form method="post" action="${base}/decision">
<input type="hidden" name="csrf" value="${m.csrf}">
${plan.drafts.map((d) => html`<input type="hidden" name="v_${d.channel}" value="${d.version}">`)}
${m.schedule === undefined ? "" : scheduleFields(plan, m.schedule, m.scheduleInput, m.scheduleError)}
<p><label>Comment (optional)<br><textarea name="comment" style="min-height:50px"></textarea></label></p>
<p><button class="approve" type="submit" name="action" value="approve">Approve and publish</button>
<button class="reject" type="submit" name="action" value="decline">Decline</button></p>
<p class="muted">Your decision applies to the versions and times shown above and is final; times can be changed later from the plan page.</p>
</form>
</div>`
    : ""
}
${
  m.audit.length === 0
    ? ""
    : html`<div class="card"><h2>History</h2><table><tr><th>When</th><th>Who</th><th>What</th></tr>
${m.audit.map(
  (a) => html`<tr><td>${formatInZone(a.at, plan.timezone)}</td><td>${a.by}</td><td>${a.action}${a.channel === null ? "" : ` ${CHANNEL_NAMES[a.channel] ?? a.channel}`} (${versionsText(plan, a.draftVersions)})</td></tr>`,
)}</table></div>`
}`;
  return layout(plan.release.title || "Review", body, { nav: false });
}

export function messagePage(title: string, text: string) {
  return layout(title, html`<div class="card error" role="alert"><h1>${title}</h1><p>${text}</p></div>`, { nav: false });
}

