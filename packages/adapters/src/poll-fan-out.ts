import { z } from "zod";
import {
  ValidationError,
  consumePollBatches,
  decodePollBatch,
  dispatchPolls,
  type ConsumeDeps,
  type ConsumeOutcome,
  type DispatchDeps,
  type DispatchSummary,
  type PollOptions,
  type PollQueue,
  type ReceivedPollBatch,
} from "@pressbridge/core";
import { currentConfig, pollDeps, type AdapterSet } from "./wiring.ts";

/**
 * The poll fan-out's wiring (issue #18), the same in AWS and locally: the dispatcher's and the
 * consumer's dependencies from an adapter set, the queue handed in (SqsPollQueue in AWS,
 * MemoryPollQueue in `pressbridge start` and the bench).
 */

/** What the dispatcher's schedule (or an operator) may send: due feeds (default), all of them, or some. */
const DispatchInput = /* @__PURE__ */ z.object({ all: z.boolean().optional(), feedIds: z.array(z.string()).max(1000).optional() }).loose();

export function dispatchOptionsOf(input: unknown): PollOptions {
  const parsed = DispatchInput.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError("event", parsed.error.issues[0]?.message ?? "invalid input");
  const { all, feedIds } = parsed.data;
  return { ...(all === undefined ? {} : { all }), ...(feedIds === undefined ? {} : { feedIds }) };
}

/** The dispatcher's dependencies: the workspace's feeds of the moment, the feed states, the queue. */
export async function dispatchDeps(a: AdapterSet, queue: PollQueue, extra: Partial<DispatchDeps> = {}): Promise<DispatchDeps> {
  return { config: extra.config ?? (await currentConfig(a)), feedStates: a.releases, queue, clock: a.clock, logger: a.logger, ...extra };
}

/** The consumer's: the poll's (pollDeps). */
export async function consumeDeps(a: AdapterSet, extra: Partial<ConsumeDeps> = {}): Promise<ConsumeDeps> {
  return { ...(await pollDeps(a, extra)), ...extra };
}

export async function runDispatch(a: AdapterSet, queue: PollQueue, input: unknown = {}, extra: Partial<DispatchDeps> = {}): Promise<DispatchSummary> {
  return dispatchPolls(await dispatchDeps(a, queue, extra), dispatchOptionsOf(input));
}

export const dispatchSummaryOf = (s: DispatchSummary) => ({
  due: s.due,
  notDue: s.notDue,
  batches: s.batches.length,
  largestBatch: s.batches.reduce((n, b) => Math.max(n, b.feedIds.length), 0),
});

export const consumeSummaryOf = (o: ConsumeOutcome) => ({
  messages: o.batches.length,
  failedMessages: o.response.batchItemFailures.length,
  feeds: o.feeds.length,
  errors: o.feeds.filter((f) => f.status === "error").length,
  unchanged: o.feeds.filter((f) => f.status === "unchanged").length,
  newReleases: o.feeds.reduce((n, f) => n + f.newReleases, 0),
});

/**
 * The messages of a Lambda SQS event (`Records[]`: messageId, body, attributes.ApproximateReceiveCount;
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html), or undefined when the event is not one.
 * A record whose body is not a poll batch is in `invalid`: the handler reports it as a batch item
 * failure, so after the redrive policy's receives it lands in the dead-letter queue to be looked at.
 */
export function pollBatchesOfSqsEvent(event: unknown): { messages: ReceivedPollBatch[]; invalid: string[] } | undefined {
  const records = (event as { Records?: unknown } | null | undefined)?.Records;
  if (!Array.isArray(records) || !records.every((r) => (r as { eventSource?: unknown })?.eventSource === "aws:sqs")) return undefined;
  const messages: ReceivedPollBatch[] = [];
  const invalid: string[] = [];
  for (const record of records as Array<{ messageId?: unknown; body?: unknown; attributes?: { ApproximateReceiveCount?: unknown } }>) {
    const messageId = typeof record.messageId === "string" ? record.messageId : undefined;
    if (messageId === undefined) throw new ValidationError("Records[].messageId", "an SQS record has a message id");
    try {
      const batch = decodePollBatch(typeof record.body === "string" ? record.body : "");
      const count = Number(record.attributes?.ApproximateReceiveCount ?? 1);
      messages.push({ messageId, batch, receiveCount: Number.isFinite(count) && count >= 1 ? count : 1 });
    } catch {
      invalid.push(messageId);
    }
  }
  return { messages, invalid };
}

/**
 * The poll function's answer to an SQS event: the consumer over its messages, with the invalid
 * records added to the batch item failures (the event source mapping's ReportBatchItemFailures).
 */
export async function consumeSqsEvent(a: AdapterSet, parsed: { messages: ReceivedPollBatch[]; invalid: string[] }, extra: Partial<ConsumeDeps> = {}): Promise<ConsumeOutcome> {
  const outcome = parsed.messages.length === 0 ? { response: { batchItemFailures: [] }, batches: [], feeds: [] } : await consumePollBatches(await consumeDeps(a, extra), parsed.messages);
  if (parsed.invalid.length === 0) return outcome;
  return { ...outcome, response: { batchItemFailures: [...outcome.response.batchItemFailures, ...parsed.invalid.map((itemIdentifier) => ({ itemIdentifier }))] } };
}

/**
 * One tick of the fan-out in-process (`pressbridge start`, the bench): the dispatcher sends the due
 * feeds to the in-memory queue, and the consumer drains it, `messageConcurrency` messages at once
 * (each polling up to feedConcurrency feeds at once), exactly as the Lambda functions do with SQS.
 * Returns the dispatch and every feed polled.
 */
export async function runPollCycle(
  a: AdapterSet,
  queue: PollQueue & { drain(consume: (messages: ReceivedPollBatch[]) => Promise<ConsumeOutcome["response"]>, options?: { batchSize?: number; concurrency?: number }): Promise<void> },
  options: { config?: DispatchDeps["config"]; tickSeconds?: number; batchSize?: number; shareSmallHostsBelow?: number; messageConcurrency?: number; consume?: Partial<ConsumeDeps> } = {},
): Promise<{ dispatch: DispatchSummary; feeds: ConsumeOutcome["feeds"]; failedMessages: number }> {
  const config = options.config ?? (await currentConfig(a));
  const tick = options.tickSeconds === undefined ? {} : { tickSeconds: options.tickSeconds };
  const dispatch = await dispatchPolls(
    await dispatchDeps(a, queue, {
      config,
      ...tick,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.shareSmallHostsBelow === undefined ? {} : { shareSmallHostsBelow: options.shareSmallHostsBelow }),
    }),
  );
  const deps = await consumeDeps(a, { config, ...tick, ...options.consume });
  const feeds: ConsumeOutcome["feeds"] = [];
  let failedMessages = 0;
  await queue.drain(
    async (messages) => {
      const outcome = await consumePollBatches(deps, messages);
      feeds.push(...outcome.feeds);
      failedMessages += outcome.response.batchItemFailures.length;
      return outcome.response;
    },
    { batchSize: 1, concurrency: options.messageConcurrency ?? 4 },
  );
  return { dispatch, feeds, failedMessages };
}
