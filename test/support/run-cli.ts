import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const BIN = resolve(import.meta.dirname, "../../packages/cli/bin/pressbridge.js");

/** Commands run from a scratch directory, so a default ./.pressbridge never lands in the repository. */
const SCRATCH = mkdtempSync(join(tmpdir(), "pb-cli-cwd-"));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `pressbridge` bin in a child process (same Node as the tests). */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? SCRATCH,
      env: { ...process.env, DYNAMODB_ENDPOINT: "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`pressbridge ${args.join(" ")} timed out\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running `pressbridge` (e.g. start) and lets the test read its output as it comes. */
export function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: SCRATCH,
    env: { ...process.env, DYNAMODB_ENDPOINT: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  return {
    child,
    output: () => output,
    async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = output.match(pattern);
        if (m !== null) return m;
        if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop(signal: NodeJS.Signals = "SIGINT"): Promise<number | null> {
      return new Promise((r) => {
        if (child.exitCode !== null) return r(child.exitCode);
        child.once("exit", (code) => r(code));
        child.kill(signal);
      });
    },
  };
}
