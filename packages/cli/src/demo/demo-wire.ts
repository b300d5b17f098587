import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";

/**
 * A demo newswire on loopback for `pressbridge start --demo`: an RSS 2.0 feed that gains a new,
 * realistic press release every few seconds. It honours conditional GET (ETag/Last-Modified) like a
 * real wire, so the poller's "unchanged" path is exercised too.
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

const COMPANIES = [
  { name: "Acme Corp", ticker: "NYSE:ACME", city: "NEW YORK" },
  { name: "Globex Robotics", ticker: "Nasdaq:GBXR", city: "SAN JOSE, Calif." },
  { name: "Initech Health", ticker: "Nasdaq:INTH", city: "BOSTON" },
  { name: "Umbrella Energy", ticker: "NYSE:UMBE", city: "HOUSTON" },
];

const STORIES = [
  (c: string) => [`${c} Launches AI-Powered Supply Chain Platform for Mid-Market Manufacturers`, `${c} today announced the general availability of its AI-powered supply chain platform, cutting planning time by 40% in early deployments. "Our customers asked for foresight, not dashboards," said the company's chief executive.`],
  (c: string) => [`${c} Reports Record Third-Quarter Revenue, Raises Full-Year Outlook`, `${c} reported third-quarter revenue of $412 million, up 18% year over year, and raised its full-year guidance on strong demand for its cloud services.`],
  (c: string) => [`${c} Publishes 2026 Industry Benchmark Report on Enterprise Automation`, `${c} released its annual benchmark report surveying 1,200 operations leaders; 63% plan to double automation budgets in 2027. The full white paper is available for download.`],
  (c: string) => [`${c} Appoints Former Regulator as Chief Compliance Officer`, `${c} named a former federal regulator as chief compliance officer, effective immediately, to lead its expansion into regulated markets.`],
  (c: string) => [`${c} and Northwind Partner to Bring Net-Zero Data Centers to Europe`, `${c} and Northwind announced a multi-year partnership to build three net-zero data centers in Europe, with the first site opening in 2027.`],
];

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
      .slice(-20)
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
    const company = COMPANIES[counter % COMPANIES.length]!;
    const story = STORIES[Math.floor(counter / COMPANIES.length) % STORIES.length]!;
    const [title, text] = story(company.name);
    const n = ++counter;
    const at = now();
    const slug = title!.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 80);
    // Links use example.com (reserved for examples, RFC 2606) so they look like real release URLs
    // to the X/Bluesky link rules, which do not treat a loopback address as a link.
    // The run id keeps releases of a restarted demo distinct from those already stored.
    const link = `https://newsroom.example.com/news/${at.toISOString().slice(0, 10)}/${slug}-${runId}${1000 + n}.html`;
    items.push({
      title: title!,
      link,
      guid: link,
      pubDate: at.toUTCString(),
      description: `${company.city}, ${at.toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" })} /Demo Wire/ -- ${text}`,
      contributor: company.name,
      ticker: company.ticker,
    });
    render();
    return title!;
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
