/**
 * The email to a plan's owner when publishing failed for good (a validation or permission error, an
 * expired token, or a temporary error that outlived its retries): what was published where, what
 * failed and why in plain words, and a link to the plan's page. Pure; every value from a feed or a
 * platform is untrusted: escaped by the shared `emailHtml` template, cleaned by the one rule of
 * text/fit-text.ts, and links are shown only when they are http(s).
 */
import { checkReviewLink, headerValue, httpUrlOrNull, plainAddress, senderAddress, subjectLine } from "../email/address-hygiene.ts";
import { emailDocument, emailHtml as html } from "../email/html-template.ts";
import type { EmailMessage } from "../ports.ts";
import { PLATFORM_NAMES, type AmplificationPlan, type PublishedAction } from "../plans/plan.ts";
import { oneLine } from "../text/fit-text.ts";

export interface PublicationEmailInput {
  plan: Pick<AmplificationPlan, "id" | "clientId" | "clientName" | "release">;
  to: string;
  from: string;
  /** The plan's page in the web app (http(s)). */
  planLink: string;
  actions: readonly PublishedAction[];
}

export function actionLabel(action: Pick<PublishedAction, "kind" | "platform"> & { key?: string }): string {
  const name = PLATFORM_NAMES[action.platform] ?? oneLine(action.platform);
  if (action.kind !== "organic-post") return `${name} ad (paused)`;
  return action.key !== undefined && /:follow-up:v\d+$/.test(action.key) ? `${name} follow-up` : `${name} post`;
}

export function renderPublicationEmail(input: PublicationEmailInput): EmailMessage {
  const to = plainAddress("to", input.to);
  const from = senderAddress(input.from);
  const planLink = checkReviewLink(input.planLink);
  const title = oneLine(input.plan.release.title);
  const failed = input.actions.filter((a) => a.status === "failed");
  const published = input.actions.filter((a) => a.status === "published");
  const subject = subjectLine(`Publishing needs attention (${failed.length} of ${input.actions.length} failed): ${title}`);

  const text = [
    `Publishing the approved amplification of "${title}" (${oneLine(input.plan.clientName)}) did not fully succeed.`,
    "",
    "Failed:",
    ...failed.map((a) => `- ${actionLabel(a)}: ${oneLine(a.reason)}${a.retryable ? " (temporary; retried automatically, then stopped)" : ""}`),
    "",
    ...(published.length === 0
      ? ["Nothing was published."]
      : ["Published:", ...published.map((a) => `- ${actionLabel(a)}${a.dryRun ? " (dry run: no credentials, post it by hand)" : ""}${postUrlSuffix(a)}`)]),
    "",
    "Fix the cause (for example renew the platform token or correct the draft), then retry the failed actions",
    `from the plan's page or with \`pressbridge publish --plan ${input.plan.id} --retry-failed\`; what was published is never posted again.`,
    "",
    `Plan: ${planLink}`,
  ].join("\n");

  const outcome = (a: PublishedAction) => {
    if (a.status === "failed") return html`<span style="color:#b42318">Failed:</span> ${oneLine(a.reason)}`;
    const url = httpUrlOrNull(a.url);
    if (url === null) return html`${a.dryRun ? "Dry run (no credentials): post it by hand" : "Published"}`;
    return html`<a href="${url}">${a.dryRun ? "Dry run" : "Published"}</a>`;
  };
  const row = (a: PublishedAction) =>
    html`<tr><td style="padding:4px 10px;vertical-align:top;font-weight:bold">${actionLabel(a)}</td><td style="padding:4px 10px">${outcome(a)}</td></tr>`;
  const body = emailDocument(
    subject,
    html`<p style="font-size:15px">Publishing the approved amplification of <strong>${title}</strong> (${oneLine(input.plan.clientName)}) did not fully succeed.</p>
<table role="presentation" cellpadding="0" cellspacing="0" style="border:1px solid #dddddd;border-radius:6px;font-size:14px">${input.actions.map(row)}</table>
<p style="font-size:14px">Fix the cause (for example renew the platform token or correct the draft), then retry the failed actions from the plan's page. What was published is never posted again.</p>
<p><a href="${planLink}" style="font-weight:bold">Open the plan</a></p>`,
  );
  return {
    from,
    to: [to],
    subject,
    text,
    html: body.toString(),
    headers: { "X-Pressbridge-Plan": headerValue(input.plan.id), "X-Pressbridge-Kind": "publish-failed", "Auto-Submitted": "auto-generated" },
    tags: { kind: "publish-failed", client: input.plan.clientId },
  };
}

/** ": <address of the published post>", when the platform gave an http(s) one. */
function postUrlSuffix(action: PublishedAction): string {
  const url = httpUrlOrNull(action.url);
  return url === null ? "" : `: ${url}`;
}
