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
 *
 * Matched audience (issue #16, audience-sync.ts), before the campaign is created: the client's DMP
 * segment, found by its deterministic name among the account's segments or created, gets the members
 * added and removed since the last sync, then is read back for its status, size and ad segment.
 * - POST /rest/dmpSegments {name, account, type, sourcePlatform, destinations:[{destination:LINKEDIN}],
 *   accessPolicy:PRIVATE}; wait 5 s before the first upload; needs rw_dmp_segments (Audiences program):
 *   https://learn.microsoft.com/en-us/linkedin/marketing/matched-audiences/create-and-manage-segments
 * - POST /rest/dmpSegments/{id}/users with X-RestLi-Method: BATCH_CREATE, elements of {action: ADD|REMOVE,
 *   userIds:[{idType: SHA256_EMAIL, idValue}]}; re-adds and repeated removes are accepted, so a resent
 *   batch is harmless:
 *   https://learn.microsoft.com/en-us/linkedin/marketing/matched-audiences/create-and-manage-segment-users
 *   No per-request element maximum is documented there (only 600 requests/min per member), so batches
 *   are our own cap of 1,000 elements.
 * - GET /rest/dmpSegments?q=account&account=… lists the account's segments (the name lookup); statuses
 *   BUILDING, UPDATING, READY, ARCHIVED may be targeted, EXPIRED, FAILED, ERROR may not:
 *   https://learn.microsoft.com/en-us/linkedin/marketing/matched-audiences/matched-audiences-faq
 *   GET /rest/dmpSegments/{id} for one segment is UNCONFIRMED (inferred from Rest.li conventions);
 *   destinations[].status, audienceSize and destinationSegmentId come from LinkedIn's Postman collection.
 * - 300 members minimum to run; audience counts read 0 below it:
 *   https://learn.microsoft.com/en-ca/linkedin/marketing/integrations/ads/advertising-targeting/audience-counts
 * - Reference: urn:li:adTargetingFacet:audienceMatchingSegments with urn:li:adSegment:{id}:
 *   https://learn.microsoft.com/en-us/linkedin/shared/references/v2/ads/targeting-criteria-facet-urns
 *   It goes in the same or-map as the journalist titles and media industries (a union: the list plus the
 *   beat's broad layer), ANDed with the locations clause
 *   (https://learn.microsoft.com/en-us/linkedin/shared/references/v2/ads/targeting-criteria).
 * The campaign's locale country is the brief's first location, never a fixed country.
 */
import { secretCredentialValues, type OrganicPostAction, type PausedAdAction, type PlatformCredentials, type PublishAction, type PublishOutcome, type Publisher } from "@pressbridge/core";
import { addDays, readLinkedInBrief, type BriefView } from "./ad-brief-fields.ts";
import { MemoryAudienceStore, memberParts, type AudienceStore, type LinkedInTargeting } from "@pressbridge/core";
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

export const LINKEDIN_API_BASE = "https://api.linkedin.com";
/** Monthly API version; pin it in config (platform-apis.md: 202601 and 202605 seen; latest UNCONFIRMED). */
export const LINKEDIN_DEFAULT_VERSION = "202605";
export const LINKEDIN_ORGANIC_CREDENTIALS = ["accessToken", "organizationId"] as const;
export const LINKEDIN_AD_CREDENTIALS = ["accessToken", "adAccountId"] as const;

export interface LinkedInPublisherOptions extends PublisherHttpOptions {
  /** LinkedIn-Version when the credentials carry no `linkedInVersion`. Default 202605. */
  version?: string;
  /** Where the clients' matched audiences are kept (default: in memory, for this adapter's life). */
  audiences?: AudienceStore;
  /** Elements per DMP segment users request. Default 1,000 (our cap; LinkedIn documents none). */
  audienceBatchSize?: number;
}

export const LINKEDIN_AUDIENCE_BATCH = 1_000;
const AUDIENCE_FACET = "urn:li:adTargetingFacet:audienceMatchingSegments";
const UNTARGETABLE_SEGMENT = new Set(["EXPIRED", "FAILED", "ERROR"]);

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
  readonly #audiences: AudienceStore;
  readonly #audienceBatch: number;

  constructor(options: LinkedInPublisherOptions = {}) {
    const transport = options.transport ?? new FetchTransport({ default: options.baseUrl ?? LINKEDIN_API_BASE }, options);
    this.#http = new PublisherHttp(transport, options);
    this.#version = options.version ?? LINKEDIN_DEFAULT_VERSION;
    this.#audiences = options.audiences ?? new MemoryAudienceStore();
    this.#audienceBatch = options.audienceBatchSize ?? LINKEDIN_AUDIENCE_BATCH;
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
    const result = await this.#ad(action, brief.value, { token: creds.value.accessToken, version, policy }, creds.value.adAccountId, credentials.dmpSourcePlatform?.trim() || "STREAMING");
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

  async #ad(action: PausedAdAction, brief: BriefView<LinkedInTargeting>, ctx: Context, adAccountId: string, sourcePlatform: string): Promise<StepResult<PublishOutcome>> {
    const account = `urn:li:sponsoredAccount:${adAccountId}`;
    const accountPath = `/rest/adAccounts/${encodeURIComponent(adAccountId)}`;
    const start = this.#http.now();
    const runSchedule = { start: start.getTime(), end: addDays(start, brief.days).getTime() };
    const api = brief.api as { dailyBudget?: unknown; totalBudget?: unknown };

    // 0. The client's matched audience (DMP segment), before anything references it.
    const audience = await syncMatchedAudience(this.#audiences, this.#audienceOps(ctx, account, sourcePlatform), {
      clientId: action.clientId ?? brief.matched?.clientId ?? null,
      list: brief.matched,
      now: () => this.#http.now(),
    });
    if (audience !== null && !audience.ok) return audience;
    const matched: AudienceStep | null = audience?.value ?? null;

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
      const targeting = await this.#resolveTargeting(ctx, brief.targeting, unresolved, matched?.attach ?? null);
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
          // The campaign's locale: the client's first ad location (brief.locations), never a fixed country.
          ...(brief.locations[0] === undefined ? {} : { locale: { country: brief.locations[0], language: "en" } }),
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
    if (matched !== null) Object.assign(platformIds, audienceIds(matched.outcome));
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
    return { ok: true, value: { status: "published", platformIds, url, ...(matched === null ? {} : { audience: matched.outcome }) } };
  }

  /** The DMP segment requests (see the file comment for the documentation each follows). */
  #audienceOps(ctx: Context, account: string, sourcePlatform: string): AudienceOps {
    const idOf = (urnOrId: string): string => idOfUrn(urnOrId);
    return {
      platform: "linkedin",
      batchSize: this.#audienceBatch,
      find: async (name) => {
        const found = await this.#read(ctx, { label: "look up the matched audience (DMP segment) by name", method: "GET", path: "/rest/dmpSegments", query: { q: "account", account } }, "the matched audience");
        if (!found.ok) return found;
        const hit = found.value.find((e) => e.name === name);
        const id = hit === undefined ? undefined : stringField(hit, "id");
        if (id === undefined) return { ok: true, value: null };
        const ref = segmentRefOf(hit!);
        return { ok: true, value: ref === undefined ? { id: idOf(id) } : { id: idOf(id), targetingRef: ref } };
      },
      create: async (name) => {
        const created = await this.#http.run(ctx.policy, {
          what: "create the matched audience (DMP segment)",
          subject: "the matched audience",
          request: () => this.#request(ctx, {
            label: "create the matched audience (DMP segment) for the client's media list",
            method: "POST",
            path: "/rest/dmpSegments",
            body: { type: "json", value: { name, account, type: "USER", sourcePlatform, destinations: [{ destination: "LINKEDIN" }], accessPolicy: "PRIVATE" } },
          }),
          parse: (response) => idOf(restliId(response)),
          find: async () => {
            const found = await this.#audienceOps(ctx, account, sourcePlatform).find(name);
            return found.ok ? { ok: true, value: found.value?.id ?? null } : found;
          },
        });
        return created.ok ? { ok: true, value: { id: created.value } } : created;
      },
      // "After creating a DMP segment, wait 5 seconds for it to become available before adding users."
      afterCreate: () => this.#http.sleep(5_000),
      send: async (id, operation, members, sequence) => {
        const action = operation === "add" ? "ADD" : "REMOVE";
        const elements = (hashes: string[]) => hashes.map((idValue) => ({ action, userIds: [{ idType: "SHA256_EMAIL", idValue }] }));
        const hashes = members.map((m) => memberParts(m).hash);
        const sent = await this.#http.run(ctx.policy, {
          what: `${operation} matched audience members (batch ${sequence.index} of ${sequence.total})`,
          subject: "the matched audience members",
          request: () => ({
            ...this.#request(ctx, {
              label: `${operation === "add" ? "add" : "remove"} ${members.length} hashed email${members.length === 1 ? "" : "s"} ${operation === "add" ? "to" : "from"} the matched audience (batch ${sequence.index} of ${sequence.total})`,
              method: "POST",
              path: `/rest/dmpSegments/${encodeURIComponent(id)}/users`,
              body: { type: "json", value: { elements: elements(hashes) } },
              recordedBody: { elements: recordedHashes(hashes).map((h, i) => (i === 0 ? elements([h])[0] : h)) },
            }),
            headers: { "LinkedIn-Version": ctx.version, "X-Restli-Protocol-Version": "2.0.0", "X-RestLi-Method": "BATCH_CREATE" },
          }),
          parse: () => undefined,
        });
        return sent.ok ? { ok: true, value: undefined } : sent;
      },
      status: async (id) => {
        const read = await this.#http.run(ctx.policy, {
          what: "read the matched audience's status",
          subject: "the lookup of the matched audience",
          request: () => this.#request(ctx, { label: "read the matched audience's status and size", method: "GET", path: `/rest/dmpSegments/${encodeURIComponent(id)}` }),
          parse: (response) => jsonOf(response.text),
        });
        if (!read.ok) return read;
        const destination = isRecord(read.value) && Array.isArray(read.value.destinations) ? read.value.destinations.filter(isRecord).find((d) => d.destination === "LINKEDIN") : undefined;
        const status = stringField(destination, "status") ?? "UNKNOWN";
        const size = destination !== undefined && typeof destination.audienceSize === "number" ? destination.audienceSize : null;
        const ref = destination === undefined ? undefined : segmentRefOf({ destinations: [destination] });
        let notUsable: string | null = null;
        if (UNTARGETABLE_SEGMENT.has(status)) notUsable = `LinkedIn reports the matched audience as ${status}, which campaigns may not target`;
        else if (status === "READY" && size !== null && size < 300) notUsable = `LinkedIn matched ${size} members of the list, below its minimum of 300, so the audience would not serve`;
        else if (ref === undefined) notUsable = `LinkedIn has not made the matched audience's ad segment yet (status ${status}); a later plan attaches it`;
        return { ok: true, value: { status, matched: size, notUsable, ...(ref === undefined ? {} : { targetingRef: ref }) } };
      },
    };
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
  async #resolveTargeting(ctx: Context, targeting: LinkedInTargeting, unresolved: string[], segment: string | null): Promise<StepResult<Record<string, unknown>>> {
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
    if (segment !== null) {
      // The matched audience joins the beat's or-map (titles, industries): the list or the broad layer.
      const beat = and.find((clause) => !("urn:li:adTargetingFacet:locations" in clause.or));
      if (beat === undefined) and.push({ or: { [AUDIENCE_FACET]: [segment] } });
      else beat.or[AUDIENCE_FACET] = [segment];
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

/** The adSegment URN a DMP segment's LinkedIn destination carries (destinationSegmentId), if any. */
function segmentRefOf(segment: Record<string, unknown>): string | undefined {
  const destinations = Array.isArray(segment.destinations) ? segment.destinations.filter(isRecord) : [];
  const ref = stringField(destinations.find((d) => d.destination === "LINKEDIN"), "destinationSegmentId");
  return ref === undefined ? undefined : normaliseRestliId(ref, "adSegment");
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
  if (request.method === "GET" && /^\/rest\/dmpSegments\/[^/]+$/.test(request.path)) {
    return json({ id: "{dmp segment id}", destinations: [{ destination: "LINKEDIN", status: "BUILDING", destinationSegmentId: "urn:li:adSegment:{ad segment id}" }] });
  }
  if (request.method === "GET") return json({ elements: [], paging: { start: 0, count: 10, links: [] } });
  if (request.path === "/rest/posts") return ok("{urn of the new post}");
  if (request.path === "/rest/dmpSegments") return ok("{dmp segment id}");
  if (request.path.endsWith("/users")) return json({ elements: [] });
  if (request.path.endsWith("/adCampaignGroups")) return ok("{campaign group id}");
  if (request.path.endsWith("/adCampaigns")) return ok("{campaign id}");
  if (request.path.endsWith("/creatives")) return ok("urn:li:sponsoredCreative:{creative id}");
  return ok("{id}");
}
