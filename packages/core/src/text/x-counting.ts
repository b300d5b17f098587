/**
 * X (Twitter) counting through the official twitter-text library, so drafts and ad briefs are
 * measured exactly as X measures them (fit-text.ts's measureXWeighted is this count): URLs weigh 23, CJK and emoji weigh 2, everything else 1 (config v3).
 * twitter-text is CommonJS: its module.exports is the default import under Node's ESM.
 */
import twitterText from "twitter-text";

export interface XCount {
  weightedLength: number;
  valid: boolean;
}

export function parseTweet(text: string): XCount {
  const r = twitterText.parseTweet(text);
  return { weightedLength: r.weightedLength, valid: r.valid };
}

/** URLs as X would link them. */
export function extractXUrls(text: string): string[] {
  return twitterText.extractUrls(text);
}

/** Cashtags (without "$") as X would recognise them. */
export function extractXCashtags(text: string): string[] {
  return twitterText.extractCashtags(text);
}

/** X's per-post weighted-character limit. */
export const X_MAX_WEIGHTED_LENGTH = 280;
