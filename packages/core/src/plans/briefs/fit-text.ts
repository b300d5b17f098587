/**
 * Plain-text handling for ad copy: cleaning untrusted feed text, measuring it the way each platform
 * counts, and fitting it to a limit without ever cutting a grapheme cluster (emoji, flags, combining
 * marks) or, where a word boundary exists, a word in half.
 */

const ELLIPSIS = "…";
const X_LINK_WEIGHT = 23;

let graphemes: Intl.Segmenter | undefined;
let words: Intl.Segmenter | undefined;

function graphemeSegmenter(): Intl.Segmenter {
  graphemes ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  return graphemes;
}

function wordSegmenter(): Intl.Segmenter {
  // ICU's word breaker uses dictionaries for Chinese, Japanese and Thai whatever the locale given.
  words ??= new Intl.Segmenter("en", { granularity: "word" });
  return words;
}

// C0/C1 controls except tab/newline (turned into spaces), bidi embeddings/overrides/isolates,
// LRM/RLM, zero-width space, word joiner and BOM. ZWJ/ZWNJ stay: emoji and several scripts need them.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
const WHITESPACE_RE = /[\s\u00a0\u3000]+/g;

/** Untrusted text as one safe, NFC-normalised line: no control or bidi characters, spaces collapsed. */
export function cleanText(text: string, maxCodeUnits: number): string {
  // Pre-bound very long input cheaply (whitespace may shrink it), never leaving half a surrogate pair.
  const bounded = text.length > maxCodeUnits * 2 ? text.slice(0, maxCodeUnits * 2).replace(/[\ud800-\udbff]$/, "") : text;
  const clean = bounded.normalize("NFC").replace(UNSAFE_CHARS_RE, "").replace(WHITESPACE_RE, " ").trim();
  return fitText(clean, maxCodeUnits, measureCharacters);
}

const URL_RE = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"]+/gi;

/** Removes links (with a scheme or www.) so copy never carries a raw URL; the landing URL is separate. */
export function stripUrls(text: string): string {
  // Punctuation right after a link belongs to the sentence, not the link.
  const stripped = text.replace(URL_RE, (url) => ` ${/[.,;:!?)\]]+$/.exec(url)?.[0] ?? ""}`);
  return stripped.replace(/ {2,}/g, " ").replace(/\s+([,.;:!?])/g, "$1").trim();
}

export type Measure = (text: string) => number;

/** UTF-16 code units: never fewer than code points or graphemes, so a safe stand-in for "characters". */
export const measureCharacters: Measure = (text) => text.length;

// Anything X might turn into a link: scheme/www URLs and bare domains (over-matching only overcounts).
const X_LINKISH_RE = /(?:https?:\/\/|www\.)[^\s]+|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b(?:\/[^\s]*)?/gi;

/**
 * X's weighted length (platform-apis.md §3), counted conservatively: NFC, 2 per emoji sequence,
 * 1 per code point in U+0000-U+10FF or U+2000-U+200D, 2 for any other code point (CJK included;
 * the UNCONFIRMED weight-1 ranges are counted as 2), and 23 for anything link-like.
 */
export const measureXWeighted: Measure = (text) => {
  const nfc = text.normalize("NFC");
  let total = 0;
  let last = 0;
  for (const m of nfc.matchAll(X_LINKISH_RE)) {
    total += weightOfPlain(nfc.slice(last, m.index)) + Math.max(X_LINK_WEIGHT, weightOfPlain(m[0]));
    last = m.index + m[0].length;
  }
  return total + weightOfPlain(nfc.slice(last));
};

const EMOJI_RE = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

function weightOfPlain(text: string): number {
  let total = 0;
  for (const { segment } of graphemeSegmenter().segment(text)) total += graphemeWeight(segment);
  return total;
}

function graphemeWeight(grapheme: string): number {
  if (EMOJI_RE.test(grapheme)) return 2;
  let w = 0;
  for (const ch of grapheme) {
    const cp = ch.codePointAt(0)!;
    w += cp <= 0x10ff || (cp >= 0x2000 && cp <= 0x200d) ? 1 : 2;
  }
  return w;
}

/** The weight a measure gives each grapheme, additive over a string (exact for characters and X's plain text). */
function graphemeCost(measure: Measure, grapheme: string): number {
  return measure === measureXWeighted ? graphemeWeight(grapheme) : measure(grapheme);
}

const TRAILING_JUNK_RE = /[\s,;:\-–—/&(\[{«“‘'"·|]+$/u;

/**
 * Fits `text` to `limit` under `measure`. Text that fits is returned unchanged. Otherwise it is cut at
 * the last sentence end in the second half of the room (no ellipsis), else the last space, else the last
 * word boundary (CJK has no spaces; ICU finds its words), and marked with "…". Only a single word
 * longer than the whole limit is cut inside the word, and then still between grapheme clusters.
 */
export function fitText(text: string, limit: number, measure: Measure): string {
  if (measure(text) <= limit) return text;
  let room = limit;
  // The grapheme-additive estimate can differ from `measure` (X links); shrink until the result fits.
  for (let attempt = 0; attempt < 8 && room > 0; attempt++) {
    const out = cutToRoom(text, room, measure);
    const over = measure(out) - limit;
    if (over <= 0) return out;
    room -= over;
  }
  return "";
}

function cutToRoom(text: string, room: number, measure: Measure): string {
  const ellipsisCost = graphemeCost(measure, ELLIPSIS);
  // End (code-unit index) of the longest grapheme prefix that leaves room for the ellipsis.
  // `fullEnd`: the same without the ellipsis (a cut at a sentence end needs none).
  let used = 0;
  let end = 0;
  let fullEnd = 0;
  for (const { segment, index } of graphemeSegmenter().segment(text)) {
    const cost = graphemeCost(measure, segment);
    if (used + cost > room) break;
    used += cost;
    fullEnd = index + segment.length;
    if (used + ellipsisCost <= room) end = fullEnd;
  }

  // A sentence end in the second half: stop there, no ellipsis needed.
  const sentenceFloor = Math.floor(fullEnd / 2);
  for (let i = fullEnd; i > sentenceFloor; i--) {
    if (endsSentenceAt(text, i)) return text.slice(0, i);
  }
  if (end === 0) return room >= ellipsisCost ? ELLIPSIS : "";
  const head = text.slice(0, end);
  // The last word boundary at or before `end`.
  let cut = 0;
  let spaceCut = 0;
  for (const { index, segment } of wordSegmenter().segment(text)) {
    const segEnd = index + segment.length;
    if (segEnd > end) break;
    cut = segEnd;
    if (/^\s+$/u.test(segment)) spaceCut = index;
  }
  // Prefer a space when one is reasonably close; CJK text relies on the dictionary boundary.
  if (spaceCut > 0 && spaceCut >= Math.floor(end * 0.6)) cut = spaceCut;
  if (cut === 0) cut = end; // one word longer than the limit: cut between graphemes
  const kept = head.slice(0, cut).replace(TRAILING_JUNK_RE, "");
  if (kept === "") return ELLIPSIS;
  return kept + ELLIPSIS;
}

const TERMINAL_RE = /[.!?。！？]["'”’)\]]?$/u;
const CJK_TERMINAL_RE = /[。！？]["'”’)\]]?$/u;
/** Abbreviations whose trailing "." does not end a sentence in release copy. */
const ABBREVIATIONS = new Set([
  "inc", "corp", "co", "ltd", "llc", "plc", "mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "jr", "sr",
  "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
]);

/** Whether `text.slice(0, i)` ends a sentence: a terminal mark followed by a space or the end of text. */
function endsSentenceAt(text: string, i: number): boolean {
  const before = text.slice(Math.max(0, i - 40), i);
  if (!TERMINAL_RE.test(before)) return false;
  if (CJK_TERMINAL_RE.test(before)) return true;
  if (i < text.length && !/\s/u.test(text[i]!)) return false;
  const word = /([\p{L}.]+)\.["'”’)\]]?$/u.exec(before)?.[1];
  if (word !== undefined && before.endsWith(".")) {
    // "Inc.", "Sept.", initials ("J.") and dotted acronyms ("U.S.") do not end a sentence.
    if (ABBREVIATIONS.has(word.toLowerCase()) || word.length === 1 || word.includes(".")) return false;
  }
  return true;
}
