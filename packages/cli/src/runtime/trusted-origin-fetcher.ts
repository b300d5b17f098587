import { HttpFeedFetcher } from "@pressbridge/adapters";
import type { FeedFetcher, FetchRequest, FetchResult } from "@pressbridge/core";

/** A feed fetcher the local runtime can close. */
export interface ClosableFeedFetcher extends FeedFetcher {
  destroy(): void;
}

/**
 * The SSRF-guarded fetcher, except for a few exact origins this process serves itself (the demo
 * wire on 127.0.0.1:<port>): those, and only those, may be loopback, and they are fetched without
 * following redirects, so an allowed origin cannot bounce a request anywhere else. Every other feed
 * keeps the operator's `security.allowPrivateFeedHosts` setting (false unless they chose otherwise).
 */
export class TrustedOriginFetcher implements ClosableFeedFetcher {
  readonly #guarded: HttpFeedFetcher;
  readonly #trusted: HttpFeedFetcher;
  readonly #origins: ReadonlySet<string>;

  constructor(options: { allowPrivateHosts: boolean; trustedOrigins: readonly string[] }) {
    this.#guarded = new HttpFeedFetcher({ allowPrivateHosts: options.allowPrivateHosts });
    this.#trusted = new HttpFeedFetcher({ allowPrivateHosts: true, maxRedirects: 0 });
    this.#origins = new Set(options.trustedOrigins.map((o) => new URL(o).origin));
  }

  fetch(request: FetchRequest): Promise<FetchResult> {
    return this.#isTrusted(request.url) ? this.#trusted.fetch(request) : this.#guarded.fetch(request);
  }

  destroy(): void {
    this.#guarded.destroy();
    this.#trusted.destroy();
  }

  #isTrusted(url: string): boolean {
    try {
      const u = new URL(url);
      // The origin alone would accept credentials in the URL; an allowed feed never has them.
      return u.username === "" && u.password === "" && this.#origins.has(u.origin);
    } catch {
      return false;
    }
  }
}
