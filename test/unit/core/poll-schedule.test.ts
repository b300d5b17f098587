import { describe, expect, it } from "vitest";
import { MAX_BACKOFF_SECONDS, isFeedDue, nextPollAfterFailure, nextScheduledPoll, parseConfig, type FeedState } from "@pressbridge/core";

const feedOf = (id: string, intervalSeconds: number) => parseConfig({ feeds: [{ id, url: "https://x.example/rss", intervalSeconds }] }).feeds[0]!;

const healthy = (feedId: string): FeedState => ({
  feedId,
  version: 1,
  etag: null,
  lastModified: null,
  bodyHash: "h",
  baselineAt: "2026-11-21T00:00:00.000Z",
  lastAttemptAt: null,
  lastSuccessAt: null,
  lastChangeAt: null,
  lastNewItemAt: null,
  consecutiveFailures: 0,
  nextPollAt: null,
  lastError: null,
  lastHttpStatus: 200,
  itemsSeen: 1,
});

describe("isFeedDue", () => {
  it("polls a never-polled feed at once", () => {
    expect(isFeedDue(feedOf("a", 3600), undefined, new Date(), 60)).toBe(true);
  });

  it("polls a feed with interval I on exactly one tick in every I / tick, without any write", () => {
    for (const id of ["alpha", "beta", "gamma", "delta"]) {
      const feed = feedOf(id, 300);
      let due = 0;
      const start = Date.parse("2026-11-21T12:00:00Z");
      for (let t = 0; t < 60; t++) if (isFeedDue(feed, healthy(id), new Date(start + t * 60_000), 60)) due++;
      expect(due).toBe(12);
    }
  });

  it("holds a failing feed until its backoff time", () => {
    const feed = feedOf("a", 60);
    const state = { ...healthy("a"), consecutiveFailures: 3, nextPollAt: "2026-11-21T12:10:00.000Z" };
    expect(isFeedDue(feed, state, new Date("2026-11-21T12:09:59Z"), 60)).toBe(false);
    expect(isFeedDue(feed, state, new Date("2026-11-21T12:10:00Z"), 60)).toBe(true);
  });

  it("never polls a disabled feed", () => {
    const feed = parseConfig({ feeds: [{ id: "off", url: "https://x.example/rss", enabled: false }] }).feeds[0]!;
    expect(isFeedDue(feed, undefined, new Date(), 60)).toBe(false);
  });
});

describe("backoff", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  it("doubles with each failure, caps, and honours Retry-After", () => {
    const feed = feedOf("a", 60);
    const delay = (n: number, retryAfter?: number) => (nextPollAfterFailure(feed, n, now, retryAfter, () => 0).getTime() - now.getTime()) / 1000;
    expect(delay(1)).toBe(120);
    expect(delay(2)).toBe(240);
    expect(delay(3)).toBe(480);
    expect(delay(30)).toBe(MAX_BACKOFF_SECONDS);
    expect(delay(1, 900)).toBe(900);
    expect(nextPollAfterFailure(feed, 1, now, undefined, () => 0.999).getTime() - now.getTime()).toBeLessThanOrEqual(132_000);
  });

  it("schedules a healthy feed's next poll on its own phase tick", () => {
    const feed = feedOf("phase", 300);
    const next = nextScheduledPoll(feed, now, 60);
    expect(next.getTime()).toBeGreaterThan(now.getTime());
    expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(300_000);
    expect(isFeedDue(feed, healthy("phase"), next, 60)).toBe(true);
  });
});
