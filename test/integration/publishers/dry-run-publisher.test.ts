import { afterEach, describe, expect, it } from "vitest";
import type { OrganicPostAction, PublishAction } from "@pressbridge/core";
import { DryRunPublisher, type DryRunRequest } from "../../../packages/adapters/src/publishers/dry-run-publisher.ts";
import { BlueskyPublisher } from "../../../packages/adapters/src/publishers/bluesky-publisher.ts";
import { LinkedInPublisher } from "../../../packages/adapters/src/publishers/linkedin-publisher.ts";
import { MetaPublisher } from "../../../packages/adapters/src/publishers/meta-publisher.ts";
import { XPublisher } from "../../../packages/adapters/src/publishers/x-publisher.ts";
import { createPublisherDirectory } from "../../../packages/adapters/src/publishers/publisher-directory.ts";
import { adAction } from "./fakes/briefs.ts";
import { blueskyFake } from "./fakes/bluesky-fake.ts";
import { linkedInFake } from "./fakes/linkedin-fake.ts";
import { metaFake } from "./fakes/meta-fake.ts";
import { xFake } from "./fakes/x-fake.ts";
import { fixedClock, startContractServer, type ContractRequest, type ContractServer } from "./fakes/fake-kit.ts";

const clock = fixedClock();
const organic = (channel: OrganicPostAction["channel"]): OrganicPostAction => ({
  kind: "organic-post",
  key: `plan-1:post:${channel}:v1`,
  channel,
  text: "Acme ships Rocket 2: https://acme.example/r2",
  link: "https://acme.example/r2",
  facets: channel === "bluesky" ? [{ index: { byteStart: 21, byteEnd: 44 }, features: [{ $type: "app.bsky.richtext.facet#link", uri: "https://acme.example/r2" }] }] : [],
});

let servers: ContractServer[] = [];
afterEach(async () => {
  for (const s of servers) {
    expect(s.violations).toEqual([]);
    await s.close();
  }
  servers = [];
});

/** Ids differ (placeholders vs the fake's); compare with every id-like token normalised. */
const normaliseText = (text: string): string =>
  text
    .replace(/\{[^}]*\}/g, ":id")
    .replace(/did:plc:\w+/g, ":id")
    .replace(/urn:li:\w+::id|urn:li:\w+:\d+/g, ":id")
    .replace(/\b[0-9a-f]{16}\b|\b[0-9a-f]{5}\b|\b\d{5,}\b/g, ":id")
    .replace(/:id_:id/g, ":id");
const normalise = (value: unknown): unknown =>
  typeof value === "string"
    ? normaliseText(value)
    : Array.isArray(value)
      ? value.map(normalise)
      : typeof value === "object" && value !== null
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === "targetingCriteria" || k === "targeting" ? skeleton(v) : normalise(v)]))
        : value;
/**
 * Resolved targeting values depend on the platform's search answers (the dry run echoes every name as
 * a placeholder; the fake leaves some unresolved), so targeting is compared by its structure only.
 */
const skeleton = (value: unknown): unknown =>
  Array.isArray(value) ? (value.every((v) => typeof v !== "object") || value.every((v) => typeof v === "object" && v !== null && "id" in v) ? "[values]" : value.map(skeleton)) : typeof value === "object" && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, skeleton(v)])) : value;
const tryJson = (v: string): unknown => {
  try {
    return /^[[{]/.test(v) ? (JSON.parse(v) as unknown) : v;
  } catch {
    return v;
  }
};
/** JSON-encoded form fields (Meta, X) are compared decoded. */
const decodeFields = (body: unknown): unknown =>
  typeof body === "object" && body !== null && !Array.isArray(body)
    ? Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? tryJson(v) : v]))
    : body;

function urlShape(path: string, query: URLSearchParams, raw: string): string {
  query.delete("access_token");
  const qs = raw.includes("List(") ? raw : query.toString();
  return normaliseText(decodeURIComponent(`${path}${qs === "" ? "" : `?${qs}`}`));
}
function sentShape(r: ContractRequest, _base: string): { method: string; url: string; body: unknown } {
  const body = r.body === undefined ? null : (structuredClone(r.body) as Record<string, unknown>);
  if (body !== null && typeof body === "object") delete body.access_token;
  return { method: r.method, url: urlShape(r.path, new URLSearchParams(r.rawQuery), r.rawQuery), body: normalise(decodeFields(body)) };
}
function recordedShape(r: DryRunRequest, _base: string): { method: string; url: string; body: unknown } {
  const url = new URL(r.url);
  return { method: r.method, url: urlShape(url.pathname, new URLSearchParams(url.search), url.search.replace(/^\?/, "")), body: normalise(decodeFields(r.body)) };
}

async function compare(action: PublishAction, make: (url: string) => { publisher: { publish: PublishAction extends never ? never : (a: PublishAction, c: Record<string, string>) => Promise<unknown> }; creds: Record<string, string>; server: ContractServer }) {
  const real = make("");
  await real.publisher.publish(action, real.creds);
  const dry = new DryRunPublisher({ clock });
  const outcome = await dry.publish(action, real.creds);
  const [record] = dry.recorded;
  expect(outcome).toEqual({ status: "published", platformIds: { dryRun: action.key }, url: null, dryRun: { requests: record!.requests, note: record!.note } });
  const secrets = Object.entries(real.creds).filter(([k]) => /token|secret|password/i.test(k));
  const redact = (v: unknown): unknown => JSON.parse(secrets.reduce((text, [k, secret]) => text.split(secret).join(`<${k}>`), JSON.stringify(v)));
  const sent = real.server.requests.map((r) => redact(sentShape(r, "")));
  const recorded = record!.requests.map((r) => recordedShape(r, ""));
  expect(recorded).toEqual(sent);
  for (const secret of Object.entries(real.creds).filter(([k]) => /token|secret|password/i.test(k)).map(([, v]) => v)) {
    expect(JSON.stringify(dry.recorded)).not.toContain(secret);
  }
  return record!;
}

describe("DryRunPublisher records exactly what the real adapters send", () => {
  it("LinkedIn post and paused ad", async () => {
    for (const action of [organic("linkedin"), adAction("linkedin", { sponsoredPostId: "urn:li:share:77" })]) {
      const fake = linkedInFake();
      const server = await startContractServer(fake.handler);
      servers.push(server);
      const record = await compare(action, () => ({
        publisher: new LinkedInPublisher({ baseUrl: server.url, clock, sleep: async () => {} }),
        creds: { accessToken: fake.token, organizationId: fake.organizationId, adAccountId: fake.adAccountId },
        server,
      }));
      expect(record.requests[0]!.headers).toMatchObject({ "LinkedIn-Version": "202605", "X-Restli-Protocol-Version": "2.0.0", authorization: "<Bearer <LinkedIn OAuth access token>>" });
      expect(record.requests[0]!.url).toMatch(/^https:\/\/api\.linkedin\.com\/rest\//);
    }
  });

  it("Meta Page post and paused ad", async () => {
    for (const action of [organic("facebook"), adAction("meta")]) {
      const fake = metaFake();
      const server = await startContractServer(fake.handler);
      servers.push(server);
      const record = await compare(action, () => ({
        publisher: new MetaPublisher({ baseUrl: server.url, clock, sleep: async () => {} }),
        creds: { accessToken: fake.token, pageId: fake.pageId, adAccountId: fake.adAccountId },
        server,
      }));
      expect(record.requests.at(-1)!.url).toMatch(/^https:\/\/graph\.facebook\.com\/v26\.0\//);
    }
  });

  it("X post and paused ad", async () => {
    for (const action of [organic("x"), adAction("x")]) {
      const fake = xFake();
      const server = await startContractServer(fake.handler);
      servers.push(server);
      await compare(action, () => ({
        publisher: new XPublisher({ baseUrl: server.url, adsBaseUrl: server.url, clock, sleep: async () => {} }),
        creds: { consumerKey: fake.secrets.consumerKey, consumerSecret: fake.secrets.consumerSecret, accessToken: fake.secrets.token, accessTokenSecret: fake.secrets.tokenSecret, adsAccountId: fake.accountId, fundingInstrumentId: fake.fundingInstrumentId },
        server,
      }));
    }
  });

  it("Bluesky post, with the app password redacted from the recorded createSession", async () => {
    const fake = blueskyFake();
    const server = await startContractServer(fake.handler);
    servers.push(server);
    const record = await compare(organic("bluesky"), () => ({
      publisher: new BlueskyPublisher({ baseUrl: server.url, clock, sleep: async () => {} }),
      creds: { identifier: fake.identifier, appPassword: fake.password },
      server,
    }));
    expect(record.requests[0]!.body).toEqual({ identifier: fake.identifier, password: "<appPassword>" });
  });

  it("with no credentials, records the requests with {placeholders} to fill in", async () => {
    const dry = new DryRunPublisher({ clock });
    await dry.publish(adAction("meta"), {});
    const [record] = dry.recorded;
    expect(record!.requests.map((r) => `${r.method} ${r.label}`)).toContain("POST create the ad (PAUSED)");
    expect(decodeURIComponent(record!.requests[0]!.url)).toContain("/act_{adAccountId}/campaigns");
    expect(record!.note).toBeNull();
  });

  it("the publish consumer's long-lived dry-run publisher returns each record with its outcome and keeps no list", async () => {
    const dry = createPublisherDirectory({ clock }).dryRun as DryRunPublisher;
    for (let i = 0; i < 3; i++) {
      const outcome = await dry.publish(organic("x"), {});
      expect(outcome).toMatchObject({ status: "published", dryRun: { requests: [expect.objectContaining({ method: "POST", url: "https://api.x.com/2/tweets" })] } });
    }
    expect(dry.recorded).toEqual([]);
  });

  it("channels without an adapter are recorded with a note", async () => {
    const dry = new DryRunPublisher({ clock });
    expect(await dry.publish(organic("instagram"), {})).toEqual({
      status: "published",
      platformIds: { dryRun: "plan-1:post:instagram:v1" },
      url: null,
      dryRun: { requests: [], note: "Pressbridge has no API adapter for instagram; post this text by hand." },
    });
    expect(dry.recorded[0]).toMatchObject({ platform: "instagram", requests: [], note: expect.stringMatching(/no API adapter for instagram/) });
  });
});
