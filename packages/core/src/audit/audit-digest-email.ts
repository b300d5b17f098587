/**
 * The audit digest: one email per client to its owner and approvers, listing what is new or changed
 * since the last digest (missed windows, windows at risk, the client's own feeds' health) and, for
 * context, what is still open. Pure: no I/O, no clock.
 *
 * Release titles and feed errors are untrusted text, so the HTML part is built only with the
 * escaping `emailHtml` template every email uses, and the text part is cleaned by the one rule of
 * text/fit-text.ts. Deadlines are shown in the client's time zone with UTC alongside.
 */
import type { ClientConfig } from "../config/config-schema.ts";
import { headerValue, httpUrlOrNull, isPlainAddress, senderAddress, subjectLine } from "../email/address-hygiene.ts";
import { formatZonedTime } from "../email/format-time.ts";
import { emailDocument, emailHtml } from "../email/html-template.ts";
import { ValidationError } from "../errors.ts";
import type { EmailMessage } from "../ports.ts";
import { oneLine } from "../text/fit-text.ts";
import type { AuditFinding, FindingKind } from "./audit-report.ts";

export interface AuditDigestInput {
  client: Pick<ClientConfig, "id" | "name" | "owner" | "approvers" | "timezone">;
  /** What this digest announces: new or changed since the last one. */
  announce: readonly AuditFinding[];
  /** The client's other current findings, already announced or not announced by email (stale). */
  stillOpen: readonly AuditFinding[];
  from: string;
  /** ISO: when the audit ran. */
  at: string;
  /** The dashboard page of this client, when the web app's address is known. */
  dashboardUrl?: string | undefined;
}

const HEADINGS: Record<FindingKind, string> = {
  missed: "Missed windows",
  "at-risk": "At risk",
  stale: "Approvals pending too long",
  "feed-health": "Feed health",
  "late-by-choice": "Late by choice (scheduled after the deadline, with a reason)",
};

/** Renders the digest; throws ValidationError when there is nothing to announce or no recipient. */
export function renderAuditDigest(input: AuditDigestInput): EmailMessage {
  if (input.announce.length === 0) throw new ValidationError("announce", "a digest needs at least one finding to announce");
  const to = [...new Map([input.client.owner, ...input.client.approvers].map((a) => [a.trim().toLowerCase(), a.trim()])).values()].filter(isPlainAddress);
  if (to.length === 0) throw new ValidationError("client.owner", "no valid recipient for the digest");
  const name = oneLine(input.client.name) || input.client.id;
  const missed = input.announce.filter((f) => f.kind === "missed").length;
  const atRisk = input.announce.filter((f) => f.kind === "at-risk").length;
  const feeds = input.announce.filter((f) => f.kind === "feed-health").length;
  const parts = [missed ? `${missed} missed` : "", atRisk ? `${atRisk} at risk` : "", feeds ? `${feeds} feed problem${feeds === 1 ? "" : "s"}` : ""].filter(Boolean);
  const subject = subjectLine(`Amplification audit for ${name}: ${parts.join(", ")}`);
  const tz = input.client.timezone;
  const dashboard = httpUrlOrNull(input.dashboardUrl) ?? undefined;

  const text: string[] = [`Pressbridge audit for ${name}, ${formatZonedTime(Date.parse(input.at), tz)}.`, ""];
  text.push("New or changed since the last digest:");
  for (const kind of ["missed", "at-risk", "feed-health", "stale"] as const) {
    const group = input.announce.filter((f) => f.kind === kind);
    if (group.length === 0) continue;
    text.push("", `${HEADINGS[kind]} (${group.length})`, "-".repeat(HEADINGS[kind].length + 4));
    for (const f of group) text.push(...findingText(f, tz));
  }
  if (input.stillOpen.length > 0) {
    text.push("", `Still open (${input.stillOpen.length}, announced before or not emailed):`);
    for (const f of input.stillOpen) text.push(`- [${f.kind}] ${titleOf(f)}: ${oneLine(f.reason)}`);
  }
  if (dashboard !== undefined) text.push("", `Dashboard: ${dashboard}`);
  text.push("", "--", `Sent by Pressbridge's hourly audit to the owner and approvers of ${name}. A finding is emailed once, and again only when it changes.`);

  const section = (kind: FindingKind) => {
    const group = input.announce.filter((f) => f.kind === kind);
    if (group.length === 0) return emailHtml``;
    return emailHtml`<h2 style="margin:20px 0 8px;font-size:16px">${HEADINGS[kind]} (${group.length})</h2>
<table role="presentation" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;font-size:14px">
${group.map(
  (f) => emailHtml`<tr><td style="padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top"><strong dir="auto">${titleOf(f)}</strong><br>${oneLine(f.reason)}${
    f.dryRun ? emailHtml`<br><em>Dry run: the posts were recorded, not published. Were they posted by hand?</em>` : emailHtml``
  }</td><td style="padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top;white-space:nowrap">${
    f.deadline === null ? "" : emailHtml`Deadline ${formatZonedTime(Date.parse(f.deadline), tz)}<br><span style="color:#555;font-size:12px">${f.deadline}</span>`
  }</td></tr>`,
)}
</table>`;
  };
  const html = emailDocument(
    subject,
    emailHtml`<h1 style="font-size:20px;margin:0 0 6px">Amplification audit: ${name}</h1>
<p style="margin:0 0 12px;color:#555;font-size:13px">${formatZonedTime(Date.parse(input.at), tz)}. New or changed since the last digest:</p>
${section("missed")}
${section("at-risk")}
${section("feed-health")}
${section("stale")}
${
  input.stillOpen.length === 0
    ? emailHtml``
    : emailHtml`<h2 style="margin:20px 0 8px;font-size:15px;color:#555">Still open (${input.stillOpen.length})</h2>
<ul style="font-size:13px;color:#555;padding-left:20px">${input.stillOpen.map((f) => emailHtml`<li>[${f.kind}] ${titleOf(f)}: ${oneLine(f.reason)}</li>`)}</ul>`
}
${dashboard === undefined ? emailHtml`` : emailHtml`<p style="margin:20px 0"><a href="${dashboard}">Open the dashboard</a></p>`}
<p style="margin:24px 0 0;color:#555;font-size:12px">Sent by Pressbridge's hourly audit to the owner and approvers of ${name}. A finding is emailed once, and again only when it changes.</p>`,
    { maxWidth: 680 },
  );
  return {
    from: senderAddress(input.from),
    to,
    subject,
    text: `${text.join("\n")}\n`,
    html: html.toString(),
    headers: { "X-Pressbridge-Kind": "audit-digest", "X-Pressbridge-Client": headerValue(input.client.id), "Auto-Submitted": "auto-generated" },
    tags: { kind: "audit-digest", client: input.client.id },
  };
}

function findingText(f: AuditFinding, tz: string): string[] {
  const lines = [`- ${titleOf(f)}`, `  ${oneLine(f.reason)}`];
  if (f.deadline !== null) lines.push(`  Deadline: ${formatZonedTime(Date.parse(f.deadline), tz)} (${f.deadline})`);
  if (f.dryRun) lines.push("  Dry run: the posts were recorded, not published. Were they posted by hand?");
  return lines;
}

function titleOf(f: AuditFinding): string {
  return oneLine(f.title) || "(untitled)";
}
