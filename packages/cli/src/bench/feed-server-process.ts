/**
 * The benchmark's loopback feed server, run as its own process (so its work and memory are not
 * counted as the poller's). One HTTP server on 127.0.0.1 serves every scenario's feeds at
 * /f/<scenario>/<n> with a strong ETag and Last-Modified per generation, answers 304 to a matching
 * If-None-Match, gzips when asked (as the wires do), and counts every request it receives.
 *
 * Controlled over the IPC channel by bench/feed-server.ts; every message carries an id and is answered
 * with {type:"reply", id[, stats]}:
 *   {type:"setup", spec}                       register a scenario (generation 0, now)
 *   {type:"generation", scenario, generation}  switch a scenario's feeds to a new generation
 *   {type:"stats", id}                         the counters since the last reset
 *   {type:"reset-stats"}                       zero the counters
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { feedDocument, type ScenarioSpec } from "./wire-feed.ts";

interface Scenario {
  spec: ScenarioSpec;
  generation: number;
  times: number[];
  bodies: Map<string, { plain: Buffer; gzip: Buffer }>;
}

export interface FeedServerStats {
  requests: number;
  byScenario: Record<string, number>;
  byStatus: Record<string, number>;
  bytesSent: number;
}

const scenarios = new Map<string, Scenario>();
let stats: FeedServerStats = { requests: 0, byScenario: {}, byStatus: {}, bytesSent: 0 };

function count(scenario: string, status: number, bytes: number): void {
  stats.requests++;
  stats.byScenario[scenario] = (stats.byScenario[scenario] ?? 0) + 1;
  stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
  stats.bytesSent += bytes;
}

function bodyOf(scenario: Scenario, feed: number): { plain: Buffer; gzip: Buffer } {
  const key = `${feed}:${scenario.generation}`;
  let body = scenario.bodies.get(key);
  if (body === undefined) {
    const plain = Buffer.from(feedDocument(scenario.spec, feed, scenario.generation, scenario.times));
    body = { plain, gzip: gzipSync(plain) };
    scenario.bodies.set(key, body);
  }
  return body;
}

/** Renders every feed of a scenario's current generation up front, as a wire's server has them ready. */
function prepare(scenario: Scenario): void {
  scenario.bodies.clear();
  for (let feed = 0; feed < scenario.spec.feeds; feed++) bodyOf(scenario, feed);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const m = /^\/f\/([a-z0-9-]+)\/(\d+)$/.exec((req.url ?? "").split("?")[0]!);
  const scenario = m === null ? undefined : scenarios.get(m[1]!);
  const feed = m === null ? -1 : Number(m[2]);
  if (scenario === undefined || feed < 0 || feed >= scenario.spec.feeds) {
    count(m?.[1] ?? "unknown", 404, 0);
    res.writeHead(404, { "content-type": "text/plain" }).end("no such feed");
    return;
  }
  const name = scenario.spec.scenario;
  const etag = `"${name}-${feed}-${scenario.generation}"`;
  const lastModified = new Date(scenario.times[scenario.generation]!).toUTCString();
  if (req.headers["if-none-match"] === etag) {
    count(name, 304, 0);
    res.writeHead(304, { etag, "last-modified": lastModified }).end();
    return;
  }
  const body = bodyOf(scenario, feed);
  const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  const bytes = gzip ? body.gzip : body.plain;
  count(name, 200, bytes.length);
  res.writeHead(200, {
    "content-type": "application/rss+xml; charset=utf-8",
    "content-length": String(bytes.length),
    etag,
    "last-modified": lastModified,
    ...(gzip ? { "content-encoding": "gzip", vary: "Accept-Encoding" } : {}),
  });
  res.end(bytes);
}

type Message =
  | { type: "setup"; spec: ScenarioSpec; id: number }
  | { type: "generation"; scenario: string; generation: number; id: number }
  | { type: "stats"; id: number }
  | { type: "reset-stats"; id: number };

const server = createServer(handle);
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  process.send?.({ type: "ready", port });
});

process.on("message", (msg: Message) => {
  switch (msg.type) {
    case "setup": {
      const scenario: Scenario = { spec: msg.spec, generation: 0, times: [Date.now()], bodies: new Map() };
      scenarios.set(msg.spec.scenario, scenario);
      prepare(scenario);
      process.send?.({ type: "reply", id: msg.id });
      return;
    }
    case "generation": {
      const s = scenarios.get(msg.scenario);
      if (s !== undefined) {
        for (let g = s.times.length; g <= msg.generation; g++) s.times.push(Date.now());
        s.generation = msg.generation;
        prepare(s);
      }
      process.send?.({ type: "reply", id: msg.id });
      return;
    }
    case "stats":
      process.send?.({ type: "reply", id: msg.id, stats });
      return;
    case "reset-stats":
      stats = { requests: 0, byScenario: {}, byStatus: {}, bytesSent: 0 };
      process.send?.({ type: "reply", id: msg.id });
      return;
  }
});

// The parent going away (or closing the channel) ends the server.
process.on("disconnect", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
