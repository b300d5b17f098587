import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrganicPostAction } from "@pressbridge/core";
import { LinkedInPublisher } from "../../../packages/adapters/src/publishers/linkedin-publisher.ts";
import { adAction } from "./fakes/briefs.ts";
import { linkedInFake, type LinkedInFake } from "./fakes/linkedin-fake.ts";
import { fixedClock, recordingSleep, route, startContractServer, type ContractServer } from "./fakes/fake-kit.ts";

const post: OrganicPostAction = {
  kind: "organic-post",
  key: "plan-1:post:linkedin:v1",
  channel: "linkedin",
  text: "Acme ships Rocket 2, the fastest rocket yet. https://acme.example/r2 #AI",
  link: "https://acme.example/r2",
  facets: [],
};

let server: ContractServer;
let fake: LinkedInFake;
let waits: number[];
let publisher: LinkedInPublisher;
const creds = (extra: Record<string, string> = {}) => ({ accessToken: fake.token, organizationId: fake.organizationId, adAccountId: fake.adAccountId, ...extra });
const createPost = route("POST", "/rest/posts");
const createCampaign = route("POST", /\/adCampaigns$/);

beforeEach(async () => {
  fake = linkedInFake();
  server = await startContractServer(fake.handler);
  const sleep = recordingSleep();
  waits = sleep.waits;
  publisher = new LinkedInPublisher({ baseUrl: server.url, sleep: sleep.sleep, clock: fixedClock(), timeoutMs: 300, random: () => 0 });
});
afterEach(async () => {
  expect(server.violations).toEqual([]);
  await server.close();
});

describe("LinkedInPublisher: organic organization posts", () => {
  it("posts as the organization with the version headers and reads the URN from x-restli-id", async () => {
    const outcome = await publisher.publish(post, creds());
    const [urn] = [...fake.posts.keys()];
    expect(outcome).toEqual({ status: "published", platformIds: { postUrn: urn }, url: `https://www.linkedin.com/feed/update/${urn}/` });
    expect(fake.versionsSeen).toEqual(new Set(["202605"]));
    expect(fake.posts.get(urn!)).toMatchObject({ commentary: post.text, lifecycleState: "PUBLISHED" });
  });

  it("uses the LinkedIn-Version from the credentials when given", async () => {
    await publisher.publish(post, creds({ linkedInVersion: "202601" }));
    expect(fake.versionsSeen).toEqual(new Set(["202601"]));
  });

  it("waits for Retry-After on a 429, then posts", async () => {
    server.failOnce(createPost, { status: 429, headers: { "retry-after": "3" }, body: { status: 429, serviceErrorCode: 0, message: "Resource level throttle limit for calls to this resource is reached" } });
    const outcome = await publisher.publish(post, creds());
    expect(outcome.status).toBe("published");
    expect(waits).toEqual([3000]);
    expect(fake.posts.size).toBe(1);
  });

  it("after a timeout on a committed post, finds it among the organization's posts instead of posting again", async () => {
    server.commitThenStall(createPost, 2_000);
    const outcome = await publisher.publish(post, creds());
    expect(outcome).toMatchObject({ status: "published", platformIds: { postUrn: [...fake.posts.keys()][0] } });
    expect(fake.posts.size).toBe(1);
    expect(server.requests.filter(createPost)).toHaveLength(1);
  });

  it("a redelivered post meets LinkedIn's duplicate check and reports the existing post", async () => {
    const first = await publisher.publish(post, creds());
    const again = await publisher.publish(post, creds());
    expect(again).toEqual(first);
    expect(fake.posts.size).toBe(1);
  });

  it("reports a validation error in plain words without retrying", async () => {
    const outcome = await publisher.publish({ ...post, text: "x".repeat(3001) }, creds());
    expect(outcome).toEqual({ status: "failed", retryable: false, httpStatus: 422, reason: "LinkedIn rejected the post: /commentary :: length must be at most 3000" });
    expect(server.requests).toHaveLength(1);
  });

  it("reports an expired token as non-retryable, without echoing it", async () => {
    fake.expired = true;
    const outcome = await publisher.publish(post, creds());
    expect(outcome).toMatchObject({ status: "failed", retryable: false, httpStatus: 401 });
    expect(outcome.status === "failed" && outcome.reason).toMatch(/^LinkedIn access token expired or was revoked/);
    expect(JSON.stringify(outcome)).not.toContain(fake.token);
    expect(server.requests).toHaveLength(1);
  });
});

describe("LinkedInPublisher: paused ads", () => {
  it("creates a DRAFT group, a PAUSED campaign with resolved targeting, and a DRAFT creative sponsoring the post", async () => {
    const outcome = await publisher.publish(adAction("linkedin", { sponsoredPostId: "urn:li:share:77" }), creds());
    // The fake only knows the sponsored post by URN; seed it as an existing post.
    expect(outcome.status).toBe("published");
    if (outcome.status !== "published") return;
    const [group] = [...fake.groups.values()];
    const [campaign] = [...fake.campaigns.values()];
    const [creative] = [...fake.creatives.values()];
    expect(group).toMatchObject({ name: "Pressbridge plan-1:ad:linkedin", status: "DRAFT", totalBudget: { amount: "250.00", currencyCode: "USD" }, runSchedule: { start: Date.parse("2026-11-21T12:00:00Z"), end: Date.parse("2026-11-26T12:00:00Z") } });
    expect(campaign).toMatchObject({ status: "PAUSED", dailyBudget: { amount: "50.00", currencyCode: "USD" }, campaignGroup: `urn:li:sponsoredCampaignGroup:${group!.id}` });
    expect(campaign!.targetingCriteria).toEqual({
      include: {
        and: [
          { or: { "urn:li:adTargetingFacet:locations": ["urn:li:geo:103644278"] } },
          {
            or: {
              "urn:li:adTargetingFacet:titles": ["urn:li:title:100", "urn:li:title:101", "urn:li:title:102", "urn:li:title:103", "urn:li:title:104", "urn:li:title:105", "urn:li:title:106"],
              "urn:li:adTargetingFacet:industries": ["urn:li:industry:82", "urn:li:industry:81", "urn:li:industry:36"],
            },
          },
        ],
      },
    });
    expect(creative).toMatchObject({ campaign: `urn:li:sponsoredCampaign:${campaign!.id}`, content: { reference: "urn:li:share:77" }, intendedStatus: "DRAFT" });
    expect(outcome.platformIds).toEqual({
      campaignGroupUrn: `urn:li:sponsoredCampaignGroup:${group!.id}`,
      campaignUrn: `urn:li:sponsoredCampaign:${campaign!.id}`,
      creativeUrn: creative!.id,
      unresolvedTargeting: "titles: Podcaster; titles: Newsletter writer; industries: Online Audio and Video Media; industries: Radio and Television Broadcasting",
    });
    expect(server.requests.filter(route("GET", "/rest/adTargetingEntities"))).toHaveLength(15);
  });

  it("a redelivered ad action finds the group, campaign and creative and creates nothing", async () => {
    const action = adAction("linkedin", { sponsoredPostId: "urn:li:share:77" });
    const first = await publisher.publish(action, creds());
    const again = await publisher.publish(action, creds());
    // The resumed run does not re-resolve targeting, so it has no unresolved-names note.
    if (first.status !== "published") throw new Error("first publish failed");
    const { unresolvedTargeting: _, ...ids } = first.platformIds;
    expect(again).toEqual({ ...first, platformIds: ids });
    expect([fake.groups.size, fake.campaigns.size, fake.creatives.size]).toEqual([1, 1, 1]);
  });

  it("after a timeout on a committed campaign, finds it in the group instead of creating a second", async () => {
    server.commitThenStall(createCampaign, 2_000);
    const outcome = await publisher.publish(adAction("linkedin"), creds());
    expect(outcome.status).toBe("published");
    expect(fake.campaigns.size).toBe(1);
    expect(server.requests.filter(createCampaign)).toHaveLength(1);
  });

  it("waits for Retry-After on a 429 from the campaign create, then continues", async () => {
    server.failOnce(createCampaign, { status: 429, headers: { "retry-after": "2" }, body: { status: 429, message: "Too Many Requests" } });
    const outcome = await publisher.publish(adAction("linkedin"), creds());
    expect(outcome.status).toBe("published");
    expect(waits).toEqual([2000]);
    expect(fake.campaigns.size).toBe(1);
  });

  it("reports a 400 validation error on the campaign in plain words, naming the field", async () => {
    server.failOnce(createCampaign, {
      status: 400,
      body: {
        errorDetailType: "com.linkedin.common.error.BadRequest",
        code: "FIELD_VALUE_TOO_LOW",
        message: "Daily budget must be at least 10.00 USD",
        errorDetails: { inputErrors: [{ description: "Daily budget must be at least 10.00 USD", input: { inputPath: { fieldPath: "dailyBudget" } }, code: "FIELD_VALUE_TOO_LOW" }] },
        status: 400,
      },
    });
    const outcome = await publisher.publish(adAction("linkedin"), creds());
    expect(outcome).toEqual({
      status: "failed",
      retryable: false,
      httpStatus: 400,
      reason: "LinkedIn rejected the campaign: Daily budget must be at least 10.00 USD (Daily budget must be at least 10.00 USD at dailyBudget)",
    });
    expect(server.requests.filter(createCampaign)).toHaveLength(1);
  });

  it("reports an expired token on the ad flow as non-retryable", async () => {
    fake.expired = true;
    const outcome = await publisher.publish(adAction("linkedin"), creds());
    expect(outcome).toMatchObject({ status: "failed", retryable: false, httpStatus: 401 });
    expect(outcome.status === "failed" && outcome.reason).toMatch(/LinkedIn access token expired/);
  });
});
