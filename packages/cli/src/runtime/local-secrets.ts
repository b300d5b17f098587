import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { assertUsableKeys, ValidationError, type SigningKeys } from "@pressbridge/core";

/**
 * Local secrets (the approval-link signing keys) live in <data-dir>/secrets.json, created with mode
 * 0600 on first use and never printed. PRESSBRIDGE_SIGNING_KEYS (the same JSON) overrides it. In AWS
 * the keys come from Secrets Manager instead.
 *
 * The first use is a race when several processes start on a fresh data dir: each makes a key, but
 * only one file can be created (a hard link of a complete temp file, which fails with EEXIST when
 * the file exists), and every loser reads the winner's keys, so all of them sign with the same key.
 */
export function loadSigningKeys(dataDir: string): SigningKeys {
  const fromEnv = process.env.PRESSBRIDGE_SIGNING_KEYS;
  const file = join(dataDir, "secrets.json");
  let keys: SigningKeys;
  if (fromEnv !== undefined && fromEnv !== "") {
    keys = parseKeys(fromEnv, "PRESSBRIDGE_SIGNING_KEYS");
  } else if (existsSync(file)) {
    keys = parseKeys(readFileSync(file, "utf8"), file);
  } else {
    keys = createSecretsOnce(file, { current: newKey(), previous: [] });
  }
  try {
    assertUsableKeys(keys);
  } catch (err) {
    // Its messages name a key by id only; parseKeys checked the shapes, so nothing else can throw here.
    throw new ValidationError("signingKeys", (err as Error).message);
  }
  return keys;
}

function newKey(): SigningKeys["current"] {
  return { id: `k${new Date().toISOString().slice(0, 10).replace(/-/g, "")}${randomBytes(3).toString("hex")}`, secret: randomBytes(32).toString("base64url") };
}

/** Creates the file with `keys` unless it exists; returns the keys the file holds either way. */
function createSecretsOnce(file: string, keys: SigningKeys): SigningKeys {
  const tmp = writeTemp(file, keys);
  try {
    linkSync(tmp, file);
    return keys;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return parseKeys(readFileSync(file, "utf8"), file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** A complete, fsynced 0600 copy of the secrets next to `file`, for a rename or link into place. */
function writeTemp(file: string, keys: SigningKeys): string {
  mkdirSync(join(file, ".."), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ signingKeys: keys }, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  return tmp;
}

/**
 * The signing keys in a secrets.json text. What is wrong is said in words of its own: never
 * JSON.parse's message (it quotes the text around the fault, which is the secret) and never with
 * the parse error as the cause.
 */
function parseKeys(text: string, where: string): SigningKeys {
  const fail = (why: string): never => {
    throw new ValidationError("signingKeys", `${where} does not hold signing keys: ${why}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail("it is not valid JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return fail("it is not a JSON object");
  const outer = json as { signingKeys?: unknown };
  const keys = (typeof outer.signingKeys === "object" && outer.signingKeys !== null ? outer.signingKeys : json) as { current?: unknown; previous?: unknown };
  if (keys.current === undefined) return fail("no current key");
  const previous = keys.previous ?? [];
  if (!Array.isArray(previous)) return fail("previous must be a list of keys");
  for (const [key, name] of [[keys.current, "the current key"], ...previous.map((k, i) => [k, `previous[${i}]`] as const)] as const) {
    if (typeof key !== "object" || key === null || typeof (key as { id?: unknown }).id !== "string" || typeof (key as { secret?: unknown }).secret !== "string") {
      return fail(`${name} must be {"id": "...", "secret": "..."} with string values`);
    }
  }
  return { current: keys.current as SigningKeys["current"], previous: previous as SigningKeys["previous"] };
}
