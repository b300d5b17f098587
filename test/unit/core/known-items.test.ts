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

  it("is bounded: a document longer than the bound keeps its first (newest) items", () => {
    expect(KNOWN_ITEMS_LIMIT).toBe(500);
    const long = rememberItems(ids(0, 700));
    expect(long).toHaveLength(500);
    expect(long).toEqual(ids(0, 500).map(knownItemKey));
    expect(rememberItems(ids(0, 10), 4)).toEqual(ids(0, 4).map(knownItemKey));
    // Repeats do not use up the bound.
    expect(rememberItems([id(1), id(1), id(2), id(1), id(3)], 3)).toEqual([id(1), id(2), id(3)].map(knownItemKey));
  });

  it("is the last document's items only: an item it no longer lists is forgotten", () => {
    const before = rememberItems([id(5), id(4), id(3)]);
    expect(before).toEqual([id(5), id(4), id(3)].map(knownItemKey));
    expect(rememberItems([id(6), id(5), id(4)])).toEqual([id(6), id(5), id(4)].map(knownItemKey));
  });

  it("reads a state's memory, or none", () => {
    expect(knownItemsOf(undefined).size).toBe(0);
    const state = { knownItems: rememberItems([id(1), id(2)]) } as FeedState;
    const known = knownItemsOf(state);
    expect(known.has(knownItemKey(id(1)))).toBe(true);
    expect(known.has(knownItemKey(id(3)))).toBe(false);
  });
});
