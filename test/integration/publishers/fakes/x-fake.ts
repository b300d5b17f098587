import { randomBytes } from "node:crypto";
import { expectContract, isObject, oauth1Problem, type ContractHandler, type ContractReply, type ContractRequest } from "./fake-kit.ts";

/**
 * X's v2 API and Ads API v12 as far as the publisher uses them (platform-apis.md §3). Every request
 * must carry a valid OAuth 1.0a HMAC-SHA1 signature (verified here with the shared secrets). v2 posts
 * take a JSON body and answer 201 {data:{id,text}}; Ads API creates take form fields and answer
 * {data:{id,…},request:{params}}. Posted links come back rewritten to t.co, as on X.
 */
export interface XFake {
  handler: ContractHandler;
  secrets: { consumerKey: string; consumerSecret: string; token: string; tokenSecret: string };
  accountId: string;
  fundingInstrumentId: string;
  userId: string;
  revoked: boolean;
  tweets: Map<string, { id: string; text: string }>;
  campaigns: Map<string, Record<string, unknown>>;
  lineItems: Map<string, Record<string, unknown>>;
  criteria: Map<string, Record<string, unknown>>;
  /** Custom audiences by id, with the hashed members X holds (`e:`/`h:` + hash). */
  audiences: Map<string, { id: string; name: string; members: Set<string>; targetable: boolean; reasons: string[]; audienceSize: number | null }>;
  /** Every users request's operations, in order (batches counted here). */
  userBatches: Array<{ audienceId: string; operation: string; users: number }>;
  /** What a new audience reports (X's answer for a fresh one is PROCESSING). */
  newAudience: { targetable: boolean; reasons: string[]; audienceSize: number | null };
  /** X location keys per ISO country code (GET targeting_criteria/locations). */
  locations: Record<string, string>;
}

const problem = (status: number, title: string, detail: string): ContractReply => ({ status, body: { title, detail, type: "about:blank", status } });
const adsError = (status: number, code: string, message: string, parameter?: string): ContractReply => ({
  status,
  body: { errors: [{ code, message, ...(parameter === undefined ? {} : { parameter }) }], request: { params: {} } },
});

export function xFake(): XFake {
  let next = 1445880548472328192n;
  const fake: XFake = {
    handler: (request) => handle(request),
    secrets: { consumerKey: "xvz1evFS4wEEPTGEFPHBog", consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", tokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE" },
    accountId: "18ce54d4x5t",
    fundingInstrumentId: "lygyi",
    userId: "370773112",
    revoked: false,
    tweets: new Map(),
    campaigns: new Map(),
    lineItems: new Map(),
    criteria: new Map(),
    audiences: new Map(),
    userBatches: [],
    newAudience: { targetable: false, reasons: ["PROCESSING", "TOO_SMALL"], audienceSize: null },
    locations: { US: "96683cc9126741d1", DE: "fdcd221ac44fa326", AT: "1a6a4cd80e6d2d3c" },
  };
  const id36 = (): string => randomBytes(4).toString("hex").slice(0, 5);
  const ads = (data: unknown, request: ContractRequest): ContractReply => ({ status: 200, body: { data, request: { params: Object.fromEntries(request.query) } }, headers: { "x-current-api-version": "12" } });

  function handle(request: ContractRequest): ContractReply {
    const isAds = request.path.startsWith("/12/");
    const problemText = oauth1Problem(request, fake.secrets);
    if (problemText !== null) {
      // A bad signature is the adapter's bug: record it as a contract violation, answer like X.
      throw new Error(`OAuth 1.0a: ${problemText}`);
    }
    if (fake.revoked) {
      return isAds ? adsError(401, "UNAUTHORIZED_ACCESS", "This request is not properly authenticated") : problem(401, "Unauthorized", "Unauthorized");
    }
    const form = isObject(request.body) ? request.body : {};
    // Ads API parameters are form fields (or the query string); only custom audience users take JSON.
    if (isAds && request.method === "POST" && request.rawBody !== "" && !request.path.endsWith("/users")) expectContract(request.contentType?.startsWith("application/x-www-form-urlencoded"), "Ads API parameters are form fields");
    const acct = `/12/accounts/${fake.accountId}`;

    switch (`${request.method} ${request.path}`) {
      case "POST /2/tweets": {
        expectContract(request.contentType?.startsWith("application/json"), "POST /2/tweets takes JSON");
        const body = request.body;
        expectContract(isObject(body) && typeof body.text === "string", "text is required");
        if ([...body.text].length > 280) {
          return { status: 400, body: { errors: [{ parameters: { text: [body.text] }, message: "Text is too long" }], title: "Invalid Request", detail: "One or more parameters to your request was invalid.", type: "https://api.twitter.com/2/problems/invalid-request" } };
        }
        const shown = body.text.replace(/https?:\/\/\S+/g, () => `https://t.co/${randomBytes(5).toString("hex")}`);
        if ([...fake.tweets.values()].some((t) => t.text.replace(/https:\/\/t\.co\/\w+/g, "") === shown.replace(/https:\/\/t\.co\/\w+/g, ""))) {
          return problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.");
        }
        const id = String(next++);
        fake.tweets.set(id, { id, text: shown });
        return { status: 201, body: { data: { id, text: shown, edit_history_tweet_ids: [id] } } };
      }
      case "GET /2/users/me":
        return { status: 200, body: { data: { id: fake.userId, name: "Acme", username: "acme" } } };
      case `GET /2/users/${fake.userId}/tweets`:
        return { status: 200, body: { data: [...fake.tweets.values()].reverse().map((t) => ({ ...t, edit_history_tweet_ids: [t.id] })), meta: { result_count: fake.tweets.size } } };
      case `POST ${acct}/campaigns`: {
        expectContract(form.funding_instrument_id === fake.fundingInstrumentId, "funding_instrument_id");
        expectContract(typeof form.name === "string", "name");
        expectContract(form.entity_status === "PAUSED", "entity_status PAUSED");
        expectContract(/^\d+$/.test(String(form.daily_budget_amount_local_micro)), "daily_budget_amount_local_micro in micros");
        if (Number(form.daily_budget_amount_local_micro) < 1_000_000) {
          return adsError(400, "INVALID_PARAMETER", `Expected a value greater than or equal to 1000000, got ${String(form.daily_budget_amount_local_micro)} for daily_budget_amount_local_micro`, "daily_budget_amount_local_micro");
        }
        const id = id36();
        const row = { id, ...form, deleted: false };
        fake.campaigns.set(id, row);
        return ads(row, request);
      }
      case `GET ${acct}/campaigns`: {
        const q = request.query.get("q") ?? "";
        return ads([...fake.campaigns.values()].filter((c) => String(c.name).includes(q)), request);
      }
      case `POST ${acct}/line_items`: {
        expectContract(fake.campaigns.has(String(form.campaign_id)), "campaign_id must exist");
        expectContract(form.entity_status === "PAUSED", "entity_status PAUSED");
        expectContract(form.objective === "WEBSITE_CLICKS", "objective WEBSITE_CLICKS");
        expectContract(form.product_type === "PROMOTED_TWEETS", "product_type PROMOTED_TWEETS");
        expectContract(typeof form.placements === "string", "placements");
        const id = id36();
        const row = { id, ...form };
        fake.lineItems.set(id, row);
        return ads(row, request);
      }
      case `GET ${acct}/line_items`: {
        const ids = (request.query.get("campaign_ids") ?? "").split(",");
        return ads([...fake.lineItems.values()].filter((l) => ids.includes(String(l.campaign_id))), request);
      }
      case `POST ${acct}/targeting_criteria`: {
        expectContract(fake.lineItems.has(String(form.line_item_id)), "line_item_id must exist");
        expectContract(typeof form.targeting_type === "string" && typeof form.targeting_value === "string", "targeting_type and targeting_value");
        if (form.targeting_type === "LOCATION") expectContract(Object.values(fake.locations).includes(String(form.targeting_value)), "LOCATION takes an X location key");
        if (form.targeting_type === "CUSTOM_AUDIENCE") {
          const audience = fake.audiences.get(String(form.targeting_value));
          expectContract(audience !== undefined, "CUSTOM_AUDIENCE takes an existing custom audience id");
          // "The audience must be targetable before you attach it."
          if (!audience.targetable) return adsError(400, "INVALID_TARGETING_CRITERIA", "Custom audience is not targetable", "targeting_value");
        }
        const id = id36();
        const row = { id, ...form };
        fake.criteria.set(id, row);
        return ads(row, request);
      }
      case `GET ${acct}/targeting_criteria`: {
        const ids = request.query.get("line_item_ids");
        expectContract(ids !== null && ids !== "", "line_item_ids is required");
        return ads([...fake.criteria.values()].filter((c) => ids.split(",").includes(String(c.line_item_id))), request);
      }
      case "GET /12/targeting_criteria/locations": {
        expectContract(request.query.get("location_type") === "COUNTRIES", "location_type COUNTRIES");
        const code = request.query.get("country_code") ?? "";
        const key = fake.locations[code];
        return ads(key === undefined ? [] : [{ name: code, country_code: code, location_type: "COUNTRIES", targeting_value: key, targeting_type: "LOCATION" }], request);
      }
      case `POST ${acct}/custom_audiences`: {
        // Documented with the name and description as query parameters; names must be unique.
        const name = request.query.get("name") ?? (typeof form.name === "string" ? form.name : "");
        expectContract(name !== "", "name is required");
        if ([...fake.audiences.values()].some((a) => a.name === name)) return adsError(400, "DUPLICATE_NAME", "Custom audience name must be unique", "name");
        const id = id36();
        fake.audiences.set(id, { id, name, members: new Set(), ...fake.newAudience, reasons: [...fake.newAudience.reasons] });
        return ads(audienceRow(fake.audiences.get(id)!), request);
      }
      case `GET ${acct}/custom_audiences`: {
        const q = request.query.get("q") ?? "";
        return ads([...fake.audiences.values()].filter((a) => a.name.includes(q)).map(audienceRow), request);
      }
      default: {
        const one = new RegExp(`^${acct}/custom_audiences/([^/]+)(/users)?$`).exec(request.path);
        if (one !== null) {
          const audience = fake.audiences.get(one[1]!);
          if (audience === undefined) return adsError(404, "NOT_FOUND", "Custom audience not found");
          if (request.method === "GET" && one[2] === undefined) return ads(audienceRow(audience), request);
          if (request.method === "POST" && one[2] !== undefined) {
            expectContract(request.contentType?.startsWith("application/json"), "users takes a JSON body");
            const operations = request.body;
            expectContract(Array.isArray(operations) && operations.length > 0, "the body is an array of operations");
            let total = 0;
            for (const op of operations) {
              expectContract(isObject(op) && (op.operation_type === "Update" || op.operation_type === "Delete"), "operation_type Update or Delete");
              const users = isObject(op.params) ? op.params.users : undefined;
              expectContract(Array.isArray(users) && users.length > 0, "params.users is a non-empty array");
              total += users.length;
              fake.userBatches.push({ audienceId: audience.id, operation: op.operation_type, users: users.length });
              for (const user of users) {
                expectContract(isObject(user), "each user is an object of key types");
                for (const [type, values] of Object.entries(user)) {
                  expectContract(type === "email" || type === "handle", `key type ${type}`);
                  expectContract(Array.isArray(values) && values.every((v) => typeof v === "string" && /^[0-9a-f]{64}$/.test(v)), `${type} values are SHA-256 hex`);
                  for (const v of values as string[]) {
                    const member = `${type === "email" ? "e" : "h"}:${v}`;
                    if (op.operation_type === "Update") audience.members.add(member);
                    else audience.members.delete(member);
                  }
                }
              }
            }
            expectContract(total <= 2500, "at most 2,500 users per request");
            return { status: 200, body: { data: { success_count: total, total_count: total }, request: { params: {} } } };
          }
        }
        throw new Error(`unexpected ${request.method} ${request.path}`);
      }
    }
  }
  function audienceRow(a: { id: string; name: string; targetable: boolean; reasons: string[]; audienceSize: number | null }): Record<string, unknown> {
    return { id: a.id, name: a.name, targetable: a.targetable, reasons_not_targetable: a.reasons, audience_size: a.audienceSize, audience_type: "WEB", deleted: false };
  }
  return fake;
}
