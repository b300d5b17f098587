/**
 * Meta publisher (platform-apis.md §2): organic Page posts (POST /{page-id}/feed) and paused ads
 * through the Marketing API: campaign (PAUSED, OUTCOME_TRAFFIC, special_ad_categories []), ad set
 * (PAUSED, daily_budget in Meta minor units, start/end time, targeting resolved from the brief's names
 * with GET /search), ad creative (object_story_spec.link_data) and ad (PAUSED). Bodies are form fields
 * with nested values JSON-encoded, and the token goes in `access_token`, as in Meta's docs.
 *
 * Idempotency (no idempotency key, UNCONFIRMED): the campaign is looked up by its name (which contains
 * the action key) before it is created; when it exists the run resumes, looking up the ad set in the
 * campaign and the ad (or its creative) before creating them. Ambiguous failures look up again before
 * re-sending; error 506 on the feed means "already posted" and is answered from the Page's feed.
 *
 * Matched audience (issue #16, audience-sync.ts), before the campaign is created: the client's
 * customer-list Custom Audience, found by its deterministic name or created, gets the members added
 * (POST /{id}/users) and removed (DELETE /{id}/users) since the last sync, at most 10,000 per request,
 * with schema EMAIL_SHA256 and a session per operation; then its delivery and operation status are read.
 * - Create: POST /act_{id}/customaudiences name, subtype=CUSTOM, customer_file_source, description;
 *   upload payload {schema, data} with session (required):
 *   https://developers.facebook.com/documentation/ads-commerce/marketing-api/audiences/guides/custom-audiences
 * - 10,000 records per call, changes take up to 24 h:
 *   https://developers.facebook.com/docs/marketing-api/custom-audience-api
 *   https://developers.facebook.com/documentation/ads-commerce/marketing-api/reference/custom-audience/users
 * - operation_status 471 = flagged by integrity checks (not usable):
 *   https://developers.facebook.com/docs/marketing-api/reference/custom-audience
 * UNCONFIRMED (not on Meta's pages read): the session fields session_id, batch_seq, last_batch_flag,
 * estimated_num_total; DELETE on /{id}/users for removals (Meta's Python SDK does it);
 * customer_file_source=USER_PROVIDED_ONLY for a list the agency collected; filtering customaudiences by
 * name; delivery_status codes (200 ready, 300 too small, 400+ unusable). The minimum of about 100
 * matched people is not on Meta's API pages; it is corroborated by Salesforce's Meta connector docs
 * (https://developer.salesforce.com/docs/data/data-cloud-int/guide/c360-a-metaadaudiences-connector.html).
 * An attached audience goes in the ad set's targeting.custom_audiences with the brief's
 * geo_locations, and flexible_spec (job titles, interests) is left out: Meta ANDs targeting fields,
 * so it would narrow the list to the few who also declare a journalist job title. delivery_status 300
 * (too small) counts only once the audience is older than Meta's 24 h processing.
 *
 * Throttling: error codes 4, 17, 32, 341, 613 and 80000-80014 wait (X-Business-Use-Case-Usage
 * estimated_time_to_regain_access, else Retry-After, else backoff); any answer whose usage headers
 * report 90% or more of a quota slows the next request down.
 */
import { secretCredentialValues, type OrganicPostAction, type PausedAdAction, type PlatformCredentials, type PublishAction, type PublishOutcome, type Publisher } from "@pressbridge/core";
import { MemoryAudienceStore, memberParts, type AudienceStore, type MetaTargeting } from "@pressbridge/core";
import { createHash } from "node:crypto";
import { addDays, readMetaBrief, type BriefView } from "./ad-brief-fields.ts";
import { audienceIds, recordedHashes, syncMatchedAudience, type AudienceOps, type AudienceStep } from "./audience-sync.ts";
import {
  FetchTransport,
  PublisherHttp,
  failed,
  isRecord,
  jsonOf,
  requireCredentials,
  retryAfterMs,
  secretRedactor,
  stringField,
  type ErrorClass,
  type PlatformPolicy,
  type PublisherHttpOptions,
  type StepResult,
  type WireRequest,
  type WireResponse,
} from "./publisher-http.ts";

export const META_GRAPH_BASE = "https://graph.facebook.com";
/** Newest Graph API version seen (platform-apis.md §2); pin it in config. */
export const META_DEFAULT_GRAPH_VERSION = "v26.0";
export const META_ORGANIC_CREDENTIALS = ["pageId"] as const;
export const META_AD_CREDENTIALS = ["accessToken", "adAccountId", "pageId"] as const;

export interface MetaPublisherOptions extends PublisherHttpOptions {
  /** Graph API version when the credentials carry no `graphVersion`. Default v26.0. */
  graphVersion?: string;
  /** Where the clients' matched audiences are kept (default: in memory, for this adapter's life). */
  audiences?: AudienceStore;
  /** Records per /users request. Default 10,000 (Meta's documented maximum). */
  audienceBatchSize?: number;
}

export const META_AUDIENCE_BATCH = 10_000;
const META_PROCESSING_MS = 24 * 3_600_000;

const THROTTLE_CODES = new Set([4, 17, 32, 341, 613]);
const TRANSIENT_CODES = new Set([1, 2]);

/**
 * The highest usage percentage in Meta's usage headers, and the longest estimated_time_to_regain_access
 * (minutes) in X-Business-Use-Case-Usage.
 */
export function metaUsage(headers: Headers): { percent: number; regainMinutes: number } {
  let percent = 0;
  let regainMinutes = 0;
  const scan = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(scan);
    if (!isRecord(value)) return;
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === "number" && (k === "call_count" || k === "total_cputime" || k === "total_time" || k === "acc_id_util_pct")) percent = Math.max(percent, v);
      else if (typeof v === "number" && k === "estimated_time_to_regain_access") regainMinutes = Math.max(regainMinutes, v);
      else if (typeof v === "object") scan(v);
    }
  };
  for (const name of ["x-business-use-case-usage", "x-app-usage", "x-ad-account-usage"]) {
    const raw = headers.get(name);
    if (raw !== null) scan(jsonOf(raw));
  }
  return { percent, regainMinutes };
}

/** One publish call: the token and Graph version it uses, and a policy that redacts that call's credentials. */
interface Context {
  token: string;
  version: string;
  policy: PlatformPolicy;
}

export class MetaPublisher implements Publisher {
  readonly platform = "meta" as const;
  readonly #http: PublisherHttp;
  readonly #version: string;
  /** Targeting search results per type and name (the same for every client). */
  readonly #resolved = new Map<string, { id: string; name: string } | null>();
  readonly #audiences: AudienceStore;
  readonly #audienceBatch: number;

  constructor(options: MetaPublisherOptions = {}) {
    const transport = options.transport ?? new FetchTransport({ default: options.baseUrl ?? META_GRAPH_BASE }, options);
    this.#http = new PublisherHttp(transport, options);
    this.#version = options.graphVersion ?? META_DEFAULT_GRAPH_VERSION;
    this.#audiences = options.audiences ?? new MemoryAudienceStore();
    this.#audienceBatch = options.audienceBatchSize ?? META_AUDIENCE_BATCH;
  }

  async publish(action: PublishAction, credentials: PlatformCredentials): Promise<PublishOutcome> {
    const secrets = secretCredentialValues(credentials);
    const policy: PlatformPolicy = {
      name: "Meta",
      classify: (r) => this.#classify(r),
      paceAfter: (r) => {
        const usage = metaUsage(r.headers);
        if (usage.regainMinutes > 0) return usage.regainMinutes * 60_000;
        return usage.percent >= 100 ? 30_000 : usage.percent >= 90 ? 5_000 : 0;
      },
      redact: secretRedactor(() => secrets),
    };
    const version = credentials.graphVersion?.trim() || this.#version;
    if (action.kind === "organic-post") {
      if (action.channel !== "facebook") return { status: "failed", retryable: false, reason: "The Meta publisher only publishes Facebook Page posts" };
      const creds = requireCredentials("Meta", credentials, META_ORGANIC_CREDENTIALS);
      if (!creds.ok) return creds.outcome;
      const token = credentials.pageAccessToken?.trim() || credentials.accessToken?.trim();
      if (!token) return failed("Meta credentials are missing pageAccessToken (or accessToken); add them to the client's secrets", false).outcome;
      const result = await this.#organic(action, { token, version, policy }, creds.value.pageId);
      return result.ok ? result.value : result.outcome;
    }
    if (action.platform !== "meta") return { status: "failed", retryable: false, reason: "The Meta publisher only creates Meta ads" };
    const creds = requireCredentials("Meta", credentials, META_AD_CREDENTIALS);
    if (!creds.ok) return creds.outcome;
    const brief = readMetaBrief(action.brief);
    if (!brief.ok) return brief.outcome;
    const accountId = creds.value.adAccountId.replace(/^act_/, "");
    const result = await this.#ad(action, brief.value, { token: creds.value.accessToken, version, policy }, accountId, creds.value.pageId);
    return result.ok ? result.value : result.outcome;
  }

  #request(ctx: Context, request: { label: string; method: "GET" | "POST" | "DELETE"; path: string; query?: Record<string, string>; form?: Record<string, string>; recordedForm?: Record<string, string> }): WireRequest {
    const wire: WireRequest = {
      label: request.label,
      method: request.method,
      path: `/${ctx.version}${request.path}`,
      headers: {},
      auth: { scheme: "access-token-param", token: ctx.token, describe: "access_token=<Meta access token> (form field, or query parameter on GET)" },
    };
    if (request.query !== undefined) wire.query = request.query;
    if (request.form !== undefined) wire.body = { type: "form", value: request.form };
    if (request.recordedForm !== undefined) wire.recordedBody = request.recordedForm;
    return wire;
  }

  // --- organic ---

  async #organic(action: OrganicPostAction, ctx: Context, pageId: string): Promise<StepResult<PublishOutcome>> {
    const form: Record<string, string> = { message: action.text };
    if (action.link !== null) form.link = action.link;
    const created = await this.#http.run(ctx.policy, {
      what: "create the Page post",
      subject: "the Page post",
      request: () => this.#request(ctx, { label: "create the Page post", method: "POST", path: `/${pageId}/feed`, form }),
      parse: idOf,
      find: () => this.#findInList(ctx, { label: "look for the post in the Page's feed", path: `/${pageId}/feed`, query: { fields: "id,message,created_time", limit: "25" } }, "the Page post", (e) => e.message === action.text),
      lookupFirst: action.reconcile === true,
    });
    if (!created.ok) return created;
    const id = created.value;
    const postPart = id.includes("_") ? id.slice(id.indexOf("_") + 1) : id;
    return { ok: true, value: { status: "published", platformIds: { postId: id }, url: `https://www.facebook.com/${pageId}/posts/${postPart}` } };
  }

  // --- paused ad ---

  async #ad(action: PausedAdAction, brief: BriefView<MetaTargeting>, ctx: Context, accountId: string, pageId: string): Promise<StepResult<PublishOutcome>> {
    if (brief.landingUrl === null) return failed("The Meta ad brief has no landing URL; add a link or supporting asset and re-plan", false);
    const landingUrl = brief.landingUrl;
    const act = `/act_${accountId}`;
    const byName = JSON.stringify([{ field: "name", operator: "EQUAL", value: action.name }]);

    // 0. The client's matched audience (customer-list Custom Audience), before the ad set references it.
    const audience = await syncMatchedAudience(this.#audiences, this.#audienceOps(ctx, act), {
      clientId: action.clientId ?? brief.matched?.clientId ?? null,
      list: brief.matched,
      now: () => this.#http.now(),
    });
    if (audience !== null && !audience.ok) return audience;
    const matched: AudienceStep | null = audience?.value ?? null;

    // 1. Campaign: find by name (a redelivery resumes), else create PAUSED.
    const findCampaign = (): Promise<StepResult<string | null>> =>
      this.#findInList(ctx, { label: "look up the campaign by name", path: `${act}/campaigns`, query: { fields: "id,name", filtering: byName } }, "the campaign", (e) => e.name === action.name);
    const existing = await findCampaign();
    if (!existing.ok) return existing;
    let resuming = existing.value !== null;
    let campaignId = existing.value;
    if (campaignId === null) {
      const created = await this.#create(ctx, "the campaign", `${act}/campaigns`, {
        name: action.name,
        objective: "OUTCOME_TRAFFIC",
        status: "PAUSED",
        special_ad_categories: "[]",
        // Required when the campaign has no campaign budget (recent versions; UNCONFIRMED in platform-apis.md).
        is_adset_budget_sharing_enabled: "false",
      }, findCampaign);
      if (!created.ok) return created;
      campaignId = created.value;
    }

    // 2. Ad set: PAUSED, budget in minor units, flight from approval, resolved targeting.
    const findAdSet = (): Promise<StepResult<string | null>> =>
      this.#findInList(ctx, { label: "look up the campaign's ad sets", path: `/${campaignId}/adsets`, query: { fields: "id,name" } }, "the ad set", (e) => e.name === action.name);
    let adSetId: string | null = null;
    if (resuming) {
      const found = await findAdSet();
      if (!found.ok) return found;
      adSetId = found.value;
    }
    const unresolved: string[] = [];
    if (adSetId === null) {
      resuming = false;
      const targeting: StepResult<Record<string, unknown>> =
        matched?.attach != null
          ? { ok: true, value: { geo_locations: { countries: brief.locations.length > 0 ? brief.locations : brief.targeting.geo_locations.countries }, custom_audiences: [{ id: matched.attach }] } }
          : await this.#resolveTargeting(ctx, brief.targeting, unresolved);
      if (!targeting.ok) return targeting;
      const start = this.#http.now();
      const created = await this.#create(ctx, "the ad set", `${act}/adsets`, {
        name: action.name,
        campaign_id: campaignId,
        status: "PAUSED",
        daily_budget: String(brief.api.daily_budget),
        start_time: start.toISOString(),
        end_time: addDays(start, brief.days).toISOString(),
        billing_event: "IMPRESSIONS",
        optimization_goal: "LINK_CLICKS",
        bid_strategy: "LOWEST_COST_WITHOUT_CAP",
        targeting: JSON.stringify(targeting.value),
      }, findAdSet);
      if (!created.ok) return created;
      adSetId = created.value;
    }

    // 3. Ad (and its creative): a resumed run first looks for the ad, then for an orphaned creative.
    const findAd = (): Promise<StepResult<{ id: string; creativeId: string | null } | null>> => this.#findAd(ctx, adSetId, action.name);
    if (resuming) {
      const found = await findAd();
      if (!found.ok) return found;
      if (found.value !== null) return { ok: true, value: this.#adOutcome(accountId, campaignId, adSetId, found.value.creativeId, found.value.id, unresolved, matched) };
    }
    const findCreative = (): Promise<StepResult<string | null>> =>
      this.#findInList(ctx, { label: "look up the ad creative by name", path: `${act}/adcreatives`, query: { fields: "id,name", filtering: byName } }, "the ad creative", (e) => e.name === action.name);
    let creativeId: string | null = null;
    if (resuming) {
      const found = await findCreative();
      if (!found.ok) return found;
      creativeId = found.value;
    }
    if (creativeId === null) {
      const created = await this.#create(ctx, "the ad creative", `${act}/adcreatives`, {
        name: action.name,
        object_story_spec: JSON.stringify({
          page_id: pageId,
          link_data: {
            link: landingUrl,
            message: brief.body,
            name: brief.headline,
            // The CTA link must equal the creative link [C].
            call_to_action: { type: brief.callToAction, value: { link: landingUrl } },
          },
        }),
      }, findCreative);
      if (!created.ok) return created;
      creativeId = created.value;
    }
    const ad = await this.#create(ctx, "the ad", `${act}/ads`, {
      name: action.name,
      adset_id: adSetId,
      creative: JSON.stringify({ creative_id: creativeId }),
      status: "PAUSED",
    }, async () => {
      const found = await findAd();
      return found.ok ? { ok: true, value: found.value?.id ?? null } : found;
    });
    if (!ad.ok) return ad;
    return { ok: true, value: this.#adOutcome(accountId, campaignId, adSetId, creativeId, ad.value, unresolved, matched) };
  }

  #adOutcome(accountId: string, campaignId: string, adSetId: string, creativeId: string | null, adId: string, unresolved: string[], matched: AudienceStep | null): PublishOutcome {
    const platformIds: Record<string, string> = { campaignId, adSetId, adId };
    if (creativeId !== null) platformIds.creativeId = creativeId;
    if (unresolved.length > 0) platformIds.unresolvedTargeting = unresolved.join("; ");
    if (matched !== null) Object.assign(platformIds, audienceIds(matched.outcome));
    // Ads Manager deep link: UNCONFIRMED URL shape.
    const url = `https://adsmanager.facebook.com/adsmanager/manage/campaigns?act=${accountId}&selected_campaign_ids=${campaignId}`;
    return { status: "published", platformIds, url, ...(matched === null ? {} : { audience: matched.outcome }) };
  }

  /** The Custom Audience requests (see the file comment for the documentation each follows). */
  #audienceOps(ctx: Context, act: string): AudienceOps {
    const find = (name: string): Promise<StepResult<string | null>> =>
      this.#findInList(ctx, { label: "look up the matched audience (Custom Audience) by name", path: `${act}/customaudiences`, query: { fields: "id,name", filtering: JSON.stringify([{ field: "name", operator: "EQUAL", value: name }]) } }, "the matched audience", (e) => e.name === name);
    return {
      platform: "meta",
      batchSize: this.#audienceBatch,
      find: async (name) => {
        const found = await find(name);
        return found.ok ? { ok: true, value: found.value === null ? null : { id: found.value } } : found;
      },
      create: async (name) => {
        const created = await this.#create(ctx, "the matched audience (Custom Audience)", `${act}/customaudiences`, {
          name,
          subtype: "CUSTOM",
          customer_file_source: "USER_PROVIDED_ONLY",
          description: "Journalists on the client's media list (hashed emails), kept in sync by Pressbridge",
        }, () => find(name));
        return created.ok ? { ok: true, value: { id: created.value } } : created;
      },
      send: async (id, operation, members, sequence) => {
        const hashes = members.map((m) => memberParts(m).hash);
        // One session per operation of this sync; the id is derived from what it sends, so it is stable.
        const sessionId = String(parseInt(createHash("sha256").update(`${id}|${operation}|${sequence.total}|${hashes[0] ?? ""}`).digest("hex").slice(0, 12), 16));
        const session = JSON.stringify({ session_id: Number(sessionId), batch_seq: sequence.index, last_batch_flag: sequence.index === sequence.total, estimated_num_total: sequence.members });
        const form = { payload: JSON.stringify({ schema: "EMAIL_SHA256", data: hashes }), session };
        const recordedForm = { payload: JSON.stringify({ schema: "EMAIL_SHA256", data: recordedHashes(hashes) }), session };
        const verb = operation === "add" ? "add" : "remove";
        const sent = await this.#http.run(ctx.policy, {
          what: `${verb} matched audience members (batch ${sequence.index} of ${sequence.total})`,
          subject: "the matched audience members",
          request: () => this.#request(ctx, {
            label: `${verb} ${hashes.length} hashed email${hashes.length === 1 ? "" : "s"} ${operation === "add" ? "to" : "from"} the matched audience (batch ${sequence.index} of ${sequence.total})`,
            method: operation === "add" ? "POST" : "DELETE",
            path: `/${id}/users`,
            form,
            recordedForm,
          }),
          parse: (response) => {
            const body = jsonOf(response.text);
            const received = isRecord(body) && typeof body.num_received === "number" ? body.num_received : undefined;
            if (received !== undefined && received !== hashes.length) throw new Error(`Meta received ${received} of ${hashes.length} records`);
          },
        });
        return sent.ok ? { ok: true, value: undefined } : sent;
      },
      status: async (id, state) => {
        const read = await this.#http.run(ctx.policy, {
          what: "read the matched audience's status",
          subject: "the lookup of the matched audience",
          request: () => this.#request(ctx, { label: "read the matched audience's status and size", method: "GET", path: `/${id}`, query: { fields: "id,approximate_count_lower_bound,delivery_status,operation_status" } }),
          parse: (response) => jsonOf(response.text),
        });
        if (!read.ok) return read;
        const body = isRecord(read.value) ? read.value : {};
        const delivery = isRecord(body.delivery_status) && typeof body.delivery_status.code === "number" ? body.delivery_status.code : null;
        const operationCode = isRecord(body.operation_status) && typeof body.operation_status.code === "number" ? body.operation_status.code : null;
        const lower = typeof body.approximate_count_lower_bound === "number" && body.approximate_count_lower_bound >= 0 ? body.approximate_count_lower_bound : null;
        const processed = this.#http.now().getTime() - Date.parse(state.createdAt) >= META_PROCESSING_MS;
        let notUsable: string | null = null;
        if (operationCode === 471) notUsable = "Meta flagged the matched audience in its integrity checks (operation_status 471); resolve it in Audience Manager";
        else if (delivery !== null && delivery >= 400) notUsable = `Meta reports the matched audience as unusable (delivery_status ${delivery})`;
        else if (delivery === 300 && processed) notUsable = `Meta reports the matched audience as too small to deliver (delivery_status 300${lower === null ? "" : `, about ${lower} people`})`;
        const status = delivery === null ? "processing" : `delivery_status ${delivery}`;
        return { ok: true, value: { status, matched: lower, notUsable } };
      },
    };
  }

  async #create(ctx: Context, subject: string, path: string, form: Record<string, string>, find: () => Promise<StepResult<string | null>>): Promise<StepResult<string>> {
    return this.#http.run(ctx.policy, {
      what: `create ${subject}`,
      subject,
      request: () => this.#request(ctx, { label: `create ${subject}${"status" in form ? ` (${form.status})` : ""}`, method: "POST", path, form }),
      parse: idOf,
      find,
    });
  }

  /** A GET returning `data`; failures become "could not confirm" (never a blind re-create). */
  async #list(ctx: Context, spec: { label: string; path: string; query: Record<string, string> }, subject: string): Promise<StepResult<Array<Record<string, unknown>>>> {
    const result = await this.#http.run(ctx.policy, {
      what: `look up ${subject}`,
      subject: `the lookup of ${subject}`,
      request: () => this.#request(ctx, { ...spec, method: "GET" }),
      parse: (response) => {
        const data = (jsonOf(response.text) as { data?: unknown } | undefined)?.data;
        if (!Array.isArray(data)) throw new Error("no data in the answer");
        return data.filter(isRecord);
      },
    });
    // Non-retryable (expired token, permission): the original reason says it best.
    if (result.ok || !result.outcome.retryable) return result;
    return failed(`Meta: could not check whether ${subject} already exists, so nothing was created (${result.outcome.reason})`, result.outcome.retryable, result.outcome.httpStatus);
  }

  async #findInList(ctx: Context, spec: { label: string; path: string; query: Record<string, string> }, subject: string, match: (e: Record<string, unknown>) => boolean): Promise<StepResult<string | null>> {
    const found = await this.#list(ctx, spec, subject);
    if (!found.ok) return found;
    const hit = found.value.find(match);
    return { ok: true, value: hit === undefined ? null : (stringField(hit, "id") ?? null) };
  }

  async #findAd(ctx: Context, adSetId: string, name: string): Promise<StepResult<{ id: string; creativeId: string | null } | null>> {
    const found = await this.#list(ctx, { label: "look up the ad set's ads", path: `/${adSetId}/ads`, query: { fields: "id,name,creative" } }, "the ad");
    if (!found.ok) return found;
    const hit = found.value.find((e) => e.name === name);
    const id = hit === undefined ? undefined : stringField(hit, "id");
    if (id === undefined) return { ok: true, value: null };
    return { ok: true, value: { id, creativeId: stringField(hit!.creative, "id") ?? null } };
  }

  /**
   * Names to ids: work positions with GET /search?type=adworkposition, interests with type=adinterest.
   * An exact name wins, else the first suggestion; unresolved names are dropped and reported, empty keys
   * and entries removed. The key names work_positions/flexible_spec are UNCONFIRMED (platform-apis.md).
   */
  async #resolveTargeting(ctx: Context, targeting: MetaTargeting, unresolved: string[]): Promise<StepResult<Record<string, unknown>>> {
    const flexible: Array<Record<string, Array<{ id: string; name: string }>>> = [];
    for (const entry of targeting.flexible_spec) {
      const out: Record<string, Array<{ id: string; name: string }>> = {};
      for (const [key, type] of [["work_positions", "adworkposition"], ["interests", "adinterest"]] as const) {
        const resolved: Array<{ id: string; name: string }> = [];
        for (const { name } of entry[key] ?? []) {
          const hit = await this.#search(ctx, type, name);
          if (!hit.ok) return hit;
          if (hit.value === null) unresolved.push(`${key}: ${name}`);
          else if (!resolved.some((r) => r.id === hit.value!.id)) resolved.push(hit.value);
        }
        if (resolved.length > 0) out[key] = resolved;
      }
      if (Object.keys(out).length > 0) flexible.push(out);
    }
    const result: Record<string, unknown> = { geo_locations: targeting.geo_locations };
    if (flexible.length > 0) result.flexible_spec = flexible;
    return { ok: true, value: result };
  }

  async #search(ctx: Context, type: string, name: string): Promise<StepResult<{ id: string; name: string } | null>> {
    const key = `${type}\u0000${name.toLowerCase()}`;
    if (this.#resolved.has(key)) return { ok: true, value: this.#resolved.get(key) ?? null };
    const found = await this.#list(ctx, { label: `resolve the targeting name "${name}" (${type})`, path: "/search", query: { type, q: name, limit: "10" } }, `the targeting value "${name}"`);
    if (!found.ok) return found;
    const rows = found.value.filter((e) => stringField(e, "id") !== undefined && typeof e.name === "string");
    const hit = rows.find((e) => String(e.name).toLowerCase() === name.toLowerCase()) ?? rows[0];
    const value = hit === undefined ? null : { id: stringField(hit, "id")!, name: String(hit.name) };
    this.#resolved.set(key, value);
    return { ok: true, value };
  }

  #classify(response: WireResponse): ErrorClass {
    const error = (jsonOf(response.text) as { error?: unknown } | undefined)?.error;
    const e = isRecord(error) ? error : {};
    const code = typeof e.code === "number" ? e.code : undefined;
    const message = stringField(e, "message") ?? `HTTP ${response.status}`;
    const userMessage = [stringField(e, "error_user_title"), stringField(e, "error_user_msg")].filter(Boolean).join(": ");
    const detail = userMessage === "" ? message : `${userMessage} (${message})`;
    if (response.status === 429 || (code !== undefined && (THROTTLE_CODES.has(code) || (code >= 80000 && code <= 80014)))) {
      const usage = metaUsage(response.headers);
      const wait = usage.regainMinutes > 0 ? usage.regainMinutes * 60_000 : retryAfterMs(response.headers, this.#http.now());
      return wait === undefined ? { kind: "throttled", detail } : { kind: "throttled", waitMs: wait, detail };
    }
    if (code === 190 || response.status === 401) {
      return { kind: "auth", reason: `Meta access token expired or was revoked; reconnect the Meta account (${detail})` };
    }
    if (code === 506) return { kind: "duplicate", detail };
    if (response.status >= 500 || (code !== undefined && TRANSIENT_CODES.has(code)) || e.is_transient === true) return { kind: "transient", detail };
    if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) return { kind: "rejected", detail: `permission missing: ${detail}` };
    return { kind: "rejected", detail };
  }
}

function idOf(response: WireResponse): string {
  const id = stringField(jsonOf(response.text), "id");
  if (id === undefined) throw new Error("no id in the answer");
  return id;
}

/** How many records a /users request carries (the dry run answers with it). */
function countOf(request: WireRequest): number {
  const payload = request.body?.type === "form" ? jsonOf(request.body.value.payload ?? "") : undefined;
  return isRecord(payload) && Array.isArray(payload.data) ? payload.data.length : 0;
}

/** Fabricated Meta answers for the dry run: placeholder ids, nothing found, names echoed as ids to resolve. */
export function metaDryRunResponse(request: WireRequest): WireResponse {
  const json = (body: unknown): WireResponse => ({ status: 200, headers: new Headers({ "content-type": "application/json" }), text: JSON.stringify(body) });
  if (request.method === "GET" && request.path.endsWith("/search")) {
    const name = request.query?.q ?? "";
    return json({ data: [{ id: `{id of "${name}" from this search}`, name }] });
  }
  if (request.method === "GET" && /^\/[^/]+\/\{custom audience id\}$/.test(request.path)) return json({ id: "{custom audience id}", delivery_status: { code: 300, description: "processing" } });
  if (request.method === "GET") return json({ data: [] });
  const kind = request.path.split("/").pop() ?? "object";
  if (kind === "users") return json({ audience_id: "{custom audience id}", num_received: countOf(request), num_invalid_entries: 0, invalid_entry_samples: {} });
  const names: Record<string, string> = { feed: "{page id}_{post id}", campaigns: "{campaign id}", adsets: "{ad set id}", adcreatives: "{creative id}", ads: "{ad id}", customaudiences: "{custom audience id}" };
  return json({ id: names[kind] ?? "{id}" });
}
