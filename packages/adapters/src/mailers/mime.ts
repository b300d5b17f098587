import { randomUUID } from "node:crypto";
import { MailError } from "@pressbridge/core";
import type { EmailMessage } from "@pressbridge/core";

/**
 * What the adapters share about turning an EmailMessage into mail: address and header checks (no
 * header injection, whatever the renderer let through), Message-ID generation and the MIME build
 * (multipart/alternative text + html, UTF-8, encoded headers) with nodemailer's MailComposer.
 */

/** Header names an EmailMessage may not set: the adapters (or the provider) own them. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "from",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "sender",
  "subject",
  "date",
  "message-id",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "return-path",
  "received",
  "dkim-signature",
]);

const HEADER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,75}$/;
const ADDRESS_RE = /^[^\s@<>()[\]\\,;:"\u0000-\u001F\u007F]+@[^\s@<>()[\]\\,;:"\u0000-\u001F\u007F]+$/u;

/** An EmailMessage after the checks: safe to hand to any transport. */
export interface CheckedMessage {
  /** The sender; `name` is "" when the message gave a plain address. */
  from: { name: string; address: string };
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  tags: Record<string, string>;
}

/**
 * Validates addresses (plain emails only) and custom header names, and removes line breaks and
 * control characters from the subject and header values. Throws a non-retryable MailError: a
 * malformed message will not get better by retrying.
 */
export function checkMessage(message: EmailMessage): CheckedMessage {
  const from = checkSender(message.from);
  if (!Array.isArray(message.to) || message.to.length === 0) throw new MailError("message has no recipient", false);
  if (message.to.length > 50) throw new MailError("message has more than 50 recipients", false);
  const to = message.to.map((a) => checkAddress("to", a));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME_RE.test(name)) throw new MailError(`invalid header name ${JSON.stringify(name.slice(0, 80))}`, false);
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new MailError(`header ${name} may not be set by the message`, false);
    headers[name] = singleLine(String(value)).slice(0, 900);
  }
  const tags: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.tags ?? {})) tags[name] = String(value);
  return {
    from,
    to,
    subject: singleLine(String(message.subject ?? "")),
    text: String(message.text ?? ""),
    html: String(message.html ?? ""),
    headers,
    tags,
  };
}

/** `address` or `Display Name <address>` (name possibly quoted); the name ends up on one line. */
function checkSender(value: unknown): { name: string; address: string } {
  const m = typeof value === "string" ? /^\s*(.*?)\s*<([^<>]*)>\s*$/s.exec(value) : null;
  if (m === null) return { name: "", address: checkAddress("from", value) };
  const name = singleLine((m[1] ?? "").replace(/^"(.*)"$/s, "$1").replace(/\\(.)/g, "$1")).slice(0, 100);
  return { name, address: checkAddress("from", m[2]) };
}

function checkAddress(field: string, address: unknown): string {
  const a = typeof address === "string" ? address.trim() : "";
  if (a.length === 0 || a.length > 254 || !ADDRESS_RE.test(a)) {
    throw new MailError(`${field}: not a plain email address`, false);
  }
  return a;
}

/** No CR, LF or other control characters; runs of whitespace collapsed. */
export function singleLine(text: string): string {
  return text
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** `<uuid@domain-of-from>`: unique, and says who made it. */
export function newMessageId(from: string): string {
  const domain = (from.split("@").pop() ?? "").toLowerCase().replace(/[^a-z0-9.-]/g, "");
  return `<${randomUUID()}@${domain === "" ? "pressbridge.invalid" : domain}>`;
}
