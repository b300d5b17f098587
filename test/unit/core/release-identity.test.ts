import { describe, expect, it } from "vitest";
import {
  canonicalUrl,
  languagesMatch,
  primaryLanguage,
  releaseIdFor,
  releaseIdentity,
  releaseUrl,
  rotatedParams,
  seenKeys,
  titleFingerprint,
  wireNameFor,
  type FeedItem,
} from "@pressbridge/core";

const item = (over: Partial<FeedItem>): FeedItem => ({
  title: "",
  summary: "",
  url: undefined,
  guid: undefined,
  publishedAt: undefined,
  publishedAtPrecision: "none",
  issuer: undefined,
  tickers: [],
  language: undefined,
  wireReleaseId: undefined,
  industries: [],
  subjects: [],
  keywords: [],
  sourceName: undefined,
  ...over,
});

describe("canonicalUrl", () => {
  it.each([
    ["HTTP://WWW.PRNewswire.com/news-releases/acme-302898756.html?utm_source=rss&utm_medium=feed", "https://prnewswire.com/news-releases/acme-302898756.html"],
    ["http://www.businesswire.com/news/home/20261005363276/en/?feedref=JjAwJuNHiystnCoBq_hl", "https://businesswire.com/news/home/20261005363276/en"],
    ["https://ir.example.com/news/?b=2&a=1&ncid=x&ref=rss#top", "https://ir.example.com/news?a=1&b=2"],
    ["https://example.com:443/a//b/", "https://example.com/a/b"],
    ["https://user:pw@example.com/a", "https://example.com/a"],
    ["https://example.com/", "https://example.com/"],
  ])("%s -> %s", (raw, expected) => {
    expect(canonicalUrl(raw)).toBe(expected);
  });

  it("keeps parameters that select content", () => {
    expect(canonicalUrl("https://ir.example.com/news.aspx?id=1781&lang=fr")).toBe("https://ir.example.com/news.aspx?id=1781&lang=fr");
  });

  it("rejects what is not an absolute http(s) URL", () => {
    for (const raw of [undefined, "", "  ", "/relative/path", "javascript:alert(1)", "ftp://example.com/x", "not a url"]) {
      expect(canonicalUrl(raw)).toBeUndefined();
    }
  });
});

describe("release identity", () => {
  it("prefers the canonical URL, so tracking variants of one link are one release", () => {
    const a = releaseIdFor(releaseIdentity(item({ url: "https://wire.example/r/1?utm_source=x", guid: "a" }), "feed-a"));
    const b = releaseIdFor(releaseIdentity(item({ url: "http://WIRE.example/r/1/", guid: "b" }), "feed-b"));
    expect(a).toBe(b);
    expect(a).toMatch(/^r_[A-Za-z0-9_-]{22}$/);
  });

  it("falls back to the GUID scoped to the feed, then to a content hash", () => {
    expect(releaseIdentity(item({ guid: " 12345 " }), "f1")).toBe("guid:f1:12345");
    const h1 = releaseIdentity(item({ title: "A", summary: "B", publishedAt: "2026-01-01T00:00:00.000Z" }), "f1");
    const h2 = releaseIdentity(item({ title: "A", summary: "B", publishedAt: "2026-01-02T00:00:00.000Z" }), "f1");
    expect(h1).toMatch(/^hash:f1:/);
    expect(h1).not.toBe(h2);
  });
});

describe("titleFingerprint", () => {
  it("ignores case, accents, punctuation and surrounding space", () => {
    const wire = titleFingerprint("Acme Corp Unveils Quantum-Safe Payments Network");
    expect(titleFingerprint("ACME CORP UNVEILS QUANTUM SAFE PAYMENTS NETWORK!")).toBe(wire);
    expect(titleFingerprint("Acme corp unveils quantum-safe payments network ")).toBe(wire);
    expect(titleFingerprint("Société Générale publie ses résultats")).toBe(titleFingerprint("Societe Generale publie ses resultats"));
    expect(titleFingerprint("Acme Corp Unveils Quantum-Safe Payments Platform")).not.toBe(wire);
  });

  it("does not fingerprint generic short titles", () => {
    expect(titleFingerprint("Form 8-K")).toBeUndefined();
    expect(titleFingerprint("Start of Day Message")).toBeDefined();
  });
});

describe("languagesMatch", () => {
  it("compares primary subtags, and an unknown language matches any", () => {
    expect(languagesMatch("en-us", "en")).toBe(true);
    expect(languagesMatch("en-US", "en-gb")).toBe(true);
    expect(languagesMatch(undefined, "en-us")).toBe(true);
    expect(languagesMatch(null, null)).toBe(true);
    expect(languagesMatch("en", "fr-ca")).toBe(false);
    expect(primaryLanguage("zh-Hant-TW")).toBe("zh");
  });
});

describe("releaseUrl", () => {
  it("drops the wires' rotating tracking parameters and keeps the rest as it was", () => {
    expect(releaseUrl("https://www.businesswire.com/news/home/20261201005123/en/Acme?feedref=JjAwJuNHiystnCoBq_hl-Q")).toBe(
      "https://www.businesswire.com/news/home/20261201005123/en/Acme",
    );
    expect(releaseUrl("http://www.prnewswire.com/news-releases/acme-302000000.html?ncid=rss&utm_source=x&tc=eml#top")).toBe(
      "http://www.prnewswire.com/news-releases/acme-302000000.html?tc=eml",
    );
    expect(releaseUrl("https://ir.acme.com/news?id=7&cb=991", new Set(["cb"]))).toBe("https://ir.acme.com/news?id=7");
    expect(releaseUrl("mailto:pr@acme.com")).toBeUndefined();
  });
});

describe("seenKeys and rotatedParams", () => {
  it("knows an item by headline, host and path whatever its query, and by its GUID", () => {
    const a = item({ title: "Q3 results", url: "https://ir.acme.com/news/q3?session=1", guid: "g-1" });
    const b = item({ title: "Q3 Results", url: "https://ir.acme.com/news/q3?session=2", guid: "g-1" });
    const keysA = seenKeys(a, releaseIdentity(a, "f"));
    const keysB = seenKeys(b, releaseIdentity(b, "f"));
    expect(keysA.find((k) => k.startsWith("t:"))).toBe(keysB.find((k) => k.startsWith("t:")));
    expect(keysA.find((k) => k.startsWith("g:"))).toBe(keysB.find((k) => k.startsWith("g:")));
    expect(seenKeys(item({ title: "Q4 results", url: "https://ir.acme.com/news/q3" }), "url:x")).not.toContain(keysA[0]);
  });

  it("knows a linkless item by its headline and summary, not its rotating GUID", () => {
    const a = item({ title: "Board update", guid: "rot-1" });
    const b = item({ title: "Board update", guid: "rot-2" });
    expect(releaseIdentity(a, "f")).not.toBe(releaseIdentity(b, "f"));
    expect(seenKeys(a, releaseIdentity(a, "f"))).toEqual(seenKeys(b, releaseIdentity(b, "f")));
  });

  it("names the parameters whose value changed on the same path", () => {
    expect(rotatedParams("https://a.com/n/1?id=1&t=100&utm_source=a", "https://a.com/n/1?id=1&t=200&utm_source=b")).toEqual(["t"]);
    expect(rotatedParams("https://a.com/n/1?t=100", "https://a.com/n/2?t=200")).toEqual([]);
  });
});

describe("wireNameFor", () => {
  it("names known wires and falls back to the host", () => {
    expect(wireNameFor("https://www.prnewswire.com/rss/news-releases-list.rss", undefined)).toBe("PR Newswire");
    expect(wireNameFor("https://feed.businesswire.com/mrss/home/", undefined)).toBe("Business Wire");
    expect(wireNameFor("https://www.globenewswire.com/RssFeed/orgclass/1", undefined)).toBe("GlobeNewswire");
    expect(wireNameFor("https://ir.joinroot.com/rss/news-releases.xml", undefined)).toBe("ir.joinroot.com");
    expect(wireNameFor("https://anything.example/", "Acme Newsroom")).toBe("Acme Newsroom");
  });
});
