import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import type { FeedServerStats } from "./feed-server-process.ts";
import { feedPath, type ScenarioSpec } from "./wire-feed.ts";

export type { FeedServerStats };

/** The parent's handle on the feed server process (see feed-server-process.ts). */
export interface BenchFeedServer {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number | undefined;
  setup(spec: ScenarioSpec): Promise<void>;
  setGeneration(scenario: string, generation: number): Promise<void>;
  stats(): Promise<FeedServerStats>;
  resetStats(): Promise<void>;
  feedUrl(scenario: string, feed: number): string;
  close(): Promise<void>;
}

const SCRIPT = resolve(import.meta.dirname, "feed-server-process.ts");

/** Starts the feed server in a child process (same Node binary) and waits until it listens. */
export async function startBenchFeedServer(): Promise<BenchFeedServer> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: { stats?: FeedServerStats }) => void; reject: (e: Error) => void }>();
  let exited = false;

  const port = await new Promise<number>((resolvePort, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`the bench feed server exited (code ${code}) before listening`));
    child.once("exit", onExit);
    child.once("error", reject);
    child.once("message", (msg: { type: string; port?: number }) => {
      child.off("exit", onExit);
      if (msg.type === "ready" && typeof msg.port === "number") resolvePort(msg.port);
      else reject(new Error(`unexpected message from the bench feed server: ${JSON.stringify(msg)}`));
    });
  });
  child.on("message", (msg: { type: string; id?: number; stats?: FeedServerStats }) => {
    if (msg.type !== "reply" || msg.id === undefined) return;
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    w?.resolve(msg.stats === undefined ? {} : { stats: msg.stats });
  });
  child.on("exit", (code) => {
    exited = true;
    for (const w of waiting.values()) w.reject(new Error(`the bench feed server exited (code ${code})`));
    waiting.clear();
  });

  const call = (msg: Record<string, unknown>): Promise<{ stats?: FeedServerStats }> =>
    new Promise((res, rej) => {
      if (exited) return rej(new Error("the bench feed server is not running"));
      const id = nextId++;
      waiting.set(id, { resolve: res, reject: rej });
      child.send({ ...msg, id });
    });

  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid,
    setup: async (spec) => void (await call({ type: "setup", spec })),
    setGeneration: async (scenario, generation) => void (await call({ type: "generation", scenario, generation })),
    stats: async () => (await call({ type: "stats" })).stats!,
    resetStats: async () => void (await call({ type: "reset-stats" })),
    feedUrl: (scenario, feed) => `${url}${feedPath(scenario, feed)}`,
    close: async () => {
      if (exited) return;
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          done();
        }, 3_000);
        child.once("exit", () => {
          clearTimeout(timer);
          done();
        });
        child.disconnect();
      });
    },
  };
}
