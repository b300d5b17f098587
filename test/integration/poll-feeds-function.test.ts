import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { startPutEventsServer, type PutEventsServer } from "../support/putevents-server.ts";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";

/**
 * The poll-feeds Lambda handler as deployed: configured only through its environment, against
 * DynamoDB Local and a loopback server speaking EventBridge's PutEvents protocol.
 */
let feeds: FeedServer;
let events: PutEventsServer;
const items = [{ title: "Acme Corp Seed Release For Lambda Test", link: "https://wire.example/lambda-0" }];

beforeAll(async () => {
  feeds = await startFeedServer();
  events = await startPutEventsServer();
  feeds.serveFeed("/wire", () => rss(items));
  const tableName = `fn-${randomUUID()}`;
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
    PRESSBRIDGE_CONFIG: JSON.stringify({
      feeds: [{ id: "wire", url: `${feeds.url}/wire` }],
      security: { allowPrivateFeedHosts: true },
    }),
  });
});
afterAll(async () => {
  await feeds.close();
  await events.close();
});

describe("functions/poll-feeds handler", () => {
  it("baselines, then puts one Release Detected on the bus per new release", async () => {
    const { handler } = await import("../../functions/poll-feeds.ts");
    const first = await handler({});
    expect(first.feeds[0]).toMatchObject({ id: "wire", status: "ok", baseline: true, newReleases: 0 });
    expect(events.requests).toHaveLength(0);

    items.push({ title: "Acme Corp Launches Lambda-Tested Product Line", link: "https://wire.example/lambda-1" });
    const second = await handler({ all: true });
    expect(second.feeds[0]).toMatchObject({ status: "ok", newReleases: 1 });
    const entries = events.requests.flatMap((r) => r.entries);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ Source: "pressbridge", DetailType: "Release Detected", EventBusName: "pressbridge-test" });
    expect(JSON.parse(entries[0]!.Detail!)).toMatchObject({ title: "Acme Corp Launches Lambda-Tested Product Line", feedId: "wire" });

    const third = await handler({ all: true });
    expect(third.feeds[0]).toMatchObject({ status: "unchanged" });
    expect(events.requests.flatMap((r) => r.entries)).toHaveLength(1);
  });

  it("rejects a malformed invocation input by name", async () => {
    const { handler } = await import("../../functions/poll-feeds.ts");
    await expect(handler({ feedIds: "wire" })).rejects.toThrow(/event/);
  });
});
