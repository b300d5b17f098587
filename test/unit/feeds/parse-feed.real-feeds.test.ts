import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FEED_URL, REAL_FEEDS_DIR, fixtureBytes, parseFixture } from "./fixtures.ts";
import { parseFeed } from "../../../packages/core/src/feeds/index.ts";
import type { FeedItem, ParsedFeed } from "../../../packages/core/src/feeds/index.ts";

/**
 * Every real feed in test/fixtures/real-feeds, with values read off the fixture bytes
 * (see SOURCES.md there for each file's quirks).
 */

function item(feed: ParsedFeed, index: number): FeedItem {
  const found = feed.items[index];
  if (found === undefined) throw new Error(`no item ${index} (feed has ${feed.items.length})`);
  return found;
}

const EMPTY_LABELS = { industries: [], subjects: [], keywords: [] };

describe("real feeds: every fixture is covered", () => {
  it("has a describe block below for each fixture file", () => {
    const files = readdirSync(REAL_FEEDS_DIR).filter((f) => !f.endsWith(".md")).sort();
    expect(files).toEqual(
      [
        "biorxiv-plant-biology-rss1-rdf.rdf",
        "braingle-duplicate-guid.xml",
        "businesswire-mrss-home-all-news.xml",
        "dailymail-iso8859-media-content.xml",
        "donthitsave-utf8-bom.xml",
        "fcutrecht-broken-xml-declaration.rss",
        "globenewswire-metadata-reduced-multilingual.xml",
        "globenewswire-public-companies-excerpt-annotated.xml",
        "globenewswire-public-companies.xml",
        "googlenews-cryoport-search-excerpt-annotated.xml",
        "ir-affirm-news-releases-reduced.xml",
        "ir-alphabet-press-releases-reduced.xml",
        "ir-intel-press-releases-reduced-2digit-year.xml",
        "ir-root-inc-events-date-only-pubdate.xml",
        "ir-root-inc-news-releases-reduced.xml",
        "kc0011-forum-gb2312-slash-dates.rss",
        "oren-ru-windows1251-default-namespace.xml",
        "prnewswire-financial-services-excerpt-annotated.xml",
        "prnewswire-news-releases-list.xml",
        "talkingpointsmemo-atom-relative-links.atom",
        "uol-noticias-latin1-no-declaration.rss",
      ].sort(),
    );
  });

  it("gives every item of every fixture bounded plain text and only absolute http(s) links", async () => {
    for (const file of readdirSync(REAL_FEEDS_DIR).filter((f) => !f.endsWith(".md"))) {
      const feed = await parseFixture(file);
      expect(feed.items.length, file).toBeGreaterThan(0);
      for (const it of feed.items) {
        expect(it.title.length, file).toBeLessThanOrEqual(1000);
        expect(it.summary.length, file).toBeLessThanOrEqual(5000);
        expect(it.title, file).not.toMatch(/<\/?[a-z][^>]*>|&(?:amp|lt|gt|quot|apos|#\d+);|\s{2}|^\s|\s$/i);
        expect(it.summary, file).not.toMatch(/<\/?(?:p|a|img|br|div|font|strong|b)\b[^>]*>|&(?:amp|lt|gt|quot|apos|nbsp|#\d+);|\s{2}/i);
        if (it.url !== undefined) expect(it.url, file).toMatch(/^https?:\/\/[^\s]+$/);
        if (it.publishedAt !== undefined) {
          expect(new Date(it.publishedAt).toISOString(), file).toBe(it.publishedAt);
          expect(it.publishedAtPrecision, file).not.toBe("none");
        } else {
          expect(it.publishedAtPrecision, file).toBe("none");
        }
      }
    }
  });
});

describe("prnewswire-news-releases-list.xml (PR Newswire, one-line document)", () => {
  it("reads the channel and all 5 items", async () => {
    const feed = await parseFixture("prnewswire-news-releases-list.xml");
    expect(feed).toMatchObject({
      format: "rss2",
      title: "All News Releases",
      link: "https://www.prnewswire.com/rss/news-releases-list.rss",
      language: "en-us",
    });
    expect(feed.items).toHaveLength(5);
  });

  it("reads the first item: issuer from CDATA dc:contributor, id from the URL suffix, single-digit-day pubDate", async () => {
    const first = item(await parseFixture("prnewswire-news-releases-list.xml"), 0);
    expect(first).toMatchObject({
      title: "Nasdaq Hits Fresh Highs While Dow Slips and Small Caps Struggle for Direction",
      url: "https://www.prnewswire.com/news-releases/nasdaq-hits-fresh-highs-while-dow-slips-and-small-caps-struggle-for-direction-302898756.html",
      guid: "https://www.prnewswire.com/news-releases/nasdaq-hits-fresh-highs-while-dow-slips-and-small-caps-struggle-for-direction-302898756.html",
      publishedAt: "2026-10-05T18:28:00.000Z",
      publishedAtPrecision: "datetime",
      issuer: "Stock Preachers",
      tickers: [],
      language: "en-us",
      wireReleaseId: "302898756",
      industries: ["Banking & Financial Services", "FIN"],
      subjects: ["INO", "MRR", "Investments Opinions", "Market Research Reports"],
      keywords: [],
      sourceName: undefined,
    });
    expect(first.summary).toMatch(/^NEW YORK, Oct\. 5, 2026 \/PRNewswire\/ -- Stock Preachers News Commentary - Wall Street/);
    expect(first.summary).toMatch(/down 1\.26% for the week\.\.\.\.$/);
  });

  it("trims and de-duplicates prn:industry (\"Restaurants \") and keeps prn:subject labels", async () => {
    const second = item(await parseFixture("prnewswire-news-releases-list.xml"), 1);
    expect(second).toMatchObject({
      title: "AMERICA, THIS ONE'S FOR YOU: IDAHO BRINGS WORLD'S LARGEST SERVING OF FRENCH FRIES RECORD BACK TO THE U.S.",
      publishedAt: "2026-10-05T18:25:00.000Z",
      issuer: "Idaho Potato Commission",
      wireReleaseId: "302898754",
      industries: ["Beverages", "Food & Beverages", "Restaurants", "Retail", "Entertainment", "Agriculture", "AGR", "FOD", "RST", "REA", "ENT", "BEV"],
      subjects: ["FVT", "PDT", "New Products & Services"],
    });
  });

  it("does not invent a ticker from a bare (PZZA), and names the law firm as issuer", async () => {
    const third = item(await parseFixture("prnewswire-news-releases-list.xml"), 2);
    expect(third).toMatchObject({
      title: "Papa John's International, Inc. (PZZA) Shareholders Who Lost Money Have Opportunity to Lead Securities Fraud Lawsuit",
      issuer: "Glancy Prongay Wolke & Rotter LLP",
      tickers: [],
      wireReleaseId: "302898598",
      industries: ["LGL"],
      subjects: ["ATY"],
    });
  });
});

describe("prnewswire-financial-services-excerpt-annotated.xml (undeclared prefixes, leading comment)", () => {
  it("parses despite the undeclared media:/prn:/dc: prefixes", async () => {
    const feed = await parseFixture("prnewswire-financial-services-excerpt-annotated.xml");
    expect(feed).toMatchObject({ format: "rss2", title: "PR Newswire Financial Services", link: undefined, language: undefined });
    expect(feed.items).toHaveLength(3);
  });

  it("decodes the literal &amp; inside CDATA once (Banking & Financial Services)", async () => {
    const first = item(await parseFixture("prnewswire-financial-services-excerpt-annotated.xml"), 0);
    expect(first).toMatchObject({
      title: "Insurance Agent Nick Hogan Explains What First-Time Homeowners Often Miss About Homeowners Insurance in HelloNation",
      url: "https://www.prnewswire.com/news-releases/insurance-agent-nick-hogan-explains-what-first-time-homeowners-often-miss-about-homeowners-insurance-in-hellonation-302876446.html",
      publishedAt: "2026-09-13T14:05:00.000Z",
      publishedAtPrecision: "datetime",
      issuer: "HelloNation",
      tickers: [],
      language: undefined,
      wireReleaseId: "302876446",
      industries: ["Home Improvement", "Banking & Financial Services", "Insurance", "INS"],
      subjects: ["BFA", "Broadcast Feed Annoucement"],
    });
  });

  it("reads (NASDAQ: CYRX) in the constructed third item's dateline", async () => {
    const third = item(await parseFixture("prnewswire-financial-services-excerpt-annotated.xml"), 2);
    expect(third).toMatchObject({
      title: "Cryoport Reports First Quarter 2026 Financial Results",
      publishedAt: "2026-09-11T11:00:00.000Z",
      issuer: "Cryoport, Inc.",
      tickers: ["NASDAQ:CYRX"],
      wireReleaseId: "302999111",
      industries: ["Biotechnology", "BIO"],
      subjects: ["ERN", "Earnings"],
    });
  });
});

describe("globenewswire-public-companies.xml (GlobeNewswire)", () => {
  it("reads the channel (namespaces on <channel>, wrapped <rss \\n version>) and 5 items", async () => {
    const feed = await parseFixture("globenewswire-public-companies.xml");
    expect(feed).toMatchObject({
      format: "rss2",
      title: "GlobeNewswire - News about Public Companies",
      link: "https://www.globenewswire.com/RssFeed/orgclass/1/feedTitle/GlobeNewswire%20-%20News%20about%20Public%20Companies?nd=1791225636324",
      language: undefined,
    });
    expect(feed.items).toHaveLength(5);
  });

  it("reads the first item: stock category ticker, ISIN ignored, dc:identifier, no-seconds pubDate", async () => {
    const first = item(await parseFixture("globenewswire-public-companies.xml"), 0);
    expect(first).toMatchObject({
      title: "Peapack Private Appoints Ana Parra as Senior Managing Director, Group Director",
      url: "https://www.globenewswire.com/news-release/2026/10/05/3374933/0/en/peapack-private-appoints-ana-parra-as-senior-managing-director-group-director.html",
      guid: "https://www.globenewswire.com/news-release/2026/10/05/3374933/0/en/peapack-private-appoints-ana-parra-as-senior-managing-director-group-director.html",
      publishedAt: "2026-10-05T18:15:00.000Z",
      publishedAtPrecision: "datetime",
      issuer: "Peapack-Gladstone Financial Corporation",
      tickers: ["Nasdaq:PGC"],
      language: "en",
      wireReleaseId: "3374933",
      subjects: ["Company Announcement"],
      keywords: [],
    });
    expect(first.summary).toMatch(
      /^BEDMINSTER, N\.J\., Oct\. 05, 2026 \(GLOBE NEWSWIRE\) -- Peapack-Gladstone Financial Corporation \(NASDAQ Global Select Market: PGC\) and Peapack Private Bank & Trust are pleased/,
    );
  });

  it("keeps several stock categories as given, and multiple dc:keyword", async () => {
    const feed = await parseFixture("globenewswire-public-companies.xml");
    expect(item(feed, 1)).toMatchObject({
      title: "Discovery Announces Receipt of Key Environmental and Land Use Permits for Cordero Project",
      publishedAt: "2026-10-05T17:15:00.000Z",
      issuer: "Discovery Mining Ltd.",
      tickers: ["TSX:DSV", "Other OTC:DSVSF"],
      wireReleaseId: "3374916",
      subjects: ["Product / Services Announcement"],
      keywords: ["Discovery Mining Ltd.", "Cordero", "permit"],
    });
    expect(item(feed, 3)).toMatchObject({
      title: "Norsk Hydro: Update on Alunorte gas supply situation",
      summary: "Hydro provides an update on the natural gas supply situation at the Alunorte alumina refinery.",
      tickers: ["Irish:IRSH", "OTC Markets:NHYDY", "Oslo:NHY01", "Oslo:NHY78", "Oslo:NHY", "Oslo:NHY77"],
      subjects: ["Other News", "European Regulatory News"],
    });
    expect(item(feed, 4)).toMatchObject({
      title: "Marie Brizard Wine & Spirits Monthly declaration of the total number of voting rights and shares",
      issuer: "Marie Brizard Wine & Spirits",
      tickers: ["Paris:MBWS"],
      subjects: ["Law & Legal Issues", "European Regulatory News"],
    });
  });

  it("uses the plain-text summary and not the duplicated <pre> block twice over", async () => {
    const scworx = item(await parseFixture("globenewswire-public-companies.xml"), 2);
    expect(scworx.tickers).toEqual(["Nasdaq:WORX", "OTC Markets:WORXD"]);
    expect(scworx.subjects).toEqual(["Press releases", "Company Announcement", "Regulatory information"]);
    expect(scworx.summary.startsWith("Panel Determines Company Has Regained Compliance With Nasdaq Continued Listing Requirements;")).toBe(true);
  });
});

describe("globenewswire-public-companies-excerpt-annotated.xml (undeclared dc:, wrapped attributes)", () => {
  it("reads both items with their tickers, embedded-newline plain-text description and trailing-space title", async () => {
    const feed = await parseFixture("globenewswire-public-companies-excerpt-annotated.xml");
    expect(feed).toMatchObject({ format: "rss2", title: "GlobeNewswire - Public Companies" });
    expect(feed.items).toHaveLength(2);
    expect(item(feed, 0)).toEqual({
      title: "Axe Compute Announces Inducement Grant Under Nasdaq Listing Rule 5635(c)(4)",
      summary: "Axe Compute Announces Inducement Grant Under Nasdaq Listing Rule 5635(c)(4)",
      url: "https://www.globenewswire.com/news-release/2026/09/11/3360561/37244/en/axe-compute-announces-inducement-grant-under-nasdaq-listing-rule-5635-c-4.html",
      guid: "https://www.globenewswire.com/news-release/2026/09/11/3360561/37244/en/axe-compute-announces-inducement-grant-under-nasdaq-listing-rule-5635-c-4.html",
      publishedAt: "2026-09-11T23:43:00.000Z",
      publishedAtPrecision: "datetime",
      issuer: "Axe Compute Inc",
      tickers: ["Nasdaq:AGPU"],
      language: "en",
      wireReleaseId: "3360561",
      industries: [],
      subjects: ["Changes in company's own shares"],
      keywords: [],
      sourceName: undefined,
    });
    expect(item(feed, 1)).toMatchObject({
      title: "Pan Global Engages Adelaide Capital for Investor Relations Advisory",
      publishedAt: "2026-09-11T21:35:00.000Z",
      issuer: "Pan Global Resources Inc.",
      tickers: ["TSX-V:PGZ", "Frankfurt:2EU", "OTC Markets:PGZFF"],
      wireReleaseId: "3360538",
      subjects: ["Business Contracts"],
    });
  });
});

describe("globenewswire-metadata-reduced-multilingual.xml (ns0: prefix for Dublin Core, 40 items)", () => {
  it("reads all 40 items; dc fields come through the ns0: prefix", async () => {
    const feed = await parseFixture("globenewswire-metadata-reduced-multilingual.xml");
    expect(feed).toMatchObject({ format: "rss2", title: "", link: undefined, language: undefined });
    expect(feed.items).toHaveLength(40);
    expect(item(feed, 0)).toMatchObject({
      title: "VEON’s Beeline Kazakhstan Becomes First Operator in Country to Launch Starlink's Satellite to Mobile Service",
      summary: "",
      url: "https://www.globenewswire.com/news-release/2026/09/29/3370985/0/en/veon-s-beeline-kazakhstan-becomes-first-operator-in-country-to-launch-starlink-s-satellite-to-mobile-service.html",
      publishedAt: "2026-09-29T13:15:00.000Z",
      publishedAtPrecision: "datetime",
      issuer: "VEON Ltd.",
      tickers: ["Nasdaq:VEON"],
      language: "en",
      wireReleaseId: "3370985",
    });
  });

  it("keeps the per-edition language while translations share the dc:identifier", async () => {
    const feed = await parseFixture("globenewswire-metadata-reduced-multilingual.xml");
    expect(item(feed, 4)).toMatchObject({ language: "en", wireReleaseId: "3367949", issuer: "Roquette Frères" });
    expect(item(feed, 5)).toMatchObject({
      title: "La transformation stratégique soutient la performance de Roquette au premier semestre 2026",
      url: "https://www.globenewswire.com/news-release/2026/09/24/3367949/0/fr/la-transformation-strat%C3%A9gique-soutient-la-performance-de-roquette-au-premier-semestre-2026.html",
      language: "fr",
      wireReleaseId: "3367949",
      keywords: ["Roquette", "Results", "Plant-based ingredients", "Health", "Nutrition", "Résultats", "Santé"],
    });
    expect(item(feed, 26)).toMatchObject({
      title: "Snail Games 重點參與 2026 年 Steam 秋季特賣，藉此在萬聖節季節前激發玩家熱情",
      language: "zh-hant",
      wireReleaseId: "3373500",
      tickers: ["Nasdaq:SNAL"],
    });
    expect(item(feed, 27)).toMatchObject({
      title: "Snail Games 官宣参与 2026 年 Steam 秋季特卖，以在万圣节假期季前提升玩家参与度",
      language: "zh-hans",
      wireReleaseId: "3373500",
    });
    const languages = new Set(feed.items.map((i) => i.language));
    expect([...languages].sort()).toEqual(["de", "en", "es", "fr", "no", "zh-hans", "zh-hant"]);
  });

  it("keeps bond/preferred tickers and the system message", async () => {
    const feed = await parseFixture("globenewswire-metadata-reduced-multilingual.xml");
    expect(item(feed, 2).tickers).toEqual(["Stockholm:OATLY_001", "Nasdaq:OTLY"]);
    expect(item(feed, 17).tickers).toEqual([
      "Nasdaq:OXLCO",
      "Nasdaq:OXLCM",
      "Nasdaq:OXLCG",
      "Nasdaq:OXLCI",
      "Nasdaq:OXLCN",
      "Nasdaq:OXLCZ",
      "Nasdaq:OXLCL",
      "Nasdaq:OXLCP",
      "Nasdaq:OXLC",
    ]);
    expect(item(feed, 25)).toMatchObject({ title: "Start of Day Message", issuer: "GlobeNewswire, Inc.", tickers: [] });
    expect(item(feed, 31)).toMatchObject({ issuer: "Nasdaq, Inc.", tickers: ["Nasdaq:NDAQ"], publishedAt: "2026-10-02T00:00:00.000Z" });
  });
});

describe("businesswire-mrss-home-all-news.xml (Business Wire, double-escaped entities)", () => {
  it("reads the channel and 6 items", async () => {
    const feed = await parseFixture("businesswire-mrss-home-all-news.xml");
    expect(feed).toMatchObject({ format: "rss2", title: "Business Wire", link: "http://www.businesswire.com", language: "en" });
    expect(feed.items).toHaveLength(6);
  });

  it("decodes R&amp;amp;D to R&D, takes the id and language from the guid, reads the UT zone", async () => {
    const first = item(await parseFixture("businesswire-mrss-home-all-news.xml"), 0);
    expect(first).toMatchObject({
      title: "AstraZeneca opens new global strategic R&D center in Kendall Square, Cambridge, Massachusetts",
      url: "http://www.businesswire.com/news/home/20261005363276/en/AstraZeneca-opens-new-global-strategic-RD-center-in-Kendall-Square-Cambridge-Massachusetts/?feedref=1-6SMMw3HgudSqfciOInFAT1albrG1Eq4mAeVP392109CPVbsZzkxB2zncMjZ7S5evRMp3sIgu8q3wq1OF24lT93qbEzrwa15HGbLqMObxahCRHqO6sXub3Hylc4qv6iOhC8fNUMDBuoZ8W8sD2diw==",
      guid: "20261005363276en",
      publishedAt: "2026-10-05T16:01:00.000Z",
      publishedAtPrecision: "datetime",
      issuer: undefined,
      tickers: [],
      language: "en",
      wireReleaseId: "20261005363276",
      ...EMPTY_LABELS,
    });
    expect(first.summary).toMatch(/^WILMINGTON, Del\.--\(BUSINESS WIRE\)--AstraZeneca today announced .* \(R&D\) center, in Kendall Square/);
    expect(first.summary).toMatch(/The AstraZeneca R&D Center Kenda$/);
  });

  it("reads (NYSE: MX, “Magnachip”) and folds the $MX dateline cashtag into it", async () => {
    const second = item(await parseFixture("businesswire-mrss-home-all-news.xml"), 1);
    expect(second).toMatchObject({
      title: "Magnachip Launches 15 New Gen6 E6 Super-Junction MOSFETs for TVs, Notebook Adapters and PC Power Supplies",
      publishedAt: "2026-10-05T11:00:00.000Z",
      tickers: ["NYSE:MX"],
      wireReleaseId: "20261005602857",
      language: "en",
    });
  });

  it("reads the French item (d&amp;apos;euros, /fr/ link without slug) and the other listings", async () => {
    const feed = await parseFixture("businesswire-mrss-home-all-news.xml");
    expect(item(feed, 2)).toMatchObject({
      title:
        "Tangent Robotics lève 4,5 millions d'euros en pré-amorçage visant à faire progresser la dextérité des robots grâce à la motricité fine",
      url: "http://www.businesswire.com/news/home/20260930550483/fr/?feedref=1-6SMMw3HgudSqfciOInFAT1albrG1Eq4mAeVP392109CPVbsZzkxB2zncMjZ7S5evRMp3sIgu8q3wq1OF24lT93qbEzrwa15HGbLqMObxahCRHqO6sXub3Hylc4qv6iOhC8fNUMDBuoZ8W8sD2diw==",
      publishedAt: "2026-10-01T18:14:00.000Z",
      language: "fr",
      wireReleaseId: "20260930550483",
    });
    expect(item(feed, 3).title).toBe(
      "Niagen Bioscience Puts 25 Years of NAD+ Science Behind \"Don't Get Old. Age Better.®” a New Campaign for its Niagen® Brand Featuring Legendary Surfer Kelly Slater",
    );
    expect(item(feed, 3).tickers).toEqual(["NASDAQ:NAGE"]);
    expect(item(feed, 4).tickers).toEqual(["NYSE:SCHW"]);
    expect(item(feed, 5)).toMatchObject({ tickers: ["SIX:GALD"], publishedAt: "2026-09-30T05:00:00.000Z" });
  });
});

describe("googlenews-cryoport-search-excerpt-annotated.xml (aggregator)", () => {
  it("reads 11 items, strips the ` - Source` title suffix and reports the source, not as issuer", async () => {
    const feed = await parseFixture("googlenews-cryoport-search-excerpt-annotated.xml");
    expect(feed).toMatchObject({ format: "rss2", title: '"CryoPort" stock - Google News', link: undefined });
    expect(feed.items).toHaveLength(11);
    expect(item(feed, 0)).toMatchObject({
      title: "Squarepoint Ops LLC Purchases 321,497 Shares of CryoPort, Inc. $CYRX",
      summary: "Squarepoint Ops LLC Purchases 321,497 Shares of CryoPort, Inc. $CYRX MarketBeat",
      url: "https://news.google.com/rss/articles/CBMiwwFBVV95cUxQbzdveE9lYkpKaUt6czRZc01sc3E0d2VNcjR1ZGZ2R1FJRDBQM0laNTlzYy1nSWVsRnYwczVhWXJ0Tnl0YWlLblBzbHpzbVowa194R2ppZ01Rei05Zkk1Q3pRMDVSc3BoNlpHRDdvZWRobHRXWG9hc2U0eUhiNmdMVko1VmgtOTVfenh0SXZXbFVOREJQbWhibDBIeG9CZnF2cVBYWkZzejREMVRfNnUtYVBfUHMxUGxaV3pRYkN2bzdfbU0?oc=5",
      guid: "CBMiwwFBVV95cUxQbzdveE9lYkpKaUt6czRZc01sc3E0d2VNcjR1ZGZ2R1FJRDBQM0laNTlzYy1nSWVsRnYwczVhWXJ0Tnl0YWlLblBzbHpzbVowa194R2ppZ01Rei05Zkk1Q3pRMDVSc3BoNlpHRDdvZWRobHRXWG9hc2U0eUhiNmdMVko1VmgtOTVfenh0SXZXbFVOREJQbWhibDBIeG9CZnF2cVBYWkZzejREMVRfNnUtYVBfUHMxUGxaV3pRYkN2bzdfbU0",
      publishedAt: "2026-09-12T09:36:47.000Z",
      publishedAtPrecision: "datetime",
      issuer: undefined,
      tickers: [],
      sourceName: "MarketBeat",
    });
    expect(item(feed, 3)).toMatchObject({
      title: "Cryoport Reports First Quarter 2026 Financial Results",
      publishedAt: "2026-05-04T07:00:00.000Z",
      issuer: undefined,
      sourceName: "PR Newswire",
    });
    expect(item(feed, 5)).toMatchObject({
      title: "Should You Investigate Cryoport, Inc. (NASDAQ:CYRX) At US$16.31?",
      tickers: ["NASDAQ:CYRX"],
      sourceName: "Moomoo",
    });
    expect(item(feed, 6)).toMatchObject({ title: "CYRX", sourceName: "Finviz", publishedAt: "2026-05-26T18:36:14.000Z" });
  });
});

describe("ir-*.xml (first-party IR feeds, reduced)", () => {
  it("Root news: 3 items with offsets", async () => {
    const feed = await parseFixture("ir-root-inc-news-releases-reduced.xml");
    expect(feed).toMatchObject({ format: "rss2", title: "Root, Inc. News Releases", link: "https://ir.joinroot.com/" });
    expect(feed.items).toHaveLength(3);
    expect(item(feed, 0)).toEqual({
      title: "Root to Participate in Upcoming Investor Conferences",
      summary: "",
      url: "https://ir.joinroot.com/news-releases/news-release-details/root-participate-upcoming-investor-conferences-0",
      guid: undefined,
      publishedAt: "2026-09-03T20:30:29.000Z",
      publishedAtPrecision: "datetime",
      issuer: undefined,
      tickers: [],
      language: undefined,
      wireReleaseId: undefined,
      industries: [],
      subjects: [],
      keywords: [],
      sourceName: undefined,
    });
    expect(item(feed, 2)).toMatchObject({
      title: "Root Reduces Auto Insurance Rates by 15% in Florida, Citing Impact of Legal Reforms",
      publishedAt: "2026-08-27T20:05:11.000Z",
    });
  });

  it("Affirm: &amp; in a title, early-morning -0400 timestamps", async () => {
    const feed = await parseFixture("ir-affirm-news-releases-reduced.xml");
    expect(feed).toMatchObject({ title: "Affirm Holdings, Inc. News Releases", link: "https://investors.affirm.com/" });
    expect(feed.items).toHaveLength(3);
    expect(item(feed, 0)).toMatchObject({
      title: "Crate & Barrel Holdings partners with Affirm to offer flexible ways to pay",
      url: "https://investors.affirm.com/news-releases/news-release-details/crate-barrel-holdings-partners-affirm-offer-flexible-ways-pay",
      publishedAt: "2026-09-29T13:00:00.000Z",
      publishedAtPrecision: "datetime",
    });
    expect(item(feed, 1)).toMatchObject({
      title: "Amazon and Affirm partner to offer UK customers new instalment options",
      publishedAt: "2026-09-23T08:30:00.000Z",
    });
  });

  it("Alphabet: channel title trailing space trimmed, Q4 links kept as written", async () => {
    const feed = await parseFixture("ir-alphabet-press-releases-reduced.xml");
    expect(feed).toMatchObject({ title: "Alphabet Investor Relations Press Releases", link: "https://abc.xyz/" });
    expect(feed.items).toHaveLength(3);
    expect(item(feed, 0)).toMatchObject({
      title: "Alphabet to Present at the Goldman Sachs 2026 Communacopia + Technology Conference",
      url: "https://abc.xyz/investor/news/news-details/2026/Alphabet-to-Present-at-the-Goldman-Sachs-2026-Communacopia--Technology-Conference-2026-9xibpppaLF/default.aspx",
      publishedAt: "2026-08-19T17:00:00.000Z",
    });
    expect(item(feed, 1)).toMatchObject({ title: "Alphabet Announces Second Quarter 2026 Results", publishedAt: "2026-07-22T17:01:00.000Z" });
  });

  it("Intel: two-digit years are 20xx", async () => {
    const feed = await parseFixture("ir-intel-press-releases-reduced-2digit-year.xml");
    expect(feed).toMatchObject({ title: "Intel Corporation (INTC) Press Releases" });
    expect(feed.items).toHaveLength(3);
    expect(item(feed, 0)).toMatchObject({
      title: "Intel Foundry and ASML Collaborate to Accelerate Industry Readiness for High NA EUV",
      url: "https://www.intc.com/news-events/press-releases/detail/1781/intel-foundry-and-asml-collaborate-to-accelerate-industry",
      publishedAt: "2026-09-08T06:03:00.000Z",
      publishedAtPrecision: "datetime",
      tickers: [],
    });
    expect(item(feed, 2)).toMatchObject({
      title: "Intel Announces Upsize and Pricing of $20 Billion Common Stock Offering",
      publishedAt: "2026-08-11T06:36:00.000Z",
    });
  });

  it("Root events: date-only pubDate has date precision, timed ones datetime; xml:base and guid kept", async () => {
    const feed = await parseFixture("ir-root-inc-events-date-only-pubdate.xml");
    expect(feed).toMatchObject({ format: "rss2", title: "Root, Inc. Events", link: "https://ir.joinroot.com/", language: "en" });
    expect(feed.items).toHaveLength(10);
    expect(item(feed, 0)).toEqual({
      title: "September 15, 2026 : Goldman Sachs Americas Financial Technology Conference",
      summary: "",
      url: "https://ir.joinroot.com/events/event-details/goldman-sachs-americas-financial-technology-conference",
      guid: "11946",
      publishedAt: "2026-09-15T00:00:00.000Z",
      publishedAtPrecision: "date",
      issuer: undefined,
      tickers: [],
      language: "en",
      wireReleaseId: undefined,
      industries: [],
      subjects: [],
      keywords: [],
      sourceName: undefined,
    });
    expect(item(feed, 2)).toMatchObject({
      title: "August 5, 2026 5:00 PM EDT : Root, Inc. 2Q 2026 Earnings Conference Call",
      publishedAt: "2026-08-05T21:00:00.000Z",
      publishedAtPrecision: "datetime",
      guid: "11801",
    });
    expect(item(feed, 8)).toMatchObject({ publishedAt: "2025-12-08T00:00:00.000Z", publishedAtPrecision: "date" });
    expect(item(feed, 9)).toMatchObject({ publishedAt: "2025-11-05T22:00:00.000Z", publishedAtPrecision: "datetime" });
  });
});

describe("kc0011-forum-gb2312-slash-dates.rss (gb2312, slash dates)", () => {
  it("decodes gb2312 and reads 2020/1/10 14:33:00 as UTC", async () => {
    const feed = await parseFixture("kc0011-forum-gb2312-slash-dates.rss");
    expect(feed).toMatchObject({
      format: "rss2",
      title: "投资资讯网交易在线--流通纪念币最新20篇论坛主题-全文",
      link: "http://www.kc0011.net",
      language: "zh-cn",
    });
    expect(feed.items).toHaveLength(20);
    expect(item(feed, 0)).toMatchObject({
      title: "建国35周年纪念，华表，和平鸽",
      url: "http://www.kc0011.net/dispbbs.asp?BoardID=10&ID=25164257&Page=1",
      guid: undefined,
      publishedAt: "2020-01-10T14:33:00.000Z",
      publishedAtPrecision: "datetime",
      language: "zh-cn",
      issuer: undefined,
    });
    expect(item(feed, 0).summary.startsWith("建国35周年纪念，华表，和平鸽 35周年1套520，华表60一个，和平鸽20一个")).toBe(true);
    expect(item(feed, 1)).toMatchObject({
      title: "出南京泰山5盒，原盒看图",
      summary: "半天了也没有上传成功，一会儿让朋友帮忙上传， 原盒品相号19.1/枚，江浙沪包邮",
      publishedAt: "2020-01-10T14:28:00.000Z",
    });
    expect(item(feed, 19)).toMatchObject({ title: "世博五卷", publishedAt: "2020-01-10T14:03:00.000Z" });
  });

  it("an HTTP charset that agrees gives the same text; a wrong one wins over the declaration (precedence)", async () => {
    const agreed = await parseFixture("kc0011-forum-gb2312-slash-dates.rss", "application/rss+xml; charset=GB2312");
    expect(item(agreed, 0).title).toBe("建国35周年纪念，华表，和平鸽");
    const wrong = await parseFixture("kc0011-forum-gb2312-slash-dates.rss", "text/xml; charset=windows-1252");
    expect(item(wrong, 0).title).not.toBe("建国35周年纪念，华表，和平鸽");
  });
});

describe("uol-noticias-latin1-no-declaration.rss (latin-1 bytes, no declaration, Portuguese dates)", () => {
  it("falls back to windows-1252 and reads Portuguese day/month names", async () => {
    const feed = await parseFixture("uol-noticias-latin1-no-declaration.rss");
    expect(feed).toMatchObject({ format: "rss2", title: "UOL Noticias", link: "http://noticias.uol.com.br/", language: undefined });
    expect(feed.items).toHaveLength(15);
    expect(item(feed, 0)).toMatchObject({
      title: "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno",
      url: "https://noticias.uol.com.br/politica/eleicoes/2018/noticias/2018/09/24/ibope-bolsonaro-perde-de-haddad-ciro-e-alckmin-em-simulacoes-de-2-turno.htm",
      guid: undefined,
      publishedAt: "2018-09-24T22:42:40.000Z",
      publishedAtPrecision: "datetime",
      language: undefined,
    });
    expect(item(feed, 0).summary).toMatch(/^Líder na pesquisa Ibope de intenção de voto para o primeiro turno divulgada nesta segunda-feira \(24\)/);
    expect(item(feed, 1)).toMatchObject({
      title: "Promotoria abre inquérito para apurar suspeita de improbidade de Skaf no Sebrae-SP",
      summary: "",
      publishedAt: "2018-09-24T22:38:00.000Z",
    });
    expect(item(feed, 14)).toMatchObject({
      title: 'Fama "A" é campeã da Primeira Divisão da Copa Cidade Alta de Futebol Suíço',
      publishedAt: "2018-09-24T22:18:49.000Z",
    });
  });
});

describe("oren-ru-windows1251-default-namespace.xml (windows-1251, default namespace)", () => {
  it("decodes Cyrillic, finds items despite xmlns=, decodes &amp;#40; to (", async () => {
    const feed = await parseFixture("oren-ru-windows1251-default-namespace.xml");
    expect(feed).toMatchObject({
      format: "rss2",
      title: "Новости Оренбурга и области / Раздел Новости",
      link: "http://www.oren.ru",
      language: undefined,
    });
    expect(feed.items).toHaveLength(10);
    expect(item(feed, 0)).toMatchObject({
      title: "В Бузулуке главные стройплощадки – детсад и Ледовый дворец",
      summary:
        "Работы по возведению детского сада идут с опережением графика, деньги, выделенные на эту стройку, осваиваются в два раза быстрее, чем планировалось.",
      url: "http://www.oren.ru/news/2743422/",
      guid: undefined,
      publishedAt: "2014-01-22T14:31:31.000Z",
      publishedAtPrecision: "datetime",
      subjects: ["Раздел Новости/"],
    });
    expect(item(feed, 1)).toMatchObject({
      title: "ЧОПовцы в Оренбурге избили молодого человека",
      summary: "Из-за чего теперь на них возбуждено уголовное дело (видео)",
      publishedAt: "2014-01-22T14:25:42.000Z",
    });
  });
});

describe("biorxiv-plant-biology-rss1-rdf.rdf (RSS 1.0)", () => {
  it("reads 30 items with trimmed links, rdf:about guids and date-only dc:date", async () => {
    const feed = await parseFixture("biorxiv-plant-biology-rss1-rdf.rdf");
    expect(feed).toMatchObject({ format: "rss1", title: "bioRxiv Subject Collection: Plant Biology", link: "http://biorxiv.org" });
    expect(feed.items).toHaveLength(30);
    const first = item(feed, 0);
    expect(first).toMatchObject({
      title:
        "Wheat inositol pyrophosphate kinase (TaVIH2-3B) interacts with Fasciclin-like arabinogalactan (FLA6) protein and alters the plant cell-wall composition",
      url: "http://biorxiv.org/cgi/content/short/743294v1?rss=1",
      guid: "http://biorxiv.org/cgi/content/short/743294v1?rss=1",
      publishedAt: "2019-08-27T00:00:00.000Z",
      publishedAtPrecision: "date",
      wireReleaseId: "doi:10.1101/743294",
      tickers: [],
    });
    expect(first.summary).toMatch(/^Inositol pyrophosphates \(PPx-InsPs\) are of key interest/);
    expect(item(feed, 29)).toMatchObject({
      title: "Cell-surface receptors enable perception of extracellular cytokinins",
      url: "http://biorxiv.org/cgi/content/short/726125v1?rss=1",
      publishedAt: "2019-08-14T00:00:00.000Z",
      publishedAtPrecision: "date",
    });
  });
});

describe("talkingpointsmemo-atom-relative-links.atom (Atom, relative hrefs)", () => {
  it("resolves relative entry links against the feed's alternate link, not the fetch URL", async () => {
    const feed = await parseFixture("talkingpointsmemo-atom-relative-links.atom");
    expect(feed).toMatchObject({ format: "atom", title: "All TPM News", link: "http://talkingpointsmemo.com", language: "en-us" });
    expect(feed.items).toHaveLength(20);
    const first = item(feed, 0);
    expect(first).toMatchObject({
      title: "Hannity Announces Fox Has Hired Sebastian Gorka As NatSec Strategist",
      url: "http://talkingpointsmemo.com/livewire/hannity-announces-fox-hired-sebastian-gorka-national-security-strategist",
      guid: "tag:talkingpointsmemo.com,2005:ArticleDecorator/270060",
      publishedAt: "2017-11-08T23:15:58.000Z",
      publishedAtPrecision: "datetime",
      language: "en-us",
    });
    expect(first.summary).toMatch(/^Fox News star host Sean Hannity on Wednesday announced/);
    expect(first.summary).toContain("“Joining us now is Dr. Sebastian Gorka,” Hannity said on his radio show.");
    expect(item(feed, 1)).toMatchObject({
      title: "We're Hiring: Senior Editor",
      url: "http://talkingpointsmemo.com/edblog/were-hiring-senior-editor",
      publishedAt: "2017-11-08T23:02:40.000Z",
    });
    expect(item(feed, 19)).toMatchObject({
      title: "GOP Rep. Dave Brat: Virginia GOP Didn't 'Nationalize' Election Enough",
      url: "http://talkingpointsmemo.com/livewire/dave-brat-virginia-republicans-nationalize-election",
    });
    for (const it of feed.items) expect(it.url).toMatch(/^http:\/\/talkingpointsmemo\.com\//);
  });
});

describe("fcutrecht-broken-xml-declaration.rss (bogus <?phpxml ...?> first line)", () => {
  it("parses past the bogus declaration and keeps UTF-8 text and emoji", async () => {
    const feed = await parseFixture("fcutrecht-broken-xml-declaration.rss");
    expect(feed).toMatchObject({
      format: "rss2",
      title: "www.fcutrecht.net voetbalnieuws",
      link: "https://www.fcutrecht.net/",
      language: "nl-nl",
    });
    expect(feed.items).toHaveLength(20);
    const first = item(feed, 0);
    expect(first).toMatchObject({
      title: "Serdar Gözübüyük scheidsrechter bij FC Twente - FC Utrecht",
      url: "https://www.fcutrecht.net/nieuws/serdar-g-z-b-y-k-scheidsrechter-bij-fc-twente-fc-utrecht~8805",
      guid: undefined,
      publishedAt: "2021-09-06T10:17:00.000Z",
      publishedAtPrecision: "datetime",
    });
    expect(first.summary.startsWith("1️⃣ Serdar Gözübüyük 🚩 Joost van Zuilen 🚩 Johan Balder")).toBe(true);
    expect(item(feed, 1)).toMatchObject({
      title: "Quinten Timber traint mee met het Nederlands Elftal",
      publishedAt: "2021-09-05T10:53:00.000Z",
    });
  });
});

describe("donthitsave-utf8-bom.xml (UTF-8 BOM, bare CR line endings)", () => {
  it("strips the BOM and reads the items", async () => {
    const feed = await parseFixture("donthitsave-utf8-bom.xml");
    expect(feed).toMatchObject({ format: "rss2", title: "Don't Hit Save", link: "https://donthitsave.com", language: "en-us" });
    expect(feed.items).toHaveLength(10);
    const first = item(feed, 0);
    expect(first).toMatchObject({
      title: "Skipping Around",
      url: "https://donthitsave.com/comic/2019/05/24/skipping-around",
      publishedAt: "2019-05-24T07:00:00.000Z",
      publishedAtPrecision: "datetime",
      language: "en-us",
    });
    expect(first.summary).toMatch(/^I was nearly murdered by a coconut today\. For real\. This happened/);
    expect(first.summary).toContain("the word “walk” in my home");
    expect(item(feed, 1)).toMatchObject({ title: "Budgets", publishedAt: "2019-05-17T07:00:00.000Z" });
    expect(item(feed, 1).summary.startsWith("It's time I woke up before dawn again. Voluntarily.")).toBe(true);
  });
});

describe("braingle-duplicate-guid.xml (duplicate <guid>, stylesheet PIs)", () => {
  it("takes the first guid and uses it as the permalink", async () => {
    const feed = await parseFixture("braingle-duplicate-guid.xml");
    expect(feed).toMatchObject({
      format: "rss2",
      title: "Braingle's Newest Brain Teasers and Riddles",
      link: "http://www.braingle.com/brainteasers/index.php",
      language: "en-us",
    });
    expect(feed.items).toHaveLength(1);
    expect(item(feed, 0)).toEqual({
      title: "Huh?",
      summary: "What's the Rebus? How's that; how's that Check Braingle.com for the answer.",
      url: "http://www.braingle.com/50366.html",
      guid: "http://www.braingle.com/50366.html",
      publishedAt: "2014-06-19T06:00:00.000Z",
      publishedAtPrecision: "datetime",
      issuer: undefined,
      tickers: [],
      language: "en-us",
      wireReleaseId: undefined,
      industries: [],
      subjects: [],
      keywords: [],
      sourceName: undefined,
    });
  });
});

describe("dailymail-iso8859-media-content.xml (ISO-8859-1 declaration)", () => {
  it("reads the one item", async () => {
    const feed = await parseFixture("dailymail-iso8859-media-content.xml");
    expect(feed).toMatchObject({
      format: "rss2",
      title: "Home | Mail Online",
      link: "http://www.dailymail.co.uk/ushome/index.html?ITO=1490&ns_mchannel=rss&ns_campaign=1490",
      language: "en-gb",
    });
    expect(feed.items).toHaveLength(1);
    expect(item(feed, 0)).toMatchObject({
      title:
        "Could the infamous Black Dahlia case be about to be solved? Cadaver dog discovers death scent at Hollywood home of suspect 66 years after the horrific murder",
      summary:
        "The shocking murder of Elizabeth Short, known as the Black Dahlia, is one of the oldest unsolved murder cases in Los Angeles history.",
      url: "http://www.dailymail.co.uk/news/article-2272640/Could-infamous-Black-Dahlia-case-solved-Cadaver-dog-discovers-death-scent-Hollywood-home-suspect-66-years-horrific-murder.html?ITO=1490&ns_mchannel=rss&ns_campaign=1490",
      publishedAt: "2013-02-03T04:13:03.000Z",
      publishedAtPrecision: "datetime",
      language: "en-gb",
    });
  });

  it("decodes by the declared ISO-8859-1, so é in a title survives", async () => {
    // The fixture's item text is ASCII; re-encode a title with a latin-1 é under the same declaration.
    const bytes = fixtureBytes("dailymail-iso8859-media-content.xml");
    const text = new TextDecoder("windows-1252").decode(bytes).replace("Could the infamous", "Caf\u00e9: could the infamous");
    const latin1 = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const feed = await parseFeed(latin1, { feedUrl: FEED_URL });
    expect(item(feed, 0).title.startsWith("Café: could the infamous Black Dahlia")).toBe(true);
  });
});
