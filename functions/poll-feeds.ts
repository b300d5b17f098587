import { HttpFeedFetcher } from "@pressbridge/adapters";
import { parseFeed } from "@pressbridge/core";
import { jobHandler } from "./shared/lambda-runtime.ts";

/** Polls the due feeds (or `{ all }`, or `{ feedIds }`) once, on the scheduler's tick (wiring: packages/adapters/src/wiring.ts). */
export const handler = jobHandler("poll-feeds", {
  own: { fetcher: (config) => new HttpFeedFetcher({ allowPrivateHosts: config.security.allowPrivateFeedHosts }), parse: parseFeed },
});
