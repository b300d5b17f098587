import twitterText from "twitter-text";
import { describe, expect, it } from "vitest";
import { cleanText, fitText, measureCharacters, measureXWeighted, stripUrls } from "../../../packages/core/src/text/fit-text.ts";

const graphemes = (s: string): string[] => [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(s)].map((g) => g.segment);

/** The fitted text, minus the ellipsis, is a prefix of the input made of whole graphemes. */
function expectWholeGraphemePrefix(out: string, input: string): void {
  const kept = out.endsWith("…") ? out.slice(0, -1) : out;
  expect(input.startsWith(kept)).toBe(true);
  const inputClusters = graphemes(input);
  const keptClusters = graphemes(kept);
  expect(keptClusters).toEqual(inputClusters.slice(0, keptClusters.length));
}

describe("fitText", () => {
  it("returns text that fits unchanged", () => {
    expect(fitText("Short headline", 70, measureCharacters)).toBe("Short headline");
  });

  it("cuts at a word boundary and marks the cut", () => {
    const title = "Acme Launches the Industry's First Fully Autonomous Widget Platform for Enterprise Teams Worldwide";
    const out = fitText(title, 40, measureCharacters);
    expect(out.length).toBeLessThanOrEqual(40);
    expect(out.endsWith("…")).toBe(true);
    const kept = out.slice(0, -1);
    expect(title[kept.length]).toBe(" "); // the next character in the title is the space after a whole word
  });

  it("prefers a sentence end, without an ellipsis", () => {
    const text = "Cryoport, Inc. (NASDAQ: CYRX) reported results today. The company also raised its full-year guidance again.";
    expect(fitText(text, 70, measureCharacters)).toBe("Cryoport, Inc. (NASDAQ: CYRX) reported results today.");
  });

  it("never splits emoji sequences, flags or combining marks", () => {
    const text = "🚀🚀 Launch day 👩‍👩‍👧‍👦 family plan 🇺🇸 flags everywhere e\u0301e\u0301 🎉🎉🎉 and more words";
    for (let limit = 2; limit <= text.length; limit++) {
      const out = fitText(text, limit, measureCharacters);
      expect(out.length).toBeLessThanOrEqual(limit);
      expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      expectWholeGraphemePrefix(out, text);
    }
  });

  it("cuts a single over-long word only between grapheme clusters", () => {
    const word = "a\u0301o\u0308".repeat(20); // one word of base letters with combining marks, not NFC-composed
    for (let limit = 2; limit <= 30; limit++) {
      const out = fitText(word, limit, measureCharacters);
      expect(out.length).toBeLessThanOrEqual(limit);
      expectWholeGraphemePrefix(out, word);
    }
  });

  it("cuts CJK text at a dictionary word boundary", () => {
    const text = "東京証券取引所に上場する株式会社サンプルは本日新しい人工知能プラットフォームの提供を開始したと発表しました。同社の最高経営責任者は次のように述べています。";
    const out = fitText(text, 40, measureCharacters);
    expect(out.length).toBeLessThanOrEqual(40);
    expect(out.endsWith("…")).toBe(true);
    const kept = out.slice(0, -1);
    const boundaries = new Set([...new Intl.Segmenter("ja", { granularity: "word" }).segment(text)].map((s) => s.index));
    expect(boundaries.has(kept.length)).toBe(true);
    // A sentence end wins when it is in reach.
    expect(fitText(text, 60, measureCharacters)).toBe(text.slice(0, text.indexOf("。") + 1));
  });

  it("cuts a single over-long word between graphemes", () => {
    const out = fitText("Supercalifragilisticexpialidocious".repeat(3), 20, measureCharacters);
    expect(out).toBe("Supercalifragilisti…");
  });

  it("fits X's weighted length, counting CJK and emoji as 2", () => {
    const cjk = "新製品".repeat(80);
    const out = fitText(cjk, 200, measureXWeighted);
    expect(measureXWeighted(out)).toBeLessThanOrEqual(200);
    expect(out.length).toBeLessThanOrEqual(100);
    // "Acme 🚀" weighs 7 and "…" weighs 2 (U+2026 is outside the weight-1 ranges): 9 > 8.
    expect(fitText("Acme 🚀 launches", 8, measureXWeighted)).toBe("Acme…");

  });
});

describe("measureXWeighted", () => {
  it("is twitter-text's weighted length: latin 1, CJK 2, emoji sequences 2, every URL 23", () => {
    expect(measureXWeighted("hello")).toBe(5);
    expect(measureXWeighted("日本")).toBe(4);
    expect(measureXWeighted("👩‍👩‍👧‍👦")).toBe(2);
    expect(measureXWeighted("🇺🇸")).toBe(2);
    expect(measureXWeighted("see https://example.com/a")).toBe(4 + 23);
    // A URL weighs 23 however long it is, as X wraps it in t.co.
    expect(measureXWeighted("see https://example.com/a/very/long/path/that/is/long")).toBe(4 + 23);
    expect(measureXWeighted("acme.ai")).toBe(23);
    expect(measureXWeighted("e\u0301")).toBe(1); // NFC first
    for (const text of ["Acme 🚀 launches 新製品 at https://acme.example/x?y=1 #AI $ACME", "…", "\u2014 quotes “like” these"]) {
      expect(measureXWeighted(text)).toBe(twitterText.parseTweet(text).weightedLength);
    }
  });
});

describe("cleanText and stripUrls", () => {
  it("removes control and bidi characters, keeps ZWJ, collapses whitespace", () => {
    expect(cleanText("  a\u202eb\u0000c\n\n d\u200d\u200bx  ", 100)).toBe("abc d\u200dx");
  });

  it("bounds length", () => {
    expect(cleanText("word ".repeat(500), 50).length).toBeLessThanOrEqual(50);
  });

  it("strips links", () => {
    expect(stripUrls("Read more at https://acme.example/x?y=1, or www.acme.example today.")).toBe("Read more at, or today.");
  });
});
