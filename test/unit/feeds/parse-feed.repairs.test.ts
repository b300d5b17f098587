import { describe, expect, it } from "vitest";
import { FeedParseError } from "../../../packages/core/src/errors.ts";
import { parseFeed } from "../../../packages/core/src/feeds/index.ts";
import type { ParsedFeed } from "../../../packages/core/src/feeds/index.ts";
import { FEED_URL, rss, utf8 } from "./fixtures.ts";

/**
 * The classes of issue #12 (part 2) where parseFeed now reads what feedparser and gofeed read:
 * each test is a small document, as bytes, of one class.
 */

function parse(body: Uint8Array | string, contentType?: string): Promise<ParsedFeed> {
  const bytes = typeof body === "string" ? utf8(body) : body;
  return parseFeed(bytes, contentType === undefined ? { feedUrl: FEED_URL } : { feedUrl: FEED_URL, contentType });
}

async function parseError(body: Uint8Array | string): Promise<FeedParseError> {
  try {
    await parse(body);
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    expect((error as Error).message).not.toMatch(/[\r\n]|TypeError|Cannot read properties/);
    return error as FeedParseError;
  }
  throw new Error("expected parseFeed to reject");
}

const ATOM_NS = `xmlns="http://www.w3.org/2005/Atom"`;

describe("parseFeed: windows-1252 code points sent as C1 controls", () => {
  it("reads &#146; &#147; &#148; &#150; &#133; and raw U+0092 as the windows-1252 punctuation, not spaces", async () => {
    const feed = await parse(
      rss(
        `<item><title>Acme&#146;s &#147;best&#148; quarter &#150; ever&#133;</title>` +
          `<description>It\u0092s here \u0093now\u0094 \u0080 5</description></item>`,
      ),
    );
    expect(feed.items[0]).toMatchObject({ title: "Acme’s “best” quarter – ever…", summary: "It’s here “now” € 5" });
  });

  it("reads C1 bytes of a windows-1252 document the same way", async () => {
    const bytes = Uint8Array.from([...utf8(`<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel><title>T</title><item><title>Q3 `), 0x96, ...utf8(" it"), 0x92, ...utf8("s up</title></item></channel></rss>")]);
    expect((await parse(bytes)).items[0]!.title).toBe("Q3 – it’s up");
  });
});

describe("parseFeed: text versus HTML in text constructs", () => {
  it("keeps the text of unescaped inline markup in a title, in order", async () => {
    const feed = await parse(rss(`<item><title>Revenue <b>up</b> 20%</title><description>Q3 <i>results</i> are <a href="/x">in</a>.</description></item>`));
    expect(feed.items[0]).toMatchObject({ title: "Revenue up 20%", summary: "Q3 results are in." });
  });

  it("keeps escaped bracketed text in an RSS title as text", async () => {
    const feed = await parse(rss(`<item><title>Acme Inc &lt;ACME.N&gt; beats estimates</title><description>Acme &lt;b&gt;beats&lt;/b&gt;</description></item>`));
    expect(feed.items[0]).toMatchObject({ title: "Acme Inc <ACME.N> beats estimates", summary: "Acme beats" });
  });

  it("reads an RSS title that holds escaped HTML tags as HTML", async () => {
    const feed = await parse(rss(`<item><title>Hello &lt;b&gt;World&lt;/b&gt; &amp;amp; co</title></item>`));
    expect(feed.items[0]!.title).toBe("Hello World & co");
  });

  it("follows the Atom type attribute: text is text, html is HTML", async () => {
    const feed = await parse(
      `<feed ${ATOM_NS}><title>F</title>` +
        `<entry><title type="text">Acme &lt;b&gt;beats&lt;/b&gt; &lt;ACME.N&gt;</title><id>1</id></entry>` +
        `<entry><title>Default &lt;NYSE:X&gt;</title><summary>Sum &lt;i&gt;x&lt;/i&gt;</summary><id>2</id></entry>` +
        `<entry><title type="html">Acme &lt;b&gt;beats&lt;/b&gt;</title><summary type="html">&lt;p&gt;Sum&lt;/p&gt;</summary><id>3</id></entry></feed>`,
    );
    expect(feed.items.map((i) => [i.title, i.summary])).toEqual([
      ["Acme <b>beats</b> <ACME.N>", ""],
      ["Default <NYSE:X>", "Sum <i>x</i>"],
      ["Acme beats", "Sum"],
    ]);
  });

  it("reads inline XHTML content in order, without script or style text", async () => {
    const feed = await parse(
      `<feed ${ATOM_NS}><title>F</title><entry><id>1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Big <b>news</b> today</div></title>` +
        `<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>First para.</p><script>alert("x")</script><style>p { color: red }</style>` +
        `<p>Second <a href="https://a.example/">link</a> para.</p><p>Tom &amp; Jerry <![CDATA[<not a tag>]]></p></div></content></entry></feed>`,
    );
    expect(feed.items[0]).toMatchObject({ title: "Big news today", summary: "First para. Second link para. Tom & Jerry <not a tag>" });
  });
});

describe("parseFeed: repairs, reported in warnings", () => {
  it("reports no warnings for a clean feed", async () => {
    expect((await parse(rss(`<item><title>A &amp; B</title><description><![CDATA[Fish & Chips]]></description></item>`))).warnings).toEqual([]);
  });

  it("escapes bare ampersands in text and attributes and says where", async () => {
    const feed = await parse(
      `<?xml version="1.0"?>\n<rss version="2.0">\n<channel><title>Fish & Chips</title>\n<item><title>A&B, 100% & more &amp; fine</title>\n` +
        `<link>https://x.example/?a=1&b=2</link><guid isPermaLink="false">id?a=1&b=2</guid></item>\n</channel></rss>`,
    );
    expect(feed.title).toBe("Fish & Chips");
    expect(feed.items[0]).toMatchObject({ title: "A&B, 100% & more & fine", url: "https://x.example/?a=1&b=2", guid: "id?a=1&b=2" });
    expect(feed.warnings).toEqual([
      "repaired: bare ampersand at line 3",
      "repaired: bare ampersand at line 4",
      "repaired: bare ampersand at line 4",
      "repaired: bare ampersand at line 5",
      "repaired: bare ampersand at line 5",
    ]);
  });

  it("counts bare ampersands past the first five", async () => {
    const items = Array.from({ length: 8 }, (_, i) => `<item><title>R&D ${i}</title></item>`).join("");
    const feed = await parse(rss(items));
    expect(feed.items).toHaveLength(8);
    expect(feed.warnings).toHaveLength(6);
    expect(feed.warnings[5]).toBe("repaired: 3 more bare ampersands");
  });

  it("still refuses undeclared entity references and DTD entities", async () => {
    expect((await parseError(rss(`<item><title>&bogus; & x</title></item>`))).message).toMatch(/^malformed XML/);
  });

  it("reads a document whose last end tag is cut (`</rss` without '>')", async () => {
    const feed = await parse(`<rss version="2.0"><channel><title>T</title><item><title>a</title></item><item><title>b</title></item></channel></rss`);
    expect(feed.items.map((i) => i.title)).toEqual(["a", "b"]);
    expect(feed.warnings).toEqual(["repaired: truncated document (open elements closed)"]);
  });

  it("drops the incomplete last item of a document cut mid-item and keeps every complete one", async () => {
    const body = `<rss version="2.0"><channel><title>T</title><item><title>a</title></item><item><title>b</title><description><![CDATA[<p>half`;
    const feed = await parse(body);
    expect(feed.items.map((i) => i.title)).toEqual(["a"]);
    expect(feed.warnings).toEqual(["repaired: truncated document (last item dropped)"]);
    const atom = await parse(`<feed ${ATOM_NS}><title>F</title><entry><id>1</id><title>one</title></entry><entry><id>2</id><title>tw`);
    expect(atom.items.map((i) => i.title)).toEqual(["one"]);
    const midTag = await parse(`<rss version="2.0"><channel><title>T</title><item><title>a</title></item><item><tit`);
    expect(midTag.items.map((i) => i.title)).toEqual(["a"]);
  });

  it("reads a document cut before any item", async () => {
    const feed = await parse(`<rss version="2.0"><channel><title>Cut`);
    expect(feed).toMatchObject({ title: "Cut", items: [], warnings: ["repaired: truncated document (open elements closed)"] });
  });

  it("does not take a mismatched end tag for truncation", async () => {
    expect((await parseError(`<rss version="2.0"><channel><title>a</item></channel></rss>`)).message).toMatch(/^malformed XML: Unexpected close tag/);
  });

  it("warns when items past the first 1,000 are left out", async () => {
    const items = Array.from({ length: 1234 }, (_, i) => `<item><title>n${i}</title></item>`).join("");
    const feed = await parse(rss(items));
    expect(feed.items).toHaveLength(1000);
    expect(feed.warnings).toEqual(["truncated: 1,000 of 1,234 items read"]);
  });
});

describe("parseFeed: document shapes", () => {
  it("skips an XHTML DOCTYPE before <rss>", async () => {
    const feed = await parse(
      `<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n` +
        `<rss version="2.0"><channel><title>T</title><item><title>a</title></item></channel></rss>`,
    );
    expect(feed.items.map((i) => i.title)).toEqual(["a"]);
  });

  it("still refuses a DOCTYPE with entities and still rejects an HTML page", async () => {
    expect((await parseError(`<!DOCTYPE html [<!ENTITY x "y">]><rss version="2.0"><channel><title>&x;</title></channel></rss>`)).message).toMatch(/entit/);
    expect((await parseError(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd"><html><body/></html>`)).message).toMatch(/HTML document/);
  });

  it("reads RSS elements bound to a prefix (RSS 1.0 and 0.9 namespaces)", async () => {
    const prefixedRss = await parse(
      `<rss:rss xmlns:rss="http://purl.org/rss/1.0/" version="2.0"><rss:channel><rss:title>P</rss:title>` +
        `<rss:item><rss:title>a</rss:title><rss:link>https://p.example/a</rss:link></rss:item></rss:channel></rss:rss>`,
    );
    expect(prefixedRss).toMatchObject({ title: "P" });
    expect(prefixedRss.items[0]).toMatchObject({ title: "a", url: "https://p.example/a" });
    const rdf = await parse(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://my.netscape.com/rdf/simple/0.9/">` +
        `<rss:channel><rss:title>R</rss:title><rss:link>https://r.example/</rss:link></rss:channel>` +
        `<rss:item><rss:title>b</rss:title><rss:link>https://r.example/b</rss:link></rss:item></rdf:RDF>`,
    );
    expect(rdf).toMatchObject({ title: "R" });
    expect(rdf.items[0]).toMatchObject({ title: "b", url: "https://r.example/b" });
  });

  it("gives a clear error for <rss> without <channel>", async () => {
    expect((await parseError(`<rss version="2.0"><item><title>x</title></item></rss>`)).message).toBe("RSS document has no <channel> element");
    expect((await parseError(`<rss version="0.91"></rss>`)).message).toBe("RSS document has no <channel> element");
  });
});

describe("parseFeed: dates in other elements", () => {
  it("reads dcterms:issued/modified, atom:updated in RSS and Atom 0.3 issued/modified", async () => {
    const feed = await parse(
      `<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:a="http://www.w3.org/2005/Atom"><channel><title>T</title>` +
        `<a:link rel="self" href="https://f.example/rss"/>` +
        `<item><title>a</title><dcterms:issued>2004-01-26T16:31:00Z</dcterms:issued></item>` +
        `<item><title>b</title><dcterms:modified>2004-01-27T16:31:00Z</dcterms:modified></item>` +
        `<item><title>c</title><a:updated>2004-01-28T16:31:00Z</a:updated></item></channel></rss>`,
    );
    expect(feed.items.map((i) => i.publishedAt)).toEqual(["2004-01-26T16:31:00.000Z", "2004-01-27T16:31:00.000Z", "2004-01-28T16:31:00.000Z"]);
    const atom03 = await parse(
      `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title>` +
        `<entry><title>x</title><issued>2004-01-26T16:31:00-05:00</issued><modified>2004-01-27T00:00:00Z</modified></entry>` +
        `<entry><title>y</title><modified>2003-12</modified></entry></feed>`,
    );
    expect(atom03.items.map((i) => [i.publishedAt, i.publishedAtPrecision])).toEqual([
      ["2004-01-26T21:31:00.000Z", "datetime"],
      ["2003-12-01T00:00:00.000Z", "date"],
    ]);
  });

  it("reads a pubDate in a US generic zone in that zone", async () => {
    const feed = await parse(rss(`<item><title>a</title><pubDate>Mon, 26 Jan 2004 16:31:00 ET</pubDate></item>`));
    expect(feed.items[0]!.publishedAt).toBe("2004-01-26T21:31:00.000Z");
  });
});

describe("parseFeed: links without a scheme", () => {
  it("reads a host name without a scheme as https, and a file name as a relative path", async () => {
    const feed = await parse(
      rss(
        `<item><title>a</title><link>purl.org/rss/2.0/#item</link></item>` +
          `<item><title>b</title><link>www.example.com/x</link></item>` +
          `<item><title>c</title><link>story-1.html</link></item>` +
          `<item><title>d</title><link>news/story.php?id=1</link></item>` +
          `<item><title>e</title><link>example.co.uk</link></item>`,
        `<link>https://chan.example/news/</link>`,
      ),
    );
    expect(feed.items.map((i) => i.url)).toEqual([
      "https://purl.org/rss/2.0/#item",
      "https://www.example.com/x",
      "https://chan.example/news/story-1.html",
      "https://chan.example/news/news/story.php?id=1",
      "https://example.co.uk/",
    ]);
  });
});
