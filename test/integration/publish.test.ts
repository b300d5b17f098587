import { addPeople, memorySignIn, sessionCookie } from "../support/memory-sessions.ts";
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { simpleParser } from "mailparser";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DynamoApprovalStore,
  DynamoPlanStore,
  DynamoPublicationStore,
  DynamoReleaseStore,
  LocalEventBus,
  MetaPublisher,
  SmtpMailer,
  XPublisher,
  createDynamoClient,
  createPublisherDirectory,
  ensureTable,
  DynamoEventOutbox,
  DynamoEmailLedger,
} from "@pressbridge/adapters";
import {
  ROUTES,
  approversFromConfig,
  TransientError,
  credentialSourceOf,
  csrfTokenFor,
  decidePlan,
  makeEvent,
  parseConfig,
  parseEventDetail,
  planAmplification,
  planIdFor,
  publishApprovedPlan,
  publishOnApproved,
  publishOnEvent,
  resumeStalledPublications,
  signApprovalToken,
  verifyApprovalToken,
  type AmplificationPublishedDetail,
  type PlatformCredentialsDocument,
  type PublishDeps,
  type SigningKeys,
  NO_MEDIA_LISTS,
} from "@pressbridge/core";
import { createWebApp } from "@pressbridge/web";
import { newRelease } from "../support/releases.ts";
import { everyActionNow } from "../support/schedule.ts";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink.ts";
import { route, startContractServer, type ContractServer } from "./publishers/fakes/fake-kit.ts";
import { blueskyFake, type BlueskyFake } from "./publishers/fakes/bluesky-fake.ts";
import { linkedInFake, type LinkedInFake } from "./publishers/fakes/linkedin-fake.ts";
import { metaFake, type MetaFake } from "./publishers/fakes/meta-fake.ts";
import { xFake, type XFake } from "./publishers/fakes/x-fake.ts";
import { memoryWorkspace } from "../support/memory-workspace.ts";

/**
 * Publishing after approval, end to end: a plan made by the real planner and approved through the
 * real decision, published by the real adapters against loopback contract servers of X, LinkedIn,
 * Meta and Bluesky, with claims and results in DynamoDB Local and the owner's email through SMTP.
 */
const config = parseConfig({
  clients: [
    {
      id: "acme",
      name: "Acme Corp",
      windowHours: 72,
      timezone: "America/New_York",
      owner: "pr@acme.example",
      approvers: ["ana@acme.example"],
      channels: ["x", "linkedin", "facebook", "bluesky", "instagram"],
      adPlatforms: ["linkedin", "meta", "x"],
      keywords: ["Acme"],
      supportingAsset: { title: "Payments Cloud overview", url: "https://acme.example/payments-cloud" },
    },
  ],
  feeds: [{ id: "wire", url: "https://wire.example/rss" }],
});
const keys: SigningKeys = { current: { id: "k1", secret: "s".repeat(40) }, previous: [] };
const DETECTED = "2026-11-21T15:00:00.000Z";
const PLAN_ID = planIdFor("r_pub", "acme");
let nowMs = Date.parse("2026-11-21T16:00:00.000Z");
const clock = { now: () => new Date(nowMs) };

let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let plans: DynamoPlanStore;
let approvals: DynamoApprovalStore;
let outbox: DynamoEventOutbox;
let emails: DynamoEmailLedger;
let publications: DynamoPublicationStore;
let bus: LocalEventBus;
let sink: SmtpSink;
let mailer: SmtpMailer;
let fakes: { x: XFake; linkedin: LinkedInFake; meta: MetaFake; bluesky: BlueskyFake };
let servers: { x: ContractServer; linkedin: ContractServer; meta: ContractServer; bluesky: ContractServer };
let credentials: PlatformCredentialsDocument;

beforeAll(async () => {
  sink = await startSmtpSink();
  mailer = new SmtpMailer({ url: sink.url() });
});
afterAll(async () => {
  await mailer.close();
  await sink.close();
});

beforeEach(async () => {
  nowMs = Date.parse("2026-11-21T16:00:00.000Z");
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `pub-${randomUUID()}`;
  await ensureTable(client, tableName);
  plans = new DynamoPlanStore({ client, tableName });
  approvals = new DynamoApprovalStore({ client, tableName });
  outbox = new DynamoEventOutbox({ client, tableName });
  emails = new DynamoEmailLedger({ client, tableName });
  publications = new DynamoPublicationStore({ client, tableName });
  bus = new LocalEventBus({ routes: ROUTES });
  fakes = { x: xFake(), linkedin: linkedInFake(), meta: metaFake(), bluesky: blueskyFake() };
  servers = {
    x: await startContractServer(fakes.x.handler),
    linkedin: await startContractServer(fakes.linkedin.handler),
    meta: await startContractServer(fakes.meta.handler),
    bluesky: await startContractServer(fakes.bluesky.handler),
  };
  credentials = {
    acme: {
      x: {
        consumerKey: fakes.x.secrets.consumerKey,
        consumerSecret: fakes.x.secrets.consumerSecret,
        accessToken: fakes.x.secrets.token,
        accessTokenSecret: fakes.x.secrets.tokenSecret,
        adsAccountId: fakes.x.accountId,
        fundingInstrumentId: fakes.x.fundingInstrumentId,
      },
      linkedin: { accessToken: fakes.linkedin.token, organizationId: fakes.linkedin.organizationId, adAccountId: fakes.linkedin.adAccountId },
      meta: { accessToken: fakes.meta.token, pageId: fakes.meta.pageId, adAccountId: fakes.meta.adAccountId },
      bluesky: { identifier: fakes.bluesky.identifier, appPassword: fakes.bluesky.password },
    },
  };
  sink.reset();
  await approvedPlan();
});
afterEach(async () => {
  for (const server of Object.values(servers)) {
    expect(server.violations).toEqual([]);
    await server.close();
  }
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

function deps(overrides: Partial<PublishDeps> = {}): PublishDeps {
  return {
    plans,
    publications,
    publishers: createPublisherDirectory({
      clock,
      baseUrls: { x: servers.x.url, xAds: servers.x.url, linkedin: servers.linkedin.url, meta: servers.meta.url, bluesky: servers.bluesky.url },
      http: { sleep: async () => {}, timeoutMs: 400, random: () => 0 },
    }),
    credentials: credentialSourceOf(credentials),
    bus,
    outbox,
    clock,
    notify: { mailer, emails, from: "Pressbridge <approvals@pressbridge.example>", baseUrl: "https://approve.example" },
    ...overrides,
  };
}

async function approvedPlan(): Promise<void> {
  const releases = new DynamoReleaseStore({ client, tableName });
  const release = newRelease("r_pub", DETECTED, {
    identity: "url:https://www.prnewswire.com/news-releases/acme-302900010.html",
    title: "Acme Corp Launches Payments Cloud for Community Banks",
    summary: "NEW YORK, Nov. 21, 2026 /PRNewswire/ -- Acme Corp launched a payments cloud for 40 community banks.",
    url: "https://www.prnewswire.com/news-releases/acme-302900010.html",
    issuer: "Acme Corp",
    sources: [{ feedId: "wire", url: null, seenAt: DETECTED }],
  });
  await releases.createRelease(release);
  await planAmplification({ config, releases, plans, bus, outbox, clock, mediaLists: NO_MEDIA_LISTS }, {
    version: 1, releaseId: release.id, title: release.title, url: release.url, wire: release.wire, issuer: release.issuer, tickers: [],
    language: "en", publishedAt: DETECTED, detectedAt: DETECTED, feedId: "wire", clientId: null,
  });
  const plan = (await plans.getPlan(PLAN_ID))!;
  const token = signApprovalToken(keys, { planId: PLAN_ID, approver: "ana@acme.example", expiresAt: new Date(plan.windowDeadline) });
  const check = verifyApprovalToken(keys, token, clock.now());
  if (!check.ok) throw new Error("token");
  const shownVersions = Object.fromEntries(plan.drafts.map((d) => [d.channel, d.version]));
  const decided = await decidePlan({ plans, approvals, outbox, bus, clock, keys, currentApprovers: approversFromConfig(config) }, { token, csrf: csrfTokenFor(keys, check.claims), action: "approve", shownVersions, schedule: everyActionNow(plan) });
  expect(decided.status).toBe("decided");
  bus.published.length = 0;
}

const creates = () => ({
  x: servers.x.requests.filter((r) => r.method === "POST").length,
  linkedin: servers.linkedin.requests.filter((r) => r.method === "POST").length,
  meta: servers.meta.requests.filter((r) => r.method === "POST").length,
  bluesky: servers.bluesky.requests.filter((r) => r.method === "POST" && r.path.endsWith("createRecord")).length,
});
const publishedEvents = () => bus.published.filter((e) => e.detailType === "Amplification Published").map((e) => e.detail as AmplificationPublishedDetail);

describe("publishing an approved plan", () => {
  it("posts every approved draft, creates every ad paused, records a dry run where there is no adapter, and announces it", async () => {
    const outcome = await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    expect(outcome.result).toBe("completed");

    expect([...fakes.x.tweets.values()]).toHaveLength(1);
    expect(fakes.linkedin.posts.size).toBe(1);
    expect(fakes.meta.posts.size).toBe(1);
    expect(fakes.bluesky.records.size).toBe(1);
    const plan = (await plans.getPlan(PLAN_ID))!;
    const xDraft = plan.drafts.find((d) => d.channel === "x")!;
    expect([...fakes.x.tweets.values()][0]!.text.replace(/https:\/\/t\.co\/\S+/g, "<link>")).toBe(xDraft.text.replace(/https?:\/\/\S+/g, "<link>"));
    // Ads: created, and paused or draft, never active.
    expect([...fakes.x.campaigns.values()].map((c) => c.entity_status)).toEqual(["PAUSED"]);
    expect([...fakes.meta.campaigns.values()].map((c) => c.status)).toEqual(["PAUSED"]);
    expect([...fakes.meta.ads.values()].map((a) => a.status)).toEqual(["PAUSED"]);
    expect(fakes.linkedin.campaigns.size).toBe(1);
    // The LinkedIn ad sponsors the LinkedIn post published just before it.
    const postUrn = [...fakes.linkedin.posts.keys()][0]!;
    expect([...fakes.linkedin.creatives.values()].map((c) => (c.content as { reference: string }).reference)).toEqual([postUrn]);

    expect(plan.status).toBe("published");
    expect(plan.publication?.dryRun).toBe(true); // Instagram has no adapter
    const instagram = plan.publication!.actions.find((a) => a.platform === "instagram")!;
    expect(instagram).toMatchObject({ status: "published", dryRun: true });
    const x = plan.publication!.actions.find((a) => a.platform === "x" && a.kind === "organic-post")!;
    expect(x).toMatchObject({ status: "published", dryRun: false, url: expect.stringMatching(/^https:\/\/x\.com\/i\/web\/status\/\d+$/) });
    expect(plan.publication!.actions).toHaveLength(8); // 5 posts + 3 ads
    expect(plan.publication!.publishedAt).not.toBeNull();

    const events = publishedEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ planId: PLAN_ID, outcome: "published" });
    expect(events[0]!.actions.map((a) => a.key).sort()).toEqual(plan.publication!.actions.map((a) => a.key).sort());
    expect(await outbox.pendingEvents("9999", 10)).toEqual([]); // published, so gone from the outbox
    expect(sink.messages).toHaveLength(0); // nothing failed: no email to the owner
  });

  it("a redelivered approval posts nothing twice and announces nothing twice", async () => {
    await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    const before = creates();
    const second = await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    expect(second.result).toBe("completed");
    expect(creates()).toEqual(before);
    expect(publishedEvents()).toHaveLength(1);
  });

  it("two deliveries at once publish each action exactly once", async () => {
    const results = await Promise.allSettled([publishOnApproved(deps(), { planId: PLAN_ID } as never), publishOnApproved(deps(), { planId: PLAN_ID } as never)]);
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(TransientError); // "in flight in another worker"
    expect(fakes.x.tweets.size).toBe(1);
    expect(fakes.linkedin.posts.size).toBe(1);
    expect(fakes.meta.posts.size).toBe(1);
    expect(fakes.bluesky.records.size).toBe(1);
    expect(fakes.x.campaigns.size).toBe(1);
    expect(fakes.meta.campaigns.size).toBe(1);
    expect((await plans.getPlan(PLAN_ID))!.status).toBe("published");
  });

  it("one platform failing never blocks the others; the failure is on the plan in plain words and emailed to the owner once", async () => {
    fakes.x.revoked = true;
    const outcome = await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    expect(outcome.retryableFailures).toEqual([]); // an expired token is not retried
    expect(outcome.ownerEmail).toBe("sent");
    expect(fakes.linkedin.posts.size).toBe(1);
    expect(fakes.meta.posts.size).toBe(1);
    expect(fakes.bluesky.records.size).toBe(1);

    const plan = (await plans.getPlan(PLAN_ID))!;
    expect(plan.status).toBe("publish_failed");
    const failedX = plan.publication!.actions.filter((a) => a.platform === "x");
    expect(failedX.map((a) => a.status)).toEqual(["failed", "failed"]);
    expect(failedX[0]!.reason).toMatch(/X/);
    expect(failedX[0]!.reason).not.toContain(fakes.x.secrets.token);
    expect(publishedEvents()[0]).toMatchObject({ outcome: "partial" });

    await sink.waitForMessages(1);
    const mail = await simpleParser(sink.messages[0]!.raw);
    expect(sink.messages[0]!.rcptTo).toEqual(["pr@acme.example"]);
    expect(mail.subject).toMatch(/Publishing needs attention \(2 of 8 failed\)/);
    expect(mail.text).toContain(failedX[0]!.reason!);
    expect(mail.text).toContain(`https://approve.example/plans/${PLAN_ID}`);

    // Redelivery: nothing re-sent to X (not retryable), no second email about the same failures.
    const xRequests = servers.x.requests.length;
    await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    expect(servers.x.requests.length).toBe(xRequests);
    expect(sink.messages).toHaveLength(1);

    // After the operator renews the token, an explicit retry publishes what failed, and only that.
    fakes.x.revoked = false;
    const before = creates();
    const retried = await publishApprovedPlan(deps(), { planId: PLAN_ID, retryFailed: true });
    expect(retried.result).toBe("completed");
    expect(fakes.x.tweets.size).toBe(1);
    expect(fakes.x.campaigns.size).toBe(1);
    expect({ ...creates(), x: before.x }).toEqual(before);
    expect((await plans.getPlan(PLAN_ID))!.status).toBe("published");
    expect(publishedEvents().map((e) => e.outcome)).toEqual(["partial", "published"]);
  });

  it("a temporary failure fails the delivery so the bus retries it, and the retry publishes", async () => {
    for (let i = 0; i < 3; i++) servers.bluesky.failOnce(route("POST", /createRecord$/), { status: 502, body: { error: "UpstreamFailure", message: "upstream down" } });
    await expect(publishOnApproved(deps(), { planId: PLAN_ID } as never)).rejects.toBeInstanceOf(TransientError);
    expect(fakes.bluesky.records.size).toBe(0);
    expect((await plans.getPlan(PLAN_ID))!.status).toBe("publish_failed");
    expect(sink.messages).toHaveLength(0); // attempts left: not yet the owner's problem

    const retried = await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    expect(retried.result).toBe("completed");
    expect(fakes.bluesky.records.size).toBe(1);
    expect(fakes.x.tweets.size).toBe(1);
    expect((await plans.getPlan(PLAN_ID))!.status).toBe("published");
  });

  it("takes over actions whose worker died mid-create and finds the posts instead of posting again", async () => {
    const plan = (await plans.getPlan(PLAN_ID))!;
    const xKey = `${PLAN_ID}:post:x:v1`;
    const fbKey = `${PLAN_ID}:post:facebook:v1`;
    const lease = new Date(nowMs + 300_000).toISOString();
    // A worker claimed the X and Facebook posts, created them, and died before recording the results.
    for (const [key, platform] of [[xKey, "x"], [fbKey, "facebook"]] as const) {
      expect((await publications.claimAction(PLAN_ID, { key, kind: "organic-post", platform }, clock.now().toISOString(), lease, { retryFailed: false, maxAttempts: 3 })).claim).toBe("claimed");
    }
    const draft = (channel: string) => plan.drafts.find((d) => d.channel === channel)!;
    const earlier = (channel: "x" | "facebook", key: string) => ({ kind: "organic-post" as const, key, channel, text: draft(channel).text, link: draft(channel).link, facets: [] });
    await new XPublisher({ baseUrl: servers.x.url, adsBaseUrl: servers.x.url, sleep: async () => {}, clock }).publish(earlier("x", xKey), credentials.acme!.x!);
    await new MetaPublisher({ baseUrl: servers.meta.url, sleep: async () => {}, clock }).publish(earlier("facebook", fbKey), credentials.acme!.meta!);
    expect(fakes.x.tweets.size).toBe(1);
    expect(fakes.meta.posts.size).toBe(1);

    // While its lease runs, another delivery leaves the actions alone and does not record the publication.
    await expect(publishOnApproved(deps(), { planId: PLAN_ID } as never)).rejects.toThrow(/without a result yet/);
    expect(fakes.x.tweets.size).toBe(1);
    expect((await plans.getPlan(PLAN_ID))!.publication).toBeUndefined();

    nowMs += 301_000; // the lease expires
    const outcome = await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    expect(outcome.result).toBe("completed");
    expect(fakes.x.tweets.size).toBe(1);
    expect(fakes.meta.posts.size).toBe(1);
    // Found by looking first, not by a second create (platforms' duplicate checks are time-limited and not guaranteed).
    expect(servers.x.requests.filter((r) => r.method === "POST" && r.path === "/2/tweets")).toHaveLength(1);
    expect(servers.meta.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/${fakes.meta.pageId}/feed`))).toHaveLength(1);
    const records = await publications.actionRecords(PLAN_ID);
    expect(records.find((r) => r.key === xKey)).toMatchObject({ state: "published", attempt: 2, platformIds: { postId: [...fakes.x.tweets.keys()][0] } });
    expect(records.find((r) => r.key === fbKey)).toMatchObject({ state: "published", attempt: 2, platformIds: { postId: [...fakes.meta.posts.keys()][0] } });
  });

  it("without credentials every action is a dry run with the exact requests a person could repeat", async () => {
    credentials = {};
    const outcome = await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    expect(outcome.result).toBe("completed");
    for (const server of Object.values(servers)) expect(server.requests).toEqual([]);
    const plan = (await plans.getPlan(PLAN_ID))!;
    expect(plan.status).toBe("published");
    expect(plan.publication!.actions.every((a) => a.dryRun)).toBe(true);
    const records = await publications.actionRecords(PLAN_ID);
    const xPost = records.find((r) => r.key.includes(":post:x:"))!;
    const request = xPost.dryRun!.requests.find((r) => r.label === "create the post")!;
    expect(request).toMatchObject({ method: "POST", url: "https://api.x.com/2/tweets", bodyEncoding: "json" });
    expect(request.body).toEqual({ text: plan.drafts.find((d) => d.channel === "x")!.text });
    const metaAd = records.find((r) => r.key.endsWith(":ad:meta"))!;
    expect(metaAd.dryRun!.requests.map((r) => r.label)).toEqual(expect.arrayContaining(["create the campaign (PAUSED)", "create the ad (PAUSED)"]));
  });

  it("the web app shows per plan what was published where, what failed and why, and the dry-run requests; a retry goes through the bus", async () => {
    fakes.x.revoked = true;
    await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    bus.subscribe("publish", async (event) => {
      const detail = parseEventDetail("PublicationRetryRequested", event.detail);
      expect(detail).toMatchObject({ requestedBy: "admin@example.com (web)", retryFailed: true });
      await publishOnEvent(deps(), { planId: detail.planId, retryFailed: detail.retryFailed });
    });
    const workspace = memoryWorkspace(config);
    addPeople(workspace, { email: "admin@example.com", grants: [{ role: "admin" }] });
    const signIn = memorySignIn();
    const app = createWebApp({ review: { plans, approvals, outbox, bus, clock, keys, currentApprovers: approversFromConfig(config) }, workspace, baseUrl: "http://localhost", publications, signIn: signIn.deps });
    // The app answers only at its base URL's host.
    const host = { host: "localhost" };
    const auth = { ...host, cookie: await sessionCookie(signIn.store, clock, "admin@example.com") };
    expect((await app.request(`/plans/${PLAN_ID}`, { headers: host })).status).toBe(401);
    const page = await (await app.request(`/plans/${PLAN_ID}`, { headers: auth })).text();
    const failure = (await plans.getPlan(PLAN_ID))!.publication!.actions.find((a) => a.platform === "x")!.reason!;
    expect(page).toContain("publish failed");
    expect(page).toContain(failure.replace(/"/g, "&quot;").replace(/'/g, "&#39;"));
    expect(page).toMatch(/href="https:\/\/www\.linkedin\.com\/feed\/update\/urn:li:share:\d+\/"/);
    expect(page).toContain("Instagram post: what would be sent");
    expect(page).toContain("Pressbridge has no API adapter for instagram; post this text by hand.");
    expect(page).toContain("Retry failed actions");

    // Without the site's Origin the retry is refused; with it, the publish consumer retries X.
    expect((await app.request(`/plans/${PLAN_ID}/retry`, { method: "POST", headers: { ...auth, "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" } })).status).toBe(403);
    fakes.x.revoked = false;
    const retry = await app.request(`http://localhost/plans/${PLAN_ID}/retry`, { method: "POST", headers: { ...auth, "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" } });
    expect(retry.status).toBe(303);
    await bus.drain();
    expect(fakes.x.tweets.size).toBe(1);
    const after = await (await app.request(`/plans/${PLAN_ID}`, { headers: auth })).text();
    expect(after).toContain('id="status">published');
    expect(after).toMatch(/href="https:\/\/x\.com\/i\/web\/status\/\d+"/);
    expect(after).not.toContain("Retry failed actions");
  });

  it("the sweep resumes an approved plan whose publication was never recorded, and only that", async () => {
    const requests: Array<{ planId: string; retryFailed: boolean }> = [];
    bus.subscribe("publish", async (event) => {
      const detail = parseEventDetail("PublicationRetryRequested", event.detail);
      requests.push({ planId: detail.planId, retryFailed: detail.retryFailed });
      await publishOnEvent(deps(), detail);
    });
    // Approved at 16:00 (beforeEach); the approval's delivery was lost.
    nowMs += 5 * 60_000;
    expect(await resumeStalledPublications({ plans, bus, outbox, clock }, config)).toEqual([]); // too recent: its delivery may still be running
    nowMs += 6 * 60_000;
    expect(await resumeStalledPublications({ plans, bus, outbox, clock }, config)).toEqual([PLAN_ID]);
    await bus.drain();
    expect(requests).toEqual([{ planId: PLAN_ID, retryFailed: false }]);
    expect((await plans.getPlan(PLAN_ID))!.status).toBe("published");
    expect(fakes.x.tweets.size).toBe(1);
    expect(await resumeStalledPublications({ plans, bus, outbox, clock }, config)).toEqual([]); // recorded now
  });

  it("when credentials cannot be read, claims nothing and fails the delivery, so the retry publishes at once", async () => {
    const unavailable = { credentialsFor: async () => Promise.reject(new TransientError("Secrets Manager is unavailable")) };
    await expect(publishOnApproved(deps({ credentials: unavailable }), { planId: PLAN_ID } as never)).rejects.toThrow(/without a result yet/);
    const claimed = (await publications.actionRecords(PLAN_ID)).map((r) => r.platform);
    expect(claimed.sort()).toEqual(["instagram"]); // only the action that needs no credentials ran (a dry run)
    expect(fakes.x.tweets.size).toBe(0);
    const retried = await publishOnApproved(deps(), { planId: PLAN_ID } as never); // no lease to wait for
    expect(retried.result).toBe("completed");
    expect(fakes.x.tweets.size).toBe(1);
  });

  it("stops retrying a temporary failure after 3 attempts, emails the owner, and never claims it again on its own", async () => {
    const bad = { status: 502, body: { error: "UpstreamFailure", message: "upstream down" } };
    for (let i = 0; i < 9; i++) servers.bluesky.failOnce(route("POST", /createRecord$/), bad); // 3 deliveries × 3 adapter attempts
    await expect(publishOnApproved(deps(), { planId: PLAN_ID } as never)).rejects.toBeInstanceOf(TransientError);
    await expect(publishOnApproved(deps(), { planId: PLAN_ID } as never)).rejects.toBeInstanceOf(TransientError);
    const third = await publishOnApproved(deps(), { planId: PLAN_ID } as never); // attempts used up: not the bus's job any more
    expect(third.retryableFailures).toEqual([]);
    expect(third.ownerEmail).toBe("sent");
    const record = (await publications.actionRecords(PLAN_ID)).find((r) => r.platform === "bluesky")!;
    expect(record).toMatchObject({ state: "failed", retryable: true, attempt: 3 });
    const creates = servers.bluesky.requests.filter((r) => r.path.endsWith("createRecord")).length;
    await publishOnApproved(deps(), { planId: PLAN_ID } as never); // a later redelivery
    nowMs += 3600_000;
    expect(await resumeStalledPublications({ plans, bus, outbox, clock }, config)).toEqual([]); // nor the sweep
    expect(servers.bluesky.requests.filter((r) => r.path.endsWith("createRecord")).length).toBe(creates);
    expect(fakes.bluesky.records.size).toBe(0);
  });

  it("the sweep resumes temporary failures that have attempts left when no delivery retries them", async () => {
    for (let i = 0; i < 3; i++) servers.bluesky.failOnce(route("POST", /createRecord$/), { status: 503, body: { error: "Unavailable", message: "try later" } });
    await expect(publishOnApproved(deps(), { planId: PLAN_ID } as never)).rejects.toBeInstanceOf(TransientError);
    // The bus's retries never came (they ended in the dead-letter queue).
    bus.subscribe("publish", async (event) => void (await publishOnEvent(deps(), parseEventDetail("PublicationRetryRequested", event.detail))));
    nowMs += 11 * 60_000;
    expect(await resumeStalledPublications({ plans, bus, outbox, clock }, config)).toEqual([PLAN_ID]);
    await bus.drain();
    expect(fakes.bluesky.records.size).toBe(1);
    expect((await plans.getPlan(PLAN_ID))!.status).toBe("published");
  });

  it("leaves a platform's later actions to the worker holding an earlier one, so the LinkedIn ad still sponsors the post", async () => {
    const key = `${PLAN_ID}:post:linkedin:v1`;
    await publications.claimAction(PLAN_ID, { key, kind: "organic-post", platform: "linkedin" }, clock.now().toISOString(), new Date(nowMs + 300_000).toISOString(), { retryFailed: false, maxAttempts: 3 });
    await expect(publishOnApproved(deps(), { planId: PLAN_ID } as never)).rejects.toThrow(/without a result yet/);
    expect(fakes.linkedin.campaigns.size).toBe(0); // the ad waits for its post
    expect(fakes.x.tweets.size).toBe(1); // other platforms go on
    nowMs += 301_000;
    await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    const postUrn = [...fakes.linkedin.posts.keys()][0]!;
    expect([...fakes.linkedin.creatives.values()].map((c) => (c.content as { reference: string }).reference)).toEqual([postUrn]);
  });

  it("an older run never overwrites a newer publication outcome", async () => {
    await publishOnApproved(deps(), { planId: PLAN_ID } as never);
    const plan = (await plans.getPlan(PLAN_ID))!;
    const older = { ...plan.publication!, at: "2026-11-21T15:59:00.000Z", publishedAt: null };
    const stale = makeEvent("AmplificationPublished", `amplification-published:${PLAN_ID}:older`, { version: 1, planId: PLAN_ID, releaseId: plan.releaseId, clientId: "acme", outcome: "failed", publishedAt: null, finishedAt: older.at, actions: [] }, older.at);
    expect(await publications.completePublication(PLAN_ID, "publish_failed", older, stale)).toBe("unchanged");
    expect((await plans.getPlan(PLAN_ID))!.status).toBe("published");
  });

  it("does nothing for a plan that is not approved", async () => {
    const rejectedId = "p_missing";
    expect((await publishApprovedPlan(deps(), { planId: rejectedId })).result).toBe("not-found");
    await expect(publishOnApproved(deps(), { planId: rejectedId } as never)).rejects.toBeInstanceOf(TransientError);
  });
});
