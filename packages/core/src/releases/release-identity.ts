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

/** Canonical form of a release URL, or undefined when it is not an absolute http(s) URL. */
export function canonicalUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  url.hash = "";
  url.username = "";
  url.password = "";
  // Wires serve the same page on http and https; the scheme is not part of a release's identity.
  url.protocol = "https:";
  url.hostname = url.hostname.toLowerCase().replace(/^www\./, "");
  if (url.port === "443" || url.port === "80") url.port = "";
  const kept = [...url.searchParams.entries()].filter(([k]) => !isTrackingParam(k));
  kept.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  url.search = new URLSearchParams(kept).toString();
  let path = url.pathname.replace(/\/{2,}/g, "/");
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  url.pathname = path;
  return url.toString();
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

/** The identity string of an item seen on a feed (see module comment for the order). */
export function releaseIdentity(item: FeedItem, feedId: string): string {
  const url = canonicalUrl(item.url);
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

/**
 * A fingerprint of the headline: case-folded, accents and punctuation removed, an aggregator's
 * " - Wire Name" suffix already stripped by the parser. Language is part of the key so translations
 * of one release never merge.
 */
export function titleFingerprint(title: string, language: string | undefined): string | undefined {
  const words = title
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");
  if (words.length < MIN_FINGERPRINT_WORDS) return undefined;
  return `${(language ?? "und").slice(0, 2)}:${shortHash(words.join(" "))}`;
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
