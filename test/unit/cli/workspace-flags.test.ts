import { afterEach, describe, expect, it, vi } from "vitest";
import { ValidationError, parseEntity } from "@pressbridge/core";
import { main } from "../../../packages/cli/src/main.ts";
import { mediaListCsv } from "../../../packages/cli/src/commands/media-list.ts";
import { feedHealth } from "../../../packages/cli/src/commands/feeds.ts";
import { clientInputFromFlags, feedInputFromFlags, flagForField, roleFlag, withFlagNames } from "../../../packages/cli/src/workspace-flags.ts";

describe("workspace flags → use case input", () => {
  it("maps client flags to the client's fields, only those given", () => {
    const input = clientInputFromFlags({
      id: "acme",
      name: "Acme Corp",
      owner: " pr@acme.example ",
      approver: ["a@acme.example", "b@acme.example"],
      keyword: ["Acme"],
      "window-hours": "48",
      channel: ["X", "bluesky"],
      "ad-platform": ["meta"],
      location: ["de", "FR"],
    });
    expect(input).toEqual({
      id: "acme",
      name: "Acme Corp",
      owner: "pr@acme.example",
      approvers: ["a@acme.example", "b@acme.example"],
      keywords: ["Acme"],
      windowHours: 48,
      channels: ["x", "bluesky"],
      adPlatforms: ["meta"],
      adDefaults: { dailyBudget: 50, currency: "USD", flightDays: 5, locations: ["DE", "FR"] },
    });
    expect(clientInputFromFlags({ id: "acme", timezone: "Europe/Berlin" })).toEqual({ id: "acme", timezone: "Europe/Berlin" });
  });

  it("keeps the stored adDefaults when only --location changes", () => {
    const stored = parseEntity("client", { id: "acme", name: "A", owner: "o@a.example", approvers: ["a@a.example"], adDefaults: { dailyBudget: 90, currency: "EUR", flightDays: 3 } });
    expect(clientInputFromFlags({ id: "acme", location: ["DE"] }, stored).adDefaults).toEqual({ dailyBudget: 90, currency: "EUR", flightDays: 3, locations: ["DE"] });
  });

  it("refuses a non-number window or interval naming the flag", () => {
    expect(() => clientInputFromFlags({ "window-hours": "three days" })).toThrow(new ValidationError("--window-hours", 'must be a number, got "three days"'));
    expect(() => feedInputFromFlags({ id: "w", url: "https://w.example/rss", interval: "1.5" })).toThrow(/^--interval: must be a whole number/);
    expect(() => feedInputFromFlags({ url: "https://w.example/rss" })).toThrow(/^--id: is required/);
    expect(feedInputFromFlags({ id: "w", url: "https://w.example/rss", client: "acme", interval: "30" })).toEqual({ id: "w", url: "https://w.example/rss", clientId: "acme", intervalSeconds: 30 });
  });

  it("names flags for the schema's fields", () => {
    expect(flagForField("client", "owner")).toBe("--owner");
    expect(flagForField("client", "approvers[0]")).toBe("--approver");
    expect(flagForField("client", "keywords[2]")).toBe("--keyword");
    expect(flagForField("client", "timezone")).toBe("--timezone");
    expect(flagForField("client", "windowHours")).toBe("--window-hours");
    expect(flagForField("client", "channels[1]")).toBe("--channel");
    expect(flagForField("client", "adPlatforms[0]")).toBe("--ad-platform");
    expect(flagForField("client", "adDefaults.locations[1]")).toBe("--location");
    expect(flagForField("client", "adDefaults.currency")).toBeUndefined();
    expect(flagForField("feed", "clientId")).toBe("--client");
    expect(flagForField("feed", "intervalSeconds")).toBe("--interval");
    expect(flagForField("person", "email")).toBe("--email");
  });

  it("rethrows the schema's ValidationError naming the flag", async () => {
    const invalid = (input: Record<string, unknown>) => withFlagNames("client", async () => parseEntity("client", { id: "acme", name: "A", owner: "o@a.example", approvers: ["a@a.example"], ...input }));
    await expect(invalid({ owner: "nope" })).rejects.toThrow(new ValidationError("--owner", "must be an email address"));
    await expect(invalid({ approvers: ["a@a.example", "bad"] })).rejects.toThrow(/^--approver: must be an email address$/);
    await expect(invalid({ timezone: "Mars/Olympus" })).rejects.toThrow(/^--timezone: must be an IANA time zone/);
    await expect(invalid({ windowHours: -1 })).rejects.toThrow(/^--window-hours: /);
    await expect(invalid({ channels: ["myspace"] })).rejects.toThrow(/^--channel: /);
    await expect(invalid({ adDefaults: { dailyBudget: 1, currency: "USD", flightDays: 1, locations: ["XX"] } })).rejects.toThrow(/^--location: must be an ISO 3166-1/);
    await expect(invalid({ keywords: [""] })).rejects.toThrow(/^--keyword: /);
  });

  it("parses --role", () => {
    expect(roleFlag({ role: "Approver" }, true)).toBe("approver");
    expect(roleFlag({}, false)).toBeUndefined();
    expect(() => roleFlag({}, true)).toThrow(/^--role: is required/);
    expect(() => roleFlag({ role: "owner" }, true)).toThrow('--role: must be one of admin, lead, approver, got "owner"');
  });
});

describe("media list export and feed health", () => {
  it("writes masked emails only, quoting fields with commas", () => {
    const csv = mediaListCsv([{ emailSha256: "ab", maskedEmail: "a•••a@news.example", name: "Ada, Reporter", outlet: "Ledger", xHandle: "ada" }]);
    expect(csv).toBe('name,email,outlet,beat,x_handle\n"Ada, Reporter",a•••a@news.example,Ledger,,ada\n');
  });

  it("tells a failing feed from a healthy and a never polled one", () => {
    expect(feedHealth(undefined).status).toBe("never-polled");
    const base = { feedId: "w", version: 1, etag: null, lastModified: null, bodyHash: null, baselineAt: null, lastAttemptAt: "t", lastSuccessAt: "s", lastChangeAt: null, lastNewItemAt: null, nextPollAt: "n", lastError: null, lastHttpStatus: 200, itemsSeen: 1 };
    expect(feedHealth({ ...base, consecutiveFailures: 0 })).toMatchObject({ status: "ok", lastSuccessAt: "s", nextPollAt: "n" });
    expect(feedHealth({ ...base, consecutiveFailures: 3, lastError: "HTTP 503", lastHttpStatus: 503 })).toMatchObject({ status: "failing", consecutiveFailures: 3, lastError: "HTTP 503" });
  });
});

describe("main: subcommands and positionals", () => {
  let err = "";
  let out = "";
  const capture = () => {
    err = "";
    out = "";
    vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
    vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  };
  afterEach(() => vi.restoreAllMocks());

  it("an unknown or missing subcommand is one line plus the usage, exit 2", async () => {
    capture();
    expect(await main(["clients", "frob"])).toBe(2);
    expect(err.split("\n")[0]).toBe('pressbridge clients: unknown subcommand "frob" (list, add, update, remove)');
    expect(err).toContain("Usage: pressbridge <command>");
    capture();
    expect(await main(["media-list"])).toBe(2);
    expect(err.split("\n")[0]).toBe("pressbridge media-list: a subcommand is required (import, show, export, delete)");
    capture();
    expect(await main(["clients", "toString"])).toBe(2);
  });

  it("takes positionals only where the command has them, and requires them", async () => {
    capture();
    expect(await main(["config", "import"])).toBe(2);
    expect(err).toBe("pressbridge config import: FILE is required\n");
    capture();
    expect(await main(["config", "import", "a.json", "b.json"])).toBe(2);
    expect(err).toBe('pressbridge config import: takes only FILE; unexpected "b.json"\n');
    capture();
    expect(await main(["clients", "list", "extra"])).toBe(2);
    expect(err).toMatch(/^pressbridge clients list: .*extra/);
    capture();
    expect(await main(["clients", "add", "--frob", "x"])).toBe(2);
    expect(err).toMatch(/^pressbridge clients add: Unknown option '--frob'/);
  });

  it("prints the usage for help of a group and of a subcommand", async () => {
    capture();
    expect(await main(["people", "--help"])).toBe(0);
    expect(out).toContain("people add --email EMAIL --role admin|lead|approver");
    capture();
    expect(await main(["media-list", "import", "--help"])).toBe(0);
    expect(out).toContain("media-list import --client ID FILE.csv");
  });

  it("validation errors before any store is opened name the flag and exit 2", async () => {
    capture();
    expect(await main(["clients", "add", "--id", "acme", "--name", "Acme", "--owner", "pr@acme.example"])).toBe(2);
    expect(err).toBe("pressbridge clients add: --approver: is required (at least one email the approval emails go to)\n");
    capture();
    expect(await main(["people", "add", "--email", "a@b.example", "--role", "boss"])).toBe(2);
    expect(err).toMatch(/--role: must be one of admin, lead, approver/);
    capture();
    expect(await main(["plan"])).toBe(2);
    expect(err).toMatch(/^pressbridge plan: --release: is required/);
  });
});
