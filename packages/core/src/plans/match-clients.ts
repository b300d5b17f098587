import type { ClientConfig, PressbridgeConfig } from "../config/config-schema.ts";

/**
 * Which clients a release belongs to.
 * - A release seen on a feed bound to a client belongs to that client.
 * - A release seen on a shared wire (a feed bound to no client) also matches every client with a keyword found in its title, issuer or
 *   summary. Keywords match whole words only: "Acme" matches "Acme Corp" and "Acme's" but not
 *   "Acmes" or "NewAcme" (letters and digits on either side break the match; a keyword may itself
 *   contain spaces or punctuation, e.g. "Acme Corp." or "A.C.M.E.").
 * - Case: a keyword written with any lower-case letter matches regardless of case ("Acme" matches
 *   "ACME" and "acme"); a keyword written entirely in capitals is treated as an acronym or ticker and
 *   matches only in capitals ("ACME" does not match "acme" or "Acme"), so short upper-case names do
 *   not match ordinary words.
 */
export interface ClientMatch {
  clientId: string;
  /** "manual": a person asked for the plan (replanRelease with a client), whatever the keywords say. */
  reason: "bound-feed" | "keyword" | "manual";
  /** The keywords found and where, for the plan's record of why it exists. */
  matched: Array<{ keyword: string; field: "title" | "issuer" | "summary" }>;
  /** Who asked, for a manual match (an email, or "cli"). */
  requestedBy?: string;
}

export interface MatchableRelease {
  title: string;
  summary: string;
  issuer: string | null;
}

const cache = new Map<string, RegExp>();

function keywordPattern(keyword: string): RegExp {
  let re = cache.get(keyword);
  if (re === undefined) {
    const escaped = keyword.trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
    const caseSensitive = keyword === keyword.toUpperCase() && /\p{Lu}/u.test(keyword);
    re = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, caseSensitive ? "u" : "iu");
    cache.set(keyword, re);
  }
  return re;
}

export function keywordMatches(client: ClientConfig, release: MatchableRelease): ClientMatch["matched"] {
  const fields: Array<[ClientMatch["matched"][number]["field"], string]> = [
    ["title", release.title],
    ["issuer", release.issuer ?? ""],
    ["summary", release.summary],
  ];
  const found: ClientMatch["matched"] = [];
  for (const keyword of client.keywords) {
    if (keyword.trim() === "") continue;
    const re = keywordPattern(keyword);
    for (const [field, text] of fields) {
      if (text !== "" && re.test(text)) {
        found.push({ keyword, field });
        break;
      }
    }
  }
  return found;
}

export function matchClients(config: PressbridgeConfig, release: MatchableRelease, sourceFeedIds: readonly string[]): ClientMatch[] {
  const feeds = sourceFeedIds.map((id) => config.feeds.find((f) => f.id === id));
  const bound = new Set(feeds.flatMap((f) => (f?.clientId === undefined ? [] : [f.clientId])));
  // A feed no longer in the config is treated as a shared wire: its release is still matched.
  const onSharedWire = feeds.some((f) => f === undefined || f.clientId === undefined);
  const out: ClientMatch[] = [];
  for (const client of config.clients) {
    const matched = keywordMatches(client, release);
    if (bound.has(client.id)) out.push({ clientId: client.id, reason: "bound-feed", matched });
    else if (onSharedWire && matched.length > 0) out.push({ clientId: client.id, reason: "keyword", matched });
  }
  return out;
}
