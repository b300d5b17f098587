import { describe, expect, it } from "vitest";
import { renderPublicationEmail, ValidationError, type PublishedAction } from "@pressbridge/core";

const action = (overrides: Partial<PublishedAction>): PublishedAction => ({
  key: "p_1:post:x:v1", kind: "organic-post", platform: "x", status: "published", dryRun: false, platformIds: {}, url: null, reason: null, retryable: false, at: "2026-11-21T12:00:00.000Z", ...overrides,
});
const input = {
  plan: { id: "p_1", clientId: "acme", clientName: "Acme <Corp>", release: { title: 'Launch <img src=x onerror="alert(1)">\r\nBcc: evil@example.com', url: null, wire: "PRN", issuer: null, tickers: [], language: null, detectedAt: "", publishedAt: null } },
  to: "pr@acme.example",
  from: "Pressbridge <approvals@pressbridge.example>",
  planLink: "https://approve.example/plans/p_1",
  actions: [
    action({ status: "failed", reason: "X rejected the post: <b>duplicate</b>", platform: "x" }),
    action({ key: "p_1:post:linkedin:v1", platform: "linkedin", url: "https://www.linkedin.com/feed/update/urn:li:share:1/" }),
    action({ key: "p_1:ad:meta", kind: "paused-ad", platform: "meta", dryRun: true }),
  ],
};

describe("publication failure email", () => {
  it("says what failed and why, what was published where, and links the plan", () => {
    const mail = renderPublicationEmail(input);
    expect(mail.to).toEqual(["pr@acme.example"]);
    expect(mail.subject).toMatch(/^Publishing needs attention \(1 of 3 failed\): Launch/);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain("- X post: X rejected the post: <b>duplicate</b>");
    expect(mail.text).toContain("- LinkedIn post: https://www.linkedin.com/feed/update/urn:li:share:1/");
    expect(mail.text).toContain("- Meta ad (paused) (dry run: no credentials, post it by hand)");
    expect(mail.text).toContain("Plan: https://approve.example/plans/p_1");
    expect(mail.text).toContain("`pressbridge publish --plan p_1 --retry-failed`"); // the command as the CLI takes it
    expect(mail.headers).toMatchObject({ "X-Pressbridge-Kind": "publish-failed", "X-Pressbridge-Plan": "p_1" });
  });

  it("escapes everything from feeds and platforms in the HTML part", () => {
    const { html } = renderPublicationEmail(input);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>duplicate");
    expect(html).toContain("&lt;b&gt;duplicate&lt;/b&gt;");
    expect(html).toContain("Acme &lt;Corp&gt;");
  });

  it("refuses a plan link that is not http(s)", () => {
    expect(() => renderPublicationEmail({ ...input, planLink: "javascript:alert(1)" })).toThrow(ValidationError);
  });
});
