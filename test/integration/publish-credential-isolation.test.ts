import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  SmtpMailer,
  createDynamoClient,
  createPublisherDirectory,
  ensureTable,
  DynamoEventOutbox,
  DynamoEmailLedger,
} from "@pressbridge/adapters";
import {
  ROUTES,
  approversFromConfig,
  credentialSourceOf,
  csrfTokenFor,
  decidePlan,
  parseConfig,
  parseEventDetail,
  planAmplification,
  planIdFor,
  publishOnEvent,
  signApprovalToken,
  verifyApprovalToken,
  type Logger,
  type PlatformCredentialsDocument,
  type PublishDeps,
  type SigningKeys,
  NO_MEDIA_LISTS,
} from "@pressbridge/core";
import { newRelease } from "../support/releases.ts";
import { everyActionNow } from "../support/schedule.ts";
import { runCli } from "../support/run-cli.ts";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink.ts";
import { bearerToken, startContractServer, type ContractHandler, type ContractReply, type ContractRequest, type ContractServer } from "./publishers/fakes/fake-kit.ts";
import { blueskyFake, type BlueskyFake } from "./publishers/fakes/bluesky-fake.ts";
import { linkedInFake, type LinkedInFake } from "./publishers/fakes/linkedin-fake.ts";
import { metaFake, type MetaFake } from "./publishers/fakes/meta-fake.ts";
import { xFake, type XFake } from "./publishers/fakes/x-fake.ts";

/**
 * Issue #19, point 1: the platform publishers are long-lived and shared by every client. Two clients
 * publish at once through one publisher directory against loopback platforms that serve both
 * accounts, echo credentials in their error bodies, answer one client slowly, and expire a Bluesky
 * session (one client's refresh token too, forcing a new sign-in). No request made for one client
 * carries the other's credentials, and no credential of either ends up in a stored failure reason,
 * the owner's email, the log or `plans --json`.
 */
type Tenant = "acme" | "globex";
const TENANTS: readonly Tenant[] = ["acme", "globex"];
/** Acme's creates (and sign-ins) are answered this late; Globex publishes meanwhile. */
const SLOW_MS = 1_000;

const config = parseConfig({
  clients: TENANTS.map((id) => ({
    id,
    name: id === "acme" ? "Acme Corp" : "Globex Inc",
    windowHours: 72,
    timezone: "UTC",
    owner: `pr@${id}.example`,
    approvers: [`ana@${id}.example`],
    channels: ["x", "linkedin", "facebook", "bluesky"],
    adPlatforms: [],
    keywords: [id === "acme" ? "Acme" : "Globex"],
  })),
  feeds: [{ id: "wire", url: "https://wire.example/rss" }],
});
const keys: SigningKeys = { current: { id: "k1", secret: "s".repeat(40) }, previous: [] };
let nowMs = Math.floor(Date.now() / 1000) * 1000;
const clock = { now: () => new Date(nowMs) };

let client: ReturnType<typeof createDynamoClient>;
let tableName: string;
let plans: DynamoPlanStore;
let approvals: DynamoApprovalStore;
let outbox: DynamoEventOutbox;
let emails: DynamoEmailLedger;
let publications: DynamoPublicationStore;
let sink: SmtpSink;
let mailer: SmtpMailer;
let dataDir: string;
let fakes: Record<Tenant, { x: XFake; linkedin: LinkedInFake; meta: MetaFake; bluesky: BlueskyFake }>;
let servers: { x: ContractServer; linkedin: ContractServer; meta: ContractServer; bluesky: ContractServer };
let logLines: string[];

beforeAll(async () => {
  sink = await startSmtpSink();
  mailer = new SmtpMailer({ url: sink.url() });
  dataDir = mkdtempSync(join(tmpdir(), "pb-isolation-"));
});
afterAll(async () => {
  await mailer.close();
  await sink.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
  tableName = `iso-${randomUUID()}`;
  await ensureTable(client, tableName);
  plans = new DynamoPlanStore({ client, tableName });
  approvals = new DynamoApprovalStore({ client, tableName });
  outbox = new DynamoEventOutbox({ client, tableName });
  emails = new DynamoEmailLedger({ client, tableName });
  publications = new DynamoPublicationStore({ client, tableName });
  fakes = { acme: accounts("acme"), globex: accounts("globex") };
  servers = {
    x: await startContractServer(xPlatform()),
    linkedin: await startContractServer(linkedInPlatform()),
    meta: await startContractServer(metaPlatform()),
    bluesky: await startContractServer(blueskyPlatform()),
  };
  logLines = [];
  sink.reset();
});
afterEach(async () => {
  for (const server of Object.values(servers)) {
    expect(server.violations).toEqual([]);
    await server.close();
  }
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

/** One account per platform for a tenant; Acme keeps the fakes' defaults, Globex gets its own. */
function accounts(tenant: Tenant) {
  const x = xFake();
  const linkedin = linkedInFake();
  const meta = metaFake();
  const bluesky = blueskyFake();
  if (tenant === "globex") {
    x.secrets = { consumerKey: "gLoBeXcOnSuMeRkEy9911", consumerSecret: "gLoBeXcOnSuMeRsEcReT-77aa66bb55cc", token: "991100223-GlobexAccessTokenQQ88", tokenSecret: "GlobexTokenSecretZZ4455" };
    x.accountId = "gx77aa11";
    x.fundingInstrumentId = "gxfund";
    x.userId = "991100223";
    linkedin.token = "li-globex-token-998877";
    linkedin.organizationId = "7766554";
    linkedin.adAccountId = "601987654";
    meta.token = "EAAB-globex-token-qq4242";
    meta.pageId = "998877665544";
    meta.adAccountId = "556677889";
    bluesky.identifier = "globex.bsky.social";
    bluesky.password = "globex-app-pass-9876";
    bluesky.did = "did:plc:globex456example";
  }
  return { x, linkedin, meta, bluesky };
}

function credentialsDocument(): PlatformCredentialsDocument {
  return Object.fromEntries(
    TENANTS.map((t) => {
      const f = fakes[t];
      return [
        t,
        {
          x: { consumerKey: f.x.secrets.consumerKey, consumerSecret: f.x.secrets.consumerSecret, accessToken: f.x.secrets.token, accessTokenSecret: f.x.secrets.tokenSecret },
          linkedin: { accessToken: f.linkedin.token, organizationId: f.linkedin.organizationId },
          meta: { accessToken: f.meta.token, pageId: f.meta.pageId },
          bluesky: { identifier: f.bluesky.identifier, appPassword: f.bluesky.password },
        },
      ];
    }),
  );
}

/** Every credential of a tenant, including the Bluesky session tokens its PDS issued. */
function secretsOf(tenant: Tenant): string[] {
  const f = fakes[tenant];
  return [f.x.secrets.consumerKey, f.x.secrets.consumerSecret, f.x.secrets.token, f.x.secrets.tokenSecret, f.linkedin.token, f.meta.token, f.bluesky.password, ...f.bluesky.issuedTokens()];
}

/** Values that tie a request to a tenant: its credentials and its account ids and names. */
function markersOf(tenant: Tenant): string[] {
  const f = fakes[tenant];
  return [...secretsOf(tenant), f.x.userId, f.linkedin.organizationId, f.meta.pageId, f.bluesky.identifier, f.bluesky.did, tenant === "acme" ? "Acme" : "Globex"];
}

function tenantsIn(request: ContractRequest): Tenant[] {
  const seen = `${request.method} ${request.fullUrl.toString()}\n${JSON.stringify(request.headers)}\n${request.rawBody}`;
  const decoded = (() => {
    try {
      return decodeURIComponent(seen.replace(/\+/g, " "));
    } catch {
      return seen;
    }
  })();
  return TENANTS.filter((t) => markersOf(t).some((m) => seen.includes(m) || decoded.includes(m)));
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A platform serving both tenants: the tenant is picked by `owner`, `script` may answer first. */
function multiTenant(owner: (request: ContractRequest) => Tenant | undefined, handlerOf: (t: Tenant) => ContractHandler, script: (t: Tenant, request: ContractRequest) => Promise<ContractReply | undefined>): ContractHandler {
  return async (request) => {
    const tenant = owner(request);
    if (tenant === undefined) throw new Error(`no tenant owns ${request.method} ${request.path}`);
    return (await script(tenant, request)) ?? handlerOf(tenant)(request);
  };
}

/** X rejects each post with a 403 that echoes the consumer key, the token and the Authorization header. */
function xPlatform(): ContractHandler {
  const owner = (r: ContractRequest) => TENANTS.find((t) => String(r.headers.authorization ?? "").includes(`oauth_consumer_key="${fakes[t].x.secrets.consumerKey}"`));
  return multiTenant(owner, (t) => fakes[t].x.handler, async (t, r) => {
    if (r.method !== "POST" || r.path !== "/2/tweets") return undefined;
    if (t === "acme") await delay(SLOW_MS);
    const s = fakes[t].x.secrets;
    return { status: 403, body: { title: "Forbidden", type: "about:blank", status: 403, detail: `Client ${s.consumerKey} with token ${s.token} may not post; request had Authorization: ${String(r.headers.authorization)}` } };
  });
}

/** LinkedIn answers each post with a 401 that echoes the bearer token. */
function linkedInPlatform(): ContractHandler {
  const owner = (r: ContractRequest) => TENANTS.find((t) => bearerToken(r) === fakes[t].linkedin.token);
  return multiTenant(owner, (t) => fakes[t].linkedin.handler, async (t, r) => {
    if (r.method !== "POST" || r.path !== "/rest/posts") return undefined;
    if (t === "acme") await delay(SLOW_MS);
    const token = fakes[t].linkedin.token;
    return { status: 401, body: { status: 401, serviceErrorCode: 65601, code: "INVALID_ACCESS_TOKEN", message: `Invalid access token ${token} (Authorization: Bearer ${token})` } };
  });
}

/** Meta fails each Page post with a transient error that echoes access_token (retryable, so it is logged). */
function metaPlatform(): ContractHandler {
  const tokenOf = (r: ContractRequest) => (r.method === "POST" ? String((r.body as Record<string, unknown> | undefined)?.access_token ?? "") : (r.query.get("access_token") ?? ""));
  const owner = (r: ContractRequest) => TENANTS.find((t) => tokenOf(r) === fakes[t].meta.token);
  return multiTenant(owner, (t) => fakes[t].meta.handler, async (t, r) => {
    if (r.method !== "POST" || !r.path.endsWith("/feed")) return undefined;
    if (t === "acme") await delay(SLOW_MS);
    return { status: 500, body: { error: { type: "OAuthException", code: 2, is_transient: true, message: `Service temporarily unavailable for access_token=${fakes[t].meta.token} {"accessToken":"${fakes[t].meta.token}"}` } } };
  });
}

/**
 * One PDS for both accounts. Acme's sign-in is slow, and its session (access and refresh token) has
 * expired by its first post, so it must sign in again; Globex's access token has expired, so it
 * refreshes. A refused sign-in echoes the request body, app password included.
 */
function blueskyPlatform(): ContractHandler {
  const expiredOnce = new Set<Tenant>();
  const owner = (r: ContractRequest): Tenant | undefined => {
    if (r.path.endsWith("createSession")) return TENANTS.find((t) => (r.body as Record<string, unknown> | undefined)?.identifier === fakes[t].bluesky.identifier);
    const token = bearerToken(r);
    return token === undefined ? undefined : TENANTS.find((t) => fakes[t].bluesky.issued(token));
  };
  return multiTenant(owner, (t) => fakes[t].bluesky.handler, async (t, r) => {
    const fake = fakes[t].bluesky;
    if (r.path.endsWith("createSession")) {
      if (t === "acme") await delay(SLOW_MS);
      const body = r.body as Record<string, unknown>;
      if (body.password !== fake.password) return { status: 401, body: { error: "AuthenticationRequired", message: `Invalid identifier or password for ${r.rawBody}` } };
    }
    if (r.path.endsWith("createRecord") && !expiredOnce.has(t)) {
      expiredOnce.add(t);
      fake.expireAccessTokens();
      if (t === "acme") fake.expireRefreshTokens();
    }
    return undefined;
  });
}

const capture = (scope: string): Logger => {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) => void logLines.push(JSON.stringify({ scope, level, message, ...fields }));
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
};

async function approve(bus: LocalEventBus, tenant: Tenant): Promise<string> {
  const releases = new DynamoReleaseStore({ client, tableName });
  const detected = new Date(nowMs - 3600_000).toISOString();
  const name = tenant === "acme" ? "Acme Corp" : "Globex Inc";
  const release = newRelease(`r_${tenant}`, detected, {
    identity: `url:https://www.prnewswire.com/news-releases/${tenant}-1.html`,
    title: `${name} Launches Payments Cloud for Community Banks`,
    summary: `NEW YORK /PRNewswire/ -- ${name} launched a payments cloud.`,
    url: `https://www.prnewswire.com/news-releases/${tenant}-1.html`,
    issuer: name,
    sources: [{ feedId: "wire", url: null, seenAt: detected }],
  });
  await releases.createRelease(release);
  await planAmplification({ config, releases, plans, bus, outbox, clock, mediaLists: NO_MEDIA_LISTS }, {
    version: 1, releaseId: release.id, title: release.title, url: release.url, wire: release.wire, issuer: release.issuer, tickers: [],
    language: "en", publishedAt: detected, detectedAt: detected, feedId: "wire", clientId: null,
  });
  const planId = planIdFor(release.id, tenant);
  const plan = (await plans.getPlan(planId))!;
  const token = signApprovalToken(keys, { planId, approver: `ana@${tenant}.example`, expiresAt: new Date(plan.windowDeadline) });
  const check = verifyApprovalToken(keys, token, clock.now());
  if (!check.ok) throw new Error("token");
  const shownVersions = Object.fromEntries(plan.drafts.map((d) => [d.channel, d.version]));
  const decided = await decidePlan({ plans, approvals, outbox, bus, clock, keys, currentApprovers: approversFromConfig(config) }, { token, csrf: csrfTokenFor(keys, check.claims), action: "approve", shownVersions, schedule: everyActionNow(plan) });
  expect(decided.status).toBe("decided");
  return planId;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

describe("two clients publishing at once through the shared publishers", () => {
  it("never sends one client's credentials for the other, and never stores, emails, logs or prints a credential", async () => {
    const bus = new LocalEventBus({ routes: ROUTES, logger: capture("bus"), maxAttempts: 1 });
    // One directory for the process, as in the publish Lambda and `pressbridge start`.
    const directory = createPublisherDirectory({
      clock,
      baseUrls: { x: servers.x.url, xAds: servers.x.url, linkedin: servers.linkedin.url, meta: servers.meta.url, bluesky: servers.bluesky.url },
      http: { sleep: async () => {}, timeoutMs: 5_000, random: () => 0 },
    });
    const deps: PublishDeps = {
      plans,
      publications,
      publishers: directory,
      credentials: credentialSourceOf(credentialsDocument()),
      bus,
      outbox,
      clock,
      logger: capture("publish"),
      notify: { mailer, emails, from: "Pressbridge <approvals@pressbridge.example>", baseUrl: "https://approve.example" },
    };
    bus.subscribe("publish", async (event) => {
      const detail = event.detailType === "Amplification Approved" ? { planId: parseEventDetail("AmplificationApproved", event.detail).planId, retryFailed: false } : parseEventDetail("PublicationRetryRequested", event.detail);
      await publishOnEvent(deps, detail);
    });

    // Acme's approval first; Globex's while every platform is still answering Acme.
    const acmePlan = await approve(bus, "acme");
    const firstOf = (server: ContractServer, tenant: Tenant, path: RegExp) => () => server.requests.some((r) => path.test(r.path) && tenantsIn(r).includes(tenant));
    await until(firstOf(servers.x, "acme", /^\/2\/tweets$/), "Acme's X post");
    await until(firstOf(servers.linkedin, "acme", /^\/rest\/posts$/), "Acme's LinkedIn post");
    await until(firstOf(servers.meta, "acme", /\/feed$/), "Acme's Page post");
    await until(firstOf(servers.bluesky, "acme", /createSession$/), "Acme's Bluesky sign-in");
    const globexPlan = await approve(bus, "globex");
    await bus.drain();

    // 1. Every request carries one tenant's credentials and ids only.
    for (const [platform, server] of Object.entries(servers)) {
      for (const request of server.requests) {
        expect(tenantsIn(request), `${platform} ${request.method} ${request.path}`).toHaveLength(1);
      }
    }
    // Acme signed in again with its own app password after its session expired; Globex refreshed.
    expect(fakes.acme.bluesky.records.size).toBe(1);
    expect(fakes.acme.bluesky.sessionsCreated).toBe(2);
    expect(fakes.globex.bluesky.records.size).toBe(1);
    expect(fakes.globex.bluesky.refreshes).toBe(1);

    // 2. The failures are recorded, in words, without a credential.
    const secrets = [...secretsOf("acme"), ...secretsOf("globex")];
    const leaks = (text: string) => secrets.filter((s) => text.includes(s));
    for (const planId of [acmePlan, globexPlan]) {
      const records = await publications.actionRecords(planId);
      const failed = records.filter((r) => r.state === "failed").map((r) => r.platform).sort();
      // The first posts and the follow-ups (X and LinkedIn) fail alike.
      expect(failed, planId).toEqual(["facebook", "linkedin", "linkedin", "x", "x"]);
      expect(records.find((r) => r.platform === "x")!.reason).toMatch(/^X rejected the post: .*\[redacted\]/);
      expect(leaks(JSON.stringify(records)), `stored records of ${planId}`).toEqual([]);
      const plan = (await plans.getPlan(planId))!;
      expect(plan.publication?.actions.filter((a) => a.status === "failed")).toHaveLength(5);
      expect(leaks(JSON.stringify(plan)), `plan ${planId}`).toEqual([]);
    }

    // 3. The owners' emails.
    await sink.waitForMessages(2);
    expect(sink.messages.map((m) => m.rcptTo).flat().sort()).toEqual(["pr@acme.example", "pr@globex.example"]);
    for (const message of sink.messages) {
      const mail = await simpleParser(message.raw);
      expect(mail.text).toMatch(/X rejected the post/);
      expect(leaks(`${mail.subject}\n${mail.text}\n${String(mail.html)}`), `email to ${message.rcptTo.join(",")}`).toEqual([]);
    }

    // 4. The log: the Meta failures are temporary, so both deliveries failed and were logged.
    expect(logLines.join("\n")).toMatch(/Meta could not create the Page post/);
    expect(leaks(logLines.join("\n"))).toEqual([]);

    // 5. `pressbridge plans --json`, as an operator runs it.
    const listed = await runCli(["plans", "--json", "--data-dir", dataDir], { env: { DYNAMODB_ENDPOINT: inject("dynamoEndpoint"), PRESSBRIDGE_TABLE: tableName } });
    expect(listed.code, listed.stderr).toBe(0);
    const json = JSON.parse(listed.stdout) as { plans: Array<{ id: string; publication: unknown }> };
    expect(json.plans.map((p) => p.id).sort()).toEqual([acmePlan, globexPlan].sort());
    expect(leaks(listed.stdout + listed.stderr)).toEqual([]);
  });
});
