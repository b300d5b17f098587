import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrganicPostAction } from "@pressbridge/core";
import { XPublisher } from "../../../packages/adapters/src/publishers/x-publisher.ts";
import { adAction } from "./fakes/briefs.ts";
import { xFake, type XFake } from "./fakes/x-fake.ts";
import { fixedClock, recordingSleep, route, startContractServer, type ContractServer } from "./fakes/fake-kit.ts";

const post: OrganicPostAction = {
  kind: "organic-post",
  key: "plan-1:post:x:v1",
  channel: "x",
  text: "Acme ships Rocket 2, the fastest rocket yet. https://acme.example/r2?utm_source=x #AI",
  link: "https://acme.example/r2?utm_source=x",
  facets: [],
};

let server: ContractServer;
let fake: XFake;
let waits: number[];
let publisher: XPublisher;
const creds = () => ({
  consumerKey: fake.secrets.consumerKey,
  consumerSecret: fake.secrets.consumerSecret,
  accessToken: fake.secrets.token,
  accessTokenSecret: fake.secrets.tokenSecret,
  adsAccountId: fake.accountId,
  fundingInstrumentId: fake.fundingInstrumentId,
});
const createTweet = route("POST", "/2/tweets");
const createCampaign = route("POST", /\/campaigns$/);
const createLineItem = route("POST", /\/line_items$/);

beforeEach(async () => {
  fake = xFake();
  server = await startContractServer(fake.handler);
  const sleep = recordingSleep();
  waits = sleep.waits;
  publisher = new XPublisher({ baseUrl: server.url, adsBaseUrl: server.url, sleep: sleep.sleep, clock: fixedClock(), timeoutMs: 300, random: () => 0 });
});
afterEach(async () => {
  expect(server.violations).toEqual([]);
  await server.close();
});

describe("XPublisher: posts (v2, OAuth 1.0a user context)", () => {
  it("posts the text with a verified OAuth 1.0a signature and returns the post URL", async () => {
    const outcome = await publisher.publish(post, creds());
    const [id] = [...fake.tweets.keys()];
    expect(outcome).toEqual({ status: "published", platformIds: { postId: id }, url: `https://x.com/i/web/status/${id}` });
    expect(server.requests[0]!.headers.authorization).toMatch(/^OAuth .*oauth_signature="/);
  });

  it("honours x-rate-limit-reset on a 429, then posts", async () => {
    const reset = Date.parse("2026-11-21T12:00:00Z") / 1000 + 12;
    server.failOnce(createTweet, { status: 429, headers: { "x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(reset) }, body: { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 } });
    const outcome = await publisher.publish(post, creds());
    expect(outcome.status).toBe("published");
    expect(waits).toEqual([12_000]);
  });

  it("honours Retry-After on a 429", async () => {
    server.failOnce(createTweet, { status: 429, headers: { "retry-after": "5" }, body: { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 } });
    expect((await publisher.publish(post, creds())).status).toBe("published");
    expect(waits).toEqual([5000]);
  });

  it("after a timeout on a committed post, finds it in the account's latest posts (links rewritten to t.co)", async () => {
    server.commitThenStall(createTweet, 2_000);
    const outcome = await publisher.publish(post, creds());
    expect(outcome).toMatchObject({ status: "published", platformIds: { postId: [...fake.tweets.keys()][0] } });
    expect(fake.tweets.size).toBe(1);
    expect(server.requests.filter(createTweet)).toHaveLength(1);
  });

  it("a redelivered post meets X's duplicate-content 403 and reports the existing post", async () => {
    const first = await publisher.publish(post, creds());
    expect(await publisher.publish(post, creds())).toEqual(first);
    expect(fake.tweets.size).toBe(1);
  });

  it("reports a validation error in plain words without retrying", async () => {
    const outcome = await publisher.publish({ ...post, text: "x".repeat(281) }, creds());
    expect(outcome).toEqual({ status: "failed", retryable: false, httpStatus: 400, reason: "X rejected the post: Text is too long" });
    expect(server.requests).toHaveLength(1);
  });

  it("reports a revoked/expired token as non-retryable without echoing secrets", async () => {
    fake.revoked = true;
    const outcome = await publisher.publish(post, creds());
    expect(outcome).toMatchObject({ status: "failed", retryable: false, httpStatus: 401 });
    expect(outcome.status === "failed" && outcome.reason).toMatch(/^X access token expired or was revoked/);
    for (const secret of Object.values(fake.secrets)) expect(JSON.stringify(outcome)).not.toContain(secret);
  });
});

describe("XPublisher: paused ads (Ads API v12)", () => {
  it("creates a PAUSED campaign and line item, the location resolved to X's key, and the keyword targeting", async () => {
    const outcome = await publisher.publish(adAction("x"), creds());
    expect(outcome.status).toBe("published");
    const [campaign] = [...fake.campaigns.values()];
    const [lineItem] = [...fake.lineItems.values()];
    expect(campaign).toMatchObject({ name: "Pressbridge plan-1:ad:x", entity_status: "PAUSED", funding_instrument_id: fake.fundingInstrumentId, daily_budget_amount_local_micro: "50000000", total_budget_amount_local_micro: "250000000" });
    expect(lineItem).toMatchObject({ campaign_id: campaign!.id, entity_status: "PAUSED", objective: "WEBSITE_CLICKS", start_time: "2026-11-21T12:00:00.000Z", end_time: "2026-11-26T12:00:00.000Z" });
    expect([...fake.criteria.values()].map((c) => [c.targeting_type, c.targeting_value])).toEqual([
      ["LOCATION", fake.locations.US],
      ["BROAD_KEYWORD", "Fintech"],
      ["BROAD_KEYWORD", "Financial services"],
      ["BROAD_KEYWORD", "Joint ventures"],
      ["BROAD_KEYWORD", "Business and finance"],
    ]);
    expect(outcome.status === "published" && outcome.platformIds).toEqual({ campaignId: campaign!.id, lineItemId: lineItem!.id, targetingCriteriaIds: [...fake.criteria.keys()].join(",") });
  });

  it("a redelivered ad action resumes and creates nothing", async () => {
    const action = adAction("x");
    const first = await publisher.publish(action, creds());
    expect(await publisher.publish(action, creds())).toEqual(first);
    expect([fake.campaigns.size, fake.lineItems.size, fake.criteria.size]).toEqual([1, 1, 5]);
  });

  it("after a timeout on a committed line item, finds it instead of creating a second", async () => {
    server.commitThenStall(createLineItem, 2_000);
    const outcome = await publisher.publish(adAction("x"), creds());
    expect(outcome.status).toBe("published");
    expect(fake.lineItems.size).toBe(1);
    expect(fake.criteria.size).toBe(5);
  });

  it("honours x-rate-limit-reset on a 429 from the Ads API", async () => {
    const reset = Date.parse("2026-11-21T12:00:00Z") / 1000 + 3;
    server.failOnce(createCampaign, { status: 429, headers: { "x-rate-limit-reset": String(reset) }, body: { errors: [{ code: "TOO_MANY_REQUESTS", message: "Rate limit exceeded" }], request: { params: {} } } });
    expect((await publisher.publish(adAction("x"), creds())).status).toBe("published");
    expect(waits).toEqual([3000]);
    expect(fake.campaigns.size).toBe(1);
  });

  it("reports a 400 INVALID_PARAMETER in plain words, naming the parameter", async () => {
    const action = adAction("x");
    const brief = structuredClone(action.brief) as { budget: { api: Record<string, number> } };
    brief.budget.api.daily_budget_amount_local_micro = 100;
    const outcome = await publisher.publish({ ...action, brief }, creds());
    expect(outcome).toEqual({
      status: "failed",
      retryable: false,
      httpStatus: 400,
      reason: "X rejected the campaign: Expected a value greater than or equal to 1000000, got 100 for daily_budget_amount_local_micro (parameter daily_budget_amount_local_micro)",
    });
  });

  it("reports a revoked token on the Ads API as non-retryable", async () => {
    fake.revoked = true;
    const outcome = await publisher.publish(adAction("x"), creds());
    expect(outcome).toMatchObject({ status: "failed", retryable: false, httpStatus: 401 });
    expect(outcome.status === "failed" && outcome.reason).toMatch(/X access token expired or was revoked/);
  });
});
