/**
 * The approval (and reminder) email for one approver of one amplification plan: everything needed to
 * decide at a glance (release, window deadline in the client's time zone, every draft, skipped
 * channels, ad briefs) and one link to the review page.
 *
 * Pure: no I/O, no clock (the caller passes `now`). Every piece of release, draft and brief text is
 * untrusted (it comes from a feed), so:
 * - the HTML part is built only with the `html` tagged template below, which escapes every
 *   interpolated value unless it is itself the output of `html` (there is no way to mark a string as
 *   safe from outside this module);
 * - the review link must be an absolute http(s) URL and goes into `href` escaped like any other value;
 * - the plain-text part has control characters stripped (newlines kept in drafts);
 * - the subject has no CR/LF or other control characters and is bounded.
 * No external images, no scripts, no style sheets: inline styles only.
 *
 * The link opens a confirmation page (GET is safe and changes nothing; platform-apis.md section 6):
 * link scanners (Safe Links, Mimecast, Proofpoint) fetch links in mail, so the email says so and the
 * decision is a POST made on the page.
 */
import { ValidationError } from "../errors.ts";
import type { EmailMessage } from "../ports.ts";
import type { AdBrief } from "../plans/briefs/index.ts";
import { PLATFORM_NAMES, type AmplificationPlan, type Channel } from "../plans/plan.ts";

export type ApprovalEmailKind = "approval" | "reminder";

export interface ApprovalEmailInput {
  plan: AmplificationPlan<AdBrief>;
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

export const MAX_SUBJECT_LENGTH = 200;
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

function viewOf(plan: AmplificationPlan<AdBrief>, reviewLink: string, nowMs: number, deadlineMs: number): EmailView {
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
// HTML part. Only `html` builds markup; everything interpolated into it is escaped.

const FONT = "font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif";
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

  const doc = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6">
<div style="max-width:640px;margin:0 auto;padding:24px 16px;background:#ffffff;color:#111111;${FONT}">
<p style="margin:0 0 12px;font-size:14px;${FONT}">${intro}</p>
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
<p style="margin:12px 0 0;${MUTED}">Sent by Pressbridge. You get this because you approve amplification for ${v.clientName}.</p>
</div>
</body>
</html>
`;
  return doc;
}

export type { SafeHtml };

/** Markup produced by `html`. Only this module can make one, so no caller can smuggle raw markup in. */
class SafeHtml {
  readonly #markup: string;
  constructor(markup: string, token: symbol) {
    if (token !== SAFE_TOKEN) throw new TypeError("SafeHtml is created only by the html template");
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}
const SAFE_TOKEN = Symbol("SafeHtml");

type HtmlValue = SafeHtml | string | number | ReadonlyArray<SafeHtml>;

/**
 * Tagged template: the literal parts are markup (they are source code); every interpolated value is
 * HTML-escaped unless it is SafeHtml (or an array of SafeHtml) made by this same tag.
 */
function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  if (!Array.isArray(strings) || !Array.isArray((strings as { raw?: unknown }).raw)) {
    throw new TypeError("html must be used as a tagged template");
  }
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += htmlValue(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out, SAFE_TOKEN);
}

/** The tag under an exported name that will not clash with other `html` helpers. */
export const emailHtml = html;

function htmlValue(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) {
    return value
      .map((v: unknown) => {
        if (!(v instanceof SafeHtml)) throw new TypeError("html: arrays may only hold html fragments");
        return v.toString();
      })
      .join("\n");
  }
  if (typeof value === "number") return escapeHtml(String(value));
  if (typeof value === "string") return escapeHtml(value);
  throw new TypeError(`html: cannot interpolate a ${typeof value}`);
}

/**
 * Escapes text for HTML element content and double-quoted attribute values (the only kind the
 * templates here write); also drops control characters.
 */
export function escapeHtml(text: string): string {
  return stripControls(text, true).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

// ---------------------------------------------------------------------------------------------------
// Text hygiene.

// C0 and C1 controls and DEL; tab and newline are handled by the callers.
const CONTROLS_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LINE_BREAKS_RE = /\r\n?|[\u2028\u2029\u0085]/g;

/** Normalises line breaks to \n and removes control characters; keeps \n (and \t) only if `keepLines`. */
function stripControls(text: string, keepLines: boolean): string {
  const normalised = String(text).replace(LINE_BREAKS_RE, "\n");
  const cleaned = normalised.replace(CONTROLS_RE, "");
  return keepLines ? cleaned : cleaned.replace(/[\n\t]/g, " ");
}

/** A single line: no control characters or line breaks, runs of whitespace collapsed. */
export function oneLine(text: string | null | undefined): string {
  if (typeof text !== "string") return "";
  return stripControls(text, false).replace(/\s+/g, " ").trim();
}

/** Multi-line text (a draft): line breaks kept as \n, other control characters removed. */
export function multiLine(text: string | null | undefined): string {
  if (typeof text !== "string") return "";
  return stripControls(text, true);
}

/** Subject: one line, at most MAX_SUBJECT_LENGTH UTF-16 units, never cutting a grapheme. */
export function subjectLine(text: string): string {
  const line = oneLine(text);
  if (line.length <= MAX_SUBJECT_LENGTH) return line;
  let out = "";
  for (const { segment } of new Intl.Segmenter("en", { granularity: "grapheme" }).segment(line)) {
    if (out.length + segment.length > MAX_SUBJECT_LENGTH - 1) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}

export function headerValue(text: string): string {
  return oneLine(text).slice(0, 200);
}

/** A bare address (no display name), checked enough that it cannot inject headers. */
export function plainAddress(field: string, address: string): string {
  const a = typeof address === "string" ? address.trim() : "";
  if (a.length === 0 || a.length > 254 || !/^[^\s@<>()[\]\\,;:"\u0000-\u001F\u007F]+@[^\s@<>()[\]\\,;:"\u0000-\u001F\u007F]+\.[^\s@<>()[\]\\,;:"\u0000-\u001F\u007F]+$/u.test(a)) {
    throw new ValidationError(field, "must be a plain email address");
  }
  return a;
}

/**
 * The sender: a plain address, or `Display Name <address>` (the name on one line, quoted when it
 * holds characters that need it; the adapters encode non-ASCII names).
 */
export function senderAddress(value: string): string {
  const m = typeof value === "string" ? /^\s*(.*?)\s*<([^<>]*)>\s*$/s.exec(value) : null;
  if (m === null) return plainAddress("from", value);
  const address = plainAddress("from", m[2] ?? "");
  const name = oneLine((m[1] ?? "").replace(/^"(.*)"$/s, "$1").replace(/\\(.)/g, "$1"));
  if (name === "") return address;
  if (name.length > 100) throw new ValidationError("from", "display name is longer than 100 characters");
  const quoted = /^[\p{L}\p{N} !#$%&'*+\-/=?^_`{|}~]+$/u.test(name) ? name : `"${name.replace(/["\\]/g, "\\$&")}"`;
  return `${quoted} <${address}>`;
}

/** The review link as given, once it is known to be an absolute http(s) URL without credentials. */
export function checkReviewLink(link: string): string {
  if (typeof link !== "string" || link.length === 0 || link.length > 2048) {
    throw new ValidationError("reviewLink", "must be an http(s) URL of at most 2048 characters");
  }
  if (/[\s\u0000-\u001F\u007F-\u009F]/.test(link)) throw new ValidationError("reviewLink", "must not contain spaces or control characters");
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new ValidationError("reviewLink", "must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ValidationError("reviewLink", "must be an http(s) URL");
  if (url.username !== "" || url.password !== "") throw new ValidationError("reviewLink", "must not carry credentials");
  if (!/^https?:\/\//i.test(link)) throw new ValidationError("reviewLink", "must start with http:// or https://");
  return link;
}

function httpUrlOrNull(url: string | null | undefined): string | null {
  if (typeof url !== "string" || url.length > 2048 || /[\s\u0000-\u001F\u007F-\u009F]/.test(url)) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
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

// ---------------------------------------------------------------------------------------------------
// Time.

const MAIN_TIME_OPTIONS: Intl.DateTimeFormatOptions = {
  weekday: "short",
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
};

/** Reused formatters by (purpose, locale, zone); bounded, since zones come from stored plans. */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();
const MAX_DATE_FORMATS = 256;

/** A cached Intl.DateTimeFormat; throws RangeError for an unknown zone, like the constructor. */
function dateFormat(purpose: "main" | "zone", locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${purpose}\u0000${locale}\u0000${timeZone}`;
  let format = DATE_FORMATS.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(
      locale,
      purpose === "main" ? { ...MAIN_TIME_OPTIONS, timeZone } : { timeZone, timeZoneName: "short" },
    );
    if (DATE_FORMATS.size >= MAX_DATE_FORMATS) DATE_FORMATS.clear();
    DATE_FORMATS.set(key, format);
  }
  return format;
}

/** Zone -> the zone to use ("UTC" for one Intl does not know). */
const USABLE_ZONES = new Map<string, string>();

function usableTimeZone(tz: string): string {
  let usable = USABLE_ZONES.get(tz);
  if (usable === undefined) {
    try {
      dateFormat("main", "en-US", tz);
      usable = tz;
    } catch {
      usable = "UTC";
    }
    if (USABLE_ZONES.size >= MAX_DATE_FORMATS) USABLE_ZONES.clear();
    USABLE_ZONES.set(tz, usable);
  }
  return usable;
}

/**
 * Locales whose short zone names are abbreviations (CET, BST, AEST, IST) where en-US shows only an
 * offset (GMT+1). Tried in order after en-US; the first non-offset name wins.
 */
function zoneNameLocales(tz: string): string[] {
  if (tz.startsWith("Europe/")) return ["en-GB"];
  if (tz.startsWith("Australia/")) return ["en-AU"];
  if (tz === "Asia/Kolkata" || tz === "Asia/Calcutta") return ["en-IN"];
  if (tz === "Pacific/Auckland") return ["en-NZ"];
  return [];
}

/** e.g. "Tue, Nov 24, 2026, 10:00 AM EST" (or "… 4:00 PM CET" for Europe/Berlin). */
export function formatZonedTime(ms: number, timeZone: string): string {
  const tz = usableTimeZone(timeZone);
  const date = new Date(ms);
  const main = dateFormat("main", "en-US", tz).format(date);
  let zone = zoneName("en-US", tz, date);
  if (/^GMT[+-]/.test(zone)) {
    for (const locale of zoneNameLocales(tz)) {
      const candidate = zoneName(locale, tz, date);
      if (candidate !== "" && !/^GMT[+-]/.test(candidate)) {
        zone = candidate;
        break;
      }
    }
  }
  // ICU puts narrow no-break spaces before AM/PM; plain spaces read the same everywhere.
  return `${main} ${zone}`.replace(/[\u202F\u00A0]/g, " ").trim();
}

function zoneName(locale: string, tz: string, date: Date): string {
  try {
    return dateFormat("zone", locale, tz).formatToParts(date).find((p) => p.type === "timeZoneName")?.value ?? "";
  } catch {
    return "";
  }
}

/** Whole hours left, rounded down ("<1" in the last hour, "0" once the window has closed). */
function hoursLeftLabel(msLeft: number): string {
  if (msLeft <= 0) return "0";
  const hours = Math.floor(msLeft / 3_600_000);
  return hours < 1 ? "<1" : String(hours);
}
