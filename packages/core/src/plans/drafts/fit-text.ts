/**
 * Shortening untrusted text without breaking it: cuts only between words (or between graphemes in
 * scripts written without spaces, such as CJK and Thai, and between two emoji), never inside a grapheme cluster, a URL, a
 * hashtag, a cashtag or a mention, and marks the cut with "…".
 */
import { graphemes, isEmoji, isNoSpaceScript } from "./text-units.ts";

export const ELLIPSIS = "…";

/** Tokens that must stay whole: URLs (with or without scheme), #hashtags, $cashtags, @mentions. */
const PROTECTED = /(?:https?:\/\/|www\.)\S+|[#$@][\p{L}\p{M}\p{N}_]+/giu;

/** Trailing characters that read badly before an ellipsis. */
const DANGLING = /[\s.,;:\-–—(\[{"“'‘/&、，。：；]+$/u;

export interface Shortenable {
  text: string;
  /** Graphemes of text. */
  parts: string[];
  /** Grapheme counts after which a cut is allowed (ascending, excluding 0 and the full length). */
  cuts: number[];
}

export function shortenable(text: string, opts: { allowGraphemeCuts?: boolean } = {}): Shortenable {
  const parts = graphemes(text);
  // UTF-16 offset of each grapheme start, to test protected ranges.
  const offsets: number[] = [];
  let o = 0;
  for (const g of parts) {
    offsets.push(o);
    o += g.length;
  }
  const inside = new Array<boolean>(parts.length).fill(false);
  PROTECTED.lastIndex = 0;
  let i = 0;
  for (let m = PROTECTED.exec(text); m !== null; m = PROTECTED.exec(text)) {
    const start = m.index;
    const end = m.index + m[0].length;
    while (i < parts.length && offsets[i]! <= start) i++;
    while (i < parts.length && offsets[i]! < end) inside[i++] = true;
  }
  const cuts: number[] = [];
  for (let i = 1; i < parts.length; i++) {
    if (inside[i] === true) continue;
    const prev = parts[i - 1]!;
    const next = parts[i]!;
    const wordBreak =
      /^\s/u.test(next) || /^\s/u.test(prev) || isNoSpaceScript(prev) || isNoSpaceScript(next) || (isEmoji(prev) && isEmoji(next));
    if (wordBreak || opts.allowGraphemeCuts === true) cuts.push(i);
  }
  return { text, parts, cuts };
}

/** The text kept when cutting after `count` graphemes: trimmed, dangling punctuation removed, "…" added. */
export function cutAt(s: Shortenable, count: number): string {
  if (count >= s.parts.length) return s.text;
  const kept = s.parts.slice(0, count).join("").replace(DANGLING, "");
  return kept === "" ? "" : kept + ELLIPSIS;
}

/**
 * The longest version of `s` (whole, or cut at an allowed point keeping at least `minGraphemes`)
 * for which `fits` holds, or null. `fits` must be monotone in the kept length, which holds for every
 * platform count used here.
 */
export function longestFitting(s: Shortenable, fits: (text: string) => boolean, minGraphemes = 1): string | null {
  if (fits(s.text)) return s.text;
  const candidates = s.cuts.filter((c) => c >= minGraphemes);
  let lo = 0;
  let hi = candidates.length - 1;
  let best: string | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const text = cutAt(s, candidates[mid]!);
    if (text !== "" && fits(text)) {
      best = text;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}
