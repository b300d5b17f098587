import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrganicPostAction } from "@pressbridge/core";
import { MetaPublisher } from "../../../packages/adapters/src/publishers/meta-publisher.ts";
import { adAction } from "./fakes/briefs.ts";
import { metaError, metaFake, type MetaFake } from "./fakes/meta-fake.ts";
import { fixedClock, recordingSleep, route, startContractServer, type ContractServer } from "./fakes/fake-kit.ts";

const post: OrganicPostAction = {
  kind: "organic-post",
  key: "plan-1:post:facebook:v1",
  channel: "facebook",
  text: "Acme ships Rocket 2, the fastest rocket yet.",
  link: "https://acme.example/r2?utm_source=facebook",
  facets: [],
};

let server: ContractServer;
let fake: MetaFake;
let waits: number[];
let publisher: MetaPublisher;
const creds = () => ({ accessToken: fake.token, pageId: fake.pageId, adAccountId: `act_${fake.adAccountId}` });
const feed = () => route("POST", `/v26.0/${fake.pageId}/feed`);
const createAdSet = route("POST", /\/adsets$/);

beforeEach(async () => {
  fake = metaFake();
  server = await startContractServer(fake.handler);
  const sleep = recordingSleep();
  waits = sleep.waits;
  publisher = new MetaPublisher({ baseUrl: server.url, sleep: sleep.sleep, clock: fixedClock(), timeoutMs: 300, random: () => 0 });
});
afterEach(async () => {
  expect(server.violations).toEqual([]);
  await server.close();
});

describe("MetaPublisher: Page posts", () => {
  it("posts message and link to the Page feed with access_token as a form field", async () => {
    const outcome = await publisher.publish(post, creds());
    const [id] = [...fake.posts.keys()];
    expect(outcome).toEqual({ status: "published", platformIds: { postId: id }, url: `https://www.facebook.com/${fake.pageId}/posts/${id!.split("_")[1]}` });
    expect(fake.posts.get(id!)).toMatchObject({ message: post.text, link: post.link });
  });

  it("waits for Retry-After on a throttling error, then posts", async () => {
    server.failOnce(feed(), { ...metaError(429, { message: "(#613) Calls to this api have exceeded the rate limit.", code: 613 }), headers: { "retry-after": "4" } });
    const outcome = await publisher.publish(post, creds());
    expect(outcome.status).toBe("published");
    expect(waits).toEqual([4000]);
    expect(fake.posts.size).toBe(1);
  });

  it("a user request limit with a long estimated_time_to_regain_access fails retryable with the wait", async () => {
    server.failOnce(feed(), {
      ...metaError(400, { message: "(#17) User request limit reached", code: 17, error_subcode: 2446079, is_transient: true }),
      headers: { "x-business-use-case-usage": JSON.stringify({ [fake.adAccountId]: [{ type: "ads_management", call_count: 100, total_cputime: 20, total_time: 30, estimated_time_to_regain_access: 5 }] }) },
    });
    const outcome = await publisher.publish(post, creds());
    expect(outcome).toMatchObject({ status: "failed", retryable: true, retryAfterSeconds: 300 });
    expect(fake.posts.size).toBe(0);
  });

  it("slows down when the usage headers report a quota near 100%", async () => {
    fake.answerHeaders = { "x-app-usage": JSON.stringify({ call_count: 95, total_cputime: 10, total_time: 12 }) };
    await publisher.publish(post, creds());
    await publisher.publish({ ...post, key: "k2", text: "second" }, creds());
    expect(waits).toEqual([5000]);
  });

  it("after a timeout on a committed post, finds it in the Page feed instead of posting again", async () => {
    server.commitThenStall(feed(), 2_000);
    const outcome = await publisher.publish(post, creds());
    expect(outcome).toMatchObject({ status: "published", platformIds: { postId: [...fake.posts.keys()][0] } });
    expect(fake.posts.size).toBe(1);
    expect(server.requests.filter(feed())).toHaveLength(1);
  });

  it("treats 506 duplicate on a redelivery as already posted", async () => {
    const first = await publisher.publish(post, creds());
    expect(await publisher.publish(post, creds())).toEqual(first);
    expect(fake.posts.size).toBe(1);
  });

  it("reports an expired token as non-retryable without echoing it", async () => {
    fake.expired = true;
    const outcome = await publisher.publish(post, creds());
    expect(outcome).toMatchObject({ status: "failed", retryable: false, httpStatus: 400 });
    expect(outcome.status === "failed" && outcome.reason).toMatch(/^Meta access token expired or was revoked.*Session has expired/);
    expect(JSON.stringify(outcome)).not.toContain(fake.token);
  });
});

describe("MetaPublisher: paused ads", () => {
  it("creates campaign, ad set, creative and ad, all PAUSED, with resolved targeting and minor-unit budget", async () => {
    const outcome = await publisher.publish(adAction("meta"), creds());
    expect(outcome.status).toBe("published");
    const [campaign] = [...fake.campaigns.values()];
    const [adset] = [...fake.adsets.values()];
    const [creative] = [...fake.creatives.values()];
    const [ad] = [...fake.ads.values()];
    expect(campaign).toMatchObject({ name: "Pressbridge plan-1:ad:meta", objective: "OUTCOME_TRAFFIC", status: "PAUSED", special_ad_categories: "[]" });
    expect(adset).toMatchObject({ campaign_id: campaign!.id, status: "PAUSED", daily_budget: "5000", start_time: "2026-11-21T12:00:00.000Z", end_time: "2026-11-26T12:00:00.000Z", billing_event: "IMPRESSIONS", optimization_goal: "LINK_CLICKS" });
    expect(adset!.targeting).toEqual({
      geo_locations: { countries: ["US"] },
      flexible_spec: [
        {
          work_positions: [
            { id: "109542932398298", name: "Journalist" },
            { id: "105763692790962", name: "Editor" },
            { id: "106096112759869", name: "Reporter" },
            { id: "108480125843293", name: "Blogger" },
          ],
          interests: [{ id: "6003020834693", name: "Journalism" }],
        },
        { interests: [{ id: "6003405486153", name: "Fintech" }, { id: "6003143720966", name: "Financial services" }] },
      ],
    });
    expect(creative!.object_story_spec).toMatchObject({ page_id: fake.pageId, link_data: { link: "https://acme.example/news/launch?utm_source=meta&utm_medium=paid_social", call_to_action: { type: "LEARN_MORE" } } });
    expect(ad).toMatchObject({ adset_id: adset!.id, creative: { id: creative!.id }, status: "PAUSED" });
    expect(outcome.status === "published" && outcome.platformIds).toMatchObject({ campaignId: campaign!.id, adSetId: adset!.id, creativeId: creative!.id, adId: ad!.id });
    expect(outcome.status === "published" && outcome.platformIds.unresolvedTargeting).toMatch(/work_positions: Correspondent/);
  });

  it("a redelivered ad action finds everything by name and creates nothing", async () => {
    const action = adAction("meta");
    const first = await publisher.publish(action, creds());
    const again = await publisher.publish(action, creds());
    expect(again.status === "published" && again.platformIds).toMatchObject({ campaignId: expect.any(String), adId: expect.any(String) });
    expect(again.status === "published" && first.status === "published" && again.platformIds.adId).toBe(first.status === "published" && first.platformIds.adId);
    expect([fake.campaigns.size, fake.adsets.size, fake.creatives.size, fake.ads.size]).toEqual([1, 1, 1, 1]);
  });

  it("after a timeout on a committed ad set, finds it in the campaign instead of creating a second", async () => {
    server.commitThenStall(createAdSet, 2_000);
    const outcome = await publisher.publish(adAction("meta"), creds());
    expect(outcome.status).toBe("published");
    expect(fake.adsets.size).toBe(1);
    expect(fake.ads.size).toBe(1);
  });

  it("reports a 400 validation error in the user's words without retrying", async () => {
    server.failOnce(createAdSet, metaError(400, {
      message: "Invalid parameter",
      code: 100,
      error_subcode: 1885272,
      is_transient: false,
      error_user_title: "Budget Too Low",
      error_user_msg: "Your budget is too low. The minimum budget for this ad set is $1.00.",
    }));
    const outcome = await publisher.publish(adAction("meta"), creds());
    expect(outcome).toEqual({
      status: "failed",
      retryable: false,
      httpStatus: 400,
      reason: "Meta rejected the ad set: Budget Too Low: Your budget is too low. The minimum budget for this ad set is $1.00. (Invalid parameter)",
    });
    expect(server.requests.filter(createAdSet)).toHaveLength(1);
  });
});
