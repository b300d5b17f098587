import { bearerToken, expectContract, isObject, type ContractHandler, type ContractReply, type ContractRequest } from "./fake-kit.ts";

/**
 * LinkedIn's versioned REST API as far as the publisher uses it (platform-apis.md §1): Posts API,
 * ad campaign groups, campaigns, creatives, their search finders and the adTargetingEntities
 * typeahead. Every call must carry a Bearer token, LinkedIn-Version (YYYYMM) and
 * X-Restli-Protocol-Version 2.0.0; creates answer 201 with the id in x-restli-id and an empty body.
 */
export interface LinkedInFake {
  handler: ContractHandler;
  token: string;
  adAccountId: string;
  organizationId: string;
  expired: boolean;
  posts: Map<string, Record<string, unknown>>;
  groups: Map<string, Record<string, unknown>>;
  campaigns: Map<string, Record<string, unknown>>;
  creatives: Map<string, Record<string, unknown>>;
  versionsSeen: Set<string>;
  /** DMP segments by numeric id, with the SHA-256 emails they hold. */
  segments: Map<string, { id: string; name: string; account: string; members: Set<string>; status: string; audienceSize: number | null; adSegment: string }>;
  /** Every users request: segment id, elements per action. */
  userBatches: Array<{ segmentId: string; add: number; remove: number }>;
  /** What a segment reports (LinkedIn builds a new one for up to 48 h). */
  segmentStatus: { status: string; audienceSize: number | null };
}

/** Typeahead catalogue: what LinkedIn would suggest per facet (ids invented for the test). */
const CATALOGUE: Record<string, Array<{ urn: string; name: string }>> = {
  "urn:li:adTargetingFacet:locations": [
    { urn: "urn:li:geo:103644278", name: "United States" },
    { urn: "urn:li:geo:101282230", name: "Germany" },
    { urn: "urn:li:geo:103883259", name: "Austria" },
  ],
  "urn:li:adTargetingFacet:titles": [
    { urn: "urn:li:title:100", name: "Journalist" },
    { urn: "urn:li:title:101", name: "Editor" },
    { urn: "urn:li:title:1010", name: "Editor In Chief" },
    { urn: "urn:li:title:102", name: "Reporter" },
    { urn: "urn:li:title:103", name: "Correspondent" },
    { urn: "urn:li:title:104", name: "Blogger" },
    { urn: "urn:li:title:105", name: "Columnist" },
    { urn: "urn:li:title:106", name: "Commentator" },
  ],
  "urn:li:adTargetingFacet:industries": [
    { urn: "urn:li:industry:82", name: "Newspaper Publishing" },
    { urn: "urn:li:industry:81", name: "Periodical Publishing" },
    { urn: "urn:li:industry:36", name: "Broadcast Media Production and Distribution" },
  ],
};

const restliError = (status: number, message: string, code?: string): ContractReply => ({
  status,
  body: { status, serviceErrorCode: status === 401 ? 65601 : 100, ...(code === undefined ? {} : { code }), message },
});

/** The values of `key:(values:List(…))` in a Rest.li search expression, decoded. */
function restliListValues(raw: string, key: string): string[] {
  const m = new RegExp(`${key}:\\(values:List\\(([^)]*)\\)\\)`).exec(raw);
  return m === null ? [] : m[1]!.split(",").map((v) => decodeURIComponent(v));
}

export function linkedInFake(): LinkedInFake {
  let next = 5000;
  const fake: LinkedInFake = {
    handler: (request) => handle(request),
    token: "li-token-abcdef123456",
    adAccountId: "508123456",
    organizationId: "2414183",
    expired: false,
    posts: new Map(),
    groups: new Map(),
    campaigns: new Map(),
    creatives: new Map(),
    versionsSeen: new Set(),
    segments: new Map(),
    userBatches: [],
    segmentStatus: { status: "BUILDING", audienceSize: null },
  };
  const segmentRow = (g: LinkedInFake["segments"] extends Map<string, infer V> ? V : never) => ({
    id: Number(g.id),
    name: g.name,
    account: g.account,
    type: "USER",
    inputCount: g.members.size,
    destinations: [{ destination: "LINKEDIN", status: fake.segmentStatus.status, audienceSize: fake.segmentStatus.audienceSize, matchedCount: 0, destinationSegmentId: g.adSegment }],
  });
  const created = (id: string): ContractReply => ({ status: 201, headers: { "x-restli-id": id, "x-linkedin-id": id } });
  const elements = (list: unknown[]): ContractReply => ({ status: 200, body: { elements: list, paging: { start: 0, count: 10, links: [] } } });

  function handle(request: ContractRequest): ContractReply {
    const version = request.headers["linkedin-version"];
    expectContract(typeof version === "string" && /^\d{6}$/.test(version), "LinkedIn-Version header (YYYYMM) is required");
    fake.versionsSeen.add(version);
    expectContract(request.headers["x-restli-protocol-version"] === "2.0.0", "X-Restli-Protocol-Version: 2.0.0 is required");
    const token = bearerToken(request);
    if (token === undefined) return restliError(401, "Empty oauth2_access_token");
    if (token !== fake.token) return restliError(401, "Invalid access token", "INVALID_ACCESS_TOKEN");
    if (fake.expired) return restliError(401, "The token used in the request has expired", "EXPIRED_ACCESS_TOKEN");
    if (request.method === "POST") expectContract(request.contentType?.startsWith("application/json"), "POST bodies are JSON");
    const body = request.body;
    const accountPath = `/rest/adAccounts/${fake.adAccountId}`;
    const account = `urn:li:sponsoredAccount:${fake.adAccountId}`;

    switch (`${request.method} ${request.path}`) {
      case "POST /rest/posts": {
        expectContract(isObject(body), "post body");
        expectContract(body.author === `urn:li:organization:${fake.organizationId}`, "author must be the organization URN");
        expectContract(typeof body.commentary === "string", "commentary is required");
        expectContract(body.visibility === "PUBLIC", "visibility PUBLIC");
        expectContract(isObject(body.distribution) && body.distribution.feedDistribution === "MAIN_FEED", "distribution.feedDistribution MAIN_FEED");
        expectContract(Array.isArray(body.distribution.targetEntities) && Array.isArray(body.distribution.thirdPartyDistributionChannels), "distribution lists");
        expectContract(body.lifecycleState === "PUBLISHED", "lifecycleState PUBLISHED");
        if (body.commentary.length > 3000) return restliError(422, "/commentary :: length must be at most 3000", "FIELD_LENGTH_TOO_LONG");
        const duplicate = [...fake.posts].find(([, p]) => p.commentary === body.commentary);
        if (duplicate !== undefined) return restliError(422, `Content is a duplicate of ${duplicate[0]}`, "DUPLICATE_POST");
        const urn = `urn:li:share:${next++}`;
        fake.posts.set(urn, { id: urn, ...body });
        return { status: 201, headers: { "x-restli-id": urn } };
      }
      case "GET /rest/posts": {
        expectContract(request.query.get("q") === "author", "posts finder q=author");
        const author = request.query.get("author");
        return elements([...fake.posts.values()].filter((p) => p.author === author).reverse());
      }
      case `POST ${accountPath}/adCampaignGroups`: {
        expectContract(isObject(body) && body.account === account, "campaign group account URN");
        expectContract(typeof body.name === "string" && body.name !== "", "campaign group name");
        expectContract(body.status === "DRAFT", "campaign group status DRAFT");
        expectContract(isObject(body.runSchedule) && typeof body.runSchedule.start === "number", "runSchedule.start epoch ms");
        expectContract(isObject(body.totalBudget) && /^\d+\.\d{2}$/.test(String(body.totalBudget.amount)), "totalBudget decimal string");
        const id = String(next++);
        fake.groups.set(id, { id: Number(id), ...body });
        return created(id);
      }
      case `GET ${accountPath}/adCampaignGroups`: {
        expectContract(request.query.get("q") === "search", "finder q=search");
        const names = restliListValues(request.rawQuery, "name");
        expectContract(names.length > 0, "search=(name:(values:List(…)))");
        return elements([...fake.groups.values()].filter((g) => names.includes(String(g.name))));
      }
      case `POST ${accountPath}/adCampaigns`: {
        expectContract(isObject(body) && body.account === account, "campaign account URN");
        const groupId = String(body.campaignGroup).replace("urn:li:sponsoredCampaignGroup:", "");
        expectContract(fake.groups.has(groupId), "campaignGroup must be an existing group URN");
        expectContract(body.status === "PAUSED", "campaign status PAUSED");
        expectContract(body.type === "SPONSORED_UPDATES" && body.objectiveType === "WEBSITE_VISIT", "type/objectiveType");
        expectContract(isObject(body.dailyBudget) && /^\d+\.\d{2}$/.test(String(body.dailyBudget.amount)) && body.dailyBudget.currencyCode === "USD", "dailyBudget");
        expectContract(isObject(body.locale) && /^[A-Z]{2}$/.test(String(body.locale.country)), "locale.country is an ISO country code");
        const tc = body.targetingCriteria;
        expectContract(isObject(tc) && isObject(tc.include) && Array.isArray(tc.include.and) && tc.include.and.length > 0, "targetingCriteria.include.and");
        for (const clause of tc.include.and) {
          expectContract(isObject(clause) && isObject(clause.or), "each and-clause is {or: {facet: [urn]}}");
          for (const [facet, values] of Object.entries(clause.or)) {
            expectContract(facet.startsWith("urn:li:adTargetingFacet:"), `facet ${facet} must be a facet URN`);
            expectContract(Array.isArray(values) && values.every((v) => typeof v === "string" && v.startsWith("urn:li:")), `values of ${facet} must be URNs`);
            if (facet === "urn:li:adTargetingFacet:audienceMatchingSegments") {
              expectContract(values.every((v) => [...fake.segments.values()].some((g) => g.adSegment === v)), "audienceMatchingSegments takes the adSegment URN of an existing DMP segment");
            }
          }
        }
        const id = String(next++);
        fake.campaigns.set(id, { id: Number(id), ...body });
        return created(id);
      }
      case `GET ${accountPath}/adCampaigns`: {
        expectContract(request.query.get("q") === "search", "finder q=search");
        const groups = restliListValues(request.rawQuery, "campaignGroup");
        expectContract(groups.length > 0, "search=(campaignGroup:(values:List(…)))");
        return elements([...fake.campaigns.values()].filter((c) => groups.includes(String(c.campaignGroup))));
      }
      case `POST ${accountPath}/creatives`: {
        expectContract(isObject(body), "creative body");
        const campaignId = String(body.campaign).replace("urn:li:sponsoredCampaign:", "");
        expectContract(fake.campaigns.has(campaignId), "campaign must be an existing campaign URN");
        expectContract(isObject(body.content) && /^urn:li:(share|ugcPost):\d+$/.test(String(body.content.reference)), "content.reference must be a post URN");
        expectContract(body.intendedStatus === "DRAFT", "intendedStatus DRAFT");
        const urn = `urn:li:sponsoredCreative:${next++}`;
        fake.creatives.set(urn, { id: urn, ...body });
        return created(urn);
      }
      case `GET ${accountPath}/creatives`: {
        expectContract(request.query.get("q") === "criteria", "creatives finder q=criteria");
        const m = /campaigns=List\(([^)]*)\)/.exec(request.rawQuery);
        expectContract(m !== null, "campaigns=List(…)");
        const campaigns = m[1]!.split(",").map((v) => decodeURIComponent(v));
        return elements([...fake.creatives.values()].filter((c) => campaigns.includes(String(c.campaign))));
      }
      case "GET /rest/adTargetingEntities": {
        expectContract(request.query.get("q") === "typeahead", "adTargetingEntities q=typeahead");
        const facet = request.query.get("facet") ?? "";
        const query = (request.query.get("query") ?? "").toLowerCase();
        expectContract(facet in CATALOGUE, `unknown facet ${facet}`);
        const hits = CATALOGUE[facet]!.filter((e) => e.name.toLowerCase().startsWith(query));
        return elements(hits.map((e) => ({ ...e, facetUrn: facet })));
      }
      case "POST /rest/dmpSegments": {
        expectContract(isObject(body) && body.account === account, "DMP segment account URN");
        expectContract(typeof body.name === "string" && body.name !== "", "DMP segment name");
        expectContract(typeof body.type === "string" && typeof body.sourcePlatform === "string", "type and sourcePlatform");
        expectContract(Array.isArray(body.destinations) && body.destinations.some((d) => isObject(d) && d.destination === "LINKEDIN"), "destinations [{destination: LINKEDIN}]");
        const id = String(next++);
        fake.segments.set(id, { id, name: body.name, account, members: new Set(), status: "BUILDING", audienceSize: null, adSegment: `urn:li:adSegment:${next++}` });
        return created(id);
      }
      case "GET /rest/dmpSegments": {
        expectContract(request.query.get("q") === "account" && request.query.get("account") === account, "finder q=account&account=<sponsoredAccount URN>");
        return elements([...fake.segments.values()].filter((g) => g.account === account).map(segmentRow));
      }
      default: {
        const one = /^\/rest\/dmpSegments\/(\d+)(\/users)?$/.exec(request.path);
        if (one !== null) {
          const segment = fake.segments.get(one[1]!);
          if (segment === undefined) return restliError(404, "DMP segment not found");
          if (request.method === "GET" && one[2] === undefined) return { status: 200, body: segmentRow(segment) };
          if (request.method === "POST" && one[2] !== undefined) {
            expectContract(request.headers["x-restli-method"] === "BATCH_CREATE", "X-RestLi-Method: BATCH_CREATE");
            expectContract(isObject(body) && Array.isArray(body.elements) && body.elements.length > 0, "elements");
            let add = 0;
            let remove = 0;
            for (const element of body.elements) {
              expectContract(isObject(element) && (element.action === "ADD" || element.action === "REMOVE"), "action ADD or REMOVE");
              expectContract(Array.isArray(element.userIds) && element.userIds.length > 0, "userIds");
              for (const uid of element.userIds) {
                expectContract(isObject(uid) && uid.idType === "SHA256_EMAIL" && /^[0-9a-f]{64}$/.test(String(uid.idValue)), "userIds [{idType: SHA256_EMAIL, idValue: 64 hex}]");
                if (element.action === "ADD") segment.members.add(String(uid.idValue));
                else segment.members.delete(String(uid.idValue));
              }
              if (element.action === "ADD") add++;
              else remove++;
            }
            fake.userBatches.push({ segmentId: segment.id, add, remove });
            return { status: 200, body: { elements: body.elements.map(() => ({ status: 201 })) } };
          }
        }
        throw new Error(`unexpected ${request.method} ${request.path}`);
      }
    }
  }
  return fake;
}
