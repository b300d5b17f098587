/**
 * Bluesky (AT Protocol) publisher (platform-apis.md §4): com.atproto.server.createSession once per
 * account and adapter instance (createSession is limited to about 100 a day; sessions are cached per
 * account and app password), refreshSession once when the access token expires (and, when the refresh
 * token is refused too, a new sign-in with that same call's credentials), then
 * com.atproto.repo.createRecord of an app.bsky.feed.post with link facets (UTF-8 byte offsets,
 * computed by core). Everything of one call (credentials, what to redact, the last XRPC error) is
 * passed through the call, never kept on the instance, which every client shares.
 *
 * Idempotency: the record key is a TID-shaped key derived from the action key, so the same action
 * always writes the same record. After an ambiguous failure (timeout, 5xx) the adapter reads the
 * record back with getRecord before re-sending; a create that hits an existing rkey is treated as a
 * duplicate and answered from getRecord. That createRecord refuses an existing rkey (rather than
 * overwriting it) is UNCONFIRMED; either way the post exists once.
 */
import { createHash } from "node:crypto";
import type { OrganicPostAction, PlatformCredentials, PublishAction, PublishOutcome, Publisher } from "@pressbridge/core";
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

export const BLUESKY_DEFAULT_PDS = "https://bsky.social";
export const BLUESKY_CREDENTIALS = ["identifier", "appPassword"] as const;
const POST_COLLECTION = "app.bsky.feed.post";

interface Session {
  accessJwt: string;
  refreshJwt: string;
  did: string;
}

const BASE32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz";
/** 2024-01-01T00:00:00Z in microseconds: derived keys carry a timestamp in the 2^40 µs after it. */
const TID_EPOCH_US = 1_704_067_200_000_000n;

/**
 * A TID-shaped record key (13 base32-sortable chars: a 0 bit, 53 bits of microseconds, 10 bits of
 * clock id) computed from the action key, so every retry of the action addresses the same record.
 * The timestamp part is a hash, not the posting time (createdAt carries that). UNCONFIRMED: that the
 * PDS checks only the TID syntax of a client-chosen rkey.
 */
export function rkeyForActionKey(key: string): string {
  const hash = createHash("sha256").update(key, "utf8").digest();
  const timestamp = TID_EPOCH_US + (hash.readBigUInt64BE(0) & ((1n << 40n) - 1n));
  const clockId = BigInt(hash.readUInt16BE(8) & 0x3ff);
  const value = (timestamp << 10n) | clockId;
  let out = "";
  for (let i = 12; i >= 0; i--) out += BASE32_SORTABLE[Number((value >> BigInt(i * 5)) & 31n)];
  return out;
}

export function blueskyPostUrl(did: string, rkey: string): string {
  return `https://bsky.app/profile/${did}/post/${rkey}`;
}

/**
 * One publish call: the client's account and app password, what to redact in its answers (the app
 * password and every session token the call uses), and the XRPC error name of its last failed answer
 * (ExpiredToken triggers one refresh). Nothing of it is kept on the shared publisher.
 */
interface BlueskyCall {
  creds: { identifier: string; appPassword: string };
  /** The session cache key: the account and its app password (see `sessionKey`). */
  sessionKey: string;
  secrets: string[];
  policy: PlatformPolicy;
  lastError: string | undefined;
}

/**
 * Sessions are cached per account and app password, so a client configured with the same handle
 * but another (or a wrong) password never borrows a session it did not sign in for.
 */
function sessionKey(identifier: string, appPassword: string): string {
  return `${identifier.toLowerCase()}\u0000${createHash("sha256").update(appPassword, "utf8").digest("base64url")}`;
}

export class BlueskyPublisher implements Publisher {
  readonly platform = "bluesky" as const;
  readonly #http: PublisherHttp;
  /** Sessions per account (sessionKey), reused across calls: createSession is limited to about 100 a day. */
  readonly #sessions = new Map<string, Session>();

  constructor(options: PublisherHttpOptions = {}) {
    const transport = options.transport ?? new FetchTransport({ default: options.baseUrl ?? BLUESKY_DEFAULT_PDS }, options);
    this.#http = new PublisherHttp(transport, options);
  }

  async publish(action: PublishAction, credentials: PlatformCredentials): Promise<PublishOutcome> {
    if (action.kind !== "organic-post" || action.channel !== "bluesky") {
      return { status: "failed", retryable: false, reason: "The Bluesky publisher only publishes Bluesky posts" };
    }
    const creds = requireCredentials("Bluesky", credentials, BLUESKY_CREDENTIALS);
    if (!creds.ok) return creds.outcome;
    const secrets = [creds.value.appPassword];
    const call: BlueskyCall = {
      creds: creds.value,
      sessionKey: sessionKey(creds.value.identifier, creds.value.appPassword),
      secrets,
      policy: { name: "Bluesky", classify: (response) => this.#classify(response, call), redact: secretRedactor(() => secrets) },
      lastError: undefined,
    };
    const result = await this.#post(action, call);
    return result.ok ? result.value : result.outcome;
  }

  /** The createRecord request for an action (also what the dry run records). */
  static createRecordRequest(action: OrganicPostAction, did: string, createdAt: string, accessJwt: string): WireRequest {
    const record: Record<string, unknown> = { $type: POST_COLLECTION, text: action.text, createdAt };
    if (action.facets.length > 0) record.facets = action.facets;
    return {
      label: "create the post",
      method: "POST",
      path: "/xrpc/com.atproto.repo.createRecord",
      headers: {},
      body: { type: "json", value: { repo: did, collection: POST_COLLECTION, rkey: rkeyForActionKey(action.key), record } },
      auth: { scheme: "bearer", token: accessJwt, describe: "Bearer <accessJwt from createSession>" },
    };
  }

  async #post(action: OrganicPostAction, call: BlueskyCall): Promise<StepResult<PublishOutcome>> {
    const rkey = rkeyForActionKey(action.key);
    let session = await this.#session(call);
    let refreshed = false;
    for (;;) {
      if (!session.ok) return session;
      const { did, accessJwt } = session.value;
      call.lastError = undefined;
      const created = await this.#http.run(call.policy, {
        what: "create the post",
        subject: "the post",
        request: () => BlueskyPublisher.createRecordRequest(action, did, this.#http.now().toISOString(), accessJwt),
        parse: (response) => {
          const uri = stringField(jsonOf(response.text), "uri");
          if (uri === undefined) throw new Error("createRecord returned no uri");
          return uri;
        },
        find: () => this.#getRecord(call, did, rkey, accessJwt),
      });
      if (created.ok) {
        const uri = created.value;
        const returnedRkey = uri.split("/").pop() ?? rkey;
        return { ok: true, value: { status: "published", platformIds: { uri, did, rkey: returnedRkey }, url: blueskyPostUrl(did, returnedRkey) } };
      }
      if (call.lastError === "ExpiredToken" && !refreshed) {
        refreshed = true;
        session = await this.#refresh(call, session.value);
        continue;
      }
      return created;
    }
  }

  /** The account's cached session, or a new one signed in with this call's own app password. */
  async #session(call: BlueskyCall): Promise<StepResult<Session>> {
    const cached = this.#sessions.get(call.sessionKey);
    if (cached !== undefined) return { ok: true, value: this.#using(call, cached) };
    const { identifier, appPassword } = call.creds;
    const created = await this.#http.run(call.policy, {
      what: "sign in",
      subject: "the sign-in",
      request: (): WireRequest => ({
        label: "sign in (createSession)",
        method: "POST",
        path: "/xrpc/com.atproto.server.createSession",
        headers: {},
        body: { type: "json", value: { identifier, password: appPassword } },
      }),
      parse: parseSession,
    });
    if (!created.ok) return created;
    this.#sessions.set(call.sessionKey, created.value);
    return { ok: true, value: this.#using(call, created.value) };
  }

  /** Renews an expired access token once; when the refresh token is refused too, signs in again with this call's account. */
  async #refresh(call: BlueskyCall, session: Session): Promise<StepResult<Session>> {
    // Only this session: another call may already have renewed the account's cached one.
    if (this.#sessions.get(call.sessionKey) === session) this.#sessions.delete(call.sessionKey);
    const renewed = await this.#http.run(call.policy, {
      what: "renew the session",
      subject: "the session renewal",
      request: (): WireRequest => ({
        label: "renew the session (refreshSession)",
        method: "POST",
        path: "/xrpc/com.atproto.server.refreshSession",
        headers: {},
        auth: { scheme: "bearer", token: session.refreshJwt, describe: "Bearer <refreshJwt from createSession>" },
      }),
      parse: parseSession,
    });
    if (renewed.ok) {
      this.#sessions.set(call.sessionKey, renewed.value);
      return { ok: true, value: this.#using(call, renewed.value) };
    }
    if (renewed.outcome.retryable) return renewed;
    return this.#session(call);
  }

  /** Adds a session's tokens to what the call redacts. */
  #using(call: BlueskyCall, session: Session): Session {
    call.secrets.push(session.accessJwt, session.refreshJwt);
    return session;
  }

  async #getRecord(call: BlueskyCall, did: string, rkey: string, accessJwt: string): Promise<StepResult<string | null>> {
    let missing = false;
    const policy: PlatformPolicy = {
      ...call.policy,
      classify: (response) => {
        const error = stringField(jsonOf(response.text), "error");
        if (response.status === 400 && error === "RecordNotFound") {
          missing = true;
          return { kind: "rejected", detail: "not found" };
        }
        return this.#classify(response, call);
      },
    };
    const found = await this.#http.run(policy, {
      what: "check whether the post exists",
      subject: "the post lookup",
      request: () => BlueskyPublisher.getRecordRequest(did, rkey, accessJwt),
      parse: (response) => stringField(jsonOf(response.text), "uri") ?? `at://${did}/${POST_COLLECTION}/${rkey}`,
    });
    if (!found.ok && missing) return { ok: true, value: null };
    if (!found.ok) {
      return failed(`Bluesky: could not confirm whether the post was already created, so it was not sent again (${found.outcome.reason})`, true);
    }
    return found;
  }

  static getRecordRequest(did: string, rkey: string, accessJwt: string): WireRequest {
    return {
      label: "check whether the post exists (getRecord)",
      method: "GET",
      path: "/xrpc/com.atproto.repo.getRecord",
      query: { repo: did, collection: POST_COLLECTION, rkey },
      headers: {},
      auth: { scheme: "bearer", token: accessJwt, describe: "Bearer <accessJwt from createSession>" },
    };
  }

  #classify(response: WireResponse, call: BlueskyCall): ErrorClass {
    const body = jsonOf(response.text);
    const error = stringField(body, "error");
    const message = stringField(body, "message") ?? error ?? `HTTP ${response.status}`;
    call.lastError = error;
    if (response.status === 429) {
      const wait = retryAfterMs(response.headers, this.#http.now()) ?? rateLimitResetMs(response.headers, this.#http.now());
      return wait === undefined ? { kind: "throttled", detail: message } : { kind: "throttled", waitMs: wait, detail: message };
    }
    if (response.status >= 500) return { kind: "transient", detail: message };
    if (error === "ExpiredToken") return { kind: "auth", reason: `The Bluesky session expired: ${message}` };
    if (response.status === 401 || error === "AuthenticationRequired" || error === "InvalidToken" || error === "AccountTakedown") {
      return { kind: "auth", reason: `Bluesky rejected the handle or app password; create a new app password for the account (${message})` };
    }
    // An existing rkey: the post was created by an earlier attempt (message wording UNCONFIRMED).
    if (response.status === 400 && /already exists/i.test(message)) return { kind: "duplicate", detail: message };
    return { kind: "rejected", detail: message };
  }
}

/** `ratelimit-reset` (epoch seconds; header names UNCONFIRMED) as a wait in ms. */
function rateLimitResetMs(headers: Headers, now: Date): number | undefined {
  const reset = Number(headers.get("ratelimit-reset") ?? "");
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(0, reset * 1000 - now.getTime());
}

function parseSession(response: WireResponse): Session {
  const body = jsonOf(response.text);
  const accessJwt = stringField(body, "accessJwt");
  const refreshJwt = stringField(body, "refreshJwt");
  const did = stringField(body, "did");
  if (accessJwt === undefined || refreshJwt === undefined || did === undefined) throw new Error("the session has no accessJwt, refreshJwt or did");
  return { accessJwt, refreshJwt, did };
}

/** Fabricated Bluesky answers for the dry run: a session, a created record, no existing record. */
export function blueskyDryRunResponse(request: WireRequest): WireResponse {
  const json = (status: number, body: unknown): WireResponse => ({ status, headers: new Headers({ "content-type": "application/json" }), text: JSON.stringify(body) });
  const body = request.body?.type === "json" && isRecord(request.body.value) ? request.body.value : {};
  if (request.path.endsWith("createSession") || request.path.endsWith("refreshSession")) {
    return json(200, { accessJwt: "dry-run-access-jwt", refreshJwt: "dry-run-refresh-jwt", did: "{did of the account}", handle: String(body.identifier ?? "") });
  }
  if (request.path.endsWith("createRecord")) {
    return json(200, { uri: `at://${String(body.repo)}/${POST_COLLECTION}/${String(body.rkey)}`, cid: "dry-run" });
  }
  return json(400, { error: "RecordNotFound", message: "dry run" });
}
