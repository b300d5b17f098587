/**
 * Hashtags and cashtags for a release: the client's trend hashtags whose words the release actually
 * uses, and cashtags from its tickers.
 */
import type { ClientConfig } from "../../config/config-schema.ts";
import type { PlanRelease } from "../plan-parts.ts";

/** "#SupplyChain" -> ["supply", "chain"]; "#AIChips" -> ["ai", "chips"]; "#Web3" -> ["web", "3"]. */
export function hashtagWords(hashtag: string): string[] {
  const body = hashtag.replace(/^#/, "");
  const words = body.match(/\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|[\p{L}\p{M}]+/gu) ?? [];
  return words.map((w) => w.toLowerCase());
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const NO_SPACE_WORD = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]+$/u;

/**
 * A regex matching the hashtag's words as they appear in prose, case-insensitively: as whole words,
 * separated by nothing, spaces, hyphens or underscores ("supply chain", "supply-chain", "SupplyChain").
 * Words in scripts written without spaces (CJK, Thai) need no word boundary.
 */
export function hashtagPattern(hashtag: string): RegExp | null {
  const words = hashtagWords(hashtag);
  if (words.length === 0) return null;
  const first = words[0]!;
  const last = words[words.length - 1]!;
  const start = NO_SPACE_WORD.test(first) ? "" : String.raw`(?<![\p{L}\p{M}\p{N}])`;
  const end = NO_SPACE_WORD.test(last) ? "" : String.raw`(?![\p{L}\p{M}\p{N}])`;
  return new RegExp(start + words.map(escapeRegExp).join(String.raw`[\s_-]*`) + end, "iu");
}

/** The client's trend hashtags that fit the release, in config order, de-duplicated case-insensitively. */
export function fittingHashtags(release: PlanRelease, client: ClientConfig): string[] {
  const haystack = [release.title, release.summary, ...release.keywords, ...release.industries].join("\n");
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of client.trendHashtags) {
    const key = tag.toLowerCase();
    if (seen.has(key) || !/^#[\p{L}\p{N}_]+$/u.test(tag)) continue;
    const pattern = hashtagPattern(tag);
    if (pattern === null || !pattern.test(haystack)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

/** "NYSE:ACME", "Nasdaq:GBXR", "PZZA" -> "$ACME", "$GBXR", "$PZZA"; only 1-6 capital letters; de-duplicated. */
export function cashtagsFromTickers(tickers: readonly string[]): string[] {
  const out: string[] = [];
  for (const ticker of tickers) {
    const symbol = ticker.slice(ticker.lastIndexOf(":") + 1).trim();
    if (!/^[A-Z]{1,6}$/.test(symbol)) continue;
    const tag = `$${symbol}`;
    if (!out.includes(tag)) out.push(tag);
  }
  return out;
}
