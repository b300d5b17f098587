import { Worker } from "node:worker_threads";
import { FeedParseError, type ParsedFeed, type ParseFeedOptions } from "@pressbridge/core";

/**
 * parseFeed off the main thread, for the local runtime: a hostile multi-megabyte feed takes up to
 * a second or more of synchronous XML parsing, which would stall the local web app and every other
 * timer. A small pool of worker threads (one by default) runs core's parseFeed and returns the same
 * ParsedFeed; its errors come back as FeedParseError with the same message.
 *
 * Workers start on first use, are unref'd while idle (they never keep the process alive), are
 * replaced after a crash, and are terminated when a parse exceeds the timeout (the caller gets a
 * FeedParseError). The Lambda keeps calling parseFeed directly: it handles one poll at a time.
 */

/** One parse request, main thread -> worker. */
export interface FeedParseRequest {
  id: number;
  bytes: Uint8Array;
  opts: ParseFeedOptions;
}

/** One parse reply, worker -> main thread. */
export type FeedParseReply =
  | { ready: true }
  | { id: number; ok: true; feed: ParsedFeed }
  | { id: number; ok: false; feedParseError: boolean; message: string };

export interface WorkerFeedParserOptions {
  /** Worker threads in the pool. Default 1. */
  workers?: number;
  /** A parse taking longer than this is abandoned (its worker is terminated). Default 10,000 ms. */
  timeoutMs?: number;
}

export interface WorkerFeedParser {
  /** Same contract as core's parseFeed. */
  parse(bytes: Uint8Array, opts: ParseFeedOptions): Promise<ParsedFeed>;
  /** Terminates the workers; parses still queued or running are rejected. */
  close(): Promise<void>;
}

export const DEFAULT_PARSE_TIMEOUT_MS = 10_000;

const WORKER_ENTRY = new URL("./feed-parse-worker.ts", import.meta.url);

interface Job {
  id: number;
  bytes: Uint8Array;
  opts: ParseFeedOptions;
  resolve: (feed: ParsedFeed) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker | undefined;
  /** The worker has loaded its modules (its start-up does not count against a parse's timeout). */
  ready: boolean;
  job: Job | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function createWorkerFeedParser(options: WorkerFeedParserOptions = {}): WorkerFeedParser {
  const size = Math.max(1, Math.floor(options.workers ?? 1));
  const timeoutMs = options.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: undefined, ready: false, job: undefined, timer: undefined }));
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  function finish(slot: Slot): Job | undefined {
    const job = slot.job;
    slot.job = undefined;
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.worker?.unref(); // idle: never what keeps the process alive
    return job;
  }

  /** Drops a worker that crashed or was terminated; the next job starts a fresh one. */
  function discard(slot: Slot, worker: Worker, reason: string): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    finish(slot)?.reject(new FeedParseError(reason));
    dispatch();
  }

  function start(slot: Slot): Worker {
    const worker = new Worker(WORKER_ENTRY);
    worker.on("message", (reply: FeedParseReply) => {
      if (slot.worker !== worker) return;
      if ("ready" in reply) {
        slot.ready = true;
        if (slot.job !== undefined) startTimer(slot, worker, slot.job);
        return;
      }
      if (slot.job?.id !== reply.id) return;
      const job = finish(slot)!;
      if (reply.ok) job.resolve(reply.feed);
      else job.reject(reply.feedParseError ? new FeedParseError(reply.message) : new Error(reply.message));
      dispatch();
    });
    worker.on("error", (error) => discard(slot, worker, `the feed parser worker failed: ${oneLine(error.message)}`));
    worker.on("exit", (code) => discard(slot, worker, `the feed parser worker stopped (exit code ${code})`));
    worker.unref();
    slot.worker = worker;
    slot.ready = false;
    return worker;
  }

  function startTimer(slot: Slot, worker: Worker, job: Job): void {
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (slot.job !== job) return;
      finish(slot);
      slot.worker = undefined;
      job.reject(new FeedParseError(`feed parse timed out after ${timeoutMs} ms`));
      void worker.terminate();
      dispatch();
    }, timeoutMs);
  }

  function dispatch(): void {
    for (const slot of slots) {
      if (queue.length === 0 || closed) return;
      if (slot.job !== undefined) continue;
      const job = queue.shift()!;
      const worker = slot.worker ?? start(slot);
      slot.job = job;
      worker.ref(); // a parse in flight keeps the process alive, like any pending I/O
      if (slot.ready) startTimer(slot, worker, job);
      worker.postMessage({ id: job.id, bytes: job.bytes, opts: job.opts } satisfies FeedParseRequest);
    }
  }

  return {
    parse(bytes, opts) {
      if (closed) return Promise.reject(new FeedParseError("the feed parser is closed"));
      return new Promise<ParsedFeed>((resolve, reject) => {
        queue.push({ id: nextId++, bytes, opts: { ...opts }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new FeedParseError("the feed parser is closed"));
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          slot.worker = undefined;
          finish(slot)?.reject(new FeedParseError("the feed parser is closed"));
          if (worker !== undefined) await worker.terminate();
        }),
      );
    },
  };
}

function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, "; ").slice(0, 300);
}

let shared: WorkerFeedParser | undefined;

/**
 * parseFeed through one process-wide worker pool (started on first use): the local runtime's
 * `parse` dependency.
 */
export function parseFeedInWorker(bytes: Uint8Array, opts: ParseFeedOptions): Promise<ParsedFeed> {
  shared ??= createWorkerFeedParser();
  return shared.parse(bytes, opts);
}
