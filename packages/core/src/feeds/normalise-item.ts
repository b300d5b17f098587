import type { FeedItem, ParsedFeed } from "./feed-item.ts";
import { extractTickers } from "./extract-tickers.ts";
import { htmlToText, looksLikeHtml, plainTextToText, wellFormed } from "./html-to-text.ts";
import { parseFeedDate } from "./parse-feed-date.ts";
import { resolveHttpUrl } from "./resolve-link.ts";
import { truncateText } from "./truncate-text.ts";

/**
 * One rss-parser item (with this package's custom fields) -> FeedItem. Cheap by design: a few
 * precompiled regexes and one HTML tokenizer pass per text field; nothing is parsed twice.
 */

export const MAX_TITLE_LENGTH = 1000;
export const MAX_SUMMARY_LENGTH = 5000;
export const MAX_ISSUER_LENGTH = 300;
export const MAX_LABEL_LENGTH = 200;
export const MAX_LABELS = 50;
export const MAX_GUID_LENGTH = 2048;
export const MAX_ID_LENGTH = 200;

/**
 * One item as the parser hands it over: for each element name, every occurrence as xml2js built it
 * (a string, or `{ _: text, $: attributes }`, or nested objects); "$" holds the item's attributes.
 */
export interface RawItem {
  $?: unknown;
  title?: unknown;
  "dc:title"?: unknown;
  link?: unknown;
  guid?: unknown;
  id?: unknown;
  pubDate?: unknown;
  published?: unknown;
  updated?: unknown;
  "dc:date"?: unknown;
  "dcterms:issued"?: unknown;
  "dcterms:created"?: unknown;
  "dcterms:modified"?: unknown;
  "atom:published"?: unknown;
  "atom:updated"?: unknown;
  /** Atom 0.3 dates. */
  issued?: unknown;
  created?: unknown;
  modified?: unknown;
  description?: unknown;
  summary?: unknown;
  content?: unknown;
  "content:encoded"?: unknown;
  category?: unknown;
  "dc:contributor"?: unknown;
  "dc:identifier"?: unknown;
  "dc:subject"?: unknown;
  "dc:keyword"?: unknown;
  "dc:language"?: unknown;
  "prn:industry"?: unknown;
  "prn:subject"?: unknown;
  source?: unknown;
  enclosure?: unknown;
  "media:content"?: unknown;
  "media:thumbnail"?: unknown;
  "media:group"?: unknown;
}

export interface ItemContext {
  format: ParsedFeed["format"];
  /** Absolute base for relative links (xml:base, channel link or feed URL). */
  baseUrl: string | undefined;
  /** Channel/feed language, already normalised. */
  channelLanguage: string | undefined;
}

type Xml = Record<string, unknown>;

function isObject(value: unknown): value is Xml {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Text of an xml2js value: a string, the text of `{ _: text, $: attributes }` (for mixed content,
 * the element's own text only, as rss-parser reads it), or for pure element content (Atom xhtml)
 * all nested text.
 */
export function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.length > 0 ? textOf(value[0]) : undefined;
  if (!isObject(value)) return undefined;
  const own = value["_"];
  if (typeof own === "string") return own;
  const parts: string[] = [];
  collectText(value, parts, 0);
  return parts.length === 0 ? undefined : parts.join(" ");
}

function collectText(value: unknown, parts: string[], depth: number): void {
  if (depth > 12 || parts.length > 500) return;
  if (typeof value === "string") {
    parts.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectText(v, parts, depth + 1);
  } else if (isObject(value)) {
    for (const key in value) {
      if (key !== "$") collectText(value[key], parts, depth + 1);
    }
  }
}

function attributesOf(value: unknown): Xml | undefined {
  if (Array.isArray(value)) value = value[0];
  if (!isObject(value)) return undefined;
  const attrs = value["$"];
  return isObject(attrs) ? attrs : undefined;
}

function attr(attrs: Xml | undefined, name: string): string | undefined {
  const v = attrs?.[name];
  return typeof v === "string" ? v : undefined;
}

function elements(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Plain text of a short label field (HTML stripped, entities decoded, bounded). */
function labelText(value: unknown, max = MAX_LABEL_LENGTH): string | undefined {
  const raw = textOf(value);
  if (raw === undefined) return undefined;
  const text = htmlToText(raw, max);
  return text === "" ? undefined : text;
}

/** De-duplicates (case-insensitively, first spelling wins) into `out`, up to MAX_LABELS. */
function addLabels(out: string[], seen: Set<string>, values: unknown): void {
  for (const v of elements(values)) {
    if (out.length >= MAX_LABELS) return;
    const text = labelText(v);
    if (text === undefined) continue;
    const key = text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
}

const LANGUAGE_RE = /^[a-z]{1,8}(?:-[a-z0-9]{1,8})*$/;

/** Lower-case BCP 47-ish tag, or undefined for empty/implausible values. */
export function normaliseLanguage(value: unknown): string | undefined {
  const raw = textOf(value);
  if (raw === undefined) return undefined;
  const tag = raw.trim().toLowerCase().replace(/_/g, "-");
  return tag !== "" && tag.length <= 35 && LANGUAGE_RE.test(tag) ? tag : undefined;
}

const BUSINESS_WIRE_GUID_RE = /^(\d{14})([a-z]{2})$/i;
const BUSINESS_WIRE_LINK_RE = /businesswire\.com\/news\/[a-z]+\/(\d{14})\/([a-z]{2}(?:-[a-z]{2,4})?)\//i;
const PR_NEWSWIRE_LINK_RE = /^https?:\/\/(?:[\w-]+\.)*prnewswire\.[a-z.]+\/[^?#]*-(\d{6,12})\.html(?:[?#]|$)/i;
const GLOBENEWSWIRE_LINK_RE =
  /^https?:\/\/(?:[\w-]+\.)*globenewswire\.com\/(?:[a-z-]+\/)?news-release\/\d{4}\/\d{2}\/\d{2}\/\d+\/\d+\/([a-z]{2,3}(?:-[a-z]{2,4})?)\//i;
const STOCK_DOMAIN_RE = /\/stock\/?$/i;
const ISIN_DOMAIN_RE = /\/isin\/?$/i;
const INDUSTRY_DOMAIN_RE = /\/industr(?:y|ies)\/?$/i;
const KEYWORD_DOMAIN_RE = /\/keywords?\/?$/i;

export function normaliseItem(raw: RawItem, ctx: ItemContext): FeedItem {
  const atom = ctx.format === "atom";
  const itemAttrs = isObject(raw.$) ? raw.$ : undefined;

  // Base: the item's own xml:base (Atom), resolved against the feed's.
  let base = ctx.baseUrl;
  const itemBase = attr(itemAttrs, "xml:base");
  if (itemBase !== undefined) base = resolveHttpUrl(itemBase, base) ?? base;

  // Source (aggregators) and title.
  // RSS <source> is the publisher's name; Atom <source> is a copy of the origin feed's metadata.
  const sourceEl = elements(raw.source)[0];
  const sourceName = labelText(atom && isObject(sourceEl) ? sourceEl["title"] : sourceEl);
  let title = textFieldToText(raw.title ?? raw["dc:title"], atom, MAX_TITLE_LENGTH + 200);
  if (sourceName !== undefined) {
    const suffix = ` - ${sourceName}`;
    if (title.length > suffix.length && title.endsWith(suffix)) title = title.slice(0, -suffix.length).trimEnd();
  }
  title = truncateText(title, MAX_TITLE_LENGTH);

  // Summary: the description-like field first, the full content only when that is empty.
  const summary = pickSummary(raw, atom);

  // guid / id.
  const guidEl = elements(raw.guid)[0];
  let guid = cleanId(atom ? textOf(raw.id) : textOf(guidEl), MAX_GUID_LENGTH);
  const about = attr(itemAttrs, "rdf:about");
  if (guid === undefined && about !== undefined) guid = cleanId(about, MAX_GUID_LENGTH);

  // Link.
  let url = atom ? atomLink(raw.link, base) : rssLink(raw.link, base);
  if (url === undefined && !atom) {
    const permalink = attr(attributesOf(guidEl), "isPermaLink");
    // Only an absolute guid is a link: a relative one is an opaque id, not a path.
    if (guid !== undefined && permalink?.trim().toLowerCase() !== "false") url = resolveHttpUrl(guid, undefined);
    if (url === undefined && about !== undefined) url = resolveHttpUrl(about, undefined);
  }

  // Date: the publication date (pubDate, published, Atom 0.3 issued), then the Dublin Core dates,
  // then the last-modified ones.
  const date =
    parseFeedDate(textOf(raw.pubDate ?? raw.published ?? raw.issued ?? raw["atom:published"])) ??
    parseFeedDate(textOf(raw["dc:date"] ?? raw["dcterms:issued"] ?? raw["dcterms:created"] ?? raw.created)) ??
    parseFeedDate(textOf(raw.updated ?? raw.modified ?? raw["atom:updated"] ?? raw["dcterms:modified"]));

  // Wire ids and language.
  let wireReleaseId = cleanId(textOf(raw["dc:identifier"]), MAX_ID_LENGTH);
  let wireLanguage: string | undefined;
  const bwGuid = guid === undefined || guid.length !== 16 ? null : BUSINESS_WIRE_GUID_RE.exec(guid);
  if (bwGuid) {
    wireReleaseId ??= bwGuid[1];
    wireLanguage = bwGuid[2]!.toLowerCase();
  } else if (url !== undefined && url.includes("businesswire.com/")) {
    const bw = BUSINESS_WIRE_LINK_RE.exec(url);
    if (bw) {
      wireReleaseId ??= bw[1];
      wireLanguage = bw[2]!.toLowerCase();
    }
  }
  if (url !== undefined) {
    if (wireReleaseId === undefined && url.includes("prnewswire.")) {
      const prn = PR_NEWSWIRE_LINK_RE.exec(url);
      if (prn) wireReleaseId = prn[1];
    }
    if (wireLanguage === undefined && url.includes("globenewswire.com/")) {
      const gnw = GLOBENEWSWIRE_LINK_RE.exec(url);
      if (gnw) wireLanguage = gnw[1]!.toLowerCase();
    }
  }
  const language =
    normaliseLanguage(raw["dc:language"]) ??
    normaliseLanguage(attr(itemAttrs, "xml:lang")) ??
    normaliseLanguage(wireLanguage) ??
    ctx.channelLanguage;

  // Categories: stock tickers, ISINs (ignored), industries, keywords, subjects.
  const industries: string[] = [];
  const subjects: string[] = [];
  const keywords: string[] = [];
  const seenIndustries = new Set<string>();
  const seenSubjects = new Set<string>();
  const seenKeywords = new Set<string>();
  const stockCategories: string[] = [];
  addLabels(industries, seenIndustries, raw["prn:industry"]);
  for (const el of elements(raw.category)) {
    const attrs = attributesOf(el);
    const domain = attr(attrs, "domain") ?? attr(attrs, "scheme") ?? "";
    const value = atom ? (attr(attrs, "label") ?? attr(attrs, "term") ?? textOf(el)) : textOf(el);
    if (value === undefined) continue;
    if (domain !== "") {
      if (STOCK_DOMAIN_RE.test(domain)) {
        if (stockCategories.length < MAX_LABELS) stockCategories.push(value);
        continue;
      }
      if (ISIN_DOMAIN_RE.test(domain)) continue;
      if (INDUSTRY_DOMAIN_RE.test(domain)) {
        addLabels(industries, seenIndustries, value);
        continue;
      }
      if (KEYWORD_DOMAIN_RE.test(domain)) {
        addLabels(keywords, seenKeywords, value);
        continue;
      }
    }
    addLabels(subjects, seenSubjects, value);
  }
  addLabels(subjects, seenSubjects, raw["dc:subject"]);
  addLabels(subjects, seenSubjects, raw["prn:subject"]);
  addLabels(keywords, seenKeywords, raw["dc:keyword"]);

  const tickers = extractTickers({ stockCategories, title, summary });
  const imageUrl = pickImageUrl(raw, atom, base);

  return {
    title,
    summary,
    url,
    guid,
    publishedAt: date?.iso,
    publishedAtPrecision: date?.precision ?? "none",
    issuer: labelText(raw["dc:contributor"], MAX_ISSUER_LENGTH),
    tickers,
    language,
    wireReleaseId,
    industries,
    subjects,
    keywords,
    sourceName,
    ...(imageUrl === undefined ? {} : { imageUrl }),
  };
}

/** A URL path that names an image file (for media:content that gives neither type nor medium). */
const IMAGE_PATH_RE = /\.(?:jpe?g|png|gif|webp)$/i;

/** Longest image URL kept: longer ones are not worth a fetch (and bound what is stored). */
export const MAX_IMAGE_URL_LENGTH = 2048;

/**
 * Whether a Media RSS content / enclosure element describes an image: `medium="image"` or an
 * `image/*` type (https://www.rssboard.org/media-rss#media-content); with neither, an image file
 * name. A declared non-image type or medium (video, audio, application/pdf) is never an image.
 */
function describesImage(attrs: Xml | undefined, url: string): boolean {
  const medium = attr(attrs, "medium")?.trim().toLowerCase();
  const type = attr(attrs, "type")?.trim().toLowerCase();
  if (type !== undefined && type !== "") return type.startsWith("image/");
  if (medium !== undefined && medium !== "") return medium === "image";
  try {
    return IMAGE_PATH_RE.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

function imageFrom(el: unknown, base: string | undefined, alwaysImage: boolean, urlAttr = "url"): string | undefined {
  const attrs = attributesOf(el);
  const url = resolveHttpUrl(attr(attrs, urlAttr), base);
  if (url === undefined || url.length > MAX_IMAGE_URL_LENGTH) return undefined;
  return alwaysImage || describesImage(attrs, url) ? url : undefined;
}

/**
 * The item's image: Media RSS content (top-level, then inside media:group), an RSS enclosure or
 * Atom `rel="enclosure"` link of an image type, then a Media RSS thumbnail. First usable wins.
 */
function pickImageUrl(raw: RawItem, atom: boolean, base: string | undefined): string | undefined {
  const groups = elements(raw["media:group"]).filter(isObject);
  const contents = [...elements(raw["media:content"]), ...groups.flatMap((g) => elements(g["media:content"]))];
  for (const el of contents) {
    const url = imageFrom(el, base, false);
    if (url !== undefined) return url;
  }
  if (atom) {
    for (const el of elements(raw.link)) {
      const attrs = attributesOf(el);
      if (attr(attrs, "rel")?.trim().toLowerCase() !== "enclosure") continue;
      const type = attr(attrs, "type")?.trim().toLowerCase() ?? "";
      if (!type.startsWith("image/")) continue;
      const url = imageFrom(el, base, true, "href");
      if (url !== undefined) return url;
    }
  } else {
    for (const el of elements(raw.enclosure)) {
      const type = attr(attributesOf(el), "type")?.trim().toLowerCase() ?? "";
      // RSS 2.0 requires the enclosure's type (https://www.rssboard.org/rss-specification#ltenclosuregtSubelementOfLtitemgt).
      if (!type.startsWith("image/")) continue;
      const url = imageFrom(el, base, true);
      if (url !== undefined) return url;
    }
  }
  const thumbnails = [...elements(raw["media:thumbnail"]), ...groups.flatMap((g) => elements(g["media:thumbnail"]))];
  for (const el of thumbnails) {
    const url = imageFrom(el, base, true);
    if (url !== undefined) return url;
  }
  return undefined;
}

/**
 * A text construct -> plain text. Atom says what it holds (type="html" or "xhtml" is markup,
 * "text" or no type is text). RSS does not: a title is text unless it looks like HTML (holds an
 * HTML tag), as feedparser guesses; descriptions and content are always HTML (`html` true).
 */
function textFieldToText(value: unknown, atom: boolean, max: number, html = false): string {
  const raw = textOf(value);
  if (raw === undefined || raw === "") return "";
  let markup = html;
  if (atom) {
    const type = attr(attributesOf(value), "type")?.trim().toLowerCase();
    markup = type === "html" || type === "xhtml" || type === "text/html" || type === "application/xhtml+xml";
  } else if (!markup) {
    markup = looksLikeHtml(raw);
  }
  return markup ? htmlToText(raw, max) : plainTextToText(raw, max);
}

function pickSummary(raw: RawItem, atom: boolean): string {
  const candidates = atom
    ? [raw.summary, raw.content]
    : [raw.description, raw.summary, raw["content:encoded"], raw.content];
  for (const candidate of candidates) {
    const text = textFieldToText(candidate, atom, MAX_SUMMARY_LENGTH, true);
    if (text !== "") return text;
  }
  return "";
}

function cleanId(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const id = value.trim();
  return id === "" || id.length > max ? undefined : wellFormed(id);
}

function rssLink(linkEls: unknown, base: string | undefined): string | undefined {
  for (const el of elements(linkEls)) {
    const href = textOf(el) ?? attr(attributesOf(el), "href");
    const url = resolveHttpUrl(href, base);
    if (url !== undefined) return url;
  }
  return undefined;
}

function atomLink(linkEls: unknown, base: string | undefined): string | undefined {
  let fallback: string | undefined;
  let alternate: string | undefined;
  for (const el of elements(linkEls)) {
    const attrs = attributesOf(el);
    const href = attr(attrs, "href");
    if (href === undefined) continue;
    const rel = (attr(attrs, "rel") ?? "alternate").trim().toLowerCase();
    if (rel === "alternate") {
      const url = resolveHttpUrl(href, base);
      if (url === undefined) continue;
      const type = attr(attrs, "type")?.toLowerCase() ?? "";
      if (type === "" || type.includes("html")) return url;
      alternate ??= url;
    } else if (fallback === undefined && rel !== "self" && rel !== "enclosure" && rel !== "replies" && rel !== "edit") {
      fallback = resolveHttpUrl(href, base);
    }
  }
  return alternate ?? fallback;
}
