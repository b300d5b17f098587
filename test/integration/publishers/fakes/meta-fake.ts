import { expectContract, isObject, type ContractHandler, type ContractReply, type ContractRequest } from "./fake-kit.ts";

/**
 * Meta's Graph API as far as the publisher uses it (platform-apis.md §2): Page feed posts, campaigns,
 * ad sets, ad creatives, ads, their list/filter reads and targeting search. Versioned paths; the token
 * in `access_token` (form field on POST, query on GET); form bodies with nested JSON strings; answers
 * `{id}` / `{data: […]}` and errors `{error: {message, type, code, error_subcode, fbtrace_id}}`.
 */
export interface MetaFake {
  handler: ContractHandler;
  version: string;
  token: string;
  pageId: string;
  adAccountId: string;
  expired: boolean;
  posts: Map<string, Record<string, unknown>>;
  campaigns: Map<string, Record<string, unknown>>;
  adsets: Map<string, Record<string, unknown>>;
  creatives: Map<string, Record<string, unknown>>;
  ads: Map<string, Record<string, unknown>>;
  /** Headers added to every answer (usage headers). */
  answerHeaders: Record<string, string>;
  /** Customer-list custom audiences by id, with the SHA-256 emails they hold. */
  audiences: Map<string, { id: string; name: string; members: Set<string> }>;
  /** Every users request: audience id, method, records. */
  userBatches: Array<{ audienceId: string; method: string; records: number; session: Record<string, unknown> }>;
  /** What an audience reports (delivery_status code; operation_status code). */
  audienceStatus: { delivery: number; operation: number; lowerBound: number };
  /** Answer custom audience creates with the ToS error (#2663). */
  tosMissing: boolean;
}

const SEARCH: Record<string, Array<{ id: string; name: string }>> = {
  adworkposition: [
    { id: "109542932398298", name: "Journalist" },
    { id: "105763692790962", name: "Editor" },
    { id: "106096112759869", name: "Reporter" },
    { id: "108480125843293", name: "Blogger" },
  ],
  adinterest: [
    { id: "6003020834693", name: "Journalism" },
    { id: "6003405486153", name: "Fintech" },
    { id: "6003143720966", name: "Financial services" },
  ],
};

export const metaError = (status: number, error: Record<string, unknown>): ContractReply => ({
  status,
  body: { error: { type: "OAuthException", fbtrace_id: "AbCdEfGh123", ...error } },
});

function parseJsonField(form: Record<string, unknown>, key: string): unknown {
  const raw = form[key];
  expectContract(typeof raw === "string", `${key} must be a JSON-encoded form field`);
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new Error(`${key} is not valid JSON`);
  }
}

export function metaFake(): MetaFake {
  let next = 120210000000000;
  const fake: MetaFake = {
    handler: (request) => {
      const reply = handle(request);
      return { ...reply, headers: { ...fake.answerHeaders, ...(reply.headers ?? {}) } };
    },
    version: "v26.0",
    token: "EAAB-meta-token-xyz789",
    pageId: "104958162837",
    adAccountId: "1234567890",
    expired: false,
    posts: new Map(),
    campaigns: new Map(),
    adsets: new Map(),
    creatives: new Map(),
    ads: new Map(),
    answerHeaders: {},
    audiences: new Map(),
    userBatches: [],
    audienceStatus: { delivery: 200, operation: 200, lowerBound: 1000 },
    tosMissing: false,
  };
  const newId = (): string => String(next++);
  const data = (rows: Array<Record<string, unknown>>, fields: string | null): ContractReply => {
    const keep = (fields ?? "id").split(",");
    return { status: 200, body: { data: rows.map((r) => Object.fromEntries(keep.filter((k) => k in r).map((k) => [k, r[k]]))), paging: { cursors: { before: "a", after: "b" } } } };
  };
  const nameFilter = (request: ContractRequest): string => {
    const filtering = JSON.parse(request.query.get("filtering") ?? "[]") as Array<{ field: string; operator: string; value: string }>;
    const byName = filtering.find((f) => f.field === "name" && f.operator === "EQUAL");
    expectContract(byName !== undefined, "filtering by name EQUAL expected");
    return byName.value;
  };

  function handle(request: ContractRequest): ContractReply {
    const prefix = `/${fake.version}/`;
    expectContract(request.path.startsWith(prefix), `paths are versioned (${prefix})`);
    const path = request.path.slice(prefix.length - 1);
    const form = isObject(request.body) ? request.body : {};
    if (request.method === "POST") expectContract(request.contentType?.startsWith("application/x-www-form-urlencoded"), "POST bodies are form fields");
    const token = request.method === "GET" ? request.query.get("access_token") : form.access_token;
    expectContract(request.headers.authorization === undefined, "the token goes in access_token, not a header");
    if (token !== fake.token) return metaError(400, { message: "Invalid OAuth access token - Cannot parse access token", code: 190 });
    if (fake.expired) {
      return metaError(400, { message: "Error validating access token: Session has expired on Friday, 20-Nov-26 10:00:00 PST.", code: 190, error_subcode: 463 });
    }
    const act = `/act_${fake.adAccountId}`;

    switch (`${request.method} ${path}`) {
      case `POST /${fake.pageId}/feed`: {
        expectContract(typeof form.message === "string", "message is required");
        if (form.link !== undefined) expectContract(/^https?:\/\//.test(String(form.link)), "link must be a URL");
        if ([...fake.posts.values()].some((p) => p.message === form.message)) {
          return metaError(400, { message: "(#506) Duplicate status message", code: 506 });
        }
        const id = `${fake.pageId}_${newId()}`;
        fake.posts.set(id, { id, message: form.message, link: form.link, created_time: "2026-11-21T12:00:00+0000" });
        return { status: 200, body: { id } };
      }
      case `GET /${fake.pageId}/feed`:
        return data([...fake.posts.values()].reverse(), request.query.get("fields"));
      case `POST ${act}/campaigns`: {
        expectContract(typeof form.name === "string", "campaign name");
        expectContract(form.objective === "OUTCOME_TRAFFIC", "objective OUTCOME_TRAFFIC");
        expectContract(form.status === "PAUSED", "campaign status PAUSED");
        const cats = parseJsonField(form, "special_ad_categories");
        expectContract(Array.isArray(cats), "special_ad_categories must be a JSON array");
        const id = newId();
        fake.campaigns.set(id, { id, ...form, access_token: undefined });
        return { status: 200, body: { id } };
      }
      case `GET ${act}/campaigns`: {
        const name = nameFilter(request);
        return data([...fake.campaigns.values()].filter((c) => c.name === name), request.query.get("fields"));
      }
      case `POST ${act}/adsets`: {
        expectContract(fake.campaigns.has(String(form.campaign_id)), "campaign_id must exist");
        expectContract(form.status === "PAUSED", "ad set status PAUSED");
        expectContract(/^\d+$/.test(String(form.daily_budget)), "daily_budget in integer minor units");
        expectContract(!Number.isNaN(Date.parse(String(form.start_time))) && !Number.isNaN(Date.parse(String(form.end_time))), "start_time/end_time ISO 8601");
        expectContract(typeof form.billing_event === "string" && typeof form.optimization_goal === "string", "billing_event and optimization_goal");
        const targeting = parseJsonField(form, "targeting");
        expectContract(isObject(targeting) && isObject(targeting.geo_locations), "targeting.geo_locations");
        const countries = targeting.geo_locations.countries;
        expectContract(Array.isArray(countries) && countries.every((c) => typeof c === "string" && /^[A-Z]{2}$/.test(c)), "geo_locations.countries are ISO codes");
        if (targeting.custom_audiences !== undefined) {
          expectContract(Array.isArray(targeting.custom_audiences) && targeting.custom_audiences.every((a) => isObject(a) && fake.audiences.has(String(a.id))), "custom_audiences: [{id}] of existing audiences");
        }
        for (const entry of (targeting.flexible_spec ?? []) as unknown[]) {
          expectContract(isObject(entry), "flexible_spec entries are objects");
          for (const values of Object.values(entry)) {
            expectContract(Array.isArray(values) && values.every((v) => isObject(v) && /^\d+$/.test(String(v.id))), "targeting values need numeric ids");
          }
        }
        const id = newId();
        fake.adsets.set(id, { id, ...form, targeting, access_token: undefined });
        return { status: 200, body: { id } };
      }
      case `POST ${act}/adcreatives`: {
        const spec = parseJsonField(form, "object_story_spec");
        expectContract(isObject(spec) && spec.page_id === fake.pageId, "object_story_spec.page_id is required");
        const link = spec.link_data;
        expectContract(isObject(link) && typeof link.link === "string", "link_data.link");
        const cta = link.call_to_action;
        expectContract(!isObject(cta) || (isObject(cta.value) && cta.value.link === link.link), "the CTA link must equal the creative link");
        const id = newId();
        fake.creatives.set(id, { id, name: form.name, object_story_spec: spec });
        return { status: 200, body: { id } };
      }
      case `GET ${act}/adcreatives`: {
        const name = nameFilter(request);
        return data([...fake.creatives.values()].filter((c) => c.name === name), request.query.get("fields"));
      }
      case `POST ${act}/ads`: {
        expectContract(fake.adsets.has(String(form.adset_id)), "adset_id must exist");
        const creative = parseJsonField(form, "creative");
        expectContract(isObject(creative) && fake.creatives.has(String(creative.creative_id)), "creative.creative_id must exist");
        expectContract(form.status === "PAUSED", "ad status PAUSED");
        const id = newId();
        fake.ads.set(id, { id, name: form.name, adset_id: form.adset_id, creative: { id: creative.creative_id }, status: "PAUSED" });
        return { status: 200, body: { id } };
      }
      case `POST ${act}/customaudiences`: {
        if (fake.tosMissing) return metaError(400, { message: "(#2663) Terms of service has not been accepted. To accept, go to https://www.facebook.com/customaudiences/app/tos/?act=" + fake.adAccountId, code: 2663 });
        expectContract(typeof form.name === "string" && form.name !== "", "name");
        expectContract(form.subtype === "CUSTOM", "subtype CUSTOM");
        if (form.customer_file_source === undefined) return metaError(400, { message: "(#100) Missing parameter(s): customer_file_source", code: 100 });
        expectContract(["USER_PROVIDED_ONLY", "PARTNER_PROVIDED_ONLY", "BOTH_USER_AND_PARTNER_PROVIDED"].includes(String(form.customer_file_source)), "customer_file_source enum");
        const id = newId();
        fake.audiences.set(id, { id, name: String(form.name), members: new Set() });
        return { status: 200, body: { id } };
      }
      case `GET ${act}/customaudiences`: {
        const name = nameFilter(request);
        return data([...fake.audiences.values()].filter((a) => a.name === name), request.query.get("fields"));
      }
      case "GET /search": {
        const type = request.query.get("type") ?? "";
        expectContract(type in SEARCH, `search type ${type}`);
        const q = (request.query.get("q") ?? "").toLowerCase();
        return { status: 200, body: { data: SEARCH[type]!.filter((e) => e.name.toLowerCase().includes(q)).map((e) => ({ ...e, audience_size_lower_bound: 1000, audience_size_upper_bound: 2000 })) } };
      }
      default: {
        const adsets = /^\/(\d+)\/adsets$/.exec(path);
        if (request.method === "GET" && adsets !== null) {
          return data([...fake.adsets.values()].filter((a) => a.campaign_id === adsets[1]), request.query.get("fields"));
        }
        const users = /^\/(\d+)\/users$/.exec(path);
        if (users !== null && (request.method === "POST" || request.method === "DELETE")) {
          const audience = fake.audiences.get(users[1]!);
          expectContract(audience !== undefined, "users of an existing custom audience");
          const payload = parseJsonField(form, "payload");
          const session = parseJsonField(form, "session");
          expectContract(isObject(payload) && payload.schema === "EMAIL_SHA256", "payload.schema EMAIL_SHA256");
          expectContract(Array.isArray(payload.data) && payload.data.length > 0 && payload.data.every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h)), "payload.data: SHA-256 hex strings");
          expectContract(payload.data.length <= 10_000, "at most 10,000 records per request");
          expectContract(isObject(session) && typeof session.session_id === "number" && typeof session.batch_seq === "number" && typeof session.last_batch_flag === "boolean", "session {session_id, batch_seq, last_batch_flag}");
          for (const h of payload.data as string[]) {
            if (request.method === "POST") audience.members.add(h);
            else audience.members.delete(h);
          }
          fake.userBatches.push({ audienceId: audience.id, method: request.method, records: payload.data.length, session });
          return { status: 200, body: { audience_id: audience.id, session_id: session.session_id, num_received: payload.data.length, num_invalid_entries: 0, invalid_entry_samples: {} } };
        }
        const one = /^\/(\d+)$/.exec(path);
        if (request.method === "GET" && one !== null && fake.audiences.has(one[1]!)) {
          return { status: 200, body: { id: one[1], approximate_count_lower_bound: fake.audienceStatus.lowerBound, approximate_count_upper_bound: fake.audienceStatus.lowerBound * 2, delivery_status: { code: fake.audienceStatus.delivery, description: "" }, operation_status: { code: fake.audienceStatus.operation, description: "" } } };
        }
        const ads = /^\/(\d+)\/ads$/.exec(path);
        if (request.method === "GET" && ads !== null) {
          return data([...fake.ads.values()].filter((a) => a.adset_id === ads[1]), request.query.get("fields"));
        }
        throw new Error(`unexpected ${request.method} ${path}`);
      }
    }
  }
  return fake;
}
