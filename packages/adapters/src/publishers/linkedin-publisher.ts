/**
 * LinkedIn publisher (platform-apis.md §1): organic organization posts through the Posts API, and
 * paused ads through the Marketing API: a DRAFT campaign group, a PAUSED campaign whose
 * targetingCriteria are resolved from the brief's names with the adTargetingEntities typeahead, and a
 * DRAFT creative sponsoring the approved organic post. Every call carries LinkedIn-Version and
 * X-Restli-Protocol-Version: 2.0.0; new ids come from the x-restli-id header.
 *
 * Idempotency (no idempotency key exists, UNCONFIRMED): the campaign group is looked up by its name
 * (which contains the action key) before it is created; when it exists the run resumes, looking up the
 * campaign in that group and the creative in that campaign before creating them. After an ambiguous
 * failure (timeout, 5xx) each create looks its object up again before re-sending. Organic posts are
 * looked up among the organization's latest posts by their exact commentary.
 */
import { secretCredentialValues, type OrganicPostAction, type PausedAdAction, type PlatformCredentials, type PublishAction, type PublishOutcome, type Publisher } from "@pressbridge/core";
import { addDays, readLinkedInBrief, type BriefView } from "./ad-brief-fields.ts";
import type { LinkedInTargeting } from "@pressbridge/core";
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

export const LINKEDIN_API_BASE = "https://api.linkedin.com";
/** Monthly API version; pin it in config (platform-apis.md: 202601 and 202605 seen; latest UNCONFIRMED). */
export const LINKEDIN_DEFAULT_VERSION = "202605";
export const LINKEDIN_ORGANIC_CREDENTIALS = ["accessToken", "organizationId"] as const;
export const LINKEDIN_AD_CREDENTIALS = ["accessToken", "adAccountId"] as const;

export interface LinkedInPublisherOptions extends PublisherHttpOptions {
  /** LinkedIn-Version when the credentials carry no `linkedInVersion`. Default 202605. */
  version?: string;
}

/** Rest.li 2.0 value encoding inside List(…)/(…) query syntax: every reserved character escaped. */
export function restliEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** x-restli-id as a URN of `type` (some versions send a bare number, others the URN). */
export function normaliseRestliId(id: string, type: string): string {
  return id.startsWith("urn:") ? id : `urn:li:${type}:${id}`;
}

const idOfUrn = (urn: string): string => urn.slice(urn.lastIndexOf(":") + 1);

/** One publish call: the client's token and API version, and a policy that redacts that call's credentials. */
interface Context {
  token: string;
  version: string;
  policy: PlatformPolicy;
}

export class LinkedInPublisher implements Publisher {
  readonly platform = "linkedin" as const;
  readonly #http: PublisherHttp;
  readonly #version: string;
  /** Typeahead results per facet and name, kept for the adapter's life (names map to stable URNs, the same for every client). */
  readonly #resolved = new Map<string, string | null>();

  constructor(options: LinkedInPublisherOptions = {}) {
    const transport = options.transport ?? new FetchTransport({ default: options.baseUrl ?? LINKEDIN_API_BASE }, options);
    this.#http = new PublisherHttp(transport, options);
    this.#version = options.version ?? LINKEDIN_DEFAULT_VERSION;
  }

  async publish(action: PublishAction, credentials: PlatformCredentials): Promise<PublishOutcome> {
    const secrets = secretCredentialValues(credentials);
    const policy: PlatformPolicy = { name: "LinkedIn", classify: (r) => this.#classify(r), redact: secretRedactor(() => secrets) };
    const version = credentials.linkedInVersion?.trim() || this.#version;
    if (action.kind === "organic-post") {
      if (action.channel !== "linkedin") return { status: "failed", retryable: false, reason: "The LinkedIn publisher only publishes LinkedIn posts" };
      const creds = requireCredentials("LinkedIn", credentials, LINKEDIN_ORGANIC_CREDENTIALS);
      if (!creds.ok) return creds.outcome;
      const result = await this.#organic(action, { token: creds.value.accessToken, version, policy }, creds.value.organizationId);
      return result.ok ? result.value : result.outcome;
    }
    if (action.platform !== "linkedin") return { status: "failed", retryable: false, reason: "The LinkedIn publisher only creates LinkedIn ads" };
    const creds = requireCredentials("LinkedIn", credentials, LINKEDIN_AD_CREDENTIALS);
    if (!creds.ok) return creds.outcome;
    const brief = readLinkedInBrief(action.brief);
    if (!brief.ok) return brief.outcome;
    const result = await this.#ad(action, brief.value, { token: creds.value.accessToken, version, policy }, creds.value.adAccountId);
    return result.ok ? result.value : result.outcome;
  }

  #request(ctx: Context, request: Omit<WireRequest, "headers" | "auth">): WireRequest {
    return {
      ...request,
      headers: { "LinkedIn-Version": ctx.version, "X-Restli-Protocol-Version": "2.0.0" },
      auth: { scheme: "bearer", token: ctx.token, describe: "Bearer <LinkedIn OAuth access token>" },
    };
  }

  // --- organic ---

  /** POST /rest/posts for an organization (the body the dry run records too). */
  postRequest(ctx: Context, action: OrganicPostAction, organizationId: string): WireRequest {
    return this.#request(ctx, {
      label: "create the organization post",
      method: "POST",
      path: "/rest/posts",
      body: {
        type: "json",
        value: {
          author: `urn:li:organization:${organizationId}`,
          commentary: action.text,
          visibility: "PUBLIC",
          distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
          lifecycleState: "PUBLISHED",
          isReshareDisabledByAuthor: false,
        },
      },
    });
  }

  async #organic(action: OrganicPostAction, ctx: Context, organizationId: string): Promise<StepResult<PublishOutcome>> {
    const created = await this.#http.run(ctx.policy, {
      what: "create the post",
      subject: "the post",
      request: () => this.postRequest(ctx, action, organizationId),
      parse: restliId,
      find: () => this.#findPost(ctx, organizationId, action.text),
      lookupFirst: action.reconcile === true,
    });
    if (!created.ok) return created;
    const urn = created.value;
    return { ok: true, value: { status: "published", platformIds: { postUrn: urn }, url: `https://www.linkedin.com/feed/update/${urn}/` } };
  }

  /** The organization's latest posts (finder q=author), matched by exact commentary. */
  async #findPost(ctx: Context, organizationId: string, text: string): Promise<StepResult<string | null>> {
    const found = await this.#read(ctx, {
      label: "look for the post among the organization's latest posts",
      method: "GET",
      path: "/rest/posts",
      query: { q: "author", author: `urn:li:organization:${organizationId}`, count: "20", sortBy: "LAST_MODIFIED" },
    }, "the post");
    if (!found.ok) return found;
    const match = found.value.find((e) => e.commentary === text);
    return { ok: true, value: match === undefined ? null : (stringField(match, "id") ?? null) };
  }

  // --- paused ad ---

  async #ad(action: PausedAdAction, brief: BriefView<LinkedInTargeting>, ctx: Context, adAccountId: string): Promise<StepResult<PublishOutcome>> {
    const account = `urn:li:sponsoredAccount:${adAccountId}`;
    const accountPath = `/rest/adAccounts/${encodeURIComponent(adAccountId)}`;
    const start = this.#http.now();
    const runSchedule = { start: start.getTime(), end: addDays(start, brief.days).getTime() };
    const api = brief.api as { dailyBudget?: unknown; totalBudget?: unknown };

    // 1. Campaign group: find by name (a redelivery resumes), else create as DRAFT.
    const findGroup = (): Promise<StepResult<string | null>> =>
      this.#findByName(ctx, `${accountPath}/adCampaignGroups`, `search=(name:(values:List(${restliEncode(action.name)})))`, action.name, "sponsoredCampaignGroup", "the campaign group");
    const existingGroup = await findGroup();
    if (!existingGroup.ok) return existingGroup;
    let resuming = existingGroup.value !== null;
    const group = existingGroup.value ?? (await this.#create(ctx, {
      label: "create the campaign group (DRAFT)",
      path: `${accountPath}/adCampaignGroups`,
      body: { account, name: action.name, status: "DRAFT", runSchedule, totalBudget: api.totalBudget },
      type: "sponsoredCampaignGroup",
      subject: "the campaign group",
      find: findGroup,
    }));
    if (typeof group !== "string") return group;

    // 2. Campaign: PAUSED, targeting resolved from the brief's names.
    const findCampaign = (): Promise<StepResult<string | null>> =>
      this.#findByName(ctx, `${accountPath}/adCampaigns`, `search=(campaignGroup:(values:List(${restliEncode(group)})))`, action.name, "sponsoredCampaign", "the campaign");
    let campaign: string | null = null;
    if (resuming) {
      const found = await findCampaign();
      if (!found.ok) return found;
      campaign = found.value;
    }
    const unresolved: string[] = [];
    if (campaign === null) {
      resuming = false;
      const targeting = await this.#resolveTargeting(ctx, brief.targeting, unresolved);
      if (!targeting.ok) return targeting;
      const created = await this.#create(ctx, {
        label: "create the campaign (PAUSED)",
        path: `${accountPath}/adCampaigns`,
        body: {
          account,
          campaignGroup: group,
          name: action.name,
          type: "SPONSORED_UPDATES",
          objectiveType: "WEBSITE_VISIT",
          // Automated CPM bidding without unitCost: whether unitCost is required is UNCONFIRMED.
          costType: "CPM",
          dailyBudget: api.dailyBudget,
          locale: { country: "US", language: "en" },
          runSchedule,
          offsiteDeliveryEnabled: false,
          // Sent by third-party code on recent versions; required or not: UNCONFIRMED.
          politicalIntent: "NOT_POLITICAL",
          status: "PAUSED",
          targetingCriteria: targeting.value,
        },
        type: "sponsoredCampaign",
        subject: "the campaign",
        find: findCampaign,
      });
      if (typeof created !== "string") return created;
      campaign = created;
    }

    const platformIds: Record<string, string> = { campaignGroupUrn: group, campaignUrn: campaign };
    if (unresolved.length > 0) platformIds.unresolvedTargeting = unresolved.join("; ");
    const url = `https://www.linkedin.com/campaignmanager/accounts/${adAccountId}/campaigns/${idOfUrn(campaign)}/details`; // UNCONFIRMED URL shape

    // 3. Creative: DRAFT, sponsoring the approved organic post. Without one, a person adds the creative.
    if (action.sponsoredPostId !== undefined && action.sponsoredPostId !== "") {
      const reference = action.sponsoredPostId;
      const findCreative = (): Promise<StepResult<string | null>> => this.#findCreative(ctx, accountPath, campaign, reference);
      let creative: string | null = null;
      if (resuming) {
        const found = await findCreative();
        if (!found.ok) return found;
        creative = found.value;
      }
      if (creative === null) {
        const created = await this.#create(ctx, {
          label: "create the creative (DRAFT) sponsoring the organic post",
          path: `${accountPath}/creatives`,
          body: { campaign, content: { reference }, intendedStatus: "DRAFT", name: action.name },
          type: "sponsoredCreative",
          subject: "the creative",
          find: findCreative,
        });
        if (typeof created !== "string") return created;
        creative = created;
      }
      platformIds.creativeUrn = creative;
    }
    return { ok: true, value: { status: "published", platformIds, url } };
  }

  async #create(
    ctx: Context,
    spec: { label: string; path: string; body: Record<string, unknown>; type: string; subject: string; find: () => Promise<StepResult<string | null>> },
  ): Promise<string | { ok: false; outcome: PublishOutcome & { status: "failed" } }> {
    const result = await this.#http.run(ctx.policy, {
      what: `create ${spec.subject}`,
      subject: spec.subject,
      request: () => this.#request(ctx, { label: spec.label, method: "POST", path: spec.path, body: { type: "json", value: spec.body } }),
      parse: (response) => normaliseRestliId(restliId(response), spec.type),
      find: spec.find,
    });
    return result.ok ? result.value : result;
  }

  /** A finder GET returning `elements`; failures become "could not confirm" (never a blind re-create). */
  async #read(ctx: Context, request: Omit<WireRequest, "headers" | "auth">, subject: string): Promise<StepResult<Array<Record<string, unknown>>>> {
    const result = await this.#http.run(ctx.policy, {
      what: `look up ${subject}`,
      subject: `the lookup of ${subject}`,
      request: () => this.#request(ctx, request),
      parse: (response) => {
        const elements = (jsonOf(response.text) as { elements?: unknown } | undefined)?.elements;
        if (!Array.isArray(elements)) throw new Error("no elements in the answer");
        return elements.filter(isRecord);
      },
    });
    // Non-retryable (expired token, permission): the original reason says it best.
    if (result.ok || !result.outcome.retryable) return result;
    return failed(`LinkedIn: could not check whether ${subject} already exists, so nothing was created (${result.outcome.reason})`, result.outcome.retryable, result.outcome.httpStatus);
  }

  /** Finder q=search with a Rest.li search expression, matched on the exact name. */
  async #findByName(ctx: Context, path: string, search: string, name: string, type: string, subject: string): Promise<StepResult<string | null>> {
    const found = await this.#read(ctx, { label: `look up ${subject} by name`, method: "GET", path, rawQuery: `q=search&${search}` }, subject);
    if (!found.ok) return found;
    const match = found.value.find((e) => e.name === name);
    const id = match === undefined ? undefined : stringField(match, "id");
    return { ok: true, value: id === undefined ? null : normaliseRestliId(id, type) };
  }

  /** Creatives of the campaign (finder q=criteria; UNCONFIRMED parameters), matched on the sponsored post. */
  async #findCreative(ctx: Context, accountPath: string, campaign: string, reference: string): Promise<StepResult<string | null>> {
    const found = await this.#read(ctx, {
      label: "look up the campaign's creatives",
      method: "GET",
      path: `${accountPath}/creatives`,
      rawQuery: `q=criteria&campaigns=List(${restliEncode(campaign)})`,
    }, "the creative");
    if (!found.ok) return found;
    const match = found.value.find((e) => isRecord(e.content) && e.content.reference === reference);
    const id = match === undefined ? undefined : stringField(match, "id");
    return { ok: true, value: id === undefined ? null : normaliseRestliId(id, "sponsoredCreative") };
  }

  /**
   * Turns the brief's names into URNs with GET /rest/adTargetingEntities?q=typeahead (parameter names
   * UNCONFIRMED; the facet finder q=adTargetingFacet lists a whole facet instead). An exact name match
   * wins, else the first suggestion; names with no suggestion are dropped and reported, and facets or
   * clauses left empty are removed.
   */
  async #resolveTargeting(ctx: Context, targeting: LinkedInTargeting, unresolved: string[]): Promise<StepResult<Record<string, unknown>>> {
    const and: Array<{ or: Record<string, string[]> }> = [];
    for (const clause of targeting.targetingCriteria.include.and) {
      const or: Record<string, string[]> = {};
      for (const [facet, names] of Object.entries(clause.or)) {
        const urns: string[] = [];
        for (const name of names ?? []) {
          if (name.startsWith("urn:li:")) {
            urns.push(name);
            continue;
          }
          const urn = await this.#typeahead(ctx, facet, name);
          if (!urn.ok) return urn;
          if (urn.value === null) unresolved.push(`${facet.slice(facet.lastIndexOf(":") + 1)}: ${name}`);
          else if (!urns.includes(urn.value)) urns.push(urn.value);
        }
        if (urns.length > 0) or[facet] = urns;
      }
      if (Object.keys(or).length > 0) and.push({ or });
    }
    if (and.length === 0) return failed("LinkedIn: none of the brief's targeting names resolved to LinkedIn targeting values; edit the targeting and retry", false);
    return { ok: true, value: { include: { and } } };
  }

  async #typeahead(ctx: Context, facet: string, name: string): Promise<StepResult<string | null>> {
    const cacheKey = `${facet}\u0000${name.toLowerCase()}`;
    if (this.#resolved.has(cacheKey)) return { ok: true, value: this.#resolved.get(cacheKey) ?? null };
    const found = await this.#read(ctx, {
      label: `resolve the targeting name "${name}"`,
      method: "GET",
      path: "/rest/adTargetingEntities",
      query: { q: "typeahead", facet, query: name },
    }, `the targeting value "${name}"`);
    if (!found.ok) return found;
    const withUrn = found.value.filter((e) => typeof e.urn === "string");
    const match = withUrn.find((e) => typeof e.name === "string" && e.name.toLowerCase() === name.toLowerCase()) ?? withUrn[0];
    const urn = match === undefined ? null : (match.urn as string);
    this.#resolved.set(cacheKey, urn);
    return { ok: true, value: urn };
  }

  #classify(response: WireResponse): ErrorClass {
    const body = jsonOf(response.text);
    const message = stringField(body, "message") ?? `HTTP ${response.status}`;
    const inputErrors = isRecord(body) && isRecord(body.errorDetails) && Array.isArray(body.errorDetails.inputErrors) ? body.errorDetails.inputErrors : [];
    const details = inputErrors
      .filter(isRecord)
      .map((e) => [stringField(e, "description"), inputPathOf(e.input)].filter(Boolean).join(" at "))
      .filter((s) => s !== "");
    const detail = details.length > 0 ? `${message} (${details.join("; ")})` : message;
    if (response.status === 429) {
      const wait = retryAfterMs(response.headers, this.#http.now());
      return wait === undefined ? { kind: "throttled", detail } : { kind: "throttled", waitMs: wait, detail };
    }
    if (response.status >= 500) return { kind: "transient", detail };
    if (response.status === 401) return { kind: "auth", reason: `LinkedIn access token expired or was revoked; reconnect the LinkedIn account (${detail})` };
    if (response.status === 403) return { kind: "rejected", detail: `permission denied: ${detail}` };
    // Posts API: "Content is a duplicate of urn:li:share:…" (wording UNCONFIRMED).
    if (response.status === 422 && /duplicate/i.test(message)) return { kind: "duplicate", detail };
    return { kind: "rejected", detail };
  }
}

/** errorDetails.inputErrors[].input.inputPath: a string or {fieldPath} (shape UNCONFIRMED). */
function inputPathOf(input: unknown): string | undefined {
  if (!isRecord(input)) return undefined;
  const path = input.inputPath;
  return typeof path === "string" ? path : stringField(path, "fieldPath");
}

function restliId(response: WireResponse): string {
  const id = response.headers.get("x-restli-id") ?? response.headers.get("x-linkedin-id");
  if (id === null || id === "") throw new Error("no x-restli-id header");
  return id;
}

/** Fabricated LinkedIn answers for the dry run: placeholder ids, nothing found, names echoed as URNs to resolve. */
export function linkedInDryRunResponse(request: WireRequest): WireResponse {
  const ok = (id: string): WireResponse => ({ status: 201, headers: new Headers({ "x-restli-id": id }), text: "" });
  const json = (body: unknown): WireResponse => ({ status: 200, headers: new Headers({ "content-type": "application/json" }), text: JSON.stringify(body) });
  if (request.method === "GET" && request.path === "/rest/adTargetingEntities") {
    const name = request.query?.query ?? "";
    const facet = (request.query?.facet ?? "").split(":").pop() ?? "facet";
    return json({ elements: [{ urn: `{urn of the ${facet} value "${name}" from this typeahead}`, name, facetUrn: request.query?.facet }] });
  }
  if (request.method === "GET") return json({ elements: [], paging: { start: 0, count: 10, links: [] } });
  if (request.path === "/rest/posts") return ok("{urn of the new post}");
  if (request.path.endsWith("/adCampaignGroups")) return ok("{campaign group id}");
  if (request.path.endsWith("/adCampaigns")) return ok("{campaign id}");
  if (request.path.endsWith("/creatives")) return ok("urn:li:sponsoredCreative:{creative id}");
  return ok("{id}");
}
