import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The local signing keys when several processes start on a fresh data dir at once: they must all end
 * up signing with the same key (the file's), or the links of all but one are dead.
 */
const SECRETS = resolve(import.meta.dirname, "../../packages/cli/src/runtime/local-secrets.ts");
const dir = mkdtempSync(join(tmpdir(), "pb-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Starts `count` processes that import the module, report ready, and spin until a "go" file appears,
 * so they all load the keys within a millisecond or so; resolves with each one's key.
 */
async function loadConcurrently(dataDir: string, count: number): Promise<string[]> {
  const go = `${dataDir}.go`;
  const script = `
    const { existsSync } = await import("node:fs");
    const { loadSigningKeys } = await import(${JSON.stringify(SECRETS)});
    process.stderr.write("ready\\n");
    while (!existsSync(${JSON.stringify(go)})) {}
    const keys = loadSigningKeys(${JSON.stringify(dataDir)});
    process.stdout.write(keys.current.id + " " + keys.current.secret);
  `;
  let ready = 0;
  let allReady: () => void = () => undefined;
  const readyAll = new Promise<void>((r) => (allReady = r));
  const results = Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<string>((res, rej) => {
          const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, PRESSBRIDGE_SIGNING_KEYS: "" } });
          let out = "";
          let err = "";
          child.stdout.on("data", (d: Buffer) => (out += d.toString()));
          child.stderr.on("data", (d: Buffer) => {
            err += d.toString();
            if (d.toString().includes("ready") && ++ready === count) allReady();
          });
          child.on("close", (code) => (code === 0 ? res(out) : rej(new Error(`exit ${code}: ${err}`))));
        }),
    ),
  );
  await readyAll;
  writeFileSync(go, "");
  return results;
}

describe("local signing keys", () => {
  it("processes racing on a fresh data dir all sign with the one key the file holds (0600)", async () => {
    for (let round = 0; round < 3; round++) {
      const dataDir = join(dir, `race-${round}`);
      const keys = await loadConcurrently(dataDir, 8);
      const file = join(dataDir, "secrets.json");
      const stored = JSON.parse(readFileSync(file, "utf8")) as { signingKeys: { current: { id: string; secret: string } } };
      expect(new Set(keys)).toEqual(new Set([`${stored.signingKeys.current.id} ${stored.signingKeys.current.secret}`]));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(dataDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    }
  });
});
