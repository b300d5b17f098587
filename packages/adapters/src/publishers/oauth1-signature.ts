/**
 * OAuth 1.0a request signing (RFC 5849, HMAC-SHA1) for X: the Ads API accepts only OAuth 1.0a user
 * context, and POST /2/tweets accepts it too. Written on node:crypto rather than the `oauth-1.0a`
 * npm package, whose last release dates from years ago and which leaves hashing to the caller anyway.
 *
 * Checked against X's published example (test/integration/publishers/oauth1-signature.test.ts).
 */
import { createHmac, randomBytes } from "node:crypto";

export interface OAuth1Keys {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/** RFC 3986 percent-encoding as RFC 5849 §3.6 requires: only ALPHA, DIGIT, "-", ".", "_", "~" stay. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The base string URI: scheme and host lower-case, default ports dropped, no query or fragment (§3.4.1.2). */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.toLowerCase();
  const host = url.hostname.toLowerCase();
  const defaultPort = (scheme === "http:" && url.port === "80") || (scheme === "https:" && url.port === "443") || url.port === "";
  return `${scheme}//${host}${defaultPort ? "" : `:${url.port}`}${url.pathname}`;
}

/**
 * The signature base string (§3.4.1): METHOD & uri & normalised parameters, where the parameters are
 * the query string, a form-encoded body (never a JSON body) and the oauth_* protocol parameters.
 */
export function signatureBaseString(method: string, url: URL, params: ReadonlyArray<readonly [string, string]>): string {
  const encoded = params.map(([k, v]) => [percentEncode(k), percentEncode(v)] as const);
  encoded.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalised = encoded.map(([k, v]) => `${k}=${v}`).join("&");
  return [method.toUpperCase(), percentEncode(baseStringUri(url)), percentEncode(normalised)].join("&");
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac("sha1", `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest("base64");
}

/**
 * The `Authorization: OAuth …` header for one request. `formParams` are the fields of an
 * application/x-www-form-urlencoded body (empty for JSON bodies, which are not signed).
 */
export function oauth1Header(
  keys: OAuth1Keys,
  request: { method: string; url: URL; formParams?: Record<string, string> },
  options: { nowSeconds: number; nonce?: string },
): string {
  const oauth: Array<[string, string]> = [
    ["oauth_consumer_key", keys.consumerKey],
    ["oauth_nonce", options.nonce ?? randomBytes(16).toString("hex")],
    ["oauth_signature_method", "HMAC-SHA1"],
    ["oauth_timestamp", String(Math.floor(options.nowSeconds))],
    ["oauth_token", keys.token],
    ["oauth_version", "1.0"],
  ];
  const params: Array<readonly [string, string]> = [...oauth];
  for (const [k, v] of request.url.searchParams) params.push([k, v]);
  for (const [k, v] of Object.entries(request.formParams ?? {})) params.push([k, v]);
  const signature = hmacSha1Signature(signatureBaseString(request.method, request.url, params), keys.consumerSecret, keys.tokenSecret);
  oauth.push(["oauth_signature", signature]);
  oauth.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `OAuth ${oauth.map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(", ")}`;
}
