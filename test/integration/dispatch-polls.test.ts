import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoEventOutbox, HttpFeedFetcher, LocalEventBus, MemoryPollQueue, type DynamoReleaseStore } from "@pressbridge/adapters";
import {
  ROUTES,
  consumePollBatches,
  dispatchPolls,
  groupByHost,
  parseConfig,
  parseFeed,
  type ConsumeDeps,
  type FeedPollResult,
  type FeedStateStore,
  type PressbridgeConfig,
} from "@pressbridge/core";
import { freshStore } from "../support/dynamo-table.ts";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";

const T0 = Date.parse("2026-11-21T12:00:00.000Z");
let server: FeedServer;
let store: DynamoReleaseStore;
let drop: () => Promise<void>;
let now: number;
const clock = { now: () => new Date(now) };
const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true, timeoutMs: 1_500, maxBytes: 200_000 });

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  ({ store, drop } = await freshStore());
  now = T0;
});
afterEach(async () => {
  await drop();
});

const config = (feeds: Array<Record<string, unknown>>): PressbridgeConfig => parseConfig({ feeds, security: { allowPrivateFeedHosts: true } });
/** The feed server under a second host name: the same server, another host to the dispatcher. */
const otherHost = () => server.url.replace("127.0.0.1", "localhost");

function consumeDeps(cfg: PressbridgeConfig, bus: LocalEventBus, feedStates: FeedStateStore = store): ConsumeDeps {
  return { config: cfg, fetcher, feedStates, releases: store, bus, outbox: new DynamoEventOutbox({ client: store.client, tableName: store.tableName }), clock, parse: parseFeed, random: () => 0 };
}

/** One tick the way `pressbridge start` and AWS run it: dispatch, then the consumer drains the queue. */
async function cycle(cfg: PressbridgeConfig, bus: LocalEventBus, queue = new MemoryPollQueue(), feedStates: FeedStateStore = store) {
  const dispatched = await dispatchPolls({ config: cfg, feedStates: store, queue, clock, batchSize: 2, shareSmallHostsBelow: 0 });
  const feeds: FeedPollResult[] = [];
  const responses: string[][] = [];
  await queue.drain(async (messages) => {
    const outcome = await consumePollBatches(consumeDeps(cfg, bus, feedStates), messages);
    feeds.push(...outcome.feeds);
    responses.push(outcome.response.batchItemFailures.map((f) => f.itemIdentifier));
    return outcome.response;
  });
  return { dispatched, feeds, responses, queue };
}

describe("groupByHost", () => {
  const feed = (id: string, host: string) => ({ id, url: `https://${host}/${id}.xml`, enabled: true }) as PressbridgeConfig["feeds"][number];
  it("gives a large host batches of its own, split evenly; small hosts share batches no bigger than the share size, whole hosts only", () => {
    const feeds = [
      ...Array.from({ length: 1200 }, (_, i) => feed(`w${i}`, "wire.example")),
      ...Array.from({ length: 20 }, (_, h) => Array.from({ length: 3 }, (_, i) => feed(`n${h}-${i}`, `news${h}.example`))).flat(),
      ...Array.from({ length: 40 }, (_, i) => feed(`g${i}`, "Globe.EXAMPLE")),
    ];
    const batches = groupByHost(feeds, { batchSize: 500, shareSmallHostsBelow: 32 });
    expect(batches.map((b) => [b.host, b.feeds.length])).toEqual([
      ["wire.example", 400], ["wire.example", 400], ["wire.example", 400],
      ["globe.example", 40],
      ["shared:1", 30], ["shared:2", 30],
    ]);
    for (const b of batches.filter((x) => x.host.startsWith("shared:"))) expect(new Set(b.feeds.map((f) => new URL(f.url).host)).size).toBe(10);
    expect(batches.flatMap((b) => b.feeds.map((f) => f.id)).sort()).toEqual(feeds.map((f) => f.id).sort());
  });
  it("with no sharing, every batch holds one host's feeds", () => {
    const feeds = [feed("a", "a.example"), feed("b", "b.example"), feed("a2", "a.example")];
    expect(groupByHost(feeds, { batchSize: 500, shareSmallHostsBelow: 0 }).map((b) => [b.host, b.feeds.map((f) => f.id)])).toEqual([["a.example", ["a", "a2"]], ["b.example", ["b"]]]);
  });
});

describe("dispatchPolls and consumePollBatches (DynamoDB Local, loopback wires, the in-memory queue)", () => {
  it("detect what one big poll detects: a baseline, then each new release once; batches hold one host's feeds", async () => {
    const items = new Map<string, Array<{ title: string; link: string }>>();
    const ids = ["a1", "a2", "a3", "b1", "b2"];
    for (const id of ids) {
      items.set(id, [{ title: `Existing story number one on feed ${id}`, link: `https://wire.example/${id}/0` }]);
      server.serveFeed(`/${id}`, () => rss(items.get(id)!));
    }
    const cfg = config([
      ...["a1", "a2", "a3"].map((id) => ({ id, url: `${server.url}/${id}` })),
      ...["b1", "b2"].map((id) => ({ id, url: `${otherHost()}/${id}` })),
      { id: "slow-interval", url: `${server.url}/a1`, intervalSeconds: 3600 },
    ]);
    const bus = new LocalEventBus({ routes: ROUTES });
    const first = await cycle(cfg, bus);
    expect(first.dispatched.batches.map((b) => [b.host, b.feedIds])).toEqual([
      [new URL(server.url).host, ["a1", "a2"]], [new URL(server.url).host, ["a3", "slow-interval"]], [new URL(otherHost()).host, ["b1", "b2"]],
    ]);
    expect(first.feeds.every((f) => f.status === "ok" && f.baseline)).toBe(true);
    expect(bus.published).toHaveLength(0);

    items.get("a2")!.push({ title: "Acme Corp Opens A Fan Out Plant In Ohio", link: "https://wire.example/a2/1" });
    items.get("b1")!.push({ title: "Globex Names A New Fan Out Officer Today", link: "https://wire.example/b1/1" });
    now += 60_000;
    const second = await cycle(cfg, bus);
    // The hourly feed is not due on this tick; the others are.
    expect(second.dispatched).toMatchObject({ due: 5, notDue: 1 });
    expect(second.feeds.filter((f) => f.newReleases > 0).map((f) => f.id).sort()).toEqual(["a2", "b1"]);
    expect(second.feeds.filter((f) => f.status === "unchanged").map((f) => f.id).sort()).toEqual(["a1", "a3", "b2"]);
    expect(bus.published.map((e) => (e.detail as { title: string }).title).sort()).toEqual(["Acme Corp Opens A Fan Out Plant In Ohio", "Globex Names A New Fan Out Officer Today"]);
    expect(second.responses.flat()).toEqual([]);
    expect(second.queue.depth).toBe(0);
  });

  it("a failing feed degrades its own result, never its message; a feed whose outcome is not recorded fails its message alone, and the redelivery polls only what is not settled", async () => {
    for (const id of ["ok1", "ok2", "x1", "x2"]) server.serveFeed(`/${id}`, () => rss([{ title: `A steady story on the feed called ${id}`, link: `https://wire.example/${id}/0` }]));
    server.route("/broken", (_q, res) => res.writeHead(500).end("down"));
    const cfg = config([
      { id: "ok1", url: `${server.url}/ok1` }, { id: "broken", url: `${server.url}/broken` },
      { id: "x1", url: `${otherHost()}/x1` }, { id: "x2", url: `${otherHost()}/x2` },
    ]);
    const bus = new LocalEventBus({ routes: ROUTES });
    // The table refuses x1's state write twice (throttled), then takes it.
    let refusals = 2;
    const polled: string[] = [];
    const flaky: FeedStateStore = {
      getFeedStates: (ids, options) => store.getFeedStates(ids, options),
      putFeedState: async (state, expected) => {
        polled.push(state.feedId);
        if (state.feedId === "x1" && refusals > 0) {
          refusals--;
          throw Object.assign(new Error("Throughput exceeds the current capacity"), { name: "ProvisionedThroughputExceededException" });
        }
        return store.putFeedState(state, expected);
      },
    };
    const queue = new MemoryPollQueue({ maxReceiveCount: 5 });
    const run = await cycle(cfg, bus, queue, flaky);
    const byId = new Map(run.feeds.map((f) => [f.id, f]));
    // The 500 is recorded (unhealthy, backoff): its message, with ok1, is done at the first delivery.
    expect(byId.get("broken")).toMatchObject({ status: "error", errorKind: "http-status" });
    const [hostA, hostB] = run.dispatched.batches;
    expect(hostA!.feedIds).toEqual(["ok1", "broken"]);
    expect(hostB!.feedIds).toEqual(["x1", "x2"]);
    // x1's message failed on its first delivery (x1's baseline, then its failure, could not be written)
    // and settled on the second, which polled x1 only (x2 was settled at the first).
    expect(run.responses.filter((r) => r.length > 0)).toHaveLength(1);
    expect(polled.filter((id) => id === "x1")).toHaveLength(3);
    expect(polled.filter((id) => id === "x2")).toHaveLength(1);
    expect(polled.filter((id) => id === "ok1")).toHaveLength(1);
    const states = await store.getFeedStates(["ok1", "broken", "x1", "x2"]);
    expect(states.get("x1")).toMatchObject({ consecutiveFailures: 0 });
    expect(states.get("x1")!.baselineAt).not.toBeNull();
    expect(states.get("broken")).toMatchObject({ consecutiveFailures: 1 });
    expect(queue.depth).toBe(0);
    expect(queue.deadLetters).toHaveLength(0);
  });

  it("a message that keeps failing dead-letters after maxReceiveCount; the others are deleted", async () => {
    server.serveFeed("/fine", () => rss([{ title: "A fine story on the fine feed of today", link: "https://wire.example/fine/0" }]));
    const cfg = config([{ id: "fine", url: `${server.url}/fine` }, { id: "stuck", url: `${otherHost()}/fine` }]);
    const failing: FeedStateStore = {
      getFeedStates: (ids, options) => store.getFeedStates(ids, options),
      putFeedState: async (state, expected) => {
        if (state.feedId === "stuck") throw new Error("table unavailable");
        return store.putFeedState(state, expected);
      },
    };
    const queue = new MemoryPollQueue({ maxReceiveCount: 3 });
    const run = await cycle(cfg, new LocalEventBus({ routes: ROUTES }), queue, failing);
    expect(queue.deadLetters.map((m) => [m.batch.feedIds, m.receiveCount])).toEqual([[["stuck"], 3]]);
    expect(run.feeds.filter((f) => f.id === "fine")).toHaveLength(1);
    expect(queue.depth).toBe(0);
  });
});
