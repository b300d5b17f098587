import { createHash } from "node:crypto";
import { cleanText } from "../../text/fit-text.ts";
import type { MediaContact } from "../plan-parts.ts";

/**
 * A client's media list (journalists) as CSV, and the hashed form the ad platforms' matched
 * audiences take (LinkedIn, Meta and X all accept SHA-256 of the normalised email). Raw emails stay
 * in the file; briefs only ever carry the hashes.
 */

export interface MediaListParseResult {
  contacts: MediaContact[];
  /** Lines skipped, by 1-based physical line number of the record's first line. Never echoes an email. */
  errors: Array<{ line: number; reason: string }>;
  /** Rows repeating an email above them (compared trimmed and lower-cased), merged into that contact. */
  merged: number;
}

const MAX_FIELD_LENGTH = 200;
const MAX_EMAIL_LENGTH = 254;

/** Header names accepted per column, compared lower-cased with non-letters removed ("E-mail" -> "email"). */
const COLUMNS: Readonly<Record<keyof MediaContact, readonly string[]>> = {
  email: ["email", "emailaddress"],
  name: ["name", "fullname", "contactname"],
  outlet: ["outlet", "publication", "mediaoutlet"],
  beat: ["beat", "coverage", "topics", "topic"],
  xHandle: ["xhandle", "twitter", "twitterhandle", "x", "handle"],
};

/**
 * Parses a media list CSV (RFC 4180: quoted fields with commas, doubled quotes and line breaks; CRLF,
 * LF or CR line ends; a UTF-8 BOM is ignored).
 *
 * The first non-blank record is the header and must have an `email` column (any case); `name`,
 * `outlet` and `beat` are optional. Rows with a missing or invalid email are reported by line and
 * skipped; blank lines are ignored; a repeated email (compared trimmed and lower-cased) is merged
 * into its first row (the first value of each column wins; empty ones are filled from later rows).
 * An `x_handle` column ("@jane", "jane" or an x.com link) is kept as the bare handle.
 */
export function parseMediaListCsv(text: string): MediaListParseResult {
  const errors: MediaListParseResult["errors"] = [];
  const contacts: MediaContact[] = [];
  const records = readCsvRecords(text.startsWith("\ufeff") ? text.slice(1) : text);

  let header: { line: number; columns: Partial<Record<keyof MediaContact, number>> } | undefined;
  const seen = new Map<string, MediaContact>();
  let merged = 0;
  for (const record of records) {
    if (record.error !== undefined) {
      errors.push({ line: record.line, reason: record.error });
      continue;
    }
    if (record.fields.every((f) => f.trim() === "")) continue;
    if (header === undefined) {
      const columns = headerColumns(record.fields);
      if (columns.email === undefined) {
        errors.push({ line: record.line, reason: 'the header row has no "email" column' });
        return { contacts: [], errors, merged: 0 };
      }
      header = { line: record.line, columns };
      continue;
    }
    const field = (key: keyof MediaContact): string | undefined => {
      const index = header!.columns[key];
      if (index === undefined) return undefined;
      const value = cleanField(record.fields[index] ?? "");
      return value === "" ? undefined : value;
    };
    const email = field("email");
    if (email === undefined) {
      errors.push({ line: record.line, reason: "no email address" });
      continue;
    }
    if (!isPlausibleEmail(email)) {
      errors.push({ line: record.line, reason: "invalid email address" });
      continue;
    }
    const key = normaliseEmail(email);
    const contact: MediaContact = { email };
    const name = field("name");
    const outlet = field("outlet");
    const beat = field("beat");
    const xHandle = handleOf(field("xHandle"));
    if (name !== undefined) contact.name = name;
    if (outlet !== undefined) contact.outlet = outlet;
    if (beat !== undefined) contact.beat = beat;
    if (xHandle !== undefined) contact.xHandle = xHandle;
    const first = seen.get(key);
    if (first !== undefined) {
      // The same journalist twice: one contact, the first row's values winning, gaps filled from later rows.
      merged++;
      for (const k of ["name", "outlet", "beat", "xHandle"] as const) if (first[k] === undefined && contact[k] !== undefined) first[k] = contact[k];
      continue;
    }
    seen.set(key, contact);
    contacts.push(contact);
  }
  if (header === undefined) errors.push({ line: 1, reason: 'no header row: the first row must name the columns, including "email"' });
  return { contacts, errors, merged };
}

/** An X handle as people write it ("@jane", "x.com/jane"), or undefined when it is not one. */
function handleOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const m = /^(?:https?:\/\/)?(?:www\.)?(?:x|twitter)\.com\/@?([A-Za-z0-9_]{1,15})\/?$|^@?([A-Za-z0-9_]{1,15})$/.exec(raw.trim());
  return m === null ? undefined : (m[1] ?? m[2]);
}

/** Trimmed and lower-cased: the form the platforms hash. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** SHA-256 hex of the trimmed, lower-cased email: what LinkedIn, Meta and X matched audiences expect. */
export function hashEmailForAudience(email: string): string {
  return createHash("sha256").update(normaliseEmail(email), "utf8").digest("hex");
}

// One "@", no spaces or angle brackets, a dotted domain of letters/digits/hyphens, sane lengths.
const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$/u;

/** A deliberately plain check: enough to catch typos and stray cells, not an RFC 5322 parser. */
export function isPlausibleEmail(email: string): boolean {
  const e = email.trim();
  if (e.length > MAX_EMAIL_LENGTH) return false;
  const at = e.indexOf("@");
  if (at < 1 || at > 64) return false;
  const local = e.slice(0, at);
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) return false;
  return EMAIL_RE.test(e);
}

function headerColumns(fields: readonly string[]): Partial<Record<keyof MediaContact, number>> {
  const out: Partial<Record<keyof MediaContact, number>> = {};
  fields.forEach((raw, index) => {
    const name = raw.toLowerCase().replace(/[^a-z]/g, "");
    for (const key of Object.keys(COLUMNS) as Array<keyof MediaContact>) {
      if (out[key] === undefined && COLUMNS[key].includes(name)) out[key] = index;
    }
  });
  return out;
}

function cleanField(value: string): string {
  return cleanText(value, MAX_FIELD_LENGTH);
}

interface CsvRecord {
  line: number;
  fields: string[];
  error?: string;
}

/** RFC 4180 records with the physical line each starts on. Lenient about quotes inside unquoted fields. */
function readCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    let wasQuoted = false;
    let ended = false;
    while (i < n) {
      const c = text[i]!;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
          continue;
        }
        if (c === "\r" || c === "\n") {
          // A line break inside quotes belongs to the field; CRLF counts once.
          if (c === "\r" && text[i + 1] === "\n") {
            field += "\r\n";
            i += 2;
          } else {
            field += c;
            i++;
          }
          line++;
          continue;
        }
        field += c;
        i++;
        continue;
      }
      if (c === ",") {
        fields.push(field);
        field = "";
        wasQuoted = false;
        i++;
        continue;
      }
      if (c === "\r" || c === "\n") {
        i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line++;
        ended = true;
        break;
      }
      if (c === '"' && field.trim() === "" && !wasQuoted) {
        // Opening quote (spaces before it are dropped, as spreadsheets write them).
        field = "";
        quoted = true;
        wasQuoted = true;
        i++;
        continue;
      }
      field += c;
      i++;
    }
    if (quoted) {
      records.push({ line: startLine, fields: [], error: "a quoted field is never closed" });
      break;
    }
    fields.push(field);
    records.push({ line: startLine, fields });
    if (!ended) break;
  }
  return records;
}
