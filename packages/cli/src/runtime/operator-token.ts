import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "@pressbridge/core";

const TOKEN = /^[A-Za-z0-9_-]{32,256}$/;

/**
 * The local operator token: what the queue, the dashboard, the outbox and the plan pages need (in AWS
 * the admin-token secret plays this part). It lives in <data-dir>/operator-token, mode 0600, made on
 * first use: written complete to a temporary file, then linked into place, which fails if the file
 * exists; so two `pressbridge start`s racing on one data dir end up with the same token, and nobody
 * ever reads a half-written one. An existing file is reread, and refused if others may read it.
 */
export function loadOperatorToken(dataDir: string): string {
  const file = join(dataDir, "operator-token");
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
    throw new ValidationError("operatorToken", `${file} is readable by others (mode ${mode.toString(8)}); run \`chmod 600 ${file}\``);
  }
  const token = readFileSync(file, "utf8").trim();
  if (!TOKEN.test(token)) throw new ValidationError("operatorToken", `${file} does not hold an operator token; delete it to make a new one`);
  return token;
}
