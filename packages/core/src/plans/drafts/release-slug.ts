/**
 * The utm_campaign value for a release: a lower-case ASCII slug of its title, or of its id when the
 * title has little Latin-script text to transliterate (CJK, Cyrillic, Arabic...) or none at all.
 */
import type { PlanRelease } from "../plan-parts.ts";

export const SLUG_MAX_LENGTH = 60;

/** Letters that Unicode decomposition does not reduce to ASCII. */
const TRANSLITERATIONS: Record<string, string> = {
  ß: "ss", ẞ: "ss", æ: "ae", Æ: "ae", œ: "oe", Œ: "oe", ø: "o", Ø: "o", đ: "d", Đ: "d", ð: "d", Ð: "d",
  þ: "th", Þ: "th", ł: "l", Ł: "l", ı: "i", ħ: "h", Ħ: "h", ŧ: "t", Ŧ: "t", ŋ: "n", Ŋ: "n", ĸ: "k",
};

/** Lower-case ASCII words of `text`: accents stripped, "&" read as "and", apostrophes dropped. */
function asciiWords(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[ßẞæÆœŒøØđĐðÐþÞłŁıħĦŧŦŋŊĸ]/g, (c) => TRANSLITERATIONS[c] ?? c)
    .replace(/(\p{L})['’](\p{L})/gu, "$1$2")
    .replace(/&/g, " and ")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Cuts a dash-separated slug to `max` characters at a dash; mid-word only for a single long word. */
function cutSlug(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  const dash = slug.lastIndexOf("-", max);
  const cut = dash > 0 ? slug.slice(0, dash) : slug.slice(0, max);
  return cut.replace(/-+$/, "");
}

/**
 * Deterministic lower-case ASCII slug of the title ([a-z0-9-], at most 60 characters, cut between
 * words). Falls back to a slug of the release id when transliteration keeps less than half of the
 * title's letters (CJK, Cyrillic, Arabic, ...) or nothing at all, and to "release" when even the id
 * has no ASCII letters or digits.
 */
export function releaseSlug(release: PlanRelease): string {
  const title = release.title;
  const letters = title.normalize("NFKD").replace(/\p{M}+/gu, "").match(/\p{L}/gu) ?? [];
  const latin = letters.filter((c) => /[a-zA-Z]/.test(c) || c in TRANSLITERATIONS).length;
  const fromTitle = asciiWords(title);
  if (fromTitle !== "" && letters.length > 0 && latin * 2 >= letters.length) return cutSlug(fromTitle, SLUG_MAX_LENGTH);
  const fromId = asciiWords(release.id);
  return fromId === "" ? "release" : cutSlug(fromId, SLUG_MAX_LENGTH);
}
