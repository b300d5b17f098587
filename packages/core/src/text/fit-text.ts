/**
 * The one place untrusted text is cleaned, measured and fitted to a limit: post drafts, ad briefs,
 * emails (text, HTML and headers) and feed items all use it, so they strip the same characters and
 * shorten text the same way.
 *
 * Cleaning (`multiLine`, `oneLine`, `cleanText`) applies one rule, STRIPPED_CHARACTERS below.
 *
 * Fitting (`fitText`, `truncateText`, `fitTo`) keeps the longest prefix that fits, cut only:
 * - at a sentence end (no ellipsis), when asked to and one keeps at least half of what a word cut would;
 * - else between words: next to a space, at a dictionary word boundary in scripts written without
 *   spaces (CJK, Thai), or between two emoji; never inside a URL, #hashtag, $cashtag or @mention;
 * - else, when allowed, between grapheme clusters (a single word longer than the limit);
 * and never inside a grapheme cluster (emoji sequences, flags, combining marks) or a surrogate pair.
 * A cut that is not a sentence end loses trailing spaces and punctuation and is marked with "…".
 *
 * Measures: `measureCharacters` (UTF-16 code units, the strictest reading of "characters"),
 * `measureGraphemes`, and `measureXWeighted` (X's weighted length from twitter-text).
 */
import { graphemeBoundaryAtOrAfter, graphemeCount, graphemes, isEmoji, isNoSpaceScript, wellFormed, wordBoundaries } from "./text-units.ts";
import { parseTweet } from "./x-counting.ts";

export const ELLIPSIS = "…";

// ---------------------------------------------------------------------------------------------------
// Cleaning.

/** CR LF, CR, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR: each becomes "\n" before stripping. */
const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;

/**
 * The characters stripped from every untrusted text:
 * - C0 controls except TAB and LF (every line break is LF by then), DEL and the C1 controls;
 * - bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which re-order the text
 *   after them (a "trojan source" in a post, a subject or a brief);
 * - invisible characters with no business in a post: ZERO WIDTH SPACE, WORD JOINER and the BOM;
 * - the non-characters U+FFFE and U+FFFF (twitter-text rejects a post holding them).
 * Kept: ZWJ and ZWNJ (emoji sequences and several scripts need them) and the LRM, RLM and ALM marks
 * (legitimate in right-to-left text, and they re-order nothing). Lone surrogates become U+FFFD.
 */
// eslint-disable-next-line no-control-regex
export const STRIPPED_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B\u202A-\u202E\u2060\u2066-\u2069\uFEFF\uFFFE\uFFFF]/g;

/** Multi-line text (a draft, an email body): lines kept as "\n" (tabs kept), STRIPPED_CHARACTERS removed, NFC. */
export function multiLine(text: string | null | undefined): string {
  if (typeof text !== "string") return "";
  return wellFormed(text).replace(LINE_BREAKS, "\n").replace(STRIPPED_CHARACTERS, "").normalize("NFC");
}

/** One line (a headline, a subject, a table cell): multiLine, then every run of whitespace one space, trimmed. */
export function oneLine(text: string | null | undefined): string {
  return multiLine(text).replace(/\s+/gu, " ").trim();
}

/** oneLine, at most `maxCodeUnits` long (fitted between words). Very long input is pre-bounded cheaply. */
export function cleanText(text: string, maxCodeUnits: number): string {
  // Whitespace may shrink the text, so twice the limit is kept; never half a surrogate pair.
  const bounded = text.length > maxCodeUnits * 2 ? text.slice(0, maxCodeUnits * 2).replace(/[\ud800-\udbff]$/, "") : text;
  return fitText(oneLine(bounded), maxCodeUnits, measureCharacters);
}

const URL_RE = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"]+/gi;

/** Removes links (with a scheme or www.) so copy never carries a raw URL. */
export function stripUrls(text: string): string {
  // Punctuation right after a link belongs to the sentence, not the link.
  const stripped = text.replace(URL_RE, (url) => ` ${/[.,;:!?)\]]+$/.exec(url)?.[0] ?? ""}`);
  return stripped.replace(/ {2,}/g, " ").replace(/\s+([,.;:!?])/g, "$1").trim();
}

// ---------------------------------------------------------------------------------------------------
// Measures.

export type Measure = (text: string) => number;

/** UTF-16 code units: never fewer than code points or graphemes, so a safe stand-in for "characters". */
export const measureCharacters: Measure = (text) => text.length;

/** User-perceived characters (Bluesky's count). */
export const measureGraphemes: Measure = (text) => graphemeCount(text);

/** X's weighted length as twitter-text counts it: URLs 23, CJK and emoji 2, most else 1 (NFC first). */
export const measureXWeighted: Measure = (text) => parseTweet(text).weightedLength;

// ---------------------------------------------------------------------------------------------------
// Fitting.

/** Tokens that must stay whole: URLs (with or without scheme), #hashtags, $cashtags, @mentions. */
const PROTECTED = /(?:https?:\/\/|www\.)\S+|[#$@][\p{L}\p{M}\p{N}_]+/giu;

/** Trailing characters that read badly before an ellipsis. */
const DANGLING = /[\s.,;:\-–—/&(\[{«"“‘'·|、，。：；]+$/u;

/**
 * How far (UTF-16 code units) before the best cut between words a sentence end may be and still be
 * preferred; with measureCharacters also how far back from the limit cut points are looked for.
 */
export const CUT_LOOKBACK = 256;

/** Where `text` may be cut, computed once and reused for every limit tried. */
export interface CutPoints {
  text: string;
  /** UTF-16 offset of each grapheme cluster considered (all of them unless a window start was given). */
  offsets: number[];
  /** Indexes into offsets where a cut is between words (ascending, never the first or past the end). */
  words: number[];
  /** Indexes where a cut is outside protected tokens (for breaking a single long word). */
  graphemes: number[];
  /** Every index (last resort: a single token longer than the limit). */
  anywhere: number[];
  /** Indexes at which a sentence ends (computed on first use). */
  sentences?: number[];
}

/**
 * The cut points of `text`. With `from`, only cuts at or after that offset are considered (the
 * grapheme boundary at or after it), so a long text costs only its window; minGraphemes then counts
 * from the window start.
 */
export function cutPoints(text: string, from = 0): CutPoints {
  const start = graphemeBoundaryAtOrAfter(text, from);
  const parts = graphemes(text.slice(start));
  const offsets: number[] = [];
  let o = start;
  for (const g of parts) {
    offsets.push(o);
    o += g.length;
  }
  const inside = new Array<boolean>(parts.length).fill(false);
  PROTECTED.lastIndex = 0;
  let i = 0;
  for (let m = PROTECTED.exec(text); m !== null; m = PROTECTED.exec(text)) {
    const end = m.index + m[0].length;
    if (end <= start) continue;
    while (i < parts.length && offsets[i]! <= m.index) i++;
    while (i < parts.length && offsets[i]! < end) inside[i++] = true;
  }
  // Each grapheme classified once: 1 = space, 2 = emoji, 4 = script written without spaces.
  const kinds = parts.map(graphemeKind);
  const dictionary = kinds.some((k) => (k & NO_SPACE) !== 0) ? wordBoundaries(text.slice(start)) : undefined;
  const words: number[] = [];
  const graphemeCuts: number[] = [];
  const anywhere: number[] = [];
  for (let i = 1; i < parts.length; i++) {
    anywhere.push(i);
    if (inside[i] === true) continue;
    graphemeCuts.push(i);
    const prev = kinds[i - 1]!;
    const next = kinds[i]!;
    const wordBreak =
      ((prev | next) & SPACE) !== 0 ||
      (prev & next & EMOJI) !== 0 ||
      (dictionary !== undefined && ((prev | next) & NO_SPACE) !== 0 && dictionary.has(offsets[i]! - start));
    if (wordBreak) words.push(i);
  }
  return { text, offsets, words, graphemes: graphemeCuts, anywhere };
}

const SPACE = 1;
const EMOJI = 2;
const NO_SPACE = 4;

function graphemeKind(g: string): number {
  const c = g.charCodeAt(0);
  if (g.length === 1 && c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d) ? SPACE : 0;
  return (/^\s/u.test(g) ? SPACE : 0) | (isEmoji(g) ? EMOJI : 0) | (isNoSpaceScript(g) ? NO_SPACE : 0);
}

/** `text` without trailing spaces and punctuation (looked for in its last characters only). */
function withoutDangling(text: string): string {
  let out = text;
  for (;;) {
    const tail = out.slice(-32);
    const trimmed = tail.replace(DANGLING, "");
    if (trimmed === tail) return out;
    out = out.slice(0, out.length - tail.length) + trimmed;
    if (trimmed !== "") return out;
  }
}

/** The text kept when cutting at cut point `i`: trailing spaces and punctuation removed, "…" added. */
function cutAt(c: CutPoints, i: number): string {
  const kept = withoutDangling(c.text.slice(0, c.offsets[i]));
  return kept === "" ? "" : kept + ELLIPSIS;
}

/** The text kept when stopping at the sentence end at cut point `i`. */
function sentenceAt(c: CutPoints, i: number): string {
  return c.text.slice(0, c.offsets[i]).trimEnd();
}

export interface FitRules {
  /** Keep at least this many graphemes (default 1). */
  minGraphemes?: number;
  /**
   * Stop at a sentence end, without an ellipsis, when it keeps at least half of what the best cut
   * between words keeps and is at most CUT_LOOKBACK before it.
   */
  preferSentenceEnd?: boolean;
  /** When no cut between words fits, cut between graphemes (outside URLs and tags). */
  breakWords?: boolean;
  /** When that does not fit either, cut between any two graphemes (the result must be bounded). */
  breakTokens?: boolean;
}

/**
 * The longest version of `text` (whole, or cut as the rules allow) for which `fits` holds, or null.
 * `fits` must be monotone in the kept length, which every platform count used here is.
 */
export function fitTo(text: string | CutPoints, fits: (text: string) => boolean, rules: FitRules = {}): string | null {
  const c = typeof text === "string" ? cutPoints(text) : text;
  if (fits(c.text)) return c.text;
  const min = Math.max(1, rules.minGraphemes ?? 1);
  const longest = (cuts: number[], keep: (i: number) => string): { offset: number; text: string } | null => {
    let lo = cuts.findIndex((n) => n >= min);
    if (lo < 0) return null;
    let hi = cuts.length - 1;
    let best: { offset: number; text: string } | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const i = cuts[mid]!;
      const kept = keep(i);
      if (kept !== "" && fits(kept)) {
        best = { offset: c.offsets[i]!, text: kept };
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  };
  const word = longest(c.words, (i) => cutAt(c, i));
  if (rules.preferSentenceEnd === true) {
    c.sentences ??= sentenceEnds(c);
    const sentence = longest(c.sentences, (i) => sentenceAt(c, i));
    if (sentence !== null && (word === null || (sentence.offset * 2 >= word.offset && word.offset - sentence.offset <= CUT_LOOKBACK))) {
      return sentence.text;
    }
  }
  if (word !== null) return word.text;
  if (rules.breakWords === true) {
    const inWord = longest(c.graphemes, (i) => cutAt(c, i));
    if (inWord !== null) return inWord.text;
  }
  if (rules.breakTokens === true) {
    const anywhere = longest(c.anywhere, (i) => cutAt(c, i));
    if (anywhere !== null) return anywhere.text;
  }
  return null;
}

/**
 * Fits `text` to `limit` under `measure`: unchanged when it fits; else cut at a sentence end, between
 * words, or (one word longer than the limit) between graphemes; "" when not even one grapheme and
 * the ellipsis fit.
 */
export function fitText(text: string, limit: number, measure: Measure): string {
  if (measure(text) <= limit) return text;
  let considered = text;
  let from = 0;
  if (measure === measureCharacters) {
    // What is kept is at most `limit` code units: only cut points in the last CUT_LOOKBACK units
    // before it are looked at (with a little look-ahead for the grapheme, word or sentence after).
    if (text.length > limit + 64) considered = text.slice(0, limit + 64).replace(/[\ud800-\udbff]$/, "");
    from = Math.max(0, limit - CUT_LOOKBACK);
  }
  const rules = { preferSentenceEnd: true, breakWords: true, breakTokens: true };
  return fitTo(cutPoints(considered, from), (t) => t !== considered && measure(t) <= limit, rules) ?? "";
}

/** Bounds `text` to at most `max` UTF-16 code units (the ellipsis included): fitText by characters. */
export function truncateText(text: string, max: number): string {
  return fitText(text, max, measureCharacters);
}

// ---------------------------------------------------------------------------------------------------
// Sentences.

/** Abbreviations whose trailing "." ends no sentence in release copy. */
const ABBREVIATIONS = new Set([
  "inc", "corp", "co", "ltd", "llc", "plc", "dr", "mr", "mrs", "ms", "prof", "st", "no", "vs", "jr", "sr", "dept",
  "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "fig",
  "e.g", "i.e", "etc", "u.s", "u.k", "a.m", "p.m", "s.a", "n.v", "ag",
]);

/** Whether `word` followed by "." is an abbreviation ("Inc.", "Sept."), an initial ("J.") or a dotted acronym ("U.S."). */
export function isAbbreviation(word: string): boolean {
  return ABBREVIATIONS.has(word.toLowerCase()) || /^\p{Lu}$/u.test(word) || /\p{L}\.\p{L}/u.test(word);
}

const TERMINAL_RE = /[.!?。！？]["'”’)\]]?$/u;
const CJK_TERMINAL_RE = /[。！？]["'”’)\]]?$/u;

/** Whether `text.slice(0, i)` ends a sentence: a terminal mark followed by a space or the end of text. */
function endsSentenceAt(text: string, i: number): boolean {
  const before = text.slice(Math.max(0, i - 40), i);
  if (!TERMINAL_RE.test(before)) return false;
  if (CJK_TERMINAL_RE.test(before)) return true;
  if (i < text.length && !/\s/u.test(text[i]!)) return false;
  const word = /([\p{L}.]+)\.["'”’)\]]?$/u.exec(before)?.[1];
  return !(word !== undefined && before.endsWith(".") && isAbbreviation(word));
}

const AFTER_TERMINAL = /[.!?。！？"'”’)\]]/u;

function sentenceEnds(c: CutPoints): number[] {
  const out: number[] = [];
  for (let i = 1; i < c.offsets.length; i++) {
    const at = c.offsets[i]!;
    if (AFTER_TERMINAL.test(c.text[at - 1]!) && endsSentenceAt(c.text, at)) out.push(i);
  }
  return out;
}
