import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadOperatorToken } from "../../packages/cli/src/runtime/operator-token.ts";

/**
 * The local operator token of `pressbridge start`: made once per data dir (mode 0600), reread after,
 * the same for processes racing to make it, and refused when others may read it.
 */
const MODULE = resolve(import.meta.dirname, "../../packages/cli/src/runtime/operator-token.ts");
const dirs: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "pb-operator-token-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** loadOperatorToken in a separate Node process (the project's Node 24, which runs the TypeScript). */
function loadInChild(dataDir: string): Promise<string> {
  const code = `const { loadOperatorToken } = await import(${JSON.stringify(MODULE)}); process.stdout.write(loadOperatorToken(${JSON.stringify(dataDir)}));`;
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

describe("the local operator token", () => {
  it("is made on first use in <data-dir>/operator-token with mode 0600, and reread afterwards", () => {
    const dir = join(scratch(), "data");
    const token = loadOperatorToken(dir);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = join(dir, "operator-token");
    expect(readFileSync(file, "utf8")).toBe(`${token}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOperatorToken(dir)).toBe(token);
    expect(readdirSync(dir)).toEqual(["operator-token"]); // no temporary file left behind
  });

  it("is the same for processes racing to make it", async () => {
    const dir = scratch();
    const tokens = await Promise.all(Array.from({ length: 6 }, () => loadInChild(dir)));
    expect(new Set(tokens).size).toBe(1);
    expect(readFileSync(join(dir, "operator-token"), "utf8").trim()).toBe(tokens[0]);
    expect(readdirSync(dir)).toEqual(["operator-token"]);
  });

  it("refuses a token file others may read, and one that holds no token", () => {
    const dir = scratch();
    const file = join(dir, "operator-token");
    loadOperatorToken(dir);
    chmodSync(file, 0o644);
    expect(() => loadOperatorToken(dir)).toThrow(/readable by others.*chmod 600/);
    writeFileSync(file, "short\n", { mode: 0o600 });
    chmodSync(file, 0o600);
    expect(() => loadOperatorToken(dir)).toThrow(/does not hold an operator token/);
  });
});
