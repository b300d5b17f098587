import { describe, expect, it } from "vitest";
import { AD_PLATFORMS, CHANNELS, ClientConfig, FALLBACK_AD_COUNTRY, ValidationError, countryOfTimeZone, parseConfig } from "@pressbridge/core";

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
    [{ clients: [{ ...client, adDefaults: { dailyBudget: 10, currency: "EUR", flightDays: 5, locations: ["de"] } }] }, "clients[0].adDefaults.locations[0]"],
    [{ clients: [{ ...client, adDefaults: { dailyBudget: 10, currency: "EUR", flightDays: 5, locations: ["DE", "ZZ"] } }] }, "clients[0].adDefaults.locations[1]"],
    [{ clients: [{ ...client, adDefaults: { dailyBudget: 10, currency: "EUR", flightDays: 5, locations: ["EU"] } }] }, "clients[0].adDefaults.locations[0]"],
    [{ clients: [{ ...client, adDefaults: { dailyBudget: 10, currency: "EUR", flightDays: 5, locations: ["DEU"] } }] }, "clients[0].adDefaults.locations[0]"],
    [{ clients: [{ ...client, adDefaults: { dailyBudget: 10, currency: "EUR", flightDays: 5, locations: [] } }] }, "clients[0].adDefaults.locations"],
    [{ clients: [{ ...client, adDefaults: { dailyBudget: 10, currency: "EUR", flightDays: 5, locations: Array(51).fill("DE") } }] }, "clients[0].adDefaults.locations"],
    [{ clients: [client], feedz: [] }, "(root)"],
  ])("names the bad field %#", (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });
});

describe("client defaults", () => {
  it("gives a client without channels or adPlatforms every channel and every ad platform", () => {
    const parsed = ClientConfig.parse(client);
    expect(parsed.channels).toEqual(["x", "linkedin", "facebook", "instagram", "bluesky", "threads"]);
    expect(parsed.adPlatforms).toEqual(["linkedin", "meta", "x"]);
    expect([...CHANNELS]).toEqual(parsed.channels);
    expect([...AD_PLATFORMS]).toEqual(parsed.adPlatforms);
    // Each client its own list: changing one parse result leaves the next one whole.
    parsed.channels.pop();
    expect(ClientConfig.parse(client).channels).toHaveLength(6);
  });

  it("keeps an explicit list, even an empty one (a client that only wants drafts, or only briefs)", () => {
    expect(ClientConfig.parse({ ...client, channels: ["linkedin"], adPlatforms: [] })).toMatchObject({ channels: ["linkedin"], adPlatforms: [] });
  });

  it.each([
    ["America/New_York", "US"],
    ["Europe/Berlin", "DE"],
    ["Asia/Tokyo", "JP"],
    ["Europe/London", "GB"],
    ["Europe/Zurich", "CH"],
    ["Europe/Oslo", "NO"],
    ["Asia/Calcutta", "IN"],
    ["US/Pacific", "US"],
    ["america/sao_paulo", "BR"],
  ])("defaults adDefaults.locations from the time zone's country: %s -> %s", (timezone, country) => {
    expect(ClientConfig.parse({ ...client, timezone }).adDefaults.locations).toEqual([country]);
    // Also when adDefaults is given without locations.
    const adDefaults = { dailyBudget: 20, currency: "EUR", flightDays: 3 };
    expect(ClientConfig.parse({ ...client, timezone, adDefaults }).adDefaults).toEqual({ ...adDefaults, locations: [country] });
  });

  it.each(["UTC", "Etc/UTC", "Etc/GMT+5"])("falls back to %s -> US for a zone of no country", (timezone) => {
    expect(FALLBACK_AD_COUNTRY).toBe("US");
    expect(countryOfTimeZone(timezone)).toBeUndefined();
    expect(ClientConfig.parse({ ...client, timezone }).adDefaults.locations).toEqual(["US"]);
    expect(ClientConfig.parse(client).adDefaults.locations).toEqual(["US"]);
  });

  it("keeps configured locations over the time zone's, each once, in order", () => {
    const adDefaults = { dailyBudget: 20, currency: "EUR", flightDays: 3, locations: ["AT", "DE", "AT", "CH", "DE"] };
    expect(ClientConfig.parse({ ...client, timezone: "Asia/Tokyo", adDefaults }).adDefaults.locations).toEqual(["AT", "DE", "CH"]);
  });

  it("parses its own output again to the same value (config export, then import)", () => {
    const once = ClientConfig.parse({ ...client, timezone: "Europe/Berlin" });
    expect(ClientConfig.parse(once)).toEqual(once);
  });
});
