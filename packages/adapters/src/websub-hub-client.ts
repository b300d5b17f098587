/**
 * WebSubHubClient over node:http / node:https: the subscription request of the W3C WebSub
 * Recommendation (https://www.w3.org/TR/websub/#subscriber-sends-subscription-request, section 5.1),
 * a POST of an application/x-www-form-urlencoded UTF-8 body, sent under the same SSRF rules as feed
 * fetching (address-guard.ts: every hop's host resolved and checked, no private, loopback or
 * link-local address unless the operator allows private hosts, never cloud metadata; the socket
 * pinned to the checked addresses). A 307 or 308 with a Location is followed (section 5.1.2: a hub
 * "MAY redirect to another hub"), at most 3 times; no other redirect is. One 10 s deadline, and at
 * most 4 KB of the answer is read (the hub's plain-text error, section 5.1.2).
 */
import * as http from "node:http";
import * as https from "node:https";
import { FeedFetchError, type WebSubHubClient } from "@pressbridge/core";
import { guardUrl, type Resolver } from "./address-guard.ts";
import { pinnedLookup, systemResolver } from "./http-feed-fetcher.ts";

export interface HttpWebSubHubClientOptions {
  allowPrivateHosts: boolean;
  timeoutMs?: number;
  resolve?: Resolver;
  userAgent?: string;
}

const MAX_REDIRECTS = 3;
const MAX_ANSWER_BYTES = 4 * 1024;

export class HttpWebSubHubClient implements WebSubHubClient {
  readonly #options: Required<Omit<HttpWebSubHubClientOptions, "resolve">> & { resolve: Resolver };

  constructor(options: HttpWebSubHubClientOptions) {
    this.#options = {
      allowPrivateHosts: options.allowPrivateHosts,
      timeoutMs: options.timeoutMs ?? 10_000,
      resolve: options.resolve ?? systemResolver,
      userAgent: options.userAgent ?? "Pressbridge/0.1 (+websub subscriber)",
    };
  }

  async subscribe(hubUrl: string, form: Readonly<Record<string, string>>): Promise<{ status: number; body: string }> {
    const body = Buffer.from(new URLSearchParams(form).toString(), "utf8");
    const deadline = AbortSignal.timeout(this.#options.timeoutMs);
    let url = new URL(hubUrl);
    for (let hop = 0; ; hop++) {
      const target = await guardUrl(url, { allowPrivateHosts: this.#options.allowPrivateHosts, resolve: this.#options.resolve });
      const answer = await this.#post(target, body, deadline);
      if ((answer.status === 307 || answer.status === 308) && answer.location !== undefined) {
        if (hop >= MAX_REDIRECTS) throw new FeedFetchError("redirects", `hub at ${url.host} redirected more than ${MAX_REDIRECTS} times`);
        url = new URL(answer.location, url);
        continue;
      }
      return { status: answer.status, body: answer.body };
    }
  }

  #post(
    target: Awaited<ReturnType<typeof guardUrl>>,
    body: Buffer,
    signal: AbortSignal,
  ): Promise<{ status: number; body: string; location: string | undefined }> {
    const { url } = target;
    const isHttps = url.protocol === "https:";
    const options: https.RequestOptions = {
      protocol: url.protocol,
      host: target.hostname,
      port: url.port === "" ? (isHttps ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        "content-length": String(body.length),
        "user-agent": this.#options.userAgent,
      },
      signal,
    };
    if (!target.isIpLiteral) {
      options.lookup = pinnedLookup(target.addresses);
      if (isHttps) options.servername = target.hostname.replace(/\.$/, "");
    }
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https.request : http.request)(options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_ANSWER_BYTES - size));
          size += chunk.length;
          if (size > 64 * 1024) req.destroy();
        });
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            location: typeof res.headers.location === "string" ? res.headers.location : undefined,
          });
        res.once("end", done);
        res.once("close", done);
        res.once("error", reject);
      });
      req.once("error", (err) => reject(new FeedFetchError("network", `could not reach hub at ${url.host} (${(err as { code?: string }).code ?? err.message})`, { cause: err })));
      req.end(body);
    });
  }
}
