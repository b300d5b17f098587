/**
 * Text measurement and cleaning primitives shared by the draft rules: grapheme clusters
 * (Intl.Segmenter), UTF-8 byte lengths (for Bluesky facets) and removal of characters that
 * have no business in a post (control characters, lone surrogates, bidi overrides).
 */

let graphemeSegmenter: Intl.Segmenter | undefined;

function segmenter(): Intl.Segmenter {
  // Grapheme segmentation is locale-independent (UAX #29), so no locale is passed.
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return graphemeSegmenter;
}

/** The user-perceived characters of `text`, in order. */
export function graphemes(text: string): string[] {
  const out: string[] = [];
  for (const seg of segmenter().segment(text)) out.push(seg.segment);
  return out;
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

/**
 * Control characters (C0/C1 except whitespace, which is collapsed anyway), the BOM and the
 * non-characters U+FFFE/U+FFFF (twitter-text rejects posts containing them), and explicit
 * bidi embeddings/overrides/isolates (U+202A-U+202E, U+2066-U+2069) that would otherwise
 * re-order the text after them. LRM/RLM marks are kept: they are legitimate in RTL text.
 */
const UNWANTED = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF\uFFFE\uFFFF]/g;

/** Untrusted plain text -> one line: unwanted characters removed, whitespace collapsed, trimmed. */
export function cleanLine(text: string): string {
  return text
    .replace(LONE_SURROGATE_G, "\uFFFD")
    .replace(UNWANTED, "")
    .replace(/\s+/gu, " ")
    .trim();
}

/** Scripts written without spaces between words: a grapheme boundary is a word boundary there. */
const NO_SPACE_SCRIPT = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}\u3000-\u303F\uFF00-\uFFEF]/u;

export function isNoSpaceScript(grapheme: string): boolean {
  return NO_SPACE_SCRIPT.test(grapheme);
}

/** A grapheme that is an emoji (pictograph, with any modifiers/ZWJ parts) or a flag. */
export function isEmoji(grapheme: string): boolean {
  return /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator})/u.test(grapheme);
}
