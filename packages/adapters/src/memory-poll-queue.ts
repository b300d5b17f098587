import { randomUUID } from "node:crypto";
import type { PollBatch, PollBatchResponse, PollQueue, PollQueueReceiver, ReceivedPollBatch } from "@pressbridge/core";

interface Stored {
  messageId: string;
  batch: PollBatch;
  receiveCount: number;
  inFlight: boolean;
}

/**
 * The poll queue in-process (the local runtime, the bench, tests): what SQS does for the AWS
 * deploy, with the same delivery rules. A received message is invisible until settled; a batch
 * item failure makes it visible again (at once: the local tick is the visibility timeout), and a
 * message received `maxReceiveCount` times that still fails goes to `deadLetters` (the redrive
 * policy's maxReceiveCount).
 */
export class MemoryPollQueue implements PollQueue, PollQueueReceiver {
  readonly #messages: Stored[] = [];
  readonly #maxReceiveCount: number;
  /** Messages that failed `maxReceiveCount` times (the DLQ). */
  readonly deadLetters: ReceivedPollBatch[] = [];
  /** Counts, as SQS would bill them: send calls (one per 10 messages) and messages sent. */
  readonly counts = { sendCalls: 0, messagesSent: 0, received: 0, deleted: 0 };

  constructor(options: { maxReceiveCount?: number } = {}) {
    this.#maxReceiveCount = options.maxReceiveCount ?? 3;
  }

  async send(batches: readonly PollBatch[]): Promise<void> {
    this.counts.sendCalls += Math.ceil(batches.length / 10);
    this.counts.messagesSent += batches.length;
    for (const batch of batches) this.#messages.push({ messageId: randomUUID(), batch, receiveCount: 0, inFlight: false });
  }

  async receive(max: number): Promise<ReceivedPollBatch[]> {
    const out: ReceivedPollBatch[] = [];
    for (const m of this.#messages) {
      if (out.length >= max) break;
      if (m.inFlight) continue;
      m.inFlight = true;
      m.receiveCount++;
      out.push({ messageId: m.messageId, batch: m.batch, receiveCount: m.receiveCount });
    }
    this.counts.received += out.length;
    return out;
  }

  async settle(received: readonly ReceivedPollBatch[], response: PollBatchResponse): Promise<void> {
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const r of received) {
      const i = this.#messages.findIndex((m) => m.messageId === r.messageId);
      if (i === -1) continue;
      const m = this.#messages[i]!;
      if (!failed.has(r.messageId)) {
        this.#messages.splice(i, 1);
        this.counts.deleted++;
      } else if (m.receiveCount >= this.#maxReceiveCount) {
        this.#messages.splice(i, 1);
        this.deadLetters.push({ messageId: m.messageId, batch: m.batch, receiveCount: m.receiveCount });
      } else {
        m.inFlight = false;
      }
    }
  }

  /** Messages waiting or in flight. */
  get depth(): number {
    return this.#messages.length;
  }

  /**
   * Consumes until the queue is empty: receives up to `batchSize` messages at a time (the event
   * source mapping's batch size), up to `concurrency` such batches at once, and settles each with
   * the consumer's response. A failing message is received again until it dead-letters.
   */
  async drain(consume: (messages: ReceivedPollBatch[]) => Promise<PollBatchResponse>, options: { batchSize?: number; concurrency?: number } = {}): Promise<void> {
    const batchSize = options.batchSize ?? 1;
    const worker = async (): Promise<void> => {
      for (;;) {
        const messages = await this.receive(batchSize);
        if (messages.length === 0) return;
        let response: PollBatchResponse;
        try {
          response = await consume(messages);
        } catch {
          // A consumer that throws fails its whole batch, as a Lambda invocation error does.
          response = { batchItemFailures: messages.map((m) => ({ itemIdentifier: m.messageId })) };
        }
        await this.settle(messages, response);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
  }
}
