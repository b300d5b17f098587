import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { AmplificationPlan, PostDraft } from "@pressbridge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { reviewPage } from "../../packages/web/src/views/review-page.ts";
import { plan as planFixture, T0 } from "../support/audit-fixtures.ts";
import { launchBrowser, skipBrowserTests } from "../support/browser.ts";

const ARTIFACTS = join(import.meta.dirname, "../../test-artifacts");
const UTM = "https://acme.example/news/2026/11/acme-launches-the-widget-platform-for-enterprise?utm_source=linkedin&utm_medium=organic_social&utm_campaign=p_1-acme-launches-the-widget-platform&utm_content=launch";

function draft(channel: PostDraft["channel"], text: string): PostDraft & { version: number } {
  return { channel, text, link: UTM, facets: [], hashtags: [], cashtags: [], length: { value: text.length, limit: 3000, unit: "characters" }, version: 1 } as PostDraft & { version: number };
}

function pendingPlan(): AmplificationPlan {
  return planFixture("p_1", 0, {
    drafts: [draft("linkedin", `Acme launches the widget platform. Read more: ${UTM}`), draft("x", `Acme launches widgets ${UTM}`)] as AmplificationPlan["drafts"],
  });
}

function render(p: AmplificationPlan): string {
  return String(reviewPage({ plan: p, token: "t0k", approver: "social@acme.example", csrf: "c", audit: [], now: new Date(T0) }));
}

describe("review page layout", () => {
  it("offers a jump to the decision and shows long tracking links short, the full URL on demand", () => {
    const out = render(pendingPlan());
    expect(out).toContain('<a href="#decide">Jump to decision</a>');
    expect(out).toContain('id="decide"');
    expect(out).toContain('name="action" value="approve">Approve and publish</button>');
    expect(out).toContain('name="action" value="decline">Decline</button>');
    expect(out).toContain("<summary class=\"muted\">Link: acme.example/news/2026/11/acme-launches-the-widget-platform-for-enterprise</summary>");
    expect(out).toContain(UTM.replaceAll("&", "&amp;"));
  });

  it("has no jump link once the plan is decided (there is no decision form)", () => {
    const p = pendingPlan();
    p.status = "approved";
    p.decision = { action: "approved", by: "social@acme.example", at: new Date(T0).toISOString(), linkId: "l", draftVersions: {}, comment: null };
    expect(render(p)).not.toContain("Jump to decision");
  });
});

describe.skipIf(skipBrowserTests())("review page at 390 px and 1280 px (headless Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  for (const width of [390, 1280]) {
    it(`no sideways scroll at ${width} px, and the jump link reaches the decision`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 844 } });
      await page.setContent(render(pendingPlan()));
      const { scroll, client } = await page.evaluate<{ scroll: number; client: number }>(
        "({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })",
      );
      expect(scroll).toBeLessThanOrEqual(client);
      await page.screenshot({ path: join(ARTIFACTS, `review-${width}.png`), fullPage: true });
      await page.getByRole("link", { name: "Jump to decision" }).click();
      expect(await page.evaluate<string>("location.hash")).toBe("#decide");
      await expect(page.locator("#decide").isVisible()).resolves.toBe(true);
      await page.close();
    }, 60_000);
  }
});
