import { afterAll, describe, expect, it } from "vitest";
import { createWorkerFeedParser } from "../../../packages/adapters/src/worker-feed-parser.ts";
import { FeedParseError } from "../../../packages/core/src/errors.ts";
import { parseFeed } from "../../../packages/core/src/feeds/index.ts";
import { FEED_URL, fixtureBytes, utf8 } from "./fixtures.ts";

/** A ~4 MB feed that is slow to parse: 1,000 items, each with a long description full of escaped markup. */
function largeFeed(): Uint8Array {
  const description = "&lt;p&gt;Quarterly &amp;amp; annual results &lt;b&gt;up&lt;/b&gt; 20% (NYSE: ACME)&lt;/p&gt; ".repeat(45);
  const items = Array.from(
    { length: 1000 },
    (_, i) =>
      `<item><title>Acme &amp; Co release ${i}</title><link>https://wire.example/news/${i}</link><guid>urn:acme:${i}</guid>` +
      `<pubDate>Mon, 05 Oct 2026 18:15:00 ET</pubDate><description>${description}</description></item>`,
  ).join("\n");
  return utf8(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Big</title><link>https://wire.example/</link>${items}</channel></rss>`);
}

async function rejection(pending: Promise<unknown>): Promise<Error> {
  try {
    await pending;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("createWorkerFeedParser: parseFeed on a worker thread", () => {
  const parser = createWorkerFeedParser();
  afterAll(() => parser.close());

  it("returns exactly what parseFeed returns", async () => {
    for (const file of ["prnewswire-news-releases-list.xml", "talkingpointsmemo-atom-relative-links.atom", "kc0011-forum-gb2312-slash-dates.rss"]) {
      const bytes = fixtureBytes(file);
      expect(await parser.parse(bytes, { feedUrl: FEED_URL }), file).toEqual(await parseFeed(bytes, { feedUrl: FEED_URL }));
    }
  });

  it("keeps the main event loop ticking while a large feed is parsed", async () => {
    const bytes = largeFeed();
    expect(bytes.length).toBeGreaterThan(4_000_000);
    const directStarted = performance.now();
    const direct = await parseFeed(bytes, { feedUrl: FEED_URL });
    // On the main thread this parse would block every timer for its whole duration.
    expect(performance.now() - directStarted).toBeGreaterThan(100);

    const gaps: number[] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 10);
    const started = performance.now();
    let viaWorker;
    try {
      viaWorker = await parser.parse(bytes, { feedUrl: FEED_URL });
    } finally {
      clearInterval(ticker);
    }
    const elapsed = performance.now() - started;
    expect(viaWorker).toEqual(direct);
    expect(viaWorker.items).toHaveLength(1000);
    // The parse takes a good while; the interval kept firing throughout.
    expect(gaps.length).toBeGreaterThan(Math.floor(elapsed / 10 / 3));
    expect(Math.max(...gaps)).toBeLessThan(100);
  });

  it("rejects with a FeedParseError carrying parseFeed's message", async () => {
    const body = utf8(`<rss version="2.0"><nochannel/></rss>`);
    const direct = await rejection(parseFeed(body, { feedUrl: FEED_URL }));
    const viaWorker = await rejection(parser.parse(body, { feedUrl: FEED_URL }));
    expect(viaWorker).toBeInstanceOf(FeedParseError);
    expect(viaWorker.message).toBe(direct.message);
    expect(viaWorker.message).toBe("RSS document has no <channel> element");
  });

  it("serves parses queued together, in any number", async () => {
    const bytes = fixtureBytes("prnewswire-news-releases-list.xml");
    const feeds = await Promise.all(Array.from({ length: 5 }, () => parser.parse(bytes, { feedUrl: FEED_URL })));
    expect(feeds.map((f) => f.items.length)).toEqual([5, 5, 5, 5, 5]);
  });
});

describe("createWorkerFeedParser: timeout and restart", () => {
  it("rejects a parse over the timeout with FeedParseError, and the next parse gets a fresh worker", async () => {
    const parser = createWorkerFeedParser({ timeoutMs: 150 });
    try {
      const error = await rejection(parser.parse(largeFeed(), { feedUrl: FEED_URL }));
      expect(error).toBeInstanceOf(FeedParseError);
      expect(error.message).toBe("feed parse timed out after 150 ms");
      // The stuck worker was terminated; a new one serves the next parse (its start-up is not timed).
      const small = utf8(`<rss version="2.0"><channel><title>T</title><item><title>a</title></item></channel></rss>`);
      expect((await parser.parse(small, { feedUrl: FEED_URL })).items[0]!.title).toBe("a");
    } finally {
      await parser.close();
    }
  });

  it("rejects after close", async () => {
    const parser = createWorkerFeedParser();
    await parser.close();
    await expect(parser.parse(utf8("<rss/>"), { feedUrl: FEED_URL })).rejects.toBeInstanceOf(FeedParseError);
  });
});
