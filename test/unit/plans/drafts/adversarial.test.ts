import twitterText from "twitter-text";
import { describe, expect, it } from "vitest";
import type { ClientConfig } from "../../../../packages/core/src/config/config-schema.ts";
import { composeDrafts, releaseSlug } from "../../../../packages/core/src/plans/drafts/index.ts";
import type { Channel, PlanRelease, PostDraft } from "../../../../packages/core/src/plans/plan.ts";
import { ALL_CHANNELS, expectPlatformValid, graphemesOf, okDraft } from "./platform-checks.ts";

function release(overrides: Partial<PlanRelease> = {}): PlanRelease {
  return {
    id: "rel-0001",
    title: "Acme Launches AI-Powered Supply Chain Platform",
    summary:
      "NEW YORK, Oct. 5, 2026 /PRNewswire/ -- Acme Corp. (NYSE: ACME) today launched Orbit, an AI-powered platform that cuts supply chain delays by 30%. \"Orbit gives every planner a co-pilot that never sleeps,\" said Jane Doe, CEO of Acme. The platform is available today.",
    url: "https://www.prnewswire.com/news-releases/acme-launches-orbit-302900001.html",
    wire: "PR Newswire",
    issuer: "Acme Corp.",
    tickers: ["NYSE:ACME"],
    language: "en",
    industries: ["Computer & Electronics"],
    subjects: [],
    keywords: [],
    publishedAt: "2026-10-05T12:00:00.000Z",
    detectedAt: "2026-10-05T12:00:05.000Z",
    ...overrides,
  };
}

function client(overrides: Partial<ClientConfig> = {}): ClientConfig {
  return {
    id: "acme",
    name: "Acme",
    windowHours: 72,
    timezone: "UTC",
    owner: "pr@acme.example",
    approvers: ["social@acme.example"],
    channels: ALL_CHANNELS,
    adPlatforms: [],
    trendHashtags: ["#AI", "#SupplyChain", "#Quantum"],
    keywords: [],
    adDefaults: { dailyBudget: 50, currency: "USD", flightDays: 5, locations: ["US"] },
    ...overrides,
  };
}

function drafts(r: PlanRelease, c: ClientConfig = client()): Map<Channel, PostDraft> {
  const out = new Map<Channel, PostDraft>();
  for (const outcome of composeDrafts({ release: r, client: c })) {
    const draft = okDraft(outcome);
    expectPlatformValid(draft, releaseSlug(r));
    out.set(outcome.channel, draft);
  }
  expect(out.size).toBe(new Set(c.channels).size);
  return out;
}

/** Every grapheme of the text is one of the input's graphemes (drafts are NFC) or of what the composer adds. */
function expectNoBrokenGraphemes(draft: PostDraft, r: PlanRelease): void {
  const allowed = new Set(graphemesOf([r.title, r.summary, draft.link ?? "", ...draft.hashtags, ...draft.cashtags, "…“” \nRead more: Link in bio"].join(" ").normalize("NFC")));
  expect(graphemesOf(draft.text).filter((g) => !allowed.has(g)), draft.text).toEqual([]);
}

/** The paragraph of the draft that holds the key fact (the second one). */
function keyFactOf(draft: PostDraft): string {
  return draft.text.split("\n\n")[1] ?? "";
}

describe("composeDrafts: ordinary release", () => {
  it("drafts headline, key fact, link, fitting hashtags and cashtags per channel", () => {
    const d = drafts(release());
    const x = d.get("x")!;
    expect(x.text.startsWith("Acme Launches AI-Powered Supply Chain Platform\n\n")).toBe(true);
    expect(keyFactOf(x)).toBe("Acme Corp. (NYSE: ACME) today launched Orbit, an AI-powered platform that cuts supply chain delays by 30%.");
    expect(x.hashtags).toEqual(["#AI", "#SupplyChain"]); // #Quantum does not fit the release
    expect(x.cashtags).toEqual(["$ACME"]);
    expect(x.text.endsWith("\n\n$ACME #AI #SupplyChain")).toBe(true);
    const li = d.get("linkedin")!;
    expect(li.text).toContain("\n\n“Orbit gives every planner a co-pilot that never sleeps”\n\n");
    expect(li.text).toContain(`Read more: ${li.link}`);
    expect(d.get("instagram")!.text).toContain("\n\nLink in bio\n\n");
    expect(d.get("instagram")!.link).toBe(
      "https://www.prnewswire.com/news-releases/acme-launches-orbit-302900001.html?utm_source=instagram&utm_medium=social&utm_campaign=acme-launches-ai-powered-supply-chain-platform",
    );
    const bsky = d.get("bluesky")!;
    expect(bsky.text).toContain("\n\nprnewswire.com/news-releases/ac…\n\n");
    expect(bsky.facets.map((f) => f.features[0]!.$type)).toEqual([
      "app.bsky.richtext.facet#link",
      "app.bsky.richtext.facet#tag",
      "app.bsky.richtext.facet#tag",
    ]);
    expect(d.get("threads")!.hashtags).toEqual(["#AI"]);
  });

  it("returns one outcome per configured channel, in config order", () => {
    const outcomes = composeDrafts({ release: release(), client: client({ channels: ["threads", "x", "bluesky"] }) });
    expect(outcomes.map((o) => o.channel)).toEqual(["threads", "x", "bluesky"]);
    expect(composeDrafts({ release: release(), client: client({ channels: [] }) })).toEqual([]);
  });
});

describe("composeDrafts: adversarial input", () => {
  it("shortens a 10,000-character summary at a word boundary with an ellipsis", () => {
    const words = ["supply", "chain", "resilience", "quarterly", "throughput", "improved", "markedly", "across", "regions"];
    const long = Array.from({ length: 1400 }, (_, i) => words[i % words.length]).join(" ");
    const summary = `Acme said ${long}`.slice(0, 10_000);
    expect(summary.length).toBe(10_000);
    const r = release({ summary });
    const d = drafts(r);
    for (const draft of d.values()) {
      const kf = keyFactOf(draft);
      expect(kf.startsWith("Acme said supply chain"), draft.channel).toBe(true);
      expect(kf.endsWith("…"), draft.channel).toBe(true);
      // Cut between words: what precedes the ellipsis is a whole word of the input.
      const lastWord = kf.slice(0, -1).split(" ").pop()!;
      expect(words, draft.channel).toContain(lastWord);
    }
    expect(d.get("facebook")!.text.length).toBeLessThan(1000);
  });

  it("never splits emoji ZWJ sequences, skin tones, flags or combining marks", () => {
    const family = "👨‍👩‍👧‍👦";
    const coder = "👩🏽‍💻";
    const flag = "🇺🇦";
    const zalgo = "e\u0301\u0316\u0334";
    const chunk = `team ${family}${coder} spirit ${flag} ${zalgo}xcellence `;
    for (let offset = 0; offset < 12; offset++) {
      // Shift the content so a cluster lands on every possible cut position.
      const summary = `${"a".repeat(offset)} ${chunk.repeat(40)}`;
      const r = release({ summary, title: `Celebration ${family} ${coder}` });
      for (const draft of drafts(r).values()) {
        expectNoBrokenGraphemes(draft, r);
        expect(draft.text).toContain(`Celebration ${family} ${coder}`);
      }
    }
    // A run of emoji with no spaces can still be shortened, between whole emoji.
    const run = `${family}${coder}${flag}`.repeat(120);
    const r = release({ title: "Emoji day", summary: run });
    const x = drafts(r).get("x")!;
    expect(keyFactOf(x).endsWith("…")).toBe(true);
    expectNoBrokenGraphemes(x, r);
  });

  it("fits fewer CJK characters on X, where each weighs 2, than on Bluesky", () => {
    const r = release({
      title: "蜗牛游戏重点参与2026年Steam秋季特卖",
      summary: `${"蜗牛游戏今天宣布将重点参与二零二六年Steam秋季特卖活动，旗下多款游戏将推出大幅折扣，".repeat(8)}并在万圣节季节前激发玩家热情。`,
      tickers: ["Nasdaq:SNAL"],
      language: "zh-hans",
    });
    const d = drafts(r);
    const x = d.get("x")!;
    const bsky = d.get("bluesky")!;
    expect(twitterText.parseTweet(x.text).weightedLength).toBeLessThanOrEqual(280);
    const xKeyFact = graphemesOf(keyFactOf(x)).length;
    const bskyKeyFact = graphemesOf(keyFactOf(bsky)).length;
    expect(xKeyFact).toBeGreaterThan(10);
    expect(xKeyFact).toBeLessThan(bskyKeyFact);
    // CJK is cut between characters (there are no spaces) and keeps its own language.
    expect(keyFactOf(x).startsWith("蜗牛游戏今天宣布")).toBe(true);
    expect(keyFactOf(x).endsWith("…")).toBe(true);
    expect(releaseSlug(r)).toBe("rel-0001");
  });

  it("keeps RTL text as written and drops bidi overrides", () => {
    const title = "شركة أكمي تطلق منصة ذكاء اصطناعي جديدة";
    const summary = "دبي — أعلنت شركة أكمي اليوم عن إطلاق منصة جديدة\u202E للذكاء الاصطناعي. وقال المدير التنفيذي إن المنصة متاحة الآن.";
    const r = release({ title, summary, tickers: [], language: "ar" });
    for (const draft of drafts(r, client({ trendHashtags: ["#ذكاء_اصطناعي", "#AI"] })).values()) {
      expect(draft.text.startsWith(`${title}\n\n`), draft.channel).toBe(true);
      expect(draft.text).not.toContain("\u202E");
      expect(draft.text).toContain("أعلنت شركة أكمي اليوم");
    }
  });

  it("keeps HTML-looking text literally, never escaping or adding markup", () => {
    const title = "<script>alert(1)</script> & <b>Bold</b> claims";
    const r = release({ title, summary: "The <img src=x onerror=alert(2)> tag is text here." });
    for (const draft of drafts(r).values()) {
      expect(draft.text.startsWith(title), draft.channel).toBe(true);
      expect(draft.text).toContain("<img src=x onerror=alert(2)>");
      expect(draft.text).not.toMatch(/&lt;|&amp;|<a /);
    }
  });

  it("skips every channel with the exact reason when there is neither title nor summary", () => {
    for (const r of [release({ title: "", summary: "" }), release({ title: "  \n\t", summary: " \u200B\uFEFF " })]) {
      const outcomes = composeDrafts({ release: r, client: client() });
      expect(outcomes).toEqual(ALL_CHANNELS.map((channel) => ({ channel, status: "skipped", reason: "release has no title or summary to post" })));
    }
  });

  it("uses the summary's first sentence as headline when the title is empty", () => {
    const r = release({ title: "", summary: "Acme opens a new plant in Ohio. It will employ 400 people. More later." });
    const x = drafts(r).get("x")!;
    expect(x.text.startsWith("Acme opens a new plant in Ohio.\n\nIt will employ 400 people.\n\n")).toBe(true);
  });

  it("posts without a link when the release has none, and Instagram does not mention the bio", () => {
    for (const url of [null, "not a url", "ftp://files.example/x"]) {
      const d = drafts(release({ url }));
      for (const draft of d.values()) {
        expect(draft.link, draft.channel).toBeNull();
        expect(draft.text).not.toMatch(/https?:|utm_|Read more|Link in bio/i);
      }
      expect(d.get("bluesky")!.facets.every((f) => f.features[0]!.$type === "app.bsky.richtext.facet#tag")).toBe(true);
    }
  });

  it("removes URLs from Instagram captions but keeps them elsewhere", () => {
    const r = release({ summary: "Details at https://acme.example/orbit and www.acme.example/faq today." });
    const d = drafts(r);
    expect(d.get("instagram")!.text).toContain("Details at and today.");
    expect(d.get("linkedin")!.text).toContain("Details at https://acme.example/orbit and www.acme.example/faq today.");
    const onlyUrl = composeDrafts({ release: release({ title: "https://acme.example/x", summary: "" }), client: client({ channels: ["instagram", "x"] }) });
    expect(onlyUrl[0]).toEqual({
      channel: "instagram",
      status: "skipped",
      reason: "release has no text to post once links are removed (Instagram captions cannot carry links)",
    });
    expect(onlyUrl[1]!.status).toBe("ok");
  });

  it("limits 50 fitting trend hashtags per channel, in config order", () => {
    const tags = Array.from({ length: 50 }, (_, i) => `#Topic${String.fromCharCode(65 + (i % 26))}${i}`);
    const summary = `Acme news. ${tags.map((t) => t.slice(1)).join(" ")}`;
    const d = drafts(release({ summary }), client({ trendHashtags: ["#Nope", ...tags] }));
    expect(d.get("x")!.hashtags.length).toBeLessThanOrEqual(3);
    expect(d.get("bluesky")!.hashtags.length).toBeLessThanOrEqual(3);
    expect(d.get("threads")!.hashtags).toEqual([tags[0]]);
    expect(d.get("linkedin")!.hashtags).toEqual(tags.slice(0, 5));
    expect(d.get("instagram")!.hashtags).toEqual(tags.slice(0, 5));
    expect(d.get("facebook")!.hashtags).toEqual(tags.slice(0, 3));
    for (const draft of d.values()) expect(draft.hashtags).not.toContain("#Nope");
  });

  it("matches hashtags to the release's words, case-insensitively and as whole words", () => {
    const c = client({ trendHashtags: ["#AI", "#SupplyChain", "#Fintech", "#Retail", "#GreenBond"] });
    const pick = (r: PlanRelease): string[] => okDraft(composeDrafts({ release: r, client: { ...c, channels: ["linkedin"] } })[0]).hashtags;
    expect(pick(release({ title: "An ai-powered tool", summary: "" }))).toEqual(["#AI"]);
    expect(pick(release({ title: "The CEO said it was fine", summary: "Maintains the SAID rate." }))).toEqual([]);
    expect(pick(release({ title: "New supply-chain tool", summary: "" }))).toEqual(["#SupplyChain"]);
    expect(pick(release({ title: "Plain", summary: "", keywords: ["FINTECH"], industries: ["Retail"] }))).toEqual(["#Fintech", "#Retail"]);
    expect(pick(release({ title: "Green bond placement", summary: "" }))).toEqual(["#GreenBond"]);
  });

  it("turns tickers into cashtags: exchange stripped, 1-6 capitals only, 1 on X, 2 elsewhere", () => {
    const tickers = ["Stockholm:OATLY_001", "Frankfurt:49Q", "NYSE:ACME", "Nasdaq:GBXR", "OTC Markets:WORXD", "NYSE:ACME"];
    const d = drafts(release({ tickers }));
    expect(d.get("x")!.cashtags).toEqual(["$ACME"]);
    expect(twitterText.extractCashtags(d.get("x")!.text)).toEqual(["ACME"]);
    for (const ch of ["linkedin", "bluesky", "threads", "facebook", "instagram"] as const) expect(d.get(ch)!.cashtags).toEqual(["$ACME", "$GBXR"]);
    // A headline that already has a cashtag gets none added on X.
    const x = drafts(release({ title: "Fund buys shares of CryoPort $CYRX", tickers: ["NASDAQ:CYRX", "NYSE:ACME"] })).get("x")!;
    expect(x.cashtags).toEqual([]);
    expect(twitterText.extractCashtags(x.text)).toEqual(["CYRX"]);
  });

  it("replaces lone surrogates and strips control characters", () => {
    const r = release({ title: "Broken \uD83D title\u0007 here", summary: "Tail \uDE00 end." });
    for (const draft of drafts(r).values()) {
      expect(draft.text.startsWith("Broken \uFFFD title here")).toBe(true);
      expect(draft.text).not.toContain("\u0007");
    }
  });
});

describe("composeDrafts: what gives way when a draft is too long", () => {
  const longHeadline = (n: number): string => Array.from({ length: n }, (_, i) => `word${i}`).join(" ");

  it("shortens the key fact before dropping hashtags", () => {
    const x = drafts(release({ summary: `Acme ${"really ".repeat(60)}grew.` })).get("x")!;
    expect(x.hashtags).toEqual(["#AI", "#SupplyChain"]);
    expect(keyFactOf(x).endsWith("…")).toBe(true);
    expect(graphemesOf(keyFactOf(x)).length).toBeGreaterThanOrEqual(40);
  });

  it("drops the quote before the hashtags", () => {
    // Facebook aims for < 1,000 characters: a long headline leaves no room for the quote.
    const r = release({ title: `AI supply chain ${longHeadline(100)}` });
    const fb = drafts(r).get("facebook")!;
    expect(fb.text).not.toContain("co-pilot");
    expect(fb.hashtags).toEqual(["#AI", "#SupplyChain"]);
    expect(keyFactOf(fb).startsWith("Acme Corp.")).toBe(true);
    // With a short headline the quote is there.
    expect(drafts(release()).get("facebook")!.text).toContain("co-pilot");
  });

  it("drops hashtags, then the key fact, and only then shortens the headline; never the link", () => {
    const r = release({ title: `AI supply chain ${longHeadline(60)}` });
    const d = drafts(r);
    const x = d.get("x")!;
    expect(x.hashtags).toEqual([]);
    expect(x.cashtags).toEqual([]);
    expect(x.text.split("\n\n")).toHaveLength(2); // headline + link
    expect(x.text.split("\n\n")[0]!.endsWith("…")).toBe(true);
    expect(x.text.endsWith(`\n\n${x.link}`)).toBe(true);
    expect(twitterText.extractUrls(x.text)).toEqual([x.link]);
    const bsky = d.get("bluesky")!;
    expect(bsky.text.split("\n\n")[0]!.endsWith("…")).toBe(true);
    // The headline is cut between words.
    const kept = x.text.split("\n\n")[0]!.slice(0, -1).split(" ");
    expect(`AI supply chain ${longHeadline(60)}`.split(" ").slice(0, kept.length)).toEqual(kept);
  });

  it("cuts a single enormous word between graphemes as a last resort", () => {
    const r = release({ title: "x".repeat(5000), summary: "" });
    for (const draft of drafts(r).values()) expect(draft.text.startsWith("xxxxxxxx")).toBe(true);
  });
});

describe("composeDrafts: release without a title", () => {
  it("leads with a wire sub-headline and follows with the body's first sentence", () => {
    const r = release({ title: "", summary: "Record fries served BOISE, Idaho, Oct. 5, 2026 /PRNewswire/ -- The commission reclaimed the title. It weighed 1474 pounds." });
    const li = drafts(r).get("linkedin")!;
    expect(li.text.startsWith("Record fries served\n\nThe commission reclaimed the title.\n\nRead more: ")).toBe(true);
  });
});
