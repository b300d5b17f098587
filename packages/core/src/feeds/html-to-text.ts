import { decodeHTML } from "entities";
import { Parser as HtmlParser } from "htmlparser2";
import { truncateText } from "./truncate-text.ts";

/**
 * Turns a feed text field (which, after XML parsing, is HTML or HTML-escaped text in practice) into
 * bounded plain text: tags removed, script/style content dropped, HTML entities decoded once,
 * control characters removed, whitespace collapsed.
 */

/** Elements whose content is never text for a reader. */
const DROPPED_ELEMENTS: ReadonlySet<string> = new Set([
  "script", "style", "noscript", "template", "iframe", "object", "embed",
]);

/** Elements that separate words visually; a space is emitted where they open or close. */
const BLOCK_ELEMENTS: ReadonlySet<string> = new Set([
  "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
  "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol", "p", "pre",
  "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "body", "html", "option",
]);

/** Whitespace (incl. NBSP and other Unicode spaces) and C0/C1 control characters collapse to one space. */
const SPACE_RUN_RE = /[\s\u0000-\u001f\u007f-\u009f\u200b\u2028\u2029\ufeff]+/g;
const NEEDS_WORK_RE = /[<&\s\u0000-\u001f\u007f-\u009f\u200b\ufeff]/;

/** HTML is fed to the tokenizer in chunks so that huge bodies stop being read once enough text is out. */
const CHUNK = 8192;

interface CollectState {
  parts: string[];
  length: number;
  dropDepth: number;
}

const state: CollectState = { parts: [], length: 0, dropDepth: 0 };

function pushSpace(): void {
  if (state.dropDepth === 0) {
    state.parts.push(" ");
    state.length += 1;
  }
}

// One tokenizer for the whole process: parsing is synchronous, so it is reset and reused per call.
const htmlParser = new HtmlParser(
  {
    onopentagname(name) {
      if (DROPPED_ELEMENTS.has(name)) state.dropDepth += 1;
      else if (BLOCK_ELEMENTS.has(name)) pushSpace();
    },
    onclosetag(name) {
      if (DROPPED_ELEMENTS.has(name)) {
        if (state.dropDepth > 0) state.dropDepth -= 1;
      } else if (BLOCK_ELEMENTS.has(name)) pushSpace();
    },
    ontext(data) {
      if (state.dropDepth === 0) {
        state.parts.push(data);
        state.length += data.length;
      }
    },
  },
  { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
);

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
  if (!NEEDS_WORK_RE.test(input)) return truncateText(input, maxLength);
  let text: string;
  if (input.indexOf("<") === -1) {
    // No markup: only entities and whitespace to deal with. Bound the work on huge inputs.
    const slice = input.length > maxLength * 4 + 256 ? input.slice(0, maxLength * 4 + 256) : input;
    text = slice.indexOf("&") === -1 ? slice : decodeHTML(slice);
  } else {
    text = stripTags(input, maxLength * 3 + 256);
  }
  return truncateText(collapseWhitespace(text), maxLength);
}

function stripTags(html: string, enough: number): string {
  state.parts = [];
  state.length = 0;
  state.dropDepth = 0;
  htmlParser.reset();
  try {
    if (html.length <= CHUNK) {
      htmlParser.end(html);
    } else {
      for (let i = 0; i < html.length && state.length < enough; i += CHUNK) {
        htmlParser.write(html.slice(i, i + CHUNK));
      }
      htmlParser.end();
    }
    return state.parts.join("");
  } finally {
    state.parts = [];
  }
}
