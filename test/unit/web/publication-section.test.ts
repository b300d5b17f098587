import { describe, expect, it } from "vitest";
import type { PlanDraft, PublishedAction } from "../../../packages/core/src/plans/plan.ts";
import { publicationSection } from "../../../packages/web/src/views/publication-section.ts";
import { approve, plan } from "../../support/audit-fixtures.ts";

const draft = (text: string): PlanDraft => ({ channel: "x", text, link: null, version: 1 }) as unknown as PlanDraft;
const action = (key: string): PublishedAction => ({ key, kind: "organic-post", platform: "x", status: "published", dryRun: true, platformIds: {}, url: null, reason: null, retryable: false, at: "2026-11-02T15:00:00.000Z" });

describe("publication section of a dry run", () => {
  it("gives the post and its follow-up each their own copy-ready text, under distinct ids", () => {
    const p = plan("p_copyready0001", 0, { status: "published", drafts: [draft("The launch post <b>")], followUps: [draft("The follow-up, with the quote")] });
    approve(p, 1);
    p.publication = { at: "2026-11-02T15:00:00.000Z", publishedAt: "2026-11-02T15:00:00.000Z", dryRun: true, actions: [action(`${p.id}:post:x:v1`), action(`${p.id}:post:x:follow-up:v1`)] };
    const out = String(publicationSection(p, []));
    expect(out).toContain("Dry run: nothing was posted.");
    expect(out).toMatch(/<textarea id="copy-x" class="copy-ready" readonly[^>]*>The launch post &lt;b&gt;<\/textarea>/);
    expect(out).toMatch(/<textarea id="copy-x-follow-up" class="copy-ready" readonly[^>]*>The follow-up, with the quote<\/textarea>/);
  });
});
