/**
 * The approval (and reminder) email for one approver of one amplification plan: everything needed to
 * decide at a glance (release, window deadline in the client's time zone, every draft, skipped
 * channels, ad briefs) and one link to the review page.
 *
 * Pure: no I/O, no clock (the caller passes `now`). Every piece of release, draft and brief text is
 * untrusted (it comes from a feed), so, with the helpers every email shares:
 * - the HTML part is built only with the escaping `emailHtml` template (email/html-template.ts);
 * - the review link must be an absolute http(s) URL (email/address-hygiene.ts) and goes into `href`
 *   escaped like any other value;
 * - the plain-text part is cleaned by the one rule of text/fit-text.ts (newlines kept in drafts);
 * - the subject has no CR/LF or other control characters and is bounded (email/address-hygiene.ts);
 * - times are shown in the client's zone (email/format-time.ts).
 *
 * The link opens a confirmation page (GET is safe and changes nothing; platform-apis.md section 6):
 * link scanners (Safe Links, Mimecast, Proofpoint) fetch links in mail, so the email says so and the
 * decision is a POST made on the page.
 */
import { checkReviewLink, headerValue, httpUrlOrNull, plainAddress, senderAddress, subjectLine } from "../email/address-hygiene.ts";
import { formatZonedTime, usableTimeZone } from "../email/format-time.ts";
import { EMAIL_FONT as FONT, emailDocument, emailHtml as html, type SafeHtml } from "../email/html-template.ts";
import { ValidationError } from "../errors.ts";
import type { EmailMessage } from "../ports.ts";
import type { AdBrief } from "../plans/briefs/index.ts";
import { PLATFORM_NAMES, type AmplificationPlan, type Channel } from "../plans/plan.ts";
import { multiLine, oneLine } from "../text/fit-text.ts";

export type ApprovalEmailKind = "approval" | "reminder";

export interface ApprovalEmailInput {
  plan: AmplificationPlan;
  /** The one recipient (one email per approver, so each gets a personal review link). */
  approver: string;
  /** The review page (GET shows the plan, a POST from the page decides). Must be http(s). */
  reviewLink: string;
  kind: ApprovalEmailKind;
  /** `approvals@example.com` or `Pressbridge <approvals@example.com>`. */
  from: string;
  /** ISO 8601: when the email is rendered, for "hours left". */
  now: string;
}

export const REVIEW_BUTTON_LABEL = "Review and approve";
export const LINK_SAFETY_NOTE = "Opening the link changes nothing: you approve, edit or reject on the page.";

const CHANNEL_NAMES = PLATFORM_NAMES;


/** Renders the approval or reminder email for one approver. Throws ValidationError on unusable input. */
export function renderApprovalEmail(input: ApprovalEmailInput): EmailMessage {
  const { plan, kind } = input;
  if (kind !== "approval" && kind !== "reminder") throw new ValidationError("kind", `must be "approval" or "reminder"`);
  const approver = plainAddress("approver", input.approver);
  const from = senderAddress(input.from);
  const reviewLink = checkReviewLink(input.reviewLink);
  const nowMs = Date.parse(input.now);
  if (!Number.isFinite(nowMs)) throw new ValidationError("now", "must be an ISO 8601 date-time");
  const deadlineMs = Date.parse(plan.windowDeadline);
  if (!Number.isFinite(deadlineMs)) throw new ValidationError("plan.windowDeadline", "must be an ISO 8601 date-time");

  const view = viewOf(plan, reviewLink, nowMs, deadlineMs);
  const subject =
    kind === "reminder"
      ? subjectLine(`Reminder: ${view.hoursLeftLabel} h left to amplify: ${view.headline}`)
      : subjectLine(`Approve amplification: ${view.headline}`);

  const headers: Record<string, string> = {
    "X-Pressbridge-Plan": headerValue(plan.id),
    "X-Pressbridge-Kind": kind,
    "Auto-Submitted": "auto-generated",
  };
  return {
    from,
    to: [approver],
    subject,
    text: renderText(view, kind),
    html: renderHtml(view, kind, subject).toString(),
    headers,
    tags: { kind, client: plan.clientId },
  };
}

// ---------------------------------------------------------------------------------------------------
// The view: every value the two parts show, computed once. Strings here are still untrusted.

interface DraftView {
  channel: string;
  text: string;
  length: string;
}

interface BriefView {
  platform: string;
  objective: string;
  audience: string;
  budget: string;
  flight: string;
  offer: string;
}

interface EmailView {
  headline: string;
  clientName: string;
  wire: string;
  issuer: string | null;
  releaseUrl: string | null;
  detected: string;
  deadlineLocal: string;
  deadlineUtc: string;
  hoursLeftLabel: string;
  windowClosed: boolean;
  drafts: DraftView[];
  skipped: Array<{ channel: string; reason: string }>;
  briefs: BriefView[];
  reviewLink: string;
}

function viewOf(plan: AmplificationPlan, reviewLink: string, nowMs: number, deadlineMs: number): EmailView {
  const tz = usableTimeZone(plan.timezone);
  const detectedMs = Date.parse(plan.release.detectedAt);
  const msLeft = deadlineMs - nowMs;
  return {
    headline: oneLine(plan.release.title) || "(untitled release)",
    clientName: oneLine(plan.clientName) || oneLine(plan.clientId),
    wire: oneLine(plan.release.wire),
    issuer: plan.release.issuer === null ? null : oneLine(plan.release.issuer) || null,
    releaseUrl: httpUrlOrNull(plan.release.url),
    detected: Number.isFinite(detectedMs) ? `${formatZonedTime(detectedMs, tz)} (${new Date(detectedMs).toISOString()})` : "unknown",
    deadlineLocal: formatZonedTime(deadlineMs, tz),
    deadlineUtc: new Date(deadlineMs).toISOString(),
    hoursLeftLabel: hoursLeftLabel(msLeft),
    windowClosed: msLeft <= 0,
    drafts: plan.drafts.map((d) => ({
      channel: channelName(d.channel),
      text: multiLine(d.text),
      length: lengthLabel(d.length),
    })),
    skipped: plan.skipped.map((s) => ({ channel: channelName(s.channel), reason: oneLine(s.reason) })),
    briefs: plan.briefs.map((b) => briefView(b, tz)),
    reviewLink,
  };
}

function briefView(brief: AdBrief, tz: string): BriefView {
  const currency = oneLine(brief.budget.currency);
  const days = brief.flight.days;
  const latestStartMs = Date.parse(brief.flight.latestStart);
  return {
    platform: PLATFORM_NAMES[brief.platform] ?? oneLine(String(brief.platform)),
    objective: oneLine(brief.objectiveLabel),
    audience: oneLine(brief.audience.summary),
    budget: `${amount(brief.budget.daily)} ${currency} a day, ${amount(brief.budget.total)} ${currency} in total`,
    flight: `${amount(days)} day${days === 1 ? "" : "s"}, starting on approval, no later than ${
      Number.isFinite(latestStartMs) ? formatZonedTime(latestStartMs, tz) : oneLine(brief.flight.latestStart)
    }`,
    offer: oneLine(brief.creative.offer.title) || "(none)",
  };
}

// ---------------------------------------------------------------------------------------------------
// Plain-text part.

function renderText(v: EmailView, kind: ApprovalEmailKind): string {
  const lines: string[] = [];
  lines.push(kind === "reminder" ? `Reminder: this release still needs your decision (${v.clientName}).` : `A release needs your approval to be amplified (${v.clientName}).`);
  lines.push("");
  lines.push(v.headline);
  lines.push(`Wire: ${v.wire}${v.issuer === null ? "" : ` | Issuer: ${v.issuer}`}`);
  lines.push(`Detected: ${v.detected}`);
  if (v.releaseUrl !== null) lines.push(`Release: ${v.releaseUrl}`);
  lines.push(`Window closes: ${v.deadlineLocal} (${v.deadlineUtc})`);
  lines.push(v.windowClosed ? "The amplification window has closed." : `Time left: ${v.hoursLeftLabel} h`);
  lines.push("");
  lines.push(`${REVIEW_BUTTON_LABEL}: ${v.reviewLink}`);
  lines.push(LINK_SAFETY_NOTE);
  lines.push("");
  lines.push(`Drafts (${v.drafts.length})`);
  lines.push("==========");
  if (v.drafts.length === 0) lines.push("No drafts.");
  for (const d of v.drafts) {
    lines.push("");
    lines.push(`--- ${d.channel} (${d.length}) ---`);
    lines.push(d.text);
  }
  if (v.skipped.length > 0) {
    lines.push("");
    lines.push("Skipped channels");
    lines.push("================");
    for (const s of v.skipped) lines.push(`- ${s.channel}: ${s.reason}`);
  }
  if (v.briefs.length > 0) {
    lines.push("");
    lines.push(`Ad briefs (${v.briefs.length}, created paused)`);
    lines.push("=========");
    for (const b of v.briefs) {
      lines.push("");
      lines.push(`${b.platform}: ${b.objective}`);
      lines.push(`  Audience: ${b.audience}`);
      lines.push(`  Budget: ${b.budget}`);
      lines.push(`  Flight: ${b.flight}`);
      lines.push(`  Offer: ${b.offer}`);
    }
  }
  lines.push("");
  lines.push("--");
  lines.push(`Sent by Pressbridge. You get this because you approve amplification for ${v.clientName}.`);
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------------
// HTML part. Only `html` (emailHtml) builds markup; everything interpolated into it is escaped.

const MUTED = "color:#555555;font-size:13px";
const H2 = `margin:24px 0 8px;font-size:16px;color:#111111;${FONT}`;

function renderHtml(v: EmailView, kind: ApprovalEmailKind, subject: string): SafeHtml {
  const intro =
    kind === "reminder"
      ? html`Reminder: this release still needs your decision (${v.clientName}).`
      : html`A release needs your approval to be amplified (${v.clientName}).`;
  const button = html`<a href="${v.reviewLink}" style="display:inline-block;background:#1a56db;color:#ffffff;text-decoration:none;font-weight:bold;font-size:16px;padding:12px 22px;border-radius:6px;${FONT}">${REVIEW_BUTTON_LABEL}</a>`;

  const drafts =
    v.drafts.length === 0
      ? html`<p style="${MUTED}">No drafts.</p>`
      : v.drafts.map(
          (d) => html`<div style="margin:0 0 14px;border:1px solid #dddddd;border-radius:6px;padding:10px 12px;background:#fafafa">
<div style="font-weight:bold;font-size:14px;margin:0 0 6px;${FONT}">${d.channel} <span style="font-weight:normal;${MUTED}">(${d.length})</span></div>
<pre dir="auto" style="margin:0;white-space:pre-wrap;word-wrap:break-word;font-size:14px;line-height:1.45;${FONT}">${d.text}</pre>
</div>`,
        );

  const skipped =
    v.skipped.length === 0
      ? html``
      : html`<h2 style="${H2}">Skipped channels</h2>
<ul style="margin:0;padding-left:20px;font-size:14px;${FONT}">${v.skipped.map((s) => html`<li><strong>${s.channel}</strong>: ${s.reason}</li>`)}</ul>`;

  const briefs =
    v.briefs.length === 0
      ? html``
      : html`<h2 style="${H2}">Ad briefs <span style="font-weight:normal;${MUTED}">(created paused)</span></h2>
${v.briefs.map(
  (b) => html`<table role="presentation" cellpadding="0" cellspacing="0" style="width:100%;margin:0 0 12px;border:1px solid #dddddd;border-radius:6px;font-size:14px;${FONT}">
<tr><td colspan="2" style="padding:8px 10px;font-weight:bold;background:#fafafa">${b.platform}: ${b.objective}</td></tr>
<tr><td style="padding:4px 10px;vertical-align:top;${MUTED}">Audience</td><td dir="auto" style="padding:4px 10px">${b.audience}</td></tr>
<tr><td style="padding:4px 10px;vertical-align:top;${MUTED}">Budget</td><td style="padding:4px 10px">${b.budget}</td></tr>
<tr><td style="padding:4px 10px;vertical-align:top;${MUTED}">Flight</td><td style="padding:4px 10px">${b.flight}</td></tr>
<tr><td style="padding:4px 10px;vertical-align:top;${MUTED}">Offer</td><td dir="auto" style="padding:4px 10px">${b.offer}</td></tr>
</table>`,
)}`;

  return emailDocument(
    subject,
    html`<p style="margin:0 0 12px;font-size:14px;${FONT}">${intro}</p>
<h1 dir="auto" style="margin:0 0 12px;font-size:20px;line-height:1.3;${FONT}">${v.headline}</h1>
<table role="presentation" cellpadding="0" cellspacing="0" style="font-size:14px;margin:0 0 16px;${FONT}">
<tr><td style="padding:2px 12px 2px 0;${MUTED}">Wire</td><td>${v.wire}${v.issuer === null ? html`` : html` (issuer: ${v.issuer})`}</td></tr>
<tr><td style="padding:2px 12px 2px 0;${MUTED}">Detected</td><td>${v.detected}</td></tr>
${v.releaseUrl === null ? html`` : html`<tr><td style="padding:2px 12px 2px 0;${MUTED}">Release</td><td style="word-break:break-all">${v.releaseUrl}</td></tr>`}
<tr><td style="padding:2px 12px 2px 0;${MUTED}">Window closes</td><td><strong>${v.deadlineLocal}</strong> <span style="${MUTED}">(${v.deadlineUtc})</span></td></tr>
<tr><td style="padding:2px 12px 2px 0;${MUTED}">Time left</td><td>${v.windowClosed ? html`<strong>the window has closed</strong>` : html`<strong>${v.hoursLeftLabel} h</strong>`}</td></tr>
</table>
<p style="margin:20px 0 6px">${button}</p>
<p style="margin:0 0 20px;${MUTED}">${LINK_SAFETY_NOTE}</p>
<h2 style="${H2}">Drafts (${v.drafts.length})</h2>
${drafts}
${skipped}
${briefs}
<p style="margin:28px 0 0;${MUTED}">If the button does not work, copy this address into your browser:<br><span style="word-break:break-all">${v.reviewLink}</span></p>
<p style="margin:12px 0 0;${MUTED}">Sent by Pressbridge. You get this because you approve amplification for ${v.clientName}.</p>`,
  );
}

function channelName(channel: string): string {
  return CHANNEL_NAMES[channel as Channel] ?? oneLine(channel);
}

function lengthLabel(length: { unit: string; value: number; limit: number } | undefined): string {
  if (length === undefined) return "length unknown";
  return `${amount(length.value)}/${amount(length.limit)} ${oneLine(length.unit)}`;
}

// Building an Intl formatter costs far more than formatting with one (it was most of an email's
// rendering time), so formatters are made once and reused.
const AMOUNT_FORMAT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });

function amount(n: number): string {
  return Number.isFinite(n) ? AMOUNT_FORMAT.format(n) : "?";
}

/** Whole hours left, rounded down ("<1" in the last hour, "0" once the window has closed). */
function hoursLeftLabel(msLeft: number): string {
  if (msLeft <= 0) return "0";
  const hours = Math.floor(msLeft / 3_600_000);
  return hours < 1 ? "<1" : String(hours);
}
