/**
 * Safe HTML for every email Pressbridge sends (approval, publication failure, audit digest).
 *
 * The HTML parts are built only with the `emailHtml` tagged template: its literal parts are markup
 * (source code) and every interpolated value is HTML-escaped (and cleaned of control characters by
 * the one rule in text/fit-text.ts) unless it is itself the output of `emailHtml`. There is no way
 * to mark a string as safe from outside this module. No external images, scripts or style sheets:
 * inline styles only, and every email shares one document frame (`emailDocument`).
 */
import { multiLine } from "../text/fit-text.ts";

export type { SafeHtml };

/** Markup produced by `emailHtml`. Only this module can make one, so no caller can smuggle raw markup in. */
class SafeHtml {
  readonly #markup: string;
  constructor(markup: string, token: symbol) {
    if (token !== SAFE_TOKEN) throw new TypeError("SafeHtml is created only by the html template");
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}
const SAFE_TOKEN = Symbol("SafeHtml");

type HtmlValue = SafeHtml | string | number | ReadonlyArray<SafeHtml>;

/**
 * Tagged template: the literal parts are markup (they are source code); every interpolated value is
 * HTML-escaped unless it is SafeHtml (or an array of SafeHtml) made by this same tag.
 */
export function emailHtml(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  if (!Array.isArray(strings) || !Array.isArray((strings as { raw?: unknown }).raw)) {
    throw new TypeError("html must be used as a tagged template");
  }
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += htmlValue(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out, SAFE_TOKEN);
}

function htmlValue(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) {
    return value
      .map((v: unknown) => {
        if (!(v instanceof SafeHtml)) throw new TypeError("html: arrays may only hold html fragments");
        return v.toString();
      })
      .join("\n");
  }
  if (typeof value === "number") return escapeHtml(String(value));
  if (typeof value === "string") return escapeHtml(value);
  throw new TypeError(`html: cannot interpolate a ${typeof value}`);
}

/**
 * Escapes text for HTML element content and double-quoted attribute values (the only kind the
 * templates write); also removes the characters text/fit-text.ts strips from all untrusted text.
 */
export function escapeHtml(text: string): string {
  return multiLine(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** The font stack every email uses, as an inline style declaration. */
export const EMAIL_FONT = "font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif";

/** A complete HTML email: `title` (the subject) in the head, `content` in a centred white column. */
export function emailDocument(title: string, content: SafeHtml, opts: { maxWidth?: number } = {}): SafeHtml {
  const column = `max-width:${opts.maxWidth ?? 640}px;margin:0 auto;padding:24px 16px;background:#ffffff;color:#111111;${EMAIL_FONT}`;
  return emailHtml`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6">
<div style="${column}">
${content}
</div>
</body>
</html>
`;
}
