/**
 * Independent checks of a draft by each platform's own counting, written against twitter-text,
 * Intl.Segmenter and Buffer directly (not the code under test), so a counting bug there shows here.
 */
import { Buffer } from "node:buffer";
import twitterText from "twitter-text";
import { expect } from "vitest";
import type { Channel, DraftOutcome, PostDraft } from "../../../../packages/core/src/plans/plan.ts";

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export function graphemesOf(text: string): string[] {
  return [...segmenter.segment(text)].map((s) => s.segment);
}

export const LIMITS: Record<Channel, number> = { x: 280, bluesky: 300, threads: 500, linkedin: 3000, facebook: 63_206, instagram: 2200 };

export const ALL_CHANNELS: Channel[] = ["x", "linkedin", "facebook", "instagram", "bluesky", "threads"];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function okDraft(outcome: DraftOutcome | undefined): PostDraft {
  expect(outcome?.status, JSON.stringify(outcome)).toBe("ok");
  if (outcome?.status !== "ok") throw new Error("not ok");
  return outcome.draft;
}

/** Asserts `draft` is publishable on its channel, counted the platform's way. */
export function expectPlatformValid(draft: PostDraft, campaign?: string): void {
  const { channel, text } = draft;
  const where = `${channel}: ${JSON.stringify(text)}`;
  expect(text.trim(), where).not.toBe("");
  expect(LONE_SURROGATE.test(text), where).toBe(false);
  // "Characters" channels: UTF-16 length, which bounds graphemes and code points too.
  if (channel !== "x" && channel !== "bluesky") {
    expect(text.length, where).toBeLessThanOrEqual(LIMITS[channel]);
    expect(draft.length).toEqual({ unit: "characters", value: text.length, limit: LIMITS[channel] });
  }
  expect(draft.length.limit, where).toBe(LIMITS[channel]);
  expect(draft.length.value, where).toBeLessThanOrEqual(draft.length.limit);

  if (channel === "x") {
    const parsed = twitterText.parseTweet(text);
    expect(parsed.valid, where).toBe(true);
    expect(parsed.weightedLength, where).toBeLessThanOrEqual(280);
    expect(draft.length).toEqual({ unit: "weighted", value: parsed.weightedLength, limit: 280 });
    expect(twitterText.extractCashtags(text).length, where).toBeLessThanOrEqual(1);
    expect(draft.hashtags.length).toBeLessThanOrEqual(3);
    if (draft.link !== null) expect(twitterText.extractUrls(text), where).toContain(draft.link);
  }
  if (channel === "bluesky") {
    const count = graphemesOf(text).length;
    expect(count, where).toBeLessThanOrEqual(300);
    expect(draft.length).toEqual({ unit: "graphemes", value: count, limit: 300 });
    const bytes = Buffer.from(text, "utf8");
    expect(bytes.length, where).toBeLessThanOrEqual(3000);
    expect(draft.hashtags.length).toBeLessThanOrEqual(3);
    const linkFacets = draft.facets.filter((f) => f.features.some((x) => x.$type === "app.bsky.richtext.facet#link"));
    if (draft.link === null) {
      expect(linkFacets).toEqual([]);
    } else {
      expect(linkFacets.length, where).toBe(1);
      const facet = linkFacets[0]!;
      const feature = facet.features[0]!;
      expect(feature).toEqual({ $type: "app.bsky.richtext.facet#link", uri: draft.link });
      const covered = bytes.subarray(facet.index.byteStart, facet.index.byteEnd).toString("utf8");
      // The covered text is the link as shown: the link itself, or host/path display text.
      const host = new URL(draft.link).hostname.replace(/^www\./, "");
      expect(covered.startsWith(host) || covered === draft.link, `${where} covers ${covered}`).toBe(true);
      expect(covered).not.toMatch(/\s/);
      expect(text).toContain(covered);
    }
    for (const facet of draft.facets) {
      for (const feature of facet.features) {
        if (feature.$type !== "app.bsky.richtext.facet#tag") continue;
        expect(bytes.subarray(facet.index.byteStart, facet.index.byteEnd).toString("utf8")).toBe(`#${feature.tag}`);
      }
    }
  } else {
    expect(draft.facets).toEqual([]);
  }
  if (channel === "instagram") {
    expect(text, where).not.toMatch(/https?:\/\//i);
    expect(text, where).not.toMatch(/\bwww\./i);
    expect((text.match(/#[\p{L}\p{N}_]+/gu) ?? []).length).toBeLessThanOrEqual(30);
    if (draft.link === null) expect(text).not.toMatch(/link in bio/i);
    else expect(text).toContain("Link in bio");
  }
  if (channel === "threads") expect(draft.hashtags.length).toBeLessThanOrEqual(1);
  if (channel === "facebook") expect(text.length, where).toBeLessThan(1000);
  if (channel !== "x" && channel !== "bluesky" && channel !== "instagram" && draft.link !== null) {
    expect(text, where).toContain(draft.link);
  }
  if (draft.link !== null) {
    const u = new URL(draft.link);
    expect(u.searchParams.get("utm_source")).toBe(channel);
    expect(u.searchParams.get("utm_medium")).toBe("social");
    expect(draft.link).toMatch(new RegExp(`[?&]utm_source=${channel}&utm_medium=social&utm_campaign=[a-z0-9-]+(?:#|$)`));
    if (campaign !== undefined) expect(u.searchParams.get("utm_campaign")).toBe(campaign);
  }
  for (const tag of draft.hashtags) expect(text).toContain(tag);
  for (const tag of draft.cashtags) {
    expect(tag).toMatch(/^\$[A-Z]{1,6}$/);
    expect(text).toContain(tag);
  }
}
