import { describe, expect, it } from "vitest";
import { ClientConfig, keywordMatches } from "@pressbridge/core";
import {
  ACME,
  ACME_EVERY,
  LARGEST_SLOT_PRODUCT,
  OTHER_COMPANIES,
  TEMPLATE_COUNT,
  TITLES_PER_COMPANY_TEMPLATE,
  demoRelease,
} from "../../../packages/cli/src/demo/demo-releases.ts";
import { startDemoWire } from "../../../packages/cli/src/demo/demo-wire.ts";

/** The demo client of `start --demo` (packages/cli/src/commands/start.ts) matches on "Acme". */
const demoClient = ClientConfig.parse({ id: "acme", name: "Acme Corp", owner: "pr-lead@acme.example", approvers: ["social@acme.example"], keywords: ["Acme"] });

const matchesAcme = (n: number): boolean => {
  const r = demoRelease(n);
  return keywordMatches(demoClient, { title: r.title, summary: r.text, issuer: r.company.name }).length > 0;
};

describe("demo releases", () => {
  it("gives no two of the first 10,000 releases the same title", () => {
    const titles = new Set<string>();
    for (let n = 0; n < 10_000; n++) titles.add(demoRelease(n).title);
    expect(titles.size).toBe(10_000);
  });

  it("keeps titles unique for days at the demo's 10 s interval (the Acme stream's horizon)", () => {
    const horizon = ACME_EVERY * TEMPLATE_COUNT * TITLES_PER_COMPANY_TEMPLATE;
    expect(horizon * 10).toBeGreaterThan(7 * 24 * 3600);
    const titles = new Set<string>();
    for (let n = 0; n < horizon; n++) titles.add(demoRelease(n).title);
    expect(titles.size).toBe(horizon);
    // The slot bijection needs its stride coprime to every slot product (a prime above them all).
    expect(LARGEST_SLOT_PRODUCT).toBeLessThan(7919);
  });

  it("is deterministic: release n is always the same", () => {
    for (const n of [0, 1, 17, 4_321, 99_999]) expect(demoRelease(n)).toEqual(demoRelease(n));
  });

  it("mentions Acme in every ACME_EVERY-th release, and no other release matches the demo client", () => {
    for (let n = 0; n < 2_000; n++) expect(matchesAcme(n), `release ${n}: ${demoRelease(n).title}`).toBe(n % ACME_EVERY === 0);
    expect(demoRelease(0).company).toBe(ACME);
  });

  it("varies company, kind of story and figures from one release to the next", () => {
    const window = Array.from({ length: 60 }, (_, n) => demoRelease(n));
    expect(new Set(window.map((r) => r.company.name)).size).toBe(OTHER_COMPANIES.length + 1);
    // Kinds of story: the title with the company name taken out, up to its first figure or place.
    const verbs = new Set(window.map((r) => r.title.slice(r.company.name.length).split(" ").slice(0, 2).join(" ")));
    expect(verbs.size).toBeGreaterThanOrEqual(12);
    for (let n = 1; n < 500; n++) expect(demoRelease(n).title.slice(0, 30)).not.toBe(demoRelease(n - 1).title.slice(0, 30));
    // Later releases are as varied as the first ones: a window days in.
    const later = Array.from({ length: 60 }, (_, i) => demoRelease(50_000 + i).title);
    expect(new Set(later).size).toBe(60);
    for (const r of window) {
      expect(r.text.length).toBeGreaterThan(80);
      expect(r.text).toContain(r.company.name);
    }
  });
});

describe("startDemoWire", () => {
  it("serves the newest releases as RSS and keeps publishing new ones", async () => {
    const wire = await startDemoWire({ intervalMs: 3_600_000, initialItems: 3, now: () => new Date("2026-09-12T10:00:00Z") });
    try {
      const published = Array.from({ length: 40 }, () => wire.publishNext());
      expect(new Set(published).size).toBe(40);
      const body = await (await fetch(wire.url)).text();
      const titles = [...body.matchAll(/<title>(.*?)<\/title>/g)].map((m) => m[1]);
      // The channel title, then the 20 newest items, newest first.
      expect(titles).toHaveLength(21);
      const escaped = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
      expect(titles[1]).toBe(escaped(published.at(-1)!));
      expect(body).toContain("/Demo Wire/ -- ");
    } finally {
      await wire.close();
    }
  });
});
