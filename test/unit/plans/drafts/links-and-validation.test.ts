import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import type { ClientConfig } from "../../../../packages/core/src/config/config-schema.ts";
import { ValidationError } from "../../../../packages/core/src/errors.ts";
import { composeDrafts, releaseSlug, trackedLink, validateDraftText } from "../../../../packages/core/src/plans/drafts/index.ts";
import { firstSentence, stripDateline } from "../../../../packages/core/src/plans/drafts/release-content.ts";
import type { LinkFacet, PlanRelease } from "../../../../packages/core/src/plans/plan.ts";
import { ALL_CHANNELS } from "./platform-checks.ts";

const base: PlanRelease = {
  id: "rel-7",
  title: "Acme Raises $40M to Scale AI Supply Chain Platform",
  summary: 'SAN FRANCISCO--(BUSINESS WIRE)--Acme today raised $40M. "This round lets us serve every mid-size shipper in Europe," said CEO Jane Doe.',
  url: "https://www.businesswire.com/news/home/20261005000001/en/?feedref=abc==&utm_source=rss&utm_content=x",
  wire: "Business Wire",
  issuer: "Acme",
  tickers: ["NYSE:ACME", "Nasdaq:GBXR"],
  language: "en",
  industries: ["Logistics"],
  subjects: [],
  keywords: ["supply chain"],
  publishedAt: null,
  detectedAt: "2026-10-05T00:00:00.000Z",
};

const client: ClientConfig = {
  id: "acme",
  name: "Acme",
  windowHours: 72,
  timezone: "UTC",
  owner: "pr@acme.example",
  approvers: ["social@acme.example"],
  channels: ALL_CHANNELS,
  adPlatforms: [],
  trendHashtags: ["#AI", "#SupplyChain", "#Logistics"],
  keywords: [],
  adDefaults: { dailyBudget: 50, currency: "USD", flightDays: 5, locations: ["US"] },
};

describe("composeDrafts determinism", () => {
  it("gives identical output for identical input", () => {
    const a = composeDrafts({ release: base, client });
    const b = composeDrafts({ release: structuredClone(base), client: structuredClone(client) });
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // A channel's draft does not depend on which other channels are configured.
    const alone = composeDrafts({ release: base, client: { ...client, channels: ["bluesky"] } });
    expect(alone[0]).toEqual(a.find((o) => o.channel === "bluesky"));
  });

  it("does not mutate its input", () => {
    const r = structuredClone(base);
    const c = structuredClone(client);
    composeDrafts({ release: r, client: c });
    expect(r).toEqual(base);
    expect(c).toEqual(client);
  });
});

describe("trackedLink", () => {
  it("replaces every existing tracking parameter (utm_*, feedref, ncid) and keeps the others, their encoding and the fragment", () => {
    expect(trackedLink("https://ex.com/a?utm_source=old&id=5&UTM_Medium=x&q=a%20b&utm_term=y&f=abc==#frag", "x", "launch")).toBe(
      "https://ex.com/a?id=5&q=a%20b&f=abc==&utm_source=x&utm_medium=social&utm_campaign=launch#frag",
    );
    expect(trackedLink(base.url!, "linkedin", "acme")).toBe(
      "https://www.businesswire.com/news/home/20261005000001/en/?utm_source=linkedin&utm_medium=social&utm_campaign=acme",
    );
    expect(trackedLink("https://www.prnewswire.com/news-releases/x-302.html?tc=eml&ncid=rss", "x", "c")).toBe(
      "https://www.prnewswire.com/news-releases/x-302.html?tc=eml&utm_source=x&utm_medium=social&utm_campaign=c",
    );
  });

  it("adds the parameters to a link without a query and is idempotent", () => {
    const once = trackedLink("https://ex.com", "bluesky", "c");
    expect(once).toBe("https://ex.com/?utm_source=bluesky&utm_medium=social&utm_campaign=c");
    expect(trackedLink(once, "bluesky", "c")).toBe(once);
    expect(trackedLink(once, "threads", "d")).toBe("https://ex.com/?utm_source=threads&utm_medium=social&utm_campaign=d");
  });

  it("takes another medium for paid links", () => {
    expect(trackedLink("https://ex.com/p?a=1", "meta", "c", "paid_social")).toBe("https://ex.com/p?a=1&utm_source=meta&utm_medium=paid_social&utm_campaign=c");
  });

  it("rejects anything but an absolute http(s) URL", () => {
    for (const bad of ["", "ex.com/a", "javascript:alert(1)", "ftp://ex.com/a", "/relative"]) {
      expect(() => trackedLink(bad, "x", "c"), bad).toThrow(ValidationError);
    }
  });
});

describe("releaseSlug", () => {
  const slug = (title: string, id = "rel-7"): string => releaseSlug({ ...base, id, title });

  it("transliterates accents and lower-cases to ascii words", () => {
    expect(slug("Crème Brûlée Co. Raises €5M")).toBe("creme-brulee-co-raises-5m");
    expect(slug("Straße & Ærø: Łódź Ølhus")).toBe("strasse-and-aero-lodz-olhus");
    expect(slug("VEON’s Beeline Kazakhstan")).toBe("veons-beeline-kazakhstan");
    expect(slug("  <script>alert(1)</script>  ")).toBe("script-alert-1-script");
    expect(slug("Lerøy Seafood Group ASA – Green bond")).toBe("leroy-seafood-group-asa-green-bond");
  });

  it("is at most 60 characters, cut between words", () => {
    const title = "Esophageal Cancer Market to Accelerate at a CAGR of 6% During the Forecast Period (2026–2036)";
    const s = slug(title);
    expect(s).toBe("esophageal-cancer-market-to-accelerate-at-a-cagr-of-6-during");
    expect(s.length).toBeLessThanOrEqual(60);
    // A single word longer than 60 characters is cut (unavoidably) at 60.
    expect(slug("x".repeat(80))).toBe("x".repeat(60));
  });

  it("falls back to the release id for CJK, Cyrillic or empty titles", () => {
    expect(slug("Snail Games 重點參與 2026 年 Steam 秋季特賣，藉此在萬聖節季節前激發玩家熱情", "gnw-3373500")).toBe("gnw-3373500");
    expect(slug("В Бузулуке главные стройплощадки", "REL_42")).toBe("rel-42");
    expect(slug("", "rel-1")).toBe("rel-1");
    expect(slug("!!!", "日本")).toBe("release");
    expect(slug("Acme 2026: 新产品 launch today", "id")).toBe("acme-2026-launch-today");
  });

  it("is deterministic and always [a-z0-9-]", () => {
    for (const t of ["Ünïcödé Tëst", "a--b__c", "—", "Déjà vu"]) {
      expect(slug(t)).toBe(slug(t));
      expect(slug(t)).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    }
  });
});

describe("validateDraftText", () => {
  it("X: counts with twitter-text (URLs 23, CJK 2) and rejects over 280", () => {
    expect(validateDraftText("x", "a".repeat(280))).toEqual({ ok: true, length: { unit: "weighted", value: 280, limit: 280 } });
    const over = validateDraftText("x", "a".repeat(281));
    expect(over).toEqual({ ok: false, reason: "x text is 281 weighted characters; the limit is 280", length: { unit: "weighted", value: 281, limit: 280 } });
    expect(validateDraftText("x", "中".repeat(140)).ok).toBe(true);
    expect(validateDraftText("x", "中".repeat(141))).toMatchObject({ ok: false, length: { value: 282 } });
    const url = `https://ex.com/${"p".repeat(400)}`;
    expect(validateDraftText("x", `${"a".repeat(250)} ${url}`, { link: url })).toMatchObject({ ok: true, length: { value: 274 } });
    expect(validateDraftText("x", "a\uFFFEb")).toMatchObject({ ok: false });
  });

  it("X: requires the tracked link as one URL when a link is given", () => {
    expect(validateDraftText("x", "News https://ex.com/a?b=1", { link: "https://ex.com/a?b=1" }).ok).toBe(true);
    expect(validateDraftText("x", "News https://ex.com/a?b=1x", { link: "https://ex.com/a?b=1" })).toMatchObject({ ok: false, reason: expect.stringMatching(/link/) });
    expect(validateDraftText("x", "News", { link: "https://ex.com/a" }).ok).toBe(false);
  });

  it("Bluesky: 300 graphemes, 3,000 UTF-8 bytes, and facets over exact byte ranges", () => {
    const family = "👨‍👩‍👧‍👦";
    expect(validateDraftText("bluesky", "é".repeat(300)).ok).toBe(true);
    expect(validateDraftText("bluesky", "é".repeat(301))).toMatchObject({ ok: false, reason: "bluesky text is 301 graphemes; the limit is 300", length: { unit: "graphemes", value: 301 } });
    expect(validateDraftText("bluesky", family.repeat(120))).toMatchObject({ ok: true, length: { value: 120 } }); // 3,000 bytes exactly
    expect(validateDraftText("bluesky", family.repeat(121))).toMatchObject({ ok: false, reason: "bluesky text is 3025 UTF-8 bytes; the limit is 3000" });

    const link = "https://ex.com/a?utm_source=bluesky";
    const text = `Ünïcode 👋🏽 news\n\nex.com/a…\n\n#AI`;
    const bytes = Buffer.from(text, "utf8");
    const start = bytes.indexOf(Buffer.from("ex.com/a…"));
    const tagStart = bytes.indexOf(Buffer.from("#AI"));
    const facets: LinkFacet[] = [
      { index: { byteStart: start, byteEnd: start + Buffer.byteLength("ex.com/a…") }, features: [{ $type: "app.bsky.richtext.facet#link", uri: link }] },
      { index: { byteStart: tagStart, byteEnd: tagStart + 3 }, features: [{ $type: "app.bsky.richtext.facet#tag", tag: "AI" }] },
    ];
    expect(validateDraftText("bluesky", text, { link, facets }).ok).toBe(true);
    // Off by one byte (as UTF-16 offsets would be): rejected.
    const shifted = facets.map((f) => ({ ...f, index: { byteStart: f.index.byteStart - 1, byteEnd: f.index.byteEnd - 1 } }));
    expect(validateDraftText("bluesky", text, { link, facets: shifted }).ok).toBe(false);
    expect(validateDraftText("bluesky", text, { link, facets: [facets[1]!] })).toMatchObject({ ok: false, reason: "no link facet points at the tracked link" });
    expect(validateDraftText("bluesky", text, { link: `${link}&x=1`, facets }).ok).toBe(false);
    const splitsChar = [{ index: { byteStart: 1, byteEnd: 2 }, features: [{ $type: "app.bsky.richtext.facet#link" as const, uri: link }] }];
    expect(validateDraftText("bluesky", text, { facets: splitsChar })).toMatchObject({ ok: false, reason: expect.stringMatching(/splits a character/) });
  });

  it("Threads: 500 characters counted as UTF-16, the stricter reading", () => {
    expect(validateDraftText("threads", "a".repeat(500))).toEqual({ ok: true, length: { unit: "characters", value: 500, limit: 500 } });
    expect(validateDraftText("threads", "a".repeat(501)).ok).toBe(false);
    // 251 emoji are 251 graphemes but 502 UTF-16 units: rejected.
    expect(validateDraftText("threads", "😀".repeat(250)).ok).toBe(true);
    expect(validateDraftText("threads", "😀".repeat(251))).toMatchObject({ ok: false, reason: "threads text is 502 characters; the limit is 500" });
  });

  it("LinkedIn 3,000 and Facebook 63,206 characters", () => {
    expect(validateDraftText("linkedin", "a".repeat(3000)).ok).toBe(true);
    expect(validateDraftText("linkedin", "a".repeat(3001))).toMatchObject({ ok: false, reason: "linkedin text is 3001 characters; the limit is 3000" });
    expect(validateDraftText("facebook", "a".repeat(63_206)).ok).toBe(true);
    expect(validateDraftText("facebook", "a".repeat(63_207)).ok).toBe(false);
    expect(validateDraftText("linkedin", "News", { link: "https://ex.com/a" })).toMatchObject({ ok: false, reason: "the tracked link is missing from the text" });
    expect(validateDraftText("linkedin", "News https://ex.com/a", { link: "https://ex.com/a" }).ok).toBe(true);
  });

  it("Instagram: 2,200 characters, 30 hashtags, no URLs", () => {
    expect(validateDraftText("instagram", "a".repeat(2200)).ok).toBe(true);
    expect(validateDraftText("instagram", "a".repeat(2201)).ok).toBe(false);
    const tags = (n: number): string => Array.from({ length: n }, (_, i) => `#tag${i}`).join(" ");
    expect(validateDraftText("instagram", `News\n\n${tags(30)}`).ok).toBe(true);
    expect(validateDraftText("instagram", `News\n\n${tags(31)}`)).toMatchObject({ ok: false, reason: "instagram text has 31 hashtags; the limit is 30" });
    expect(validateDraftText("instagram", "See https://ex.com/a")).toMatchObject({ ok: false, reason: expect.stringMatching(/bio/) });
    expect(validateDraftText("instagram", "See www.ex.com").ok).toBe(false);
    expect(validateDraftText("instagram", "News\n\nLink in bio", { link: "https://ex.com/a" }).ok).toBe(true);
  });

  it("rejects empty text and broken characters on every channel", () => {
    for (const channel of ALL_CHANNELS) {
      expect(validateDraftText(channel, " \n ")).toMatchObject({ ok: false, reason: `${channel} text is empty` });
      expect(validateDraftText(channel, "bad \uD83D here")).toMatchObject({ ok: false, reason: expect.stringMatching(/unpaired surrogate/) });
    }
  });

  it("accepts every draft composeDrafts produced, with its own link and facets", () => {
    for (const o of composeDrafts({ release: base, client })) {
      if (o.status !== "ok") throw new Error(o.reason);
      const link = o.channel === "instagram" ? null : o.draft.link;
      expect(validateDraftText(o.channel, o.draft.text, { link, facets: o.draft.facets })).toEqual({ ok: true, length: o.draft.length });
    }
  });
});

describe("key fact extraction", () => {
  it.each([
    ["NEW YORK, Oct. 5, 2026 /PRNewswire/ -- Acme did it. More.", "", "Acme did it. More."],
    ["BEDMINSTER, N.J., Oct.  05, 2026  (GLOBE NEWSWIRE) -- Peapack did it.", "", "Peapack did it."],
    ["SEOUL, South Korea--(BUSINESS WIRE)---- $MX #MOSFET--Magnachip did it.", "", "Magnachip did it."],
    ["WILMINGTON, Del.--(BUSINESS WIRE)--AstraZeneca did it.", "", "AstraZeneca did it."],
    ["Sub-headline here BOISE, Idaho, Oct. 5, 2026 /PRNewswire/ -- Body.", "Sub-headline here", "Body."],
    ["The article explains things. CAPE GIRARDEAU, Mo., Sept. 13, 2026 /PRNewswire/ -- What does it cover?", "The article explains things.", "What does it cover?"],
    ["TORONTO, Oct. 05, 2026 (GLOBE NEWSWIRE) -- Discovery Mining Ltd. confirmed.", "", "Discovery Mining Ltd. confirmed."],
    ["No dateline at all.", "", "No dateline at all."],
  ])("stripDateline(%j)", (summary, lead, body) => {
    expect(stripDateline(summary)).toEqual({ lead, body });
  });

  it.each([
    ["Acme Inc. and Beta Corp. signed a deal on Oct. 5 in the U.S. market. Next sentence.", "Acme Inc. and Beta Corp. signed a deal on Oct. 5 in the U.S. market."],
    ["It launched “Don't Get Old. Age Better.®,” a campaign. Then more.", "It launched “Don't Get Old. Age Better.®,” a campaign."],
    ["Results improved in adults.1 The findings follow.", "Results improved in adults."],
    ["Version 2.0 Ships today. Next.", "Version 2.0 Ships today."],
    ["Revenue grew for the week....", "Revenue grew for the week…"],
    ["蜗牛游戏今天宣布参与特卖。旗下游戏将打折。", "蜗牛游戏今天宣布参与特卖。"],
    ["No end at all", "No end at all"],
  ])("firstSentence(%j)", (text, sentence) => {
    expect(firstSentence(text)).toBe(sentence);
  });
});
