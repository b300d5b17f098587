/**
 * One feed entry after parsing and normalisation: every string is plain text (HTML stripped,
 * entities decoded exactly once), bounded in length, and untrusted (escape it wherever it is shown).
 */
export interface FeedItem {
  /** Plain-text headline, whitespace collapsed, at most 1,000 characters ("" when the feed gave none). */
  title: string;
  /** Plain-text summary, at most 5,000 characters ("" when absent). */
  summary: string;
  /** Absolute http(s) link, resolved against the feed's base; not canonicalised. */
  url: string | undefined;
  guid: string | undefined;
  /** ISO-8601 UTC time, when the feed carries a usable date. */
  publishedAt: string | undefined;
  /** "date" when the feed gave a day without a time; "none" when it gave no usable date. */
  publishedAtPrecision: "datetime" | "date" | "none";
  /** Company/issuer, e.g. dc:contributor, when the feed names one. */
  issuer: string | undefined;
  /** Tickers as "EXCHANGE:SYMBOL" when the exchange is known, else "SYMBOL"; de-duplicated. */
  tickers: string[];
  /** Lower-case BCP 47 language tag when known (item, then channel). */
  language: string | undefined;
  /** The wire's own release id (dc:identifier, Business Wire guid stem, PR Newswire URL suffix). */
  wireReleaseId: string | undefined;
  /** Beat hints for targeting: industries, subjects and keywords as the wire labels them. */
  industries: string[];
  subjects: string[];
  keywords: string[];
  /** For aggregators (Google News): the original publisher named by <source>. */
  sourceName: string | undefined;
  /**
   * The release's image as the feed names it (media:content, media:group, an image enclosure or
   * Atom enclosure link, then media:thumbnail): an absolute http(s) URL, absent when the feed names
   * none. Untrusted: fetch it only through the SSRF-guarded fetcher and check what comes back.
   */
  imageUrl?: string;
}

export interface ParsedFeed {
  format: "rss2" | "rss1" | "rss09" | "atom";
  title: string;
  link: string | undefined;
  language: string | undefined;
  items: FeedItem[];
  /** What the parser repaired or left out while still reading the feed ("repaired: bare ampersand at line 12"). */
  warnings: string[];
}
