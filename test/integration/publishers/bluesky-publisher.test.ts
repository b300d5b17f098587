import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrganicPostAction } from "@pressbridge/core";
import { BlueskyPublisher, rkeyForActionKey } from "../../../packages/adapters/src/publishers/bluesky-publisher.ts";
import { blueskyFake, type BlueskyFake } from "./fakes/bluesky-fake.ts";
import { fixedClock, recordingSleep, route, startContractServer, type ContractServer } from "./fakes/fake-kit.ts";

const text = "Acme ships Rocket 2: https://acme.example/r2";
const action: OrganicPostAction = {
  kind: "organic-post",
  key: "plan-1:post:bluesky:v1",
  channel: "bluesky",
  text,
  link: "https://acme.example/r2",
  facets: [{ index: { byteStart: 21, byteEnd: 44 }, features: [{ $type: "app.bsky.richtext.facet#link", uri: "https://acme.example/r2" }] }],
};

let server: ContractServer;
let fake: BlueskyFake;
let waits: number[];
let publisher: BlueskyPublisher;
const creds = () => ({ identifier: fake.identifier, appPassword: fake.password });
const createRecord = route("POST", "/xrpc/com.atproto.repo.createRecord");

beforeEach(async () => {
  fake = blueskyFake();
  server = await startContractServer(fake.handler);
  const sleep = recordingSleep();
  waits = sleep.waits;
  publisher = new BlueskyPublisher({ baseUrl: server.url, sleep: sleep.sleep, clock: fixedClock(), timeoutMs: 300, random: () => 0 });
});
afterEach(async () => {
  expect(server.violations).toEqual([]);
  await server.close();
});

describe("BlueskyPublisher against a loopback PDS", () => {
  it("signs in once, creates the post under a deterministic rkey with its link facets, and returns the bsky.app URL", async () => {
    const outcome = await publisher.publish(action, creds());
    const rkey = rkeyForActionKey(action.key);
    expect(outcome).toEqual({
      status: "published",
      platformIds: { uri: `at://${fake.did}/app.bsky.feed.post/${rkey}`, did: fake.did, rkey },
      url: `https://bsky.app/profile/${fake.did}/post/${rkey}`,
    });
    const stored = fake.records.get(rkey)!.value;
    expect(stored).toEqual({ $type: "app.bsky.feed.post", text, createdAt: "2026-11-21T12:00:00.000Z", facets: action.facets });
    // A second action reuses the session.
    await publisher.publish({ ...action, key: "plan-2:post:bluesky:v1" }, creds());
    expect(fake.sessionsCreated).toBe(1);
    expect(fake.records.size).toBe(2);
  });

  it("derives a TID-shaped rkey that is stable per action key", () => {
    expect(rkeyForActionKey("a")).toMatch(/^[234567a-j][234567a-z]{12}$/);
    expect(rkeyForActionKey("a")).toBe(rkeyForActionKey("a"));
    expect(rkeyForActionKey("a")).not.toBe(rkeyForActionKey("b"));
  });

  it("waits for Retry-After on a 429, then posts", async () => {
    server.failOnce(createRecord, { status: 429, headers: { "retry-after": "7" }, body: { error: "RateLimitExceeded", message: "Rate Limit Exceeded" } });
    const outcome = await publisher.publish(action, creds());
    expect(outcome.status).toBe("published");
    expect(waits).toEqual([7000]);
    expect(fake.records.size).toBe(1);
  });

  it("still throttled after its attempts: fails retryable and passes the platform's last wait on", async () => {
    for (const seconds of [7, 7, 9]) server.failOnce(createRecord, { status: 429, headers: { "retry-after": String(seconds) }, body: { error: "RateLimitExceeded", message: "Rate Limit Exceeded" } });
    const outcome = await publisher.publish(action, creds());
    expect(outcome).toMatchObject({ status: "failed", retryable: true, httpStatus: 429, retryAfterSeconds: 9 });
    expect(waits).toEqual([7000, 7000]);
    expect(fake.records.size).toBe(0);
  });

  it("after a timeout on a committed create, finds the record by rkey instead of posting again", async () => {
    server.commitThenStall(createRecord, 2_000);
    const outcome = await publisher.publish(action, creds());
    expect(outcome.status).toBe("published");
    expect(fake.records.size).toBe(1);
    expect(server.requests.filter(createRecord)).toHaveLength(1);
    expect(server.requests.map((r) => r.path)).toContain("/xrpc/com.atproto.repo.getRecord");
  });

  it("a redelivered action hits the existing rkey and reports the existing post", async () => {
    const first = await publisher.publish(action, creds());
    const again = await publisher.publish(action, creds());
    expect(again).toEqual(first);
    expect(fake.records.size).toBe(1);
  });

  it("reports a validation error in plain words without retrying", async () => {
    const outcome = await publisher.publish({ ...action, text: "x".repeat(301), facets: [] }, creds());
    expect(outcome).toMatchObject({ status: "failed", retryable: false, httpStatus: 400 });
    expect(outcome.status === "failed" && outcome.reason).toMatch(/^Bluesky rejected the post: .*300 graphemes/);
    expect(server.requests.filter(createRecord)).toHaveLength(1);
  });

  it("refreshes an expired access token once and posts", async () => {
    await publisher.publish({ ...action, key: "warm-up" }, creds());
    fake.expireAccessTokens();
    const outcome = await publisher.publish(action, creds());
    expect(outcome.status).toBe("published");
    expect(fake.refreshes).toBe(1);
    expect(fake.sessionsCreated).toBe(1);
  });

  it("fails non-retryable when the session expired and the app password was revoked, without echoing it", async () => {
    await publisher.publish({ ...action, key: "warm-up" }, creds());
    fake.expireAccessTokens();
    fake.expireRefreshTokens();
    const oldPassword = fake.password;
    fake.password = "revoked";
    const outcome = await publisher.publish(action, { identifier: fake.identifier, appPassword: oldPassword });
    expect(outcome).toMatchObject({ status: "failed", retryable: false });
    expect(outcome.status === "failed" && outcome.reason).toMatch(/Bluesky rejected the handle or app password/);
    expect(JSON.stringify(outcome)).not.toContain(oldPassword);
    expect(fake.records.size).toBe(1);
  });

  it("a client with the same handle but another app password does not borrow the cached session", async () => {
    await publisher.publish({ ...action, key: "warm-up" }, creds());
    const outcome = await publisher.publish(action, { identifier: fake.identifier, appPassword: "someone-elses-guess" });
    expect(outcome).toMatchObject({ status: "failed", retryable: false });
    expect(outcome.status === "failed" && outcome.reason).toMatch(/Bluesky rejected the handle or app password/);
    expect(fake.records.has(rkeyForActionKey(action.key))).toBe(false);
    expect(fake.sessionsCreated).toBe(1);
  });

  it("fails plainly when credentials are missing", async () => {
    const outcome = await publisher.publish(action, { identifier: "x" });
    expect(outcome).toEqual({ status: "failed", retryable: false, reason: "Bluesky credentials are missing appPassword; add them to the client's secrets" });
    expect(server.requests).toHaveLength(0);
  });
});
