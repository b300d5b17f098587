import { describe, expect, it } from "vitest";
import { KNOWN_ITEMS_LIMIT, knownItemKey, knownItemsOf, rememberItems, releaseIdFor, type FeedState } from "@pressbridge/core";

const id = (n: number): string => releaseIdFor(`url:https://wire.example/news/${n}`);
const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => id(from + i));

describe("the known-item memory", () => {
  it("keys an item by a prefix of the release id the store creates it under", () => {
    const releaseId = id(1);
    expect(knownItemKey(releaseId)).toBe(releaseId.slice(2, 14));
    expect(knownItemKey(releaseId)).toHaveLength(12);
    // Another identity is another key: a new release is never taken for a remembered one.
    const keys = new Set(ids(0, 5_000).map(knownItemKey));
    expect(keys.size).toBe(5_000);
    expect(knownItemKey(releaseIdFor("url:https://wire.example/news/1?page=2"))).not.toBe(knownItemKey(releaseId));
  });

  it("remembers the document's items in document order, without repeats", () => {
    const doc = [id(3), id(1), id(2), id(1)];
    expect(rememberItems(doc)).toEqual([id(3), id(1), id(2)].map(knownItemKey));
  });

  it("keeps earlier entries the document no longer shows after the document's, most recent first", () => {
    const before = rememberItems([id(5), id(4), id(3)]);
    const after = rememberItems([id(6), id(5), id(4)], before);
    expect(after).toEqual([id(6), id(5), id(4), id(3)].map(knownItemKey));
    // An item that comes back moves to the front again instead of appearing twice.
    expect(rememberItems([id(3), id(7)], after)).toEqual([id(3), id(7), id(6), id(5), id(4)].map(knownItemKey));
  });

  it("is bounded: the current document first, the oldest entries dropped", () => {
    expect(KNOWN_ITEMS_LIMIT).toBe(500);
    const old = rememberItems(ids(1_000, 1_400));
    const now = rememberItems(ids(0, 300), old);
    expect(now).toHaveLength(500);
    expect(now.slice(0, 300)).toEqual(ids(0, 300).map(knownItemKey));
    // 200 of the 400 older entries fit, the most recent ones (the front of the older memory).
    expect(now.slice(300)).toEqual(ids(1_000, 1_200).map(knownItemKey));

    // A document longer than the bound: its first 500 items (the newest, on a wire's feed).
    const long = rememberItems(ids(0, 700), now);
    expect(long).toEqual(ids(0, 500).map(knownItemKey));
    expect(rememberItems(ids(0, 10), [], 4)).toEqual(ids(0, 4).map(knownItemKey));
  });

  it("reads a state's memory, or none", () => {
    expect(knownItemsOf(undefined).size).toBe(0);
    const state = { knownItems: rememberItems([id(1), id(2)]) } as FeedState;
    const known = knownItemsOf(state);
    expect(known.has(knownItemKey(id(1)))).toBe(true);
    expect(known.has(knownItemKey(id(3)))).toBe(false);
  });
});
