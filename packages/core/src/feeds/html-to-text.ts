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

/**
 * One markup token: comment, CDATA section, declaration or processing instruction, or a start/end
 * tag (group 1: "/" for end tags, group 2: the tag name). Attribute values in quotes are bounded
 * to 2,000 characters and unquoted attribute text stops at "<", so a failed match is cheap.
 */
const MARKUP_RE =
  /<(?:!--[\s\S]*?(?:--!?>|$)|!\[CDATA\[[\s\S]*?(?:\]\]>|$)|[!?][^>]*(?:>|$)|(\/?)([A-Za-z][A-Za-z0-9:_-]{0,63})(?:[^<>"']|"[^"]{0,2000}"|'[^']{0,2000}')*>)/g;

/** Whitespace runs that are not already exactly one U+0020, and control characters. */
const SPACE_RUN_RE =
  /[\t\n\v\f\r\u0000-\u001f\u007f-\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff][\s\u0000-\u001f\u007f-\u009f\u200b]*| [\s\u0000-\u001f\u007f-\u009f\u200b]+/g;

/** Collapses whitespace/control runs to single spaces and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(SPACE_RUN_RE, " ").trim();
}

/**
 * Converts an HTML fragment (or HTML-escaped plain text) to plain text of at most `maxLength`
 * UTF-16 code units.
 */
export function htmlToText(input: string, maxLength: number): string {
  if (input === "") return "";
  // Enough raw text to fill maxLength even after whitespace collapses.
  const enough = maxLength * 3 + 256;
  let text = input.indexOf("<") === -1 ? input : stripMarkup(input, enough);
  if (text.length > enough) text = text.slice(0, enough);
  if (text.indexOf("&") !== -1) text = decodeHTML(text);
  return truncateText(collapseWhitespace(text), maxLength);
}

function stripMarkup(html: string, enough: number): string {
  const parts: string[] = [];
  let length = 0;
  let last = 0;
  MARKUP_RE.lastIndex = 0;
  for (let m = MARKUP_RE.exec(html); m !== null; m = MARKUP_RE.exec(html)) {
    if (m.index > last) {
      const piece = html.slice(last, m.index);
      parts.push(piece);
      length += piece.length;
    }
    last = MARKUP_RE.lastIndex;
    const name = m[2];
    if (name !== undefined) {
      const lower = name.toLowerCase();
      if (BLOCK_ELEMENTS.has(lower)) {
        parts.push(" ");
        length += 1;
      } else if (m[1] === "" && RAW_TEXT_ELEMENTS.has(lower) && !m[0].endsWith("/>")) {
        last = skipRawText(html, last, lower);
        MARKUP_RE.lastIndex = last;
      }
    }
    if (length >= enough) return parts.join("");
    if (last >= html.length) break;
  }
  if (last < html.length) parts.push(html.slice(last));
  return parts.join("");
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
