/**
 * Link handling for untrusted feeds: only absolute http(s) URLs come out. Relative references are
 * resolved against a base; javascript:, data:, mailto: and anything unparsable are dropped.
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
