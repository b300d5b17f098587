import { createHash } from "node:crypto";
import type { FeedItem } from "../feeds/feed-item.ts";

/**
 * Release identity. A release is known by, in order of preference:
 * 1. its canonical URL (scheme/host lower-cased, default port, fragment and tracking parameters
 *    removed, query sorted, trailing slash normalised);
 * 2. else its GUID, scoped to the feed (GUIDs are only unique within a feed);
 * 3. else a hash of its title, summary and date, scoped to the feed.
 * The release id is a short hash of that identity, so every poller derives the same id and a
 * conditional create makes one of them the winner.
 *
 * Separately, a title fingerprint lets the same release arriving on two wires with different URLs
 * (the wire and the company newsroom) be recognised as one release within FINGERPRINT_WINDOW_HOURS.
 */

/** Parameters that only track the click; any parameter that may select content is kept. */
const TRACKING_PARAMS = new Set([
  "ncid", "ref", "ref_src", "feedref", "cmpid", "fbclid", "gclid", "dclid", "msclkid", "mc_cid",
  "mc_eid", "igshid", "yclid", "_hsenc", "_hsmi", "trk", "sr_share",
]);

export function isTrackingParam(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith("utm_") || n.startsWith("pk_") || n.startsWith("mtm_") || TRACKING_PARAMS.has(n);
}

/** A parsed absolute http(s) URL, or undefined. */
function httpUrl(raw: string | undefined): URL | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
}

/** Whether a query parameter is dropped: a tracking parameter, or one this feed was seen to rotate. */
function dropsParam(name: string, volatileParams: ReadonlySet<string> | undefined): boolean {
  return isTrackingParam(name) || (volatileParams?.has(name.toLowerCase()) ?? false);
}

/**
 * Canonical form of a release URL, or undefined when it is not an absolute http(s) URL.
 * `volatileParams` are parameters a feed was seen to change on every fetch (learnt per feed).
 */
export function canonicalUrl(raw: string | undefined, volatileParams?: ReadonlySet<string>): string | undefined {
  const url = httpUrl(raw);
  if (url === undefined) return undefined;
  url.hash = "";
  url.username = "";
  url.password = "";
  // Wires serve the same page on http and https; the scheme is not part of a release's identity.
  url.protocol = "https:";
  url.hostname = url.hostname.toLowerCase().replace(/^www\./, "");
  if (url.port === "443" || url.port === "80") url.port = "";
  const kept = [...url.searchParams.entries()].filter(([k]) => !dropsParam(k, volatileParams));
  kept.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  url.search = new URLSearchParams(kept).toString();
  let path = url.pathname.replace(/\/{2,}/g, "/");
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  url.pathname = path;
  return url.toString();
}

/**
 * The URL a release is stored and shown with: the feed's link without the wire's rotating tracking
 * parameters (Business Wire `feedref`, PR Newswire `ncid`, `utm_*`, ...), the feed's learnt volatile
 * parameters, credentials and the fragment. Unlike `canonicalUrl` it keeps the scheme, host, path and
 * the order and encoding of the other parameters, so the link still opens the page the wire meant.
 */
export function releaseUrl(raw: string | undefined, volatileParams?: ReadonlySet<string>): string | undefined {
  const url = httpUrl(raw);
  if (url === undefined) return undefined;
  url.hash = "";
  url.username = "";
  url.password = "";
  const kept = url.search
    .replace(/^\?/, "")
    .split("&")
    .filter((pair) => pair !== "" && !dropsParam(paramName(pair), volatileParams));
  url.search = kept.length === 0 ? "" : `?${kept.join("&")}`;
  return url.toString();
}

function paramName(pair: string): string {
  const name = pair.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

/** The identity string of an item seen on a feed (see module comment for the order). */
export function releaseIdentity(item: FeedItem, feedId: string, volatileParams?: ReadonlySet<string>): string {
  const url = canonicalUrl(item.url, volatileParams);
  if (url !== undefined) return `url:${url}`;
  if (item.guid !== undefined && item.guid.trim() !== "") return `guid:${feedId}:${item.guid.trim()}`;
  return `hash:${feedId}:${shortHash(`${item.title}\n${item.summary}\n${item.publishedAt ?? ""}`)}`;
}

export function releaseIdFor(identity: string): string {
  return `r_${shortHash(identity)}`;
}

/** Titles shorter than this many words are too generic ("Form 8-K") to merge releases on. */
const MIN_FINGERPRINT_WORDS = 4;
export const FINGERPRINT_WINDOW_HOURS = 12;

/** The headline's words: case-folded, accents and punctuation removed. */
function headlineWords(title: string): string[] {
  return title
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");
}

/**
 * A fingerprint of the headline: case-folded, accents and punctuation removed (an aggregator's
 * " - Wire Name" suffix is already stripped by the parser); undefined for headlines too short to
 * merge on. The language is not part of it: `languagesMatch` compares languages beside the key, so a
 * newsroom item that declares no language still matches the wire's en-US item.
 */
export function titleFingerprint(title: string): string | undefined {
  const words = headlineWords(title);
  if (words.length < MIN_FINGERPRINT_WORDS) return undefined;
  return shortHash(words.join(" "));
}

/** The primary language subtag ("en" of "en-US"), or undefined when the language is unknown. */
export function primaryLanguage(language: string | null | undefined): string | undefined {
  if (language === undefined || language === null) return undefined;
  const primary = language.trim().toLowerCase().split(/[-_]/, 1)[0] ?? "";
  return primary === "" ? undefined : primary;
}

/**
 * Whether two items' languages allow them to be one release: the same primary subtag, or either one
 * unknown. Translations of one release (en and fr) stay separate releases.
 */
export function languagesMatch(a: string | null | undefined, b: string | null | undefined): boolean {
  const pa = primaryLanguage(a);
  const pb = primaryLanguage(b);
  return pa === undefined || pb === undefined || pa === pb;
}

/** Whether two release times are within the fingerprint window of each other. */
export function withinFingerprintWindow(a: string, b: string): boolean {
  return Math.abs(Date.parse(a) - Date.parse(b)) <= FINGERPRINT_WINDOW_HOURS * 3600 * 1000;
}

/**
 * The keys by which a feed remembers an item it has shown, whatever its id becomes later (a rotating
 * GUID, a query parameter that changes on every fetch):
 * - `t:` the headline and the link's host and path (when it has a link);
 * - `g:` the GUID (when the item's identity is its URL, so a GUID-only identity is already the id);
 * - `c:` the headline and summary (when it has a summary, or no link: then its headline alone).
 */
export function seenKeys(item: FeedItem, identity: string): string[] {
  const words = headlineWords(item.title).join(" ");
  const out: string[] = [];
  const url = httpUrl(item.url);
  if (url !== undefined) out.push(`t:${shortHash(`${words}\n${url.hostname.toLowerCase().replace(/^www\./, "")}${url.pathname}`)}`);
  const guid = item.guid?.trim() ?? "";
  if (guid !== "" && identity.startsWith("url:")) out.push(`g:${shortHash(guid)}`);
  const summary = headlineWords(item.summary).join(" ");
  if (summary !== "" || url === undefined) {
    if (words !== "" || summary !== "") out.push(`c:${shortHash(`${words}\n${summary}`)}`);
  }
  return out;
}

/**
 * The query parameters whose value differs between two links of the same item (same host and path):
 * a feed that rotates them on every fetch. Parameter names are lower-cased.
 */
export function rotatedParams(previous: string, current: string): string[] {
  const a = httpUrl(previous);
  const b = httpUrl(current);
  if (a === undefined || b === undefined || a.pathname !== b.pathname) return [];
  const out: string[] = [];
  for (const [name, value] of b.searchParams) {
    const before = a.searchParams.get(name);
    if (before !== null && before !== value && !isTrackingParam(name)) out.push(name.toLowerCase());
  }
  return out;
}

/** The time a release is placed at for fingerprint windows and listings. */
export function releaseTime(item: Pick<FeedItem, "publishedAt" | "publishedAtPrecision">, detectedAt: string): string {
  return item.publishedAtPrecision === "datetime" && item.publishedAt !== undefined ? item.publishedAt : detectedAt;
}

/** A readable wire name for a feed: configured, else known wire hosts, else the host itself. */
export function wireNameFor(feedUrl: string, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  let host = "";
  try {
    host = new URL(feedUrl).hostname.toLowerCase();
  } catch {
    return "unknown";
  }
  const known: Array<[RegExp, string]> = [
    [/(^|\.)prnewswire\.com$/, "PR Newswire"],
    [/(^|\.)businesswire\.com$/, "Business Wire"],
    [/(^|\.)globenewswire\.com$/, "GlobeNewswire"],
    [/(^|\.)accesswire\.com$/, "ACCESSWIRE"],
    [/(^|\.)newswire\.ca$/, "Cision Canada"],
    [/(^|\.)news\.google\.com$/, "Google News"],
  ];
  for (const [re, name] of known) if (re.test(host)) return name;
  return host.replace(/^www\./, "");
}
