import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseFeed } from "../../../packages/core/src/feeds/index.ts";
import type { ParsedFeed } from "../../../packages/core/src/feeds/index.ts";

export const REAL_FEEDS_DIR = join(import.meta.dirname, "../../fixtures/real-feeds");

/** The URL the tests pretend every fixture was fetched from (the last-resort link base). */
export const FEED_URL = "https://feeds.example.com/rss";

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(REAL_FEEDS_DIR, file)));
}

export function parseFixture(file: string, contentType?: string): Promise<ParsedFeed> {
  return parseFeed(fixtureBytes(file), contentType === undefined ? { feedUrl: FEED_URL } : { feedUrl: FEED_URL, contentType });
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Wraps items in a minimal RSS 2.0 document. */
export function rss(items: string, channelExtra = ""): Uint8Array {
  return utf8(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>${channelExtra}${items}</channel></rss>`);
}

/** True when the string contains an unpaired UTF-16 surrogate. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
