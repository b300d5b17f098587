import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { ensureBundle } from "../../infra/function-bundles.ts";
import { startPutEventsServer, type PutEventsServer } from "../support/putevents-server.ts";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";

/**
 * The artifacts that are deployed, not the sources: each esbuild bundle runs in a fresh Node process
 * (a cold start, configured only through its environment) against DynamoDB Local and loopback
 * servers for the feed and EventBridge's PutEvents. This proves the bundling choices (tree-shaken
 * workspace packages and zod, external AWS SDK, userland punycode) keep the functions working.
 */
let feeds: FeedServer;
let events: PutEventsServer;
let env: Record<string, string>;
const items = [{ title: "Acme Corp Seed Release For Bundle Test", link: "https://wire.example/bundle-0" }];

beforeAll(async () => {
  feeds = await startFeedServer();
  events = await startPutEventsServer();
  feeds.serveFeed("/wire", () => rss(items));
  const tableName = `bundle-${randomUUID()}`;
  const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  await ensureTable(client, tableName);
  client.destroy();
  env = {
    PATH: process.env.PATH ?? "",
    TABLE_NAME: tableName,
    EVENT_BUS_NAME: "pressbridge-bundle",
    DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
    EVENTBRIDGE_ENDPOINT: events.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    POWERTOOLS_LOG_LEVEL: "ERROR",
    PRESSBRIDGE_CONFIG: JSON.stringify({
      clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["s@acme.example"], channels: ["x", "linkedin"], keywords: ["Acme"] }],
      feeds: [{ id: "wire", url: `${feeds.url}/wire` }],
      security: { allowPrivateFeedHosts: true },
    }),
  };
});
afterAll(async () => {
  await feeds?.close();
  await events?.close();
});

/** Invokes a bundle's handler once in a fresh Node process; resolves with its result. */
function invoke(name: string, event: unknown): Promise<Record<string, unknown>> {
  const file = ensureBundle(name).file;
  const code =
    `const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    `const out = await handler(${JSON.stringify(event)}); process.stdout.write("\\nRESULT " + JSON.stringify(out) + "\\n");`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--enable-source-maps", "--input-type=module", "-e", code], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
      if (status !== 0 || line === undefined) reject(new Error(`${name} bundle failed (exit ${status}): ${stderr || stdout}`));
      else resolve(JSON.parse(line.slice("RESULT ".length)) as Record<string, unknown>);
    });
  });
}

describe("deployed bundles, end to end", () => {
  it("poll-feeds baselines, then announces a new release; plan-amplification plans it from the event", async () => {
    const first = await invoke("poll-feeds", {});
    expect(first.feeds).toMatchObject([{ id: "wire", status: "ok", baseline: true, newReleases: 0 }]);

    items.push({ title: "Acme Corp Launches Bundle-Tested Product Line", link: "https://wire.example/bundle-1" });
    const second = await invoke("poll-feeds", { all: true });
    expect(second.feeds).toMatchObject([{ status: "ok", newReleases: 1 }]);
    const detected = events.requests.flatMap((r) => r.entries);
    expect(detected).toHaveLength(1);
    expect(detected[0]).toMatchObject({ Source: "pressbridge", DetailType: "Release Detected", EventBusName: "pressbridge-bundle" });

    const envelope = { version: "0", id: randomUUID(), "detail-type": "Release Detected", source: "pressbridge", detail: JSON.parse(detected[0]!.Detail!) };
    const planned = await invoke("plan-amplification", envelope);
    expect(planned).toMatchObject({ status: "planned", plans: [{ clientId: "acme", result: "created" }] });
    const all = events.requests.flatMap((r) => r.entries);
    expect(all.map((e) => e.DetailType)).toEqual(["Release Detected", "Amplification Planned"]);
  });
});
