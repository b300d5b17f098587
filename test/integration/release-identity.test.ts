import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoPlanStore, DynamoReleaseStore, HttpFeedFetcher, LocalEventBus, createDynamoClient, ensureTable, DynamoEventOutbox } from "@pressbridge/adapters";
import {
  ROUTES,
  parseConfig,
  parseFeed,
  planAmplification,
  pollFeeds,
  type BusEvent,
  type PollDeps,
  type PressbridgeConfig,
  type ReleaseDetectedDetail,
  type ReleaseStore,
  NO_MEDIA_LISTS,
} from "@pressbridge/core";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";

/**
 * One release per story across wires, and an item a feed has shown before never new again:
 * pollFeeds on DynamoDB Local against loopback feeds, with the plan consumer run on what it announces.
 */

const T0 = "2026-11-21T12:00:00.000Z";
const pub = (iso: string) => new Date(iso).toUTCString();

let server: FeedServer;
let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let now: number;
const clock = { now: () => new Date(now) };
const advance = (seconds: number) => {
  now += seconds * 1000;
};
const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true, timeoutMs: 1_500, maxBytes: 200_000 });

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `ident-${randomUUID()}`;
  await ensureTable(client, tableName);
  now = Date.parse(T0);
});
afterEach(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

function config(feeds: Array<Record<string, unknown>>): PressbridgeConfig {
  return parseConfig({
    clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"], channels: ["x"], keywords: ["Acme"] }],
    feeds,
    security: { allowPrivateFeedHosts: true },
  });
}

/** A poller of its own: its own DynamoDB client and store, as a second process would have. */
function poller(cfg: PressbridgeConfig, bus: LocalEventBus, releases: ReleaseStore = new DynamoReleaseStore({ client, tableName })): PollDeps {
  const store = new DynamoReleaseStore({ client, tableName });
  return { config: cfg, fetcher, feedStates: store, releases, bus, outbox: new DynamoEventOutbox({ client, tableName }), clock, parse: parseFeed, random: () => 0 };
}

const detected = (bus: LocalEventBus): BusEvent[] => bus.published.filter((e) => e.detailType === "Release Detected");

/** Runs the plan consumer on every announced release; returns the plans stored. */
async function planAll(cfg: PressbridgeConfig, events: readonly BusEvent[]) {
  const releases = new DynamoReleaseStore({ client, tableName });
  const plans = new DynamoPlanStore({ client, tableName });
  const bus = new LocalEventBus({ routes: ROUTES });
  for (const e of events) {
    await planAmplification({ config: cfg, releases, plans, bus, outbox: new DynamoEventOutbox({ client, tableName }), clock, mediaLists: NO_MEDIA_LISTS }, e.detail as ReleaseDetectedDetail);
  }
  return plans.listPlans({ from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z", limit: 50 });
}

const STORY = {
  wire: (extra = "") =>
    `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>PR Newswire</title><link>https://www.prnewswire.com</link>
<item><title>Acme Corp Unveils Quantum-Safe Payments Network</title><link>https://www.prnewswire.com/news-releases/acme-unveils-302900001.html?tc=eml_cleartime&amp;ncid=rss</link>
<dc:language>en-US</dc:language><pubDate>${pub("2026-11-21T11:59:00Z")}</pubDate><description>NEW YORK /PRNewswire/ -- Acme Corp today launched a network.</description></item>${extra}
</channel></rss>`,
  newsroom: () =>
    `<?xml version="1.0"?><rss version="2.0"><channel><title>Acme newsroom</title><link>https://ir.acme.example</link>
<item><title>Acme Corp unveils quantum-safe payments network </title><link>https://ir.acme.example/news/quantum-safe-payments</link>
<pubDate>${pub("2026-11-21T12:00:00Z")}</pubDate><description>Acme Corp today launched a network.</description></item>
</channel></rss>`,
};

const EMPTY = rss([{ title: "An earlier item for the baseline poll", link: "https://seed.example/a" }]);

/** Serves a seed document first (the baseline), then the given body. */
function serveAfterBaseline(path: string, body: () => string): { go(): void } {
  let live = false;
  server.route(path, (_req, res) => res.writeHead(200, { "content-type": "application/rss+xml" }).end(live ? body() : EMPTY));
  return { go: () => (live = true) };
}

describe("one release per story across wires", () => {
  it("a wire and a newsroom carrying the same release in one poll give one release with two sources, one event, one plan", async () => {
    const wire = serveAfterBaseline("/prn", STORY.wire);
    const room = serveAfterBaseline("/newsroom", STORY.newsroom);
    const cfg = config([
      { id: "prn", url: `${server.url}/prn` },
      { id: "acme-newsroom", url: `${server.url}/newsroom`, clientId: "acme" },
    ]);
    const bus = new LocalEventBus({ routes: ROUTES });
    await pollFeeds(poller(cfg, bus), { all: true });
    wire.go();
    room.go();
    advance(60);
    const summary = await pollFeeds(poller(cfg, bus), { all: true });

    expect(summary.feeds.reduce((n, f) => n + f.newReleases, 0)).toBe(1);
    expect(summary.feeds.reduce((n, f) => n + f.merged, 0)).toBe(1);
    expect(detected(bus)).toHaveLength(1);
    const releaseId = (detected(bus)[0]!.detail as ReleaseDetectedDetail).releaseId;
    const release = await new DynamoReleaseStore({ client, tableName }).getRelease(releaseId);
    expect(release?.sources.map((s) => s.feedId).sort()).toEqual(["acme-newsroom", "prn"]);
    // The stored and shown links carry no wire tracking parameter.
    for (const url of [release?.url, ...(release?.sources ?? []).map((s) => s.url)]) expect(url).not.toMatch(/ncid|utm_|feedref/);
    expect(await planAll(cfg, detected(bus))).toHaveLength(1);
  });

  it("two pollers racing on the two feeds (both look up before either creates) still give one release", async () => {
    const wire = serveAfterBaseline("/prn", STORY.wire);
    const room = serveAfterBaseline("/newsroom", STORY.newsroom);
    const cfg = config([
      { id: "prn", url: `${server.url}/prn` },
      { id: "acme-newsroom", url: `${server.url}/newsroom`, clientId: "acme" },
    ]);
    const busA = new LocalEventBus({ routes: ROUTES });
    const busB = new LocalEventBus({ routes: ROUTES });
    await pollFeeds(poller(cfg, busA), { all: true });
    wire.go();
    room.go();
    advance(60);

    // A barrier after the fingerprint lookup: neither poller can see the other's release before creating its own.
    let arrived = 0;
    let open!: () => void;
    const barrier = new Promise<void>((resolve) => (open = resolve));
    const racing = (): ReleaseStore => {
      const store = new DynamoReleaseStore({ client, tableName });
      return new Proxy(store, {
        get(target, prop, receiver) {
          if (prop !== "createReleases") return Reflect.get(target, prop, receiver);
          return async (...args: Parameters<ReleaseStore["createReleases"]>) => {
            if (++arrived === 2) open();
            await barrier;
            return target.createReleases(...args);
          };
        },
      });
    };
    const [a, b] = await Promise.all([
      pollFeeds(poller(cfg, busA, racing()), { all: true, feedIds: ["prn"] }),
      pollFeeds(poller(cfg, busB, racing()), { all: true, feedIds: ["acme-newsroom"] }),
    ]);

    expect(arrived).toBe(2);
    expect(a.feeds[0]!.newReleases + b.feeds[0]!.newReleases).toBe(1);
    expect(a.feeds[0]!.merged + b.feeds[0]!.merged).toBe(1);
    const events = [...detected(busA), ...detected(busB)];
    expect(events).toHaveLength(1);
    const release = await new DynamoReleaseStore({ client, tableName }).getRelease((events[0]!.detail as ReleaseDetectedDetail).releaseId);
    expect(release?.sources.map((s) => s.feedId).sort()).toEqual(["acme-newsroom", "prn"]);
    expect(await planAll(cfg, events)).toHaveLength(1);
  });

  it("keeps a translation (another known language) a release of its own", async () => {
    const fr = `<item><title>Acme Corp Unveils Quantum-Safe Payments Network</title><link>https://www.prnewswire.com/fr/news-releases/acme-302900002.html</link><dc:language>fr-CA</dc:language><pubDate>${pub("2026-11-21T11:59:00Z")}</pubDate></item>`;
    const wire = serveAfterBaseline("/prn", () => STORY.wire(fr));
    const cfg = config([{ id: "prn", url: `${server.url}/prn` }]);
    const bus = new LocalEventBus({ routes: ROUTES });
    await pollFeeds(poller(cfg, bus), { all: true });
    wire.go();
    advance(60);
    const summary = await pollFeeds(poller(cfg, bus), { all: true });
    expect(summary.feeds[0]).toMatchObject({ newReleases: 2, merged: 0 });
  });
});

describe("an item the feed has shown before is never new again", () => {
  it("a query parameter that changes on every fetch, on a short title, is learnt and makes no second release", async () => {
    let n = 0;
    const items = () => [
      { title: "Q3 results", link: `https://ir.acme.example/news/q3?session=${++n}` },
      { title: "Annual meeting notice", link: `https://ir.acme.example/news/agm?session=${n}` },
    ];
    const seed = serveAfterBaseline("/ir", () => rss(items()));
    const cfg = config([{ id: "ir", url: `${server.url}/ir`, clientId: "acme" }]);
    const bus = new LocalEventBus({ routes: ROUTES });
    await pollFeeds(poller(cfg, bus), { all: true });
    seed.go();
    advance(60);
    const first = await pollFeeds(poller(cfg, bus), { all: true });
    expect(first.feeds[0]).toMatchObject({ newReleases: 2 });
    for (let i = 0; i < 5; i++) {
      advance(13 * 3600); // past the fingerprint window: only the feed's own memory recognises them
      const again = await pollFeeds(poller(cfg, bus), { all: true });
      expect(again.feeds[0]).toMatchObject({ status: "ok", newReleases: 0, baselined: 0 });
    }
    expect(detected(bus)).toHaveLength(2);
    const state = (await new DynamoReleaseStore({ client, tableName }).getFeedStates(["ir"])).get("ir");
    expect(state?.volatileParams).toEqual(["session"]);
    const releases = await new DynamoReleaseStore({ client, tableName }).listReleases({ from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z", limit: 50 });
    expect(releases.filter((r) => r.title === "Q3 results")).toHaveLength(1);
    // Learnt from the second fetch on: the release keeps the link it was first seen with.
    expect(releases.find((r) => r.title === "Q3 results")?.url).toBe("https://ir.acme.example/news/q3?session=1");
  });

  it("a GUID that rotates on a two-word title, and an undated baseline item, are never announced again", async () => {
    let n = 0;
    const body = () =>
      `<?xml version="1.0"?><rss version="2.0"><channel><title>IR</title><link>https://ir.acme.example</link>
<item><title>Dividend declared</title><guid isPermaLink="false">rot-${++n}</guid></item>
<item><title>Undated item kept on the feed</title><link>https://ir.acme.example/news/undated?v=${n}</link></item>
</channel></rss>`;
    server.route("/rot", (_req, res) => res.writeHead(200, { "content-type": "application/rss+xml" }).end(body()));
    const cfg = config([{ id: "rot", url: `${server.url}/rot`, clientId: "acme" }]);
    const bus = new LocalEventBus({ routes: ROUTES });
    const baseline = await pollFeeds(poller(cfg, bus), { all: true });
    expect(baseline.feeds[0]).toMatchObject({ baseline: true, baselined: 2 });
    for (let i = 0; i < 4; i++) {
      advance(13 * 3600);
      const again = await pollFeeds(poller(cfg, bus), { all: true });
      expect(again.feeds[0]).toMatchObject({ status: "ok", newReleases: 0, baselined: 0 });
    }
    expect(detected(bus)).toHaveLength(0);
  });

  it("two different items of one document that share a headline and path stay two releases", async () => {
    const seed = serveAfterBaseline("/filings", () =>
      rss([
        { title: "Form 8-K", link: "https://ir.acme.example/filing?id=101" },
        { title: "Form 8-K", link: "https://ir.acme.example/filing?id=102" },
      ]),
    );
    const cfg = config([{ id: "filings", url: `${server.url}/filings`, clientId: "acme" }]);
    const bus = new LocalEventBus({ routes: ROUTES });
    await pollFeeds(poller(cfg, bus), { all: true });
    seed.go();
    advance(60);
    const summary = await pollFeeds(poller(cfg, bus), { all: true });
    expect(summary.feeds[0]).toMatchObject({ newReleases: 2 });
  });
});
