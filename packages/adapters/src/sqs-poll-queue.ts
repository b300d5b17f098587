import { SQSClient, SendMessageBatchCommand, type SQSClientConfig, type SendMessageBatchRequestEntry } from "@aws-sdk/client-sqs";
import { PollQueueSendError, encodePollBatch } from "@pressbridge/core";
import type { PollBatch, PollQueue } from "@pressbridge/core";

/**
 * SendMessageBatch limits: at most 10 entries, and at most 256 KiB (262,144 bytes) for one message
 * and for the sum of the batch's bodies (the API reference gives 1 MiB since 2025; the older 256 KiB
 * is kept so the adapter works in every region and partition):
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */
export const SQS_MAX_ENTRIES_PER_BATCH = 10;
export const SQS_MAX_BATCH_BYTES = 256 * 1024;

const MAX_DELAY_MS = 5_000;

export interface SqsClientOptions {
  /** Overrides the service endpoint (a test server). */
  endpoint?: string;
  region?: string;
  credentials?: SQSClientConfig["credentials"];
}

/**
 * An SQS client for one container's life: keep-alive sockets, bounded timeouts, the SDK's standard
 * retries. The SDK speaks the AWS JSON 1.0 protocol to SQS (`X-Amz-Target: AmazonSQS.<Operation>`,
 * `Content-Type: application/x-amz-json-1.0`): https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html
 */
export function createSqsClient(options: SqsClientOptions = {}): SQSClient {
  const config: SQSClientConfig = {
    retryMode: "standard",
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, httpAgent: { keepAlive: true, maxSockets: 50 }, httpsAgent: { keepAlive: true, maxSockets: 50 } },
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.region !== undefined) config.region = options.region;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  return new SQSClient(config);
}

export interface SqsPollQueueOptions {
  client: SQSClient;
  queueUrl: string;
  /** Attempts per entry, the first included (default 4). */
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The poll queue on SQS: SendMessageBatch, up to 10 batches (messages) a request, within the
 * request's size limit. A partial failure (HTTP 200 with `Failed` entries) retries only the failed
 * entries that are not the sender's fault (`SenderFault: false`), with backoff; what is left is a
 * PollQueueSendError naming the unsent batches (their feeds are due again on the next tick).
 * Response shape (Successful: Id, MessageId, MD5OfMessageBody; Failed: Id, SenderFault, Code, Message):
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html#API_SendMessageBatch_ResponseSyntax
 */
export class SqsPollQueue implements PollQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Requests sent (what SQS bills: one per request and 64 KB chunk). */
  requests = 0;

  constructor(options: SqsPollQueueOptions) {
    if (options.queueUrl === "") throw new RangeError("queueUrl must not be empty");
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
    this.#maxAttempts = options.maxAttempts ?? 4;
    this.#baseDelayMs = options.baseDelayMs ?? 100;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async send(batches: readonly PollBatch[]): Promise<void> {
    const bodies = batches.map((b) => encodePollBatch(b));
    const oversized = bodies.map((body, i) => ({ i, bytes: Buffer.byteLength(body, "utf8") })).filter((b) => b.bytes > SQS_MAX_BATCH_BYTES);
    if (oversized.length > 0) throw new PollQueueSendError(oversized.map((o) => batches[o.i]!), `over ${SQS_MAX_BATCH_BYTES} bytes: use a smaller batch size`);
    let pending = bodies.map((_, i) => i);
    const givenUp: Array<{ i: number; code: string }> = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) await this.#sleep(Math.min(MAX_DELAY_MS, this.#baseDelayMs * 2 ** (attempt - 2) * (1 + Math.random())));
      const retry: Array<{ i: number; code: string }> = [];
      const chunks = chunksOf(pending, bodies);
      for (const [c, chunk] of chunks.entries()) {
        const entries: SendMessageBatchRequestEntry[] = chunk.map((i) => ({ Id: `b${i}`, MessageBody: bodies[i]! }));
        let output;
        try {
          this.requests++;
          output = await this.#client.send(new SendMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: entries }));
        } catch (error) {
          // The SDK retried the request already: this chunk, the ones after it and the retries are unsent.
          const unsent = [...givenUp.map((g) => g.i), ...retry.map((r) => r.i), ...chunks.slice(c).flat()].sort((a, b) => a - b);
          throw new PollQueueSendError(unsent.map((i) => batches[i]!), `SendMessageBatch failed: ${(error as Error)?.name ?? "error"}`);
        }
        const ok = new Set((output.Successful ?? []).map((s) => s.Id));
        const failed = new Map((output.Failed ?? []).map((f) => [f.Id, f]));
        for (const i of chunk) {
          if (ok.has(`b${i}`)) continue;
          const f = failed.get(`b${i}`);
          const entry = { i, code: f?.Code ?? "MissingResult" };
          if (f?.SenderFault === true) givenUp.push(entry);
          else retry.push(entry);
        }
      }
      pending = retry.map((r) => r.i);
      if (pending.length > 0 && attempt >= this.#maxAttempts) {
        givenUp.push(...retry);
        break;
      }
    }
    if (givenUp.length > 0) {
      givenUp.sort((a, b) => a.i - b.i);
      throw new PollQueueSendError(givenUp.map((g) => batches[g.i]!), [...new Set(givenUp.map((g) => g.code))].join(", "));
    }
  }
}

/** Entries of at most 10 and at most SQS_MAX_BATCH_BYTES of bodies per request. */
function chunksOf(indexes: readonly number[], bodies: readonly string[]): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const i of indexes) {
    const size = Buffer.byteLength(bodies[i]!, "utf8");
    if (current.length === SQS_MAX_ENTRIES_PER_BATCH || (current.length > 0 && bytes + size > SQS_MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
