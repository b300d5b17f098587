/**
 * WebSub discovery (W3C WebSub Recommendation, https://www.w3.org/TR/websub/#discovery, section 4):
 * a feed advertises its hub with `rel="hub"` and its canonical topic URL with `rel="self"`, in HTTP
 * Link headers or as link elements in the document. Subscribers MUST check the Link headers first
 * and, in their absence, the embedded link elements ("stopping at the first match").
 */

export interface DiscoveredHub {
  /** The first advertised hub (a publisher may list several; one subscription is enough). */
  hub: string;
  /** The rel="self" URL, which hub.topic MUST be (section 5.1); the fetched URL when none is given. */
  topic: string;
}

interface Link {
  href: string;
  rels: string[];
}

/** Only links of at most this length are considered (a URL, not a payload). */
const MAX_URL_LENGTH = 2048;
/** The document's head (before its first item) is scanned up to this many bytes. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * The hub and topic a fetched feed advertises, or undefined. `link` is the response's Link header
 * (several joined with ", "); `body` the document; `baseUrl` the URL it was fetched from (relative
 * references are resolved against it). Only http(s) URLs count.
 */
export function discoverHub(input: { link: string | undefined; body: Uint8Array; baseUrl: string }): DiscoveredHub | undefined {
  // Section 4: the Link headers first; the document's link elements only in their absence.
  const fromHeader = input.link === undefined ? [] : parseLinkHeader(input.link);
  const links = fromHeader.some((l) => l.rels.includes("hub")) ? fromHeader : documentLinks(input.body);
  const hub = links.find((l) => l.rels.includes("hub"));
  if (hub === undefined) return undefined;
  const hubUrl = absoluteHttpUrl(hub.href, input.baseUrl);
  if (hubUrl === undefined) return undefined;
  const self = links.find((l) => l.rels.includes("self"));
  const topic = (self === undefined ? undefined : absoluteHttpUrl(self.href, input.baseUrl)) ?? absoluteHttpUrl(input.baseUrl, input.baseUrl);
  return topic === undefined ? undefined : { hub: hubUrl, topic };
}

/** RFC 8288 Link header values: `<uri>; rel="hub self"; ...`, comma-separated. */
export function parseLinkHeader(value: string): Link[] {
  const out: Link[] = [];
  const re = /<([^>]*)>((?:\s*;\s*[^;,]*(?:"[^"]*"[^;,]*)?)*)/g;
  for (const m of value.slice(0, 16 * 1024).matchAll(re)) {
    const href = m[1]!.trim();
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2] ?? "");
    if (rel === null || href.length > MAX_URL_LENGTH) continue;
    out.push({ href, rels: (rel[1] ?? rel[2] ?? "").toLowerCase().split(/\s+/).filter((r) => r !== "") });
  }
  return out;
}

/**
 * The link elements of the feed itself: `<link rel="hub" href="..."/>` in Atom, `<atom:link .../>`
 * in RSS (any prefix bound to the Atom namespace is accepted as any prefix), only in the document's
 * head, before its first item or entry, so an item's content cannot name a hub (the concern of
 * section 8.1 for HTML bodies). Hub URLs are ASCII, so the bytes are read as Latin-1.
 */
function documentLinks(body: Uint8Array): Link[] {
  let text = new TextDecoder("latin1").decode(body.subarray(0, MAX_HEAD_BYTES));
  const firstItem = text.search(/<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]/);
  if (firstItem >= 0) text = text.slice(0, firstItem);
  const out: Link[] = [];
  for (const m of text.matchAll(/<(?:[A-Za-z_][\w.-]*:)?link\b([^>]*)>/g)) {
    const attrs = m[1] ?? "";
    const rel = attribute(attrs, "rel");
    const href = attribute(attrs, "href");
    if (rel === undefined || href === undefined || href.length > MAX_URL_LENGTH) continue;
    out.push({ href: decodeXmlEntities(href.trim()), rels: rel.toLowerCase().split(/\s+/).filter((r) => r !== "") });
  }
  return out;
}

function attribute(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "i").exec(attrs);
  return m === null ? undefined : (m[1] ?? m[2]);
}

function decodeXmlEntities(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (whole, e: string) => {
    switch (e) {
      case "amp": return "&";
      case "lt": return "<";
      case "gt": return ">";
      case "quot": return '"';
      case "apos": return "'";
      default: {
        const code = e.startsWith("#x") ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
        return code > 0x20 && code < 0x7f ? String.fromCharCode(code) : whole;
      }
    }
  });
}

function absoluteHttpUrl(href: string, base: string): string | undefined {
  try {
    const url = new URL(href, base);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    if (url.username !== "" || url.password !== "") return undefined;
    url.hash = "";
    return url.href;
  } catch {
    return undefined;
  }
}
