export type { FeedItem, ParsedFeed } from "./feed-item.ts";
export { parseFeed, MAX_ITEMS, type ParseFeedOptions } from "./parse-feed.ts";
export { parseFeedDate, type FeedDate } from "./parse-feed-date.ts";
export { decodeFeedBytes, charsetFromContentType, type DecodedFeed, type EncodingSource } from "./decode-feed-bytes.ts";
export { htmlToText, collapseWhitespace } from "./html-to-text.ts";
export { truncateText } from "./truncate-text.ts";
export {
  extractTickers,
  tickersFromText,
  cashtagsFromDateline,
  normaliseStockCategory,
  type TickerSources,
} from "./extract-tickers.ts";
export { resolveHttpUrl } from "./resolve-link.ts";
export { MAX_TITLE_LENGTH, MAX_SUMMARY_LENGTH } from "./normalise-item.ts";
