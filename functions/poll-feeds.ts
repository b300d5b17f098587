import { z } from "zod";
import { HttpFeedFetcher } from "@pressbridge/adapters";
import { ValidationError, parseFeed, pollFeeds, systemClock, type PollDeps, type PollSummary } from "@pressbridge/core";
import { eventBus, releaseStore } from "./shared/aws-adapters.ts";
import { configFromEnv, createFunctionLogger, wrapHandler } from "./shared/lambda-runtime.ts";

/** What the schedule (or an operator) may send: poll due feeds, all feeds, or a subset (fan-out). */
const PollInput = z
  .object({ all: z.boolean().optional(), feedIds: z.array(z.string()).max(1000).optional() })
  .loose();

/** Polls feeds once: validate the input, call the use case, return a compact summary. */
export async function pollFeedsHandler(event: unknown, deps: PollDeps): Promise<PollSummary> {
  const parsed = PollInput.safeParse(event ?? {});
  if (!parsed.success) throw new ValidationError("event", parsed.error.issues[0]?.message ?? "invalid input");
  const options = {
    ...(parsed.data.all === undefined ? {} : { all: parsed.data.all }),
    ...(parsed.data.feedIds === undefined ? {} : { feedIds: parsed.data.feedIds }),
  };
  return pollFeeds(deps, options);
}

// Cold start: config and clients are created once per container and reused across invocations.
const { logger } = createFunctionLogger("poll-feeds");
const config = configFromEnv();
const store = releaseStore();
const deps: PollDeps = {
  config,
  fetcher: new HttpFeedFetcher({ allowPrivateHosts: config.security.allowPrivateFeedHosts }),
  feedStates: store,
  releases: store,
  bus: eventBus(),
  clock: systemClock,
  parse: parseFeed,
  logger,
};

export const handler = wrapHandler(
  "poll-feeds",
  logger,
  (event: unknown) => pollFeedsHandler(event, deps),
  (s) => ({
    feeds: s.feeds.length,
    errors: s.feeds.filter((f) => f.status === "error").length,
    unchanged: s.feeds.filter((f) => f.status === "unchanged").length,
    newReleases: s.feeds.reduce((n, f) => n + f.newReleases, 0),
  }),
);
