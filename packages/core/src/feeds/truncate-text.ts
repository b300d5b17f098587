/**
 * Length bounding for untrusted text: cuts at a word boundary when one is near, otherwise at a
 * grapheme-cluster boundary, never inside a surrogate pair, and marks the cut with "…".
 */

const ELLIPSIS = "…";
/** How far back from the limit a word boundary may be to be preferred over a grapheme cut. */
const WORD_LOOKBACK = 200;

let segmenter: Intl.Segmenter | undefined;

/** Bounds `text` to at most `max` UTF-16 code units (the ellipsis included). */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  if (max === 1) return ELLIPSIS;
  const limit = max - ELLIPSIS.length; // room for the ellipsis
  let cut = graphemeBoundaryAtOrBefore(text, limit);
  // Prefer the last whitespace inside the look-back window.
  const floor = Math.max(1, limit - WORD_LOOKBACK, Math.floor(limit / 2));
  for (let i = cut; i >= floor; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x3000) {
      cut = i;
      break;
    }
  }
  return text.slice(0, cut).trimEnd() + ELLIPSIS;
}

function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  let cut = index;
  // Never split a surrogate pair: if the unit before the cut is a high surrogate, step back.
  const before = text.charCodeAt(cut - 1);
  if (before >= 0xd800 && before <= 0xdbff) cut -= 1;
  // Clusters (combining marks, ZWJ emoji, flags) are short; segment a small window around the cut.
  const start = Math.max(0, cut - 64);
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  let boundary = start;
  for (const seg of segmenter.segment(text.slice(start, Math.min(text.length, cut + 64)))) {
    const pos = start + seg.index;
    if (pos > cut) break;
    boundary = pos;
    if (pos + seg.segment.length <= cut) boundary = pos + seg.segment.length;
  }
  return boundary;
}
