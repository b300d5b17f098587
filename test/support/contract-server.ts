import { createServer } from "node:http";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * A loopback contract server for platform adapters: node:http on 127.0.0.1:0. A platform fake (the
 * handler) checks each request's method, path, headers, auth and body, keeps the objects it created,
 * and answers with the platform's real response and error shapes. Contract violations are recorded
 * (tests assert there are none) and answered 418 so the adapter fails loudly.
 *
 * Faults are scripted per request: `failOnce` answers instead of the fake (429, 400, 401, 5xx);
 * `commitThenStall` lets the fake apply the request, then holds the answer past the client's timeout.
 */

export interface ContractRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** The raw query string (without "?"), for Rest.li-encoded parameters. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The parsed body: JSON, or a form as a plain object; undefined when empty. */
  body: unknown;
  contentType: string | undefined;
  /** http://127.0.0.1:<port><path>?<query> as the client addressed it. */
  fullUrl: URL;
}

export interface ContractReply {
  status: number;
  /** A JSON body (strings are sent as they are). */
  body?: unknown;
  headers?: Record<string, string>;
}

export type ContractHandler = (request: ContractRequest) => ContractReply | Promise<ContractReply>;

/** Thrown by a fake when a request breaks the platform's contract. */
export class ContractViolation extends Error {
  override readonly name = "ContractViolation";
}

export function expectContract(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ContractViolation(message);
}

type Match = (request: ContractRequest) => boolean;

export interface ContractServer {
  readonly url: string;
  readonly requests: ContractRequest[];
  readonly violations: string[];
  /** The next request matching `match` gets `reply` instead of reaching the fake. */
  failOnce(match: Match, reply: ContractReply): void;
  /** The next request matching `match` is applied by the fake, then its answer waits `ms`. */
  commitThenStall(match: Match, ms: number): void;
  close(): Promise<void>;
}

export async function startContractServer(handler: ContractHandler): Promise<ContractServer> {
  const requests: ContractRequest[] = [];
  const violations: string[] = [];
  const failures: Array<{ match: Match; reply: ContractReply }> = [];
  const stalls: Array<{ match: Match; ms: number }> = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks).toString("utf8");
        const address = server.address() as AddressInfo;
        const fullUrl = new URL(req.url ?? "/", `http://127.0.0.1:${address.port}`);
        const contentType = req.headers["content-type"];
        const request: ContractRequest = {
          method: req.method ?? "GET",
          path: fullUrl.pathname,
          query: fullUrl.searchParams,
          rawQuery: fullUrl.search.replace(/^\?/, ""),
          headers: req.headers,
          rawBody,
          body: parseBody(rawBody, contentType),
          contentType,
          fullUrl,
        };
        requests.push(request);

        const failure = failures.findIndex((f) => f.match(request));
        if (failure >= 0) {
          const { reply } = failures.splice(failure, 1)[0]!;
          send(res, reply);
          return;
        }
        let reply: ContractReply;
        try {
          reply = await handler(request);
        } catch (error) {
          const message = `${request.method} ${request.path}: ${(error as Error).message}`;
          violations.push(message);
          reply = { status: 418, body: { contractViolation: message } };
        }
        const stall = stalls.findIndex((s) => s.match(request));
        if (stall >= 0) {
          const { ms } = stalls.splice(stall, 1)[0]!;
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!res.destroyed) send(res, reply);
          }, ms);
          timers.add(timer);
          return;
        }
        send(res, reply);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    failOnce: (match, reply) => failures.push({ match, reply }),
    commitThenStall: (match, ms) => stalls.push({ match, ms }),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === "") return undefined;
  if (contentType?.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function send(res: ServerResponse, reply: ContractReply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let body = "";
  if (reply.body !== undefined) {
    body = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    headers["content-type"] ??= "application/json";
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

/** A Bearer token from the Authorization header, or undefined. */
export function bearerToken(request: ContractRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === "string" ? /^Bearer (\S+)$/.exec(header) : null;
  return match?.[1];
}

/** Requests whose method and path match. */
export function route(method: string, path: string | RegExp): Match {
  return (request) => request.method === method && (typeof path === "string" ? request.path === path : path.test(request.path));
}

// --- OAuth 1.0a verification, written independently of the adapter's signer (RFC 5849 §3.4) ---

const rfc3986 = (s: string): string =>
  [...new TextEncoder().encode(s)]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");

export interface OAuth1Secrets {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/**
 * Checks an `Authorization: OAuth …` header: the consumer key and token, HMAC-SHA1, version 1.0, and
 * the signature recomputed over the query, a form body and the oauth_* parameters. `publicUrl` is the
 * URL the client signed (its base URL plus the path), since the client addressed this loopback server.
 * Returns why it is invalid, or null when valid.
 */
export function oauth1Problem(request: ContractRequest, secrets: OAuth1Secrets): string | null {
  const header = request.headers.authorization;
  if (typeof header !== "string" || !header.startsWith("OAuth ")) return "no OAuth Authorization header";
  const oauth = new Map<string, string>();
  for (const part of header.slice(6).split(",")) {
    const m = /^\s*([^=]+)="([^"]*)"\s*$/.exec(part);
    if (m === null) return `malformed OAuth header part ${part.split("=")[0]}`;
    oauth.set(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
  }
  if (oauth.get("oauth_consumer_key") !== secrets.consumerKey) return "wrong oauth_consumer_key";
  if (oauth.get("oauth_token") !== secrets.token) return "wrong oauth_token";
  if (oauth.get("oauth_signature_method") !== "HMAC-SHA1") return "oauth_signature_method is not HMAC-SHA1";
  if (oauth.get("oauth_version") !== "1.0") return "oauth_version is not 1.0";
  if (!/^\d+$/.test(oauth.get("oauth_timestamp") ?? "")) return "no oauth_timestamp";
  if ((oauth.get("oauth_nonce") ?? "") === "") return "no oauth_nonce";
  const signature = oauth.get("oauth_signature");
  if (signature === undefined) return "no oauth_signature";

  const pairs: Array<[string, string]> = [];
  for (const [k, v] of oauth) if (k !== "oauth_signature" && k !== "realm") pairs.push([rfc3986(k), rfc3986(v)]);
  for (const [k, v] of request.query) pairs.push([rfc3986(k), rfc3986(v)]);
  if (request.contentType?.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(request.rawBody)) pairs.push([rfc3986(k), rfc3986(v)]);
  }
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  const params = pairs.map(([k, v]) => `${k}=${v}`).join("&");
  const uri = `http://127.0.0.1:${request.fullUrl.port}${request.path}`;
  const base = `${request.method}&${rfc3986(uri)}&${rfc3986(params)}`;
  const expected = createHmac("sha1", `${rfc3986(secrets.consumerSecret)}&${rfc3986(secrets.tokenSecret)}`).update(base).digest();
  const given = Buffer.from(signature, "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "oauth_signature does not verify";
  return null;
}
