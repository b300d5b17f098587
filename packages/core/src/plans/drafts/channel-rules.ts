/**
 * Each channel's rules, counted the way the platform counts, and validation of a draft's text
 * against them (used for composed drafts and, later, for a social manager's edits).
 *
 * Counting:
 * - X: twitter-text parseTweet weighted length (URLs 23, CJK/emoji 2), limit 280, parseTweet().valid.
 * - Bluesky: grapheme clusters (Intl.Segmenter), limit 300; the post lexicon also caps the text at
 *   3,000 UTF-8 bytes, which long emoji sequences can reach before 300 graphemes.
 * - LinkedIn (3,000), Facebook (63,206), Threads (500), Instagram (2,200): "characters" are counted as
 *   UTF-16 code units (String.length). That is never less than the number of graphemes or code points,
 *   so it is the strictest reading of "characters" and a draft that passes it passes the others.
 */
import type { Channel, DraftLength, LinkFacet } from "../plan-parts.ts";
import { measureCharacters, measureGraphemes, measureXWeighted } from "../../text/fit-text.ts";
import { graphemeCount, hasLoneSurrogate, utf8Length } from "../../text/text-units.ts";
import { extractXUrls, parseTweet, X_MAX_WEIGHTED_LENGTH } from "../../text/x-counting.ts";

export interface ChannelRules {
  unit: DraftLength["unit"];
  /** The platform's hard limit. */
  limit: number;
  /** What drafts aim for (Facebook allows 63,206 but posts read best under 1,000 characters). */
  target: number;
  /** Trend hashtags added at most (the platform may allow more). */
  maxHashtags: number;
  /** Cashtags added at most. */
  maxCashtags: number;
  /** Whether drafts carry a quote from the release. */
  quote: boolean;
  /** How the link appears: the URL itself, a facet over short display text, or not at all ("Link in bio"). */
  link: "inline" | "facet" | "bio";
  /** Words before the link, if any. */
  linkLabel: string;
  /** Longest key fact considered before fitting, in graphemes. */
  keyFactMax: number;
}

export const CHANNEL_RULES: Record<Channel, ChannelRules> = {
  // X: at most one cashtag per post, to be safe (see the notes in index.ts).
  x: { unit: "weighted", limit: X_MAX_WEIGHTED_LENGTH, target: X_MAX_WEIGHTED_LENGTH, maxHashtags: 3, maxCashtags: 1, quote: false, link: "inline", linkLabel: "", keyFactMax: 280 },
  bluesky: { unit: "graphemes", limit: 300, target: 300, maxHashtags: 3, maxCashtags: 2, quote: false, link: "facet", linkLabel: "", keyFactMax: 300 },
  // Threads turns only one hashtag per post into a topic tag; more would read as clutter.
  threads: { unit: "characters", limit: 500, target: 500, maxHashtags: 1, maxCashtags: 2, quote: false, link: "inline", linkLabel: "", keyFactMax: 400 },
  linkedin: { unit: "characters", limit: 3000, target: 3000, maxHashtags: 5, maxCashtags: 2, quote: true, link: "inline", linkLabel: "Read more: ", keyFactMax: 600 },
  facebook: { unit: "characters", limit: 63_206, target: 999, maxHashtags: 3, maxCashtags: 2, quote: true, link: "inline", linkLabel: "Read more: ", keyFactMax: 500 },
  // Instagram allows 30 hashtags; drafts use at most 5 (Instagram has been moving to fewer tags).
  instagram: { unit: "characters", limit: 2200, target: 2200, maxHashtags: 5, maxCashtags: 2, quote: true, link: "bio", linkLabel: "", keyFactMax: 600 },
};

export const BLUESKY_MAX_BYTES = 3000;
export const INSTAGRAM_MAX_HASHTAGS = 30;
export const LINK_FACET = "app.bsky.richtext.facet#link";
export const TAG_FACET = "app.bsky.richtext.facet#tag";

/** The draft's length by the platform's own count. */
export function measure(channel: Channel, text: string): DraftLength {
  const rules = CHANNEL_RULES[channel];
  switch (rules.unit) {
    case "weighted":
      return { unit: "weighted", value: measureXWeighted(text), limit: rules.limit };
    case "graphemes":
      return { unit: "graphemes", value: measureGraphemes(text), limit: rules.limit };
    case "characters":
      return { unit: "characters", value: measureCharacters(text), limit: rules.limit };
  }
}

/** An http(s) or www. URL, as Instagram would print it unlinked. */
export const BARE_URL = /(?:https?:\/\/|www\.)[^\s]+/iu;

/** Hashtags as platforms see them: "#" after start/space/punctuation, then letters, digits, "_". */
export function hashtagsIn(text: string): string[] {
  return text.match(/(?<![\p{L}\p{M}\p{N}_&#])#[\p{L}\p{M}\p{N}_]*[\p{L}\p{M}_][\p{L}\p{M}\p{N}_]*/gu) ?? [];
}

function describe(length: DraftLength, channel: Channel): string {
  const unit = length.unit === "weighted" ? "weighted characters" : length.unit;
  return `${channel} text is ${length.value} ${unit}; the limit is ${length.limit}`;
}

function checkFacets(text: string, facets: LinkFacet[], link: string | null | undefined): string | null {
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let previousEnd = 0;
  const sorted = [...facets].sort((a, b) => a.index.byteStart - b.index.byteStart);
  let linked = false;
  for (const facet of sorted) {
    const { byteStart, byteEnd } = facet.index;
    if (!Number.isInteger(byteStart) || !Number.isInteger(byteEnd) || byteStart < 0 || byteEnd <= byteStart || byteEnd > bytes.length) {
      return `a facet's byte range ${byteStart}-${byteEnd} is outside the text (${bytes.length} bytes)`;
    }
    if (byteStart < previousEnd) return `facets overlap at byte ${byteStart}`;
    previousEnd = byteEnd;
    let covered: string;
    try {
      covered = decoder.decode(bytes.subarray(byteStart, byteEnd));
    } catch {
      return `a facet's byte range ${byteStart}-${byteEnd} splits a character`;
    }
    if (facet.features.length === 0) return `the facet at bytes ${byteStart}-${byteEnd} has no feature`;
    for (const feature of facet.features) {
      if (feature.$type === LINK_FACET) {
        if (!/^https?:\/\/\S+$/i.test(feature.uri)) return `a link facet's uri is not an http(s) URL`;
        if (/\s/u.test(covered) || covered.trim() === "") return `a link facet covers "${covered}", which is not link text`;
        if (link !== undefined && link !== null && feature.uri === link) linked = true;
      } else if (feature.$type === TAG_FACET) {
        if (covered !== `#${feature.tag}`) return `a tag facet covers "${covered}" instead of "#${feature.tag}"`;
        if (graphemeCount(feature.tag) > 64) return `the tag "${feature.tag}" is longer than 64 graphemes`;
      } else {
        return `unknown facet feature`;
      }
    }
  }
  if (link !== undefined && link !== null && !linked) return "no link facet points at the tracked link";
  return null;
}

/** Whether `text` contains `link` as a whole token (not as the start of a longer URL). */
function containsWhole(text: string, link: string): boolean {
  for (let at = text.indexOf(link); at !== -1; at = text.indexOf(link, at + 1)) {
    const next = text.charAt(at + link.length);
    if (next === "" || /\s/u.test(next)) return true;
  }
  return false;
}

export type DraftValidation = { ok: true; length: DraftLength } | { ok: false; reason: string; length: DraftLength };

/**
 * Checks `text` against `channel`'s rules, counted the platform's way. With `link`, also checks the
 * link is there the way the channel shows it (in the text; as a Bluesky facet; or, on Instagram, not
 * in the text). With `facets` (Bluesky), checks their UTF-8 byte ranges against the text.
 */
export function validateDraftText(
  channel: Channel,
  text: string,
  opts: { link?: string | null; facets?: LinkFacet[] } = {},
): DraftValidation {
  const length = measure(channel, text);
  const fail = (reason: string): DraftValidation => ({ ok: false, reason, length });
  if (text.trim() === "") return fail(`${channel} text is empty`);
  if (hasLoneSurrogate(text)) return fail(`${channel} text contains a broken character (unpaired surrogate)`);
  if (length.value > length.limit) return fail(describe(length, channel));
  const link = opts.link ?? null;
  switch (channel) {
    case "x": {
      if (!parseTweet(text).valid) return fail("twitter-text rejects the text (it contains characters X does not allow)");
      if (link !== null && !extractXUrls(text).includes(link)) return fail("the tracked link is not in the text as one URL X recognises");
      break;
    }
    case "bluesky": {
      const bytes = utf8Length(text);
      if (bytes > BLUESKY_MAX_BYTES) return fail(`bluesky text is ${bytes} UTF-8 bytes; the limit is ${BLUESKY_MAX_BYTES}`);
      const problem = checkFacets(text, opts.facets ?? [], link);
      if (problem !== null) return fail(problem);
      break;
    }
    case "instagram": {
      if (BARE_URL.test(text)) return fail("Instagram captions cannot carry clickable links; put the link in the bio");
      const tags = hashtagsIn(text).length;
      if (tags > INSTAGRAM_MAX_HASHTAGS) return fail(`instagram text has ${tags} hashtags; the limit is ${INSTAGRAM_MAX_HASHTAGS}`);
      break;
    }
    default: {
      if (link !== null && !containsWhole(text, link)) return fail("the tracked link is missing from the text");
    }
  }
  return { ok: true, length };
}
