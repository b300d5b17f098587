import type { FeedState } from "../releases/release.ts";

/**
 * Known-item memory: the feed state keeps the identities of the items of the last document a feed
 * processed, so that a changed document (new bytes, new ETag) looks up in the release store only the
 * items it has not seen. A wire's "latest news" feed of 50 items usually gains one or two, and the
 * other 48 cost no read.
 *
 * Why it cannot hide a new release, nor forget one whose processing did not finish:
 * - an entry is the first KEY_CHARS characters of the item's release id hash, the very key the
 *   release store creates a release under (`releaseIdFor`). An item counts as known only when it
 *   derives the same release id as an item this feed settled before; a new item has a new id (a
 *   72-bit prefix: a chance collision with one of 500 entries is about 1 in 10^19). Anything that
 *   changes the id (a changed link, a learnt volatile parameter, another identity rule) makes the
 *   item unknown, and it is looked up as before: the memory can only save reads, never decide;
 * - the memory is written with the feed state, which a poll writes last, after every write of the
 *   document succeeded (creates, sources, aliases, seen keys, outbox). A poll that fails on the way
 *   keeps the memory it started from, so an item whose create failed is looked up again next time;
 * - what a remembered item needed is done for good: its release (or alias) exists and lists this
 *   feed as a source, and releases, aliases and sources are never removed.
 */

/**
 * At most this many identities are remembered per feed (13 bytes each in the state item). Only the
 * last document's: the state is read on every tick and written on every change, so its size is paid
 * for again and again (a state over 4 KB costs a second read unit, every 1 KB a write unit), and an
 * identity the feed no longer lists is unlikely to be needed.
 */
export const KNOWN_ITEMS_LIMIT = 500;

/** Characters of the release id hash kept per entry (base64url: 6 bits each, 72 bits). */
const KEY_CHARS = 12;

/** The memory's entry for a release id (`r_<hash>`): a prefix of its hash. */
export function knownItemKey(releaseId: string): string {
  return releaseId.startsWith("r_") ? releaseId.slice(2, 2 + KEY_CHARS) : releaseId.slice(0, KEY_CHARS);
}

/** The identities a feed state remembers, for lookups by `knownItemKey`. */
export function knownItemsOf(state: FeedState | undefined): ReadonlySet<string> {
  return new Set(state?.knownItems ?? []);
}

/**
 * The memory after a document whose items were all settled: the document's release ids in document
 * order, without repeats, cut at `limit`. Wires list the newest first, so a document longer than the
 * bound keeps its newest items, the ones the next document still lists; the rest are looked up as
 * before.
 */
export function rememberItems(settledReleaseIds: readonly string[], limit = KNOWN_ITEMS_LIMIT): string[] {
  const out = new Set<string>();
  for (const id of settledReleaseIds) {
    if (out.size >= limit) break;
    out.add(knownItemKey(id));
  }
  return [...out];
}
