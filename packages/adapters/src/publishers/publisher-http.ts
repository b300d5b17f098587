/**
 * The HTTP layer every platform publisher shares: one wire-request shape (so the dry-run publisher
 * records exactly what the real adapters send), a transport over global fetch with a per-request
 * timeout, and a bounded retry loop that honours throttling and reconciles ambiguous creates.
 *
 * Ambiguous = the create may have been committed although we saw no success (timeout, network error,
 * 5xx). None of the platforms offers an idempotency key (platform-apis.md, cross-platform notes), so
 * before re-sending such a create the step's `find` looks the object up by its deterministic name or
 * key and returns the existing one instead of creating a second.
 */
import { SECRET_FIELD_NAME, redactCredentials, type Clock, type PublishOutcome } from "@pressbridge/core";

export type FailedOutcome = Extract<PublishOutcome, { status: "failed" }>;

/** How a request is authorised; applied by the transport, never serialised into a recording. */
export type WireAuth =
  | { scheme: "bearer"; token: string; describe: string }
  /** Meta: `access_token` as a form field (POST) or query parameter (GET), as in Meta's docs. */
  | { scheme: "access-token-param"; token: string; describe: string }
  | { scheme: "custom"; sign: (request: WireRequest, url: URL) => Record<string, string>; describe: string };

export type WireBody =
  | { type: "json"; value: unknown }
  /** application/x-www-form-urlencoded; nested values are already JSON-encoded strings. */
  | { type: "form"; value: Record<string, string> };

export interface WireRequest {
  /** What the request does, in words ("create campaign group"); shown in dry-run recordings. */
  label: string;
  method: "GET" | "POST" | "DELETE";
  /** Which base URL (most adapters have one; X has the API and the Ads API). */
  base?: string;
  /** Path relative to the base URL, e.g. `/rest/posts`. */
  path: string;
  /** Query parameters; values are sent percent-encoded unless `rawQuery` is used. */
  query?: Record<string, string>;
  /** Pre-encoded query string (Rest.li `search=(…)` syntax must not be re-encoded). */
  rawQuery?: string;
  headers: Record<string, string>;
  body?: WireBody;
  /**
   * What a dry-run recording keeps of the body, when it differs from what is sent: an audience
   * upload records a count and the first hash instead of thousands of them (never a raw email).
   */
  recordedBody?: unknown;
  auth?: WireAuth;
}

export interface WireResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface Transport {
  send(request: WireRequest): Promise<WireResponse>;
}

/** The request was sent but no answer came within the timeout: it may or may not have been applied. */
export class TransportTimeoutError extends Error {
  override readonly name = "TransportTimeoutError";
}

/** The connection failed (refused, reset) or the request could not be sent. */
export class TransportNetworkError extends Error {
  override readonly name = "TransportNetworkError";
}

export interface PublisherHttpOptions {
  /** Overrides the platform's base URL (contract tests point it at a loopback server). */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
  clock?: Clock;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** Attempts per request, the first included. Default 3. */
  maxAttempts?: number;
  /** The longest single wait honoured inside one publish; longer waits fail retryable. Default 30 s. */
  maxWaitMs?: number;
  /** First backoff step. Default 1 s (doubling, capped at 8 s, with jitter). */
  backoffBaseMs?: number;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /** Replaces the HTTP transport (the dry-run publisher records instead of sending). */
  transport?: Transport;
}

export const PUBLISHER_HTTP_DEFAULTS = { timeoutMs: 10_000, maxAttempts: 3, maxWaitMs: 30_000, backoffBaseMs: 1_000, maxBackoffMs: 8_000 } as const;

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The full URL of a request against `baseUrl` (a base may carry a path prefix). */
export function requestUrl(baseUrl: string, request: WireRequest): URL {
  const url = new URL(baseUrl.replace(/\/+$/, "") + request.path);
  if (request.query !== undefined) for (const [k, v] of Object.entries(request.query)) url.searchParams.append(k, v);
  if (request.rawQuery !== undefined && request.rawQuery !== "") {
    url.search = url.search === "" ? `?${request.rawQuery}` : `${url.search}&${request.rawQuery}`;
  }
  return url;
}

/** Sends wire requests over global fetch (undici), with an AbortSignal timeout per request. */
export class FetchTransport implements Transport {
  readonly #bases: Readonly<Record<string, string>>;
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;

  /** `bases` maps WireRequest.base names to URLs; "default" is used when a request names none. */
  constructor(bases: Record<string, string>, options: { fetch?: typeof globalThis.fetch; timeoutMs?: number }) {
    this.#bases = bases;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? PUBLISHER_HTTP_DEFAULTS.timeoutMs;
  }

  async send(request: WireRequest): Promise<WireResponse> {
    const base = this.#bases[request.base ?? "default"];
    if (base === undefined) throw new TransportNetworkError(`no base URL configured for "${request.base ?? "default"}"`);
    const url = requestUrl(base, request);
    const headers: Record<string, string> = { accept: "application/json", ...request.headers };
    let body: string | undefined;
    let form = request.body?.type === "form" ? { ...request.body.value } : undefined;
    const auth = request.auth;
    if (auth?.scheme === "bearer") headers.authorization = `Bearer ${auth.token}`;
    if (auth?.scheme === "access-token-param") {
      if (request.method === "GET") url.searchParams.set("access_token", auth.token);
      else form = { ...(form ?? {}), access_token: auth.token };
    }
    if (request.body?.type === "json") {
      body = JSON.stringify(request.body.value);
      headers["content-type"] = "application/json";
    } else if (form !== undefined) {
      body = new URLSearchParams(form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    if (auth?.scheme === "custom") Object.assign(headers, auth.sign(request, url));

    let response: Response;
    try {
      response = await this.#fetch(url, { method: request.method, headers, body, signal: AbortSignal.timeout(this.#timeoutMs) });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      const name = (error as { name?: unknown }).name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new TransportTimeoutError(`no answer within ${this.#timeoutMs} ms`, { cause: error });
      }
      throw new TransportNetworkError("the connection failed", { cause: error });
    }
  }
}

/** How a platform classifies a non-2xx answer. */
export type ErrorClass =
  /** Over a rate limit: wait (`waitMs` from the platform's headers, else backoff) and retry. */
  | { kind: "throttled"; waitMs?: number; detail: string }
  /** 5xx or a documented transient code: the request may have been applied. */
  | { kind: "transient"; detail: string }
  /** Expired, revoked or missing token: never retried. */
  | { kind: "auth"; reason: string }
  /** Validation or permission error: never retried. The reason reads "<Platform> rejected <subject>: <detail>". */
  | { kind: "rejected"; detail: string }
  /** The platform says this object already exists (X duplicate text, Meta 506, Bluesky existing rkey). */
  | { kind: "duplicate"; detail: string };

export type StepResult<T> = { ok: true; value: T } | { ok: false; outcome: FailedOutcome };

export interface StepSpec<T> {
  /** Builds the request (called again for each attempt). */
  request: () => WireRequest;
  /** Reads the result of a 2xx answer. */
  parse: (response: WireResponse) => T;
  /** For creates: looks the object up; null when it does not exist. Used after ambiguous failures and duplicates. */
  find?: () => Promise<StepResult<T | null>>;
  /** Calls `find` before the first attempt: an earlier, interrupted run may have created the object. */
  lookupFirst?: boolean;
  /** Verb phrase for failure reasons: "X could not create the campaign". */
  what: string;
  /** Noun phrase for rejections: "LinkedIn rejected the post: …". */
  subject: string;
}

/**
 * A platform's error classification and proactive pacing, made per publish call: `redact` knows the
 * credentials of that call only, so a shared adapter never redacts one client's answer with another
 * client's list.
 */
export interface PlatformPolicy {
  /** "LinkedIn", "Meta", "X", "Bluesky". */
  name: string;
  classify(response: WireResponse): ErrorClass;
  /** Milliseconds to wait before the next request, read from usage headers of any answer. Default none. */
  paceAfter?(response: WireResponse): number;
  /** Removes credential values from text that may echo them. */
  redact(text: string): string;
}

/**
 * Runs requests for one adapter: sends, classifies, waits and retries within bounds, and reconciles
 * ambiguous creates through the step's `find`.
 */
export class PublisherHttp {
  readonly transport: Transport;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #clock: Clock;
  readonly #maxAttempts: number;
  readonly #maxWaitMs: number;
  readonly #backoffBaseMs: number;
  readonly #random: () => number;
  #paceMs = 0;

  constructor(transport: Transport, options: PublisherHttpOptions) {
    this.transport = transport;
    this.#sleep = options.sleep ?? realSleep;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? PUBLISHER_HTTP_DEFAULTS.maxAttempts);
    this.#maxWaitMs = options.maxWaitMs ?? PUBLISHER_HTTP_DEFAULTS.maxWaitMs;
    this.#backoffBaseMs = options.backoffBaseMs ?? PUBLISHER_HTTP_DEFAULTS.backoffBaseMs;
    this.#random = options.random ?? Math.random;
  }

  now(): Date {
    return this.#clock.now();
  }

  /** Waits as the adapter's sleep does (tests and the dry run return at once). */
  sleep(ms: number): Promise<void> {
    return this.#sleep(ms);
  }

  /** Exponential backoff with equal jitter: attempt 1 -> [base/2, base), 2 -> [base, 2·base), … capped. */
  backoffMs(attempt: number): number {
    const step = Math.min(PUBLISHER_HTTP_DEFAULTS.maxBackoffMs, this.#backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + (this.#random() * step) / 2);
  }

  /** Runs one step (a create when `find` is given, else a read) under `policy`. */
  async run<T>(policy: PlatformPolicy, step: StepSpec<T>): Promise<StepResult<T>> {
    const platformName = policy.name;
    if (step.lookupFirst === true && step.find !== undefined) {
      const found = await step.find();
      if (!found.ok) return found;
      if (found.value !== null) return { ok: true, value: found.value };
    }
    let lastDetail = "no answer";
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      if (this.#paceMs > 0) {
        const pace = this.#paceMs;
        this.#paceMs = 0;
        await this.#sleep(pace);
      }
      let ambiguous = false;
      let waitMs: number | undefined;
      let response: WireResponse | undefined;
      try {
        response = await this.transport.send(step.request());
      } catch (error) {
        if (!(error instanceof TransportTimeoutError) && !(error instanceof TransportNetworkError)) throw error;
        ambiguous = true;
        lastDetail = error instanceof TransportTimeoutError ? "the request timed out" : "the connection failed";
      }
      if (response !== undefined) {
        this.#paceMs = Math.min(this.#maxWaitMs, policy.paceAfter?.(response) ?? 0);
        if (response.status >= 200 && response.status < 300) {
          try {
            return { ok: true, value: step.parse(response) };
          } catch (error) {
            return failed(`${platformName} answered ${step.what} with something unexpected: ${policy.redact(String((error as Error).message))}`, false, response.status);
          }
        }
        const cls = policy.classify(response);
        switch (cls.kind) {
          case "auth":
            return failed(policy.redact(cls.reason), false, response.status);
          case "rejected":
            return failed(`${platformName} rejected ${step.subject}: ${policy.redact(cls.detail)}`, false, response.status);
          case "duplicate": {
            if (step.find === undefined) return failed(`${platformName} says ${step.what} is a duplicate: ${policy.redact(cls.detail)}`, false, response.status);
            const found = await step.find();
            if (!found.ok) return found;
            if (found.value !== null) return { ok: true, value: found.value };
            return failed(`${platformName} says ${step.what} is a duplicate but it could not be found: ${policy.redact(cls.detail)}`, false, response.status);
          }
          case "throttled": {
            lastDetail = `${platformName} is rate limiting requests (${policy.redact(cls.detail)})`;
            waitMs = cls.waitMs;
            if (waitMs !== undefined && waitMs > this.#maxWaitMs) {
              return { ok: false, outcome: { status: "failed", retryable: true, reason: `${lastDetail}; try again later`, httpStatus: response.status, retryAfterSeconds: Math.ceil(waitMs / 1000) } };
            }
            break;
          }
          case "transient":
            ambiguous = true;
            lastDetail = `${platformName} had a temporary error (${policy.redact(cls.detail)})`;
            break;
        }
      }
      if (attempt === this.#maxAttempts) {
        // Still throttled on the last attempt: the platform's wait goes with the failure, so the next
        // delivery respects it too (core stores it with the action).
        if (waitMs !== undefined && waitMs > 0) {
          const outcome = failed(`${platformName} could not ${step.what} after ${this.#maxAttempts} attempts: ${lastDetail}`, true, response?.status).outcome;
          return { ok: false, outcome: { ...outcome, retryAfterSeconds: Math.ceil(waitMs / 1000) } };
        }
        break;
      }
      await this.#sleep(waitMs ?? this.backoffMs(attempt));
      if (ambiguous && step.find !== undefined) {
        const found = await step.find();
        if (!found.ok) return found;
        if (found.value !== null) return { ok: true, value: found.value };
      }
    }
    return failed(`${platformName} could not ${step.what} after ${this.#maxAttempts} attempts: ${lastDetail}`, true);
  }
}

export function failed(reason: string, retryable: boolean, httpStatus?: number): { ok: false; outcome: FailedOutcome } {
  const outcome: FailedOutcome = { status: "failed", retryable, reason };
  if (httpStatus !== undefined) outcome.httpStatus = httpStatus;
  return { ok: false, outcome };
}

/** Milliseconds from a Retry-After header (delta seconds or an HTTP date); undefined when absent. */
export function retryAfterMs(headers: Headers, now: Date): number | undefined {
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Parses a JSON body; undefined when it is empty or not JSON. */
export function jsonOf(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === "string" ? field : typeof field === "number" ? String(field) : undefined;
}

/**
 * A redactor for one publish call: removes the call's credential values (`secrets` is read at each
 * use, so session tokens the call obtains later count too), then anything shaped like a credential
 * (core's redactCredentialShapes), then shortens the text. Redacting before shortening keeps a cut
 * from hiding a credential's shape.
 */
export function secretRedactor(secrets: () => Iterable<string | undefined>): (text: string) => string {
  return (text) => {
    const out = redactCredentials(text, secrets());
    return out.length > 400 ? `${out.slice(0, 400)}…` : out;
  };
}

/** The names of credential fields that hold secrets (never recorded, logged or echoed). */
export const SECRET_CREDENTIAL = SECRET_FIELD_NAME;

/** Reads required credential fields; returns a plain failure naming the missing ones (not their values). */
export function requireCredentials<K extends string>(
  platformName: string,
  credentials: Record<string, string>,
  keys: readonly K[],
): { ok: true; value: Record<K, string> } | { ok: false; outcome: FailedOutcome } {
  const missing = keys.filter((k) => typeof credentials[k] !== "string" || credentials[k].trim() === "");
  if (missing.length > 0) {
    return failed(`${platformName} credentials are missing ${missing.join(", ")}; add them to the client's secrets`, false);
  }
  const value = {} as Record<K, string>;
  for (const k of keys) value[k] = credentials[k]!.trim();
  return { ok: true, value };
}
