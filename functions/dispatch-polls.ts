import { DynamoReleaseStore, DynamoWorkspaceStore, createDynamoClient, currentConfig, dispatchOptionsOf, dispatchSummaryOf, requiredEnv } from "@pressbridge/adapters";
import { SqsPollQueue, createSqsClient } from "@pressbridge/adapters/sqs";
import { dispatchPolls, systemClock } from "@pressbridge/core";
import { createFunctionLogger, wrapHandler } from "./shared/lambda-runtime.ts";

const { logger } = createFunctionLogger("dispatch-polls");
let made: { workspace: DynamoWorkspaceStore; feedStates: DynamoReleaseStore; queue: SqsPollQueue } | undefined;

/** Created on first use, kept for the container's life; a missing variable fails naming it. */
function adapters() {
  if (made !== undefined) return made;
  const table = { client: createDynamoClient({ endpoint: process.env.DYNAMODB_ENDPOINT || undefined }), tableName: requiredEnv("TABLE_NAME"), logger };
  made = {
    // Read only: the dispatcher never seeds the workspace (its role has no writes); a never-seeded one has no feeds.
    workspace: new DynamoWorkspaceStore(table),
    feedStates: new DynamoReleaseStore(table),
    queue: new SqsPollQueue({ client: createSqsClient(), queueUrl: requiredEnv("POLL_QUEUE_URL") }),
  };
  return made;
}

/**
 * Once a minute (Scheduler): the due feeds, by host, as batches on the poll queue (POLL_QUEUE_URL),
 * which the poll-feeds function consumes (issue #18; packages/core/src/polling/dispatch-polls.ts).
 * Input: `{}` (the due feeds), `{ all: true }` or `{ feedIds }`.
 */
export const handler = wrapHandler(
  "dispatch-polls",
  logger,
  async (input: unknown) => {
    const a = adapters();
    const config = await currentConfig({ workspace: a.workspace, logger });
    return dispatchPolls({ config, feedStates: a.feedStates, queue: a.queue, clock: systemClock, logger }, dispatchOptionsOf(input));
  },
  dispatchSummaryOf,
);
