/**
 * Link handling for untrusted feeds: only absolute http(s) URLs come out. Relative references are
 * resolved against a base; a host name without a scheme gets "https://"; javascript:, data:,
 * mailto: and anything unparsable are dropped.
 */

export const MAX_URL_LENGTH = 4096;

const ABSOLUTE_HTTP_RE = /^https?:\/\/[^\s/?#]/i;
const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
/**
 * URLs that certainly parse (DNS host ending in an alphabetic label, no port, printable ASCII
 * without backslashes): accepted without constructing a URL object, the common case by far.
 */
const PLAIN_HTTP_URL_RE =
  /^https?:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})\.)+[A-Za-z]{2,63}\.?(?:[/?#][\x21-\x5b\x5d-\x7e]*)?$/;

/**
 * A reference without a scheme whose first segment is a host name (`www.example.com/x`,
 * `purl.org/rss/2.0/#item`): the publisher left out "https://". Resolving it against the base
 * would make a path of the host name. A name ending in a file extension (`story-1.html`,
 * `index.php?id=1`) is a relative path, unless it starts with "www.".
 */
const HOST_LIKE_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})\.)+([A-Za-z]{2,63})(?::\d{1,5})?(?:[/?#]|$)/;
const FILE_EXTENSIONS: ReadonlySet<string> = new Set([
  "htm", "html", "shtml", "xhtml", "php", "asp", "aspx", "jsp", "cfm", "cgi", "xml", "rss", "rdf", "atom", "json",
  "txt", "pdf", "do", "action",
]);

function isHostLike(value: string): boolean {
  const m = HOST_LIKE_RE.exec(value);
  if (!m) return false;
  return value.slice(0, 4).toLowerCase() === "www." || !FILE_EXTENSIONS.has(m[1]!.toLowerCase());
}

/**
 * Returns an absolute http(s) URL for `raw` (trimmed), resolving relative references against
 * `base`. A plain absolute URL (printable ASCII, DNS host) is returned exactly as written; others
 * come back in WHATWG serialisation so they never carry spaces or unpaired surrogates. Query
 * strings and tracking parameters are never touched.
 */
export function resolveHttpUrl(raw: string | undefined, base: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let value = raw.trim();
  if (value === "" || value.length > MAX_URL_LENGTH) return undefined;
  if (PLAIN_HTTP_URL_RE.test(value)) return value;
  if (CONTROL_RE.test(value)) value = value.replace(/[\u0000-\u001f\u007f]+/g, "");
  if (ABSOLUTE_HTTP_RE.test(value)) return canonicalHttp(value);
  if (isHostLike(value)) return canonicalHttp(`https://${value}`);
  if (SCHEME_RE.test(value) || base === undefined) return undefined; // other schemes, or nothing to resolve against
  try {
    const url = new URL(value, base);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return url.href.length > MAX_URL_LENGTH ? undefined : url.href;
  } catch {
    return undefined;
  }
}

/** The WHATWG serialisation (spaces and non-ASCII percent-encoded) of an absolute http(s) URL. */
function canonicalHttp(value: string): string | undefined {
  try {
    const url = new URL(value);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return undefined;
    return url.href.length > MAX_URL_LENGTH ? undefined : url.href;
  } catch {
    return undefined;
  }
}
