/**
 * Cheap repairs of the damage feeds commonly carry, so that one bad character or a cut-off
 * download does not lose every item. Each runs only when needed: the ampersand scan when a quick
 * probe finds an '&' that starts no reference, the truncation repair when the strict parse has
 * failed, the inline-markup rewrite when the parse result shows child elements inside a text
 * element. Entities are never declared or expanded here: a DTD is still refused by read-prolog.ts.
 */

/** What an '&' may start in XML: a named entity or a character reference. */
const REFERENCE = "(?:[A-Za-z_][\\w.-]{0,63};|#[0-9]{1,7};|#x[0-9A-Fa-f]{1,6};)";
const BARE_AMPERSAND_PROBE_RE = new RegExp(`&(?!${REFERENCE})`);
/** CDATA sections and comments (where '&' is literal), or a bare ampersand (group 1). */
const BARE_AMPERSAND_SCAN_RE = new RegExp(`<!\\[CDATA\\[[\\s\\S]*?(?:\\]\\]>|$)|<!--[\\s\\S]*?(?:-->|$)|(&)(?!${REFERENCE})`, "g");

/** At most this many ampersand repairs are listed one by one; the rest are counted. */
const MAX_LISTED_REPAIRS = 5;

/** Whether the document may hold a bare '&' (true too for an '&' inside CDATA, which is fine). */
export function mayHaveBareAmpersand(xml: string): boolean {
  return BARE_AMPERSAND_PROBE_RE.test(xml);
}

/**
 * Escapes every '&' outside CDATA and comments that starts no entity or character reference
 * (`Fish & Chips`, `?a=1&b=2`) as `&amp;`. Undefined entity names (`&bogus;`) are left alone: the
 * parser rejects those, nothing here guesses at them. Undefined when there was nothing to repair.
 * @param firstLine line number of the first character of `xml` in the document, for the warnings
 */
export function escapeBareAmpersands(xml: string, firstLine = 1): { xml: string; warnings: string[] } | undefined {
  const parts: string[] = [];
  const warnings: string[] = [];
  let last = 0;
  let line = firstLine;
  let lineCountedTo = 0;
  let repairs = 0;
  BARE_AMPERSAND_SCAN_RE.lastIndex = 0;
  for (let m = BARE_AMPERSAND_SCAN_RE.exec(xml); m !== null; m = BARE_AMPERSAND_SCAN_RE.exec(xml)) {
    if (m[1] === undefined) continue;
    repairs++;
    parts.push(xml.slice(last, m.index), "&amp;");
    last = m.index + 1;
    if (repairs <= MAX_LISTED_REPAIRS) {
      for (let i = xml.indexOf("\n", lineCountedTo); i !== -1 && i < m.index; i = xml.indexOf("\n", i + 1)) line++;
      lineCountedTo = m.index;
      warnings.push(`repaired: bare ampersand at line ${line}`);
    }
  }
  if (repairs === 0) return undefined;
  if (repairs > MAX_LISTED_REPAIRS) {
    const more = repairs - MAX_LISTED_REPAIRS;
    warnings.push(`repaired: ${more.toLocaleString("en-US")} more bare ampersand${more === 1 ? "" : "s"}`);
  }
  parts.push(xml.slice(last));
  return { xml: parts.join(""), warnings };
}

/**
 * One token of the structure scan: CDATA, comment, processing instruction, declaration, or a tag
 * (group 1 "/" for an end tag, group 2 the name); a lone "<" is the start of a construct that never
 * ends (the document was cut there).
 */
const STRUCTURE_RE =
  /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!(?!\[|--)(?:[^>"']|"[^"]*"|'[^']*')*>|<(\/?)([A-Za-z_][\w.:-]*)(?:[^>"']|"[^"]*"|'[^']*')*>|</g;

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon === -1 ? name : name.slice(colon + 1);
}

/**
 * A document that ends before its root element does (a cut-off download: `</rss` without ">", or
 * mid-item): closes what is open, dropping the incomplete last item or entry so every item read is
 * whole. Undefined when the document is not merely truncated (a mismatched end tag, say): that is
 * malformed XML, and no repair is attempted.
 */
export function repairTruncatedDocument(xml: string): { xml: string; warning: string } | undefined {
  const stack: Array<{ name: string; start: number }> = [];
  let end = xml.length;
  STRUCTURE_RE.lastIndex = 0;
  for (let m = STRUCTURE_RE.exec(xml); m !== null; m = STRUCTURE_RE.exec(xml)) {
    if (m[0] === "<") {
      end = m.index; // an unterminated tag, comment or CDATA section: the cut
      break;
    }
    const name = m[2];
    if (name === undefined) continue;
    if (m[1] === "/") {
      const open = stack.pop();
      if (open === undefined || open.name !== name) return undefined; // mismatched: malformed, not truncated
      if (stack.length === 0) return undefined; // the root closed: whatever failed was not truncation
    } else if (!m[0].endsWith("/>")) {
      stack.push({ name, start: m.index });
    }
  }
  if (stack.length === 0) return undefined;

  let itemDepth = -1;
  for (let i = stack.length - 1; i > 0; i--) {
    const local = localName(stack[i]!.name);
    if (local === "item" || local === "entry") {
      itemDepth = i;
      break;
    }
  }
  let kept: string;
  let open: typeof stack;
  if (itemDepth !== -1) {
    kept = xml.slice(0, stack[itemDepth]!.start);
    open = stack.slice(0, itemDepth);
  } else {
    kept = xml.slice(0, end);
    open = stack;
  }
  const closing = open
    .reverse()
    .map((element) => `</${element.name}>`)
    .join("");
  const warning =
    itemDepth !== -1 ? "repaired: truncated document (last item dropped)" : "repaired: truncated document (open elements closed)";
  return { xml: kept + closing, warning };
}

/** Start tag of a text element (any prefix): title, description, summary, content, content:encoded. */
const TEXT_ELEMENT_START_RE =
  /<((?:[A-Za-z_][\w.-]*:)?(?:title|description|summary|content|encoded))(?:\s(?:[^>"'/]|"[^"]*"|'[^']*'|\/(?!>))*)?>/g;
const FOREIGN_PREFIX_RE = /^(?:media|itunes|googleplay):/;
const CDATA_SECTION_RE = /<!\[CDATA\[([\s\S]*?)\]\]>/g;

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Rewrites text elements that contain child elements (`<title>Revenue <b>up</b> 20%</title>`,
 * Atom `<content type="xhtml"><div>...</div></content>`) so their content is one CDATA section:
 * the parser then hands over the markup as written, in order, and the HTML rules turn it into text.
 * CDATA sections inside become escaped text, so their content stays text.
 */
export function wrapInlineMarkup(xml: string): string {
  const parts: string[] = [];
  let last = 0;
  TEXT_ELEMENT_START_RE.lastIndex = 0;
  for (let m = TEXT_ELEMENT_START_RE.exec(xml); m !== null; m = TEXT_ELEMENT_START_RE.exec(xml)) {
    const name = m[1]!;
    if (FOREIGN_PREFIX_RE.test(name)) continue; // media:content, media:title, itunes:summary: not read as text
    const contentStart = m.index + m[0].length;
    const contentEnd = matchingEndTag(xml, name, contentStart);
    if (contentEnd === -1) continue;
    const content = xml.slice(contentStart, contentEnd);
    if (!hasMarkupOutsideCdata(content)) continue;
    const asMarkup = content.replace(CDATA_SECTION_RE, (_, text: string) => escapeText(text));
    parts.push(xml.slice(last, contentStart), "<![CDATA[", asMarkup.replace(/\]\]>/g, "]]]]><![CDATA[>"), "]]>");
    last = contentEnd;
    TEXT_ELEMENT_START_RE.lastIndex = contentEnd;
  }
  if (last === 0) return xml;
  parts.push(xml.slice(last));
  return parts.join("");
}

function hasMarkupOutsideCdata(content: string): boolean {
  for (let i = content.indexOf("<"); i !== -1; i = content.indexOf("<", i + 1)) {
    if (!content.startsWith("<![CDATA[", i)) return true;
    const end = content.indexOf("]]>", i);
    if (end === -1) return false;
    i = end;
  }
  return false;
}

/** Index of the `</name>` that closes an element whose content starts at `from` (same-name nesting counted), or -1. */
function matchingEndTag(xml: string, name: string, from: number): number {
  const open = `<${name}`;
  const close = `</${name}`;
  let depth = 1;
  let i = from;
  for (;;) {
    const next = xml.indexOf(close, i);
    if (next === -1) return -1;
    // Nested elements of the same name between here and that end tag.
    for (let j = xml.indexOf(open, i); j !== -1 && j < next; j = xml.indexOf(open, j + 1)) {
      const after = xml.charCodeAt(j + open.length);
      if (after === 0x3e || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d) depth++;
    }
    depth--;
    if (depth === 0) return next;
    i = next + close.length;
  }
}
