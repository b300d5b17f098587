import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadMailboxKey } from "../../packages/cli/src/runtime/mailbox-key.ts";

/**
 * The local mailbox key of `pressbridge start` (it opens the local outbox): made once per data dir
 * (mode 0600), reread after, the same for processes racing to make it, and refused when others may
 * read it.
 */
const MODULE = resolve(import.meta.dirname, "../../packages/cli/src/runtime/mailbox-key.ts");
const dirs: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "pb-mailbox-key-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** loadMailboxKey in a separate Node process (the project's Node 24, which runs the TypeScript). */
function loadInChild(dataDir: string): Promise<string> {
  const code = `const { loadMailboxKey } = await import(${JSON.stringify(MODULE)}); process.stdout.write(loadMailboxKey(${JSON.stringify(dataDir)}));`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => (status === 0 ? resolvePromise(out) : reject(new Error(`child exited ${status}: ${err}`))));
  });
}

describe("the local mailbox key", () => {
  it("is made on first use in <data-dir>/mailbox-key with mode 0600, and reread afterwards", () => {
    const dir = join(scratch(), "data");
    const token = loadMailboxKey(dir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = join(dir, "mailbox-key");
    expect(readFileSync(file, "utf8")).toBe(`${token}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadMailboxKey(dir)).toBe(token);
    expect(readdirSync(dir)).toEqual(["mailbox-key"]); // no temporary file left behind
  });

  it("is the same for processes racing to make it", async () => {
    const dir = scratch();
    const tokens = await Promise.all(Array.from({ length: 6 }, () => loadInChild(dir)));
    expect(new Set(tokens).size).toBe(1);
    expect(readFileSync(join(dir, "mailbox-key"), "utf8").trim()).toBe(tokens[0]);
    expect(readdirSync(dir)).toEqual(["mailbox-key"]);
  });

  it("refuses a token file others may read, and one that holds no token", () => {
    const dir = scratch();
    const file = join(dir, "mailbox-key");
    loadMailboxKey(dir);
    chmodSync(file, 0o644);
    expect(() => loadMailboxKey(dir)).toThrow(/readable by others.*chmod 600/);
    writeFileSync(file, "short\n", { mode: 0o600 });
    chmodSync(file, 0o600);
    expect(() => loadMailboxKey(dir)).toThrow(/does not hold a mailbox key/);
  });
});
