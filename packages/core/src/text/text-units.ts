/**
 * Text measurement primitives: grapheme clusters (Intl.Segmenter), UTF-8 byte lengths (for Bluesky
 * facets), lone surrogates, and the script and emoji tests that tell where a word may end. Cleaning
 * and fitting text (the one control-character rule) is fit-text.ts, built on these.
 */

let graphemeSegmenter: Intl.Segmenter | undefined;

function segmenter(): Intl.Segmenter {
  // Grapheme segmentation is locale-independent (UAX #29), so no locale is passed.
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return graphemeSegmenter;
}

let wordSegmenter: Intl.Segmenter | undefined;

/**
 * UTF-16 offsets at which a word starts or ends (UAX #29 with ICU's dictionaries for Chinese,
 * Japanese, Thai, Lao, Khmer and Burmese, whatever the locale), excluding 0 and text.length.
 */
export function wordBoundaries(text: string): Set<number> {
  wordSegmenter ??= new Intl.Segmenter(undefined, { granularity: "word" });
  const out = new Set<number>();
  for (const { index } of wordSegmenter.segment(text)) if (index > 0) out.add(index);
  return out;
}

/** The user-perceived characters of `text`, in order. */
export function graphemes(text: string): string[] {
  const out: string[] = [];
  for (const seg of segmenter().segment(text)) out.push(seg.segment);
  return out;
}

/** The first grapheme boundary at or after `index` (text.length when there is none before the end). */
export function graphemeBoundaryAtOrAfter(text: string, index: number): number {
  if (index <= 0) return 0;
  const seg = segmenter().segment(text).containing(index);
  if (seg === undefined) return text.length;
  return seg.index === index ? index : seg.index + seg.segment.length;
}

export function graphemeCount(text: string): number {
  let n = 0;
  for (const _ of segmenter().segment(text)) n++;
  return n;
}

/** UTF-8 byte length, as Bluesky facets and the lexicon's maxLength count. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3; // lone surrogate: encoded as U+FFFD
    } else bytes += 3;
  }
  return bytes;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_G = new RegExp(LONE_SURROGATE.source, "g");

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** `text` with every lone surrogate replaced by U+FFFD, as a UTF-8 encoder would write it. */
export function wellFormed(text: string): string {
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATE_G, "\uFFFD") : text;
}

/** Scripts written without spaces between words: the word segmenter's dictionaries find their words. */
const NO_SPACE_SCRIPT = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}\u3000-\u303F\uFF00-\uFFEF]/u;

export function isNoSpaceScript(grapheme: string): boolean {
  return NO_SPACE_SCRIPT.test(grapheme);
}

/** A grapheme that is an emoji (pictograph, with any modifiers/ZWJ parts) or a flag. */
export function isEmoji(grapheme: string): boolean {
  return /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator})/u.test(grapheme);
}
