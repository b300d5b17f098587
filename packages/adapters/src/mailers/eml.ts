/**
 * A small, defensive reader for the .eml files the outbox writes (RFC 5322 + MIME): unfolds and
 * decodes headers (RFC 2047 encoded words), walks multipart bodies, and decodes base64 and
 * quoted-printable parts in their charset. It is enough to show an outbox message in the web app;
 * it is not a general mail parser (no attachments, no RFC 2231 parameters, no S/MIME).
 */

export interface ParsedEml {
  /** Lower-cased header names; a repeated header keeps its first value. Values decoded. */
  headers: Record<string, string>;
  subject: string;
  /** Addresses from To (without display names). */
  to: string[];
  from: string;
  /** ISO 8601, or null when the Date header is missing or unreadable. */
  date: string | null;
  messageId: string;
  text: string;
  html: string;
}

const MAX_DEPTH = 5;
const MAX_PARTS = 50;

/** Parses a whole message. `raw` is the file's bytes. */
export function parseEml(raw: Uint8Array): ParsedEml {
  const bin = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("latin1");
  const { headers, body } = splitEntity(bin);
  const result: ParsedEml = {
    headers: headerRecord(headers),
    subject: "",
    to: [],
    from: "",
    date: null,
    messageId: "",
    text: "",
    html: "",
  };
  result.subject = result.headers["subject"] ?? "";
  result.to = addressesOf(result.headers["to"] ?? "");
  result.from = addressesOf(result.headers["from"] ?? "")[0] ?? "";
  result.messageId = (result.headers["message-id"] ?? "").trim();
  const dateMs = Date.parse(result.headers["date"] ?? "");
  result.date = Number.isFinite(dateMs) ? new Date(dateMs).toISOString() : null;
  const found = { text: undefined as string | undefined, html: undefined as string | undefined, parts: 0 };
  walk(headers, body, 0, found);
  result.text = found.text ?? "";
  result.html = found.html ?? "";
  return result;
}

/** Only the header block (for listings): stops at the first empty line. */
export function parseEmlHeaders(raw: Uint8Array): Pick<ParsedEml, "headers" | "subject" | "to" | "from" | "date" | "messageId"> {
  const bin = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("latin1");
  const { headers } = splitEntity(bin);
  const record = headerRecord(headers);
  const dateMs = Date.parse(record["date"] ?? "");
  return {
    headers: record,
    subject: record["subject"] ?? "",
    to: addressesOf(record["to"] ?? ""),
    from: addressesOf(record["from"] ?? "")[0] ?? "",
    date: Number.isFinite(dateMs) ? new Date(dateMs).toISOString() : null,
    messageId: (record["message-id"] ?? "").trim(),
  };
}

type RawHeader = { name: string; value: string };

/** Splits an entity (binary string) into unfolded raw headers and its body. */
function splitEntity(bin: string): { headers: RawHeader[]; body: string } {
  const m = /\r?\n\r?\n/.exec(bin);
  const head = m === null ? bin : bin.slice(0, m.index);
  const body = m === null ? "" : bin.slice(m.index + m[0].length);
  const headers: RawHeader[] = [];
  for (const line of head.replace(/\r?\n(?=[ \t])/g, "").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return { headers, body };
}

function headerRecord(headers: RawHeader[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of headers) {
    if (!(h.name in out) && /^[a-z0-9-]+$/.test(h.name)) out[h.name] = decodeWords(h.value);
  }
  return out;
}

function rawHeader(headers: RawHeader[], name: string): string | undefined {
  return headers.find((h) => h.name === name)?.value;
}

function walk(headers: RawHeader[], body: string, depth: number, found: { text: string | undefined; html: string | undefined; parts: number }): void {
  if (depth > MAX_DEPTH || ++found.parts > MAX_PARTS) return;
  const { type, params } = parseContentType(rawHeader(headers, "content-type") ?? "text/plain");
  const disposition = (rawHeader(headers, "content-disposition") ?? "").toLowerCase();
  if (type.startsWith("multipart/")) {
    const boundary = params["boundary"];
    if (boundary === undefined || boundary === "") return;
    for (const part of splitMultipart(body, boundary)) {
      const entity = splitEntity(part);
      walk(entity.headers, entity.body, depth + 1, found);
    }
    return;
  }
  if (disposition.startsWith("attachment")) return;
  if (type !== "text/plain" && type !== "text/html") return;
  const bytes = decodeTransfer(body, (rawHeader(headers, "content-transfer-encoding") ?? "7bit").toLowerCase());
  // MIME puts text in canonical form (CRLF line ends); give it back with \n, as it was written.
  const text = decodeCharset(bytes, params["charset"] ?? "us-ascii").replace(/\r\n/g, "\n");
  if (type === "text/plain" && found.text === undefined) found.text = text;
  if (type === "text/html" && found.html === undefined) found.html = text;
}

function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const delimiter = `--${boundary}`;
  const lines = body.split(/\r?\n/);
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.replace(/[ \t]+$/, "");
    if (trimmed === `${delimiter}--`) {
      if (current !== undefined) parts.push(current.join("\r\n"));
      return parts;
    }
    if (trimmed === delimiter) {
      if (current !== undefined) parts.push(current.join("\r\n"));
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current !== undefined) parts.push(current.join("\r\n"));
  return parts;
}

function parseContentType(value: string): { type: string; params: Record<string, string> } {
  const [typePart = "", ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq <= 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { type: typePart.trim().toLowerCase(), params };
}

/** Splits on semicolons outside quoted strings. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\" && quoted && i + 1 < value.length) {
      cur += c + value[++i]!;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ";" && !quoted) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

function decodeTransfer(body: string, encoding: string): Buffer {
  if (encoding === "base64") return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body);
  // 7bit, 8bit, binary: the bytes as they are; the final line break belongs to the boundary.
  return Buffer.from(body, "latin1");
}

function decodeQuotedPrintable(body: string): Buffer {
  const soft = body.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(c & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function decodeCharset(bytes: Uint8Array, charset: string): string {
  const label = charset.trim().toLowerCase();
  try {
    return new TextDecoder(label === "us-ascii" || label === "ascii" ? "utf-8" : label).decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

const ENCODED_WORD_RE = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes RFC 2047 encoded words. Adjacent words (only whitespace between them) are joined, and
 * adjacent words in the same charset are decoded together so a character split across two words
 * survives. Text outside encoded words is read as UTF-8 when it is valid UTF-8, else Latin-1.
 */
export function decodeWords(value: string): string {
  let out = "";
  let last = 0;
  let pending: { charset: string; bytes: number[] } | undefined;
  const flush = (): void => {
    if (pending !== undefined) out += decodeCharset(Buffer.from(pending.bytes), pending.charset);
    pending = undefined;
  };
  for (const m of value.matchAll(ENCODED_WORD_RE)) {
    const between = value.slice(last, m.index);
    if (pending === undefined || !/^[ \t]*$/.test(between)) {
      flush();
      out += plain(between);
    }
    const charset = (m[1] ?? "utf-8").split("*")[0]!.toLowerCase();
    const bytes = (m[2] ?? "").toUpperCase() === "B" ? [...Buffer.from(m[3] ?? "", "base64")] : qWordBytes(m[3] ?? "");
    if (pending !== undefined && pending.charset !== charset) flush();
    if (pending === undefined) pending = { charset, bytes: [] };
    pending.bytes.push(...bytes);
    last = m.index + m[0].length;
  }
  flush();
  out += plain(value.slice(last));
  return out;
}

function qWordBytes(word: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    if (c === "_") bytes.push(0x20);
    else if (c === "=" && /^[0-9A-Fa-f]{2}$/.test(word.slice(i + 1, i + 3))) {
      bytes.push(parseInt(word.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(word.charCodeAt(i) & 0xff);
  }
  return bytes;
}

/** Header text outside encoded words, which arrived as a binary (latin1) string. */
function plain(bin: string): string {
  if (!/[\u0080-\u00ff]/.test(bin)) return bin;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(bin, "latin1"));
  } catch {
    return bin;
  }
}

/** Addresses in an address-list header: `<a@b>` forms and bare addresses, without display names. */
export function addressesOf(value: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  let angle = 0;
  const push = (): void => {
    const s = cur.trim();
    cur = "";
    if (s === "") return;
    const m = /<([^<>]*)>\s*$/.exec(s);
    const addr = (m === null ? s.replace(/\([^)]*\)/g, "") : m[1]!).trim();
    if (addr.includes("@")) out.push(addr);
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '"' && value[i - 1] !== "\\") quoted = !quoted;
    else if (!quoted && c === "<") angle++;
    else if (!quoted && c === ">") angle = Math.max(0, angle - 1);
    if (c === "," && !quoted && angle === 0) {
      push();
      continue;
    }
    cur += c;
  }
  push();
  return out;
}
