import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { PutCommand, BatchWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createDynamoClient, ensureTable, startDynamoDbLocal } from "@pressbridge/adapters";
import { mapWithConcurrency } from "@pressbridge/core";
const db = await startDynamoDbLocal();
process.on("exit", () => { try { process.kill(db.pid!); } catch {} });
process.on("uncaughtException", (e) => { console.error(e); process.exit(1); });
const client = createDynamoClient({ endpoint: db.endpoint });
const jvmCpu = () => { const f = readFileSync(`/proc/${db.pid}/stat`, "utf8").split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) * 10; };
let t = 0;
const pad = "x".repeat(1500);
const item = (i: number, big: boolean, gsi: boolean) => ({ PK: `REL#${i}`, SK: "REL", ...(gsi ? { GSI1PK: "RELEASES#2026-11", GSI1SK: `2026-11-21T00:00:00Z#${i}` } : {}), ...(big ? { pad } : { a: "small", b: 12 }) });
async function measure(label: string, n: number, fn: (table: string) => Promise<void>) {
  const table = `probe-${t++}`; await ensureTable(client, table);
  const c0 = process.cpuUsage(); const j0 = jvmCpu(); const t0 = performance.now();
  await fn(table);
  const wall = performance.now() - t0; const c = process.cpuUsage(c0);
  console.log(label.padEnd(40), "items/s", Math.round(n / wall * 1000), "node%", Math.round((c.user + c.system) / 10 / wall), "jvm%", Math.round((jvmCpu() - j0) / wall * 100), "jvm ms/item", ((jvmCpu() - j0) / n).toFixed(2));
}
const puts = (n: number, big: boolean, gsi: boolean, inflight: number) => (table: string) => mapWithConcurrency(Array.from({ length: n }, (_, i) => i), inflight, async (i) => { await client.send(new PutCommand({ TableName: table, Item: item(i, big, gsi), ConditionExpression: "attribute_not_exists(PK)" })); }).then(() => {});
const batches = (n: number, big: boolean, gsi: boolean, inflight: number) => (table: string) => mapWithConcurrency(Array.from({ length: n / 25 }, (_, i) => i), inflight, async (b) => { await client.send(new BatchWriteCommand({ RequestItems: { [table]: Array.from({ length: 25 }, (_, k) => ({ PutRequest: { Item: item(b * 25 + k, big, gsi) } })) } })); }).then(() => {});
await measure("warm", 1000, puts(1000, true, true, 16));
for (let i = 0; i < 4; i++) await measure("warm", 3000, puts(3000, true, true, 64));
for (let i = 0; i < 2; i++) await measure("warm batch", 5000, batches(5000, false, true, 16));
for (let r = 0; r < 2; r++) {
  await measure("put big gsi 64", 3000, puts(3000, true, true, 64));
  await measure("put small nogsi 64", 3000, puts(3000, false, false, 64));
  await measure("batch small nogsi 16", 5000, batches(5000, false, false, 16));
  await measure("batch small gsi 16", 5000, batches(5000, false, true, 16));
  await measure("batch small gsi 2", 5000, batches(5000, false, true, 2));
}
client.destroy(); await db.stop();
