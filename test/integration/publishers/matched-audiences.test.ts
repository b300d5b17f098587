import { createHash, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { MemoryAudienceStore, audienceName, type AdPlatform, type AudienceStore, type PausedAdAction } from "@pressbridge/core";
import { createDynamoClient, ensureTable } from "@pressbridge/adapters";
import { DynamoAudienceStore } from "../../../packages/adapters/src/dynamodb-audience-store.ts";
import { LinkedInPublisher } from "../../../packages/adapters/src/publishers/linkedin-publisher.ts";
import { MetaPublisher } from "../../../packages/adapters/src/publishers/meta-publisher.ts";
import { XPublisher } from "../../../packages/adapters/src/publishers/x-publisher.ts";
import { DryRunPublisher } from "../../../packages/adapters/src/publishers/dry-run-publisher.ts";
import { adAction } from "./fakes/briefs.ts";
import { linkedInFake, type LinkedInFake } from "./fakes/linkedin-fake.ts";
import { metaFake, type MetaFake } from "./fakes/meta-fake.ts";
import { xFake, type XFake } from "./fakes/x-fake.ts";
import { fixedClock, recordingSleep, route, startContractServer, type ContractServer } from "./fakes/fake-kit.ts";

/**
 * Matched audiences (issue #16) against the loopback contract servers: each platform's audience
 * endpoints (create, add/remove batches, status) are checked by the fakes, which also count every
 * batch, so a duplicated audience or a re-uploaded list shows.
 */

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");
const emails = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => sha(`journalist${from + i}@news.example`));

/** The platform's real brief with a media list of these hashes (and X handles), in these countries. */
function actionWith(platform: AdPlatform, hashedEmails: string[], options: { plan?: string; locations?: string[]; handles?: string[] } = {}): PausedAdAction {
  const action = adAction(platform);
  const brief = structuredClone(action.brief) as { audience: Record<string, unknown> };
  const sorted = [...hashedEmails].sort();
  brief.audience.matchedAudience = {
    clientId: "acme",
    source: "journalists.csv",
    hashedEmails: sorted,
    count: sorted.length,
    hashing: "SHA-256 of trimmed, lower-cased email",
    ...(options.handles === undefined ? {} : { hashedXHandles: options.handles }),
  };
  if (options.locations !== undefined) brief.audience.locations = options.locations;
  const key = `${options.plan ?? "plan-1"}:ad:${platform}`;
  return { ...action, key, name: `Pressbridge ${key}`, brief };
}

let servers: ContractServer[] = [];
afterEach(async () => {
  for (const s of servers) {
    expect(s.violations).toEqual([]);
    await s.close();
  }
  servers = [];
});
async function serve(handler: Parameters<typeof startContractServer>[0]): Promise<ContractServer> {
  const server = await startContractServer(handler);
  servers.push(server);
  return server;
}
const http = () => {
  const sleep = recordingSleep();
  return { waits: sleep.waits, options: { sleep: sleep.sleep, clock: fixedClock(), timeoutMs: 500, random: () => 0 } };
};

describe("LinkedIn: DMP segment of the media list", () => {
  async function setup(audiences: AudienceStore = new MemoryAudienceStore()) {
    const fake: LinkedInFake = linkedInFake();
    const server = await serve(fake.handler);
    const h = http();
    const publisher = new LinkedInPublisher({ baseUrl: server.url, ...h.options, audiences });
    const creds = { accessToken: fake.token, organizationId: fake.organizationId, adAccountId: fake.adAccountId };
    return { fake, server, publisher, creds, waits: h.waits };
  }

  it("first publish creates the segment, uploads every member in batches of 1,000, and targets it with the beat facets", async () => {
    const { fake, publisher, creds, waits } = await setup();
    const outcome = await publisher.publish(actionWith("linkedin", emails(2_500)), creds);
    expect(outcome.status).toBe("published");
    expect(fake.segments.size).toBe(1);
    const [segment] = [...fake.segments.values()];
    expect(segment!.name).toBe(audienceName("acme", "linkedin"));
    expect(segment!.members.size).toBe(2_500);
    expect(fake.userBatches.map((b) => b.add)).toEqual([1_000, 1_000, 500]);
    expect(waits).toContain(5_000);
    const [campaign] = [...fake.campaigns.values()];
    const and = (campaign!.targetingCriteria as { include: { and: Array<{ or: Record<string, string[]> }> } }).include.and;
    const beat = and.find((c) => "urn:li:adTargetingFacet:titles" in c.or)!;
    expect(beat.or["urn:li:adTargetingFacet:audienceMatchingSegments"]).toEqual([segment!.adSegment]);
    expect(and.find((c) => "urn:li:adTargetingFacet:locations" in c.or)!.or["urn:li:adTargetingFacet:locations"]).toEqual(["urn:li:geo:103644278"]);
    expect(outcome.status === "published" && outcome.platformIds).toMatchObject({ audienceId: segment!.id, audienceSent: "2500", audienceStatus: "BUILDING" });
    expect(outcome.status === "published" && outcome.audience).toEqual({ platform: "linkedin", id: segment!.id, sent: 2_500, matched: null, status: "BUILDING", fallback: null });
  });

  it("a later plan sends only the 2 members added and the 1 removed, to the same segment", async () => {
    const { fake, publisher, creds } = await setup();
    const list = emails(400);
    await publisher.publish(actionWith("linkedin", list), creds);
    const before = fake.userBatches.length;
    const changed = [...list.slice(1), ...emails(2, 1_000)];
    const outcome = await publisher.publish(actionWith("linkedin", changed, { plan: "plan-2" }), creds);
    expect(outcome.status).toBe("published");
    expect(fake.segments.size).toBe(1);
    expect(fake.userBatches.slice(before)).toEqual([
      { segmentId: [...fake.segments.keys()][0], add: 0, remove: 1 },
      { segmentId: [...fake.segments.keys()][0], add: 2, remove: 0 },
    ]);
    expect([...fake.segments.values()][0]!.members).toEqual(new Set(changed));
  });

  it("targets the brief's locations (not the United States) and sets the locale from them", async () => {
    const { fake, publisher, creds } = await setup();
    const action = actionWith("linkedin", emails(300), { locations: ["DE", "AT"] });
    const brief = action.brief as { audience: { targeting: { targetingCriteria: { include: { and: Array<{ or: Record<string, string[]> }> } } } } };
    brief.audience.targeting.targetingCriteria.include.and[0]!.or["urn:li:adTargetingFacet:locations"] = ["Germany", "Austria"];
    expect((await publisher.publish(action, creds)).status).toBe("published");
    const [campaign] = [...fake.campaigns.values()];
    expect(campaign!.locale).toEqual({ country: "DE", language: "en" });
    const and = (campaign!.targetingCriteria as { include: { and: Array<{ or: Record<string, string[]> }> } }).include.and;
    expect(and.find((c) => "urn:li:adTargetingFacet:locations" in c.or)!.or["urn:li:adTargetingFacet:locations"]).toEqual(["urn:li:geo:101282230", "urn:li:geo:103883259"]);
  });

  it("keeps the segment and its members in DynamoDB: a new process reuses it and sends only the change", async () => {
    const client = createDynamoClient({ endpoint: inject("dynamoEndpoint") });
    const tableName = `t-${randomUUID()}`;
    await ensureTable(client, tableName);
    try {
      const store = new DynamoAudienceStore({ client, tableName });
      const first = await setup(store);
      const list = emails(320);
      await first.publisher.publish(actionWith("linkedin", list), first.creds);
      expect(await store.members("acme", "linkedin")).toEqual(new Set(list.map((h) => `e:${h}`)));
      expect(await store.get("acme", "linkedin")).toMatchObject({ audienceId: [...first.fake.segments.keys()][0], memberCount: 320, status: "BUILDING" });

      // Another adapter instance (another Lambda) against a platform that already has the segment.
      const second = new LinkedInPublisher({ baseUrl: first.server.url, ...http().options, audiences: new DynamoAudienceStore({ client, tableName }) });
      const before = first.fake.userBatches.length;
      await second.publish(actionWith("linkedin", [...list, ...emails(1, 9_000)], { plan: "plan-2" }), first.creds);
      expect(first.fake.segments.size).toBe(1);
      expect(first.fake.userBatches.slice(before)).toEqual([{ segmentId: [...first.fake.segments.keys()][0], add: 1, remove: 0 }]);
      expect((await store.members("acme", "linkedin")).size).toBe(321);
    } finally {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    }
  });
});

describe("Meta: customer-list Custom Audience", () => {
  async function setup() {
    const fake: MetaFake = metaFake();
    const server = await serve(fake.handler);
    const publisher = new MetaPublisher({ baseUrl: server.url, ...http().options });
    const creds = { accessToken: fake.token, pageId: fake.pageId, adAccountId: `act_${fake.adAccountId}` };
    return { fake, server, publisher, creds };
  }
  const usersPost = route("POST", /\/\d+\/users$/);

  it("uploads in batches of 10,000 and puts the audience in the ad set's custom_audiences with the brief's countries", async () => {
    const { fake, publisher, creds } = await setup();
    const outcome = await publisher.publish(actionWith("meta", emails(10_050), { locations: ["DE"] }), creds);
    expect(outcome.status).toBe("published");
    const [audience] = [...fake.audiences.values()];
    expect(audience!.members.size).toBe(10_050);
    expect(fake.userBatches.map((b) => [b.method, b.records, b.session.batch_seq, b.session.last_batch_flag])).toEqual([
      ["POST", 10_000, 1, false],
      ["POST", 50, 2, true],
    ]);
    const [adSet] = [...fake.adsets.values()];
    expect(adSet!.targeting).toEqual({ geo_locations: { countries: ["DE"] }, custom_audiences: [{ id: audience!.id }] });
  });

  it("a later plan removes 1 member (DELETE) and adds 2 (POST), nothing else", async () => {
    const { fake, publisher, creds } = await setup();
    const list = emails(150);
    await publisher.publish(actionWith("meta", list), creds);
    const before = fake.userBatches.length;
    await publisher.publish(actionWith("meta", [...list.slice(1), ...emails(2, 500)], { plan: "plan-2" }), creds);
    expect(fake.audiences.size).toBe(1);
    expect(fake.userBatches.slice(before).map((b) => [b.method, b.records])).toEqual([["DELETE", 1], ["POST", 2]]);
  });

  it("a retry after a failure mid-upload neither creates a second audience nor resends the batch that succeeded", async () => {
    const { fake, server, publisher, creds } = await setup();
    const list = emails(10_050);
    const secondUpload = (r: Parameters<typeof usersPost>[0]) =>
      usersPost(r) && (JSON.parse(String((r.body as Record<string, unknown>).session)) as { batch_seq: number }).batch_seq === 2;
    for (let i = 0; i < 3; i++) server.failOnce(secondUpload, { status: 500, body: { error: { message: "An unexpected error has occurred.", code: 2, is_transient: true } } });
    const failed = await publisher.publish(actionWith("meta", list), creds);
    expect(failed).toMatchObject({ status: "failed", retryable: true });
    expect(fake.userBatches.map((b) => b.records)).toEqual([10_000]);
    const retried = await publisher.publish(actionWith("meta", list), creds);
    expect(retried.status).toBe("published");
    expect(fake.audiences.size).toBe(1);
    expect(fake.userBatches.map((b) => b.records)).toEqual([10_000, 50]);
    expect([...fake.audiences.values()][0]!.members.size).toBe(10_050);
    expect(server.requests.filter(route("POST", /\/customaudiences$/))).toHaveLength(1);
  });

  it("terms of service not accepted: no audience, facet targeting, and the reason recorded", async () => {
    const { fake, publisher, creds } = await setup();
    fake.tosMissing = true;
    const outcome = await publisher.publish(actionWith("meta", emails(200)), creds);
    expect(outcome.status).toBe("published");
    const [adSet] = [...fake.adsets.values()];
    expect((adSet!.targeting as Record<string, unknown>).custom_audiences).toBeUndefined();
    expect(outcome.status === "published" && outcome.platformIds.audienceFallback).toMatch(/Terms of service has not been accepted/);
  });
});

describe("X: custom audience of hashed emails and handles", () => {
  async function setup() {
    const fake: XFake = xFake();
    const server = await serve(fake.handler);
    const publisher = new XPublisher({ baseUrl: server.url, adsBaseUrl: server.url, ...http().options });
    const creds = {
      consumerKey: fake.secrets.consumerKey,
      consumerSecret: fake.secrets.consumerSecret,
      accessToken: fake.secrets.token,
      accessTokenSecret: fake.secrets.tokenSecret,
      adsAccountId: fake.accountId,
      fundingInstrumentId: fake.fundingInstrumentId,
    };
    return { fake, server, publisher, creds };
  }

  it("a list below 100 is neither created nor attached, and the reason is recorded (in a dry run too)", async () => {
    const { fake, server, publisher, creds } = await setup();
    const action = actionWith("x", emails(3));
    const outcome = await publisher.publish(action, creds);
    expect(outcome.status).toBe("published");
    expect(fake.audiences.size).toBe(0);
    expect(server.requests.filter(route("POST", /custom_audiences/))).toHaveLength(0);
    expect([...fake.criteria.values()].some((c) => c.targeting_type === "CUSTOM_AUDIENCE")).toBe(false);
    expect(outcome.status === "published" && outcome.platformIds.audienceFallback).toMatch(/3 contacts, below X's minimum of 100/);
    const dry = await new DryRunPublisher({ clock: fixedClock() }).publish(action, {});
    expect(dry.status === "published" && dry.dryRun?.note).toMatch(/^Matched audience not attached: the media list has 3 contacts/);
  });

  it("uploads emails and handles in batches of 2,500 and attaches the audience once X says it is targetable", async () => {
    const { fake, publisher, creds } = await setup();
    fake.newAudience = { targetable: true, reasons: [], audienceSize: 2_000 };
    const handles = emails(100, 50_000);
    const outcome = await publisher.publish(actionWith("x", emails(2_450), { handles, locations: ["DE"] }), creds);
    expect(outcome.status).toBe("published");
    const [audience] = [...fake.audiences.values()];
    expect(audience!.members.size).toBe(2_550);
    expect(fake.userBatches.map((b) => [b.operation, b.users])).toEqual([["Update", 2_500], ["Update", 50]]);
    const criteria = [...fake.criteria.values()].map((c) => [c.targeting_type, c.targeting_value]);
    expect(criteria).toContainEqual(["CUSTOM_AUDIENCE", audience!.id]);
    expect(criteria.filter(([t]) => t === "LOCATION")).toEqual([["LOCATION", fake.locations.DE]]);
    expect(outcome.status === "published" && outcome.audience).toMatchObject({ platform: "x", id: audience!.id, sent: 2_550, matched: 2_000, status: "TARGETABLE", fallback: null });
  });

  it("an audience still processing is not attached (X refuses a non-targetable one) and says why", async () => {
    const { fake, publisher, creds } = await setup();
    const outcome = await publisher.publish(actionWith("x", emails(150)), creds);
    expect(outcome.status).toBe("published");
    expect(fake.audiences.size).toBe(1);
    expect([...fake.criteria.values()].some((c) => c.targeting_type === "CUSTOM_AUDIENCE")).toBe(false);
    expect(outcome.status === "published" && outcome.platformIds.audienceFallback).toMatch(/not made the matched audience targetable yet \(PROCESSING, TOO_SMALL/);
  });
});

describe("dry run", () => {
  it("records the audience requests with hashes only, a count and the first hash", async () => {
    const list = emails(320);
    const outcome = await new DryRunPublisher({ clock: fixedClock() }).publish(actionWith("linkedin", list), {});
    expect(outcome.status).toBe("published");
    const requests = outcome.status === "published" ? (outcome.dryRun?.requests ?? []) : [];
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`).slice(0, 4)).toEqual([
      "GET /rest/dmpSegments",
      "POST /rest/dmpSegments",
      "POST /rest/dmpSegments/%7Bdmp%20segment%20id%7D/users",
      "GET /rest/dmpSegments/%7Bdmp%20segment%20id%7D",
    ]);
    const upload = requests[2]!;
    expect(upload.label).toBe("add 320 hashed emails to the matched audience (batch 1 of 1)");
    expect(upload.body).toEqual({ elements: [{ action: "ADD", userIds: [{ idType: "SHA256_EMAIL", idValue: [...list].sort()[0] }] }, "… and 319 more SHA-256 hashes (320 in all)"] });
    expect(JSON.stringify(requests)).not.toContain("@");
  });
});
