import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A scriptable loopback HTTP server for feeds: routes by path, records every request. */
export interface FeedServer {
  url: string;
  requests: Array<{ path: string; headers: IncomingMessage["headers"] }>;
  route(path: string, handler: Route): void;
  /** Serves `body` with an ETag and Last-Modified, answering 304 to a matching conditional GET. */
  serveFeed(path: string, body: () => string, options?: { etag?: boolean }): void;
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Route>();
  const requests: FeedServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ path: req.url ?? "", headers: req.headers });
    const handler = routes.get((req.url ?? "").split("?")[0]!);
    if (handler === undefined) {
      res.writeHead(404).end("no route");
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (path, handler) => routes.set(path, handler),
    serveFeed: (path, body, options) => {
      routes.set(path, (req, res) => {
        const text = body();
        const etag = `"${Buffer.from(text).length}-${hash(text)}"`;
        if (options?.etag !== false && req.headers["if-none-match"] === etag) {
          res.writeHead(304, { etag }).end();
          return;
        }
        res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", ...(options?.etag === false ? {} : { etag }) });
        res.end(text);
      });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function hash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

/** A minimal RSS 2.0 document with the given items. */
export function rss(items: Array<{ title: string; link?: string; guid?: string; pubDate?: string; description?: string }>): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Wire</title><link>https://wire.example/</link><description>t</description>
${items
  .map(
    (i) => `<item><title>${esc(i.title)}</title>${i.link ? `<link>${esc(i.link)}</link>` : ""}${i.guid ? `<guid>${esc(i.guid)}</guid>` : ""}${
      i.pubDate ? `<pubDate>${i.pubDate}</pubDate>` : ""
    }<description>${esc(i.description ?? "")}</description></item>`,
  )
  .join("\n")}
</channel></rss>`;
}
