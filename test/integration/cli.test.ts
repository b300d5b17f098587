import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";
import { runCli, startCli } from "../support/run-cli.ts";

/**
 * The CLI as a user drives it: real bin, real DynamoDB Local (the test run's, through
 * DYNAMODB_ENDPOINT, or one the command starts itself under --data-dir), loopback feeds.
 */
let server: FeedServer;
let dir: string;
const items = [{ title: "Initech Health Seeds The CLI Test Feed", link: "https://wire.example/cli-0", pubDate: new Date().toUTCString() }];

beforeAll(async () => {
  server = await startFeedServer();
  server.serveFeed("/cli", () => rss(items));
  server.route("/broken", (_q, res) => res.writeHead(503, { "retry-after": "120" }).end("down"));
  dir = mkdtempSync(join(tmpdir(), "pb-cli-"));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
}

describe("pressbridge CLI", () => {
  it("poll --once --json prints one JSON document with one entry per feed, and releases lists them", async () => {
    const config = writeConfig("ok.json", {
      feeds: [
        { id: "cli-wire", url: `${server.url}/cli` },
        { id: "down-wire", url: `${server.url}/broken` },
      ],
      security: { allowPrivateFeedHosts: true },
    });
    const env = { DYNAMODB_ENDPOINT: inject("dynamoEndpoint"), PRESSBRIDGE_TABLE: `cli-${Date.now()}` };
    const first = await runCli(["poll", "--once", "--json", "--config", config], { env });
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.stdout) as { feeds: Array<Record<string, unknown>> };
    expect(doc.feeds).toHaveLength(2);
    expect(doc.feeds.find((f) => f.id === "cli-wire")).toMatchObject({ status: "ok", httpStatus: 200, itemsSeen: 1, newReleases: 0, error: null });
    expect(doc.feeds.find((f) => f.id === "down-wire")).toMatchObject({ status: "error", httpStatus: 503, itemsSeen: 0, newReleases: 0 });
    expect(String(doc.feeds.find((f) => f.id === "down-wire")!.error)).toMatch(/503/);

    items.push({ title: "Initech Health Announces New Clinic Network", link: "https://wire.example/cli-1", pubDate: new Date().toUTCString() });
    const second = await runCli(["poll", "--once", "--all", "--json", "--config", config], { env });
    const doc2 = JSON.parse(second.stdout) as { feeds: Array<Record<string, unknown>> };
    expect(doc2.feeds.find((f) => f.id === "cli-wire")).toMatchObject({ status: "ok", newReleases: 1 });

    const listed = await runCli(["releases", "--json"], { env });
    expect(listed.code).toBe(0);
    const releases = (JSON.parse(listed.stdout) as { releases: Array<Record<string, unknown>> }).releases;
    expect(releases.map((r) => r.title)).toEqual(["Initech Health Announces New Clinic Network", "Initech Health Seeds The CLI Test Feed"]);
    expect(releases[0]).toMatchObject({ url: "https://wire.example/cli-1", status: "announced", sources: [{ feedId: "cli-wire", url: "https://wire.example/cli-1" }] });
    for (const r of releases) expect(Object.keys(r)).toEqual(expect.arrayContaining(["id", "title", "url", "publishedAt", "detectedAt", "sources"]));

    const human = await runCli(["poll", "--once", "--all", "--config", config], { env });
    expect(human.stdout).toMatch(/cli-wire\s+unchanged/);
    expect(human.stdout).toMatch(/down-wire\s+error\s+503/);
  });

  it("plans amplification for a matching client when a poll detects a release, and lists it with plans --json", async () => {
    const planItems = [{ title: "Seed release on the planning wire", link: "https://www.prnewswire.com/news-releases/plan-0", pubDate: new Date().toUTCString() }];
    server.serveFeed("/plan-wire", () => rss(planItems));
    writeFileSync(join(dir, "journalists.csv"), "Name,Email,Outlet\nAda Reporter,ada@news.example,Daily Ledger\n");
    const config = writeConfig("plans.json", {
      clients: [
        {
          id: "acme",
          name: "Acme Corp",
          owner: "pr@acme.example",
          approvers: ["social@acme.example"],
          channels: ["x", "bluesky", "instagram"],
          adPlatforms: ["linkedin"],
          keywords: ["Acme"],
          mediaList: "journalists.csv",
        },
      ],
      feeds: [{ id: "plan-wire", url: `${server.url}/plan-wire` }],
      security: { allowPrivateFeedHosts: true },
    });
    const env = { DYNAMODB_ENDPOINT: inject("dynamoEndpoint"), PRESSBRIDGE_TABLE: `cli-plans-${Date.now()}` };
    await runCli(["poll", "--once", "--config", config], { env });
    planItems.push({ title: "Acme Corp Opens AI Research Lab in Toronto", link: "https://www.prnewswire.com/news-releases/plan-1", pubDate: new Date().toUTCString() });
    planItems.push({ title: "Unrelated Company Files Annual Report", link: "https://www.prnewswire.com/news-releases/plan-2", pubDate: new Date().toUTCString() });
    const polled = await runCli(["poll", "--once", "--all", "--json", "--config", config], { env });
    expect(JSON.parse(polled.stdout).feeds[0]).toMatchObject({ newReleases: 2 });

    const listed = await runCli(["plans", "--json"], { env });
    expect(listed.code).toBe(0);
    const plans = (JSON.parse(listed.stdout) as { plans: Array<Record<string, any>> }).plans;
    expect(plans).toHaveLength(1);
    const plan = plans[0]!;
    expect(plan).toMatchObject({ clientId: "acme", status: "pending_approval", release: { title: "Acme Corp Opens AI Research Lab in Toronto" } });
    expect(Date.parse(plan.windowDeadline) - Date.parse(plan.release.detectedAt)).toBe(72 * 3600_000);
    expect(plan.drafts.map((d: { channel: string }) => d.channel)).toEqual(["x", "bluesky", "instagram"]);
    expect(plan.drafts.every((d: { text: string }) => d.text.length > 0)).toBe(true);
    expect(plan.briefs).toMatchObject([{ platform: "linkedin", status: "PAUSED", audience: { matchedAudience: { count: 1 } } }]);
    expect(listed.stdout).not.toContain("ada@news.example");

    const releases = JSON.parse((await runCli(["releases", "--json"], { env })).stdout).releases as Array<Record<string, any>>;
    expect(releases.find((r) => r.title.startsWith("Unrelated"))).toMatchObject({ plannedFor: [], planIds: [] });
    expect(releases.find((r) => r.title.startsWith("Acme"))).toMatchObject({ plannedFor: ["acme"], planIds: [plan.id] });

    const human = await runCli(["plans"], { env });
    expect(human.stdout).toMatch(/pending_approval\s+acme/);
    expect(human.stdout).toMatch(/\[x\] Acme Corp Opens AI Research Lab/);
  });

  it("rejects an invalid config naming the field, and bad flags, with non-zero exit codes", async () => {
    const bad = writeConfig("bad.json", { feeds: [{ id: "x", url: "ftp://wire.example/rss" }] });
    const r1 = await runCli(["poll", "--once", "--config", bad]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/feeds\[0\]\.url/);
    expect(r1.stdout).toBe("");

    const typo = writeConfig("typo.json", { feeds: [{ id: "x", url: "https://wire.example/rss", intervalSecond: 60 }] });
    expect((await runCli(["poll", "--once", "--config", typo])).stderr).toMatch(/feeds\[0\].*intervalSecond/);

    const notJson = writeConfig("broken.json", "{ feeds: ");
    expect((await runCli(["poll", "--once", "--config", notJson])).stderr).toMatch(/not valid JSON/);

    const missing = await runCli(["poll", "--once", "--config", join(dir, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no config file/);

    expect((await runCli(["poll", "--config", bad])).stderr).toMatch(/--once/);
    expect((await runCli(["poll", "--once", "--bogus"])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
    expect((await runCli(["releases", "--limit", "zero"])).stderr).toMatch(/--limit/);
  });

  it("explains how to get Java when DynamoDB Local cannot start", async () => {
    const config = writeConfig("java.json", { feeds: [] });
    const r = await runCli(["poll", "--once", "--config", config, "--data-dir", join(dir, "no-java")], {
      env: { PATH: dirname(process.execPath) },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Java 17 or newer/);
    expect(r.stderr).toMatch(/DYNAMODB_ENDPOINT/);
  });

  it("start --demo runs DynamoDB Local under the data dir, detects demo releases, shares its store, and stops on Ctrl-C", async () => {
    const dataDir = join(dir, "demo-data");
    const app = startCli(["start", "--demo", "--data-dir", dataDir], { PRESSBRIDGE_DEMO_INTERVAL_MS: "1500" });
    try {
      await app.waitFor(/first poll, \d+ existing item\(s\) recorded as the baseline/, 90_000);
      await app.waitFor(/new release on demo-wire: .+/, 60_000);
      // Another command on the same data dir uses the running DynamoDB Local.
      const listed = await runCli(["releases", "--json", "--data-dir", dataDir]);
      expect(listed.code).toBe(0);
      const releases = (JSON.parse(listed.stdout) as { releases: Array<{ status: string; sources: Array<{ feedId: string }> }> }).releases;
      expect(releases.some((r) => r.status === "announced")).toBe(true);
      expect(releases.some((r) => r.status === "baseline")).toBe(true);
      expect(releases.every((r) => r.sources[0]?.feedId === "demo-wire")).toBe(true);
      expect(listed.stderr).not.toMatch(/starting DynamoDB Local/);
    } finally {
      const code = await app.stop("SIGINT");
      expect(code).toBe(0);
      expect(app.output()).toMatch(/stopped/);
    }
  });
});
