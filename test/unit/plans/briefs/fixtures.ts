import { ClientConfig } from "../../../../packages/core/src/config/config-schema.ts";
import type { PlanRelease } from "../../../../packages/core/src/plans/plan.ts";

/** A valid client config, through the real schema (so defaults are the real defaults). */
export function makeClient(overrides: Record<string, unknown> = {}): ClientConfig {
  return ClientConfig.parse({
    id: "acme",
    name: "Acme Corp",
    owner: "pr-lead@acme.example",
    approvers: ["social@acme.example"],
    adPlatforms: ["linkedin", "meta", "x"],
    ...overrides,
  });
}

export function makeRelease(overrides: Partial<PlanRelease> = {}): PlanRelease {
  return {
    id: "rel-1",
    title: "Achieve Publishes New Online Guidance for Freedom Debt Relief and Achieve Customers",
    summary:
      "SAN MATEO, Calif., Sept. 11, 2026 /PRNewswire/ -- Today, Achieve announced the publication of a new online resource designed to provide proactive, transparent customer guidance. As part of a broader financial wellness ecosystem, this newly launched initiative helps consumers understand...",
    url: "https://www.prnewswire.com/news-releases/achieve-publishes-new-online-guidance-302876793.html",
    wire: "PR Newswire",
    issuer: "Achieve",
    tickers: [],
    language: "en",
    // As in test/fixtures/real-feeds/prnewswire-financial-services-excerpt-annotated.xml (the CDATA there
    // carries a literal "&amp;").
    industries: ["Financial Technology", "Banking &amp; Financial Services", "FIN"],
    subjects: ["Joint Ventures ", "JVN"],
    keywords: [],
    publishedAt: "2026-09-12T02:28:00.000Z",
    detectedAt: "2026-09-12T02:29:00.000Z",
    ...overrides,
  };
}
