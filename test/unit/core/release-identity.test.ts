import { describe, expect, it } from "vitest";
import { canonicalUrl, releaseIdFor, releaseIdentity, titleFingerprint, wireNameFor, type FeedItem } from "@pressbridge/core";

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
  it("ignores case, accents and punctuation, and keeps languages apart", () => {
    const en = titleFingerprint("Acme Corp Unveils Quantum-Safe Payments Network", "en-us");
    expect(titleFingerprint("ACME CORP UNVEILS QUANTUM SAFE PAYMENTS NETWORK!", "en")).toBe(en);
    expect(titleFingerprint("Acme Corp Unveils Quantum-Safe Payments Network", "fr")).not.toBe(en);
    expect(titleFingerprint("Société Générale publie ses résultats", "fr")).toBe(titleFingerprint("Societe Generale publie ses resultats", "fr"));
  });

  it("does not fingerprint generic short titles", () => {
    expect(titleFingerprint("Form 8-K", "en")).toBeUndefined();
    expect(titleFingerprint("Start of Day Message", "en")).toBeDefined();
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
