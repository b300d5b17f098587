import { decodeHTML } from "entities";
import { describe, expect, it } from "vitest";
import { LINK_SAFETY_NOTE, REVIEW_BUTTON_LABEL, renderApprovalEmail } from "../../packages/core/src/approvals/approval-email.ts";
import { MAX_SUBJECT_LENGTH } from "../../packages/core/src/email/address-hygiene.ts";
import { formatZonedTime } from "../../packages/core/src/email/format-time.ts";
import { escapeHtml, emailHtml as html } from "../../packages/core/src/email/html-template.ts";
import { ClientConfig } from "../../packages/core/src/config/config-schema.ts";
import { ValidationError } from "../../packages/core/src/errors.ts";
import { composeAdBriefs } from "../../packages/core/src/plans/briefs/index.ts";
import type { AdBrief } from "../../packages/core/src/plans/briefs/index.ts";
import { composeDrafts, releaseSlug, trackedLink } from "../../packages/core/src/plans/drafts/index.ts";
import type { AmplificationPlan, PlanDraft, PlanRelease } from "../../packages/core/src/plans/plan.ts";

const HOSTILE_TITLE = 'Acme <script>alert(1)</script> ships "quotes" & ampersands';
const RTL_EMOJI_TEXT = "שלום עולם 🎉 مرحبا بالعالم\n\nAcme 🚀 launches 👩🏽‍💻 tools\n\nhttps://acme.example/r";
const REVIEW_LINK = "https://app.pressbridge.example/review/tok_9f8e?approver=1&utm=email";
const NOW = "2026-11-22T10:30:00.000Z";

function makePlan(overrides: { title?: string; timezone?: string; detectedAt?: string; windowHours?: number } = {}): AmplificationPlan<AdBrief> {
  const timezone = overrides.timezone ?? "America/New_York";
  const windowHours = overrides.windowHours ?? 72;
  const client = ClientConfig.parse({
    id: "acme",
    name: "Acme <Corp> & Sons",
    owner: "pr-lead@acme.example",
    approvers: ["social@acme.example", "second@acme.example"],
    channels: ["x", "linkedin", "bluesky"],
    adPlatforms: ["linkedin"],
    timezone,
    windowHours,
    supportingAsset: { title: "The <b>Fintech</b> Report 2026", url: "https://acme.example/fintech-report.pdf" },
    adDefaults: { dailyBudget: 40, currency: "EUR", flightDays: 4 },
  });
  const detectedAt = overrides.detectedAt ?? "2026-11-21T15:00:00.000Z";
  const release: PlanRelease = {
    id: "rel-1",
    title: overrides.title ?? HOSTILE_TITLE,
    summary:
      'NEW YORK, Nov. 21, 2026 /PRNewswire/ -- Acme today announced a product for fintech reporters & editors. "This is <big>," said the CEO.',
    url: "https://www.prnewswire.com/news-releases/acme-launch-302000001.html",
    wire: "PR Newswire",
    issuer: "Acme",
    tickers: ["ACME"],
    language: "en",
    industries: ["Financial Technology"],
    subjects: [],
    keywords: [],
    publishedAt: "2026-11-21T14:59:00.000Z",
    detectedAt,
  };
  const windowDeadline = new Date(Date.parse(detectedAt) + windowHours * 3_600_000).toISOString();
  const campaign = releaseSlug(release);
  const outcomes = composeDrafts({ release, client });
  const drafts: PlanDraft[] = outcomes.flatMap((o) => (o.status === "ok" ? [{ ...o.draft, version: 1 }] : []));
  // An approver edited the Bluesky draft: right-to-left text, emoji with skin tone and ZWJ.
  const bluesky = drafts.find((d) => d.channel === "bluesky");
  if (bluesky === undefined) throw new Error("fixture: no bluesky draft");
  bluesky.text = RTL_EMOJI_TEXT;
  bluesky.version = 2;
  const briefs = composeAdBriefs({
    release,
    client,
    windowDeadline,
    trackedLink: (platform) => trackedLink(release.url!, platform, campaign, "paid_social"),
  });
  return {
    id: "p_TestPlan0000000000001",
    releaseId: release.id,
    clientId: client.id,
    clientName: client.name,
    status: "pending_approval",
    createdAt: "2026-11-21T15:00:05.000Z",
    windowDeadline,
    windowHours,
    timezone,
    owner: client.owner,
    approvers: client.approvers,
    match: { reason: "bound-feed", matched: [] },
    release: {
      title: release.title,
      url: release.url,
      wire: release.wire,
      issuer: release.issuer,
      tickers: release.tickers,
      language: release.language,
      detectedAt: release.detectedAt,
      publishedAt: release.publishedAt,
    },
    campaign,
    drafts,
    skipped: [{ channel: "threads", reason: 'Threads account not connected <a href="x">' }],
    briefs,
    announce: "announced",
    announceLeaseUntil: null,
  };
}

function render(overrides: Partial<Parameters<typeof renderApprovalEmail>[0]> = {}) {
  return renderApprovalEmail({
    plan: makePlan(),
    approver: "social@acme.example",
    reviewLink: REVIEW_LINK,
    kind: "approval",
    from: "approvals@pressbridge.example",
    now: NOW,
    ...overrides,
  });
}

/** All href values in the HTML, entity-decoded as a mail client reads them. */
function hrefs(markup: string): string[] {
  return [...markup.matchAll(/\shref="([^"]*)"/g)].map((m) => decodeHTML(m[1]!));
}

/** The HTML with tags removed and entities decoded: what a reader sees. */
function visibleText(markup: string): string {
  return decodeHTML(markup.replace(/<[^>]*>/g, ""));
}

describe("renderApprovalEmail: envelope", () => {
  it("addresses exactly one approver, with the plan headers and tags", () => {
    const plan = makePlan();
    const m = render({ plan });
    expect(m.to).toEqual(["social@acme.example"]);
    expect(m.from).toBe("approvals@pressbridge.example");
    expect(m.headers).toEqual({ "X-Pressbridge-Plan": plan.id, "X-Pressbridge-Kind": "approval", "Auto-Submitted": "auto-generated" });
    expect(m.tags).toEqual({ kind: "approval", client: "acme" });
    expect(render({ kind: "reminder" }).headers?.["X-Pressbridge-Kind"]).toBe("reminder");
  });

  it("subject names the headline", () => {
    expect(render().subject).toBe(`Approve amplification: ${HOSTILE_TITLE}`);
  });

  it("reminder subject says how many hours are left", () => {
    // Deadline 2026-11-24T15:00Z, now 2026-11-22T10:30Z: 52.5 h, shown as 52.
    const m = render({ kind: "reminder" });
    expect(m.subject).toBe(`Reminder: 52 h left to amplify: ${HOSTILE_TITLE}`);
    expect(m.text).toContain("Time left: 52 h");
    expect(render({ kind: "reminder", now: "2026-11-24T14:30:00.000Z" }).subject).toMatch(/^Reminder: <1 h left to amplify: /);
    const late = render({ kind: "reminder", now: "2026-11-25T00:00:00.000Z" });
    expect(late.subject).toMatch(/^Reminder: 0 h left to amplify: /);
    expect(late.text).toContain("The amplification window has closed.");
  });

  it("subject has no line breaks or controls even when the title has them, and is bounded", () => {
    const m = render({ plan: makePlan({ title: "Line one\r\nBcc: victim@example.com\nline\u0000three\u2028four" }) });
    expect(m.subject).not.toMatch(/[\r\n\u0000-\u001f\u2028]/);
    expect(m.subject).toBe("Approve amplification: Line one Bcc: victim@example.com linethree four");
    const long = render({ plan: makePlan({ title: `${"Very long headline ".repeat(30)}👩🏽‍💻 end` }), kind: "reminder" });
    expect(long.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(long.subject.endsWith("…")).toBe(true);
    expect(long.subject).not.toMatch(/[\r\n]/);
    // Never a lone surrogate.
    expect(long.subject).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it("rejects a review link that is not http(s)", () => {
    for (const bad of [
      "javascript:alert(1)",
      "JavaScript:alert(document.cookie)",
      "data:text/html,<script>alert(1)</script>",
      "//evil.example/x",
      "/review/tok",
      "https://user:pw@app.example/r",
      "https://app.example/r x",
      "https://app.example/r\nX-Injected: 1",
      "",
    ]) {
      expect(() => render({ reviewLink: bad }), bad).toThrow(ValidationError);
    }
  });

  it("accepts a sender with a display name, quoting it when needed", () => {
    expect(render({ from: "Pressbridge <approvals@pressbridge.local>" }).from).toBe("Pressbridge <approvals@pressbridge.local>");
    expect(render({ from: '"Acme, PR" <pr@acme.example>' }).from).toBe('"Acme, PR" <pr@acme.example>');
    expect(render({ from: "Presse Équipe <pr@acme.example>" }).from).toBe("Presse Équipe <pr@acme.example>");
    expect(() => render({ from: "Pressbridge <not an address>" })).toThrow(ValidationError);
    expect(render({ from: "Evil\r\nBcc: x@example.com <pr@acme.example>" }).from).toBe('"Evil Bcc: x@example.com" <pr@acme.example>');
  });

  it("rejects an approver or sender that could inject headers", () => {
    expect(() => render({ approver: "a@example.com\r\nBcc: b@example.com" })).toThrow(ValidationError);
    expect(() => render({ approver: "Someone <a@example.com>" })).toThrow(ValidationError);
    expect(() => render({ from: "not-an-address" })).toThrow(ValidationError);
  });
});

describe("renderApprovalEmail: HTML part", () => {
  const plan = makePlan();
  const m = render({ plan });

  it("escapes every untrusted value and never contains raw markup from the release", () => {
    expect(m.html).not.toContain("<script");
    expect(m.html).not.toContain("<b>");
    expect(m.html).not.toContain("<big>");
    expect(m.html).not.toContain('<a href="x">');
    expect(m.html).toContain("Acme &lt;script&gt;alert(1)&lt;/script&gt; ships &quot;quotes&quot; &amp; ampersands");
    expect(m.html).toContain("Acme &lt;Corp&gt; &amp; Sons");
    expect(m.html).toContain("The &lt;b&gt;Fintech&lt;/b&gt; Report 2026");
    expect(m.html).toContain("Threads account not connected &lt;a href=&quot;x&quot;&gt;");
    // No bare ampersand anywhere: every & starts an entity.
    expect(m.html).not.toMatch(/&(?![a-z]+;|#\d+;)/);
  });

  it("has no external resources, scripts or style sheets", () => {
    expect(m.html).not.toMatch(/<img|<script|<link|<iframe|<object|<form|<style|\ssrc=|url\(/i);
    expect(m.html).not.toMatch(/\son[a-z]+=/i);
    // The review link is the only hyperlink.
    expect(hrefs(m.html)).toEqual([REVIEW_LINK]);
  });

  it("shows the review link as a button, escaped in href, with the one-line safety note", () => {
    expect(m.html).toContain(`href="${REVIEW_LINK.replaceAll("&", "&amp;")}"`);
    expect(m.html).toMatch(new RegExp(`<a href="[^"]+"[^>]*>${REVIEW_BUTTON_LABEL}</a>`));
    const seen = visibleText(m.html);
    expect(seen).toContain(LINK_SAFETY_NOTE);
    expect(seen).toContain(REVIEW_LINK);
  });

  it("shows release facts and the deadline in the client's time zone plus UTC", () => {
    const seen = visibleText(m.html);
    expect(seen).toContain(HOSTILE_TITLE);
    expect(seen).toContain("PR Newswire");
    expect(seen).toContain("Sat, Nov 21, 2026, 10:00 AM EST (2026-11-21T15:00:00.000Z)");
    expect(seen).toContain("Tue, Nov 24, 2026, 10:00 AM EST");
    expect(seen).toContain("(2026-11-24T15:00:00.000Z)");
    expect(seen).toContain("52 h");
  });

  it("shows every draft in full, newlines preserved in preformatted blocks", () => {
    const pres = [...m.html.matchAll(/<pre\b[^>]*>([^]*?)<\/pre>/g)].map((x) => decodeHTML(x[1]!));
    expect(pres).toEqual(plan.drafts.map((d) => d.text));
    expect(pres).toContain(RTL_EMOJI_TEXT);
    expect(m.html).toContain('<pre dir="auto"');
    const seen = visibleText(m.html);
    for (const name of ["X", "LinkedIn", "Bluesky"]) expect(seen).toContain(name);
  });

  it("shows skipped channels and each ad brief summary", () => {
    const seen = visibleText(m.html);
    expect(seen).toContain('Threads: Threads account not connected <a href="x">');
    const brief = plan.briefs[0]!;
    expect(seen).toContain(`LinkedIn: ${brief.objectiveLabel}`);
    expect(seen).toContain(brief.audience.summary);
    expect(seen).toContain("40 EUR a day, 160 EUR in total");
    expect(seen).toContain("4 days, starting on approval, no later than Tue, Nov 24, 2026, 10:00 AM EST");
    expect(seen).toContain("The <b>Fintech</b> Report 2026");
  });
});

describe("renderApprovalEmail: text part", () => {
  const plan = makePlan();
  const m = render({ plan });

  it("has every draft text verbatim, the skipped channel and the brief", () => {
    for (const d of plan.drafts) expect(m.text).toContain(d.text);
    expect(m.text).toContain(RTL_EMOJI_TEXT);
    expect(m.text).toContain(HOSTILE_TITLE);
    expect(m.text).toContain('- Threads: Threads account not connected <a href="x">');
    expect(m.text).toContain("Budget: 40 EUR a day, 160 EUR in total");
    expect(m.text).toContain("Offer: The <b>Fintech</b> Report 2026");
    expect(m.text).toContain("Window closes: Tue, Nov 24, 2026, 10:00 AM EST (2026-11-24T15:00:00.000Z)");
  });

  it("has the review link exactly once, on its own after the label, and the safety note", () => {
    expect(m.text).toContain(`${REVIEW_BUTTON_LABEL}: ${REVIEW_LINK}\n`);
    expect(m.text.split(REVIEW_LINK).length - 1).toBe(1);
    expect(m.text).toContain(LINK_SAFETY_NOTE);
  });

  it("strips control characters but keeps draft newlines", () => {
    const p = makePlan({ title: "Bell\u0007 and \u001b[31mred\u001b[0m" });
    p.drafts[0]!.text = "line one\r\nline\u0000 two\u0085three";
    const t = render({ plan: p }).text;
    expect(t).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(t).toContain("Bell and [31mred[0m");
    expect(t).toContain("line one\nline two\nthree");
  });
});

describe("deadline time zones", () => {
  const deadlineOf = (tz: string, detectedAt: string) =>
    visibleText(render({ plan: makePlan({ timezone: tz, detectedAt, windowHours: 24 }), now: detectedAt }).html);

  it("America/New_York: EST in November, EDT in July", () => {
    expect(deadlineOf("America/New_York", "2026-11-23T15:00:00.000Z")).toContain("Tue, Nov 24, 2026, 10:00 AM EST");
    expect(deadlineOf("America/New_York", "2026-07-13T15:00:00.000Z")).toContain("Tue, Jul 14, 2026, 11:00 AM EDT");
  });

  it("Europe/Berlin: CET in November, CEST in July", () => {
    expect(deadlineOf("Europe/Berlin", "2026-11-23T15:00:00.000Z")).toContain("Tue, Nov 24, 2026, 4:00 PM CET");
    expect(deadlineOf("Europe/Berlin", "2026-07-13T15:00:00.000Z")).toContain("Tue, Jul 14, 2026, 5:00 PM CEST");
  });

  it("formats with plain spaces and falls back to UTC for an unknown zone", () => {
    const ms = Date.parse("2026-11-24T15:00:00.000Z");
    expect(formatZonedTime(ms, "Asia/Tokyo")).toBe("Wed, Nov 25, 2026, 12:00 AM GMT+9");
    expect(formatZonedTime(ms, "Not/AZone")).toBe("Tue, Nov 24, 2026, 3:00 PM UTC");
    expect(formatZonedTime(ms, "America/New_York")).not.toMatch(/[\u202f\u00a0]/);
  });
});

describe("html tagged template", () => {
  it("escapes interpolations and keeps nested fragments", () => {
    const inner = html`<b>${"<i>&"}</b>`;
    expect(html`<p title="${`"x" onmouseover='y'`}">${inner}${[html`<br>`, html`<hr>`]}${3}</p>`.toString()).toBe(
      '<p title="&quot;x&quot; onmouseover=&#39;y&#39;"><b>&lt;i&gt;&amp;</b><br>\n<hr>3</p>',
    );
    expect(escapeHtml("a\u0000b<")).toBe("ab&lt;");
  });

  it("refuses values that are not strings, numbers or fragments", () => {
    expect(() => html`${{ toString: () => "<x>" } as unknown as string}`).toThrow(TypeError);
    expect(() => html`${["<raw>"] as unknown as string}`).toThrow(TypeError);
  });
});
