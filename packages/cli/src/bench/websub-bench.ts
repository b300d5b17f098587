import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { performance } from "node:perf_hooks";
import {
  DynamoWebSubStore,
  HttpFeedFetcher,
  HttpWebSubHubClient,
  LocalEventBus,
  freePort,
  tableAdapters,
} from "@pressbridge/adapters";
import {

  approversFromConfig,
  ingestPushedDocument,
  parseConfig,
  parseFeed,
  pollFeeds,
  renewWebSubSubscriptions,
  systemClock,
  type BusEvent,
  type EventBus,
  type PollDeps,
} from "@pressbridge/core";
import { createWebApp, startWebServer } from "@pressbridge/web";
import { freshTable, type BenchEnv } from "./bench-env.ts";
import { percentile } from "./figures.ts";

export interface WebSubBenchResult {
  pushes: number;
  p50Ms: number;
  p99Ms: number;
  /** Every push's status at the callback (all 202). */
  statuses: number[];
}

/**
 * WebSub publish at a loopback hub -> `Release Detected` (docs/websub.md, docs/performance.md figure 8).
 * One feed advertises a loopback hub (rel="hub", rel="self"); a baseline poll records it, the renewal
 * step subscribes, the hub verifies intent at the real web app's /websub/<callbackId> (the table on
 * DynamoDB Local). Then `pushes` times: one new item is added to the feed and the hub distributes the
 * whole document (its last 50 items) with X-Hub-Signature: sha256. The clock starts when the hub
 * begins its POST and stops when the bus accepts that item's `Release Detected` (published by the
 * same ingest as polling, through the outbox). Every push must announce exactly its one release.
 */
export async function runWebSubBench(env: BenchEnv, options: { pushes: number; warmups: number }): Promise<WebSubBenchResult> {
  const table = await freshTable(env, "websub");
  const stores = tableAdapters({ client: env.client, tableName: table.tableName });
  const subscriptions = new DynamoWebSubStore({ client: env.client, tableName: table.tableName });
  const detectedAt = new Map<string, number>();
  const local = new LocalEventBus({ routes: [], keepPublished: false });
  const bus: EventBus = {
    publish: async (events: readonly BusEvent[]) => {
      await local.publish(events);
      const at = performance.now();
      for (const e of events) if (e.detailType === "Release Detected") detectedAt.set((e.detail as { title: string }).title, at);
    },
  };
  let items: string[] = [];
  let secret = "";
  let callback = "";
  let verified: () => void = () => undefined;
  const verifiedOnce = new Promise<void>((r) => (verified = r));
  let base = "";
  const feedXml = (): string =>
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Bench Wire</title><link>https://wire.example/</link><description>bench</description>` +
    `<atom:link rel="hub" href="${base}/hub"/><atom:link rel="self" href="${base}/feed"/>` +
    items.map((t, i) => `<item><title>${t}</title><link>https://wire.example/websub/${encodeURIComponent(t)}.html</link><description>Item ${i}.</description></item>`).join("") +
    `</channel></rss>`;
  // The loopback publisher and hub (section 5.1: 202, then verification of intent by GET; section 7.1: signed POSTs).
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/feed") return void res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(feedXml());
    if (req.method !== "POST" || req.url !== "/hub") return void res.writeHead(404).end();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(202).end();
      const challenge = randomBytes(16).toString("hex");
      const target = new URL(form.get("hub.callback")!);
      target.searchParams.append("hub.mode", "subscribe");
      target.searchParams.append("hub.topic", form.get("hub.topic")!);
      target.searchParams.append("hub.challenge", challenge);
      target.searchParams.append("hub.lease_seconds", form.get("hub.lease_seconds") ?? "864000");
      void fetch(target).then(async (answer) => {
        if (answer.status === 200 && (await answer.text()) === challenge) {
          secret = form.get("hub.secret")!;
          callback = form.get("hub.callback")!;
          verified();
        }
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  const config = parseConfig({ feeds: [{ id: "websub-0", url: `${base}/feed`, wire: "PR Newswire", intervalSeconds: 60 }], security: { allowPrivateFeedHosts: true } });
  const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true });
  const pollDeps: PollDeps = { config, fetcher, feedStates: stores.releases, releases: stores.releases, bus, outbox: stores.outbox, clock: systemClock, parse: parseFeed };
  const webPort = await freePort();
  const webUrl = `http://127.0.0.1:${webPort}`;
  const app = createWebApp({
    review: { plans: stores.plans, approvals: stores.approvals, outbox: stores.outbox, bus, clock: systemClock, keys: { current: { id: "bench", secret: randomBytes(32).toString("hex") }, previous: [] }, currentApprovers: approversFromConfig(config) },
    workspace: stores.workspace,
    baseUrl: webUrl,
    signIn: { sessions: stores.sessions, rateLimits: stores.rateLimits, mailer: { send: async () => ({ messageId: "bench" }) }, from: "bench@pressbridge.local" },
    websub: { subscriptions, feedStates: stores.releases, clock: systemClock, ingest: (feedId, pushed) => ingestPushedDocument(pollDeps, feedId, pushed) },
  });
  const web = await startWebServer(app, { port: webPort });
  try {
    items = Array.from({ length: 50 }, (_, i) => `Bench Corp Reports Baseline Result Number ${i}`);
    await pollFeeds(pollDeps, { all: true });
    await renewWebSubSubscriptions({ config, feedStates: stores.releases, subscriptions, hub: new HttpWebSubHubClient({ allowPrivateHosts: true }), clock: systemClock, callbackBaseUrl: webUrl });
    await Promise.race([verifiedOnce, new Promise((_, reject) => setTimeout(() => reject(new Error("the loopback hub's verification of intent did not succeed")), 10_000))]);
    const latencies: number[] = [];
    const statuses: number[] = [];
    for (let n = 0; n < options.warmups + options.pushes; n++) {
      const title = `Bench Corp Announces Pushed Release Number ${n}`;
      items = [title, ...items].slice(0, 50);
      const body = Buffer.from(feedXml(), "utf8");
      const started = performance.now();
      const res = await fetch(callback, {
        method: "POST",
        headers: { "content-type": "application/rss+xml; charset=utf-8", link: `<${base}/hub>; rel="hub", <${base}/feed>; rel="self"`, "x-hub-signature": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` },
        body,
      });
      await res.arrayBuffer();
      const at = detectedAt.get(title);
      if (at === undefined) throw new Error(`push ${n} (HTTP ${res.status}) announced no Release Detected`);
      if (n >= options.warmups) {
        latencies.push(at - started);
        statuses.push(res.status);
      }
    }
    if (detectedAt.size !== options.warmups + options.pushes) throw new Error(`expected ${options.warmups + options.pushes} releases detected, got ${detectedAt.size}`);
    return { pushes: options.pushes, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), statuses };
  } finally {
    await web.close();
    fetcher.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await table.drop();
  }
}
