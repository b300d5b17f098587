/**
 * FeedFetcher over node:http / node:https: conditional GET, manual redirects, streaming size cap
 * (raw and decompressed), one total deadline, SSRF guard on every hop with the connection pinned to
 * the validated addresses, and keep-alive connection reuse.
 */
import * as http from "node:http";
import * as https from "node:https";
import { promises as dnsPromises } from "node:dns";
import type { LookupAddress, LookupOptions } from "node:dns";
import * as zlib from "node:zlib";
import { pipeline } from "node:stream/promises";
import type { Transform } from "node:stream";
import { FeedFetchError } from "@pressbridge/core";
import type { FeedFetcher, FetchRequest, FetchResult } from "@pressbridge/core";
import { guardUrl, parseFeedUrl } from "./address-guard.ts";
import type { GuardedTarget, ResolvedAddress, Resolver } from "./address-guard.ts";

/** Opens a request, like http.request / https.request called with an options object. */
export type RequestFunction = (options: https.RequestOptions) => http.ClientRequest;

export interface HttpFeedFetcherOptions {
  /** Allow hosts resolving to private, loopback, link-local, ... addresses (local development). */
  allowPrivateHosts: boolean;
  /** Total deadline for one fetch, redirects and body included. Default 10 s. */
  timeoutMs?: number;
  /** Largest body accepted, both as received and once decompressed. Default 5 MiB. */
  maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  userAgent?: string;
  /** Hostname resolution; default dns.promises.lookup(hostname, { all: true }). */
  resolve?: Resolver;
  /** Opens connections; default http.request / https.request by scheme. */
  request?: RequestFunction;
}

export const HTTP_FEED_FETCHER_DEFAULTS = {
  timeoutMs: 10_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: "Pressbridge/0.1 (+feed poller)",
} as const;
const MAX_SOCKETS = 64;
const ACCEPT = [
  "application/rss+xml",
  "application/atom+xml",
  "application/rdf+xml;q=0.9",
  "application/xml;q=0.9",
  "text/xml;q=0.9",
  "*/*;q=0.1",
].join(", ");
const ACCEPT_ENCODING = "gzip, deflate, br";
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Bodies of redirects, 304s and errors are drained for connection reuse only up to this size. */
const DISCARD_LIMIT_BYTES = 64 * 1024;
const DISCARD_TIMEOUT_MS = 2_000;

export const systemResolver: Resolver = async (hostname) => {
  const found = await dnsPromises.lookup(hostname, { all: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

export class HttpFeedFetcher implements FeedFetcher {
  readonly #allowPrivateHosts: boolean;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #maxRedirects: number;
  readonly #userAgent: string;
  readonly #resolve: Resolver;
  readonly #request: RequestFunction | undefined;
  // Per instance, so a socket opened under one instance's address policy is never reused by another.
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;

  constructor(options: HttpFeedFetcherOptions) {
    this.#allowPrivateHosts = options.allowPrivateHosts;
    this.#timeoutMs = positive(options.timeoutMs, HTTP_FEED_FETCHER_DEFAULTS.timeoutMs, "timeoutMs");
    this.#maxBytes = positive(options.maxBytes, HTTP_FEED_FETCHER_DEFAULTS.maxBytes, "maxBytes");
    this.#maxRedirects = options.maxRedirects ?? HTTP_FEED_FETCHER_DEFAULTS.maxRedirects;
    if (!Number.isInteger(this.#maxRedirects) || this.#maxRedirects < 0) {
      throw new RangeError("maxRedirects must be a non-negative integer");
    }
    this.#userAgent = options.userAgent ?? HTTP_FEED_FETCHER_DEFAULTS.userAgent;
    this.#resolve = options.resolve ?? systemResolver;
    this.#request = options.request;
    const agentOptions = {
      keepAlive: true,
      maxSockets: MAX_SOCKETS,
      maxFreeSockets: MAX_SOCKETS,
      scheduling: "lifo" as const,
    };
    this.#httpAgent = new http.Agent(agentOptions);
    this.#httpsAgent = new https.Agent(agentOptions);
  }

  /** Closes pooled keep-alive connections. The fetcher stays usable (new connections are opened). */
  destroy(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  async fetch(request: FetchRequest): Promise<FetchResult> {
    let url = parseFeedUrl(request.url);
    let host = url.host;
    const controller = new AbortController();
    const signal = controller.signal;
    const timer = setTimeout(() => {
      controller.abort(
        new FeedFetchError("timeout", `fetching feed from ${host} did not finish within ${this.#timeoutMs} ms`),
      );
    }, this.#timeoutMs);

    try {
      const visited = new Set<string>();
      for (let redirects = 0; ; redirects++) {
        visited.add(withoutHash(url));
        const target = await untilAborted(
          guardUrl(url, { allowPrivateHosts: this.#allowPrivateHosts, resolve: this.#resolve }),
          signal,
        );
        const { req, res } = await this.#send(target, request, signal);
        const status = res.statusCode ?? 0;

        if (REDIRECT_STATUSES.has(status)) {
          // Awaited so the next hop can reuse the connection; bounded by size, time and the deadline.
          await discard(req, res);
          const location = res.headers.location;
          if (!location) {
            throw new FeedFetchError("redirects", `feed at ${host} answered ${status} without a Location`, {
              httpStatus: status,
            });
          }
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw new FeedFetchError("redirects", `feed at ${host} redirected to an invalid Location`, {
              httpStatus: status,
            });
          }
          if (redirects >= this.#maxRedirects) {
            throw new FeedFetchError(
              "redirects",
              `feed at ${host} redirected more than ${this.#maxRedirects} times`,
              { httpStatus: status },
            );
          }
          if (visited.has(withoutHash(next))) {
            throw new FeedFetchError("redirects", `feed at ${host} redirected in a loop (to ${next.host})`, {
              httpStatus: status,
            });
          }
          url = parseFeedUrl(next);
          host = url.host;
          continue;
        }

        if (status === 304) {
          await discard(req, res);
          return { status: "not-modified", httpStatus: 304, finalUrl: url.href };
        }

        if (status < 200 || status > 299) {
          void discard(req, res);
          const retryAfterSeconds = parseRetryAfter(header(res, "retry-after"), Date.now());
          throw new FeedFetchError("http-status", `feed at ${host} answered HTTP ${status}`, {
            httpStatus: status,
            ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
          });
        }

        const declared = header(res, "content-length");
        if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) > this.#maxBytes) {
          req.destroy();
          throw tooLarge(host, this.#maxBytes, `Content-Length ${declared.trim()}`);
        }

        const body = await readBody(req, res, { maxBytes: this.#maxBytes, host, signal });
        return {
          status: "ok",
          httpStatus: status,
          finalUrl: url.href,
          body,
          contentType: header(res, "content-type"),
          etag: header(res, "etag"),
          lastModified: header(res, "last-modified"),
          // WebSub discovery reads rel="hub" and rel="self" from it (docs/websub.md).
          ...(res.headers.link === undefined ? {} : { link: String(res.headers.link) }),
        };
      }
    } catch (error) {
      if (signal.aborted && signal.reason instanceof FeedFetchError) throw signal.reason;
      if (error instanceof FeedFetchError) throw error;
      throw networkError(error, host);
    } finally {
      clearTimeout(timer);
    }
  }

  #send(
    target: GuardedTarget,
    request: FetchRequest,
    signal: AbortSignal,
  ): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    const { url } = target;
    const isHttps = url.protocol === "https:";
    const headers: Record<string, string> = {
      "user-agent": this.#userAgent,
      accept: ACCEPT,
      "accept-encoding": ACCEPT_ENCODING,
    };
    if (request.etag) headers["if-none-match"] = request.etag;
    if (request.lastModified) headers["if-modified-since"] = request.lastModified;

    const options: https.RequestOptions = {
      protocol: url.protocol,
      // The real host name: Node derives the Host header (and the agent's SNI) from it, while the
      // pinned lookup makes sure the socket goes to an address the guard has checked.
      host: target.hostname,
      port: url.port === "" ? (isHttps ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: "GET",
      headers,
      agent: isHttps ? this.#httpsAgent : this.#httpAgent,
    };
    if (!target.isIpLiteral) {
      options.lookup = pinnedLookup(target.addresses);
      if (isHttps) options.servername = target.hostname.replace(/\.$/, "");
    }
    if (url.username !== "" || url.password !== "") {
      options.auth = `${safeDecode(url.username)}:${safeDecode(url.password)}`;
    }

    const open = this.#request ?? (isHttps ? https.request : http.request);
    return new Promise((resolve, reject) => {
      const attempt = (mayRetry: boolean): void => {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        let req: http.ClientRequest;
        try {
          req = open(options);
        } catch (error) {
          reject(networkError(error, url.host));
          return;
        }
        let responded = false;
        const onAbort = (): void => {
          req.destroy(signal.reason instanceof Error ? signal.reason : undefined);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        req.once("close", () => signal.removeEventListener("abort", onAbort));
        // Stays attached for the request's lifetime: a late socket error must never go unhandled.
        req.on("error", (error: Error & { code?: unknown }) => {
          if (responded) return; // body errors surface through the response stream
          // A pooled keep-alive socket the server closed while idle: retry the GET once on a new one.
          if (mayRetry && req.reusedSocket && error.code === "ECONNRESET" && !signal.aborted) {
            mayRetry = false;
            attempt(false);
            return;
          }
          reject(error instanceof FeedFetchError ? error : networkError(error, url.host));
        });
        req.once("response", (res) => {
          responded = true;
          resolve({ req, res });
        });
        req.end();
      };
      attempt(true);
    });
  }
}

/** A lookup function that only ever hands out the addresses the guard validated. */
export function pinnedLookup(addresses: readonly ResolvedAddress[]) {
  return (
    _hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const family = options.family;
    const wanted = family === 4 || family === "IPv4" ? 4 : family === 6 || family === "IPv6" ? 6 : 0;
    const candidates = wanted === 0 ? addresses : addresses.filter((a) => a.family === wanted);
    const first = candidates[0];
    if (first === undefined) {
      const error: NodeJS.ErrnoException = new Error(`no validated IPv${wanted} address`);
      error.code = "ENOTFOUND";
      process.nextTick(callback, error, "", undefined);
      return;
    }
    if (options.all) {
      const all = candidates.map((a) => ({ address: a.address, family: a.family }));
      process.nextTick(callback, null, all);
    } else {
      process.nextTick(callback, null, first.address, first.family);
    }
  };
}

async function readBody(
  req: http.ClientRequest,
  res: http.IncomingMessage,
  options: { maxBytes: number; host: string; signal: AbortSignal },
): Promise<Uint8Array> {
  const { maxBytes, host, signal } = options;
  const decoder = createDecoder(header(res, "content-encoding"));
  if (decoder === null) {
    req.destroy();
    throw new FeedFetchError("decode", `feed at ${host} used an unsupported Content-Encoding`);
  }
  let rawBytes = 0;
  let decodedBytes = 0;
  const chunks: Buffer[] = [];
  // Set only for errors zlib itself raised (not errors the pipeline forwarded into the decoder).
  let decoderFailed = false;
  decoder?.on("error", (error: Error & { code?: unknown }) => {
    if (typeof error.code === "string" && /^(Z_|ERR__|ERR_BROTLI|ERR_ZLIB)/.test(error.code)) decoderFailed = true;
  });

  async function* countRaw(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      rawBytes += chunk.length;
      if (rawBytes > maxBytes) throw tooLarge(host, maxBytes, "body");
      yield chunk;
    }
  }
  async function collect(source: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of source) {
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) throw tooLarge(host, maxBytes, "decompressed body");
      chunks.push(chunk);
    }
  }

  try {
    if (decoder === undefined) {
      await pipeline(res, countRaw, collect, { signal });
    } else {
      await pipeline(res, countRaw, decoder, collect, { signal });
    }
  } catch (error) {
    // Whatever went wrong, the connection is not reusable: make sure the socket is gone.
    req.destroy();
    res.destroy();
    if (signal.aborted && signal.reason instanceof FeedFetchError) throw signal.reason;
    if (error instanceof FeedFetchError) throw error;
    if (decoderFailed) {
      throw new FeedFetchError("decode", `feed at ${host} sent a body that could not be decompressed`, {
        cause: error,
      });
    }
    throw networkError(error, host);
  }
  return Buffer.concat(chunks);
}

/** undefined: identity; null: unsupported encoding. */
function createDecoder(contentEncoding: string | undefined): Transform | undefined | null {
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== "" && c !== "identity");
  if (codings.length === 0) return undefined;
  if (codings.length > 1) return null;
  // Flush modes tolerate servers that end the stream without a final block flush, like browsers do.
  switch (codings[0]) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case "deflate":
      return zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case "br":
      return zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      });
    default:
      return null;
  }
}

/**
 * Drains a body we do not need so the keep-alive socket goes back to the pool; gives up (destroying
 * the socket) on big or slow ones. Resolves once the body is gone either way; never rejects.
 */
function discard(req: http.ClientRequest, res: http.IncomingMessage): Promise<void> {
  res.on("error", () => {});
  if (res.readableEnded || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const timer = setTimeout(() => req.destroy(), DISCARD_TIMEOUT_MS);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    res.once("end", done);
    res.once("close", done);
    res.on("data", (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DISCARD_LIMIT_BYTES) req.destroy();
    });
    res.resume();
  });
}

/**
 * Retry-After as whole seconds from `nowMs`: delta-seconds or an HTTP date (past dates give 0).
 * undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds : undefined;
  }
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function header(res: http.IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  if (Array.isArray(value)) return value[0];
  return value;
}

function tooLarge(host: string, maxBytes: number, what: string): FeedFetchError {
  return new FeedFetchError("too-large", `feed at ${host}: ${what} exceeds the ${maxBytes}-byte limit`);
}

function networkError(error: unknown, host: string): FeedFetchError {
  const code = (error as { code?: unknown } | null)?.code;
  const detail = typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_FAIL" || code === "EAI_NONAME") {
    return new FeedFetchError("dns", `could not resolve feed host ${host} (${detail})`, { cause: error });
  }
  return new FeedFetchError("network", `network error fetching feed from ${host} (${detail})`, { cause: error });
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function withoutHash(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = "";
  return copy.href;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!(result > 0) || !Number.isFinite(result)) throw new RangeError(`${name} must be a positive number`);
  return result;
}
