import { mkdirSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from "node:fs";
import { join, resolve } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  DynamoReleaseStore,
  createDynamoClient,
  ensureTable,
  startDynamoDbLocal,
  type RequestCounter,
} from "@pressbridge/adapters";
import type { Logger } from "@pressbridge/core";

export const DEFAULT_DATA_DIR = ".pressbridge";
export const DEFAULT_TABLE = "pressbridge";

export interface OpenedStore {
  store: DynamoReleaseStore;
  client: DynamoDBDocumentClient;
  endpoint: string;
  /** "env" (DYNAMODB_ENDPOINT), "shared" (another pressbridge process's DynamoDB Local) or "owned". */
  mode: "env" | "shared" | "owned";
  close(): Promise<void>;
}

interface RuntimeFile {
  endpoint: string;
  pid: number;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
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
    return JSON.parse(readFileSync(file, "utf8")) as RuntimeFile;
  } catch {
    return undefined;
  }
}

/**
 * Opens the store a local command should use. DYNAMODB_ENDPOINT wins; otherwise a DynamoDB Local
 * already serving this data dir (started by `pressbridge start` or another command) is reused, so two
 * processes never open the same database files; otherwise this process starts one, persisted under
 * the data dir, and stops it on close.
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
    await ensureTable(client, tableName);
    const store = new DynamoReleaseStore({ client, tableName, ...(options.counter ? { counter: options.counter } : {}) });
    return {
      store,
      client,
      endpoint,
      mode,
      close: async () => {
        client.destroy();
        await close();
      },
    };
  };

  const envEndpoint = process.env.DYNAMODB_ENDPOINT;
  if (envEndpoint !== undefined && envEndpoint !== "") return make(envEndpoint, "env", async () => {});

  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const runtimeFile = join(dataDir, "dynamodb.json");
  const lockFile = join(dataDir, "dynamodb.lock");

  for (let attempt = 0; attempt < 100; attempt++) {
    const running = readRuntime(runtimeFile);
    if (running !== undefined && isAlive(running.pid) && (await answers(running.endpoint))) {
      options.logger.debug("using the running DynamoDB Local of this data dir", { endpoint: running.endpoint, pid: running.pid });
      return make(running.endpoint, "shared", async () => {});
    }
    let fd: number;
    try {
      fd = openSync(lockFile, "wx");
    } catch {
      // Someone else holds the lock: either starting DynamoDB Local now, or a crashed process.
      const holder = Number(readFileSync(lockFile, "utf8").trim() || "0");
      if (holder > 0 && !isAlive(holder)) rmSync(lockFile, { force: true });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
    try {
      options.logger.info("starting DynamoDB Local", { dataDir: join(dataDir, "dynamodb") });
      const db = await startDynamoDbLocal({ dataDir: join(dataDir, "dynamodb") });
      const info: RuntimeFile = { endpoint: db.endpoint, pid: process.pid, startedAt: new Date().toISOString() };
      writeFileSync(runtimeFile, JSON.stringify(info, null, 2));
      return await make(db.endpoint, "owned", async () => {
        rmSync(runtimeFile, { force: true });
        await db.stop();
        rmSync(lockFile, { force: true });
      });
    } catch (err) {
      rmSync(lockFile, { force: true });
      throw err;
    }
  }
  throw new Error(`could not open the DynamoDB Local of ${dataDir}: ${lockFile} stays locked by another process`);
}
