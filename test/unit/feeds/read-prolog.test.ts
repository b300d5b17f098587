import { describe, expect, it } from "vitest";
import { FeedParseError } from "../../../packages/core/src/errors.ts";
import { prefixRewrites, rewriteName } from "../../../packages/core/src/feeds/namespace-prefixes.ts";
import { readProlog } from "../../../packages/core/src/feeds/read-prolog.ts";

describe("readProlog", () => {
  it("finds the root after declarations, bogus PIs, stylesheets, comments and a DOCTYPE", () => {
    const text =
      '\ufeff  <?phpxml version="1.0" encoding="UTF-8"?> \n<?xml-stylesheet type="text/xsl" href="/a.xsl"?><!-- a > b -->' +
      '<!DOCTYPE rss SYSTEM "x]>y.dtd">\n<rss version="0.92" xml:base="https://b.example/" xml:lang="en">';
    const prolog = readProlog(text);
    expect(prolog.rootStart).toBe(text.indexOf("<rss"));
    expect(prolog).toMatchObject({ rootName: "rss", kind: "rss" });
    expect(Object.fromEntries(prolog.rootAttributes)).toEqual({ version: "0.92", "xml:base": "https://b.example/", "xml:lang": "en" });
  });

  it("classifies RSS 1.0 and Atom roots, including namespace-bound prefixes", () => {
    expect(readProlog('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">').kind).toBe("rdf");
    expect(readProlog('<r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#">').kind).toBe("rdf");
    expect(readProlog('<feed xmlns="http://www.w3.org/2005/Atom">').kind).toBe("atom");
    expect(readProlog('<atom:feed xmlns:atom="http://www.w3.org/2005/Atom">').kind).toBe("atom");
  });

  it("decodes XML entities in root attribute values and handles '>' inside quotes", () => {
    const prolog = readProlog(`<feed xmlns="http://www.w3.org/2005/Atom" xml:base='https://x.example/?a=1&amp;b=">"'>`);
    expect(prolog.rootAttributes.get("xml:base")).toBe('https://x.example/?a=1&b=">"');
  });

  it("refuses entity declarations however the DOCTYPE is written", () => {
    for (const doctype of [
      '<!DOCTYPE rss [<!ENTITY a "b">]>',
      "<!doctype rss [\n  <!-- ] -->\n  <!entity a 'b'>\n]>",
      '<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://x/">]>',
      '<!DOCTYPE rss [<!ENTITY a "b">', // unterminated
    ]) {
      expect(() => readProlog(`${doctype}<rss version="2.0">`), doctype).toThrow(/entit/i);
    }
  });

  it("rejects non-feeds with FeedParseError", () => {
    expect(() => readProlog("<!DOCTYPE html><html>")).toThrow(FeedParseError);
    expect(() => readProlog("<HTML><body>")).toThrow(/HTML document/);
    expect(() => readProlog("<opml version='2.0'>")).toThrow(/root element is <opml>/);
    expect(() => readProlog("plain text")).toThrow(/does not start with XML markup/);
    expect(() => readProlog("<?xml version='1.0'?>")).toThrow(/empty document/);
    expect(() => readProlog("<!-- never closed <rss>")).toThrow(/unterminated comment/);
    expect(() => readProlog('<rss version="2.0"')).toThrow(/unterminated <rss> start tag/);
  });
});

describe("namespace prefix rewriting", () => {
  it("maps a non-conventional Dublin Core prefix (ElementTree's ns0:) to dc:", () => {
    const text = '<rss xmlns:ns0="http://dublincore.org/documents/dcmi-namespace/" version="2.0"><channel><item><ns0:identifier>1</ns0:identifier>';
    const rewrites = prefixRewrites(text, readProlog(text));
    expect(rewrites).toBeDefined();
    expect(rewriteName("ns0:identifier", rewrites!)).toBe("dc:identifier");
    expect(rewriteName("title", rewrites!)).toBe("title");
    expect(rewriteName("media:content", rewrites!)).toBe("media:content");
  });

  it("needs no rewriting when the conventional prefixes are used", () => {
    const text = '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>';
    expect(prefixRewrites(text, readProlog(text))).toBeUndefined();
  });

  it("drops the prefix of a prefixed Atom root", () => {
    const text = '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:entry>';
    const rewrites = prefixRewrites(text, readProlog(text))!;
    expect(rewriteName("a:entry", rewrites)).toBe("entry");
  });

  it("only looks at declarations before the first item", () => {
    const text = '<rss version="2.0"><channel><item xmlns:ns9="http://purl.org/dc/elements/1.1/"><ns9:creator>x</ns9:creator></item>';
    expect(prefixRewrites(text, readProlog(text))).toBeUndefined();
  });
});
