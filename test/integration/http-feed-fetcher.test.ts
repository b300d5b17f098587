import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { once } from "node:events";
import * as zlib from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FeedFetchError } from "@pressbridge/core";
import { HttpFeedFetcher } from "../../packages/adapters/src/http-feed-fetcher.ts";
import type { HttpFeedFetcherOptions, RequestFunction } from "../../packages/adapters/src/http-feed-fetcher.ts";
import type { ResolvedAddress, Resolver } from "../../packages/adapters/src/address-guard.ts";

// Every server listens on 127.0.0.1 and every connection goes there. Tests that involve public or
// private non-loopback addresses inject `resolve` and a `request` spy, so no packet leaves loopback.

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title></channel></rss>`;

interface TestServer {
  server: http.Server;
  port: number;
  origin: string;
  /** Number of TCP connections accepted. */
  connections(): number;
  /** Requests seen, in order. */
  requests: http.IncomingMessage[];
  /** Resolves when every socket accepted so far has closed. */
  allSocketsClosed(): Promise<void>;
}

const servers: TestServer[] = [];
const fetchers: HttpFeedFetcher[] = [];

afterEach(async () => {
  for (const fetcher of fetchers.splice(0)) fetcher.destroy();
  await Promise.all(
    servers.splice(0).map(async ({ server }) => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }),
  );
  vi.restoreAllMocks();
});

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, ts: TestServer) => void;

async function startServer(handler: Handler): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const closed: Array<Promise<unknown>> = [];
  let connections = 0;
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer();
  const ts: TestServer = {
    server,
    port: 0,
    origin: "",
    connections: () => connections,
    requests,
    allSocketsClosed: async () => {
      await Promise.all(closed);
    },
  };
  server.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    closed.push(closeOf(socket));
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push(req);
    handler(req, res, ts);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  ts.port = (server.address() as AddressInfo).port;
  ts.origin = `http://127.0.0.1:${ts.port}`;
  servers.push(ts);
  return ts;
}

function fetcher(options: Partial<HttpFeedFetcherOptions> = {}): HttpFeedFetcher {
  const instance = new HttpFeedFetcher({ allowPrivateHosts: true, ...options });
  fetchers.push(instance);
  return instance;
}

async function failure(promise: Promise<unknown>): Promise<FeedFetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FeedFetchError);
    return error as FeedFetchError;
  }
  throw new Error("expected the fetch to fail");
}

/** Writes `chunk` until the client goes away, as fast as the socket takes it or every `everyMs`. */
function pump(res: http.ServerResponse, chunk: Buffer, everyMs?: number): void {
  let stopped = false;
  res.on("close", () => {
    stopped = true;
  });
  const write = (): void => {
    if (stopped) return;
    if (everyMs !== undefined) {
      res.write(chunk);
      setTimeout(write, everyMs);
      return;
    }
    while (!stopped && res.write(chunk)) {
      // keep filling until the socket buffer is full
    }
    if (!stopped) res.once("drain", write);
  };
  write();
}

/** Resolves when the socket closes (unlike events.once, never rejects on an "error" first). */
function closeOf(socket: Socket): Promise<void> {
  return new Promise((done) => {
    if (socket.destroyed) done();
    else socket.once("close", () => done());
  });
}

const text = (body: Uint8Array): string => Buffer.from(body).toString("utf8");

describe("HttpFeedFetcher (real loopback servers)", () => {
  it("fetches 200 with body, content type, validators and finalUrl", async () => {
    const ts = await startServer((_req, res) => {
      res.writeHead(200, {
        "content-type": "application/rss+xml; charset=utf-8",
        etag: '"v1"',
        "last-modified": "Tue, 01 Jul 2025 10:00:00 GMT",
      });
      res.end(FEED);
    });
    const result = await fetcher().fetch({ url: `${ts.origin}/feed.xml?lang=en` });
    expect(result).toMatchObject({
      status: "ok",
      httpStatus: 200,
      finalUrl: `${ts.origin}/feed.xml?lang=en`,
      contentType: "application/rss+xml; charset=utf-8",
      etag: '"v1"',
      lastModified: "Tue, 01 Jul 2025 10:00:00 GMT",
    });
    expect(result.status === "ok" && text(result.body)).toBe(FEED);

    const seen = ts.requests[0]!;
    expect(seen.method).toBe("GET");
    expect(seen.url).toBe("/feed.xml?lang=en");
    expect(seen.headers["user-agent"]).toBe("Pressbridge/0.1 (+feed poller)");
    expect(seen.headers.accept).toContain("application/rss+xml");
    expect(seen.headers.accept).toContain("application/atom+xml");
    expect(seen.headers["accept-encoding"]).toBe("gzip, deflate, br");
    expect(seen.headers.host).toBe(`127.0.0.1:${ts.port}`);
    expect(seen.headers["if-none-match"]).toBeUndefined();
    expect(seen.headers["if-modified-since"]).toBeUndefined();
  });

  it("sends the validators of the last fetch and maps 304 to not-modified", async () => {
    const etag = '"abc123"';
    const lastModified = "Wed, 02 Jul 2025 08:30:00 GMT";
    const ts = await startServer((req, res) => {
      if (req.headers["if-none-match"] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      res.writeHead(200, { "content-type": "application/xml", etag, "last-modified": lastModified });
      res.end(FEED);
    });
    const f = fetcher({ userAgent: "TestAgent/1" });
    const first = await f.fetch({ url: `${ts.origin}/feed` });
    expect(first.status).toBe("ok");
    if (first.status !== "ok") return;

    const second = await f.fetch({ url: `${ts.origin}/feed`, etag: first.etag, lastModified: first.lastModified });
    expect(second).toEqual({ status: "not-modified", httpStatus: 304, finalUrl: `${ts.origin}/feed` });
    const conditional = ts.requests[1]!;
    expect(conditional.headers["if-none-match"]).toBe(etag);
    expect(conditional.headers["if-modified-since"]).toBe(lastModified);
    expect(conditional.headers["user-agent"]).toBe("TestAgent/1");
  });

  it.each([
    ["gzip", (b: Buffer) => zlib.gzipSync(b)],
    ["x-gzip", (b: Buffer) => zlib.gzipSync(b)],
    ["deflate", (b: Buffer) => zlib.deflateSync(b)],
    ["br", (b: Buffer) => zlib.brotliCompressSync(b)],
  ] as const)("decompresses a %s body", async (encoding, compress) => {
    const big = FEED.repeat(2000);
    const ts = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml", "content-encoding": encoding });
      res.end(compress(Buffer.from(big)));
    });
    const result = await fetcher().fetch({ url: `${ts.origin}/feed` });
    expect(result.status === "ok" && text(result.body)).toBe(big);
  });

  it("reports a corrupt compressed body as decode", async () => {
    const ts = await startServer((_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end(Buffer.from("this is not gzip at all, not even close"));
    });
    const error = await failure(fetcher().fetch({ url: `${ts.origin}/feed` }));
    expect(error.kind).toBe("decode");
    expect(error.message).toContain(`127.0.0.1:${ts.port}`);
  });

  it("reports an unknown Content-Encoding as decode", async () => {
    const ts = await startServer((_req, res) => {
      res.writeHead(200, { "content-encoding": "compress" });
      res.end("xx");
    });
    expect((await failure(fetcher().fetch({ url: `${ts.origin}/feed` }))).kind).toBe("decode");
  });

  it("refuses a Content-Length over the cap without reading the body", async () => {
    const ts = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": String(50 * 1024 * 1024) });
      res.write(Buffer.alloc(1024, 97)); // then never finish
    });
    const started = Date.now();
    const error = await failure(fetcher({ maxBytes: 1024 * 1024 }).fetch({ url: `${ts.origin}/feed` }));
    expect(error.kind).toBe("too-large");
    expect(error.message).toContain("Content-Length");
    expect(Date.now() - started).toBeLessThan(2_000);
    await ts.allSocketsClosed();
  });

  it("aborts a streamed body without Content-Length as soon as it passes the cap", async () => {
    let serverSocketClosed: Promise<unknown> = Promise.resolve();
    const ts = await startServer((req, res) => {
      serverSocketClosed = closeOf(req.socket);
      res.writeHead(200, { "content-type": "application/rss+xml" }); // chunked, endless
      pump(res, Buffer.alloc(16 * 1024, 120));
    });
    const started = Date.now();
    const f = fetcher({ maxBytes: 256 * 1024, timeoutMs: 10_000 });
    const error = await failure(f.fetch({ url: `${ts.origin}/feed` }));
    expect(error.kind).toBe("too-large");
    expect(Date.now() - started).toBeLessThan(2_000);
    // The server sees its socket closed: nothing keeps streaming, nothing leaks.
    await serverSocketClosed;
    await ts.allSocketsClosed();
  });

  it("aborts a gzip bomb on the decompressed size", async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024)); // ~64 KB that inflates to 64 MB
    expect(bomb.length).toBeLessThan(256 * 1024);
    const ts = await startServer((_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip", "content-length": String(bomb.length) });
      res.end(bomb);
    });
    const started = Date.now();
    const error = await failure(fetcher({ maxBytes: 1024 * 1024 }).fetch({ url: `${ts.origin}/feed` }));
    expect(error.kind).toBe("too-large");
    expect(error.message).toContain("decompressed");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("times out a slow, endless body at the total deadline", async () => {
    let serverSocketClosed: Promise<unknown> = Promise.resolve();
    const ts = await startServer((req, res) => {
      serverSocketClosed = closeOf(req.socket);
      res.writeHead(200, { "content-type": "application/rss+xml" });
      pump(res, Buffer.from("<item/>"), 20);
    });
    const started = Date.now();
    const error = await failure(fetcher({ timeoutMs: 300 }).fetch({ url: `${ts.origin}/feed` }));
    const elapsed = Date.now() - started;
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain(`127.0.0.1:${ts.port}`);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_500);
    await serverSocketClosed;
    await ts.allSocketsClosed();
  });

  it("times out a server that never answers", async () => {
    const ts = await startServer(() => {
      // never respond
    });
    const error = await failure(fetcher({ timeoutMs: 300 }).fetch({ url: `${ts.origin}/feed` }));
    expect(error.kind).toBe("timeout");
    await ts.allSocketsClosed();
  });

  it("counts redirects against the same deadline", async () => {
    const ts = await startServer((req, res) => {
      if (req.url === "/slow") return; // never answers
      setTimeout(() => {
        res.writeHead(302, { location: "/slow" });
        res.end();
      }, 150);
    });
    const started = Date.now();
    const error = await failure(fetcher({ timeoutMs: 300 }).fetch({ url: `${ts.origin}/start` }));
    expect(error.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("maps 500 to http-status 500", async () => {
    const ts = await startServer((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("boom");
    });
    const error = await failure(fetcher().fetch({ url: `${ts.origin}/feed` }));
    expect(error).toMatchObject({ kind: "http-status", httpStatus: 500, retryAfterSeconds: undefined });
    expect(error.message).toContain("500");
  });

  it("maps 429 with Retry-After seconds", async () => {
    const ts = await startServer((_req, res) => {
      res.writeHead(429, { "retry-after": "120" });
      res.end();
    });
    const error = await failure(fetcher().fetch({ url: `${ts.origin}/feed` }));
    expect(error).toMatchObject({ kind: "http-status", httpStatus: 429, retryAfterSeconds: 120 });
  });

  it("maps 503 with a Retry-After HTTP date", async () => {
    const at = new Date(Date.now() + 90_000).toUTCString();
    const ts = await startServer((_req, res) => {
      res.writeHead(503, { "retry-after": at });
      res.end();
    });
    const error = await failure(fetcher().fetch({ url: `${ts.origin}/feed` }));
    expect(error.kind).toBe("http-status");
    expect(error.httpStatus).toBe(503);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(85);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(91);
  });

  it("follows a chain of two redirects (absolute and relative Location)", async () => {
    const ts = await startServer((req, res, self) => {
      if (req.url === "/old") {
        res.writeHead(301, { location: `${self.origin}/moved/here` });
        res.end();
      } else if (req.url === "/moved/here") {
        res.writeHead(307, { location: "../final.xml?x=1" });
        res.end("redirect body to be discarded");
      } else {
        res.writeHead(200, { "content-type": "application/rss+xml", etag: '"final"' });
        res.end(FEED);
      }
    });
    const result = await fetcher().fetch({ url: `${ts.origin}/old`, etag: '"stale"' });
    expect(result).toMatchObject({
      status: "ok",
      httpStatus: 200,
      finalUrl: `${ts.origin}/final.xml?x=1`,
      etag: '"final"',
    });
    expect(ts.requests.map((r) => r.url)).toEqual(["/old", "/moved/here", "/final.xml?x=1"]);
    // Validators travel with every hop; the server decides on the last one.
    expect(ts.requests[2]!.headers["if-none-match"]).toBe('"stale"');
    expect(ts.connections()).toBe(1); // redirect bodies are drained, so every hop reuses the socket
  });

  it("gives a 304 at the end of a redirect chain the final URL", async () => {
    const ts = await startServer((req, res) => {
      if (req.url === "/a") {
        res.writeHead(308, { location: "/b" });
        res.end();
      } else {
        res.writeHead(304);
        res.end();
      }
    });
    const result = await fetcher().fetch({ url: `${ts.origin}/a`, etag: '"x"' });
    expect(result).toEqual({ status: "not-modified", httpStatus: 304, finalUrl: `${ts.origin}/b` });
  });

  it("detects a redirect loop", async () => {
    const ts = await startServer((req, res) => {
      res.writeHead(302, { location: req.url === "/a" ? "/b" : "/a" });
      res.end();
    });
    const error = await failure(fetcher().fetch({ url: `${ts.origin}/a` }));
    expect(error.kind).toBe("redirects");
    expect(error.message).toContain("loop");
    expect(ts.requests).toHaveLength(2);
  });

  it("follows 5 redirects but refuses the 6th", async () => {
    // /0 -> /1 -> ... -> /hops, where /hops answers 200.
    let hops = 5;
    const ts = await startServer((req, res) => {
      const n = Number(req.url!.slice(1));
      if (n < hops) {
        res.writeHead(n % 2 === 0 ? 302 : 303, { location: `/${n + 1}` });
        res.end();
      } else {
        res.writeHead(200);
        res.end(FEED);
      }
    });
    const f = fetcher();
    const five = await f.fetch({ url: `${ts.origin}/0` });
    expect(five).toMatchObject({ status: "ok", finalUrl: `${ts.origin}/5` });

    hops = 6;
    ts.requests.length = 0;
    const error = await failure(f.fetch({ url: `${ts.origin}/0` }));
    expect(error.kind).toBe("redirects");
    expect(error.message).toContain("more than 5");
    expect(ts.requests).toHaveLength(6); // the 6th redirect is never followed
  });

  it("honours a smaller maxRedirects", async () => {
    const ts = await startServer((req, res) => {
      res.writeHead(302, { location: `${req.url}x` });
      res.end();
    });
    const error = await failure(fetcher({ maxRedirects: 1 }).fetch({ url: `${ts.origin}/r` }));
    expect(error.kind).toBe("redirects");
    expect(ts.requests).toHaveLength(2);
  });

  it("refuses a redirect without Location", async () => {
    const ts = await startServer((_req, res) => {
      res.writeHead(302);
      res.end();
    });
    expect((await failure(fetcher().fetch({ url: `${ts.origin}/feed` }))).kind).toBe("redirects");
  });

  it("refuses a redirect to a non-http scheme as blocked", async () => {
    const ts = await startServer((_req, res) => {
      res.writeHead(302, { location: "file:///etc/passwd" });
      res.end();
    });
    expect((await failure(fetcher().fetch({ url: `${ts.origin}/feed` }))).kind).toBe("blocked");
  });

  describe("SSRF guard on redirect hops (allowPrivateHosts: false)", () => {
    const PUBLIC = "93.184.215.14"; // never contacted: the request spy below always dials loopback

    it.each([
      ["a name resolving to a private address", "http://intranet.example/admin", ["wire.example", "intranet.example"]],
      ["a loopback literal", "http://127.0.0.1:9/", ["wire.example"]],
      ["the metadata endpoint", "http://169.254.169.254/latest/meta-data/", ["wire.example"]],
      ["an IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/", ["wire.example"]],
    ])("blocks a redirect to %s before opening a second connection", async (_label, location, resolved) => {
      const ts = await startServer((_req, res) => {
        res.writeHead(302, { location });
        res.end();
      });
      const resolve = vi.fn<Resolver>(async (hostname): Promise<ResolvedAddress[]> =>
        hostname === "wire.example" ? [{ address: PUBLIC, family: 4 }] : [{ address: "10.0.0.7", family: 4 }],
      );
      // Stands in for the network: whatever the fetcher asks for, dial the loopback test server.
      const request = vi.fn<RequestFunction>((options) =>
        http.request({
          host: "127.0.0.1",
          port: ts.port,
          path: options.path ?? "/",
          method: options.method ?? "GET",
          headers: options.headers ?? {},
          agent: false,
        }),
      );
      const error = await failure(
        fetcher({ allowPrivateHosts: false, resolve, request }).fetch({ url: "http://wire.example/feed.xml" }),
      );
      expect(error.kind).toBe("blocked");
      expect(error.message).toContain(new URL(location).host);
      expect(request).toHaveBeenCalledTimes(1); // first hop only
      expect(request.mock.calls[0]![0]).toMatchObject({ host: "wire.example", path: "/feed.xml" });
      expect(resolve.mock.calls.map(([h]) => h)).toEqual(resolved);
      expect(ts.requests).toHaveLength(1);
    });

    it("blocks a loopback feed URL outright without opening a socket", async () => {
      const ts = await startServer((_req, res) => res.end(FEED));
      const request = vi.fn<RequestFunction>(() => {
        throw new Error("must not connect");
      });
      const error = await failure(fetcher({ allowPrivateHosts: false, request }).fetch({ url: `${ts.origin}/feed` }));
      expect(error.kind).toBe("blocked");
      expect(request).not.toHaveBeenCalled();
      expect(ts.connections()).toBe(0);
    });
  });

  it("connects to the resolved address only, keeping the original Host header", async () => {
    const ts = await startServer((req, res) => {
      res.writeHead(200);
      res.end(req.headers.host);
    });
    // No real DNS knows feeds.test: the connection can only succeed through the pinned address.
    const resolve = vi.fn<Resolver>(async () => [{ address: "127.0.0.1", family: 4 }]);
    const result = await fetcher({ resolve }).fetch({ url: `http://feeds.test:${ts.port}/feed` });
    expect(result.status === "ok" && text(result.body)).toBe(`feeds.test:${ts.port}`);
    expect(result.status === "ok" && result.finalUrl).toBe(`http://feeds.test:${ts.port}/feed`);
    expect(resolve).toHaveBeenCalledWith("feeds.test");
  });

  it("sends URL credentials as Basic auth but never puts them in error messages", async () => {
    const ts = await startServer((req, res) => {
      const expected = `Basic ${Buffer.from("reader:s3cret").toString("base64")}`;
      res.writeHead(req.headers.authorization === expected ? 500 : 401);
      res.end();
    });
    const error = await failure(fetcher().fetch({ url: `http://reader:s3cret@127.0.0.1:${ts.port}/feed` }));
    expect(error.httpStatus).toBe(500);
    expect(error.message).not.toContain("s3cret");
    expect(error.message).not.toContain("reader");
  });

  it("maps a refused connection to network", async () => {
    const ts = await startServer(() => {});
    const port = ts.port;
    await new Promise<void>((done) => ts.server.close(() => done()));
    const error = await failure(fetcher().fetch({ url: `http://127.0.0.1:${port}/feed` }));
    expect(error.kind).toBe("network");
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it("maps a connection dropped mid-body to network", async () => {
    const ts = await startServer((req, res) => {
      res.writeHead(200, { "content-length": "100000" });
      res.write(Buffer.alloc(1000, 97), () => req.socket.destroy());
    });
    expect((await failure(fetcher().fetch({ url: `${ts.origin}/feed` }))).kind).toBe("network");
  });

  it("retries once on a fresh connection when a pooled socket turns out to be dead", async () => {
    const perSocket = new WeakMap<Socket, number>();
    const ts = await startServer((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n > 1) {
        req.socket.destroy(); // as if the server had dropped the idle keep-alive connection
        return;
      }
      res.end(FEED);
    });
    const f = fetcher();
    expect((await f.fetch({ url: `${ts.origin}/feed` })).status).toBe("ok");
    expect((await f.fetch({ url: `${ts.origin}/feed` })).status).toBe("ok");
    expect(ts.requests).toHaveLength(3);
    expect(ts.connections()).toBe(2);
  });

  it("reuses keep-alive connections across 1,000 polls", async () => {
    const ts = await startServer((req, res) => {
      if (req.headers["if-none-match"] === '"same"') {
        res.writeHead(304);
        res.end();
        return;
      }
      res.writeHead(200, { etag: '"same"', "content-type": "application/rss+xml" });
      res.end(FEED);
    });
    const f = fetcher();
    const url = `${ts.origin}/feed`;

    // Sequential conditional polls share one connection.
    for (let i = 0; i < 100; i++) {
      const result = await f.fetch({ url, etag: '"same"' });
      expect(result.status).toBe("not-modified");
    }
    expect(ts.connections()).toBe(1);

    // A burst of 1,000 concurrent polls is capped by the agent's socket limit.
    const results = await Promise.all(Array.from({ length: 1_000 }, () => f.fetch({ url })));
    expect(results.every((r) => r.status === "ok")).toBe(true);
    expect(ts.requests).toHaveLength(1_100);
    expect(ts.connections()).toBeLessThanOrEqual(64);
  });
});
