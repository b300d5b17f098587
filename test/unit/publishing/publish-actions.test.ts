import { describe, expect, it } from "vitest";
import { adCampaignName, publishActionsFor, type AdBrief, type AmplificationPlan } from "@pressbridge/core";
import { briefFor } from "../../integration/publishers/fakes/briefs.ts";

function plan(overrides: Partial<AmplificationPlan<AdBrief>> = {}): AmplificationPlan<AdBrief> {
  return {
    id: "p_abcdefghijklmnopqrstuv", releaseId: "r1", clientId: "acme", clientName: "Acme", status: "approved", createdAt: "2026-11-21T12:00:00.000Z",
    windowDeadline: "2026-11-24T12:00:00.000Z", windowHours: 72, timezone: "UTC", owner: "pr@acme.example", approvers: ["a@acme.example"],
    match: { reason: "keyword", matched: [] },
    release: { title: "Acme Corp Launches the Payments Cloud for Community Banks Across North America Today", url: null, wire: "PR Newswire", issuer: null, tickers: [], language: "en", detectedAt: "2026-11-21T12:00:00.000Z", publishedAt: null },
    campaign: "c",
    drafts: [
      { channel: "x", text: "X text", link: "https://acme.example/?utm_source=x", facets: [], hashtags: [], cashtags: [], length: { unit: "weighted", value: 6, limit: 280 }, version: 3 },
      { channel: "bluesky", text: "Sky text", link: null, facets: [], hashtags: [], cashtags: [], length: { unit: "graphemes", value: 8, limit: 300 }, version: 1 },
    ],
    skipped: [],
    briefs: [briefFor("meta"), briefFor("linkedin")],
    decision: { action: "approved", by: "a@acme.example", at: "2026-11-21T13:00:00.000Z", linkId: "l", draftVersions: { x: 3, bluesky: 1 }, comment: null },
    announce: "announced",
    announceLeaseUntil: null,
    ...overrides,
  };
}

describe("publishActionsFor", () => {
  it("derives one post per approved draft (keyed by its approved version) and one paused ad per brief, posts first", () => {
    const actions = publishActionsFor(plan());
    expect(actions.map((a) => a.key)).toEqual([
      "p_abcdefghijklmnopqrstuv:post:x:v3",
      "p_abcdefghijklmnopqrstuv:post:bluesky:v1",
      "p_abcdefghijklmnopqrstuv:ad:meta",
      "p_abcdefghijklmnopqrstuv:ad:linkedin",
    ]);
    expect(actions[0]).toMatchObject({ kind: "organic-post", channel: "x", text: "X text", link: "https://acme.example/?utm_source=x" });
    expect(actions[2]).toMatchObject({ kind: "paused-ad", platform: "meta", brief: briefFor("meta") });
  });

  it("is deterministic, so every redelivery maps to the same actions", () => {
    expect(publishActionsFor(plan())).toEqual(publishActionsFor(plan()));
  });

  it("names campaigns by the start of the title and the action key, so a retry can find them by name", () => {
    const name = adCampaignName(plan(), "meta");
    expect(name).toBe("Acme Corp Launches the Payments Cloud for Communi… [p_abcdefghijklmnopqrstuv:ad:meta]");
    expect(adCampaignName(plan({ release: { ...plan().release, title: "Short  title\n" } }), "x")).toBe("Short title [p_abcdefghijklmnopqrstuv:ad:x]");
    // Never cuts a surrogate pair in half.
    const emoji = adCampaignName(plan({ release: { ...plan().release, title: "🚀".repeat(60) } }), "x");
    expect(emoji.startsWith("🚀".repeat(49) + "…")).toBe(true);
  });
});
