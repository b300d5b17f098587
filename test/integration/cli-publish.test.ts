import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DynamoApprovalStore, DynamoPlanStore, createDynamoClient } from "@pressbridge/adapters";
import { makeEvent, proposeSchedule, wireTimeOf } from "@pressbridge/core";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";
import { runCli } from "../support/run-cli.ts";
import { startContractServer, type ContractServer } from "./publishers/fakes/fake-kit.ts";
import { xFake, type XFake } from "./publishers/fakes/x-fake.ts";

/**
 * `pressbridge publish` as an operator uses it: a plan planned by `poll`, approved, then published
 * with X credentials from PRESSBRIDGE_CREDENTIALS against a loopback X (the other channels are dry
 * runs); a revoked token fails X alone, and --retry-failed publishes it after the token is renewed.
 */
let feeds: FeedServer;
let x: XFake;
let xServer: ContractServer;
let dir: string;

beforeAll(async () => {
  feeds = await startFeedServer();
  x = xFake();
  xServer = await startContractServer(x.handler);
  dir = mkdtempSync(join(tmpdir(), "pb-cli-publish-"));
});
afterAll(async () => {
  expect(xServer.violations).toEqual([]);
  await xServer.close();
  await feeds.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("pressbridge publish", () => {
  it("publishes an approved plan with the client's credentials, dry-runs the rest, and retries a failure on request", async () => {
    const items = [{ title: "Seed release", link: "https://www.prnewswire.com/news-releases/pub-0", pubDate: new Date().toUTCString() }];
    feeds.serveFeed("/wire", () => rss(items));
    const config = join(dir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"], channels: ["x", "linkedin"], adPlatforms: ["x"], keywords: ["Acme"] }],
        feeds: [{ id: "wire", url: `${feeds.url}/wire` }],
        security: { allowPrivateFeedHosts: true },
      }),
    );
    const dataDir = join(dir, "data");
    const table = `cli-pub-${Date.now()}`;
    const env = {
      DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
      PRESSBRIDGE_TABLE: table,
      PRESSBRIDGE_CREDENTIALS: JSON.stringify({
        acme: {
          x: {
            consumerKey: x.secrets.consumerKey,
            consumerSecret: x.secrets.consumerSecret,
            accessToken: x.secrets.token,
            accessTokenSecret: x.secrets.tokenSecret,
            adsAccountId: x.accountId,
            fundingInstrumentId: x.fundingInstrumentId,
          },
        },
      }),
      PRESSBRIDGE_PLATFORM_BASE_URLS: JSON.stringify({ x: xServer.url, xAds: xServer.url }),
    };
    const common = ["--config", config, "--data-dir", dataDir];
    await runCli(["poll", "--once", ...common], { env });
    items.push({ title: "Acme Corp Opens Payments Lab in Austin", link: "https://www.prnewswire.com/news-releases/pub-1", pubDate: new Date().toUTCString() });
    await runCli(["poll", "--once", "--all", ...common], { env });
    const planId = (JSON.parse((await runCli(["plans", "--json", ...common], { env })).stdout) as { plans: Array<{ id: string }> }).plans[0]!.id;

    const notYet = await runCli(["publish", "--plan", planId, ...common], { env });
    expect(notYet.code).toBe(2); // bad input, as for every command
    expect(notYet.stderr).toMatch(/is not approved/);

    // The approver's decision, as the review page makes it.
    const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
    const plans = new DynamoPlanStore({ client, tableName: table });
    const plan = (await plans.getPlan(planId))!;
    const at = new Date().toISOString();
    const versions = Object.fromEntries(plan.drafts.map((d) => [d.channel, d.version]));
    const decision = { action: "approved" as const, by: "social@acme.example", at, linkId: "l1", draftVersions: versions, comment: null };
    const event = makeEvent("AmplificationApproved", `amplification-decided:${planId}`, { version: 1, planId, releaseId: plan.releaseId, clientId: "acme", decidedBy: decision.by, decidedAt: at, draftVersions: versions, linkId: "l1", comment: null }, at);
    await new DynamoApprovalStore({ client, tableName: table }).decide(planId, decision, plan.drafts.map((d, index) => ({ index, version: d.version })), { planId, at, by: decision.by, action: "approved", linkId: "l1", channel: null, draftVersions: versions, comment: null }, event);
    client.destroy();

    x.revoked = true;
    const failed = await runCli(["publish", "--plan", planId, "--json", ...common], { env });
    expect(failed.code).toBe(1);
    const doc = JSON.parse(failed.stdout) as { actions: Array<{ platform: string; kind: string; status: string; dryRun: boolean; reason: string | null; url: string | null }> };
    expect(doc.actions.map((a) => `${a.platform}:${a.kind}:${a.status}:${a.dryRun}`).sort()).toEqual([
      "linkedin:organic-post:published:true",
      "x:organic-post:failed:false",
      "x:paused-ad:failed:false",
    ]);
    expect(doc.actions.find((a) => a.platform === "x")!.reason).toMatch(/X/);
    expect(failed.stderr).toMatch(/platform credentials from PRESSBRIDGE_CREDENTIALS for acme \(x\)/);
    expect(failed.stderr).not.toContain(x.secrets.token);
    expect(failed.stderr).not.toContain(x.secrets.consumerSecret);
    expect(readdirSync(join(dataDir, "outbox")).length).toBeGreaterThan(0); // the owner was emailed

    // Without --retry-failed a permanent failure is left alone; with it, X is published.
    const requests = xServer.requests.length;
    expect((await runCli(["publish", "--plan", planId, ...common], { env })).code).toBe(1);
    expect(xServer.requests.length).toBe(requests);
    x.revoked = false;
    const retried = await runCli(["publish", "--plan", planId, "--retry-failed", ...common], { env });
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/3 of 3 actions published/);
    expect(retried.stdout).toMatch(/X post: published https:\/\/x\.com\/i\/web\/status\/\d+/);
    expect(retried.stdout).toMatch(/LinkedIn post: dry run/);
    expect(x.tweets.size).toBe(1);
    expect([...x.campaigns.values()].map((c) => c.entity_status)).toEqual(["PAUSED"]);

    const listed = JSON.parse((await runCli(["plans", "--json", ...common], { env })).stdout) as { plans: Array<{ status: string; publication: { dryRun: boolean; actions: unknown[] } }> };
    expect(listed.plans[0]).toMatchObject({ status: "published", publication: { dryRun: true } });
    expect(listed.plans[0]!.publication.actions).toHaveLength(3);
  });

  it("moves, publishes now and cancels one action of a scheduled plan (publish --action), and plans --json shows each action's time", async () => {
    const items = [{ title: "Seed release", link: "https://www.prnewswire.com/news-releases/sch-0", pubDate: new Date().toUTCString() }];
    feeds.serveFeed("/wire2", () => rss(items));
    const config = join(dir, "config2.json");
    writeFileSync(
      config,
      JSON.stringify({
        clients: [{ id: "acme", name: "Acme Corp", timezone: "America/New_York", owner: "pr@acme.example", approvers: ["social@acme.example"], channels: ["x", "linkedin"], adPlatforms: ["x"], keywords: ["Acme"] }],
        feeds: [{ id: "wire", url: `${feeds.url}/wire2` }],
        security: { allowPrivateFeedHosts: true },
      }),
    );
    const table = `cli-sch-${Date.now()}`;
    const env = { DYNAMODB_ENDPOINT: inject("dynamoEndpoint"), PRESSBRIDGE_TABLE: table };
    const common = ["--config", config, "--data-dir", join(dir, "data2")];
    await runCli(["poll", "--once", ...common], { env });
    items.push({ title: "Acme Corp Opens Payments Lab in Austin", link: "https://www.prnewswire.com/news-releases/sch-1", pubDate: new Date().toUTCString() });
    await runCli(["poll", "--once", "--all", ...common], { env });
    const planId = (JSON.parse((await runCli(["plans", "--json", ...common], { env })).stdout) as { plans: Array<{ id: string }> }).plans[0]!.id;

    // Approved with the suggested times (as the review page's default).
    const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
    const plan = (await new DynamoPlanStore({ client, tableName: table }).getPlan(planId))!;
    const at = new Date().toISOString();
    const versions = Object.fromEntries(plan.drafts.map((d) => [d.channel, d.version]));
    const schedule = proposeSchedule(plan, { disclosure: undefined, wireAt: wireTimeOf(plan), now: new Date(at) });
    const decision = { action: "approved" as const, by: "social@acme.example", at, linkId: "l1", draftVersions: versions, comment: null, schedule };
    const event = makeEvent("AmplificationApproved", `amplification-decided:${planId}`, { version: 1, planId, releaseId: plan.releaseId, clientId: "acme", decidedBy: decision.by, decidedAt: at, draftVersions: versions, linkId: "l1", comment: null }, at);
    await new DynamoApprovalStore({ client, tableName: table }).decide(planId, decision, plan.drafts.map((d, index) => ({ index, version: d.version })), { planId, at, by: decision.by, action: "approved", linkId: "l1", channel: null, draftVersions: versions, comment: null }, event);
    client.destroy();

    const listed = JSON.parse((await runCli(["plans", "--json", ...common], { env })).stdout) as { plans: Array<{ actions: Array<{ key: string; scheduledFor: string; status: string; choice: string }> }> };
    expect(listed.plans[0]!.actions.map((a) => [a.key.slice(planId.length + 1), a.status])).toEqual([
      ["post:x:v1", "scheduled"],
      ["post:linkedin:v1", "scheduled"],
      ["ad:x", "scheduled"],
    ]);

    // Too late without a reason: refused, naming the flag.
    const late = await runCli(["publish", "--plan", planId, "--action", "post:linkedin", "--at", new Date(Date.now() + 80 * 3_600_000).toISOString(), ...common], { env });
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(/at: .*after the window's deadline/);
    const tomorrow = new Date(Date.now() + 24 * 3_600_000);
    const moved = await runCli(["publish", "--plan", planId, "--action", "post:linkedin", "--at", tomorrow.toISOString(), "--json", ...common], { env });
    expect(moved.code).toBe(0);
    expect((JSON.parse(moved.stdout) as { action: { scheduledFor: string; choice: string } }).action).toMatchObject({ choice: "at" });
    const now = await runCli(["publish", "--plan", planId, "--action", "post:x", "--now", ...common], { env });
    expect(now.code).toBe(0);
    expect(now.stdout).toMatch(/X post: dry run/);
    // "Now" published what was due too: the paused ad (due at approval). A published action cannot be cancelled.
    const published = await runCli(["publish", "--plan", planId, "--action", `${planId}:ad:x`, "--cancel", ...common], { env });
    expect(published.stderr).toMatch(/is published already/);
    const cancelled = await runCli(["publish", "--plan", planId, "--action", "post:linkedin", "--cancel", "--json", ...common], { env });
    expect((JSON.parse(cancelled.stdout) as { action: { cancelled?: { by: string } } }).action.cancelled?.by).toBe("cli");
    const after = JSON.parse((await runCli(["plans", "--json", ...common], { env })).stdout) as { plans: Array<{ status: string; actions: Array<{ key: string; status: string; scheduledFor: string }> }> };
    expect(after.plans[0]!.actions.map((a) => a.status)).toEqual(["published", "cancelled", "published"]);
    // Nothing left to go: the plan is published.
    expect(after.plans[0]!.status).toBe("published");
    const neither = await runCli(["publish", "--plan", planId, "--action", "post:x", ...common], { env });
    expect(neither.stderr).toMatch(/--at: give exactly one of --at ISO, --now or --cancel/);
  });

  it("rejects a missing or malformed plan id and bad credentials with one line and a non-zero exit", async () => {
    const missing = await runCli(["publish", "--data-dir", join(dir, "data")], { env: { DYNAMODB_ENDPOINT: inject("dynamoEndpoint") } });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split("\n").at(-1)).toMatch(/--plan: is required/);
    const malformed = await runCli(["publish", "--plan", "../../etc", "--data-dir", join(dir, "data")], { env: { DYNAMODB_ENDPOINT: inject("dynamoEndpoint") } });
    expect(malformed.stderr).toMatch(/is not a plan id/);
    const config = join(dir, "bad-creds.json");
    writeFileSync(config, JSON.stringify({ feeds: [{ id: "w", url: "https://wire.example/rss" }] }));
    const badCreds = await runCli(["publish", "--plan", "p_abcdefghijklmnop", "--config", config, "--data-dir", join(dir, "data")], {
      env: { DYNAMODB_ENDPOINT: inject("dynamoEndpoint"), PRESSBRIDGE_CREDENTIALS: JSON.stringify({ acme: { tiktok: { token: "secret-value-123" } } }) },
    });
    expect(badCreds.code).not.toBe(0);
    expect(badCreds.stderr).toMatch(/PRESSBRIDGE_CREDENTIALS: acme.*unknown platform "tiktok"/);
    expect(badCreds.stderr).not.toContain("secret-value-123");
  });
});
