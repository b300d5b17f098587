import { ValidationError } from "../errors.ts";

/**
 * The poll queue (issue #18, fan-out): the dispatcher sends the due feeds as batches, each one
 * message; the poll consumer polls exactly the feeds of a message and reports, per message, whether
 * it failed (a partial-batch failure: only the failed messages come back, SQS's batchItemFailures).
 *
 * Implemented by SqsPollQueue (AWS: SendMessageBatch; Lambda's event source mapping consumes) and
 * MemoryPollQueue (the local runtime and the bench: send, receive, settle in-process), both in
 * packages/adapters.
 */

/** One message: feeds due at one dispatch, all on one host (or small hosts sharing, dispatch-polls.ts). */
export interface PollBatch {
  /** The host the feeds are on (URL host, lower-case), or "shared:<n>" for a batch of small hosts. */
  readonly host: string;
  readonly feedIds: readonly string[];
  /** When the dispatcher found them due (ISO 8601): a redelivered message skips the feeds settled since. */
  readonly dispatchedAt: string;
}

/** A message as the consumer receives it. */
export interface ReceivedPollBatch {
  /** The queue's id for the message: what a batch item failure names. */
  readonly messageId: string;
  readonly batch: PollBatch;
  /** 1 on the first delivery; more when the message failed before (or its consumer died). */
  readonly receiveCount: number;
}

/** What a consumer answers for the messages it was given: the ones to deliver again (SQS's partial batch response). */
export interface PollBatchResponse {
  readonly batchItemFailures: ReadonlyArray<{ readonly itemIdentifier: string }>;
}

/** Sends batches. A batch the queue refused for good is an error naming it (PollQueueSendError). */
export interface PollQueue {
  send(batches: readonly PollBatch[]): Promise<void>;
}

/** The pull side, for a queue consumed in-process (the local runtime): receive messages, then settle them with the consumer's response. */
export interface PollQueueReceiver {
  /** Up to `max` visible messages; each becomes invisible until settled. */
  receive(max: number): Promise<ReceivedPollBatch[]>;
  /** Deletes the received messages, except the batch item failures, which become visible again (or dead-letter). */
  settle(received: readonly ReceivedPollBatch[], response: PollBatchResponse): Promise<void>;
}

export class PollQueueSendError extends Error {
  readonly unsent: readonly PollBatch[];
  constructor(unsent: readonly PollBatch[], detail: string) {
    super(`poll queue: ${unsent.length} batch(es) not sent (${detail}); their feeds are dispatched again on the next tick`);
    this.name = "PollQueueSendError";
    this.unsent = unsent;
  }
}

/** A message body: a small versioned JSON document. */
export function encodePollBatch(batch: PollBatch): string {
  return JSON.stringify({ v: 1, host: batch.host, feedIds: batch.feedIds, dispatchedAt: batch.dispatchedAt });
}

/** Reads a message body; anything else is a ValidationError (a message not worth retrying). */
export function decodePollBatch(body: string): PollBatch {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ValidationError("body", "a poll batch is JSON");
  }
  const b = json as { v?: unknown; host?: unknown; feedIds?: unknown; dispatchedAt?: unknown };
  if (b === null || typeof b !== "object" || b.v !== 1) throw new ValidationError("body.v", "a poll batch has version 1");
  if (typeof b.host !== "string") throw new ValidationError("body.host", "expected a string");
  if (!Array.isArray(b.feedIds) || b.feedIds.length === 0 || !b.feedIds.every((id) => typeof id === "string" && id.length > 0)) {
    throw new ValidationError("body.feedIds", "expected feed ids");
  }
  if (typeof b.dispatchedAt !== "string" || Number.isNaN(Date.parse(b.dispatchedAt))) throw new ValidationError("body.dispatchedAt", "expected an ISO time");
  return { host: b.host, feedIds: b.feedIds as string[], dispatchedAt: b.dispatchedAt };
}
