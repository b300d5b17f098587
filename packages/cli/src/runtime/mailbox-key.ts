import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "@pressbridge/core";

const TOKEN = /^[A-Za-z0-9_-]{32,256}$/;

/**
 * The local mailbox key: what opens the local outbox (/outbox?key=..., the link `pressbridge start`
 * prints) without signing in, so a person can read the sign-in link emailed to them there. It grants
 * the outbox only (which does hold everyone's sign-in links: keep the key to yourself). It lives in
 * <data-dir>/mailbox-key, mode 0600, made on first use: written complete to a temporary file, then linked into place, which fails if the file
 * exists; so two `pressbridge start`s racing on one data dir end up with the same token, and nobody
 * ever reads a half-written one. An existing file is reread, and refused if others may read it.
 */
export function loadMailboxKey(dataDir: string): string {
  const file = join(dataDir, "mailbox-key");
  mkdirSync(dataDir, { recursive: true });
  const fresh = randomBytes(32).toString("base64url");
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, `${fresh}\n`, { mode: 0o600, flag: "wx" });
  try {
    linkSync(tmp, file);
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    unlinkSync(tmp);
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ValidationError("mailboxKey", `${file} is readable by others (mode ${mode.toString(8)}); run \`chmod 600 ${file}\``);
  }
  const token = readFileSync(file, "utf8").trim();
  if (!TOKEN.test(token)) throw new ValidationError("mailboxKey", `${file} does not hold a mailbox key; delete it to make a new one`);
  return token;
}
