import { describe, expect, it } from "vitest";
import { collapseWhitespace, htmlToText } from "../../../packages/core/src/feeds/html-to-text.ts";
import { truncateText } from "../../../packages/core/src/feeds/truncate-text.ts";
import { hasLoneSurrogate } from "./fixtures.ts";

describe("htmlToText", () => {
  it("strips tags, separating block elements and joining inline ones", () => {
    expect(htmlToText("<p>First paragraph.</p><p>Second <b>bold</b> one.</p>", 100)).toBe("First paragraph. Second bold one.");
    expect(htmlToText("line<br/>break<br>again", 100)).toBe("line break again");
    expect(htmlToText("<strong>Dis</strong>covery", 100)).toBe("Discovery");
    expect(htmlToText('<a href="https://x.example/?a=1&amp;b=2" title="a > b">link</a> text', 100)).toBe("link text");
  });

  it("drops script, style and similar raw-text content entirely", () => {
    expect(htmlToText("Hi<script>alert('x')</script> there<style>p { color: red }</style>!", 100)).toBe("Hi there!");
    expect(htmlToText("A<SCRIPT type=text/javascript>var s = '</p>';</SCRIPT>B", 100)).toBe("AB");
    expect(htmlToText("safe<script>never closed", 100)).toBe("safe");
    expect(htmlToText("a<noscript><img src=x></noscript>b<iframe src=y>fallback</iframe>c", 100)).toBe("abc");
  });

  it("drops comments, CDATA sections and processing instructions", () => {
    expect(htmlToText("a<!-- hidden <b>x</b> -->b<![CDATA[ c ]]>d<?php echo 1 ?>e", 100)).toBe("abde");
  });

  it("keeps '<' that does not open markup", () => {
    expect(htmlToText("Revenue <5% and a < b", 100)).toBe("Revenue <5% and a < b");
  });

  it("decodes entities exactly once", () => {
    // What the XML parser hands over for Business Wire's R&amp;amp;D is "R&amp;D".
    expect(htmlToText("R&amp;D", 100)).toBe("R&D");
    expect(htmlToText("d&apos;euros", 100)).toBe("d'euros");
    expect(htmlToText("&quot;Don&apos;t&quot;", 100)).toBe('"Don\'t"');
    expect(htmlToText("dело &#40;видео&#41;", 100)).toBe("dело (видео)");
    expect(htmlToText("&amp;lt;b&amp;gt;", 100)).toBe("&lt;b&gt;");
    expect(htmlToText("&lt;script&gt;x&lt;/script&gt;", 100)).toBe("<script>x</script>");
    expect(htmlToText("AT&T and R&D", 100)).toBe("AT&T and R&D");
    expect(htmlToText("&#8220;quoted&#8221; &eacute;t&eacute;", 100)).toBe("“quoted” été");
  });

  it("collapses every kind of whitespace, including entity-made and control characters", () => {
    expect(htmlToText("  a \r\n\t b\u00a0\u00a0c\u2028d  ", 100)).toBe("a b c d");
    expect(htmlToText("a&nbsp;&nbsp;b&#10;c&#x9;d", 100)).toBe("a b c d");
    expect(htmlToText("a\u0000b\u0007c\u200bd", 100)).toBe("a b c d");
    expect(htmlToText("<p>\n  x  </p>\n\n<p>  y</p>", 100)).toBe("x y");
    expect(htmlToText("a  b", 100)).toBe("a b");
    expect(htmlToText(" ", 100)).toBe("");
    expect(htmlToText("", 100)).toBe("");
  });

  it("bounds the output and marks the cut", () => {
    const text = htmlToText(`<p>${"word ".repeat(5000)}</p>`, 1000);
    expect(text.length).toBeLessThanOrEqual(1000);
    expect(text.length).toBeGreaterThan(900);
    expect(text.endsWith("word…")).toBe(true);
  });

  it("stops reading huge inputs early", () => {
    const huge = `<div>${"<span>abc</span> ".repeat(200_000)}</div>`;
    const started = performance.now();
    const text = htmlToText(huge, 5000);
    expect(performance.now() - started).toBeLessThan(500);
    expect(text.length).toBeLessThanOrEqual(5000);
  });

  it("does not backtrack badly on pathological markup", () => {
    const started = performance.now();
    htmlToText(`${"<a ".repeat(20_000)}${'<b x="'.repeat(5_000)}${"<!--".repeat(5_000)}`, 5000);
    htmlToText(`<a${" x='".repeat(20_000)}`, 5000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("collapseWhitespace", () => {
  it("collapses runs and trims", () => {
    expect(collapseWhitespace("\n a\t\tb \u3000 c ")).toBe("a b c");
  });
});

describe("truncateText", () => {
  it("returns short text unchanged", () => {
    expect(truncateText("short", 10)).toBe("short");
  });

  it("cuts at a word boundary and appends an ellipsis within the limit", () => {
    const out = truncateText("alpha beta gamma delta epsilon", 20);
    expect(out).toBe("alpha beta gamma…");
    expect(out.length).toBeLessThanOrEqual(20);
  });

  it("never splits a surrogate pair or a grapheme cluster", () => {
    const emoji = "😀".repeat(600); // 1200 code units, no spaces
    const out = truncateText(emoji, 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(hasLoneSurrogate(out)).toBe(false);
    expect(out.endsWith("😀…")).toBe(true);

    const family = "👨‍👩‍👧".repeat(200); // ZWJ sequences of 8 code units
    const cut = truncateText(family, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut.slice(0, -1)).toBe("👨‍👩‍👧".repeat(Math.floor(cut.slice(0, -1).length / 8)));

    const accents = "e\u0301".repeat(100); // e + combining acute
    const acc = truncateText(accents, 51);
    expect(acc.slice(0, -1).endsWith("e\u0301")).toBe(true);
  });

  it("cuts CJK text (no spaces) at a dictionary word boundary", () => {
    const text = "建国纪念".repeat(400);
    const out = truncateText(text, 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(out.length).toBeGreaterThan(990);
    expect(out.endsWith("…")).toBe(true);
    const words = new Set([...new Intl.Segmenter("zh", { granularity: "word" }).segment(text)].map((s) => s.index));
    expect(words.has(out.length - 1)).toBe(true);
  });
});
