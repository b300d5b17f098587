import { FeedParseError } from "../errors.ts";

/**
 * Reads what comes before a feed's root element (XML declaration, bogus declarations such as
 * `<?phpxml ...?>`, stylesheet PIs, comments, DOCTYPE, whitespace, BOM) and the root start tag.
 * Everything before the root is dropped so the XML parser never sees a DTD: a DOCTYPE that declares
 * entities is refused outright (entity-expansion attacks), any other DOCTYPE (an XHTML one too) is
 * skipped.
 */

export type RootKind = "rss" | "rdf" | "atom";

export interface Prolog {
  /** Offset of the root element's "<" in the decoded text. */
  rootStart: number;
  /** Qualified root element name as written, e.g. "rss", "rdf:RDF", "feed". */
  rootName: string;
  kind: RootKind;
  /** Root attributes (raw values with the five XML entities decoded). */
  rootAttributes: ReadonlyMap<string, string>;
}

const ATOM_NS = "http://www.w3.org/2005/Atom";
const RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
/** Namespaces RSS elements are bound to when a document prefixes them (`<rss:rss>`, `<rss:item>`). */
export const RSS_NAMESPACES: ReadonlySet<string> = new Set([
  "http://purl.org/rss/1.0/",
  "http://my.netscape.com/rdf/simple/0.9/",
  "http://backend.userland.com/rss2",
  "http://backend.userland.com/rss",
  "http://blogs.law.harvard.edu/tech/rss",
]);

/** Upper bound on the root start tag (namespace declarations included). */
const MAX_ROOT_TAG = 64 * 1024;

const NAME_RE = /^[A-Za-z_][\w.:-]*/;
/** Attribute names start after whitespace, so a long run of name characters is scanned once, not per position. */
const ATTRIBUTE_RE = /(?:^|\s)([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const XML_ENTITY_RE = /&(amp|lt|gt|quot|apos);/g;
const XML_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff;
}

export function readProlog(text: string): Prolog {
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) throw new FeedParseError("empty document: no root element");
    if (text.charCodeAt(i) !== 0x3c /* < */) {
      throw new FeedParseError("not an RSS or Atom feed: the body does not start with XML markup");
    }
    if (text.startsWith("<?", i)) {
      const end = text.indexOf("?>", i + 2);
      if (end === -1) throw new FeedParseError("malformed XML: unterminated processing instruction before the root element");
      i = end + 2;
    } else if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end === -1) throw new FeedParseError("malformed XML: unterminated comment before the root element");
      i = end + 3;
    } else if (text.startsWith("<!", i)) {
      i = skipDoctype(text, i);
    } else {
      break;
    }
  }

  const nameMatch = NAME_RE.exec(text.slice(i + 1, i + 1 + 256));
  if (!nameMatch) throw new FeedParseError("malformed XML: no root element name");
  const rootName = nameMatch[0];
  const tagEnd = findTagEnd(text, i + 1 + rootName.length);
  if (tagEnd === -1) throw new FeedParseError(`malformed XML: unterminated <${rootName}> start tag`);
  const attributes = parseAttributes(text.slice(i + 1 + rootName.length, tagEnd));
  const kind = rootKind(rootName, attributes);
  return { rootStart: i, rootName, kind, rootAttributes: attributes };
}

function skipDoctype(text: string, start: number): number {
  const head = text.slice(start, start + 9).toUpperCase();
  if (head.startsWith("<!ENTITY")) {
    throw new FeedParseError("refusing an entity declaration (possible entity-expansion attack)");
  }
  if (head !== "<!DOCTYPE") {
    throw new FeedParseError("malformed XML: unexpected markup declaration before the root element");
  }
  // Scan to the closing ">" outside quotes and outside the internal subset.
  let i = start + 9;
  let quote = 0;
  let subsetStart = -1;
  let subsetEnd = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (subsetStart !== -1 && subsetEnd === -1 && c === 0x3c && text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4); // comments in the internal subset may contain ] and >
      i = end === -1 ? text.length : end + 2;
    } else if (c === 0x22 || c === 0x27) {
      quote = c;
    } else if (c === 0x5b /* [ */ && subsetStart === -1) {
      subsetStart = i;
    } else if (c === 0x5d /* ] */ && subsetStart !== -1 && subsetEnd === -1) {
      subsetEnd = i;
    } else if (c === 0x3e /* > */ && (subsetStart === -1 || subsetEnd !== -1)) {
      break;
    }
  }
  const declaration = text.slice(start, i);
  if (/<!ENTITY/i.test(declaration)) {
    throw new FeedParseError("refusing a DOCTYPE that declares entities (possible entity-expansion attack)");
  }
  if (i >= text.length) throw new FeedParseError("malformed XML: unterminated DOCTYPE declaration");
  // An (X)HTML DOCTYPE without an internal subset is skipped like any other: some feed generators
  // put an XHTML DOCTYPE before <rss>. Whether the body is an HTML page is the root element's call.
  return i + 1;
}

function findTagEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_ROOT_TAG);
  let quote = 0;
  for (let i = from; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) {
      quote = c;
    } else if (c === 0x3e) {
      return i;
    } else if (c === 0x3c) {
      return -1;
    }
  }
  return -1;
}

function parseAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  ATTRIBUTE_RE.lastIndex = 0;
  for (let m = ATTRIBUTE_RE.exec(source); m !== null; m = ATTRIBUTE_RE.exec(source)) {
    const raw = m[2] ?? m[3] ?? "";
    attributes.set(m[1]!, raw.indexOf("&") === -1 ? raw : raw.replace(XML_ENTITY_RE, (_, e: string) => XML_ENTITIES[e] ?? ""));
  }
  return attributes;
}

function rootKind(name: string, attributes: ReadonlyMap<string, string>): RootKind {
  const colon = name.indexOf(":");
  const prefix = colon === -1 ? "" : name.slice(0, colon);
  const local = colon === -1 ? name : name.slice(colon + 1);
  const nsAttr = prefix === "" ? "xmlns" : `xmlns:${prefix}`;
  const ns = attributes.get(nsAttr);
  if (local === "rss" && (prefix === "" || (ns !== undefined && RSS_NAMESPACES.has(ns)))) return "rss";
  if (local === "RDF" && (prefix === "rdf" || ns === RDF_NS)) return "rdf";
  if (local === "feed" && (prefix === "" || ns === ATOM_NS)) return "atom";
  if (local.toLowerCase() === "html") throw new FeedParseError("not an RSS or Atom feed: the body is an HTML document");
  throw new FeedParseError(`not an RSS or Atom feed: the root element is <${name.slice(0, 64)}>`);
}
