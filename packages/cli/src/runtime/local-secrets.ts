import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { assertUsableKeys, ValidationError, type SigningKeys } from "@pressbridge/core";

/**
 * Local secrets (the approval-link signing keys) live in <data-dir>/secrets.json, created with mode
 * 0600 on first use and never printed. PRESSBRIDGE_SIGNING_KEYS (the same JSON) overrides it. In AWS
 * the keys come from Secrets Manager instead.
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
    keys = { current: newKey(), previous: [] };
    writeSecrets(file, keys);
  }
  try {
    assertUsableKeys(keys);
  } catch (err) {
    throw new ValidationError("signingKeys", (err as Error).message, { cause: err });
  }
  return keys;
}

/** Makes a new current key and keeps the old one as previous, so links already sent keep working. */
export function rotateSigningKey(dataDir: string, keepPrevious = 3): SigningKeys {
  const file = join(dataDir, "secrets.json");
  const old = loadSigningKeys(dataDir);
  const keys: SigningKeys = { current: newKey(), previous: [old.current, ...old.previous].slice(0, keepPrevious) };
  writeSecrets(file, keys);
  return keys;
}

function newKey(): SigningKeys["current"] {
  return { id: `k${new Date().toISOString().slice(0, 10).replace(/-/g, "")}${randomBytes(3).toString("hex")}`, secret: randomBytes(32).toString("base64url") };
}

function writeSecrets(file: string, keys: SigningKeys): void {
  mkdirSync(join(file, ".."), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ signingKeys: keys }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  chmodSync(file, 0o600);
}

function parseKeys(text: string, where: string): SigningKeys {
  try {
    const json = JSON.parse(text) as { signingKeys?: SigningKeys } & Partial<SigningKeys>;
    const keys = json.signingKeys ?? (json as SigningKeys);
    if (keys.current === undefined) throw new Error("no current key");
    return { current: keys.current, previous: keys.previous ?? [] };
  } catch (err) {
    throw new ValidationError("signingKeys", `${where} does not hold signing keys: ${(err as Error).message}`, { cause: err });
  }
}
