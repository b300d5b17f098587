import { describe, expect, it } from "vitest";
import { ValidationError, parseConfig } from "@pressbridge/core";

const client = { id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"] };

function fieldOf(input: unknown): string {
  try {
    parseConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).field;
  }
  throw new Error("expected the config to be rejected");
}

describe("parseConfig", () => {
  it("applies the documented defaults", () => {
    const cfg = parseConfig({ clients: [client], feeds: [{ id: "acme-prn", url: "https://wire.example/rss", clientId: "acme" }] });
    expect(cfg.clients[0]).toMatchObject({ windowHours: 72, timezone: "UTC", adDefaults: { dailyBudget: 50, currency: "USD", flightDays: 5 } });
    expect(cfg.feeds[0]).toMatchObject({ intervalSeconds: 60, enabled: true });
    expect(cfg.security.allowPrivateFeedHosts).toBe(false);
  });

  it.each([
    [{ feeds: [{ id: "a", url: "ftp://x.example/rss" }] }, "feeds[0].url"],
    [{ feeds: [{ id: "a", url: "https://x.example/rss", intervalSeconds: 1 }] }, "feeds[0].intervalSeconds"],
    [{ feeds: [{ id: "A B", url: "https://x.example/rss" }] }, "feeds[0].id"],
    [{ feeds: [{ id: "a", url: "https://x.example/rss", clientId: "ghost" }] }, "feeds[0].clientId"],
    [{ feeds: [{ id: "a", url: "https://x.example/1" }, { id: "a", url: "https://x.example/2" }] }, "feeds[1].id"],
    [{ clients: [{ ...client, timezone: "Mars/Olympus" }] }, "clients[0].timezone"],
    [{ clients: [{ ...client, approvers: [] }] }, "clients[0].approvers"],
    [{ clients: [{ ...client, owner: "not-an-email" }] }, "clients[0].owner"],
    [{ clients: [{ ...client, trendHashtags: ["AI"] }] }, "clients[0].trendHashtags[0]"],
    [{ clients: [{ ...client, adDefaults: { dailyBudget: 10, currency: "usd", flightDays: 5 } }] }, "clients[0].adDefaults.currency"],
    [{ clients: [client], feedz: [] }, "(root)"],
  ])("names the bad field %#", (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });
});
