/**
 * Feed parsing: bytes of an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom document -> ParsedFeed with
 * normalised, bounded, plain-text FeedItems. Pure code, no I/O.
 */
export type { FeedItem, ParsedFeed } from "./feed-item.ts";
export { parseFeed, FEED_LIMITS, type ParseFeedOptions } from "./parse-feed.ts";
export { parseFeedDate, type FeedDate } from "./parse-feed-date.ts";
export { decodeFeedBytes, type DecodedFeed, type EncodingSource } from "./decode-feed-bytes.ts";
export { extractTickers, type TickerSources } from "./extract-tickers.ts";
