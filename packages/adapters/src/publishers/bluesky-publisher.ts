/**
 * Bluesky (AT Protocol) publisher (platform-apis.md §4): com.atproto.server.createSession once per
 * account and adapter instance (createSession is limited to about 100 a day), refreshSession once when
 * the access token expires, then com.atproto.repo.createRecord of an app.bsky.feed.post with link
 * facets (UTF-8 byte offsets, computed by core).
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

export class BlueskyPublisher implements Publisher {
  readonly platform = "bluesky" as const;
  readonly #http: PublisherHttp;
  readonly #sessions = new Map<string, Session>();
  /** The XRPC error name of the last failed answer (ExpiredToken triggers one refresh). */
  #lastError: string | undefined;
  #secrets: string[] = [];
  readonly #policy: PlatformPolicy;

  constructor(options: PublisherHttpOptions = {}) {
    const transport = options.transport ?? new FetchTransport({ default: options.baseUrl ?? BLUESKY_DEFAULT_PDS }, options);
    this.#http = new PublisherHttp(transport, options);
    const redact = secretRedactor(() => [...this.#secrets, ...[...this.#sessions.values()].flatMap((s) => [s.accessJwt, s.refreshJwt])]);
    this.#policy = { name: "Bluesky", classify: (response) => this.#classify(response), redact };
  }

  async publish(action: PublishAction, credentials: PlatformCredentials): Promise<PublishOutcome> {
    if (action.kind !== "organic-post" || action.channel !== "bluesky") {
      return { status: "failed", retryable: false, reason: "The Bluesky publisher only publishes Bluesky posts" };
    }
    const creds = requireCredentials("Bluesky", credentials, BLUESKY_CREDENTIALS);
    if (!creds.ok) return creds.outcome;
    this.#secrets = [creds.value.appPassword];
    const result = await this.#post(action, creds.value);
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

  async #post(action: OrganicPostAction, creds: { identifier: string; appPassword: string }): Promise<StepResult<PublishOutcome>> {
    const rkey = rkeyForActionKey(action.key);
    let refreshed = false;
    for (;;) {
      const session = await this.#session(creds);
      if (!session.ok) return session;
      const { did, accessJwt } = session.value;
      this.#lastError = undefined;
      const created = await this.#http.run(this.#policy, {
        what: "create the post",
        subject: "the post",
        request: () => BlueskyPublisher.createRecordRequest(action, did, this.#http.now().toISOString(), accessJwt),
        parse: (response) => {
          const uri = stringField(jsonOf(response.text), "uri");
          if (uri === undefined) throw new Error("createRecord returned no uri");
          return uri;
        },
        find: () => this.#getRecord(did, rkey, accessJwt),
      });
      if (created.ok) {
        const uri = created.value;
        const returnedRkey = uri.split("/").pop() ?? rkey;
        return { ok: true, value: { status: "published", platformIds: { uri, did, rkey: returnedRkey }, url: blueskyPostUrl(did, returnedRkey) } };
      }
      if (this.#lastError === "ExpiredToken" && !refreshed) {
        refreshed = true;
        const renewed = await this.#refresh(creds.identifier, session.value);
        if (!renewed.ok) return renewed;
        continue;
      }
      return created;
    }
  }

  async #session(creds: { identifier: string; appPassword: string }): Promise<StepResult<Session>> {
    const cached = this.#sessions.get(creds.identifier);
    if (cached !== undefined) return { ok: true, value: cached };
    const created = await this.#http.run(this.#policy, {
      what: "sign in",
      subject: "the sign-in",
      request: (): WireRequest => ({
        label: "sign in (createSession)",
        method: "POST",
        path: "/xrpc/com.atproto.server.createSession",
        headers: {},
        body: { type: "json", value: { identifier: creds.identifier, password: creds.appPassword } },
      }),
      parse: parseSession,
    });
    if (created.ok) this.#sessions.set(creds.identifier, created.value);
    return created;
  }

  /** Renews an expired access token once; when the refresh token is refused too, signs in again. */
  async #refresh(identifier: string, session: Session): Promise<StepResult<Session>> {
    this.#sessions.delete(identifier);
    const renewed = await this.#http.run(this.#policy, {
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
      this.#sessions.set(identifier, renewed.value);
      return renewed;
    }
    if (renewed.outcome.retryable) return renewed;
    const password = this.#secrets[0];
    if (password === undefined) return renewed;
    return this.#session({ identifier, appPassword: password });
  }

  async #getRecord(did: string, rkey: string, accessJwt: string): Promise<StepResult<string | null>> {
    let missing = false;
    const policy: PlatformPolicy = {
      ...this.#policy,
      classify: (response) => {
        const error = stringField(jsonOf(response.text), "error");
        if (response.status === 400 && error === "RecordNotFound") {
          missing = true;
          return { kind: "rejected", detail: "not found" };
        }
        return this.#classify(response);
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

  #classify(response: WireResponse): ErrorClass {
    const body = jsonOf(response.text);
    const error = stringField(body, "error");
    const message = stringField(body, "message") ?? error ?? `HTTP ${response.status}`;
    this.#lastError = error;
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
