/**
 * X publisher (platform-apis.md §3): organic posts with POST /2/tweets and paused ads through the X
 * Ads API v12 (campaign, line item and targeting criteria, all entity_status PAUSED). Both APIs are
 * called with OAuth 1.0a user context (HMAC-SHA1 signatures, oauth1-signature.ts); Ads API parameters
 * are form fields (signed), the v2 post body is JSON (not signed).
 *
 * Targeting: X has no job-title facet, and the brief's LOCATION and INTEREST values are names, not X
 * ids. As agreed, names are not resolved here: keyword rows and interest names are sent as keyword
 * targeting (type `keywordTargetingType`, default BROAD_KEYWORD; the type names are UNCONFIRMED,
 * platform-apis.md lists "KEYWORD"); numeric interest ids are sent as INTEREST; location names are
 * not sent (an X location key would be needed) and are reported in platformIds.unsentTargeting, so a
 * person sets the location before launching.
 *
 * Idempotency: the campaign is looked up by name (`q`, UNCONFIRMED) before it is created and a found
 * campaign resumes the run (line item by campaign, criteria by line item). Organic posts have no
 * client key on X: after an ambiguous failure, or X's "duplicate content" 403, the adapter reads the
 * account's latest posts (GET /2/users/me, GET /2/users/:id/tweets) and matches the text with links
 * ignored (X rewrites them to t.co). A post older than the latest page is not found: limitation.
 */
import { secretCredentialValues, type OrganicPostAction, type PausedAdAction, type PlatformCredentials, type PublishAction, type PublishOutcome, type Publisher } from "@pressbridge/core";
import type { XTargeting } from "@pressbridge/core";
import { addDays, readXBrief, type BriefView } from "./ad-brief-fields.ts";
import { oauth1Header, type OAuth1Keys } from "./oauth1-signature.ts";
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

export const X_API_BASE = "https://api.x.com";
export const X_ADS_API_BASE = "https://ads-api.x.com";
export const X_ADS_API_VERSION = "12";
export const X_OAUTH_CREDENTIALS = ["consumerKey", "consumerSecret", "accessToken", "accessTokenSecret"] as const;
export const X_AD_CREDENTIALS = [...X_OAUTH_CREDENTIALS, "adsAccountId", "fundingInstrumentId"] as const;

export interface XPublisherOptions extends PublisherHttpOptions {
  /** Ads API base URL (default https://ads-api.x.com); `baseUrl` is the v2 API's. */
  adsBaseUrl?: string;
  /** Ads API version path segment. Default "12". */
  adsApiVersion?: string;
  /** targeting_type for keyword rows. Default BROAD_KEYWORD (UNCONFIRMED). */
  keywordTargetingType?: string;
}

export function xPostUrl(id: string): string {
  return `https://x.com/i/web/status/${id}`;
}

/** Text as X shows it, for matching: links (rewritten to t.co by X) and spacing ignored. */
const comparable = (text: string): string => text.normalize("NFC").replace(/https?:\/\/\S+/g, "<link>").replace(/\s+/g, " ").trim();

/** One publish call: the client's keys, and a policy that redacts exactly those credentials. */
interface XCall {
  keys: OAuth1Keys;
  policy: PlatformPolicy;
}

export class XPublisher implements Publisher {
  readonly platform = "x" as const;
  readonly #http: PublisherHttp;
  readonly #adsVersion: string;
  readonly #keywordType: string;
  /** The authenticated user's id per access token (GET /2/users/me), for the post lookup. */
  readonly #userIds = new Map<string, string>();

  constructor(options: XPublisherOptions = {}) {
    const transport =
      options.transport ?? new FetchTransport({ default: options.baseUrl ?? X_API_BASE, ads: options.adsBaseUrl ?? X_ADS_API_BASE }, options);
    this.#http = new PublisherHttp(transport, options);
    this.#adsVersion = options.adsApiVersion ?? X_ADS_API_VERSION;
    this.#keywordType = options.keywordTargetingType ?? "BROAD_KEYWORD";
  }

  async publish(action: PublishAction, credentials: PlatformCredentials): Promise<PublishOutcome> {
    const secrets = secretCredentialValues(credentials);
    const callWith = (keys: OAuth1Keys): XCall => ({ keys, policy: { name: "X", classify: (r) => this.#classify(r), redact: secretRedactor(() => secrets) } });
    if (action.kind === "organic-post") {
      if (action.channel !== "x") return { status: "failed", retryable: false, reason: "The X publisher only publishes X posts" };
      const creds = requireCredentials("X", credentials, X_OAUTH_CREDENTIALS);
      if (!creds.ok) return creds.outcome;
      const result = await this.#organic(action, callWith(keysOf(creds.value)));
      return result.ok ? result.value : result.outcome;
    }
    if (action.platform !== "x") return { status: "failed", retryable: false, reason: "The X publisher only creates X ads" };
    const creds = requireCredentials("X", credentials, X_AD_CREDENTIALS);
    if (!creds.ok) return creds.outcome;
    const brief = readXBrief(action.brief);
    if (!brief.ok) return brief.outcome;
    const result = await this.#ad(action, brief.value, callWith(keysOf(creds.value)), creds.value.adsAccountId, creds.value.fundingInstrumentId);
    return result.ok ? result.value : result.outcome;
  }

  #request({ keys }: XCall, request: Omit<WireRequest, "headers" | "auth">): WireRequest {
    return {
      ...request,
      headers: {},
      auth: {
        scheme: "custom",
        describe: "OAuth 1.0a (HMAC-SHA1) signature over this request with the client's consumer key and access token, made at send time",
        sign: (wire, url) => ({
          authorization: oauth1Header(keys, { method: wire.method, url, formParams: wire.body?.type === "form" ? wire.body.value : {} }, { nowSeconds: this.#http.now().getTime() / 1000 }),
        }),
      },
    };
  }

  // --- organic ---

  async #organic(action: OrganicPostAction, call: XCall): Promise<StepResult<PublishOutcome>> {
    const created = await this.#http.run(call.policy, {
      what: "create the post",
      subject: "the post",
      request: () => this.#request(call, { label: "create the post", method: "POST", path: "/2/tweets", body: { type: "json", value: { text: action.text } } }),
      parse: (response) => {
        const id = stringField((jsonOf(response.text) as { data?: unknown } | undefined)?.data, "id");
        if (id === undefined) throw new Error("no data.id in the answer");
        return id;
      },
      find: () => this.#findPost(call, action.text),
      lookupFirst: action.reconcile === true,
    });
    if (!created.ok) return created;
    return { ok: true, value: { status: "published", platformIds: { postId: created.value }, url: xPostUrl(created.value) } };
  }

  async #findPost(call: XCall, text: string): Promise<StepResult<string | null>> {
    let userId = this.#userIds.get(call.keys.token);
    if (userId === undefined) {
      const me = await this.#read(call, { label: "read the posting account (users/me)", method: "GET", path: "/2/users/me" }, "the posting account");
      if (!me.ok) return me;
      const id = stringField((me.value as { data?: unknown } | undefined)?.data, "id");
      if (id === undefined) return failed("X: could not read the posting account, so the post was not sent again", true);
      userId = id;
      this.#userIds.set(call.keys.token, id);
    }
    const timeline = await this.#read(call, { label: "look for the post among the account's latest posts", method: "GET", path: `/2/users/${userId}/tweets`, query: { max_results: "20" } }, "the post");
    if (!timeline.ok) return timeline;
    const posts = (timeline.value as { data?: unknown } | undefined)?.data;
    const hit = Array.isArray(posts) ? posts.filter(isRecord).find((p) => typeof p.text === "string" && comparable(p.text) === comparable(text)) : undefined;
    return { ok: true, value: hit === undefined ? null : (stringField(hit, "id") ?? null) };
  }

  // --- paused ad ---

  async #ad(action: PausedAdAction, brief: BriefView<XTargeting>, call: XCall, accountId: string, fundingInstrumentId: string): Promise<StepResult<PublishOutcome>> {
    const accountPath = `/${this.#adsVersion}/accounts/${encodeURIComponent(accountId)}`;
    const api = brief.api as { daily_budget_amount_local_micro?: unknown; total_budget_amount_local_micro?: unknown };

    // 1. Campaign: find by name, else create PAUSED with the funding instrument and micros budget.
    const findCampaign = (): Promise<StepResult<string | null>> =>
      this.#findAds(call, { label: "look up the campaign by name", path: `${accountPath}/campaigns`, query: { q: action.name, with_deleted: "false", count: "200" } }, "the campaign", (e) => e.name === action.name);
    const existing = await findCampaign();
    if (!existing.ok) return existing;
    let resuming = existing.value !== null;
    let campaignId = existing.value;
    if (campaignId === null) {
      const form: Record<string, string> = {
        funding_instrument_id: fundingInstrumentId,
        name: action.name,
        daily_budget_amount_local_micro: String(api.daily_budget_amount_local_micro),
        entity_status: "PAUSED",
      };
      if (api.total_budget_amount_local_micro !== undefined) form.total_budget_amount_local_micro = String(api.total_budget_amount_local_micro);
      const created = await this.#createAds(call, "the campaign", `${accountPath}/campaigns`, form, findCampaign);
      if (!created.ok) return created;
      campaignId = created.value;
    }

    // 2. Line item: PAUSED, website clicks, promoted posts, flight from approval (params UNCONFIRMED).
    const findLineItem = (): Promise<StepResult<string | null>> =>
      this.#findAds(call, { label: "look up the campaign's line items", path: `${accountPath}/line_items`, query: { campaign_ids: campaignId, with_deleted: "false" } }, "the line item", (e) => e.name === action.name);
    let lineItemId: string | null = null;
    if (resuming) {
      const found = await findLineItem();
      if (!found.ok) return found;
      lineItemId = found.value;
    }
    if (lineItemId === null) {
      resuming = false;
      const start = this.#http.now();
      const created = await this.#createAds(call, "the line item", `${accountPath}/line_items`, {
        campaign_id: campaignId,
        name: action.name,
        objective: "WEBSITE_CLICKS",
        product_type: "PROMOTED_TWEETS",
        placements: "ALL_ON_TWITTER",
        bid_strategy: "AUTO",
        entity_status: "PAUSED",
        start_time: start.toISOString(),
        end_time: addDays(start, brief.days).toISOString(),
      }, findLineItem);
      if (!created.ok) return created;
      lineItemId = created.value;
    }

    // 3. Targeting criteria: one row each; a resumed run creates only the missing rows.
    const { rows, unsent } = this.#targetingRows(brief.targeting);
    const listCriteria = async (): Promise<StepResult<Array<Record<string, unknown>>>> => {
      const read = await this.#read(call, { label: "look up the line item's targeting criteria", method: "GET", base: "ads", path: `${accountPath}/targeting_criteria`, query: { line_item_ids: lineItemId, with_deleted: "false" } }, "the targeting criteria");
      if (!read.ok) return read;
      const data = (read.value as { data?: unknown } | undefined)?.data;
      return { ok: true, value: Array.isArray(data) ? data.filter(isRecord) : [] };
    };
    let existingRows: Array<Record<string, unknown>> = [];
    if (resuming) {
      const listed = await listCriteria();
      if (!listed.ok) return listed;
      existingRows = listed.value;
    }
    const criterionIds: string[] = [];
    for (const row of rows) {
      const same = (e: Record<string, unknown>): boolean => e.targeting_type === row.targeting_type && e.targeting_value === row.targeting_value;
      const already = existingRows.find(same);
      if (already !== undefined) {
        criterionIds.push(stringField(already, "id") ?? "");
        continue;
      }
      const created = await this.#createAds(call, `the ${row.targeting_type} targeting "${row.targeting_value}"`, `${accountPath}/targeting_criteria`, { line_item_id: lineItemId, ...row }, async () => {
        const listed = await listCriteria();
        if (!listed.ok) return listed;
        const hit = listed.value.find(same);
        return { ok: true, value: hit === undefined ? null : (stringField(hit, "id") ?? null) };
      });
      if (!created.ok) return created;
      criterionIds.push(created.value);
    }

    const platformIds: Record<string, string> = { campaignId, lineItemId };
    if (criterionIds.length > 0) platformIds.targetingCriteriaIds = criterionIds.join(",");
    if (unsent.length > 0) platformIds.unsentTargeting = unsent.join("; ");
    // Ads Manager deep link: UNCONFIRMED URL shape.
    return { ok: true, value: { status: "published", platformIds, url: `https://ads.x.com/campaign_form/${accountId}/campaign/${campaignId}` } };
  }

  /** The brief's rows as X targeting criteria (see the file comment for how names are treated). */
  #targetingRows(targeting: XTargeting): { rows: Array<{ targeting_type: string; targeting_value: string }>; unsent: string[] } {
    const rows: Array<{ targeting_type: string; targeting_value: string }> = [];
    const unsent: string[] = [];
    for (const { targeting_type: type, targeting_value: value } of targeting.targeting_criteria) {
      let row: { targeting_type: string; targeting_value: string } | null;
      if (type === "KEYWORD") row = { targeting_type: this.#keywordType, targeting_value: value };
      else if (type === "INTEREST") row = /^\d+$/.test(value) ? { targeting_type: "INTEREST", targeting_value: value } : { targeting_type: this.#keywordType, targeting_value: value };
      else if (type === "LOCATION") row = /^[0-9a-f]{16}$/.test(value) ? { targeting_type: "LOCATION", targeting_value: value } : null;
      else row = /^\d+$/.test(value) ? { targeting_type: type, targeting_value: value } : null;
      if (row === null) unsent.push(`${type}: ${value}`);
      else if (!rows.some((r) => r.targeting_type === row.targeting_type && r.targeting_value === row.targeting_value)) rows.push(row);
    }
    return { rows, unsent };
  }

  async #createAds(call: XCall, subject: string, path: string, form: Record<string, string>, find: () => Promise<StepResult<string | null>>): Promise<StepResult<string>> {
    return this.#http.run(call.policy, {
      what: `create ${subject}`,
      subject,
      request: () => this.#request(call, { label: `create ${subject}${form.entity_status === undefined ? "" : ` (${form.entity_status})`}`, method: "POST", base: "ads", path, body: { type: "form", value: form } }),
      parse: (response) => {
        const id = stringField((jsonOf(response.text) as { data?: unknown } | undefined)?.data, "id");
        if (id === undefined) throw new Error("no data.id in the answer");
        return id;
      },
      find,
    });
  }

  /** A GET; failures become "could not confirm" (never a blind re-create). */
  async #read(call: XCall, request: Omit<WireRequest, "headers" | "auth">, subject: string): Promise<StepResult<unknown>> {
    const result = await this.#http.run(call.policy, {
      what: `look up ${subject}`,
      subject: `the lookup of ${subject}`,
      request: () => this.#request(call, request),
      parse: (response) => jsonOf(response.text),
    });
    // Non-retryable (expired token, permission): the original reason says it best.
    if (result.ok || !result.outcome.retryable) return result;
    return failed(`X: could not check whether ${subject} already exists, so nothing was created (${result.outcome.reason})`, result.outcome.retryable, result.outcome.httpStatus);
  }

  async #findAds(call: XCall, spec: { label: string; path: string; query: Record<string, string> }, subject: string, match: (e: Record<string, unknown>) => boolean): Promise<StepResult<string | null>> {
    const read = await this.#read(call, { ...spec, method: "GET", base: "ads" }, subject);
    if (!read.ok) return read;
    const data = (read.value as { data?: unknown } | undefined)?.data;
    const hit = Array.isArray(data) ? data.filter(isRecord).find(match) : undefined;
    return { ok: true, value: hit === undefined ? null : (stringField(hit, "id") ?? null) };
  }

  #classify(response: WireResponse): ErrorClass {
    const body = jsonOf(response.text);
    const errors = isRecord(body) && Array.isArray(body.errors) ? body.errors.filter(isRecord) : [];
    const parts = errors.map((e) => {
      const text = stringField(e, "message") ?? stringField(e, "detail") ?? stringField(e, "title") ?? "";
      const parameter = stringField(e, "parameter");
      return parameter === undefined ? text : `${text} (parameter ${parameter})`;
    });
    // v2 Problem objects may also come at the top level.
    if (parts.length === 0) parts.push(stringField(body, "detail") ?? stringField(body, "title") ?? `HTTP ${response.status}`);
    const detail = parts.filter((p) => p !== "").join("; ");
    const codes = errors.map((e) => e.code);
    if (response.status === 429) {
      const now = this.#http.now();
      let wait = retryAfterMs(response.headers, now);
      const reset = Number(response.headers.get("x-account-rate-limit-reset") ?? response.headers.get("x-rate-limit-reset") ?? "");
      if (wait === undefined && Number.isFinite(reset) && reset > 0) wait = Math.max(0, reset * 1000 - now.getTime());
      return wait === undefined ? { kind: "throttled", detail } : { kind: "throttled", waitMs: wait, detail };
    }
    if (response.status >= 500) return { kind: "transient", detail };
    if (response.status === 401 || codes.includes(89) || codes.includes("UNAUTHORIZED_ACCESS") || codes.includes("INVALID_CREDENTIALS")) {
      return { kind: "auth", reason: `X access token expired or was revoked; reconnect the X account (${detail})` };
    }
    if (response.status === 403 && /duplicate content/i.test(detail)) return { kind: "duplicate", detail };
    return { kind: "rejected", detail };
  }
}

function keysOf(creds: Record<"consumerKey" | "consumerSecret" | "accessToken" | "accessTokenSecret", string>): OAuth1Keys {
  return { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret };
}

/** Fabricated X answers for the dry run: placeholder ids, nothing found. */
export function xDryRunResponse(request: WireRequest): WireResponse {
  const json = (status: number, body: unknown): WireResponse => ({ status, headers: new Headers({ "content-type": "application/json" }), text: JSON.stringify(body) });
  if (request.method === "GET") return json(200, { data: [], request: { params: {} } });
  if (request.path === "/2/tweets") return json(201, { data: { id: "{post id}", text: "" } });
  const kind = request.path.split("/").pop() ?? "object";
  const names: Record<string, string> = { campaigns: "{campaign id}", line_items: "{line item id}", targeting_criteria: "{targeting criterion id}" };
  return json(200, { data: { id: names[kind] ?? "{id}" }, request: { params: {} } });
}
