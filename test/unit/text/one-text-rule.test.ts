/**
 * Drafts, ad briefs and every email clean and fit untrusted text with one module
 * (packages/core/src/text/fit-text.ts). These tests push the same hostile text through each of them
 * and fail if any caller goes back to a rule of its own (a different set of stripped characters, a
 * hand-made X count, its own truncation).
 */
import twitterText from "twitter-text";
import { describe, expect, it } from "vitest";
import { renderApprovalEmail } from "../../../packages/core/src/approvals/approval-email.ts";
import { renderAuditDigest } from "../../../packages/core/src/audit/audit-digest-email.ts";
import type { AuditFinding } from "../../../packages/core/src/audit/audit-report.ts";
import { headerValue, subjectLine } from "../../../packages/core/src/email/address-hygiene.ts";
import { escapeHtml } from "../../../packages/core/src/email/html-template.ts";
import { truncateText } from "../../../packages/core/src/feeds/truncate-text.ts";
import { composeAdBriefs, parseMediaListCsv, type AdBrief } from "../../../packages/core/src/plans/briefs/index.ts";
import { composeDrafts, trackedLink } from "../../../packages/core/src/plans/drafts/index.ts";
import type { AmplificationPlan, PlanDraft, PlanRelease, PostDraft } from "../../../packages/core/src/plans/plan.ts";
import { renderPublicationEmail } from "../../../packages/core/src/publishing/publication-email.ts";
import { ELLIPSIS, STRIPPED_CHARACTERS, fitText, measureCharacters, multiLine, oneLine } from "../../../packages/core/src/text/fit-text.ts";
import { csvCell } from "../../../packages/web/src/views/dashboard-export.ts";
import { makeClient, makeRelease } from "../plans/briefs/fixtures.ts";

/**
 * C0 and C1 controls, DEL, bidi override/embedding/isolate, zero-width space, word joiner, BOM,
 * a non-character, odd line breaks, and the characters the rule keeps: ZWJ (in an emoji), ZWNJ, LRM.
 */
const HOSTILE = "Acme\u202E Orbit\u0000 \u2066ships\u2069\u200B\u2060 to\u0085day\u2028\uFEFF\u0007\u007F\u009B \u{1F469}\u200D\u{1F4BB} co\u200Cop\u200E\uFFFF now\r\nhere";
/** What every caller must show for HOSTILE on one line. */
const CLEAN = "Acme Orbit ships to day \u{1F469}\u200D\u{1F4BB} co\u200Cop\u200E now here";

const TZ = "America/New_York";
const NOW = "2026-09-12T03:00:00.000Z";
const DEADLINE = "2026-09-15T02:29:00.000Z";

function release(overrides: Partial<PlanRelease> = {}): PlanRelease {
  return makeRelease({ title: HOSTILE, tickers: [], ...overrides });
}

function okDrafts(r: PlanRelease, channels: string[]): PostDraft[] {
  return composeDrafts({ release: r, client: makeClient({ channels }) }).flatMap((o) => (o.status === "ok" ? [o.draft] : []));
}

function briefs(r: PlanRelease, adPlatforms: string[]): AdBrief[] {
  return composeAdBriefs({
    release: r,
    client: makeClient({ adPlatforms }),
    windowDeadline: DEADLINE,
    trackedLink: (platform) => (r.url === null ? null : trackedLink(r.url, platform, "c", "paid_social")),
  });
}

function plan(r: PlanRelease, drafts: PlanDraft[], planBriefs: AdBrief[]): AmplificationPlan<AdBrief> {
  return {
    id: "p_OneTextRule000000000001",
    releaseId: r.id,
    clientId: "acme",
    clientName: "Acme Corp",
    status: "pending_approval",
    createdAt: NOW,
    windowDeadline: DEADLINE,
    windowHours: 72,
    timezone: TZ,
    owner: "pr-lead@acme.example",
    approvers: ["social@acme.example"],
    match: { reason: "bound-feed", matched: [] },
    release: { title: r.title, url: r.url, wire: r.wire, issuer: r.issuer, tickers: r.tickers, language: r.language, detectedAt: r.detectedAt, publishedAt: r.publishedAt },
    campaign: "c",
    drafts,
    skipped: [],
    briefs: planBriefs,
    announce: "announced",
    announceLeaseUntil: null,
  };
}

describe("one control-character rule", () => {
  it("is what oneLine and multiLine apply", () => {
    expect(oneLine(HOSTILE)).toBe(CLEAN);
    expect(multiLine("a\u0000b\r\nc\u202Ed\te")).toBe("ab\ncd\te");
    // Every character of the rule is stripped, and nothing is left that the rule names.
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      STRIPPED_CHARACTERS.lastIndex = 0;
      // CR and NEL are line breaks: "\n" first (kept by multiLine, a space in oneLine).
      if (ch === "\r" || ch === "\u0085") expect(multiLine(`a${ch}b`)).toBe("a\nb");
      else if (STRIPPED_CHARACTERS.test(ch)) expect(multiLine(`a${ch}b`), `U+${cp.toString(16)}`).toBe("ab");
    }
  });

  it("gives the same cleaned text through a draft, a brief and every email", () => {
    const r = release();
    const [draft] = okDrafts(r, ["linkedin"]);
    expect(draft, "linkedin draft").toBeDefined();
    expect(draft!.text.split("\n\n")[0]).toBe(CLEAN);

    const [linkedin] = briefs(r, ["linkedin"]);
    expect(linkedin!.creative.headline).toBe(CLEAN);

    const approval = renderApprovalEmail({
      plan: plan(r, [{ ...draft!, version: 1 }], [linkedin!]),
      approver: "social@acme.example",
      reviewLink: "https://approve.example/review/t",
      kind: "approval",
      from: "Pressbridge <approvals@pressbridge.example>",
      now: NOW,
    });
    expect(approval.subject).toBe(`Approve amplification: ${CLEAN}`);
    expect(approval.text).toContain(`\n${CLEAN}\n`);
    expect(approval.text).toContain(`\n${draft!.text}\n`);
    expect(approval.html).toContain(escapeHtml(CLEAN));

    const publication = renderPublicationEmail({
      plan: { id: "p_1", clientId: "acme", clientName: "Acme Corp", release: plan(r, [], []).release },
      to: "pr-lead@acme.example",
      from: "approvals@pressbridge.example",
      planLink: "https://approve.example/plans/p_1",
      actions: [{ key: "k", kind: "organic-post", platform: "x", status: "failed", dryRun: false, platformIds: {}, url: null, reason: HOSTILE, retryable: false, at: NOW }],
    });
    expect(publication.subject).toBe(`Publishing needs attention (1 of 1 failed): ${CLEAN}`);
    expect(publication.text).toContain(`- X post: ${CLEAN}`);

    const finding: AuditFinding = {
      id: "missed:plan:p_1", kind: "missed", code: "never-approved", fingerprint: "f", clientId: "acme", planId: "p_1", releaseId: "rel-1", feedId: null,
      title: HOSTILE, deadline: DEADLINE, timezone: TZ, detectedAt: NOW, reason: HOSTILE, dryRun: false,
    };
    const digest = renderAuditDigest({ client: makeClient({ timezone: TZ }), announce: [finding], stillOpen: [], from: "approvals@pressbridge.example", at: NOW });
    expect(digest.text).toContain(`- ${CLEAN}\n  ${CLEAN}\n`);
    expect(digest.html).toContain(escapeHtml(CLEAN));
  });

  it("cleans the dashboard's CSV cells the same way, keeping their lines", () => {
    expect(csvCell(HOSTILE)).toBe(`"${multiLine(HOSTILE)}"`);
    expect(oneLine(multiLine(HOSTILE))).toBe(CLEAN);
  });

  it("cleans media-list fields and beat labels the same way", () => {
    const { contacts } = parseMediaListCsv(`Email,Name\nj@outlet.example,"${HOSTILE.replace(/\r\n/, " ")}"\n`);
    expect(contacts[0]?.name).toBe(CLEAN);
    const [brief] = briefs(release({ title: "Acme ships Orbit", industries: [HOSTILE.replace(/\r\n/, " ")], subjects: [] }), ["linkedin"]);
    expect(brief!.audience.beat.topics).toContain(CLEAN);
  });
});

describe("one fitting rule", () => {
  it("bounds subjects, header values and feed text exactly like fitText by characters", () => {
    const long = `${"Quarterly results beat expectations again ".repeat(8)}\u{1F469}\u{1F3FD}\u200D\u{1F4BB}`;
    expect(subjectLine(long)).toBe(fitText(oneLine(long), 200, measureCharacters));
    expect(subjectLine(long).endsWith(ELLIPSIS)).toBe(true);
    expect(headerValue(long)).toBe(fitText(oneLine(long), 200, measureCharacters));
    expect(truncateText(long, 100)).toBe(fitText(long, 100, measureCharacters));
  });
});

describe("X is counted by twitter-text everywhere", () => {
  // A bare domain with a path (a link to X: 23, however long), emoji, CJK, and U+2010-U+201F
  // punctuation (weight 1 for twitter-text), which a hand count easily gets wrong.
  const title = "Acme \u{1F680} ships Orbit \u2014 “fast” 新製品 at investors.acmecorporation.com/news/2026/orbit-launch-day";

  it("measures an X brief's body with twitter-text's weighted length", () => {
    const r = release({ title, summary: "Acme today announced Orbit.", url: "https://www.prnewswire.com/news-releases/acme-302900001.html" });
    const [x] = briefs(r, ["x"]);
    const body = x!.creative.body;
    expect(body).toContain("\u{1F680}");
    expect(body).toContain("investors.acmecorporation.com/news/2026/orbit-launch-day");
    expect(x!.creative.length.body.unit).toBe("weighted");
    expect(x!.creative.length.body.value).toBe(twitterText.parseTweet(body).weightedLength);
    expect(x!.creative.length.body.value).toBeLessThanOrEqual(x!.creative.length.body.limit);
  });

  it("fits a long X brief to its target by twitter-text's count, as drafts are measured", () => {
    const long = `${title} ${"\u{1F680} Orbit 新製品 launches worldwide today. ".repeat(20)}`;
    const r = release({ title: long, summary: "Acme today announced Orbit.", url: null });
    const [x] = briefs(r, ["x"]);
    const body = x!.creative.body;
    const weighted = twitterText.parseTweet(body).weightedLength;
    expect(x!.creative.length.body.value).toBe(weighted);
    expect(weighted).toBeLessThanOrEqual(x!.creative.length.body.limit);
    // Not cut far below the target: the count used to fit is the real one.
    expect(weighted).toBeGreaterThan(x!.creative.length.body.limit - 40);
    const [draft] = okDrafts(release({ title: long }), ["x"]);
    expect(draft!.length.value).toBe(twitterText.parseTweet(draft!.text).weightedLength);
  });
});
