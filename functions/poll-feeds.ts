import { HttpFeedFetcher, buildJobs, consumeSqsEvent, consumeSummaryOf, pollBatchesOfSqsEvent } from "@pressbridge/adapters";
import { parseFeed, type PollBatchResponse, type PollSummary, type PressbridgeConfig } from "@pressbridge/core";
import { functionAdapters, wrapHandler } from "./shared/lambda-runtime.ts";

const adapters = functionAdapters("poll-feeds", {
  fetcher: (config: PressbridgeConfig) => new HttpFeedFetcher({ allowPrivateHosts: config.security.allowPrivateFeedHosts }),
  parse: parseFeed,
});
const job = buildJobs(adapters)["poll-feeds"];
// An operator's direct invocation (`{}`, `{ all }`, `{ feedIds }`): one poll of those feeds.
const poll = wrapHandler("poll-feeds", adapters.logger, (input: unknown) => job.handle(input), (s) => job.summary(s));
const consume = wrapHandler("poll-feeds", adapters.logger, (parsed: NonNullable<ReturnType<typeof pollBatchesOfSqsEvent>>) => consumeSqsEvent(adapters, parsed), consumeSummaryOf);

/** A Lambda SQS event, as the event source mapping delivers the poll queue's messages. */
export interface SqsEvent {
  Records: ReadonlyArray<{ messageId: string; body: string; eventSource: "aws:sqs"; attributes?: { ApproximateReceiveCount?: string } }>;
}

/**
 * The poll queue's consumer (issue #18): an SQS event from the event source mapping polls exactly
 * the feeds of each message and answers `{ batchItemFailures }` (ReportBatchItemFailures), so only a
 * failed message comes back. Anything else is the job's input (wiring: packages/adapters/src/wiring.ts).
 */
export const handler = (async (event: unknown) => {
  const parsed = pollBatchesOfSqsEvent(event);
  if (parsed === undefined) return poll(event);
  return (await consume(parsed)).response;
}) as { (event: SqsEvent): Promise<PollBatchResponse>; (event: unknown): Promise<PollSummary> };
