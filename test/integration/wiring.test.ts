import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { awsAdapterSet, buildConsumers, buildJobs, createDynamoClient, createPublisherDirectory, ensureTable, DynamoActionTriggers, EventBridgeActionScheduler, HttpFeedFetcher, type AdapterSet, type Consumers } from "@pressbridge/adapters";
import { NO_ACTION_SCHEDULER, ROUTES, importWorkspace, parseConfig, parseFeed, silentLogger } from "@pressbridge/core";
import { openLocalContext, type LocalContext } from "../../packages/cli/src/runtime/local-context.ts";

/**
 * The one wiring: every consumer of the routes table is built by buildConsumers from an adapter
 * set, and the Lambda functions (the AWS set) and `pressbridge start` (the local set) get the same
 * dependencies: the same names, none missing, each one the same port (the same operations). The
 * media lists that the Lambda's plan step once lacked are one of them.
 */
const config = parseConfig({
  clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["s@acme.example"], channels: ["x"], keywords: ["Acme"] }],
  feeds: [{ id: "bw", url: "https://feed.businesswire.com/rss/home/" }],
});
let local: LocalContext;
let aws: AdapterSet;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "pb-wiring-"));
  local = await openLocalContext({ dataDir, logger: silentLogger });
  await importWorkspace(local, { config, people: [] }, "test");
  const tableName = `wiring-${randomUUID()}`;
  await ensureTable(createDynamoClient({ endpoint: inject("dynamoEndpoint") }), tableName);
  // As the functions build it; poll-feeds and publish hand in the fetcher, parser and publishers themselves.
  const set = awsAdapterSet({
    logger: silentLogger,
    fetcher: (c) => new HttpFeedFetcher({ allowPrivateHosts: c.security.allowPrivateFeedHosts }),
    parse: parseFeed,
    publishers: () => createPublisherDirectory(),
    env: {
      TABLE_NAME: tableName,
      EVENT_BUS_NAME: "pressbridge-test",
      DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
      AWS_REGION: "us-east-1",
      PRESSBRIDGE_CONFIG: JSON.stringify(config),
      MAIL_FROM: "approvals@example.com",
      WEB_BASE_URL: "https://approve.example.com",
      SIGNING_KEYS_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:keys",
      SECRETS_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:platforms",
    },
  });
  // The AWS set reads its signing keys from Secrets Manager; the shape, not the secret, is compared here.
  aws = { ...set, signingKeys: async () => local.keys };
  await importWorkspace(aws, { config, people: [] }, "test");
}, 120_000);
afterAll(async () => {
  await local?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A dependency's shape: its kind, and for an object every operation it offers (its port). */
function shapeOf(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value !== "object") return typeof value;
  if (Array.isArray(value)) return "array";
  const operations = new Set<string>();
  for (let o: object | null = value; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== "constructor" && typeof (value as Record<string, unknown>)[name] === "function") operations.add(name);
    }
  }
  return operations.size === 0 ? "data" : [...operations].sort().join(",");
}

describe("buildConsumers", () => {
  it("builds every consumer of the routes table, and nothing else", () => {
    for (const set of [local, aws]) {
      expect(Object.keys(buildConsumers(set)).sort()).toEqual(ROUTES.map((r) => r.consumer).sort());
    }
    expect(Object.keys(buildJobs(aws)).sort()).toEqual(["approval-sweep", "audit", "poll-feeds"]);
  });

  it("gives each consumer the same dependencies from the AWS set as from the local one, none missing", async () => {
    const fromLocal = buildConsumers(local);
    const fromAws = buildConsumers(aws);
    for (const route of ROUTES) {
      const name = route.consumer as keyof Consumers;
      const l = (await fromLocal[name].dependencies()) as Record<string, unknown>;
      const a = (await fromAws[name].dependencies()) as Record<string, unknown>;
      expect(Object.keys(a).sort(), name).toEqual(Object.keys(l).sort());
      for (const key of Object.keys(l)) {
        expect(l[key], `${name}.${key} (local)`).not.toBeUndefined();
        expect(a[key], `${name}.${key} (AWS)`).not.toBeUndefined();
        // Each side offers the other's operations; the local bus adds its own (subscribe, drain, ...),
        // and so does the local scheduler, the table's triggers (due: what the runtime's timer fires).
        const [lo, ao] = [shapeOf(l[key]).split(","), shapeOf(a[key]).split(",")];
        expect(lo, `${name}.${key}`).toEqual(expect.arrayContaining(ao));
        if (key !== "bus" && key !== "scheduler") expect(ao, `${name}.${key}`).toEqual(expect.arrayContaining(lo));
      }
    }
    const plan = (await fromAws["plan-amplification"].dependencies()) as Record<string, unknown>;
    expect(shapeOf(plan.mediaLists)).toContain("mediaListFor");
  });
});

describe("the scheduler of scheduled actions", () => {
  it("is EventBridge Scheduler in the AWS set of a function given SCHEDULE_GROUP (target and role then required, named), nothing without it; locally the table's triggers", () => {
    const env = { AWS_REGION: "us-east-1", SCHEDULE_GROUP: "pressbridge-test", SCHEDULE_TARGET_ARN: "arn:aws:lambda:us-east-1:123456789012:function:pressbridge-test-publish", SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/scheduler" };
    expect(awsAdapterSet({ logger: silentLogger, env }).scheduler).toBeInstanceOf(EventBridgeActionScheduler);
    expect(() => awsAdapterSet({ logger: silentLogger, env: { ...env, SCHEDULER_ROLE_ARN: "" } }).scheduler).toThrow(/SCHEDULER_ROLE_ARN/);
    expect(() => awsAdapterSet({ logger: silentLogger, env: { ...env, SCHEDULE_TARGET_ARN: undefined } }).scheduler).toThrow(/SCHEDULE_TARGET_ARN/);
    expect(awsAdapterSet({ logger: silentLogger, env: { AWS_REGION: "us-east-1" } }).scheduler).toBe(NO_ACTION_SCHEDULER);
    expect(aws.scheduler).toBe(NO_ACTION_SCHEDULER);
    expect(local.scheduler).toBeInstanceOf(DynamoActionTriggers);
  });
});
