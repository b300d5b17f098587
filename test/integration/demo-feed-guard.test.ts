import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeedFetchError, systemClock } from "@pressbridge/core";
import { seedDemo } from "../../packages/cli/src/commands/start.ts";
import { memoryWorkspace } from "../support/memory-workspace.ts";
import { TrustedOriginFetcher } from "../../packages/cli/src/runtime/trusted-origin-fetcher.ts";

/**
 * `start --demo --config FILE`: the demo wire (our own loopback server) is fetched, and nothing else
 * loopback or private is: the operator's feeds keep the SSRF guard their config asks for.
 */
let demo: Server;
let other: Server;
let demoUrl: string;
let otherUrl: string;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}` };
}

beforeAll(async () => {
  ({ server: demo, url: demoUrl } = await listen((req, res) => {
    if (req.url === "/elsewhere") res.writeHead(302, { location: `${otherUrl}/rss` }).end();
    else res.writeHead(200, { "content-type": "application/rss+xml" }).end("<rss/>");
  }));
  ({ server: other, url: otherUrl } = await listen((_req, res) => res.writeHead(200).end("<rss/>")));
});
afterAll(async () => {
  for (const s of [demo, other]) await new Promise<void>((r) => s.close(() => r()));
});

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    expect(err).toBeInstanceOf(FeedFetchError);
    return (err as FeedFetchError).kind;
  }
}

describe("the demo wire's allow-list", () => {
  it("keeps the workspace's allowPrivateFeedHosts as it was when --demo adds its client and feed", async () => {
    for (const allow of [false, true]) {
      const workspace = memoryWorkspace({ feeds: [{ id: "own", url: "https://wire.example/rss" }], security: { allowPrivateFeedHosts: allow } });
      await seedDemo({ workspace, clock: systemClock }, `${demoUrl}/rss`);
      const ws = await workspace.load();
      expect(ws.settings.security.allowPrivateFeedHosts).toBe(allow);
      expect(ws.feeds.map((f) => f.id).sort()).toEqual(["demo-wire", "own"]);
      expect(ws.clients.map((c) => c.id)).toEqual(["acme"]);
    }
  });

  it("fetches exactly the demo wire's origin, and refuses other loopback ports, credentials and redirects", async () => {
    const fetcher = new TrustedOriginFetcher({ allowPrivateHosts: false, trustedOrigins: [`${demoUrl}/rss`] });
    try {
      expect(await kindOf(fetcher.fetch({ url: `${demoUrl}/rss` }))).toBe("ok");
      expect(await kindOf(fetcher.fetch({ url: `${otherUrl}/rss` }))).toBe("blocked");
      expect(await kindOf(fetcher.fetch({ url: `${demoUrl.replace("127.0.0.1", "localhost")}/rss` }))).not.toBe("ok");
      expect(await kindOf(fetcher.fetch({ url: demoUrl.replace("http://", "http://user:pw@") + "/rss" }))).toBe("blocked");
      expect(await kindOf(fetcher.fetch({ url: `${demoUrl}/elsewhere` }))).toBe("redirects");
      expect(await kindOf(fetcher.fetch({ url: "http://169.254.169.254/latest/meta-data/" }))).toBe("blocked");
    } finally {
      fetcher.destroy();
    }
  });
});
