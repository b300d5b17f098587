import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createDynamoClient, ensureTable, startDynamoDbLocal, DynamoReleaseStore, HttpFeedFetcher, LocalEventBus, RequestCounter } from "@pressbridge/adapters";
import { mapWithConcurrency, parseFeed, pollFeeds, ROUTES, systemClock } from "@pressbridge/core";
import { startBenchFeedServer } from "./feed-server.ts";
import { scenarioConfig } from "./bench-env.ts";
const db = await startDynamoDbLocal();
process.on("exit", () => { try { process.kill(db.pid!); } catch {} });
process.on("uncaughtException", (e) => { console.error(e); process.exit(1); });
const client = createDynamoClient({ endpoint: db.endpoint });
const server = await startBenchFeedServer();
const env = { client, endpoint: db.endpoint, server, progress: console.log };
const jvmCpu = () => { const f = readFileSync(`/proc/${db.pid}/stat`, "utf8").split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
const srvCpu = () => { const f = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
let t = 0;
async function raw(n: number, inflight = 512) {
  const table = `probe-${t++}`; await ensureTable(client, table);
  const pad = "x".repeat(1500);
  const c0 = process.cpuUsage(); const j0 = jvmCpu();
  const t0 = performance.now();
  await mapWithConcurrency(Array.from({ length: n }, (_, i) => i), inflight, async (i) => {
    await client.send(new PutCommand({ TableName: table, Item: { PK: `REL#${i}`, SK: "REL", GSI1PK: "RELEASES#2026-11", GSI1SK: `2026-11-21T00:00:00Z#${i}`, pad }, ConditionExpression: "attribute_not_exists(PK)" }));
  });
  const wall = performance.now() - t0; const c = process.cpuUsage(c0);
  return { rate: Math.round(n / wall * 1000), nodeCpu: Math.round((c.user + c.system) / 1000 / wall * 100), jvmCpu: Math.round((jvmCpu() - j0) / wall * 100) };
}
async function ingest(name: string, feeds: number, items: number) {
  const spec = { scenario: name, feeds, baselineItems: 5, newPerGeneration: items, window: items + 5 };
  await server.setup(spec);
  const table = `probe-${t++}`; await ensureTable(client, table);
  const counter = new RequestCounter();
  const store = new DynamoReleaseStore({ client, tableName: table, counter });
  const timings = new Map<string, number>();
  for (const m of ["lookup", "createRelease", "recordIndexes", "markAnnounced", "putFeedState", "getFeedStates"] as const) {
    const orig = (store as any)[m].bind(store);
    (store as any)[m] = async (...a: unknown[]) => { const s = performance.now(); try { return await orig(...a); } finally { timings.set(m, (timings.get(m) ?? 0) + performance.now() - s); } };
  }
  const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true });
  let parseMs = 0;
  const deps = { config: scenarioConfig(env as any, spec), fetcher, feedStates: store, releases: store, bus: new LocalEventBus({ routes: ROUTES }), clock: systemClock,
    parse: async (b: Uint8Array, o: any) => { const s = performance.now(); try { return await parseFeed(b, o); } finally { parseMs += performance.now() - s; } } };
  await pollFeeds(deps, { all: true });
  await server.setGeneration(name, 1);
  timings.clear(); parseMs = 0; counter.reset();
  const c0 = process.cpuUsage(); const j0 = jvmCpu(); const s0 = srvCpu();
  const t0 = performance.now();
  const s = await pollFeeds(deps, { all: true });
  const wall = performance.now() - t0; const c = process.cpuUsage(c0);
  const n = s.feeds.reduce((a, f) => a + f.newReleases, 0);
  fetcher.destroy();
  return { n, rate: Math.round(n / wall * 1000), wall: Math.round(wall), nodeCpu: Math.round((c.user + c.system) / 1000 / wall * 100), jvmCpu: Math.round((jvmCpu() - j0) / wall * 100), srvCpu: Math.round((srvCpu() - s0) / wall * 100), parseMs: Math.round(parseMs), timings: Object.fromEntries([...timings].map(([k, v]) => [k, Math.round(v)])), counts: Object.fromEntries(counter.counts) };
}
console.log("warm raw", await raw(1000, 16)); for (let i = 0; i < 5; i++) console.log("warm raw", await raw(3000));
console.log("warm ingest", await ingest("w0", 32, 100));
for (let i = 0; i < 3; i++) { console.log("raw", await raw(3200)); console.log("ingest", await ingest(`i${i}`, 32, 100)); }
client.destroy(); await server.close(); await db.stop();
