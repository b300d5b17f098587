import Parser from "rss-parser";
import { FeedParseError } from "../errors.ts";
import type { FeedItem, ParsedFeed } from "./feed-item.ts";
import { decodeFeedBytes } from "./decode-feed-bytes.ts";
import { htmlToText, looksLikeHtml, plainTextToText } from "./html-to-text.ts";
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
import { escapeBareAmpersands, mayHaveBareAmpersand, repairTruncatedDocument, wrapInlineMarkup } from "./repair-xml.ts";
import { resolveHttpUrl } from "./resolve-link.ts";

/**
 * Feed body bytes -> ParsedFeed. Pure: no I/O. The XML is parsed by rss-parser (xml2js/sax, strict,
 * not namespace-aware), once in the common case; everything else is cheap per-item normalisation.
 * A second parse happens only for documents that need it: one that failed and could be repaired
 * (truncated), or one whose text elements hold inline markup (see repair-xml.ts).
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
  "dcterms:issued",
  "dcterms:created",
  "dcterms:modified",
  "atom:published",
  "atom:updated",
  "issued",
  "created",
  "modified",
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
  "enclosure",
  "media:content",
  "media:thumbnail",
  "media:group",
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
  buildRSS2(xmlObj: unknown): XmlNode;
  buildRSS0_9(xmlObj: unknown): XmlNode;
  buildRSS1(xmlObj: unknown): XmlNode;
};

/** rss-parser reads `channel[0]` without looking: a document without one gets a clear error instead. */
function requireChannel(root: unknown): void {
  const channel = typeof root === "object" && root !== null ? (root as XmlNode)["channel"] : undefined;
  if (!Array.isArray(channel) || typeof channel[0] !== "object" || channel[0] === null) {
    throw new FeedParseError("RSS document has no <channel> element");
  }
}

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

  buildRSS2(xmlObj: { rss?: unknown }): XmlNode {
    requireChannel(xmlObj.rss);
    return baseBuilders.buildRSS2.call(this, xmlObj);
  }

  buildRSS0_9(xmlObj: { rss?: unknown }): XmlNode {
    requireChannel(xmlObj.rss);
    return baseBuilders.buildRSS0_9.call(this, xmlObj);
  }

  buildRSS1(xmlObj: Record<string, unknown>): XmlNode {
    requireChannel(xmlObj["rdf:RDF"]);
    return baseBuilders.buildRSS1.call(this, xmlObj);
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
    if (error instanceof FeedParseError) throw error;
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

/** Text elements whose content rss-parser reads as a string; an object with child elements means inline markup. */
const TEXT_ELEMENTS = ["title", "dc:title", "description", "summary", "content", "content:encoded"] as const;

function hasChildElements(value: unknown): boolean {
  const node = Array.isArray(value) ? value[0] : value;
  if (typeof node !== "object" || node === null) return false;
  for (const key in node) if (key !== "_" && key !== "$") return true;
  return false;
}

/** Whether the channel title or any item's text element holds child elements (unescaped markup). */
function hasInlineMarkup(raw: RawFeed, rawItems: unknown[], count: number): boolean {
  if (hasChildElements(raw["title"])) return true;
  for (let i = 0; i < count; i++) {
    const item = rawItems[i];
    if (typeof item !== "object" || item === null) continue;
    for (const name of TEXT_ELEMENTS) {
      const value = (item as XmlNode)[name];
      if (value !== undefined && typeof value !== "string" && hasChildElements(value)) return true;
    }
  }
  return false;
}

function itemsOf(raw: RawFeed): unknown[] {
  return Array.isArray(raw.items) ? raw.items : [];
}

/**
 * Parses an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom document. Recoverable damage is repaired and
 * reported in `warnings`: bare ampersands are escaped, a truncated document is closed (its
 * incomplete last item dropped). Items past MAX_ITEMS are left out, with a warning.
 * @throws FeedParseError for empty, malformed, dangerous (DTD entities) or non-feed documents.
 */
export async function parseFeed(bytes: Uint8Array, opts: ParseFeedOptions): Promise<ParsedFeed> {
  const { text } = decodeFeedBytes(bytes, opts.contentType);
  const prolog = readProlog(text);
  let xml = prolog.rootStart === 0 ? text : text.slice(prolog.rootStart);
  const warnings: string[] = [];

  if (mayHaveBareAmpersand(xml)) {
    const firstLine = prolog.rootStart === 0 ? 1 : lineOf(text, prolog.rootStart);
    const escaped = escapeBareAmpersands(xml, firstLine);
    if (escaped !== undefined) {
      xml = escaped.xml;
      warnings.push(...escaped.warnings);
    }
  }

  let raw: RawFeed;
  try {
    raw = await parseXml(xml, prolog);
  } catch (error) {
    const repaired = error instanceof FeedParseError && error.message.startsWith("malformed XML") ? repairTruncatedDocument(xml) : undefined;
    if (repaired === undefined) throw error;
    try {
      raw = await parseXml(repaired.xml, prolog);
    } catch {
      throw error; // the repair did not help: report what was wrong with the document as sent
    }
    xml = repaired.xml;
    warnings.push(repaired.warning);
  }

  let rawItems = itemsOf(raw);
  if (hasInlineMarkup(raw, rawItems, Math.min(rawItems.length, MAX_ITEMS))) {
    // Unescaped markup in a title or content (xml2js splits it into text and child objects and
    // loses the order): parse again with that markup as text, for the HTML rules to read in order.
    raw = await parseXml(wrapInlineMarkup(xml), prolog);
    rawItems = itemsOf(raw);
  }
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

  const count = Math.min(rawItems.length, MAX_ITEMS);
  if (rawItems.length > MAX_ITEMS) {
    warnings.push(`truncated: ${MAX_ITEMS.toLocaleString("en-US")} of ${rawItems.length.toLocaleString("en-US")} items read`);
  }
  const items: FeedItem[] = new Array(count);
  const ctx = { format, baseUrl, channelLanguage: language };
  for (let i = 0; i < count; i++) {
    const rawItem = rawItems[i];
    items[i] = normaliseItem(typeof rawItem === "object" && rawItem !== null ? (rawItem as RawItem) : {}, ctx);
  }

  return {
    format,
    title: feedTitle(raw["title"], format),
    link,
    language,
    items,
    warnings,
  };
}

function feedTitle(value: unknown, format: ParsedFeed["format"]): string {
  const title = textOf(value) ?? "";
  if (format === "atom") {
    const attrs = Array.isArray(value) ? value[0] : value;
    const type = typeof attrs === "object" && attrs !== null ? ((attrs as XmlNode)["$"] as XmlNode | undefined)?.["type"] : undefined;
    return typeof type === "string" && /html/i.test(type) ? htmlToText(title, MAX_TITLE_LENGTH) : plainTextToText(title, MAX_TITLE_LENGTH);
  }
  return looksLikeHtml(title) ? htmlToText(title, MAX_TITLE_LENGTH) : plainTextToText(title, MAX_TITLE_LENGTH);
}

/** 1-based line number of `index` in `text`. */
function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
