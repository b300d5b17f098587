/**
 * The email to a plan's owner when publishing failed for good (a validation or permission error, an
 * expired token, or a temporary error that outlived its retries): what was published where, what
 * failed and why in plain words, and a link to the plan's page. Pure; every value from a feed or a
 * platform is untrusted and escaped (the approval email's `emailHtml` tag and text hygiene).
 */
import { checkReviewLink, emailHtml as html, headerValue, oneLine, plainAddress, senderAddress, subjectLine } from "../approvals/approval-email.ts";
import type { EmailMessage } from "../ports.ts";
import { PLATFORM_NAMES, type AmplificationPlan, type PublishedAction } from "../plans/plan.ts";

export interface PublicationEmailInput {
  plan: Pick<AmplificationPlan, "id" | "clientId" | "clientName" | "release">;
  to: string;
  from: string;
  /** The plan's page in the web app (http(s)). */
  planLink: string;
  actions: readonly PublishedAction[];
}

const FONT = "font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;";

export function actionLabel(action: Pick<PublishedAction, "kind" | "platform">): string {
  const name = PLATFORM_NAMES[action.platform] ?? action.platform;
  return action.kind === "organic-post" ? `${name} post` : `${name} ad (paused)`;
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
      : ["Published:", ...published.map((a) => `- ${actionLabel(a)}${a.dryRun ? " (dry run: no credentials, post it by hand)" : ""}${a.url === null ? "" : `: ${a.url}`}`)]),
    "",
    "Fix the cause (for example renew the platform token or correct the draft), then retry the failed actions",
    `from the plan's page or with \`pressbridge publish --plan ${input.plan.id} --retry-failed\`; what was published is never posted again.`,
    "",
    `Plan: ${planLink}`,
  ].join("\n");

  const row = (a: PublishedAction) =>
    html`<tr><td style="padding:4px 10px;vertical-align:top;font-weight:bold">${actionLabel(a)}</td><td style="padding:4px 10px">${
      a.status === "failed"
        ? html`<span style="color:#b42318">Failed:</span> ${oneLine(a.reason)}`
        : a.url === null
          ? html`${a.dryRun ? "Dry run (no credentials): post it by hand" : "Published"}`
          : html`<a href="${a.url}">${a.dryRun ? "Dry run" : "Published"}</a>`
    }</td></tr>`;
  const body = html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="margin:0;padding:16px;${FONT}">
<p style="font-size:15px">Publishing the approved amplification of <strong>${title}</strong> (${oneLine(input.plan.clientName)}) did not fully succeed.</p>
<table role="presentation" cellpadding="0" cellspacing="0" style="border:1px solid #dddddd;border-radius:6px;font-size:14px">${input.actions.map(row)}</table>
<p style="font-size:14px">Fix the cause (for example renew the platform token or correct the draft), then retry the failed actions from the plan's page. What was published is never posted again.</p>
<p><a href="${planLink}" style="font-weight:bold">Open the plan</a></p>
</body></html>`;
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
