import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  DynamoApprovalStore,
  DynamoEventOutbox,
  DynamoPlanStore,
  DynamoReleaseStore,
  DynamoWebSubStore,
  HttpFeedFetcher,
  HttpWebSubHubClient,
  LocalEventBus,
  freePort,
} from "@pressbridge/adapters";
import {
  approversFromConfig,
  ingestPushedDocument,
  parseConfig,
  parseFeed,
  pollFeeds,
  pollIntervalSeconds,
  renewWebSubSubscriptions,
  type PollDeps,
  type PressbridgeConfig,
  type SigningKeys,
} from "@pressbridge/core";
import { createWebApp, startWebServer, type RunningWebServer } from "@pressbridge/web";
import { freshStore } from "../support/dynamo-table.ts";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";
import { memoryWorkspace } from "../support/memory-workspace.ts";
import { memorySignIn } from "../support/memory-sessions.ts";
import { startLoopbackHub, type LoopbackHub } from "../support/websub-hub.ts";

/**
 * WebSub push on DynamoDB Local and the real web app (docs/websub.md): a polled feed advertises a
 * loopback hub (test/support/websub-hub.ts, following https://www.w3.org/TR/websub/); the renewal
 * step subscribes, the hub verifies intent at /websub/<callbackId>, then publishes a new item with
 * X-Hub-Signature, and it is detected once through the poll's own path.
 */

class FakeClock {
  t = Date.parse("2026-11-21T12:00:00.000Z");
  now = (): Date => new Date(this.t);
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

const keys: SigningKeys = { current: { id: "k1", secret: "s".repeat(40) }, previous: [] };
const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true, timeoutMs: 2_000 });
const hubClient = new HttpWebSubHubClient({ allowPrivateHosts: true, timeoutMs: 2_000 });

let feeds: FeedServer;
let hub: LoopbackHub;
let web: RunningWebServer;
let store: DynamoReleaseStore;
let subscriptions: DynamoWebSubStore;
let drop: () => Promise<void>;
let clock: FakeClock;
let bus: LocalEventBus;
let config: PressbridgeConfig;
let items: Array<{ title: string; link: string; description: string }>;

const item = (n: number) => ({ title: `Northwind Announces Pushed Update Number ${n}`, link: `https://wire.example/push/update-${n}.html`, description: `Update ${n}.` });
/** The feed as served (and as the hub pushes it): RSS 2.0 with atom:link rel="hub" and rel="self". */
const document = (list = items): string =>
  rss(list).replace(
    "<channel>",
    `<channel><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="${hub.url}"/><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="${feeds.url}/push"/>`,
  );
const topic = () => `${feeds.url}/push`;
const detected = () => bus.published.filter((e) => e.detailType === "Release Detected").map((e) => (e.detail as { title: string }).title);

function pollDeps(): PollDeps {
  return {
    config,
    fetcher,
    feedStates: store,
    releases: store,
    bus,
    outbox: new DynamoEventOutbox({ client: store.client, tableName: store.tableName }),
    clock,
    parse: parseFeed,
    random: () => 0,
  };
}
const renewDeps = () => ({ config, feedStates: store, subscriptions, hub: hubClient, clock, callbackBaseUrl: web.url, leaseSeconds: 100 });

beforeAll(async () => {
  feeds = await startFeedServer();
  hub = await startLoopbackHub({ maxLeaseSeconds: 100 });
});
afterAll(async () => {
  await hub.close();
  await feeds.close();
  fetcher.destroy();
});
beforeEach(async () => {
  const fresh = await freshStore();
  drop = fresh.drop;
  store = fresh.store;
  subscriptions = new DynamoWebSubStore({ client: store.client, tableName: store.tableName });
  clock = new FakeClock();
  bus = new LocalEventBus({ routes: [] });
  items = [item(1), item(2)];
  hub.reset();
  feeds.serveFeed("/push", () => document());
  config = parseConfig({ feeds: [{ id: "push", url: `${feeds.url}/push`, intervalSeconds: 60 }], security: { allowPrivateFeedHosts: true } });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const outbox = new DynamoEventOutbox({ client: store.client, tableName: store.tableName });
  const app = createWebApp({
    review: {
      plans: new DynamoPlanStore({ client: store.client, tableName: store.tableName }),
      approvals: new DynamoApprovalStore({ client: store.client, tableName: store.tableName }),
      outbox,
      bus,
      clock,
      keys,
      currentApprovers: approversFromConfig(config),
    },
    workspace: memoryWorkspace(config),
    baseUrl: base,
    signIn: memorySignIn().deps,
    websub: { subscriptions, feedStates: store, clock, ingest: (feedId, pushed) => ingestPushedDocument(pollDeps(), feedId, pushed) },
  });
  web = await startWebServer(app, { port });
});
afterEach(async () => {
  await web.close();
  await drop();
});

/** Baseline poll, subscription, verification: the subscription the hub holds. */
async function subscribed() {
  const first = await pollFeeds(pollDeps());
  expect(first.feeds[0]).toMatchObject({ status: "ok", baselined: 2 });
  const state = (await store.getFeedStates(["push"])).get("push")!;
  expect(state.websub).toEqual({ hub: hub.url, topic: topic(), pushVerifiedUntil: null });
  const before = hub.requests.length;
  const outcome = await renewWebSubSubscriptions(renewDeps());
  expect(outcome).toMatchObject({ requested: 1, failed: 0 });
  await hub.verified(before + 1);
  const request = hub.requests.at(-1)!;
  expect(request).toMatchObject({ "hub.mode": "subscribe", "hub.topic": topic(), "hub.lease_seconds": "100" });
  expect(request["hub.callback"]).toMatch(new RegExp(`^${web.url}/websub/[A-Za-z0-9_-]{24}$`));
  expect(request["hub.secret"]).toMatch(/^[0-9a-f]{64}$/);
  const callbackId = request["hub.callback"]!.split("/").at(-1)!;
  return { callbackId, callback: request["hub.callback"]!, secret: request["hub.secret"]! };
}

describe("WebSub push on DynamoDB Local and the web app", () => {
  it("subscribes, is verified, and detects a pushed item exactly once; a second identical push creates nothing", async () => {
    const { callbackId } = await subscribed();
    const sub = await subscriptions.get(callbackId);
    expect(sub).toMatchObject({ state: "verified", leaseSeconds: 100, feedId: "push", hub: hub.url, topic: topic() });
    expect(sub!.expiresAt).toBe(new Date(clock.t + 100_000).toISOString());
    // Polling stays as the slower fallback: ×10, at most an hour.
    const state = (await store.getFeedStates(["push"])).get("push")!;
    expect(state.websub?.pushVerifiedUntil).toBe(sub!.expiresAt);
    expect(pollIntervalSeconds(config.feeds[0]!, state, clock.now())).toBe(600);
    expect(pollIntervalSeconds(config.feeds[0]!, state, new Date(Date.parse(sub!.expiresAt!) + 1))).toBe(60);

    items = [item(3), ...items];
    const pushed = await hub.publish(topic(), document());
    expect(pushed).toEqual([202]);
    expect(detected()).toEqual([item(3).title]);
    expect(await hub.publish(topic(), document())).toEqual([202]);
    expect(detected()).toEqual([item(3).title]);
    // The poll that comes later finds nothing new either.
    clock.advance(3600);
    await pollFeeds(pollDeps(), { all: true });
    expect(detected()).toEqual([item(3).title]);
  });

  it("ignores a push with a wrong or missing signature, but answers 2xx (section 7.1.2); every algorithm name is recognised", async () => {
    await subscribed();
    items = [item(4), ...items];
    expect(await hub.publish(topic(), document(), { tamper: true })).toEqual([202]);
    expect(await hub.publish(topic(), document(), { unsigned: true })).toEqual([202]);
    expect(detected()).toEqual([]);
    expect(await hub.publish(topic(), document(), { method: "sha1" })).toEqual([202]);
    expect(detected()).toEqual([item(4).title]);
    for (const [n, method] of [[5, "sha384"], [6, "sha512"]] as const) {
      items = [item(n), ...items];
      await hub.publish(topic(), document(), { method });
    }
    expect(detected()).toEqual([item(4).title, item(5).title, item(6).title]);
  });

  it("answers 413 above 2 MB, 404 for an unknown callback, 404 for a topic that is not the subscription's", async () => {
    const { callback } = await subscribed();
    const big = await fetch(callback, { method: "POST", headers: { "content-type": "application/rss+xml", "x-hub-signature": "sha256=00" }, body: "x".repeat(2 * 1024 * 1024 + 1) });
    expect(big.status).toBe(413);
    const unknown = `${web.url}/websub/${"A".repeat(24)}`;
    expect((await fetch(unknown, { method: "POST", body: "<rss/>" })).status).toBe(404);
    expect((await fetch(`${unknown}?hub.mode=subscribe&hub.topic=${encodeURIComponent(topic())}&hub.challenge=abc&hub.lease_seconds=10`)).status).toBe(404);
    const wrongTopic = await fetch(`${callback}?hub.mode=subscribe&hub.topic=${encodeURIComponent("https://elsewhere.example/feed")}&hub.challenge=abc&hub.lease_seconds=10`);
    expect(wrongTopic.status).toBe(404);
    const unsubscribe = await fetch(`${callback}?hub.mode=unsubscribe&hub.topic=${encodeURIComponent(topic())}&hub.challenge=abc`);
    expect(unsubscribe.status).toBe(404);
  });

  it("renews before the lease ends (a new callback and secret), and records a denial", async () => {
    const first = await subscribed();
    clock.advance(50);
    expect(await renewWebSubSubscriptions(renewDeps())).toMatchObject({ requested: 0 });
    clock.advance(31); // 81 s of a 100 s lease: renewed at 80%
    const before = hub.requests.length;
    expect(await renewWebSubSubscriptions(renewDeps())).toMatchObject({ requested: 1, renewed: 1 });
    await hub.verified(before + 1);
    const renewal = hub.requests.at(-1)!;
    expect(renewal["hub.callback"]).not.toBe(first.callback);
    expect(renewal["hub.secret"]).not.toBe(first.secret);
    const renewed = await subscriptions.get(renewal["hub.callback"]!.split("/").at(-1)!);
    expect(renewed).toMatchObject({ state: "verified", expiresAt: new Date(clock.t + 100_000).toISOString() });
    expect((await subscriptions.currentFor(["push"])).get("push")?.callbackId).toBe(renewed!.callbackId);
    expect((await store.getFeedStates(["push"])).get("push")!.websub?.pushVerifiedUntil).toBe(renewed!.expiresAt);
    // The old subscription keeps its lease at the hub: its pushes still count (and dedupe).
    items = [item(7), ...items];
    expect(await hub.publish(topic(), document())).toEqual([202, 202]);
    expect(detected()).toEqual([item(7).title]);

    expect(await hub.deny(topic(), renewal["hub.callback"]!, "over quota")).toBe(200);
    expect(await subscriptions.get(renewed!.callbackId)).toMatchObject({ state: "denied", lastError: "denied by the hub: over quota" });
    expect((await store.getFeedStates(["push"])).get("push")!.websub?.pushVerifiedUntil).toBeNull();
    expect((await fetch(renewal["hub.callback"]!, { method: "POST", body: "<rss/>" })).status).toBe(410);
  });
});
