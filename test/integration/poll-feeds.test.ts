import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpFeedFetcher, LocalEventBus, type DynamoReleaseStore, type RequestCounter, DynamoEventOutbox } from "@pressbridge/adapters";
import {
  EventPublishError,
  ROUTES,
  isFeedDue,
  parseConfig,
  parseFeed,
  pollFeeds,
  type BusEvent,
  type EventBus,
  type PollDeps,
  type PressbridgeConfig,
  flushOutbox,
} from "@pressbridge/core";
import { freshStore } from "../support/dynamo-table.ts";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";

class FakeClock {
  t: number;
  constructor(iso: string) {
    this.t = Date.parse(iso);
  }
  now = (): Date => new Date(this.t);
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}

const T0 = "2026-11-21T12:00:00.000Z";
const pub = (iso: string) => new Date(iso).toUTCString();

let server: FeedServer;
let store: DynamoReleaseStore;
let counter: RequestCounter;
let drop: () => Promise<void>;
let clock: FakeClock;
const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true, timeoutMs: 1_500, maxBytes: 200_000 });

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  ({ store, counter, drop } = await freshStore());
  clock = new FakeClock(T0);
});
afterEach(async () => {
  await drop();
});

function config(feeds: Array<Record<string, unknown>>): PressbridgeConfig {
  return parseConfig({ feeds, security: { allowPrivateFeedHosts: true } });
}

function deps(cfg: PressbridgeConfig, bus: EventBus = new LocalEventBus({ routes: ROUTES })): PollDeps {
  return { config: cfg, fetcher, feedStates: store, releases: store, bus, outbox: new DynamoEventOutbox({ client: store.client, tableName: store.tableName }), clock, parse: parseFeed, random: () => 0 };
}

const published = (bus: EventBus): BusEvent[] => (bus as LocalEventBus).published;

describe("pollFeeds against DynamoDB Local and a loopback wire", () => {
  it("baselines the first poll, then announces each new release exactly once", async () => {
    const items = [
      { title: "Acme Corp Opens Plant in Ohio", link: "https://wire.example/news/acme-plant-1.html", pubDate: pub("2026-11-21T10:00:00Z") },
      { title: "Globex Names New Chief Executive Officer", link: "https://wire.example/news/globex-ceo-2.html", pubDate: pub("2026-11-21T09:00:00Z") },
    ];
    server.serveFeed("/wire-a", () => rss(items));
    const cfg = config([{ id: "wire-a", url: `${server.url}/wire-a` }]);
    const bus = new LocalEventBus({ routes: ROUTES });

    const first = await pollFeeds(deps(cfg, bus));
    expect(first.feeds[0]).toMatchObject({ id: "wire-a", status: "ok", httpStatus: 200, itemsSeen: 2, newReleases: 0, baselined: 2, baseline: true });
    expect(published(bus)).toHaveLength(0);
    const listed = await store.listReleases({ from: "2026-01-01T00:00:00Z", to: "2026-12-31T00:00:00Z", limit: 10 });
    expect(listed.map((r) => r.title).sort()).toEqual(["Acme Corp Opens Plant in Ohio", "Globex Names New Chief Executive Officer"]);
    expect(listed.every((r) => r.announce === "baseline")).toBe(true);

    // Unchanged: answered 304 from the stored ETag, and costs zero DynamoDB writes.
    clock.advance(60);
    counter.reset();
    const second = await pollFeeds(deps(cfg, bus), { all: true });
    expect(second.feeds[0]).toMatchObject({ status: "unchanged", httpStatus: 304, newReleases: 0 });
    expect(counter.writes()).toBe(0);
    expect(server.requests.at(-1)?.headers["if-none-match"]).toBeDefined();

    // A new release arrives.
    items.unshift({ title: "Acme Corp Reports Record Quarter", link: "https://wire.example/news/acme-record-3.html?utm_source=rss", pubDate: pub("2026-11-21T12:00:30Z") });
    clock.advance(60);
    const third = await pollFeeds(deps(cfg, bus), { all: true });
    expect(third.feeds[0]).toMatchObject({ status: "ok", itemsSeen: 3, newReleases: 1, baseline: false });
    expect(published(bus)).toHaveLength(1);
    const event = published(bus)[0]!;
    expect(event.detailType).toBe("Release Detected");
    expect(event.detail).toMatchObject({ title: "Acme Corp Reports Record Quarter", feedId: "wire-a", url: "https://wire.example/news/acme-record-3.html" });
    const stored = await store.getRelease(third.feeds[0]!.newReleaseIds[0]!);
    expect(stored).toMatchObject({ announce: "announced", sources: [{ feedId: "wire-a" }] });

    // Polling the same content again announces nothing more.
    clock.advance(60);
    await pollFeeds(deps(cfg, bus), { all: true });
    expect(published(bus)).toHaveLength(1);
  });

  it("treats an identical body without validators as unchanged with zero writes", async () => {
    server.serveFeed("/no-etag", () => rss([{ title: "Initech Ships TPS Reports Platform", link: "https://wire.example/initech-1" }]), { etag: false });
    const cfg = config([{ id: "no-etag", url: `${server.url}/no-etag` }]);
    await pollFeeds(deps(cfg), { all: true });
    counter.reset();
    clock.advance(60);
    const again = await pollFeeds(deps(cfg), { all: true });
    expect(again.feeds[0]).toMatchObject({ status: "unchanged", httpStatus: 200 });
    expect(counter.writes()).toBe(0);
  });

  it("lets exactly one of two racing pollers announce a new release", async () => {
    const items = [{ title: "Baseline Item For Race Test Feed", link: "https://wire.example/race-0" }];
    server.serveFeed("/race", () => rss(items));
    const cfg = config([{ id: "race", url: `${server.url}/race` }]);
    await pollFeeds(deps(cfg), { all: true });
    for (let i = 1; i <= 5; i++) items.push({ title: `Umbrella Energy Announces Project Number ${i}`, link: `https://wire.example/race-${i}` });
    clock.advance(60);
    const busA = new LocalEventBus({ routes: ROUTES });
    const busB = new LocalEventBus({ routes: ROUTES });
    const [a, b] = await Promise.all([pollFeeds(deps(cfg, busA), { all: true }), pollFeeds(deps(cfg, busB), { all: true })]);
    const ids = [...published(busA), ...published(busB)].map((e) => (e.detail as { releaseId: string }).releaseId);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(a.feeds[0]!.newReleases + b.feeds[0]!.newReleases).toBe(5);
  });

  it("lets exactly one of three racing pollers announce each of 250 new releases (batched creates)", async () => {
    const items = [{ title: "Baseline item for the big race", link: "https://wire.example/big-race-0" }];
    server.serveFeed("/big-race", () => rss(items));
    const cfg = config([{ id: "big-race", url: `${server.url}/big-race` }]);
    await pollFeeds(deps(cfg), { all: true });
    for (let i = 1; i <= 250; i++) items.push({ title: `Initech Files Patent Application Number ${i}`, link: `https://wire.example/big-race-${i}` });
    clock.advance(60);
    const buses = [0, 1, 2].map(() => new LocalEventBus({ routes: ROUTES }));
    counter.reset();
    const polls = await Promise.all(buses.map((bus) => pollFeeds(deps(cfg, bus), { all: true })));
    const ids = buses.flatMap((bus) => published(bus).map((e) => (e.detail as { releaseId: string }).releaseId));
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    expect(polls.reduce((n, p) => n + p.feeds[0]!.newReleases, 0)).toBe(250);
    // Creates go in transactions of up to 100 (cancelled ones fall back to one PutItem each).
    expect(counter.counts.get("TransactWriteItems")).toBeGreaterThanOrEqual(3);
  });

  it("creates, indexes and announces in order: the bus sees stored, indexed releases with their outbox items, cleared after", async () => {
    const items = [{ title: "Baseline item for the ordering test", link: "https://wire.example/order-0" }];
    server.serveFeed("/order", () => rss(items));
    const cfg = config([{ id: "order", url: `${server.url}/order` }]);
    await pollFeeds(deps(cfg), { all: true });
    for (let i = 1; i <= 30; i++) items.push({ title: `Hooli Announces Partnership Number ${i} Today`, link: `https://wire.example/order-${i}` });
    const outbox = new DynamoEventOutbox({ client: store.client, tableName: store.tableName });
    const seenAtPublish: Array<{ stored: boolean; announce: string | null; fingerprinted: boolean; inOutbox: boolean }> = [];
    const checkingBus: EventBus = {
      publish: async (events) => {
        const ids = events.map((e) => (e.detail as { releaseId: string }).releaseId);
        const fingerprints = await Promise.all(ids.map(async (id) => (await store.getRelease(id))?.fingerprint ?? null));
        const found = await store.lookup(ids, fingerprints.filter((f): f is string => f !== null));
        const pending = new Set((await outbox.pendingEvents("9999", 100)).map((e) => e.id));
        for (const [i, id] of ids.entries()) {
          const fp = fingerprints[i];
          seenAtPublish.push({
            stored: found.releases.has(id),
            announce: found.releases.get(id)?.announce ?? null,
            fingerprinted: fp !== null && fp !== undefined && found.fingerprints.get(fp)?.releaseId === id,
            inOutbox: pending.has(`release-detected:${id}`),
          });
        }
      },
    };
    clock.advance(60);
    const result = await pollFeeds(deps(cfg, checkingBus), { all: true });
    expect(result.feeds[0]).toMatchObject({ status: "ok", newReleases: 30 });
    expect(seenAtPublish).toHaveLength(30);
    expect(seenAtPublish.every((s) => s.stored && s.announce === "announced" && s.fingerprinted && s.inOutbox)).toBe(true);
    expect(await outbox.pendingEvents("9999", 100)).toEqual([]);
  });

  it("merges two items with one headline in one document into one release, announced once", async () => {
    const items: Array<{ title: string; link: string; pubDate?: string }> = [{ title: "Baseline item for the same-document merge", link: "https://wire.example/dup-0" }];
    server.serveFeed("/dup", () => rss(items));
    const cfg = config([{ id: "dup", url: `${server.url}/dup` }]);
    await pollFeeds(deps(cfg), { all: true });
    items.push(
      { title: "Vandelay Industries Acquires Kramerica", link: "https://wire.example/dup-1", pubDate: pub("2026-11-21T12:00:00Z") },
      { title: "VANDELAY INDUSTRIES ACQUIRES KRAMERICA!", link: "https://wire.example/dup-1-mirror", pubDate: pub("2026-11-21T12:00:10Z") },
    );
    const bus = new LocalEventBus({ routes: ROUTES });
    clock.advance(60);
    const result = await pollFeeds(deps(cfg, bus), { all: true });
    expect(result.feeds[0]).toMatchObject({ status: "ok", newReleases: 1, merged: 1 });
    expect(published(bus)).toHaveLength(1);
    const releaseId = (published(bus)[0]!.detail as { releaseId: string }).releaseId;
    const listed = await store.listReleases({ from: "2026-01-01T00:00:00Z", to: "2026-12-31T00:00:00Z", limit: 10 });
    expect(listed.filter((r) => r.title.startsWith("Vandelay")).map((r) => r.id)).toEqual([releaseId]);
  });

  it("records the same release seen on a wire and a company newsroom as one release with two sources", async () => {
    const wireItems = [{ title: "Seed item on the wire feed today", link: "https://www.prnewswire.com/news-releases/seed-1.html" }];
    const roomItems = [{ title: "Seed item on the newsroom feed today", link: "https://ir.acme.example/news/seed" }];
    server.serveFeed("/prn", () => rss(wireItems));
    server.serveFeed("/newsroom", () => rss(roomItems));
    const cfg = config([
      { id: "prn", url: `${server.url}/prn` },
      { id: "acme-newsroom", url: `${server.url}/newsroom`, clientId: undefined },
    ]);
    const bus = new LocalEventBus({ routes: ROUTES });
    await pollFeeds(deps(cfg, bus), { all: true });

    wireItems.push({ title: "Acme Corp Unveils Quantum-Safe Payments Network", link: "https://www.prnewswire.com/news-releases/acme-unveils-302900001.html?tc=eml_cleartime&utm_medium=rss", pubDate: pub("2026-11-21T12:00:00Z") } as never);
    clock.advance(60);
    await pollFeeds(deps(cfg, bus), { all: true, feedIds: ["prn"] });
    roomItems.push({ title: "ACME CORP UNVEILS QUANTUM-SAFE PAYMENTS NETWORK", link: "https://ir.acme.example/news/quantum-safe-payments", pubDate: pub("2026-11-21T12:05:00Z") } as never);
    clock.advance(60);
    const second = await pollFeeds(deps(cfg, bus), { all: true, feedIds: ["acme-newsroom"] });
    expect(second.feeds[0]).toMatchObject({ newReleases: 0, merged: 1 });
    expect(published(bus)).toHaveLength(1);
    const release = await store.getRelease((published(bus)[0]!.detail as { releaseId: string }).releaseId);
    expect(release?.sources.map((s) => [s.feedId, s.url])).toEqual([
      ["prn", "https://www.prnewswire.com/news-releases/acme-unveils-302900001.html?tc=eml_cleartime"],
      ["acme-newsroom", "https://ir.acme.example/news/quantum-safe-payments"],
    ]);
  });

  it("keeps translations separate and announces items inside backfillHours on the first poll", async () => {
    const body = `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>GNW</title><link>https://www.globenewswire.com</link>
<item><title>Oatly reports third quarter results</title><link>https://www.globenewswire.com/news-release/2026/11/21/111/0/en/oatly-q3.html</link><dc:identifier>111</dc:identifier><pubDate>${pub("2026-11-21T11:00:00Z")}</pubDate></item>
<item><title>Oatly publie ses résultats du troisième trimestre</title><link>https://www.globenewswire.com/news-release/2026/11/21/111/0/fr/oatly-t3.html</link><dc:identifier>111</dc:identifier><pubDate>${pub("2026-11-21T11:00:00Z")}</pubDate></item>
<item><title>An old release from last month here</title><link>https://www.globenewswire.com/news-release/2026/10/01/99/0/en/old.html</link><pubDate>${pub("2026-10-01T11:00:00Z")}</pubDate></item>
</channel></rss>`;
    server.route("/gnw", (_req, res) => res.writeHead(200, { "content-type": "application/rss+xml" }).end(body));
    const cfg = config([{ id: "gnw", url: `${server.url}/gnw`, backfillHours: 24 }]);
    const bus = new LocalEventBus({ routes: ROUTES });
    const result = await pollFeeds(deps(cfg, bus));
    expect(result.feeds[0]).toMatchObject({ baseline: true, newReleases: 2, baselined: 1 });
    const details = published(bus).map((e) => e.detail as { title: string; language: string | null });
    expect(details.map((d) => d.title).sort()).toEqual(["Oatly publie ses résultats du troisième trimestre", "Oatly reports third quarter results"]);
  });

  it("leaves an announcement the bus refused in the outbox, and the flush delivers it once", async () => {
    const items = [{ title: "Seed item for the flaky bus test", link: "https://wire.example/flaky-0" }];
    server.serveFeed("/flaky", () => rss(items));
    const cfg = config([{ id: "flaky", url: `${server.url}/flaky` }]);
    await pollFeeds(deps(cfg), { all: true });
    items.push({ title: "Globex Robotics Opens Research Lab in Austin", link: "https://wire.example/flaky-1" });

    const delivered: BusEvent[] = [];
    let failNext = true;
    const flakyBus: EventBus = {
      publish: async (events) => {
        if (failNext) {
          failNext = false;
          throw new EventPublishError("1 of 1 events were not published", [{ id: events[0]!.id, errorCode: "InternalFailure" }]);
        }
        delivered.push(...events);
      },
    };
    clock.advance(60);
    const failed = await pollFeeds(deps(cfg, flakyBus), { all: true });
    // The release and its event were written together; the feed is fine, the bus is not.
    expect(failed.feeds[0]).toMatchObject({ status: "ok", errorKind: null, newReleases: 1 });
    expect(failed.feeds[0]!.warnings.join(" ")).toMatch(/wait in the outbox/);
    expect(delivered).toHaveLength(0);
    const outbox = new DynamoEventOutbox({ client: store.client, tableName: store.tableName });
    expect(await outbox.pendingEvents("9999", 10)).toHaveLength(1);

    // The next polls see a known release and announce nothing; the flush delivers the event, once.
    clock.advance(90);
    await pollFeeds(deps(cfg, flakyBus), { all: true });
    expect(delivered).toHaveLength(0);
    expect(await flushOutbox({ bus: flakyBus, outbox, clock }, 0)).toBe(1);
    expect(delivered.map((e) => (e.detail as { title: string }).title)).toEqual(["Globex Robotics Opens Research Lab in Austin"]);
    expect(await flushOutbox({ bus: flakyBus, outbox, clock }, 0)).toBe(0);
    clock.advance(90);
    await pollFeeds(deps(cfg, flakyBus), { all: true });
    expect(delivered).toHaveLength(1);
  });

  it("marks broken feeds unhealthy with the reason and backs off, while other feeds go on", async () => {
    server.serveFeed("/good", () => rss([{ title: "A healthy feed item title here", link: "https://wire.example/good-1" }]));
    server.route("/malformed", (_q, res) => res.writeHead(200, { "content-type": "application/xml" }).end("<rss><channel><item><title>broken"));
    server.route("/bomb", (_q, res) =>
      res.writeHead(200, { "content-type": "application/xml" }).end(
        `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title></item></channel></rss>`,
      ),
    );
    server.route("/error500", (_q, res) => res.writeHead(500).end("oops"));
    server.route("/huge", (_q, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      const chunk = "<!-- padding -->".repeat(1000);
      let sent = 0;
      const pump = (): void => {
        while (sent < 2_000_000 && res.write(chunk)) sent += chunk.length;
        if (sent < 2_000_000) res.once("drain", pump);
        else res.end();
      };
      pump();
    });
    server.route("/slow", (_q, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write("<rss version='2.0'><channel>");
      const timer = setInterval(() => res.write(" "), 200);
      res.on("close", () => clearInterval(timer));
    });
    server.route("/loop-a", (_q, res) => res.writeHead(302, { location: "/loop-b" }).end());
    server.route("/loop-b", (_q, res) => res.writeHead(302, { location: "/loop-a" }).end());
    server.route("/html", (_q, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><html><body>Not a feed</body></html>"));

    const ids = ["malformed", "bomb", "error500", "huge", "slow", "loop-a", "html"];
    const cfg = config([{ id: "good", url: `${server.url}/good` }, ...ids.map((id) => ({ id, url: `${server.url}/${id}` }))]);
    const result = await pollFeeds(deps(cfg), { all: true });
    const byId = new Map(result.feeds.map((f) => [f.id, f]));
    expect(byId.get("good")).toMatchObject({ status: "ok", itemsSeen: 1 });
    expect(byId.get("malformed")).toMatchObject({ status: "error", errorKind: "parse" });
    expect(byId.get("bomb")).toMatchObject({ status: "error", errorKind: "parse" });
    expect(byId.get("error500")).toMatchObject({ status: "error", errorKind: "http-status", httpStatus: 500 });
    expect(byId.get("huge")).toMatchObject({ status: "error", errorKind: "too-large" });
    expect(byId.get("slow")).toMatchObject({ status: "error", errorKind: "timeout" });
    expect(byId.get("loop-a")).toMatchObject({ status: "error", errorKind: "redirects" });
    expect(byId.get("html")).toMatchObject({ status: "error", errorKind: "parse" });
    for (const id of ids) expect(byId.get(id)!.error).toMatch(/\S/);

    // The failure is stored with the reason and backs the feed off exponentially.
    const states = await store.getFeedStates(ids);
    expect(states.get("error500")).toMatchObject({ consecutiveFailures: 1, lastError: expect.stringContaining("500"), baselineAt: null });
    const feed500 = cfg.feeds.find((f) => f.id === "error500")!;
    expect(isFeedDue(feed500, states.get("error500"), clock.now(), 60)).toBe(false);
    clock.advance(121);
    expect(isFeedDue(feed500, states.get("error500"), clock.now(), 60)).toBe(true);
    await pollFeeds(deps(cfg), { feedIds: ["error500"] });
    const after = (await store.getFeedStates(["error500"])).get("error500")!;
    expect(after.consecutiveFailures).toBe(2);
    expect(Date.parse(after.nextPollAt!) - clock.now().getTime()).toBeGreaterThanOrEqual(240_000);

    // A recovered feed resets its failure count and baselines.
    server.serveFeed("/error500", () => rss([{ title: "Back online with a real item", link: "https://wire.example/back-1" }]));
    clock.advance(600);
    const recovered = await pollFeeds(deps(cfg), { feedIds: ["error500"] });
    expect(recovered.feeds[0]).toMatchObject({ status: "ok", baseline: true, consecutiveFailures: 0 });
  });

  it("polls only due feeds unless --all, spreading long intervals over ticks", async () => {
    server.serveFeed("/due", () => rss([{ title: "An item on a feed that is due", link: "https://wire.example/due-1" }]));
    const cfg = config([
      { id: "every-minute", url: `${server.url}/due`, intervalSeconds: 60 },
      { id: "every-ten", url: `${server.url}/due`, intervalSeconds: 600 },
    ]);
    await pollFeeds(deps(cfg), { all: true });
    let polledTen = 0;
    let polledMinute = 0;
    for (let i = 0; i < 10; i++) {
      clock.advance(60);
      const r = await pollFeeds(deps(cfg));
      polledTen += r.feeds.filter((f) => f.id === "every-ten").length;
      polledMinute += r.feeds.filter((f) => f.id === "every-minute").length;
    }
    expect(polledMinute).toBe(10);
    expect(polledTen).toBe(1);
  });
});
