/**
 * The worker-thread side of worker-feed-parser.ts: parses one feed per message with core's
 * parseFeed and posts the ParsedFeed (or the error's class and message) back. Runs as TypeScript
 * directly (Node 24 type stripping), like the rest of the local runtime.
 */
import { parentPort } from "node:worker_threads";
import { FeedParseError, parseFeed } from "@pressbridge/core";
import type { FeedParseReply, FeedParseRequest } from "./worker-feed-parser.ts";

const port = parentPort;
if (port === null) throw new Error("feed-parse-worker.ts runs only as a worker thread");

port.postMessage({ ready: true } satisfies FeedParseReply); // modules loaded: parse times start now

port.on("message", (request: FeedParseRequest) => {
  void parseFeed(request.bytes, request.opts).then(
    (feed) => port.postMessage({ id: request.id, ok: true, feed } satisfies FeedParseReply),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ id: request.id, ok: false, feedParseError: error instanceof FeedParseError, message } satisfies FeedParseReply);
    },
  );
});
