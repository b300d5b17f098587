import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { MailError, ValidationError, systemClock } from "@pressbridge/core";
import type { Clock, EmailMessage, Mailer } from "@pressbridge/core";
import { parseEml, parseEmlHeaders, type ParsedEml } from "./eml.ts";
import { checkMessage, newMessageId } from "./mime.ts";
import { buildMime } from "./mime-compose.ts";

/**
 * A Mailer that sends nothing: each message becomes an RFC 5322 .eml file in a directory, for local
 * runs and demos (the web app lists them at /outbox; any mail client opens them).
 *
 * File names are `<ISO time, ":" as "-">-<12 hex>.eml`, so they sort by time and carry nothing from
 * the message. Files are written atomically: a hidden temp file in the same directory, fsynced, then
 * renamed, so a reader never sees half a message. Messages hold live review links, so files are 0600
 * and the directory 0700 (an existing directory is tightened on the first send).
 */

/** `2026-11-24T15-00-00.000Z-0123456789ab.eml` */
export const OUTBOX_FILE_RE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-[0-9a-f]{12}\.eml$/;

/** Messages larger than this are not read back (they were not written by the outbox). */
const MAX_READ_BYTES = 10 * 1024 * 1024;
/** Bytes read per file for a listing: enough for the header block. */
const LIST_HEADER_BYTES = 64 * 1024;

export interface OutboxMailerOptions {
  dir: string;
  clock?: Clock;
}

export class OutboxMailer implements Mailer {
  readonly dir: string;
  readonly #clock: Clock;
  #dirReady: Promise<void> | undefined;

  constructor(options: OutboxMailerOptions) {
    if (typeof options.dir !== "string" || options.dir === "") throw new RangeError("OutboxMailer: dir must not be empty");
    this.dir = resolve(options.dir);
    this.#clock = options.clock ?? systemClock;
  }

  async send(message: EmailMessage): Promise<{ messageId: string; file: string }> {
    const checked = checkMessage(message);
    const date = this.#clock.now();
    const messageId = newMessageId(checked.from.address);
    let raw: Buffer;
    try {
      raw = await buildMime(checked, { messageId, date });
    } catch (err) {
      throw new MailError(`could not build the message: ${(err as Error).message}`, false, { cause: err });
    }
    const file = `${date.toISOString().replace(/:/g, "-")}-${randomBytes(6).toString("hex")}.eml`;
    const target = join(this.dir, file);
    const temp = join(this.dir, `.${file}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      this.#dirReady ??= mkdir(this.dir, { recursive: true, mode: 0o700 }).then(() => chmod(this.dir, 0o700));
      await this.#dirReady.catch((err: unknown) => {
        this.#dirReady = undefined;
        throw err;
      });
      const handle = await open(temp, "wx", 0o600);
      try {
        await handle.writeFile(raw);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      const code = (err as NodeJS.ErrnoException).code;
      // A full disk or a busy file system may clear up; a missing permission or a bad path will not.
      const retryable = code === "ENOSPC" || code === "EBUSY" || code === "EMFILE" || code === "ENFILE" || code === "EAGAIN";
      throw new MailError(`could not write to the outbox ${this.dir}: ${code ?? (err as Error).message}`, retryable, { cause: err });
    }
    return { messageId, file };
  }
}

export interface OutboxEntry {
  file: string;
  messageId: string;
  to: string[];
  subject: string;
  /** ISO 8601 from the Date header (the file name's time if the header is unreadable). */
  date: string;
  kind?: string;
  planId?: string;
}

/** Messages in the outbox, newest first (at most `limit`, default 200). A missing directory is empty. */
export async function listOutbox(dir: string, options: { limit?: number } = {}): Promise<OutboxEntry[]> {
  const limit = options.limit ?? 200;
  let names: string[];
  try {
    names = await readdir(resolve(dir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const files = names.filter((n) => OUTBOX_FILE_RE.test(n)).sort().reverse().slice(0, Math.max(0, limit));
  const entries: OutboxEntry[] = [];
  for (const file of files) {
    const head = await readHead(resolve(dir, file));
    if (head === undefined) continue;
    const parsed = parseEmlHeaders(head);
    const entry: OutboxEntry = {
      file,
      messageId: parsed.messageId,
      to: parsed.to,
      subject: parsed.subject,
      date: parsed.date ?? fileTime(file),
    };
    const kind = parsed.headers["x-pressbridge-kind"];
    const planId = parsed.headers["x-pressbridge-plan"];
    if (kind !== undefined) entry.kind = kind;
    if (planId !== undefined) entry.planId = planId;
    entries.push(entry);
  }
  return entries;
}

export interface OutboxMessage {
  raw: string;
  parsed: ParsedEml;
}

/**
 * Reads one outbox message, or undefined when there is no such file. `file` must be a bare name the
 * outbox generates (no directories, no `..`, no absolute path) and resolve inside `dir`; anything
 * else throws ValidationError, so a web route can pass the name from the URL straight through.
 * Symbolic links and non-files are refused.
 */
export async function readOutboxMessage(dir: string, file: string): Promise<OutboxMessage | undefined> {
  const path = outboxPath(dir, file);
  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  if (!info.isFile()) throw new ValidationError("file", "not a regular file");
  if (info.size > MAX_READ_BYTES) throw new ValidationError("file", "message too large to show");
  const bytes = await readFile(path);
  return { raw: bytes.toString("utf8"), parsed: parseEml(bytes) };
}

/** The absolute path of an outbox file, after the name and containment checks. */
function outboxPath(dir: string, file: string): string {
  if (typeof file !== "string" || isAbsolute(file) || file.includes("/") || file.includes("\\") || basename(file) !== file) {
    throw new ValidationError("file", "must be a bare outbox file name");
  }
  if (!OUTBOX_FILE_RE.test(file)) throw new ValidationError("file", "not an outbox file name");
  const root = resolve(dir);
  const path = resolve(root, file);
  if (dirname(path) !== root || !path.startsWith(root + sep)) throw new ValidationError("file", "outside the outbox");
  return path;
}

async function readHead(path: string): Promise<Uint8Array | undefined> {
  try {
    const info = await lstat(path);
    if (!info.isFile()) return undefined;
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(Math.min(LIST_HEADER_BYTES, info.size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    // Removed between readdir and open: skip it.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function fileTime(file: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2}\.\d{3}Z)/.exec(file);
  return m === null ? "" : `${m[1]}T${m[2]}:${m[3]}:${m[4]}`;
}
