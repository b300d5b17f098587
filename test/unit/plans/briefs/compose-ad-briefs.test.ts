import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  CREATIVE_LIMITS,
  composeAdBriefs,
  parseMediaListCsv,
  type AdBrief,
  type ComposeAdBriefsInput,
  type LinkedInAdBrief,
  type MetaAdBrief,
  type XAdBrief,
} from "../../../../packages/core/src/plans/briefs/index.ts";
import { measureXWeighted } from "../../../../packages/core/src/text/fit-text.ts";
import { releaseSlug } from "../../../../packages/core/src/plans/drafts/index.ts";
import type { AdPlatform, MediaContact } from "../../../../packages/core/src/plans/plan.ts";
import { makeClient, makeRelease } from "./fixtures.ts";

const DEADLINE = "2026-09-15T02:29:00.000Z";
const tracked = (platform: AdPlatform): string =>
  `https://www.prnewswire.com/news-releases/achieve-publishes-new-online-guidance-302876793.html?utm_source=${platform}&utm_medium=paid_social&utm_campaign=achieve-guidance`;

function compose(overrides: Partial<ComposeAdBriefsInput> = {}): AdBrief[] {
  return composeAdBriefs({ release: makeRelease(), client: makeClient(), trackedLink: tracked, windowDeadline: DEADLINE, ...overrides });
}

function byPlatform(briefs: AdBrief[]): { linkedin: LinkedInAdBrief; meta: MetaAdBrief; x: XAdBrief } {
  const find = <P extends AdPlatform>(p: P) => briefs.find((b) => b.platform === p) as Extract<AdBrief, { platform: P }>;
  return { linkedin: find("linkedin"), meta: find("meta"), x: find("x") };
}

const graphemes = (s: string): string[] => [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(s)].map((g) => g.segment);

describe("composeAdBriefs: one brief per ad platform", () => {
  it("follows the config order, once per platform", () => {
    expect(compose({ client: makeClient({ adPlatforms: ["x", "linkedin"] }) }).map((b) => b.platform)).toEqual(["x", "linkedin"]);
    expect(compose({ client: makeClient({ adPlatforms: ["meta", "meta"] }) }).map((b) => b.platform)).toEqual(["meta"]);
    expect(compose({ client: makeClient({ adPlatforms: [] }) })).toEqual([]);
  });

  it("creates everything paused, with the platform's objective", () => {
    const briefs = compose();
    expect(briefs.map((b) => [b.platform, b.objective, b.status])).toEqual([
      ["linkedin", "WEBSITE_VISIT", "PAUSED"],
      ["meta", "OUTCOME_TRAFFIC", "PAUSED"],
      ["x", "WEBSITE_CLICKS", "PAUSED"],
    ]);
    for (const b of briefs) {
      expect(b.objectiveLabel).toMatch(/\w+ \w+/);
      expect(b.notes.some((n) => /PAUSED/.test(n))).toBe(true);
    }
  });
});

describe("audience", () => {
  it("says in plain English who it reaches, on the release's beat", () => {
    const { linkedin } = byPlatform(compose());
    expect(linkedin.audience.summary).toBe("Journalists, editors, reporters, bloggers and pundits covering Fintech / Financial services (United States)");
    expect(linkedin.audience.beat.label).toBe("Fintech / Financial services");
    expect(linkedin.audience.roles).toEqual(expect.arrayContaining(["Journalist", "Editor", "Reporter", "Blogger", "Columnist", "Podcaster"]));
    expect(linkedin.audience.matchedAudience).toBeUndefined();
  });

  it("LinkedIn: targetingCriteria with facet URN keys and names to resolve", () => {
    const { linkedin } = byPlatform(compose());
    const t = linkedin.audience.targeting;
    expect(t.valuesAre).toBe("names-to-resolve");
    const [location, who] = t.targetingCriteria.include.and;
    expect(location?.or["urn:li:adTargetingFacet:locations"]).toEqual(["United States"]);
    expect(who?.or["urn:li:adTargetingFacet:titles"]).toEqual(expect.arrayContaining(["Journalist", "Editor", "Reporter"]));
    expect(who?.or["urn:li:adTargetingFacet:industries"]).toEqual(
      expect.arrayContaining(["Newspaper Publishing", "Online Audio and Video Media", "Broadcast Media Production and Distribution"]),
    );
    // No guessed numeric ids.
    expect(JSON.stringify(t)).not.toMatch(/urn:li:(?:title|industry|geo|function):/);
    expect(linkedin.notes.join(" ")).toContain("adTargetingEntities");
  });

  it("Meta: geo, work positions and beat interests, ANDed through flexible_spec", () => {
    const { meta } = byPlatform(compose({ client: makeClient({ keywords: ["Achieve"] }) }));
    const t = meta.audience.targeting;
    expect(t.geo_locations).toEqual({ countries: ["US"] });
    expect(t.flexible_spec).toHaveLength(2);
    expect(t.flexible_spec[0]?.work_positions).toEqual(expect.arrayContaining([{ name: "Journalist" }, { name: "Editor" }]));
    expect(t.flexible_spec[0]?.interests).toEqual([{ name: "Journalism" }]);
    // Beat interests: the beats, not the client's own name.
    expect(t.flexible_spec[1]?.interests).toEqual([{ name: "Fintech" }, { name: "Financial services" }, { name: "Joint ventures" }]);
    expect(meta.notes.join(" ")).toMatch(/adworkposition/);
  });

  it("X: location, beat keywords and interests; no invented FOLLOWERS_OF_USER handles", () => {
    const { x } = byPlatform(compose({ client: makeClient({ keywords: ["Achieve"] }) }));
    const rows = x.audience.targeting.targeting_criteria;
    expect(rows[0]).toEqual({ targeting_type: "LOCATION", targeting_value: "United States" });
    const values = (type: string) => rows.filter((r) => r.targeting_type === type).map((r) => r.targeting_value);
    expect(values("KEYWORD")).toEqual(["Fintech", "Financial services", "Joint ventures", "Achieve"]);
    expect(values("INTEREST")).toEqual(["Business and finance"]);
    expect(values("FOLLOWERS_OF_USER")).toEqual([]);
    expect(x.notes.join(" ")).toContain("FOLLOWERS_OF_USER");
  });

  it("targets the client's locations on every platform: a Europe/Berlin client in Germany", () => {
    const { linkedin, meta, x } = byPlatform(compose({ client: makeClient({ timezone: "Europe/Berlin" }) }));
    expect(linkedin.audience.targeting.targetingCriteria.include.and[0]?.or["urn:li:adTargetingFacet:locations"]).toEqual(["Germany"]);
    expect(meta.audience.targeting.geo_locations).toEqual({ countries: ["DE"] });
    expect(x.audience.targeting.targeting_criteria.filter((r) => r.targeting_type === "LOCATION")).toEqual([{ targeting_type: "LOCATION", targeting_value: "Germany" }]);
    expect(linkedin.audience.summary).toMatch(/\(Germany\)$/);
    // The US geo URN hint is only for a brief that targets the US.
    expect(linkedin.notes.join(" ")).not.toContain("United States");
  });

  it("targets every listed location, in config order, the configured ones over the time zone's", () => {
    const client = makeClient({ timezone: "Asia/Tokyo", adDefaults: { dailyBudget: 50, currency: "EUR", flightDays: 5, locations: ["AT", "CH", "DE"] } });
    const { linkedin, meta, x } = byPlatform(compose({ client }));
    expect(linkedin.audience.targeting.targetingCriteria.include.and[0]?.or["urn:li:adTargetingFacet:locations"]).toEqual(["Austria", "Switzerland", "Germany"]);
    expect(meta.audience.targeting.geo_locations.countries).toEqual(["AT", "CH", "DE"]);
    expect(x.audience.targeting.targeting_criteria.filter((r) => r.targeting_type === "LOCATION").map((r) => r.targeting_value)).toEqual(["Austria", "Switzerland", "Germany"]);
    expect(linkedin.audience.summary).toMatch(/\(Austria, Switzerland, Germany\)$/);
    const many = makeClient({ adDefaults: { dailyBudget: 50, currency: "EUR", flightDays: 5, locations: ["AT", "BE", "CH", "DE", "FR", "NL"] } });
    expect(byPlatform(compose({ client: many })).meta.audience.summary).toMatch(/\(6 countries\)$/);
  });

  it("leaves news types out of X keywords", () => {
    const release = makeRelease({ industries: ["Retail"], subjects: ["New Products & Services", "PDT"] });
    const { x } = byPlatform(compose({ release }));
    const keywords = x.audience.targeting.targeting_criteria.filter((r) => r.targeting_type === "KEYWORD").map((r) => r.targeting_value);
    expect(keywords).toEqual(["Retail"]);
  });
});

describe("flight and budget", () => {
  it("starts on approval, no later than the window deadline", () => {
    for (const b of compose()) {
      expect(b.flight).toMatchObject({ startsAt: "on approval", latestStart: DEADLINE, days: 5 });
      expect(b.flight.note).toContain(DEADLINE);
    }
  });

  it("totals the budget and gives each platform its own units (50 USD x 5 days)", () => {
    const { linkedin, meta, x } = byPlatform(compose());
    for (const b of [linkedin, meta, x]) {
      expect(b.budget).toMatchObject({ daily: 50, currency: "USD", total: 250, minorUnits: { daily: 5000, total: 25000, perMajorUnit: 100 } });
    }
    expect(linkedin.budget.api).toEqual({
      platform: "linkedin",
      dailyBudget: { amount: "50.00", currencyCode: "USD" },
      totalBudget: { amount: "250.00", currencyCode: "USD" },
    });
    expect(meta.budget.api).toEqual({ platform: "meta", daily_budget: 5000 });
    expect(x.budget.api).toEqual({ platform: "x", daily_budget_amount_local_micro: 50_000_000, total_budget_amount_local_micro: 250_000_000 });
  });

  it("handles zero-decimal currencies (JPY, KRW): no minor unit", () => {
    const client = makeClient({ adDefaults: { dailyBudget: 7000, currency: "JPY", flightDays: 3 } });
    const { linkedin, meta, x } = byPlatform(compose({ client }));
    expect(meta.budget).toMatchObject({ daily: 7000, total: 21000, minorUnits: { daily: 7000, total: 21000, perMajorUnit: 1 } });
    expect(meta.budget.api).toEqual({ platform: "meta", daily_budget: 7000 });
    expect(linkedin.budget.api).toMatchObject({ dailyBudget: { amount: "7000", currencyCode: "JPY" }, totalBudget: { amount: "21000" } });
    expect(x.budget.api).toMatchObject({ daily_budget_amount_local_micro: 7_000_000_000 });
    const krw = byPlatform(compose({ client: makeClient({ adDefaults: { dailyBudget: 65000, currency: "KRW", flightDays: 2 } }) }));
    expect(krw.meta.budget.minorUnits).toEqual({ daily: 65000, total: 130000, perMajorUnit: 1 });
  });

  it("uses Meta's own offsets where they differ from ISO 4217 (HUF) and three-decimal ISO currencies elsewhere (KWD)", () => {
    const huf = byPlatform(compose({ client: makeClient({ adDefaults: { dailyBudget: 15000, currency: "HUF", flightDays: 2 } }) }));
    expect(huf.meta.budget.minorUnits).toEqual({ daily: 15000, total: 30000, perMajorUnit: 1 });
    expect(huf.linkedin.budget.api).toMatchObject({ dailyBudget: { amount: "15000.00" } });
    const kwd = byPlatform(compose({ client: makeClient({ adDefaults: { dailyBudget: 12.345, currency: "KWD", flightDays: 2 } }) }));
    expect(kwd.linkedin.budget).toMatchObject({ daily: 12.345, total: 24.69, minorUnits: { daily: 12345, total: 24690, perMajorUnit: 1000 } });
    expect(kwd.linkedin.budget.api).toMatchObject({ dailyBudget: { amount: "12.345" }, totalBudget: { amount: "24.690" } });
  });

  it("rounds to the smallest unit without float drift, and says so", () => {
    const { meta } = byPlatform(compose({ client: makeClient({ adDefaults: { dailyBudget: 19.999, currency: "USD", flightDays: 3 } }) }));
    expect(meta.budget).toMatchObject({ daily: 20, total: 60, minorUnits: { daily: 2000, total: 6000 } });
    expect(meta.notes.join(" ")).toContain("rounded");
    const cents = byPlatform(compose({ client: makeClient({ adDefaults: { dailyBudget: 0.1, currency: "USD", flightDays: 3 } }) }));
    expect(cents.meta.budget.total).toBe(0.3);
  });
});

describe("creative", () => {
  it("offers the supporting asset when configured, with the release's UTM tags on the asset URL", () => {
    const client = makeClient({ supportingAsset: { title: "2026 Debt Relief Guide", url: "https://acme.example/guides/debt-relief.pdf?ref=pr" } });
    const { linkedin, meta, x } = byPlatform(compose({ client }));
    for (const b of [linkedin, meta, x]) {
      expect(b.creative.offer).toEqual({ kind: "supporting-asset", title: "2026 Debt Relief Guide", url: "https://acme.example/guides/debt-relief.pdf?ref=pr" });
      const landing = new URL(b.creative.landingUrl!);
      expect(landing.origin + landing.pathname).toBe("https://acme.example/guides/debt-relief.pdf");
      expect(landing.searchParams.get("ref")).toBe("pr");
      expect(landing.searchParams.get("utm_source")).toBe(b.platform);
      expect(landing.searchParams.get("utm_campaign")).toBe("achieve-guidance");
      expect(b.creative.body).toContain("Download: 2026 Debt Relief Guide");
    }
    expect([linkedin.creative.callToAction, meta.creative.callToAction, x.creative.callToAction]).toEqual(["DOWNLOAD", "DOWNLOAD", "Download"]);
  });

  it("uses LEARN_MORE for an asset that is a web page", () => {
    const client = makeClient({ supportingAsset: { title: "Our research hub", url: "https://acme.example/research" } });
    const { linkedin, meta } = byPlatform(compose({ client }));
    expect(linkedin.creative.callToAction).toBe("LEARN_MORE");
    expect(meta.creative.callToAction).toBe("LEARN_MORE");
    expect(meta.creative.body).toContain("Read: Our research hub");
  });

  it("offers the release itself otherwise, landing on the tracked release link", () => {
    const { linkedin, x } = byPlatform(compose());
    expect(linkedin.creative.offer).toEqual({ kind: "release", title: makeRelease().title, url: makeRelease().url });
    expect(linkedin.creative.landingUrl).toBe(tracked("linkedin"));
    expect(x.creative.landingUrl).toBe(tracked("x"));
    expect(linkedin.creative.callToAction).toBe("LEARN_MORE");
    // The body leads with the summary, without the wire's dateline.
    expect(linkedin.creative.body.startsWith("Today, Achieve announced")).toBe(true);
  });

  it("tags the asset itself when the release has no link, and says when there is nothing to link to", () => {
    const release = makeRelease({ url: null });
    const withAsset = byPlatform(
      compose({ release, trackedLink: () => null, client: makeClient({ supportingAsset: { title: "Kit", url: "https://acme.example/kit" } }) }),
    );
    const landing = new URL(withAsset.meta.creative.landingUrl!);
    expect(landing.searchParams.get("utm_source")).toBe("meta");
    expect(landing.searchParams.get("utm_medium")).toBe("paid_social");
    expect(landing.searchParams.get("utm_campaign")).toBe(releaseSlug(release));
    const untracked = byPlatform(compose({ trackedLink: () => null }));
    expect(new URL(untracked.x.creative.landingUrl!).searchParams.get("utm_source")).toBe("x");
    const bare = byPlatform(compose({ release, trackedLink: () => null }));
    expect(bare.linkedin.creative.landingUrl).toBeNull();
    expect(bare.linkedin.notes.join(" ")).toContain("No landing URL");
  });

  it("keeps copy within each platform's limits on a long title, without cutting words", () => {
    const title =
      "Acme Corporation Announces the General Availability of Its Next-Generation Autonomous Widget Orchestration Platform for Regulated Financial Institutions Across North America and Europe";
    const summary = `NEW YORK, Oct. 5, 2026 /PRNewswire/ -- ${"Acme Corporation today announced a long series of improvements to its platform. ".repeat(20)}`;
    for (const b of compose({ release: makeRelease({ title, summary }) })) {
      const limits = CREATIVE_LIMITS[b.platform];
      expect(b.creative.length.headline).toEqual({ unit: limits.headline.unit, value: expect.any(Number), limit: limits.headline.target });
      expect(b.creative.length.headline.value).toBeLessThanOrEqual(limits.headline.target);
      expect(b.creative.length.body.value).toBeLessThanOrEqual(limits.body.target);
      expect(b.creative.headline.length).toBeLessThanOrEqual(limits.headline.target);
      expect(b.creative.headline.endsWith("…")).toBe(true);
      const kept = b.creative.headline.slice(0, -1);
      expect(title.startsWith(kept)).toBe(true);
      expect(title[kept.length]).toBe(" ");
    }
  });

  it("keeps emoji and CJK titles whole-grapheme and within limits (X weighted)", () => {
    const titles = [
      "🚀🎉 Acme 👩‍👩‍👧‍👦 launches family plans in 🇺🇸🇬🇧🇯🇵 with more emoji 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 and a long tail of words to go past every limit there is",
      "東京証券取引所に上場する株式会社サンプルは本日新しい人工知能プラットフォームの提供を開始したと発表しました。同社の最高経営責任者は次のように述べています。これは日本市場における重要な一歩です。さらに多くの文章がここに続き、すべての制限を超えるように長くなっています。",
    ];
    for (const title of titles) {
      for (const b of compose({ release: makeRelease({ title, summary: title }) })) {
        const { headline, body } = b.creative;
        for (const text of [headline, body]) {
          expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
          const kept = text.endsWith("…") ? text.slice(0, -1) : text;
          const clusters = graphemes(kept);
          expect(clusters).toEqual(graphemes(title).slice(0, clusters.length));
        }
        expect(b.creative.length.body.value).toBeLessThanOrEqual(CREATIVE_LIMITS[b.platform].body.target);
        if (b.platform === "x") {
          expect(measureXWeighted(body)).toBeLessThanOrEqual(200);
          expect(b.creative.length.body.unit).toBe("weighted");
        } else {
          expect(body.length).toBeLessThanOrEqual(CREATIVE_LIMITS[b.platform].body.target);
        }
      }
    }
  });

  it("keeps untrusted text as plain text: no links, control or bidi characters in the copy", () => {
    const release = makeRelease({
      title: "Acme\u202e launches\u0000 widgets https://evil.example/x <script>alert(1)</script>",
      summary: "Read https://evil.example/y now. www.evil.example too.",
    });
    for (const b of compose({ release })) {
      for (const text of [b.creative.headline, b.creative.body]) {
        expect(text).not.toMatch(/https?:|www\.|[\u0000-\u001f\u202a-\u202e]/);
      }
    }
    // Markup stays literal text (escaping is the renderer's job).
    expect(byPlatform(compose({ release })).x.creative.body).toContain("<script>");
  });
});

describe("matched audience from the media list", () => {
  const csv = "email,name,outlet\njournalist@example.com,Jo,Ledger\n  Reporter@News.Example ,Re,Wire\nreporter@news.example,Dup,Wire\nblogger@blog.example,Bo,Blog\n";
  const { contacts } = parseMediaListCsv(csv);
  const mediaList = { contacts, source: "media/acme-journalists.csv" };
  const sha = (s: string) => createHash("sha256").update(s).digest("hex");

  it("carries sorted, de-duplicated SHA-256 hashes and a count", () => {
    const { linkedin } = byPlatform(compose({ mediaList }));
    const expected = ["journalist@example.com", "reporter@news.example", "blogger@blog.example"].map(sha).sort();
    expect(linkedin.audience.matchedAudience).toEqual({
      clientId: "acme",
      source: "media/acme-journalists.csv",
      hashedEmails: expected,
      count: 3,
      hashing: "SHA-256 of trimmed, lower-cased email",
    });
    expect(linkedin.audience.summary).toContain("plus the 3 contacts on the client's media list");
    expect(linkedin.notes.join(" ")).toMatch(/matched audience has 3 contacts/);
  });

  it("never puts a raw email (or any '@') in a serialised brief", () => {
    const extra: MediaContact[] = [...contacts, { email: "not valid@x", name: "Broken" }];
    const briefs = compose({ mediaList: { contacts: extra, source: "lists/press@acme.example.csv" } });
    const json = JSON.stringify(briefs);
    for (const c of extra) {
      const email = c.email ?? "(a CSV contact always has an email)";
      expect(json).not.toContain(email);
      expect(json.toLowerCase()).not.toContain(email.trim().toLowerCase());
    }
    expect(json).not.toContain("@");
    expect(json).not.toContain("Ledger"); // nor other contact details
  });

  it("skips the matched audience for a list with no valid emails, and says so", () => {
    const { meta } = byPlatform(compose({ mediaList: { contacts: [{ email: "nope" }], source: "empty.csv" } }));
    expect(meta.audience.matchedAudience).toBeUndefined();
    expect(meta.notes.join(" ")).toContain("no valid email addresses");
  });

  it("does not depend on the order of the list", () => {
    const a = compose({ mediaList });
    const b = compose({ mediaList: { ...mediaList, contacts: [...contacts].reverse() } });
    expect(b).toEqual(a);
  });
});

describe("determinism and serialisation", () => {
  it("gives identical briefs for identical input", () => {
    const input = { mediaList: parseMediaListCsv("email\na@b.example\n") };
    const first = compose({ mediaList: { contacts: input.mediaList.contacts, source: "x.csv" } });
    const second = compose({ mediaList: { contacts: input.mediaList.contacts, source: "x.csv" } });
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it("survives a JSON round trip unchanged", () => {
    const briefs = compose({ client: makeClient({ supportingAsset: { title: "Kit", url: "https://acme.example/kit.pdf" } }) });
    expect(JSON.parse(JSON.stringify(briefs))).toEqual(briefs);
  });
});
