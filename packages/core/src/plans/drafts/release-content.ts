/**
 * What a post says about a release, taken from its untrusted plain text: the headline, the key fact
 * (first sentence of the summary, wire dateline removed) and a short quote when the summary has one.
 * Nothing here adds markup: HTML-looking text stays literal text.
 */
import type { PlanRelease } from "../plan-parts.ts";
import { ELLIPSIS, isAbbreviation, oneLine } from "../../text/fit-text.ts";
import { graphemeCount } from "../../text/text-units.ts";

export interface ReleaseContent {
  /** The title, or the first sentence of the summary when there is no title. */
  headline: string;
  /** One sentence of news beyond the headline ("" when the summary adds nothing). */
  keyFact: string;
  /** Quoted words from the summary, 20-200 graphemes, without the quote marks ("" when none). */
  quote: string;
}

const SEP = String.raw`\s*(?:-{2,}|[—–]|-)?\s*`;
/** Wire markers; everything up to and including them is dateline. */
const WIRE_MARKERS: RegExp[] = [
  new RegExp(String.raw`\s*/\s*PRNewswire(?:-[^/]{1,40})?\s*/` + SEP, "iu"),
  // Business Wire: "CITY--(BUSINESS WIRE)--", optionally followed by "---- $MX #MOSFET--".
  new RegExp(String.raw`\s*-*\s*\(\s*BUSINESS\s+WIRE\s*\)\s*-*(?:\s*(?:[$#][\p{L}\p{N}_.]+\s*)+-+)?\s*`, "iu"),
  new RegExp(String.raw`\s*\(\s*GLOBE\s*NEWSWIRE\s*\)` + SEP, "iu"),
  // Any other wire in PR Newswire's style, "CITY, Mon. D, YYYY /Wire Name/ --" (the "--" is required).
  new RegExp(String.raw`\s*/\s*\p{L}[\p{L}\p{N} .&'-]{1,40}/\s*(?:-{2,}|[—–])\s*`, "u"),
  new RegExp(String.raw`\s*[/(]\s*(?:ACCESS\s?WIRE|ACCESS\s?Newswire|PRWEB|EINPresswire(?:\.com)?|CNW|Canada\s+NewsWire|Marketwired|Newsfile\s+Corp\.[^)]{0,40})\s*[/)]` + SEP, "iu"),
];

const MONTH = String.raw`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?`;
/** A dateline at the end of the text before a wire marker: "CITY[, Region][, Mon. D, YYYY]". */
const DATELINE_TAIL = new RegExp(
  String.raw`(?:^|\s)[\p{Lu}][\p{Lu}\p{M}\p{N}.'’&-]*(?=[\s,]|$)(?:\s+[\p{Lu}][\p{Lu}\p{M}\p{N}.'’&-]*(?=[\s,]|$))*` +
    String.raw`(?:\s*,\s*[^,]{1,40}?){0,3}?(?:,?\s*${MONTH}\s+\d{1,2},?\s+\d{4})?\s*,?\s*$`,
  "u",
);
const DATE_ONLY_TAIL = new RegExp(String.raw`(?:^|\s)${MONTH}\s+\d{1,2},?\s+\d{4}\s*,?\s*$`, "u");

export interface SummaryParts {
  /** A sub-headline the wire put before the dateline ("" when none). */
  lead: string;
  /** The release body after the dateline (or the whole summary when there is none). */
  body: string;
}

/** Splits off the wire dateline ("NEW YORK, Oct. 5, 2026 /PRNewswire/ --", "CITY--(BUSINESS WIRE)--", ...). */
export function stripDateline(summary: string): SummaryParts {
  const text = oneLine(summary);
  for (const marker of WIRE_MARKERS) {
    const m = marker.exec(text);
    if (m === null || m.index > 600) continue;
    const before = text.slice(0, m.index);
    const body = text.slice(m.index + m[0].length).trim();
    const tail = DATELINE_TAIL.exec(before) ?? DATE_ONLY_TAIL.exec(before);
    const lead = (tail === null ? before : before.slice(0, tail.index)).trim();
    return { lead, body };
  }
  return { lead: "", body: text };
}

/** Whether a double quote opened in `text` is still open at its end. */
function insideQuotes(text: string): boolean {
  let curly = 0;
  let straight = 0;
  for (const c of text) {
    if (c === "“") curly++;
    else if (c === "”") curly = Math.max(0, curly - 1);
    else if (c === '"') straight++;
  }
  return curly > 0 || straight % 2 === 1;
}

/** The first sentence of `text` (the whole text when it has no sentence end). */
export function firstSentence(text: string): string {
  return tidyEnd(text.slice(0, firstSentenceEnd(text)));
}

/** Where the first sentence of `text` ends (text.length when it has no sentence end). */
function firstSentenceEnd(text: string): number {
  // A sentence end: punctuation, closing quotes/brackets, maybe a footnote mark ("dermatitis.1 The").
  const re = /([.!?…。！？]+)(["”’)\]]*)(\d{1,2}(?=\s+\p{Lu}))?(?=\s|$)|([。！？])/gu;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const end = m.index + m[0].length;
    // A footnote mark only follows a word ("dermatitis.1"), never a number ("version 2.0 Ships").
    if (m[3] !== undefined && !/\p{L}$/u.test(text.slice(0, m.index))) continue;
    if (insideQuotes(text.slice(0, end))) continue;
    if (m[1] === ".") {
      const word = /([\p{L}\p{N}.]+)$/u.exec(text.slice(0, m.index))?.[1] ?? "";
      // "Inc.", "Oct.", "U.S.", initials "J." and numbers like "No." do not end a sentence.
      if (isAbbreviation(word)) continue;
      const next = text.slice(end).trimStart();
      if (next !== "" && /^\p{Ll}/u.test(next)) continue;
    }
    return end;
  }
  return text.length;
}

/** A wire's truncation dots ("week....", "the first quarter...") become one ellipsis. */
function tidyEnd(sentence: string): string {
  return sentence
    .trim()
    .replace(/(\p{L}[.!?]["”’)\]]*)\d{1,2}$/u, "$1")
    .replace(/\s*\.{3,}$/u, ELLIPSIS);
}

function comparable(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** Text in straight or curly double quotes, 20-200 graphemes, that is a phrase (has a space). */
export function findQuote(text: string, exclude: string[]): string {
  const re = /["“]([^"“”]{20,600})["”]/gu;
  const excluded = exclude.map(comparable).filter((e) => e !== "");
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const inner = (m[1] ?? "").trim().replace(/[\s,;:–—-]+$/u, "");
    const n = graphemeCount(inner);
    if (n < 20 || n > 200 || !/\s/.test(inner)) continue;
    const c = comparable(inner);
    if (c === "" || excluded.some((e) => e.includes(c))) continue;
    return inner;
  }
  return "";
}

/** Share of a key fact's words found in the headline above which it only repeats the headline. */
const REPEAT_SHARE = 0.7;

function mostlyRepeats(keyFact: string, headline: string): boolean {
  const words = keyFact.split(" ").filter((w) => w !== "");
  if (words.length === 0) return false; // only symbols or emoji: nothing to compare
  const inHeadline = new Set(headline.split(" "));
  const repeated = words.filter((w) => inHeadline.has(w)).length;
  return repeated / words.length >= REPEAT_SHARE;
}

/** Minimum length of what remains of a summary after removing a repeated headline. */
const MIN_REMAINDER = 20;

/** Whether `text` has anything a reader would see (not only spaces, zero-width or format characters). */
function visible(text: string): string {
  return /[\p{L}\p{N}\p{S}\p{P}]/u.test(text) ? text : "";
}

export function releaseContent(release: PlanRelease): ReleaseContent {
  const title = visible(oneLine(release.title));
  const parts = stripDateline(release.summary);
  const lead = visible(parts.lead);
  const body = visible(parts.body);
  let keyFact = lead !== "" ? firstSentence(lead) : firstSentence(body);
  const headline = title !== "" ? title : keyFact;
  if (title === "") {
    // The first sentence became the headline; the key fact is the next one.
    const source = lead !== "" ? lead : body;
    const rest = `${source.slice(firstSentenceEnd(source))} ${lead !== "" ? body : ""}`.trim();
    keyFact = rest === "" ? "" : firstSentence(rest);
  } else {
    const h = comparable(title);
    const k = comparable(keyFact);
    if (k.startsWith(h) && k !== h) {
      // The summary repeats the headline ("<title> PR Newswire"): keep only what it adds.
      const words = title.split(" ").length;
      const remainder = keyFact.split(" ").slice(words).join(" ").trim();
      keyFact = graphemeCount(remainder) >= MIN_REMAINDER ? remainder : "";
    } else if (mostlyRepeats(k, h)) keyFact = "";
  }
  const quote = findQuote(`${lead} ${body}`, [headline, keyFact]);
  return { headline, keyFact, quote };
}
