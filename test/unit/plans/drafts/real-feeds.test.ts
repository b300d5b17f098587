import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ClientConfig } from "../../../../packages/core/src/config/config-schema.ts";
import { parseFeed } from "../../../../packages/core/src/feeds/index.ts";
import { composeDrafts, releaseSlug, trackedLink } from "../../../../packages/core/src/plans/drafts/index.ts";
import type { PlanRelease, PostDraft } from "../../../../packages/core/src/plans/plan.ts";
import { ALL_CHANNELS, expectPlatformValid, graphemesOf } from "./platform-checks.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/real-feeds");

const client: ClientConfig = {
  id: "acme",
  name: "Acme",
  windowHours: 72,
  timezone: "UTC",
  owner: "pr@acme.example",
  approvers: ["social@acme.example"],
  channels: ALL_CHANNELS,
  adPlatforms: [],
  trendHashtags: ["#AI", "#SupplyChain", "#Biotech", "#Fintech", "#Nasdaq", "#GreenBond", "#Insurance", "#Semiconductors", "#Robotics", "#FrenchFries"],
  keywords: [],
  adDefaults: { dailyBudget: 50, currency: "USD", flightDays: 5, locations: ["US"] },
};

interface Case {
  file: string;
  release: PlanRelease;
}

const cases: Case[] = [];

beforeAll(async () => {
  for (const file of readdirSync(FIXTURES).sort()) {
    if (file.endsWith(".md")) continue;
    const feed = await parseFeed(readFileSync(join(FIXTURES, file)), { feedUrl: "https://feeds.example.com/rss" });
    feed.items.forEach((item, i) => {
      cases.push({
        file,
        release: {
          id: `${file}#${i}`,
          title: item.title,
          summary: item.summary,
          url: item.url ?? null,
          wire: "wire",
          issuer: item.issuer ?? null,
          tickers: item.tickers,
          language: item.language ?? null,
          industries: item.industries,
          subjects: item.subjects,
          keywords: item.keywords,
          publishedAt: item.publishedAt ?? null,
          detectedAt: "2026-10-05T18:40:00.000Z",
        },
      });
    });
  }
});

/** Every grapheme of the draft comes from the release or from what the composer adds on purpose. */
function expectGraphemesFromInput(draft: PostDraft, release: PlanRelease): void {
  const allowed = new Set(
    graphemesOf(
      [release.title, release.summary, draft.link ?? "", ...draft.hashtags, ...draft.cashtags, "…“” \n", "Read more: ", "Link in bio"].join(" "),
    ),
  );
  const foreign = graphemesOf(draft.text).filter((g) => !allowed.has(g));
  expect(foreign, draft.text).toEqual([]);
}

describe("composeDrafts over every item of every real feed", () => {
  it("parses a substantial corpus, including the gb2312, windows-1251 and latin-1 feeds", () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const files = new Set(cases.map((c) => c.file));
    for (const f of ["kc0011-forum-gb2312-slash-dates.rss", "oren-ru-windows1251-default-namespace.xml", "uol-noticias-latin1-no-declaration.rss"]) {
      expect(files.has(f), f).toBe(true);
    }
    // The decoded text is real text, not mojibake.
    expect(cases.some((c) => c.release.title.includes("建国35周年纪念"))).toBe(true);
    expect(cases.some((c) => c.release.title.includes("В Бузулуке"))).toBe(true);
    expect(cases.some((c) => /simulações/.test(c.release.title))).toBe(true);
  });

  it("gives every channel a draft that is valid by the platform's own counting", () => {
    let ok = 0;
    let skipped = 0;
    for (const { release } of cases) {
      const outcomes = composeDrafts({ release, client });
      expect(outcomes.map((o) => o.channel)).toEqual(ALL_CHANNELS);
      const campaign = releaseSlug(release);
      for (const outcome of outcomes) {
        if (outcome.status === "skipped") {
          // The only acceptable skip on real data: a wire link too long for Threads' 500 characters.
          expect(outcome.channel, outcome.reason).toBe("threads");
          expect(outcome.reason).toMatch(/^the tracked link (alone is \d+ characters|takes \d+ of the 500 characters)/);
          expect(trackedLink(release.url!, "threads", campaign).length).toBeGreaterThan(440);
          skipped++;
          continue;
        }
        ok++;
        const draft = outcome.draft;
        expectPlatformValid(draft, campaign);
        expectGraphemesFromInput(draft, release);
        if (release.url !== null) expect(draft.link).toBe(trackedLink(release.url, outcome.channel, campaign));
        else expect(draft.link).toBeNull();
        // The post leads with the headline (or its first word when it had to be shortened).
        const firstWord = release.title.trim().split(/\s+/)[0]!;
        if (firstWord !== "" && !/^https?:/.test(firstWord)) expect(draft.text.startsWith(firstWord), draft.text).toBe(true);
        // Wire datelines never make it into a post.
        expect(draft.text).not.toMatch(/\/PRNewswire\/|\(BUSINESS WIRE\)|\(GLOBE NEWSWIRE\)/);
      }
    }
    expect(ok).toBeGreaterThan(cases.length * 6 * 0.98);
    expect(skipped).toBeLessThan(cases.length * 0.05);
  });

  it("takes the key fact from the summary with the dateline stripped", () => {
    const find = (title: string): PlanRelease => cases.find((c) => c.release.title.startsWith(title) && !c.file.startsWith("googlenews"))!.release;
    const bw = composeDrafts({ release: find("AstraZeneca opens"), client: { ...client, channels: ["linkedin"] } })[0]!;
    expect(bw.status === "ok" && bw.draft.text).toContain(
      "\n\nAstraZeneca today announced the opening of its newest global strategic research and development (R&D) center, in Kendall Square, Cambridge, Massachusetts.\n\n",
    );
    const prn = composeDrafts({ release: find("Cryoport Reports First Quarter"), client: { ...client, channels: ["linkedin"] } })[0]!;
    expect(prn.status === "ok" && prn.draft.text).toContain("\n\nCryoport, Inc. (NASDAQ: CYRX), a global leader");
    expect(prn.status === "ok" && prn.draft.text).not.toContain("NASHVILLE");
    const gnw = composeDrafts({ release: find("Peapack Private Appoints"), client: { ...client, channels: ["linkedin"] } })[0]!;
    expect(gnw.status === "ok" && gnw.draft.text).toContain("\n\nPeapack-Gladstone Financial Corporation (NASDAQ Global Select Market: PGC)");
    // Business Wire's "---- $NAGE #Biotech--" after the dateline is dateline too, and a sentence
    // does not end inside a quoted campaign name.
    const niagen = composeDrafts({ release: find("Niagen Bioscience"), client: { ...client, channels: ["linkedin"] } })[0]!;
    expect(niagen.status === "ok" && niagen.draft.text).toContain("\n\nNiagen Bioscience, Inc. (NASDAQ: NAGE)");
    expect(niagen.status === "ok" && niagen.draft.text).toContain("“Don't Get Old. Age Better.®,” a new brand campaign");
    // A PR Newswire sub-headline before the dateline is the key fact.
    const idaho = composeDrafts({ release: find("AMERICA, THIS ONE'S FOR YOU"), client: { ...client, channels: ["facebook"] } })[0]!;
    expect(idaho.status === "ok" && idaho.draft.text).toContain(
      "\n\nIdaho Potato Commission and Spud Daddy reclaim Guinness World Records title with 1474 pounds of fresh-cut Idaho® potato fries\n\n",
    );
  });

  it("adds a quote on the longer channels when the summary has one", () => {
    const schwab = cases.find((c) => c.release.title.startsWith("Schwab Initiates"))!.release;
    const [linkedin, x] = composeDrafts({ release: schwab, client: { ...client, channels: ["linkedin", "x"] } });
    expect(linkedin?.status === "ok" && linkedin.draft.text).toContain("“We’re proud to support TXSE and what it represents for the future of U.S. markets”");
    expect(x?.status === "ok" && x.draft.text).not.toContain("We’re proud");
  });

  it("does not repeat the headline as the key fact (aggregator summaries)", () => {
    const gn = cases.find((c) => c.release.title.startsWith("Cryoport (CYRX) Stock Fair Value Rises After Analysts Lift Growth"))!.release;
    const [x] = composeDrafts({ release: gn, client: { ...client, channels: ["x"] } });
    expect(x?.status === "ok" && x.draft.text.split("\n\n")).toHaveLength(2); // headline + link
  });
});
