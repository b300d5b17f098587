import type { ClientConfig } from "../../config/config-schema.ts";
import type { PlanRelease } from "../plan-parts.ts";
import {
  AI_RE,
  INDUSTRY_LABELS,
  KEYWORD_BEATS,
  PRN_INDUSTRY_CODES,
  PRN_SUBJECT_CODES,
  SUBJECT_LABELS,
  labelKey,
  type BeatEntry,
  type BeatGroup,
} from "./beat-catalog.ts";
import { cleanText, fitText, measureCharacters } from "../../text/fit-text.ts";
import { MAX_SUMMARY_INPUT, MAX_TITLE_INPUT } from "./creative-limits.ts";

/** Where a beat topic came from, in the order they are read. */
export type BeatSource =
  | "release.industries"
  | "release.subjects"
  | "release.keywords"
  | "client.keywords"
  | "release.title/summary"
  | "default";

/** The beat a release belongs to: who covers it. Person-readable; targeting is built from it. */
export interface Beat {
  /** One or two beat names, e.g. "Fintech / Financial services". */
  label: string;
  /** Readable topics, most relevant first, de-duplicated case-insensitively, at most 10. */
  topics: string[];
  /** Broad beats (e.g. "Finance") the topics belong to; used for platform interest categories. */
  groups: BeatGroup[];
  /** Which fields the topics came from, in reading order. */
  sources: BeatSource[];
}

export const MAX_BEAT_TOPICS = 10;
const MAX_TOPIC_LENGTH = 60;
const DEFAULT_BEAT = "Business news";
const SOURCE_ORDER: readonly BeatSource[] = [
  "release.industries",
  "release.subjects",
  "release.keywords",
  "client.keywords",
  "release.title/summary",
  "default",
];
/** PR Newswire sends industries and subjects as labels and as 3-letter codes. */
const CODE_RE = /^[A-Z]{3}$/;

/** One topic with where it came from and its broad beat; what targeting is built from. */
export interface BeatTopic {
  name: string;
  group: BeatGroup | null;
  source: BeatSource;
}
type Topic = BeatTopic;

/**
 * Derives the beat of a release: which journalists, bloggers and pundits cover news like it.
 *
 * Steps:
 * 1. industries (PR Newswire labels, or their codes when an item carries no label) give specific beat
 *    names ("Fintech"); unknown codes are dropped, unknown labels kept as written;
 * 2. subjects (news types such as "Earnings") add topics; generic ones ("Company Announcement") are dropped;
 * 3. the wire's keywords and the client's keywords found in the release add topics;
 * 4. the label is the first two industry beats, else the broad beats of the subjects, else the broad
 *    beats a keyword map finds in the title, summary and keywords, else "Business news".
 */
export function deriveBeat(release: PlanRelease, client: ClientConfig): Beat {
  return analyseBeat(release, client).beat;
}

/** deriveBeat, plus each topic's source and broad beat (for platform targeting). */
export function analyseBeat(release: PlanRelease, client: ClientConfig): { beat: Beat; topics: BeatTopic[] } {
  const title = cleanText(release.title, MAX_TITLE_INPUT);
  const summary = cleanText(release.summary, MAX_SUMMARY_INPUT);

  const industries = readLabels(release.industries, INDUSTRY_LABELS, PRN_INDUSTRY_CODES, "release.industries");
  const subjects = readLabels(release.subjects, SUBJECT_LABELS, PRN_SUBJECT_CODES, "release.subjects");
  const wireKeywords = cleanLabels(release.keywords)
    .filter((k) => !CODE_RE.test(k))
    .map((k): Topic => ({ name: k, group: groupOfText(k), source: "release.keywords" }));
  const haystack = [title, summary, ...release.industries, ...release.subjects, ...release.keywords].join("\n");
  const clientKeywords = client.keywords
    .map((k) => cleanText(k, MAX_TOPIC_LENGTH))
    .filter((k) => k !== "" && containsPhrase(haystack, k))
    .map((k): Topic => ({ name: k, group: groupOfText(k), source: "client.keywords" }));

  // The label: specific industry beats first, then broad beats.
  let labelTopics: Topic[] = distinctBy(industries, (t) => t.name).slice(0, 2);
  if (labelTopics.length === 0) {
    labelTopics = distinctBy(
      subjects.filter((t) => t.group !== null).map((t): Topic => ({ name: t.group!, group: t.group, source: t.source })),
      (t) => t.name,
    ).slice(0, 2);
  }
  if (labelTopics.length === 0) {
    labelTopics = groupsFromText([
      { text: title, weight: 3, source: "release.title/summary" },
      { text: summary, weight: 1, source: "release.title/summary" },
      ...wireKeywords.map((k) => ({ text: k.name, weight: 2, source: k.source })),
      ...clientKeywords.map((k) => ({ text: k.name, weight: 2, source: k.source })),
    ]);
  }
  if (labelTopics.length === 0) labelTopics = [{ name: DEFAULT_BEAT, group: null, source: "default" }];

  const topics = distinctBy([...labelTopics, ...industries, ...subjects, ...wireKeywords, ...clientKeywords], (t) => t.name).slice(
    0,
    MAX_BEAT_TOPICS,
  );
  const groups = distinctBy(
    topics.flatMap((t) => (t.group === null ? [] : [t.group])),
    (g) => g,
  );
  const used = new Set(topics.map((t) => t.source));
  const beat: Beat = {
    label: labelTopics.map((t) => t.name).join(" / "),
    topics: topics.map((t) => t.name),
    groups,
    sources: SOURCE_ORDER.filter((s) => used.has(s)),
  };
  return { beat, topics };
}

/** Wire labels to topics: labels through the label table (or kept as written), codes only when no label. */
function readLabels(
  values: readonly string[],
  labels: Readonly<Record<string, BeatEntry | null>>,
  codes: Readonly<Record<string, BeatEntry | null>>,
  source: BeatSource,
): Topic[] {
  const cleaned = cleanLabels(values);
  const prose = cleaned.filter((v) => !CODE_RE.test(v));
  const out: Topic[] = [];
  if (prose.length > 0) {
    for (const label of prose) {
      const key = labelKey(label);
      if (Object.hasOwn(labels, key)) {
        const known = labels[key];
        if (known !== null && known !== undefined) out.push({ ...known, source });
        continue;
      }
      out.push({ name: label, group: groupOfText(label), source });
    }
    return out;
  }
  for (const code of cleaned) {
    const known = Object.hasOwn(codes, code) ? codes[code] : undefined;
    if (known !== null && known !== undefined) out.push({ ...known, source });
  }
  return out;
}

/** Trimmed, single-line, bounded labels ("Restaurants " -> "Restaurants"; a stray "&amp;" decoded). */
function cleanLabels(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values.slice(0, 100)) {
    if (typeof v !== "string") continue;
    const text = cleanText(v.replace(/&amp;/gi, "&"), 200).replace(/^[\s,;:\-–—/|·]+|[\s,;:\-–—/|·]+$/gu, "");
    if (text === "" || /^[\d\s.,%-]+$/.test(text)) continue;
    out.push(fitText(text, MAX_TOPIC_LENGTH, measureCharacters));
  }
  return out;
}

/** The first broad beat the keyword map finds in `text`, or null. */
export function groupOfText(text: string): BeatGroup | null {
  for (const { group, pattern } of KEYWORD_BEATS) {
    if (pattern.test(text)) return group;
    if (group === "Technology" && AI_RE.test(text)) return group;
  }
  return null;
}

/** Up to two broad beats by weighted presence: the best, and the runner-up if it scores at least half. */
function groupsFromText(fields: ReadonlyArray<{ text: string; weight: number; source: BeatSource }>): Topic[] {
  const scored = KEYWORD_BEATS.map(({ group, pattern }, order) => {
    let score = 0;
    let source: BeatSource | null = null;
    let best = 0;
    for (const f of fields) {
      const hit = pattern.test(f.text) || (group === "Technology" && AI_RE.test(f.text));
      if (!hit) continue;
      score += f.weight;
      if (f.weight > best) {
        best = f.weight;
        source = f.source;
      }
    }
    return { group, score, order, source };
  })
    .filter((g) => g.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order);
  const top = scored[0];
  if (top === undefined) return [];
  return scored
    .filter((g, i) => i === 0 || (i === 1 && g.score * 2 >= top.score))
    .slice(0, 2)
    .map((g) => ({ name: g.group, group: g.group, source: g.source! }));
}

/** Whether `phrase` occurs in `text` as whole words, case-insensitively. */
function containsPhrase(text: string, phrase: string): boolean {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, "iu").test(text);
}

function distinctBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item).toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}
