/**
 * Header and address hygiene for every email: recipients and senders that cannot inject headers,
 * one-line bounded subjects and header values, and links (review, plan, dashboard, published post)
 * that are absolute http(s) URLs without credentials. Text is cleaned by the one rule of
 * text/fit-text.ts and bounded with its fitting.
 */
import { ValidationError } from "../errors.ts";
import { fitText, measureCharacters, oneLine } from "../text/fit-text.ts";

export const MAX_SUBJECT_LENGTH = 200;
const MAX_HEADER_LENGTH = 200;
const MAX_LINK_LENGTH = 2048;

/** Subject: one line, at most MAX_SUBJECT_LENGTH UTF-16 units, cut between words and never inside a grapheme. */
export function subjectLine(text: string): string {
  return fitText(oneLine(text), MAX_SUBJECT_LENGTH, measureCharacters);
}

/** A header value (a plan id, a client id): one line, bounded. */
export function headerValue(text: string): string {
  return fitText(oneLine(text), MAX_HEADER_LENGTH, measureCharacters);
}

const ADDRESS_PART = String.raw`[^\s@<>()[\]\\,;:"\u0000-\u001F\u007F]+`;
const PLAIN_ADDRESS = new RegExp(`^${ADDRESS_PART}@${ADDRESS_PART}\\.${ADDRESS_PART}$`, "u");

/** A bare address (no display name), checked enough that it cannot inject headers. */
export function plainAddress(field: string, address: string): string {
  const a = typeof address === "string" ? address.trim() : "";
  if (a.length === 0 || a.length > 254 || !PLAIN_ADDRESS.test(a)) {
    throw new ValidationError(field, "must be a plain email address");
  }
  return a;
}

/** Whether plainAddress accepts `address`. */
export function isPlainAddress(address: string): boolean {
  try {
    plainAddress("to", address);
    return true;
  } catch {
    return false;
  }
}

/**
 * The sender: a plain address, or `Display Name <address>` (the name on one line, quoted when it
 * holds characters that need it; the adapters encode non-ASCII names).
 */
export function senderAddress(value: string): string {
  const m = typeof value === "string" ? /^\s*(.*?)\s*<([^<>]*)>\s*$/s.exec(value) : null;
  if (m === null) return plainAddress("from", value);
  const address = plainAddress("from", m[2] ?? "");
  const name = oneLine((m[1] ?? "").replace(/^"(.*)"$/s, "$1").replace(/\\(.)/g, "$1"));
  if (name === "") return address;
  if (name.length > 100) throw new ValidationError("from", "display name is longer than 100 characters");
  const quoted = /^[\p{L}\p{N} !#$%&'*+\-/=?^_`{|}~]+$/u.test(name) ? name : `"${name.replace(/["\\]/g, "\\$&")}"`;
  return `${quoted} <${address}>`;
}

// eslint-disable-next-line no-control-regex
const SPACE_OR_CONTROL = /[\s\u0000-\u001F\u007F-\u009F]/;

/** The review link as given, once it is known to be an absolute http(s) URL without credentials. */
export function checkReviewLink(link: string): string {
  if (typeof link !== "string" || link.length === 0 || link.length > MAX_LINK_LENGTH) {
    throw new ValidationError("reviewLink", `must be an http(s) URL of at most ${MAX_LINK_LENGTH} characters`);
  }
  if (SPACE_OR_CONTROL.test(link)) throw new ValidationError("reviewLink", "must not contain spaces or control characters");
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new ValidationError("reviewLink", "must be an absolute http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ValidationError("reviewLink", "must be an http(s) URL");
  if (url.username !== "" || url.password !== "") throw new ValidationError("reviewLink", "must not carry credentials");
  if (!/^https?:\/\//i.test(link)) throw new ValidationError("reviewLink", "must start with http:// or https://");
  return link;
}

/** `url` as given when it is an absolute http(s) URL without spaces or controls (for showing or linking), else null. */
export function httpUrlOrNull(url: string | null | undefined): string | null {
  if (typeof url !== "string" || url.length > MAX_LINK_LENGTH || SPACE_OR_CONTROL.test(url)) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}
