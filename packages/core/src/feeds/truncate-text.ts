/**
 * Feed items are bounded with the same fitting as drafts, briefs and emails (text/fit-text.ts):
 * cut between words, never inside a grapheme cluster or a surrogate pair, marked with "…", at most
 * `max` UTF-16 code units. Re-exported here for the feed normalisers that import it by this path.
 */
export { truncateText } from "../text/fit-text.ts";
