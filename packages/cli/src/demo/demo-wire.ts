import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { demoRelease } from "./demo-releases.ts";

/**
 * A demo newswire on loopback for `pressbridge start --demo`: an RSS 2.0 feed that gains a new,
 * realistic press release every few seconds, for as long as it runs (demo-releases.ts: none repeats
 * within days). It honours conditional GET (ETag/Last-Modified) like a real wire, so the poller's
 * "unchanged" path is exercised too.
 */
export interface DemoWire {
  url: string;
  /** Adds the next release now (the timer also does this); returns its title. */
  publishNext(): string;
  close(): Promise<void>;
}

interface DemoItem {
  title: string;
  link: string;
  guid: string;
  pubDate: string;
  description: string;
  contributor: string;
  ticker: string;
}

/** Items the feed shows, newest first; older ones are dropped (a wire's feed is a window too). */
const FEED_ITEMS = 20;

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export async function startDemoWire(options: { intervalMs?: number; now?: () => Date; initialItems?: number } = {}): Promise<DemoWire> {
  const now = options.now ?? (() => new Date());
  const items: DemoItem[] = [];
  let counter = 0;
  const runId = randomBytes(3).toString("hex");
  let body = "";
  let etag = "";
  let lastModified = "";
  let url = "";

  const render = (): void => {
    const xmlItems = items
      .slice(-FEED_ITEMS)
      .reverse()
      .map(
        (i) => `    <item>
      <title>${escapeXml(i.title)}</title>
      <link>${escapeXml(i.link)}</link>
      <guid isPermaLink="true">${escapeXml(i.guid)}</guid>
      <pubDate>${i.pubDate}</pubDate>
      <dc:contributor>${escapeXml(i.contributor)}</dc:contributor>
      <category domain="https://demo-wire.example/rss/stock">${escapeXml(i.ticker)}</category>
      <description><![CDATA[<p>${escapeXml(i.description)}</p>]]></description>
    </item>`,
      )
      .join("\n");
    body = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Demo Wire - All News</title>
    <link>${escapeXml(url)}</link>
    <description>A demo newswire served by pressbridge start --demo</description>
    <language>en-us</language>
${xmlItems}
  </channel>
</rss>
`;
    etag = `"${createHash("sha1").update(body).digest("hex").slice(0, 16)}"`;
    lastModified = now().toUTCString();
  };

  const publishNext = (): string => {
    const { title, text, company } = demoRelease(counter);
    const n = ++counter;
    const at = now();
    const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 80);
    // Links use example.com (reserved for examples, RFC 2606) so they look like real release URLs
    // to the X/Bluesky link rules, which do not treat a loopback address as a link.
    // The run id keeps releases of a restarted demo distinct from those already stored.
    const link = `https://newsroom.example.com/news/${at.toISOString().slice(0, 10)}/${slug}-${runId}${1000 + n}.html`;
    items.push({
      title,
      link,
      guid: link,
      pubDate: at.toUTCString(),
      description: `${company.dateline}, ${at.toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" })} /Demo Wire/ -- ${text}`,
      contributor: company.name,
      ticker: company.ticker,
    });
    if (items.length > FEED_ITEMS) items.splice(0, items.length - FEED_ITEMS);
    render();
    return title;
  };

  const server: Server = createServer((req, res) => {
    if (req.url !== "/rss" && req.url !== "/rss.xml") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag, "last-modified": lastModified }).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", etag, "last-modified": lastModified });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < (options.initialItems ?? 3); i++) publishNext();
  const timer = setInterval(publishNext, options.intervalMs ?? 10_000);
  timer.unref();
  return {
    url: `${url}/rss`,
    publishNext,
    close: async () => {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
