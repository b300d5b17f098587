import { describe, expect, it } from "vitest";
import { FeedParseError } from "../../../packages/core/src/errors.ts";
import { FEED_LIMITS, parseFeed } from "../../../packages/core/src/feeds/index.ts";
import type { ParsedFeed } from "../../../packages/core/src/feeds/index.ts";
import { FEED_URL, hasLoneSurrogate, rss, utf8 } from "./fixtures.ts";

function parse(body: Uint8Array | string, contentType?: string): Promise<ParsedFeed> {
  const bytes = typeof body === "string" ? utf8(body) : body;
  return parseFeed(bytes, contentType === undefined ? { feedUrl: FEED_URL } : { feedUrl: FEED_URL, contentType });
}

async function parseError(body: Uint8Array | string): Promise<FeedParseError> {
  try {
    await parse(body);
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    const e = error as FeedParseError;
    expect(e.name).toBe("FeedParseError");
    expect(e.message).not.toMatch(/[\r\n]/); // one-line reason
    return e;
  }
  throw new Error("expected parseFeed to reject");
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ELEMENT lolz (#PCDATA)>
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>`;

describe("parseFeed: hostile and broken input", () => {
  it("rejects a billion-laughs entity bomb fast, without expanding it", async () => {
    const started = performance.now();
    const error = await parseError(BILLION_LAUGHS);
    expect(performance.now() - started).toBeLessThan(200);
    expect(error.message).toMatch(/DOCTYPE .*entit/i);
  });

  it("rejects external and parameter entity declarations too", async () => {
    await parseError(`<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&xxe;</title></channel></rss>`);
    await parseError(`<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]><rss version="2.0"><channel/></rss>`);
    await parseError(`<?xml version="1.0"?>\n<!-- c --><!doctype rss [\n<!entity a "b">]><rss version="2.0"><channel/></rss>`);
  });

  it("never expands an undeclared entity reference (malformed, not expanded)", async () => {
    const error = await parseError(`<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title></item></channel></rss>`);
    expect(error.message).toMatch(/^malformed XML: /);
  });

  it("accepts a DOCTYPE without entity declarations (RSS 0.91 style) and skips it", async () => {
    const feed = await parse(
      `<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">` +
        `<rss version="0.91"><channel><title>Old &amp; good</title><link>https://old.example/</link><item><title>A&nbsp;B</title><link>/a</link></item></channel></rss>`,
    );
    expect(feed).toMatchObject({ format: "rss09", title: "Old & good", link: "https://old.example/" });
    expect(feed.items[0]).toMatchObject({ title: "A B", url: "https://old.example/a" });
  });

  it("rejects malformed XML with a one-line reason and the parser error as cause", async () => {
    const error = await parseError(`<rss version="2.0"><channel><title>x</title><item><title>a</item></channel></rss>`);
    expect(error.message).toMatch(/^malformed XML: Unexpected close tag/);
    expect(error.cause).toBeInstanceOf(Error);
    await parseError(`<rss version="2.0"><channel><title>x</titel></channel></rss>`);
    // (A truncated document and a bare "&" are repaired now: see parse-feed.repairs.test.ts.)
  });

  it("keeps working after failures (no state leaks between parses)", async () => {
    await parseError(`<rss version="2.0"><channel><item><title>a</item></channel></rss>`);
    await parse(`<rss version="2.0"><channel><title>x</title></channel></rss>trailing <junk>`);
    await parseError(`<rss version="2.0"><channel><item><title>a</item></channel></rss>`);
    const feed = await parse(rss("<item><title>fine</title></item>"));
    expect(feed.items.map((i) => i.title)).toEqual(["fine"]);
  });

  it("rejects HTML pages and other XML as not a feed", async () => {
    expect((await parseError("<!DOCTYPE html><html><head><title>Hi</title></head><body><p>x</p></body></html>")).message).toMatch(/not an RSS or Atom feed/);
    expect((await parseError("<html><body>Not a feed</body></html>")).message).toMatch(/not an RSS or Atom feed/);
    expect((await parseError(`<?xml version="1.0"?><note><to>x</to></note>`)).message).toBe("not an RSS or Atom feed: the root element is <note>");
    expect((await parseError(`{"items": []}`)).message).toMatch(/not an RSS or Atom feed/);
    expect((await parseError(`<rss version="2.0"><nochannel/></rss>`)).message).toBe("RSS document has no <channel> element");
  });

  it("rejects empty and whitespace-only bodies", async () => {
    expect((await parseError(new Uint8Array(0))).message).toMatch(/^empty document/);
    expect((await parseError("  \n\t ")).message).toMatch(/^empty document/);
    expect((await parseError(`<?xml version="1.0"?><!-- nothing -->`)).message).toMatch(/^empty document/);
  });

  it("turns <script> in a title into text-free output and drops script/style in summaries", async () => {
    const feed = await parse(
      rss(
        `<item><title>&lt;script&gt;alert(1)&lt;/script&gt;Hello &lt;b&gt;World&lt;/b&gt;</title>` +
          `<description><![CDATA[<p>Hi<script>document.cookie</script> <style>p{}</style>there <img src=x onerror=alert(1)></p>]]></description></item>` +
          `<item><title><![CDATA[<script type="text/javascript">evil()</script>Quarterly results]]></title></item>`,
      ),
    );
    expect(feed.items[0]).toMatchObject({ title: "Hello World", summary: "Hi there" });
    expect(feed.items[1]!.title).toBe("Quarterly results");
  });

  it("drops javascript:, data: and other non-http links but keeps the guid as an id", async () => {
    const feed = await parse(
      rss(
        `<item><title>a</title><link>javascript:alert(1)</link><guid>javascript:alert(2)</guid></item>` +
          `<item><title>b</title><link> JavaScript:alert(1)</link></item>` +
          `<item><title>c</title><link>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</link></item>` +
          `<item><title>d</title><link>mailto:pr@acme.example</link></item>` +
          `<item><title>e</title><link>java&#x0A;script:alert(1)</link></item>` +
          `<item><title>f</title><link>ftp://files.example/x</link><guid isPermaLink="true">https://ok.example/f</guid></item>`,
      ),
    );
    expect(feed.items.map((i) => i.url)).toEqual([undefined, undefined, undefined, undefined, undefined, "https://ok.example/f"]);
    expect(feed.items[0]!.guid).toBe("javascript:alert(2)");
  });

  it("trims and resolves links: relative to xml:base, channel link, then feed URL; isPermaLink=false guids are not links", async () => {
    const feed = await parse(
      `<rss version="2.0" xml:base="https://base.example/news/"><channel><title>t</title><link>https://chan.example/</link>` +
        `<item><title>a</title><link>\n  story-1.html \n</link></item>` +
        `<item><title>b</title><guid isPermaLink="false">https://not-a-link.example/x</guid></item>` +
        `<item><title>c</title><guid>https://permalink.example/c</guid></item></channel></rss>`,
    );
    expect(feed.items.map((i) => i.url)).toEqual(["https://base.example/news/story-1.html", undefined, "https://permalink.example/c"]);
    const noBase = await parse(rss(`<item><title>a</title><link>/p/1</link></item>`, "<link>https://chan.example/home</link>"));
    expect(noBase.items[0]!.url).toBe("https://chan.example/p/1");
    const onlyFeedUrl = await parse(rss(`<item><title>a</title><link>/p/1</link></item>`));
    expect(onlyFeedUrl.items[0]!.url).toBe("https://feeds.example.com/p/1");
  });

  it("never outputs unpaired surrogates or links with spaces", async () => {
    // A character reference to a surrogate is malformed XML; once HTML-decoded it becomes U+FFFD.
    expect((await parseError(rss("<item><title>&#xD800;</title></item>"))).message).toMatch(/^malformed XML/);
    const feed = await parse(
      rss(
        `<item><title>bad &amp;#xD800; char</title><description>x &amp;#xDC00; y</description>` +
          `<link>https://spaces.example/a b?q=c d</link></item>` +
          `<item><title>t</title><guid>https://ünïcode.example/päth</guid></item>`,
      ),
    );
    const [first, second] = feed.items;
    expect(first!.title).toBe("bad \uFFFD char");
    expect(first!.summary).toBe("x \uFFFD y");
    expect(first!.url).toBe("https://spaces.example/a%20b?q=c%20d");
    expect(second!.url).toBe("https://xn--ncode-cta3g.example/p%C3%A4th");
  });

  it("bounds a huge title and summary, never splitting a surrogate pair", async () => {
    const feed = await parse(
      rss(
        `<item><title>${"Headline ".repeat(50_000)}</title><description>${"<p>😀 emoji 😀</p>".repeat(20_000)}</description></item>` +
          `<item><title>${"😀".repeat(5_000)}</title><description>${"😀".repeat(20_000)}</description></item>`,
      ),
    );
    for (const it of feed.items) {
      expect(it.title.length).toBeLessThanOrEqual(FEED_LIMITS.maxTitleLength);
      expect(it.summary.length).toBeLessThanOrEqual(FEED_LIMITS.maxSummaryLength);
      expect(it.title.endsWith("…")).toBe(true);
      expect(it.summary.endsWith("…")).toBe(true);
      expect(hasLoneSurrogate(it.title)).toBe(false);
      expect(hasLoneSurrogate(it.summary)).toBe(false);
    }
    expect(feed.items[0]!.title.length).toBeGreaterThan(900);
    expect(feed.items[0]!.title.startsWith("Headline Headline")).toBe(true);
  });

  it("keeps at most 1000 items", async () => {
    const items = Array.from({ length: 1500 }, (_, i) => `<item><title>n${i}</title></item>`).join("");
    const feed = await parse(rss(items));
    expect(feed.items).toHaveLength(FEED_LIMITS.maxItems);
    expect(FEED_LIMITS.maxItems).toBe(1000);
    expect(feed.items[999]!.title).toBe("n999");
  });

  it("does not lose the feed to one bad Atom date or an attribute-less <link>", async () => {
    const feed = await parse(
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="EN-gb"><title>t</title><link>bare</link><link rel="alternate" href="https://atom.example/"/>` +
        `<entry><title>bad date</title><published>garbage</published><updated>2026-01-02T03:04:05Z</updated><link>bare</link><link href="e/1"/><id>urn:1</id></entry>` +
        `<entry xml:lang="fr"><title type="html">&lt;b&gt;Bonjour&lt;/b&gt; &amp;amp; co</title><published>not a date either</published><id>urn:2</id></entry>` +
        `<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Hi <b>there</b></div></title><summary>Short</summary><content type="html">&lt;p&gt;Long body&lt;/p&gt;</content><id>urn:3</id></entry></feed>`,
    );
    expect(feed).toMatchObject({ format: "atom", title: "t", link: "https://atom.example/", language: "en-gb" });
    expect(feed.items[0]).toMatchObject({
      title: "bad date",
      url: "https://atom.example/e/1",
      guid: "urn:1",
      publishedAt: "2026-01-02T03:04:05.000Z",
      publishedAtPrecision: "datetime",
      language: "en-gb",
    });
    expect(feed.items[1]).toMatchObject({ title: "Bonjour & co", publishedAt: undefined, publishedAtPrecision: "none", language: "fr" });
    expect(feed.items[2]).toMatchObject({ title: "Hi there", summary: "Short" });
    const withSource = await parse(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>Story - Origin Wire</title>` +
        `<source><id>urn:origin</id><title>Origin Wire</title><updated>2026-01-01T00:00:00Z</updated></source></entry></feed>`,
    );
    expect(withSource.items[0]).toMatchObject({ title: "Story", sourceName: "Origin Wire" });
  });

  it("reads a prefixed Atom root and RSS 1.0 with rdf:about as link and guid", async () => {
    const atom = await parse(
      `<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>T</a:title><a:entry><a:title>E</a:title><a:link href="https://e.example/1"/><a:id>urn:e</a:id></a:entry></a:feed>`,
    );
    expect(atom.items[0]).toMatchObject({ title: "E", url: "https://e.example/1", guid: "urn:e" });
    const rdf = await parse(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
        `<channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link><dc:language>DE</dc:language></channel>` +
        `<item rdf:about="https://r.example/a"><title>A</title><dc:date>2026-03-04T05:06:07+01:00</dc:date><dc:subject>Science</dc:subject></item></rdf:RDF>`,
    );
    expect(rdf).toMatchObject({ format: "rss1", title: "R", language: "de" });
    expect(rdf.items[0]).toMatchObject({
      url: "https://r.example/a",
      guid: "https://r.example/a",
      publishedAt: "2026-03-04T04:06:07.000Z",
      subjects: ["Science"],
      language: "de",
    });
  });

  it("prefers pubDate, then dc:date, then updated", async () => {
    const feed = await parse(
      rss(
        `<item xmlns:dc="http://purl.org/dc/elements/1.1/"><title>a</title><pubDate>Mon, 05 Oct 2026 18:15:00 GMT</pubDate><dc:date>2020-01-01</dc:date></item>` +
          `<item xmlns:dc="http://purl.org/dc/elements/1.1/"><title>b</title><pubDate>soon</pubDate><dc:date>2020-01-01</dc:date></item>` +
          `<item><title>c</title><updated>2021-02-03T04:05:06Z</updated></item>` +
          `<item><title>d</title></item>`,
      ),
    );
    expect(feed.items.map((i) => [i.publishedAt, i.publishedAtPrecision])).toEqual([
      ["2026-10-05T18:15:00.000Z", "datetime"],
      ["2020-01-01T00:00:00.000Z", "date"],
      ["2021-02-03T04:05:06.000Z", "datetime"],
      [undefined, "none"],
    ]);
  });

  it("reads an <rss> without a version as RSS 2.0 and lower-cases an empty language to undefined", async () => {
    const feed = await parse(`<rss><channel><title>v</title><language> </language><item><title>x</title><dc:language>PT-BR</dc:language></item></channel></rss>`);
    expect(feed).toMatchObject({ format: "rss2", language: undefined });
    expect(feed.items[0]!.language).toBe("pt-br");
  });

  it("stays linear on pathological attribute, category, link, date and language values", async () => {
    const started = performance.now();
    await parse(
      `<rss version="2.0" ${"a".repeat(60_000)}="x"><channel><title>t</title><item><title>x</title>` +
        `<category domain="https://www.globenewswire.com/rss/stock">${" ".repeat(200_000)}a</category>` +
        `<category domain="https://www.globenewswire.com/rss/stock">${"a:".repeat(50_000)}</category>` +
        `<link>http://${"a".repeat(4_000)}</link><pubDate>${"1 ".repeat(1_000)}</pubDate>` +
        `<dc:language>${"a-".repeat(10_000)}</dc:language><description>${"(NYSE ".repeat(20_000)}</description></item></channel></rss>`,
    );
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("copes with leading whitespace, comments, stylesheet PIs and a BOM before the root", async () => {
    const body = Uint8Array.from([
      0xef,
      0xbb,
      0xbf,
      ...utf8(`\n  <?xml version="1.0" encoding="utf-8"?>\n<!-- generated -->\n<?xml-stylesheet href="s.xsl"?>\n<rss version="2.0"><channel><title>ok</title></channel></rss>`),
    ]);
    expect((await parse(body)).title).toBe("ok");
  });
});
