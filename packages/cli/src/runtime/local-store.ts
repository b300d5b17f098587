import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  DynamoReleaseStore,
  createDynamoClient,
  currentProcess,
  ensureTable,
  isProcessLive,
  parseProcessTag,
  processTag,
  startDynamoDbLocal,
  stopDynamoDbLocalProcess,
  type ProcessRef,
  type RequestCounter,
} from "@pressbridge/adapters/dynamodb";
import type { Logger } from "@pressbridge/core";
import type { CommandArgs } from "../command-args.ts";

export const DEFAULT_DATA_DIR = ".pressbridge";
export const DEFAULT_TABLE = "pressbridge";

/** The data dir a command was given (--data-dir), or the default ./.pressbridge, made absolute. */
export function dataDirFrom(args: CommandArgs): string {
  return resolve(typeof args["data-dir"] === "string" ? args["data-dir"] : DEFAULT_DATA_DIR);
}

export interface OpenedStore {
  store: DynamoReleaseStore;
  client: DynamoDBDocumentClient;
  endpoint: string;
  /** "env" (DYNAMODB_ENDPOINT), "shared" (another process of the data dir started it) or "owned" (this one did). */
  mode: "env" | "shared" | "owned";
  close(): Promise<void>;
}

/** <data-dir>/dynamodb.json: the DynamoDB Local serving the data dir, while one does. */
interface RuntimeFile {
  endpoint: string;
  /** The Java process (DynamoDB Local itself), so any process of the data dir can check and stop it. */
  pid: number;
  startTime: string;
  /** The pressbridge process that started it. */
  startedBy: number;
  startedAt: string;
}

async function answers(endpoint: string): Promise<boolean> {
  const client = createDynamoClient({ endpoint, maxSockets: 1 });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

function readRuntime(file: string): RuntimeFile | undefined {
  try {
    const r = JSON.parse(readFileSync(file, "utf8")) as Partial<RuntimeFile>;
    if (typeof r.endpoint !== "string" || typeof r.pid !== "number") return undefined;
    return { endpoint: r.endpoint, pid: r.pid, startTime: r.startTime ?? "", startedBy: r.startedBy ?? 0, startedAt: r.startedAt ?? "" };
  } catch {
    return undefined;
  }
}

/**
 * Opens the store a local command should use. DYNAMODB_ENDPOINT wins; otherwise the data dir's
 * DynamoDB Local is shared by every pressbridge process using it, so two processes never open the
 * same database files and none stops it under another:
 * - each process registers itself in <data-dir>/dynamodb.users/ (one file per process, named by pid
 *   and start time) while it uses the database, and removes itself on close;
 * - the first process starts DynamoDB Local (detached, so it does not die with that process or with
 *   a Ctrl-C meant for it) and records it in dynamodb.json;
 * - whichever process leaves last (no live user remains) stops it;
 * - joining and leaving hold <data-dir>/dynamodb.lock, so a process never joins a database the last
 *   one is stopping. A lock or user file of a process that died is ignored and removed.
 */
export async function openLocalStore(options: {
  dataDir: string;
  tableName?: string;
  logger: Logger;
  counter?: RequestCounter;
}): Promise<OpenedStore> {
  const tableName = options.tableName ?? process.env.PRESSBRIDGE_TABLE ?? DEFAULT_TABLE;
  const make = async (endpoint: string, mode: OpenedStore["mode"], close: () => Promise<void>): Promise<OpenedStore> => {
    const client = createDynamoClient({ endpoint });
    try {
      await ensureTable(client, tableName);
    } catch (err) {
      client.destroy();
      await close();
      throw err;
    }
    const store = new DynamoReleaseStore({ client, tableName, ...(options.counter ? { counter: options.counter } : {}) });
    let closed = false;
    return {
      store,
      client,
      endpoint,
      mode,
      close: async () => {
        if (closed) return;
        closed = true;
        client.destroy();
        await close();
      },
    };
  };

  const envEndpoint = process.env.DYNAMODB_ENDPOINT;
  if (envEndpoint !== undefined && envEndpoint !== "") return make(envEndpoint, "env", async () => {});

  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const files = {
    runtime: join(dataDir, "dynamodb.json"),
    lock: join(dataDir, "dynamodb.lock"),
    users: join(dataDir, "dynamodb.users"),
  };
  const self = currentProcess();
  const userFile = join(files.users, processTag(self));

  const joined = await withLock(files.lock, async () => {
    mkdirSync(files.users, { recursive: true, mode: 0o700 });
    const running = readRuntime(files.runtime);
    if (running !== undefined && isProcessLive({ pid: running.pid, startTime: running.startTime }) && (await answers(running.endpoint))) {
      writeFileSync(userFile, JSON.stringify({ pid: self.pid, since: new Date().toISOString() }), { mode: 0o600 });
      options.logger.debug("using the running DynamoDB Local of this data dir", { endpoint: running.endpoint, pid: running.pid });
      return { endpoint: running.endpoint, mode: "shared" as const };
    }
    if (running !== undefined) {
      // Recorded but dead or not answering (a crash): stop what may be left of it and start afresh.
      await stopDynamoDbLocalProcess({ pid: running.pid, startTime: running.startTime });
      rmSync(files.runtime, { force: true });
    }
    options.logger.info("starting DynamoDB Local", { dataDir: join(dataDir, "dynamodb") });
    const db = await startDynamoDbLocal({ dataDir: join(dataDir, "dynamodb"), detached: true, logFile: join(dataDir, "dynamodb-local.log") });
    const info: RuntimeFile = {
      endpoint: db.endpoint,
      pid: db.process?.pid ?? 0,
      startTime: db.process?.startTime ?? "",
      startedBy: process.pid,
      startedAt: new Date().toISOString(),
    };
    writeFileSync(files.runtime, JSON.stringify(info, null, 2), { mode: 0o600 });
    writeFileSync(userFile, JSON.stringify({ pid: self.pid, since: info.startedAt }), { mode: 0o600 });
    return { endpoint: db.endpoint, mode: "owned" as const };
  });

  const leave = async (): Promise<void> => {
    await withLock(files.lock, async () => {
      rmSync(userFile, { force: true });
      if (liveUsers(files.users).length > 0) return;
      const running = readRuntime(files.runtime);
      if (running === undefined || running.endpoint !== joined.endpoint) return;
      options.logger.debug("stopping DynamoDB Local: no other process of this data dir uses it", { pid: running.pid });
      await stopDynamoDbLocalProcess({ pid: running.pid, startTime: running.startTime });
      rmSync(files.runtime, { force: true });
    });
  };
  return make(joined.endpoint, joined.mode, leave);
}

/** The processes registered as users of the data dir's DynamoDB Local; files of dead ones are removed. */
function liveUsers(usersDir: string): ProcessRef[] {
  const live: ProcessRef[] = [];
  let names: string[];
  try {
    names = readdirSync(usersDir);
  } catch {
    return live;
  }
  for (const name of names) {
    const ref = parseProcessTag(name);
    if (ref !== undefined && isProcessLive(ref)) live.push(ref);
    else rmSync(join(usersDir, name), { force: true });
  }
  return live;
}

/** How long a process waits for the data dir's lock (a DynamoDB Local start takes a few seconds). */
const LOCK_WAIT_MS = 120_000;

/**
 * Runs `fn` holding an exclusive lock file (created with "wx", holding the holder's pid tag). A lock
 * whose holder died is broken: renamed away first, so two processes breaking it at once cannot
 * both win.
 */
async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const tag = processTag(currentProcess());
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(lockFile, "wx", 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (fd !== undefined) {
      writeFileSync(fd, tag);
      closeSync(fd);
      try {
        return await fn();
      } finally {
        rmSync(lockFile, { force: true });
      }
    }
    breakIfAbandoned(lockFile);
    if (Date.now() > deadline) throw new Error(`could not open the DynamoDB Local of ${dirname(lockFile)}: ${lockFile} stays locked by another process`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function breakIfAbandoned(lockFile: string): void {
  let holder: string;
  try {
    holder = readFileSync(lockFile, "utf8").trim();
  } catch {
    return; // released meanwhile
  }
  // A legacy lock holds a bare pid; an empty one is being written right now.
  const ref = parseProcessTag(holder) ?? (/^\d+$/.test(holder) ? { pid: Number(holder), startTime: "" } : undefined);
  if (ref === undefined || isProcessLive(ref)) return;
  const aside = `${lockFile}.${process.pid}.stale`;
  try {
    renameSync(lockFile, aside);
  } catch {
    return;
  }
  // Renamed a newer holder's lock by accident (it was replaced between the read and the rename): put it back.
  if (readFileSync(aside, "utf8").trim() !== holder) {
    try {
      linkSync(aside, lockFile);
    } catch {
      // yet another holder meanwhile; it holds the lock now
    }
  }
  rmSync(aside, { force: true });
}
