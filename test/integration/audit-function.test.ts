import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { DynamoAuditStore, createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { emitMetrics, METRICS_NAMESPACE } from "../../functions/shared/metrics.ts";
import { METRICS_NAMESPACE as ALARM_NAMESPACE } from "../../infra/function-construct.ts";
import { startPutEventsServer, type PutEventsServer } from "../support/putevents-server.ts";

/**
 * The audit Lambda handler as deployed: configured only through its environment, against DynamoDB
 * Local and a loopback PutEvents server. Nothing is due for a digest here (a shared wire that was
 * never polled is a report-only finding), so no mail is attempted.
 */
let events: PutEventsServer;
let tableName: string;

beforeAll(async () => {
  events = await startPutEventsServer();
  tableName = `fn-audit-${randomUUID()}`;
  const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  await ensureTable(client, tableName);
  client.destroy();
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    EVENT_BUS_NAME: "pressbridge-test",
    DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
    EVENTBRIDGE_ENDPOINT: events.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    POWERTOOLS_LOG_LEVEL: "ERROR",
    MAIL_FROM: "audit@pressbridge.example",
    WEB_BASE_URL: "https://approvals.example.com",
    PRESSBRIDGE_CONFIG: JSON.stringify({
      clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["s@acme.example"] }],
      feeds: [{ id: "wire", url: "https://wire.example/rss" }],
    }),
  });
});
afterAll(async () => {
  await events.close();
});

describe("functions/audit handler", () => {
  it("audits, stores the report, puts Audit Completed on the bus and emits its metrics", async () => {
    const { handler } = await import("../../functions/audit.ts");
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    let result;
    try {
      result = await handler({ now: "2026-11-24T15:00:00Z" });
    } finally {
      spy.mockRestore();
    }
    expect(result).toEqual({
      auditId: "audit:2026-11-24T15:00:00.000Z",
      counts: { missed: 0, atRisk: 0, stale: 0, feedHealth: 1 },
      newlyMissed: 0,
      digestsSent: 0,
      digestsFailed: 0,
    });
    const entries = events.requests.flatMap((r) => r.entries);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ Source: "pressbridge", DetailType: "Audit Completed", EventBusName: "pressbridge-test" });
    expect(JSON.parse(entries[0]!.Detail!)).toMatchObject({ version: 1, counts: { feedHealth: 1 }, clients: [{ clientId: "acme" }] });

    const emf = lines.map((l) => l.trim()).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ service: "audit", MissedWindows: 0, FeedProblems: 1, _aws: { CloudWatchMetrics: [{ Namespace: "Pressbridge", Dimensions: [["service"]] }] } });

    const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
    const stored = await new DynamoAuditStore({ client, tableName }).latestReport();
    client.destroy();
    expect(stored?.id).toBe("audit:2026-11-24T15:00:00.000Z");
  });

  it("rejects a malformed input by name", async () => {
    const { handler } = await import("../../functions/audit.ts");
    await expect(handler({ now: "yesterday" })).rejects.toThrow(/event\.now/);
  });

  it("emits metrics in the namespace the alarms read", () => {
    expect(METRICS_NAMESPACE).toBe(ALARM_NAMESPACE);
    const out: string[] = [];
    emitMetrics("audit", { MissedWindows: 2 }, (l) => out.push(l));
    expect(JSON.parse(out[0]!)).toMatchObject({ service: "audit", MissedWindows: 2, _aws: { CloudWatchMetrics: [{ Metrics: [{ Name: "MissedWindows", Unit: "Count" }] }] } });
  });
});
