/**
 * Synthetic newswire feeds for the benchmark, shaped like PR Newswire's RSS (namespaces on <rss>,
 * dc:contributor issuer, prn:industry, a numeric release id in the link, an HTML description in
 * CDATA cut at about 400 characters). Content is a pure function of (scenario, feed, generation), so
 * the feed server process and the benchmark agree on it without sharing state.
 *
 * Generation 0 holds `baselineItems` older items (the feed as first seen); each later generation adds
 * `newPerGeneration` items on top, published at the generation's time. A document lists the newest
 * `window` items, newest first, like a wire's "latest news" feed.
 */

export interface ScenarioSpec {
  /** Short id, [a-z0-9-]; part of every URL, title and link, so scenarios never share releases. */
  scenario: string;
  feeds: number;
  baselineItems: number;
  newPerGeneration: number;
  /** Items listed per document. */
  window: number;
}

const ISSUERS = [
  "Acme Robotics",
  "Northwind Health",
  "Globex Energy",
  "Initech Software",
  "Umbrella Biosciences",
  "Stark Mobility",
  "Wayne Logistics",
  "Hooli Cloud",
  "Cyberdyne Systems",
  "Soylent Foods",
  "Tyrell Semiconductors",
  "Wonka Consumer Brands",
];
const TOPICS = [
  "Announces Third Quarter Results and Raises Full-Year Outlook",
  "Launches Next-Generation Platform for Enterprise Customers",
  "Completes Acquisition to Expand Presence in Key Markets",
  "Appoints Chief Financial Officer to Lead Next Phase of Growth",
  "Unveils Sustainability Report Highlighting Emissions Progress",
  "Receives Regulatory Approval for Flagship Product",
  "Partners With Leading Retailer on Nationwide Rollout",
  "Prices Offering of Senior Notes Due 2031",
];
const CITIES = ["NEW YORK", "SAN FRANCISCO", "CHICAGO", "BOSTON", "AUSTIN", "LONDON", "TORONTO", "SEATTLE"];
const INDUSTRIES = ["Computer & Electronics", "Health Care & Hospitals", "Utilities", "Financial Services", "Retail", "Transportation"];
const SUBJECTS = ["ERN", "PDT", "ACQ", "PER", "ENI", "FDA"];
const TICKERS = ["NYSE", "NASDAQ"];

const MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];

function pick<T>(list: readonly T[], n: number): T {
  return list[n % list.length]!;
}

/** A stable numeric id for an item, like PR Newswire's 9-digit release ids. */
function releaseNumber(scenario: string, feed: number, seq: number): number {
  let h = 2166136261;
  for (let i = 0; i < scenario.length; i++) h = Math.imul(h ^ scenario.charCodeAt(i), 16777619);
  return 300_000_000 + (((h >>> 0) % 1000) * 1_000_000 + feed * 10_000 + seq) % 100_000_000;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export interface WireItem {
  title: string;
  link: string;
  issuer: string;
  pubDate: Date;
  descriptionHtml: string;
  industry: string;
  subject: string;
}

/** The item `seq` of feed `feed` of a scenario. */
export function wireItem(scenario: string, feed: number, seq: number, pubDate: Date): WireItem {
  const n = feed * 7919 + seq;
  const issuer = pick(ISSUERS, n);
  const topic = pick(TOPICS, n >> 1);
  const ticker = `${pick(TICKERS, n)}: ${issuer.slice(0, 3).toUpperCase()}${String.fromCharCode(65 + (n % 26))}`;
  const city = pick(CITIES, n >> 2);
  const id = releaseNumber(scenario, feed, seq);
  // Unique words keep every headline's fingerprint distinct (the fingerprint drops punctuation only).
  const title = `${issuer} ${topic} (Program ${scenario} ${feed} ${seq})`;
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  const dateline = `${city}, ${MONTHS[pubDate.getUTCMonth()]} ${pubDate.getUTCDate()}, ${pubDate.getUTCFullYear()} /PRNewswire/ --`;
  const body =
    `${issuer} (${ticker}) today announced a milestone for its ${topic.toLowerCase()} program, ` +
    `reflecting continued demand from customers across North America, Europe and Asia-Pacific. ` +
    `"This is an important step for our teams and partners," said the company's chief executive. ` +
    `The company will discuss the update on a conference call with analysts and investors...`;
  return {
    title,
    link: `https://www.prnewswire.com/news-releases/${slug}-${id}.html`,
    issuer: `${issuer}, Inc.`,
    pubDate,
    descriptionHtml: `<p>${esc(dateline)} ${esc(body)}</p>`,
    industry: pick(INDUSTRIES, n),
    subject: pick(SUBJECTS, n),
  };
}

function itemXml(item: WireItem): string {
  return (
    `<item><title>${esc(item.title)}</title><link>${esc(item.link)}</link><guid>${esc(item.link)}</guid>` +
    `<pubDate>${item.pubDate.toUTCString()}</pubDate>` +
    `<dc:contributor><![CDATA[${item.issuer}]]></dc:contributor>` +
    `<prn:industry>${esc(item.industry)}</prn:industry><dc:subject>${item.subject}</dc:subject>` +
    `<description><![CDATA[${item.descriptionHtml}]]></description></item>`
  );
}

/** Publication time of item `seq` given the generation start times (ms since epoch, index = generation). */
function itemTime(spec: ScenarioSpec, seq: number, generationTimes: readonly number[]): Date {
  if (seq < spec.baselineItems) {
    // Older items: two hours and more before the first generation, one minute apart.
    return new Date(generationTimes[0]! - 2 * 3600_000 - (spec.baselineItems - seq) * 60_000);
  }
  const generation = 1 + Math.floor((seq - spec.baselineItems) / spec.newPerGeneration);
  return new Date(generationTimes[generation] ?? generationTimes[generationTimes.length - 1]!);
}

/** Number of items that exist at a generation. */
export function itemsAt(spec: ScenarioSpec, generation: number): number {
  return spec.baselineItems + generation * spec.newPerGeneration;
}

/** The RSS 2.0 document of one feed at one generation. */
export function feedDocument(spec: ScenarioSpec, feed: number, generation: number, generationTimes: readonly number[]): string {
  const total = itemsAt(spec, generation);
  const first = Math.max(0, total - spec.window);
  const items: string[] = [];
  for (let seq = total - 1; seq >= first; seq--) {
    items.push(itemXml(wireItem(spec.scenario, feed, seq, itemTime(spec, seq, generationTimes))));
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:prn="http://www.prnewswire.com/rss/" version="2.0"><channel>` +
    `<link>https://www.prnewswire.com/</link><title>PR Newswire: bench ${esc(spec.scenario)} ${feed}</title>` +
    `<description>News releases</description><language>en-us</language>` +
    items.join("") +
    `</channel></rss>`
  );
}

/** The path a feed is served at. */
export function feedPath(scenario: string, feed: number): string {
  return `/f/${scenario}/${feed}`;
}
