import { RSS_NAMESPACES, type Prolog } from "./read-prolog.ts";

/**
 * The XML parser is not namespace-aware (feeds in the wild use undeclared prefixes, which a
 * namespace-aware parser rejects), so element names are matched by their conventional prefix
 * (`dc:`, `content:`, ...). Some documents bind a known namespace to another prefix (GlobeNewswire
 * re-serialised by ElementTree uses `ns0:` for Dublin Core); this finds those bindings so element
 * names can be rewritten to the conventional prefix while parsing. Atom elements inside RSS read as
 * `atom:`; Atom elements of a prefixed Atom root and prefixed RSS elements read unprefixed.
 */

const CANONICAL_PREFIX: ReadonlyMap<string, string> = new Map([
  ["http://purl.org/dc/elements/1.1/", "dc"],
  ["http://purl.org/dc/elements/1.1", "dc"],
  ["http://dublincore.org/documents/dcmi-namespace/", "dc"],
  ["http://purl.org/rss/1.0/modules/content/", "content"],
  ["http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"],
  ["http://www.prnewswire.com/ns/0.1/#", "prn"],
  ["http://purl.org/dc/terms/", "dcterms"],
  ["http://search.yahoo.com/mrss/", "media"],
  ["http://search.yahoo.com/mrss", "media"],
]);

const ATOM_NS = "http://www.w3.org/2005/Atom";
/** A namespace declaration (groups 1–3), or the first item/entry start tag (where the scan stops). */
const HEAD_SCAN_RE = /\bxmlns:([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')|<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]/g;
/** Namespace declarations are looked for before the first item/entry, within this many characters. */
const HEAD_LIMIT = 64 * 1024;

/**
 * Prefix -> replacement prefix ("" = drop the prefix) for this document, or undefined when every
 * known namespace already uses its conventional prefix (the common case).
 */
export function prefixRewrites(text: string, prolog: Prolog): ReadonlyMap<string, string> | undefined {
  const head = text.length - prolog.rootStart > HEAD_LIMIT ? text.slice(prolog.rootStart, prolog.rootStart + HEAD_LIMIT) : text;
  if (head.indexOf("xmlns:") === -1) return undefined;
  let rewrites: Map<string, string> | undefined;
  HEAD_SCAN_RE.lastIndex = prolog.rootStart > 0 && head === text ? prolog.rootStart : 0;
  for (let m = HEAD_SCAN_RE.exec(head); m !== null; m = HEAD_SCAN_RE.exec(head)) {
    if (m[1] === undefined) break; // reached the first item
    const prefix = m[1];
    const uri = (m[2] ?? m[3] ?? "").trim();
    let canonical = CANONICAL_PREFIX.get(uri);
    // A prefixed Atom root (<atom:feed>): drop the prefix so Atom elements read as unprefixed.
    if (canonical === undefined && uri === ATOM_NS) {
      canonical = prolog.kind === "atom" && prolog.rootName.startsWith(`${prefix}:`) ? "" : "atom";
    }
    // Prefixed RSS elements (<rss:channel>, <rss:item> bound to the RSS 1.0/0.9 namespace): unprefixed.
    if (canonical === undefined && RSS_NAMESPACES.has(uri)) canonical = "";
    if (canonical !== undefined && canonical !== prefix) {
      rewrites ??= new Map();
      rewrites.set(prefix, canonical);
    }
  }
  return rewrites;
}

/** Applies `rewrites` to one qualified element name. */
export function rewriteName(name: string, rewrites: ReadonlyMap<string, string>): string {
  const colon = name.indexOf(":");
  if (colon === -1) return name;
  const replacement = rewrites.get(name.slice(0, colon));
  if (replacement === undefined) return name;
  return replacement === "" ? name.slice(colon + 1) : `${replacement}:${name.slice(colon + 1)}`;
}
