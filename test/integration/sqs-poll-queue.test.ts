import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pollBatchesOfSqsEvent } from "@pressbridge/adapters";
import { SqsPollQueue, createSqsClient, SQS_MAX_BATCH_BYTES } from "@pressbridge/adapters/sqs";
import { PollQueueSendError, decodePollBatch, type PollBatch } from "@pressbridge/core";
import { AMZ_JSON_1_0, startSqsServer, type SqsServer } from "../support/sqs-server.ts";

let sqs: SqsServer;
beforeAll(async () => {
  sqs = await startSqsServer();
});
afterAll(async () => {
  await sqs.close();
});
beforeEach(() => {
  sqs.failEntries(() => undefined);
  sqs.failRequests(undefined);
});

const client = () => createSqsClient({ endpoint: sqs.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
const batch = (n: number, feeds = 3): PollBatch => ({ host: `h${n}.example`, feedIds: Array.from({ length: feeds }, (_, i) => `feed-${n}-${i}`), dispatchedAt: "2026-11-21T12:00:00.000Z" });

describe("SqsPollQueue against a loopback SQS (AWS JSON 1.0)", () => {
  it("sends 23 batches as SendMessageBatch requests of at most 10 entries, signed, in the JSON protocol", async () => {
    const queueUrl = sqs.queueUrl("polls-a");
    const queue = new SqsPollQueue({ client: client(), queueUrl });
    const before = sqs.requests.length;
    const batches = Array.from({ length: 23 }, (_, i) => batch(i));
    await queue.send(batches);
    const requests = sqs.requests.slice(before);
    expect(requests.map((r) => (r.body.Entries as unknown[]).length)).toEqual([10, 10, 3]);
    for (const r of requests) {
      expect(r.target).toBe("AmazonSQS.SendMessageBatch");
      expect(r.contentType).toBe(AMZ_JSON_1_0);
      expect(r.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/sqs\/aws4_request/);
      expect(r.body.QueueUrl).toBe(queueUrl);
    }
    const sent = sqs.messages.filter((m) => m.queueUrl === queueUrl).map((m) => decodePollBatch(m.body));
    expect(sent).toEqual(batches);
    expect(queue.requests).toBe(3);
  });

  it("splits by size too: the sum of a request's bodies stays within 256 KiB", async () => {
    const queueUrl = sqs.queueUrl("polls-size");
    const queue = new SqsPollQueue({ client: client(), queueUrl });
    const before = sqs.requests.length;
    // ~60 KB each: four per request at most.
    const big = Array.from({ length: 6 }, (_, i) => ({ ...batch(i, 1), feedIds: Array.from({ length: 1500 }, (_, j) => `feed-${i}-${String(j).padStart(30, "0")}`) }));
    await queue.send(big);
    const sizes = sqs.requests.slice(before).map((r) => (r.body.Entries as Array<{ MessageBody: string }>).reduce((n, e) => n + Buffer.byteLength(e.MessageBody), 0));
    expect(sizes.length).toBeGreaterThan(1);
    for (const s of sizes) expect(s).toBeLessThanOrEqual(SQS_MAX_BATCH_BYTES);
    expect(sqs.messages.filter((m) => m.queueUrl === queueUrl)).toHaveLength(6);
  });

  it("retries only the failed entries of a partial failure; a sender's fault is not retried and is named", async () => {
    const queueUrl = sqs.queueUrl("polls-partial");
    const queue = new SqsPollQueue({ client: client(), queueUrl, baseDelayMs: 1 });
    const attempts = new Map<string, number>();
    sqs.failEntries((entry) => {
      const host = decodePollBatch(entry.MessageBody).host;
      const n = (attempts.get(host) ?? 0) + 1;
      attempts.set(host, n);
      if (host === "h1.example" && n === 1) return { code: "InternalError", senderFault: false };
      if (host === "h2.example") return { code: "InvalidMessageContents", senderFault: true };
      return undefined;
    });
    const error = await queue.send([batch(0), batch(1), batch(2)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PollQueueSendError);
    expect((error as PollQueueSendError).unsent.map((b) => b.host)).toEqual(["h2.example"]);
    expect((error as Error).message).toContain("InvalidMessageContents");
    expect(attempts.get("h0.example")).toBe(1);
    expect(attempts.get("h1.example")).toBe(2);
    expect(attempts.get("h2.example")).toBe(1);
    expect(sqs.messages.filter((m) => m.queueUrl === queueUrl).map((m) => decodePollBatch(m.body).host).sort()).toEqual(["h0.example", "h1.example"]);
  });

  it("a request the service keeps refusing leaves that request's batches and the later ones unsent, named", async () => {
    const queueUrl = sqs.queueUrl("polls-down");
    const queue = new SqsPollQueue({ client: createSqsClient({ endpoint: sqs.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } }), queueUrl });
    const first = sqs.requests.length;
    sqs.failRequests((i) => (i > first ? { status: 400, type: "QueueDoesNotExist" } : undefined));
    const error = await queue.send(Array.from({ length: 15 }, (_, i) => batch(i))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PollQueueSendError);
    expect((error as PollQueueSendError).unsent.map((b) => b.host)).toEqual(Array.from({ length: 5 }, (_, i) => `h${i + 10}.example`));
  });

  it("reads a Lambda SQS event: each record's batch, its receive count; a bad body is named, not thrown", () => {
    sqs.takeEvent();
    const event = {
      Records: [
        { messageId: "m1", body: JSON.stringify({ v: 1, host: "a", feedIds: ["f1"], dispatchedAt: "2026-11-21T12:00:00.000Z" }), attributes: { ApproximateReceiveCount: "2" }, eventSource: "aws:sqs" },
        { messageId: "m2", body: "not json", attributes: { ApproximateReceiveCount: "1" }, eventSource: "aws:sqs" },
      ],
    };
    expect(pollBatchesOfSqsEvent(event)).toEqual({ messages: [{ messageId: "m1", batch: { host: "a", feedIds: ["f1"], dispatchedAt: "2026-11-21T12:00:00.000Z" }, receiveCount: 2 }], invalid: ["m2"] });
    expect(pollBatchesOfSqsEvent({})).toBeUndefined();
    expect(pollBatchesOfSqsEvent({ all: true })).toBeUndefined();
  });
});
