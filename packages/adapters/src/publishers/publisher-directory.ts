import type { AudienceStore, Clock, Publisher, PublisherDirectory, PublisherPlatform } from "@pressbridge/core";
import { BlueskyPublisher } from "./bluesky-publisher.ts";
import { DryRunPublisher } from "./dry-run-publisher.ts";
import { LinkedInPublisher } from "./linkedin-publisher.ts";
import { MetaPublisher } from "./meta-publisher.ts";
import type { PublisherHttpOptions } from "./publisher-http.ts";
import { XPublisher } from "./x-publisher.ts";

export interface PublisherDirectoryOptions {
  clock?: Clock;
  /** Per-platform base URLs (contract tests and sandboxes). X takes `x` (API v2) and `xAds`. */
  baseUrls?: Partial<Record<PublisherPlatform | "xAds", string>>;
  /** Shared HTTP options: timeouts, attempts, waits. */
  http?: Omit<PublisherHttpOptions, "baseUrl" | "transport" | "clock">;
  /**
   * Where the clients' matched audiences are kept (DynamoAudienceStore in a deployment). Without one,
   * each ad adapter keeps them in memory for the life of the process.
   */
  audiences?: AudienceStore;
}

/**
 * The real platform adapters, created once per process and reused (Bluesky sessions and LinkedIn
 * typeahead results are cached inside them), plus the dry-run publisher.
 */
export function createPublisherDirectory(options: PublisherDirectoryOptions = {}): PublisherDirectory {
  const common = { ...(options.http ?? {}), ...(options.clock === undefined ? {} : { clock: options.clock }) };
  const base = (p: PublisherPlatform | "xAds") => (options.baseUrls?.[p] === undefined ? {} : { baseUrl: options.baseUrls[p] });
  const made = new Map<PublisherPlatform, Publisher>();
  const audiences = options.audiences === undefined ? {} : { audiences: options.audiences };
  const make: Record<PublisherPlatform, () => Publisher> = {
    x: () => new XPublisher({ ...common, ...audiences, ...base("x"), ...(options.baseUrls?.xAds === undefined ? {} : { adsBaseUrl: options.baseUrls.xAds }) }),
    linkedin: () => new LinkedInPublisher({ ...common, ...audiences, ...base("linkedin") }),
    meta: () => new MetaPublisher({ ...common, ...audiences, ...base("meta") }),
    bluesky: () => new BlueskyPublisher({ ...common, ...base("bluesky") }),
  };
  return {
    // Outcomes carry their dry-run record; the process-wide publisher keeps no list of them.
    dryRun: new DryRunPublisher({ keepRecords: false, ...(options.clock === undefined ? {} : { clock: options.clock }) }),
    adapterFor(platform) {
      let publisher = made.get(platform);
      if (publisher === undefined) {
        publisher = make[platform]();
        made.set(platform, publisher);
      }
      return publisher;
    },
  };
}
