import Parser from "rss-parser";
import { FeedParseError } from "../errors.ts";
import type { FeedItem, ParsedFeed } from "./feed-item.ts";
import { decodeFeedBytes } from "./decode-feed-bytes.ts";
import { htmlToText } from "./html-to-text.ts";
import { prefixRewrites, rewriteName } from "./namespace-prefixes.ts";
import {
  normaliseItem,
  normaliseLanguage,
  textOf,
  MAX_SUMMARY_LENGTH,
  MAX_TITLE_LENGTH,
  type RawItem,
} from "./normalise-item.ts";
import { readProlog, type Prolog } from "./read-prolog.ts";
import { resolveHttpUrl } from "./resolve-link.ts";

/**
 * Feed body bytes -> ParsedFeed. Pure: no I/O. The XML is parsed exactly once, by rss-parser
 * (xml2js/sax, strict, not namespace-aware); everything else is cheap per-item normalisation.
 */

export interface ParseFeedOptions {
  /** The URL the feed was fetched from; the last-resort base for relative links. */
  feedUrl: string;
  /** The HTTP Content-Type header, for its charset. */
  contentType?: string;
}

export const MAX_ITEMS = 1000;

/** The bounds parseFeed applies to its output. */
export const FEED_LIMITS = Object.freeze({
  maxItems: MAX_ITEMS,
  maxTitleLength: MAX_TITLE_LENGTH,
  maxSummaryLength: MAX_SUMMARY_LENGTH,
});

/**
 * Item elements read by normalisation, copied raw (every occurrence, attributes kept) by the item
 * builders below. This list is the parser's `customFields.item` configuration.
 */
const ITEM_ELEMENTS = [
  "$", // item attributes: rdf:about, xml:base, xml:lang
  "title",
  "dc:title",
  "link",
  "guid",
  "id",
  "pubDate",
  "published",
  "updated",
  "dc:date",
  "description",
  "summary",
  "content",
  "content:encoded",
  "category",
  "dc:contributor",
  "dc:identifier",
  "dc:subject",
  "dc:keyword",
  "dc:language",
  "prn:industry",
  "prn:subject",
  "source",
] as const satisfies ReadonlyArray<keyof RawItem>;

type FieldSpec = readonly [from: string, to: string, options: { keepArray: true }];
const ITEM_FIELDS: readonly FieldSpec[] = ITEM_ELEMENTS.map((name) => [name, name, { keepArray: true }] as const);
const FEED_FIELDS = [["dc:language", "dcLanguage"]];

/** Element-name rewrites for the document being parsed (set just before, cleared just after). */
let activeRewrites: ReadonlyMap<string, string> | undefined;

function tagNameProcessor(name: string): string {
  return activeRewrites === undefined ? name : rewriteName(name, activeRewrites);
}

type XmlNode = Record<string, unknown>;

const baseBuilders = Parser.prototype as unknown as {
  buildAtomFeed(xmlObj: { feed?: unknown }): XmlNode;
};

function isAttributed(link: unknown): boolean {
  return typeof link === "object" && link !== null && "$" in link;
}

/**
 * rss-parser with lean per-item builders. The stock builders derive fields this package never
 * reads (plain-text snippets by regex, ISO dates through `new Date`, XML re-serialisation of
 * object content), which costs a good part of the parse, and the Atom one throws on an invalid
 * <published> or a <link> without attributes, losing the whole feed. These copy exactly the
 * configured custom fields, raw; normalise-item.ts does the rest once.
 */
class FeedXmlParser extends Parser<XmlNode, RawItem> {
  private copyItem(node: unknown): RawItem {
    const item: XmlNode = {};
    if (typeof node !== "object" || node === null) return item;
    const source = node as XmlNode;
    for (const [from, to] of ITEM_FIELDS) {
      const value = source[from];
      if (value !== undefined) item[to] = value;
    }
    return item;
  }

  parseItemRss(xmlItem: unknown): RawItem {
    return this.copyItem(xmlItem);
  }

  parseItemAtom(entry: unknown): RawItem {
    return this.copyItem(entry);
  }

  buildAtomFeed(xmlObj: { feed?: unknown }): XmlNode {
    const feed = xmlObj.feed;
    if (typeof feed === "object" && feed !== null) {
      const links = (feed as XmlNode)["link"];
      if (Array.isArray(links) && !links.every(isAttributed)) {
        return baseBuilders.buildAtomFeed.call(this, { feed: { ...(feed as XmlNode), link: links.filter(isAttributed) } });
      }
    }
    return baseBuilders.buildAtomFeed.call(this, xmlObj);
  }
}

/** The one rss-parser instance (its xml2js parser is synchronous, so calls never interleave). */
const parser = new FeedXmlParser({
  defaultRSS: 2, // <rss> without a version attribute
  xml2js: { tagNameProcessors: [tagNameProcessor] },
  customFields: { item: ITEM_FIELDS as never, feed: FEED_FIELDS as never },
});

const NOT_SETTLED = Symbol("not settled");

type RawFeed = Record<string, unknown> & { items?: unknown };

function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, "; ").slice(0, 300);
}

async function parseXml(xml: string, prolog: Prolog): Promise<RawFeed> {
  // A failed earlier parse can leave xml2js's shared sax state flagged; start from a clean one.
  (parser as unknown as { xmlParser?: { reset?: () => void } }).xmlParser?.reset?.();
  activeRewrites = prefixRewrites(xml, { ...prolog, rootStart: 0 });
  let pending: Promise<unknown>;
  try {
    pending = parser.parseString(xml);
  } catch (error) {
    throw new FeedParseError(`malformed XML: ${oneLine(String((error as Error)?.message ?? error))}`, { cause: error });
  } finally {
    activeRewrites = undefined;
  }
  // xml2js runs synchronously: the promise is settled by now. If it is not, never wait on it.
  let result: unknown;
  try {
    result = await Promise.race([pending, Promise.resolve(NOT_SETTLED)]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/\nLine: \d+/.test(message)) throw new FeedParseError(`malformed XML: ${oneLine(message)}`, { cause: error });
    const what = prolog.kind === "atom" ? "Atom feed" : "RSS document (is the <channel> element missing?)";
    throw new FeedParseError(`unreadable ${what}: ${oneLine(message)}`, { cause: error });
  }
  if (result === NOT_SETTLED) {
    pending.catch(() => undefined);
    throw new FeedParseError("the XML parser did not complete");
  }
  if (typeof result !== "object" || result === null) throw new FeedParseError("unreadable feed: no channel or feed element");
  return result as RawFeed;
}

function formatOf(prolog: Prolog): ParsedFeed["format"] {
  if (prolog.kind === "atom") return "atom";
  if (prolog.kind === "rdf") {
    return prolog.rootAttributes.get("xmlns") === "http://my.netscape.com/rdf/simple/0.9/" ? "rss09" : "rss1";
  }
  const version = prolog.rootAttributes.get("version")?.trim() ?? "";
  return /^0\.9/.test(version) ? "rss09" : "rss2";
}

/**
 * Parses an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom document.
 * @throws FeedParseError for empty, malformed, dangerous (DTD entities) or non-feed documents.
 */
export async function parseFeed(bytes: Uint8Array, opts: ParseFeedOptions): Promise<ParsedFeed> {
  const { text } = decodeFeedBytes(bytes, opts.contentType);
  const prolog = readProlog(text);
  const xml = prolog.rootStart === 0 ? text : text.slice(prolog.rootStart);
  const raw = await parseXml(xml, prolog);
  const format = formatOf(prolog);

  // Bases: xml:base on the root, then the channel/feed link, then the feed URL.
  const feedUrlBase = resolveHttpUrl(opts.feedUrl, undefined);
  const rootBaseAttr = prolog.rootAttributes.get("xml:base");
  const rootBase = rootBaseAttr === undefined ? undefined : resolveHttpUrl(rootBaseAttr, feedUrlBase);
  const link = resolveHttpUrl(textOf(raw["link"]), rootBase ?? feedUrlBase);
  const baseUrl = rootBase ?? link ?? feedUrlBase;

  const language =
    normaliseLanguage(raw["language"]) ??
    normaliseLanguage(raw["dcLanguage"]) ??
    normaliseLanguage(prolog.rootAttributes.get("xml:lang"));

  const rawItems = Array.isArray(raw.items) ? raw.items : [];
  const count = Math.min(rawItems.length, MAX_ITEMS);
  const items: FeedItem[] = new Array(count);
  const ctx = { format, baseUrl, channelLanguage: language };
  for (let i = 0; i < count; i++) {
    const rawItem = rawItems[i];
    items[i] = normaliseItem(typeof rawItem === "object" && rawItem !== null ? (rawItem as RawItem) : {}, ctx);
  }

  return {
    format,
    title: htmlToText(textOf(raw["title"]) ?? "", MAX_TITLE_LENGTH),
    link,
    language,
    items,
  };
}
