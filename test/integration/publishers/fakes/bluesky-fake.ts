import { randomBytes } from "node:crypto";
import { bearerToken, expectContract, isObject, type ContractHandler, type ContractReply, type ContractRequest } from "./fake-kit.ts";

/**
 * A Bluesky PDS as far as the publisher uses it (platform-apis.md §4): createSession,
 * refreshSession, createRecord and getRecord on app.bsky.feed.post, with XRPC error bodies
 * `{error, message}`. Access tokens can be expired on demand; records are keyed by rkey.
 */
export interface BlueskyFake {
  handler: ContractHandler;
  identifier: string;
  password: string;
  did: string;
  records: Map<string, { uri: string; cid: string; value: Record<string, unknown> }>;
  sessionsCreated: number;
  refreshes: number;
  /** Every access token issued so far now answers ExpiredToken. */
  expireAccessTokens(): void;
  /** Every refresh token issued so far now answers ExpiredToken. */
  expireRefreshTokens(): void;
  /** Whether this account issued the access or refresh token (a multi-account PDS routes by it). */
  issued(token: string): boolean;
  /** Every access and refresh token issued so far (secrets a test checks are never echoed). */
  issuedTokens(): string[];
}

const TID = /^[234567a-j][234567a-z]{12}$/;

export function blueskyFake(): BlueskyFake {
  const access = new Map<string, { expired: boolean }>();
  const refresh = new Map<string, { expired: boolean }>();
  /** Refresh tokens used up by refreshSession. */
  const retired = new Set<string>();
  const fake: BlueskyFake = {
    handler: (request) => handle(request),
    identifier: "acme.bsky.social",
    password: "app-pass-1234-abcd",
    did: "did:plc:acme123example",
    records: new Map(),
    sessionsCreated: 0,
    refreshes: 0,
    expireAccessTokens: () => access.forEach((t) => (t.expired = true)),
    expireRefreshTokens: () => refresh.forEach((t) => (t.expired = true)),
    issued: (token) => access.has(token) || refresh.has(token) || retired.has(token),
    issuedTokens: () => [...access.keys(), ...refresh.keys(), ...retired],
  };
  const issue = (): ContractReply => {
    const accessJwt = `acc-${randomBytes(8).toString("hex")}`;
    const refreshJwt = `ref-${randomBytes(8).toString("hex")}`;
    access.set(accessJwt, { expired: false });
    refresh.set(refreshJwt, { expired: false });
    return { status: 200, body: { accessJwt, refreshJwt, handle: fake.identifier, did: fake.did, active: true } };
  };
  const xrpcError = (status: number, error: string, message: string): ContractReply => ({ status, body: { error, message } });
  const authorise = (request: ContractRequest, tokens: Map<string, { expired: boolean }>): ContractReply | null => {
    const token = bearerToken(request);
    if (token === undefined) return xrpcError(401, "AuthenticationRequired", "Authentication Required");
    const known = tokens.get(token);
    if (known === undefined) return xrpcError(400, "InvalidToken", "Token could not be verified");
    if (known.expired) return xrpcError(400, "ExpiredToken", "Token has expired");
    return null;
  };

  function handle(request: ContractRequest): ContractReply {
    const body = request.body;
    switch (`${request.method} ${request.path}`) {
      case "POST /xrpc/com.atproto.server.createSession": {
        expectContract(request.contentType?.startsWith("application/json"), "createSession needs a JSON body");
        expectContract(isObject(body) && typeof body.identifier === "string" && typeof body.password === "string", "createSession needs identifier and password");
        if (body.identifier !== fake.identifier || body.password !== fake.password) {
          return xrpcError(401, "AuthenticationRequired", "Invalid identifier or password");
        }
        fake.sessionsCreated++;
        return issue();
      }
      case "POST /xrpc/com.atproto.server.refreshSession": {
        const denied = authorise(request, refresh);
        if (denied !== null) return denied;
        refresh.delete(bearerToken(request)!);
        retired.add(bearerToken(request)!);
        fake.refreshes++;
        return issue();
      }
      case "POST /xrpc/com.atproto.repo.createRecord": {
        const denied = authorise(request, access);
        if (denied !== null) return denied;
        expectContract(request.contentType?.startsWith("application/json"), "createRecord needs a JSON body");
        expectContract(isObject(body), "createRecord body is not an object");
        expectContract(body.repo === fake.did, "repo must be the session's DID");
        expectContract(body.collection === "app.bsky.feed.post", "collection must be app.bsky.feed.post");
        expectContract(typeof body.rkey === "string" && TID.test(body.rkey), "rkey must be TID-shaped");
        const record = body.record;
        expectContract(isObject(record) && record.$type === "app.bsky.feed.post", "record.$type must be app.bsky.feed.post");
        expectContract(typeof record.text === "string", "record.text must be a string");
        expectContract(typeof record.createdAt === "string" && !Number.isNaN(Date.parse(record.createdAt)), "record.createdAt must be an ISO datetime");
        if (record.facets !== undefined) {
          expectContract(Array.isArray(record.facets), "facets must be an array");
          for (const facet of record.facets) {
            expectContract(isObject(facet) && isObject(facet.index) && Array.isArray(facet.features), "facet needs index and features");
            const { byteStart, byteEnd } = facet.index;
            expectContract(typeof byteStart === "number" && typeof byteEnd === "number" && byteEnd <= Buffer.byteLength(record.text), "facet byte range out of the text");
          }
        }
        if ([...record.text].length > 300) {
          return xrpcError(400, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes");
        }
        if (fake.records.has(body.rkey)) return xrpcError(400, "InvalidRequest", "Record already exists");
        const uri = `at://${fake.did}/app.bsky.feed.post/${body.rkey}`;
        const cid = `bafyrei${randomBytes(10).toString("hex")}`;
        fake.records.set(body.rkey, { uri, cid, value: record });
        return { status: 200, body: { uri, cid, commit: { cid: `bafyrei${randomBytes(6).toString("hex")}`, rev: "3l3qo2vutsw2b" }, validationStatus: "valid" } };
      }
      case "GET /xrpc/com.atproto.repo.getRecord": {
        const denied = authorise(request, access);
        if (denied !== null) return denied;
        expectContract(request.query.get("repo") === fake.did, "getRecord repo must be the DID");
        expectContract(request.query.get("collection") === "app.bsky.feed.post", "getRecord collection");
        const found = fake.records.get(request.query.get("rkey") ?? "");
        if (found === undefined) return xrpcError(400, "RecordNotFound", "Could not locate record");
        return { status: 200, body: found };
      }
      default:
        throw new Error(`unexpected ${request.method} ${request.path}`);
    }
  }
  return fake;
}
