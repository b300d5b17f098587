import { describe, expect, it } from "vitest";
import { deriveBeat, MAX_BEAT_TOPICS } from "../../../../packages/core/src/plans/briefs/index.ts";
import { makeClient, makeRelease } from "./fixtures.ts";

const client = makeClient();
const empty = { industries: [], subjects: [], keywords: [], summary: "" };

describe("deriveBeat from PR Newswire industries", () => {
  it("reads labels into readable beat names and never shows the 3-letter codes", () => {
    const beat = deriveBeat(makeRelease(), client);
    expect(beat.label).toBe("Fintech / Financial services");
    expect(beat.topics.slice(0, 2)).toEqual(["Fintech", "Financial services"]);
    expect(beat.topics).toContain("Joint ventures");
    expect(beat.topics.join("|")).not.toMatch(/\b(?:FIN|JVN)\b|&amp;/);
    expect(beat.groups).toContain("Finance");
    expect(beat.sources).toEqual(["release.industries", "release.subjects"]);
  });

  it("merges labels naming the same beat and trims feed whitespace (the Idaho fries release)", () => {
    const beat = deriveBeat(
      makeRelease({
        title: "AMERICA, THIS ONE'S FOR YOU: IDAHO BRINGS WORLD'S LARGEST SERVING OF FRENCH FRIES RECORD BACK TO THE U.S.",
        industries: ["Beverages", "Food & Beverages", "Restaurants ", "Retail", "Entertainment", "Agriculture", "AGR", "FOD", "RST", "REA", "ENT", "BEV"],
        subjects: ["New Products & Services ", "FVT", "PDT"],
      }),
      client,
    );
    expect(beat.label).toBe("Food & beverage / Restaurants");
    expect(beat.topics).toEqual(["Food & beverage", "Restaurants", "Retail", "Entertainment", "Agriculture", "Product launches"]);
  });

  it("falls back to known codes when an item carries no label, dropping unknown codes", () => {
    expect(deriveBeat(makeRelease({ ...empty, industries: ["LGL"], subjects: ["ATY"] }), client)).toMatchObject({
      label: "Legal",
      topics: ["Legal"],
      sources: ["release.industries"],
    });
    const bio = deriveBeat(makeRelease({ ...empty, industries: ["BIO", "QQZ", "MTC", "HEA"] }), client);
    expect(bio.label).toBe("Biotechnology / Pharmaceuticals & medical");
    expect(bio.topics).toEqual(["Biotechnology", "Pharmaceuticals & medical", "Health care"]);
    expect(bio.topics.join("|")).not.toContain("QQZ");
    const tech = deriveBeat(makeRelease({ ...empty, industries: ["CPR", "IOT", "AFI", "STW"] }), client);
    expect(tech.topics).toEqual(["Computers & electronics", "Cloud computing & IoT", "Artificial intelligence", "Software"]);
  });

  it("ignores codes when labels are present, so a code cannot contradict its label", () => {
    const beat = deriveBeat(makeRelease({ ...empty, industries: ["Computer Software", "CSE"] }), client);
    expect(beat.topics).toEqual(["Software"]);
  });

  it("keeps an unknown industry label as written", () => {
    const beat = deriveBeat(makeRelease({ ...empty, industries: ["Pet Care ", "PET"] }), client);
    expect(beat.label).toBe("Pet Care");
  });
});

describe("deriveBeat from GlobeNewswire subjects", () => {
  it("turns an earnings subject into a markets beat and drops generic categories", () => {
    const beat = deriveBeat(
      makeRelease({ ...empty, title: "Ultragenyx Reports Third Quarter 2026 Results", subjects: ["Earnings Releases and Operating Results", "Company Announcement"] }),
      client,
    );
    expect(beat.label).toBe("Business & markets");
    expect(beat.topics).toEqual(["Business & markets", "Earnings"]);
    expect(beat.topics).not.toContain("Company Announcement");
    expect(beat.sources).toEqual(["release.subjects"]);
  });

  it("maps legal subjects", () => {
    expect(deriveBeat(makeRelease({ ...empty, subjects: ["Law & Legal Issues"] }), client).label).toBe("Legal");
  });

  it("uses the text when every subject is generic", () => {
    const beat = deriveBeat(
      makeRelease({ ...empty, title: "Nordic bank launches instant payments for small businesses", subjects: ["European Regulatory News", "Regulatory information"] }),
      client,
    );
    expect(beat.label).toBe("Finance");
    expect(beat.sources).toEqual(["release.title/summary"]);
  });
});

describe("deriveBeat keyword fallback over title and summary", () => {
  const cases: Array<[string, string, string]> = [
    ["VIDIZMO Joins NVIDIA Inception to Advance Agentic AI That Runs Inside the Customer's Boundary", "", "Technology"],
    ["Acme Therapeutics Announces FDA Clearance of Phase 3 Clinical Trial", "", "Healthcare & biotech"],
    ["Regional bank partners with fintech on real-time payments", "", "Finance"],
    ["Utility to build 400 MW solar farm", "", "Energy"],
    ["Quarterly update", "The company's new cloud software helps developers ship faster.", "Technology"],
  ];
  it.each(cases)("%s -> %s", (title, summary, label) => {
    const beat = deriveBeat(makeRelease({ ...empty, title, summary }), client);
    expect(beat.label).toBe(label);
    expect(beat.sources).toEqual(["release.title/summary"]);
  });

  it("matches AI only as an upper-case word", () => {
    expect(deriveBeat(makeRelease({ ...empty, title: "Thai restaurant group opens its tenth location" }), client).label).toBe("Food & beverage");
  });

  it("names a second broad beat only when it is nearly as strong", () => {
    const beat = deriveBeat(makeRelease({ ...empty, title: "Hospital network adopts AI software for patient records" }), client);
    expect(beat.label).toBe("Technology / Healthcare & biotech");
  });

  it("defaults when nothing says what the release is about", () => {
    expect(deriveBeat(makeRelease({ ...empty, title: "Quarterly update" }), client)).toEqual({
      label: "Business news",
      topics: ["Business news"],
      groups: [],
      sources: ["default"],
    });
  });
});

describe("deriveBeat topics", () => {
  it("adds the client's keywords that appear in the release, as whole words", () => {
    const c = makeClient({ keywords: ["Achieve", "Widgets", "Ach"] });
    const beat = deriveBeat(makeRelease(), c);
    expect(beat.topics).toContain("Achieve");
    expect(beat.topics).not.toContain("Widgets");
    expect(beat.topics).not.toContain("Ach");
    expect(beat.sources).toEqual(["release.industries", "release.subjects", "client.keywords"]);
  });

  it("adds the wire's keywords", () => {
    const beat = deriveBeat(makeRelease({ ...empty, title: "Acme raises Series B", keywords: ["fintech", "Payments", "FINTECH"] }), client);
    expect(beat.topics).toContain("fintech");
    expect(beat.topics).toContain("Payments");
    expect(beat.topics.filter((t) => t.toLowerCase() === "fintech")).toHaveLength(1);
    expect(beat.sources).toContain("release.keywords");
  });

  it("de-duplicates case-insensitively and keeps at most 10, bounded in length", () => {
    const industries = Array.from({ length: 15 }, (_, i) => `Industry Number ${i} ${"x".repeat(100)}`);
    const beat = deriveBeat(makeRelease({ ...empty, industries: [...industries, "RETAIL", "Retail"] }), client);
    expect(beat.topics).toHaveLength(MAX_BEAT_TOPICS);
    for (const t of beat.topics) expect(t.length).toBeLessThanOrEqual(60);
    const lower = beat.topics.map((t) => t.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length);
  });

  it("keeps untrusted label text as plain single-line text", () => {
    const beat = deriveBeat(makeRelease({ ...empty, industries: ["Pet\u202e Care\u0000\n<b>", "  "] }), client);
    expect(beat.topics).toEqual(["Pet Care <b>"]);
  });

  it("is deterministic", () => {
    expect(deriveBeat(makeRelease(), client)).toEqual(deriveBeat(makeRelease(), client));
  });
});
