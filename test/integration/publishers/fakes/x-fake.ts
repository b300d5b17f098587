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
    if (isAds && request.method === "POST") expectContract(request.contentType?.startsWith("application/x-www-form-urlencoded"), "Ads API parameters are form fields");
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
      default:
        throw new Error(`unexpected ${request.method} ${request.path}`);
    }
  }
  return fake;
}
