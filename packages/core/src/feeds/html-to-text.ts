import { decodeHTML } from "entities";
import { truncateText } from "./truncate-text.ts";

/**
 * Turns a feed text field (which, after XML parsing, is HTML or HTML-escaped text in practice) into
 * bounded plain text: tags and comments removed, script/style content dropped, HTML entities
 * decoded once (with the `entities` package, as an HTML parser would), control characters removed,
 * whitespace collapsed.
 *
 * The tokenizer is a single precompiled regex rather than a full HTML parser: it runs on every
 * description of every poll, and must cost a small fraction of the XML parse. Its rules follow the
 * HTML tokenizer where it matters for text: `<` only opens markup when followed by a letter, `/`,
 * `!` or `?`; quoted attribute values may contain `>`; raw-text elements (script, style, ...) are
 * skipped to their end tag. Every quantifier is bounded or cannot overlap, so no input backtracks
 * super-linearly.
 */

/** Elements whose content is never text for a reader. */
const RAW_TEXT_ELEMENTS: ReadonlySet<string> = new Set([
  "script", "style", "noscript", "template", "iframe", "xmp", "noembed", "noframes", "textarea", "object",
]);

const RAW_TEXT_CLOSERS: ReadonlyMap<string, RegExp> = new Map(
  [...RAW_TEXT_ELEMENTS].map((name) => [name, new RegExp(`</${name}[\\s/>]`, "gi")]),
);

/** Elements that separate words visually; a space stands in for them. */
const BLOCK_ELEMENTS: ReadonlySet<string> = new Set([
  "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
  "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol", "p", "pre",
  "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "body", "html", "option", "caption",
  "center", "video", "audio", "picture", "source", "input", "button", "label",
]);

/** Whitespace that is not a single U+0020 (or a run of it), and control characters. */
const WS_START = "\\t\\n\\v\\f\\r\\u0000-\\u001f\\u007f-\\u00a0\\u1680\\u2000-\\u200b\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const WS_ANY = "\\s\\u0000-\\u001f\\u007f-\\u009f\\u200b";

/**
 * One token per match: a comment, CDATA section, declaration or processing instruction, a start/end
 * tag (group 1: "/" for end tags, group 2: the tag name), or (group 3) a whitespace run that starts
 * with something other than U+0020 (plain spaces are left to a cheap final check: matching at
 * every space would make this the slowest part of normalisation). Quoted attribute values are
 * bounded to 2,000 characters and unquoted attribute text stops at "<", so a failed match is cheap
 * and no input backtracks super-linearly.
 */
const TOKEN_RE = new RegExp(
  "<(?:!--[\\s\\S]*?(?:--!?>|$)|!\\[CDATA\\[[\\s\\S]*?(?:\\]\\]>|$)|[!?][^>]*(?:>|$)|" +
    "(\\/?)([A-Za-z][A-Za-z0-9:_-]{0,63})(?:[^<>\"']|\"[^\"]{0,2000}\"|'[^']{0,2000}')*>)" +
    `|([${WS_START}][${WS_ANY}]*)`,
  "g",
);

/** Whitespace runs that are not already exactly one U+0020, and control characters. */
const SPACE_RUN_RE = new RegExp(`[${WS_START}][${WS_ANY}]*| [${WS_ANY}]+`, "g");

/**
 * Entities that decode to whitespace or control characters (numeric ones by value; HTML maps
 * &#128;–&#159; to windows-1252 characters except the five undefined ones).
 */
const SPACE_ENTITY_RE = new RegExp(
  "&(?:nbsp|ensp|emsp|thinsp|hairsp|numsp|puncsp|ThinSpace|MediumSpace|ThickSpace|VeryThinSpace|Negative\\w*Space|" +
    "ZeroWidthSpace|NonBreakingSpace|Tab;|NewLine;|" +
    "#0*(?:[0-9]|[12][0-9]|3[0-2]|127|129|141|143|144|157|160|5760|819[2-9]|820[0-3]|8232|8233|8239|8287|12288|65279)(?![0-9])|" +
    "#[xX]0*(?:[0-9a-fA-F]|1[0-9a-fA-F]|20|7[fF]|81|8[dDfF]|90|9[dD]|[aA]0|1680|200[0-9a-bA-B]|202[89fF]|205[fF]|3000|[fF][eE][fF][fF])(?![0-9a-fA-F]))",
);
const DOUBLE_SPACE_RE = / {2,}/g;

/** Collapses whitespace/control runs to single spaces and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(SPACE_RUN_RE, " ").trim();
}

/**
 * WHATWG windows-1252 for 0x80-0x9F: feeds written on Windows send these code points as C1 control
 * characters (raw, or as `&#146;` references, which the XML parser turns into U+0092), meaning the
 * windows-1252 punctuation. The five bytes windows-1252 leaves undefined stay controls.
 */
const WINDOWS_1252_C1 = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";
const C1_RE = /[\u0080-\u009f]/;
const C1_ALL_RE = /[\u0080-\u009f]/g;

function c1ToWindows1252(ch: string): string {
  return WINDOWS_1252_C1[ch.charCodeAt(0) - 0x80]!;
}

/**
 * HTML element names: text holding a tag with one of these names (or a comment) is taken for HTML
 * by `looksLikeHtml`; `<ACME.N>`, `<NYSE:X>` and other bracketed text are not tags.
 */
const HTML_ELEMENTS: ReadonlySet<string> = new Set([
  "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "bdi", "bdo", "big", "blockquote", "body",
  "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div",
  "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5",
  "h6", "head", "header", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "legend", "li", "link",
  "main", "mark", "meta", "nav", "noscript", "object", "ol", "option", "p", "picture", "pre", "q", "s", "samp",
  "script", "section", "select", "small", "source", "span", "strike", "strong", "style", "sub", "summary", "sup",
  "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var",
  "video", "wbr",
]);
const TAG_NAME_RE = /<(?:\/?([A-Za-z][A-Za-z0-9]{0,15})(?=[\s/>])|!--)/g;

/**
 * Whether a text field that may be plain text (an RSS title) holds HTML: true when it contains a
 * tag of an HTML element or a comment. Bracketed text such as "Acme <ACME.N>" is not HTML.
 */
export function looksLikeHtml(text: string): boolean {
  if (text.indexOf("<") === -1) return false;
  TAG_NAME_RE.lastIndex = 0;
  for (let m = TAG_NAME_RE.exec(text); m !== null; m = TAG_NAME_RE.exec(text)) {
    if (m[1] === undefined || HTML_ELEMENTS.has(m[1].toLowerCase())) return true;
  }
  return false;
}

/**
 * A plain-text field (Atom type="text", an RSS title that does not look like HTML) -> bounded plain
 * text. No markup is removed: "<" and ">" are characters. HTML entity references are still decoded
 * once, since double-escaped text (`AT&amp;amp;T`) is common and never meant literally.
 */
export function plainTextToText(input: string, maxLength: number): string {
  return htmlToText(input.indexOf("<") === -1 ? input : input.replace(/</g, "&lt;"), maxLength);
}

/**
 * Converts an HTML fragment (or HTML-escaped plain text) to plain text of at most `maxLength`
 * UTF-16 code units.
 */
export function htmlToText(input: string, maxLength: number): string {
  if (input === "") return "";
  if (C1_RE.test(input)) input = input.replace(C1_ALL_RE, c1ToWindows1252);
  // Enough raw text to fill maxLength (whitespace is already collapsed when it is counted).
  const enough = maxLength + 256;
  let text = tokenize(input, enough);
  if (text.indexOf("  ") !== -1) text = text.replace(DOUBLE_SPACE_RE, " ");
  text = text.trim();
  if (text.indexOf("&") !== -1) {
    const decoded = decodeHTML(text);
    text = SPACE_ENTITY_RE.test(text) ? collapseWhitespace(decoded) : decoded;
  }
  return truncateText(wellFormed(text), maxLength);
}

/**
 * Replaces unpaired UTF-16 surrogates (which a numeric character reference such as &#xD800; can
 * produce) with U+FFFD, so every output string is valid Unicode.
 */
export function wellFormed(text: string): string {
  const s = text as unknown as { isWellFormed(): boolean; toWellFormed(): string };
  return s.isWellFormed() ? text : s.toWellFormed();
}

/** Strips markup and collapses whitespace in one pass; stops once `enough` characters are out. */
function tokenize(html: string, enough: number): string {
  const parts: string[] = [];
  let length = 0;
  let last = 0;
  let space = false; // a separator is due before the next text
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(html); ; m = TOKEN_RE.exec(html)) {
    const end = m === null ? html.length : m.index;
    if (end > last) {
      // Text between tokens: at most single spaces inside, maybe one at either end.
      let from = last;
      let to = end;
      if (html.charCodeAt(from) === 0x20) {
        space = true;
        from++;
      }
      const trailing = to > from && html.charCodeAt(to - 1) === 0x20;
      if (trailing) to--;
      if (to - from > enough - length) to = from + Math.max(0, enough - length); // bound huge text runs
      if (to > from) {
        if (space && length > 0) {
          parts.push(" ");
          length++;
        }
        parts.push(from === last && to === end ? html.slice(last, end) : html.slice(from, to));
        length += to - from;
        space = false;
      }
      if (trailing) space = true;
    }
    if (m === null || length >= enough) break;
    last = TOKEN_RE.lastIndex;
    if (m[3] !== undefined) {
      space = true;
    } else if (m[2] !== undefined) {
      const lower = m[2].toLowerCase();
      if (BLOCK_ELEMENTS.has(lower)) {
        space = true;
      } else if (m[1] === "" && RAW_TEXT_ELEMENTS.has(lower) && !m[0].endsWith("/>")) {
        last = skipRawText(html, last, lower);
        TOKEN_RE.lastIndex = last;
      }
    }
    if (last >= html.length) break;
  }
  return parts.length === 1 ? parts[0]! : parts.join("");
}

/** Index just past the end tag of a raw-text element opened before `from` (or the end of input). */
function skipRawText(html: string, from: number, name: string): number {
  const closer = RAW_TEXT_CLOSERS.get(name);
  if (closer === undefined) return from;
  closer.lastIndex = from;
  const m = closer.exec(html);
  if (m === null) return html.length;
  const end = html.indexOf(">", m.index);
  return end === -1 ? html.length : end + 1;
}
