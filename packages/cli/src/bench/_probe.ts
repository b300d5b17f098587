import { performance } from "node:perf_hooks";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createDynamoClient, ensureTable, startDynamoDbLocal } from "@pressbridge/adapters";
import { mapWithConcurrency } from "@pressbridge/core";
const db = await startDynamoDbLocal();
process.on("exit", () => { try { process.kill(db.pid!); } catch {} });
process.on("uncaughtException", (e) => { console.error(e); process.exit(1); });
const client = createDynamoClient({ endpoint: db.endpoint });
const pad = "x".repeat(1500);
let t = 0;
async function run(n: number, inflight: number, big: boolean, gsi: boolean) {
  const table = `probe-${t++}`;
  await ensureTable(client, table);
  const t0 = performance.now();
  await mapWithConcurrency(Array.from({ length: n }, (_, i) => i), inflight, async (i) => {
    await client.send(new PutCommand({ TableName: table, Item: { PK: `REL#${i}`, SK: "REL", ...(gsi ? { GSI1PK: "RELEASES#2026-11", GSI1SK: `2026-11-21T00:00:00Z#${i}` } : {}), ...(big ? { pad } : {}) }, ConditionExpression: "attribute_not_exists(PK)" }));
  });
  return Math.round(n / ((performance.now() - t0) / 1000));
}
for (let w = 0; w < 3; w++) console.log("warm", await run(3000, 64, true, true));
for (const inflight of [16, 64, 512]) for (const big of [false, true]) for (const gsi of [false, true])
  console.log({ inflight, big, gsi, rate: await run(3000, inflight, big, gsi) });
client.destroy(); await db.stop();
