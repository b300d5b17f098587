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
 *
 * Locations: each of the brief's ISO country codes is resolved to X's location key with
 * GET /12/targeting_criteria/locations?location_type=COUNTRIES&country_code=… and sent as a LOCATION
 * row (without one a line item targets everyone worldwide):
 * https://docs.x.com/x-ads-api/campaign-management/reference and https://docs.x.com/x-ads-api/campaign-management
 *
 * Matched audience (issue #16, audience-sync.ts), before the campaign is created: the client's custom
 * audience, found by its deterministic (unique) name or created with
 * POST /12/accounts/:id/custom_audiences?name=…, gets the members added (operation_type Update) and
 * removed (Delete) since the last sync with POST …/custom_audiences/:id/users, a JSON array of
 * operations whose users carry the SHA-256 of the normalised email or handle, at most 2,500 users per
 * request; success_count must equal total_count. Then GET …/custom_audiences/:id says whether it is
 * targetable; only a targetable audience is attached, as a CUSTOM_AUDIENCE targeting criterion.
 * https://docs.x.com/x-ads-api/audiences/reference ; https://docs.x.com/x-ads-api/audiences (processing
 * runs every 6-8 hours; targetable from 100 matched users active in the last 90 days).
 * Criteria of the custom audience, keywords and interests are unioned by X, and ANDed with the
 * locations (campaign-management page above). Looking up an audience by name with `q` is UNCONFIRMED.
 */
import { secretCredentialValues, type OrganicPostAction, type PausedAdAction, type PlatformCredentials, type PublishAction, type PublishOutcome, type Publisher } from "@pressbridge/core";
import { MemoryAudienceStore, memberParts, type AudienceStore, type XTargeting } from "@pressbridge/core";
import { addDays, countryCodeOf, readXBrief, type BriefView } from "./ad-brief-fields.ts";
import { audienceIds, recordedHashes, syncMatchedAudience, type AudienceOps, type AudienceStep } from "./audience-sync.ts";
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
  /** Where the clients' matched audiences are kept (default: in memory, for this adapter's life). */
  audiences?: AudienceStore;
  /** Users per custom audience users request. Default 2,500 (X's documented maximum). */
  audienceBatchSize?: number;
}

export const X_AUDIENCE_BATCH = 2_500;

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
  /** X location keys per ISO country code (the same for every client). */
  readonly #locationKeys = new Map<string, string | null>();
  readonly #audiences: AudienceStore;
  readonly #audienceBatch: number;

  constructor(options: XPublisherOptions = {}) {
    const transport =
      options.transport ?? new FetchTransport({ default: options.baseUrl ?? X_API_BASE, ads: options.adsBaseUrl ?? X_ADS_API_BASE }, options);
    this.#http = new PublisherHttp(transport, options);
    this.#adsVersion = options.adsApiVersion ?? X_ADS_API_VERSION;
    this.#keywordType = options.keywordTargetingType ?? "BROAD_KEYWORD";
    this.#audiences = options.audiences ?? new MemoryAudienceStore();
    this.#audienceBatch = options.audienceBatchSize ?? X_AUDIENCE_BATCH;
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

    // 0. The client's matched audience (custom audience), before the line item references it.
    const audience = await syncMatchedAudience(this.#audiences, this.#audienceOps(call, accountPath), {
      clientId: action.clientId ?? brief.matched?.clientId ?? null,
      list: brief.matched,
      now: () => this.#http.now(),
    });
    if (audience !== null && !audience.ok) return audience;
    const matched: AudienceStep | null = audience?.value ?? null;

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
    const located = await this.#locationRows(call, brief);
    if (!located.ok) return located;
    const { rows, unsent } = this.#targetingRows({ ...brief.targeting, targeting_criteria: brief.targeting.targeting_criteria.filter((r) => r.targeting_type !== "LOCATION" || located.value.unresolved.includes(r.targeting_value)) });
    rows.unshift(...located.value.rows);
    if (matched?.attach != null) rows.unshift({ targeting_type: "CUSTOM_AUDIENCE", targeting_value: matched.attach });
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
    if (matched !== null) Object.assign(platformIds, audienceIds(matched.outcome));
    // Ads Manager deep link: UNCONFIRMED URL shape.
    const url = `https://ads.x.com/campaign_form/${accountId}/campaign/${campaignId}`;
    return { ok: true, value: { status: "published", platformIds, url, ...(matched === null ? {} : { audience: matched.outcome }) } };
  }

  /**
   * LOCATION rows for the brief's countries, resolved to X location keys. Returns the country names
   * of the brief's LOCATION rows that could not be resolved (they stay unsent and are reported).
   */
  async #locationRows(call: XCall, brief: BriefView<XTargeting>): Promise<StepResult<{ rows: Array<{ targeting_type: string; targeting_value: string }>; unresolved: string[] }>> {
    const rows: Array<{ targeting_type: string; targeting_value: string }> = [];
    const unresolved: string[] = [];
    const named = brief.targeting.targeting_criteria.filter((r) => r.targeting_type === "LOCATION").map((r) => r.targeting_value);
    for (const name of named.filter((n) => countryCodeOf(n) === undefined && !/^[0-9a-f]{16}$/.test(n))) unresolved.push(name);
    for (const code of brief.locations) {
      let key = this.#locationKeys.get(code);
      if (key === undefined) {
        const read = await this.#read(call, { label: `resolve the location ${code} to its X location key`, method: "GET", base: "ads", path: `/${this.#adsVersion}/targeting_criteria/locations`, query: { location_type: "COUNTRIES", country_code: code } }, `the location ${code}`);
        if (!read.ok) return read;
        const data = (read.value as { data?: unknown } | undefined)?.data;
        const hit = Array.isArray(data) ? data.filter(isRecord).find((e) => typeof e.targeting_value === "string") : undefined;
        key = hit === undefined ? null : (hit.targeting_value as string);
        this.#locationKeys.set(code, key);
      }
      if (key === null) {
        const name = named.find((n) => countryCodeOf(n) === code);
        unresolved.push(name ?? code);
      } else if (!rows.some((r) => r.targeting_value === key)) rows.push({ targeting_type: "LOCATION", targeting_value: key });
    }
    return { ok: true, value: { rows, unresolved } };
  }

  /** The custom audience requests (see the file comment for the documentation each follows). */
  #audienceOps(call: XCall, accountPath: string): AudienceOps {
    const audiencesPath = `${accountPath}/custom_audiences`;
    const find = (name: string): Promise<StepResult<string | null>> =>
      this.#findAds(call, { label: "look up the matched audience (custom audience) by name", path: audiencesPath, query: { q: name, count: "200" } }, "the matched audience", (e) => e.name === name && e.deleted !== true);
    return {
      platform: "x",
      batchSize: this.#audienceBatch,
      find: async (name) => {
        const found = await find(name);
        return found.ok ? { ok: true, value: found.value === null ? null : { id: found.value } } : found;
      },
      create: async (name) => {
        const created = await this.#http.run(call.policy, {
          what: "create the matched audience (custom audience)",
          subject: "the matched audience",
          request: () => this.#request(call, {
            label: "create the matched audience (custom audience) for the client's media list",
            method: "POST",
            base: "ads",
            path: audiencesPath,
            query: { name, description: "Journalists on the client's media list (hashed), kept in sync by Pressbridge" },
          }),
          parse: (response) => {
            const id = stringField((jsonOf(response.text) as { data?: unknown } | undefined)?.data, "id");
            if (id === undefined) throw new Error("no data.id in the answer");
            return id;
          },
          find: () => find(name),
        });
        return created.ok ? { ok: true, value: { id: created.value } } : created;
      },
      send: async (id, operation, members, sequence) => {
        const users = (list: string[]) => list.map((m) => {
          const { kind, hash } = memberParts(m);
          return kind === "handle" ? { handle: [hash] } : { email: [hash] };
        });
        const operationType = operation === "add" ? "Update" : "Delete";
        const recorded = recordedHashes(members);
        const sent = await this.#http.run(call.policy, {
          what: `${operation} matched audience members (batch ${sequence.index} of ${sequence.total})`,
          subject: "the matched audience members",
          request: () => this.#request(call, {
            label: `${operation} ${members.length} hashed member${members.length === 1 ? "" : "s"} ${operation === "add" ? "to" : "from"} the matched audience (batch ${sequence.index} of ${sequence.total})`,
            method: "POST",
            base: "ads",
            path: `${audiencesPath}/${encodeURIComponent(id)}/users`,
            body: { type: "json", value: [{ operation_type: operationType, params: { users: users(members) } }] },
            recordedBody: [{ operation_type: operationType, params: { users: [...users(recorded.slice(0, 1)), ...recorded.slice(1)] } }],
          }),
          parse: (response) => {
            const data = (jsonOf(response.text) as { data?: unknown } | undefined)?.data;
            const success = isRecord(data) ? data.success_count : undefined;
            const total = isRecord(data) ? data.total_count : undefined;
            if (typeof success === "number" && typeof total === "number" && success !== total) throw new Error(`X applied ${success} of ${total} users`);
          },
        });
        return sent.ok ? { ok: true, value: undefined } : sent;
      },
      status: async (id) => {
        const read = await this.#read(call, { label: "read whether the matched audience is targetable", method: "GET", base: "ads", path: `${audiencesPath}/${encodeURIComponent(id)}` }, "the matched audience");
        if (!read.ok) return read;
        const data = (read.value as { data?: unknown } | undefined)?.data;
        const row = isRecord(data) ? data : {};
        const targetable = row.targetable === true;
        const reasons = Array.isArray(row.reasons_not_targetable) ? row.reasons_not_targetable.filter((r): r is string => typeof r === "string") : [];
        const size = typeof row.audience_size === "number" ? row.audience_size : null;
        const notUsable = targetable
          ? null
          : reasons.includes("TOO_SMALL") && !reasons.includes("PROCESSING")
            ? "X reports the matched audience as too small to target (fewer than 100 matched users active in the last 90 days)"
            : `X has not made the matched audience targetable yet (${reasons.join(", ") || "not targetable"}; X processes audience changes every 6-8 hours); a later plan attaches it`;
        return { ok: true, value: { status: targetable ? "TARGETABLE" : reasons.join(",") || "NOT_TARGETABLE", matched: size, notUsable } };
      },
    };
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
  if (request.method === "GET" && request.path.endsWith("/targeting_criteria/locations")) {
    return json(200, { data: [{ name: `{country ${request.query?.country_code ?? ""}}`, location_type: "COUNTRIES", targeting_value: `{location key of ${request.query?.country_code ?? ""}}` }], request: { params: {} } });
  }
  if (request.method === "GET" && /\/custom_audiences\/[^/]+$/.test(request.path)) {
    return json(200, { data: { id: "{custom audience id}", targetable: false, reasons_not_targetable: ["PROCESSING"], audience_size: null }, request: { params: {} } });
  }
  if (request.method === "GET") return json(200, { data: [], request: { params: {} } });
  if (request.path.endsWith("/users")) {
    const ops = Array.isArray(request.body?.value) ? (request.body.value as Array<{ params?: { users?: unknown[] } }>) : [];
    const total = ops.reduce((n, op) => n + (op.params?.users?.length ?? 0), 0);
    return json(200, { data: { success_count: total, total_count: total }, request: { params: {} } });
  }
  if (request.path === "/2/tweets") return json(201, { data: { id: "{post id}", text: "" } });
  const kind = request.path.split("/").pop() ?? "object";
  const names: Record<string, string> = { campaigns: "{campaign id}", line_items: "{line item id}", targeting_criteria: "{targeting criterion id}", custom_audiences: "{custom audience id}" };
  return json(200, { data: { id: names[kind] ?? "{id}" }, request: { params: {} } });
}
