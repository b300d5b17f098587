import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback SQS speaking just enough of the AWS JSON 1.0 protocol (POST /, `Content-Type:
 * application/x-amz-json-1.0`, `X-Amz-Target: AmazonSQS.<Operation>`;
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html)
 * for SendMessage and SendMessageBatch
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html):
 * it enforces the batch limits (1-10 entries with distinct Ids, 256 KiB in total), answers
 * Successful entries with their MessageId and MD5OfMessageBody (which the SDK checks), and keeps the
 * messages it accepted. Entry failures and whole-request errors are scripted.
 */

export const AMZ_JSON_1_0 = "application/x-amz-json-1.0";
const MAX_ENTRIES = 10;
const MAX_BYTES = 256 * 1024;

export interface SqsEntry {
  Id: string;
  MessageBody: string;
}

export interface SqsRequest {
  target: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface SqsMessage {
  messageId: string;
  queueUrl: string;
  body: string;
}

/** An entry's scripted failure (undefined: accepted). */
export type EntryFault = { code: string; senderFault: boolean } | undefined;

export interface SqsServer {
  readonly url: string;
  /** A queue URL on this server (account 123456789012). */
  queueUrl(name: string): string;
  readonly requests: readonly SqsRequest[];
  readonly messages: readonly SqsMessage[];
  /** Scripts entry failures from now on. */
  failEntries(fault: (entry: SqsEntry, requestIndex: number) => EntryFault): void;
  /** Scripts whole-request errors (status, __type) from now on; undefined accepts. */
  failRequests(fault: ((requestIndex: number) => { status: number; type: string } | undefined) | undefined): void;
  /** The Lambda SQS event of the messages accepted since the last call (as the event source mapping delivers them). */
  takeEvent(): { Records: Array<Record<string, unknown>> };
  close(): Promise<void>;
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

export async function startSqsServer(): Promise<SqsServer> {
  const requests: SqsRequest[] = [];
  const messages: SqsMessage[] = [];
  let taken = 0;
  let entryFault: (entry: SqsEntry, requestIndex: number) => EntryFault = () => undefined;
  let requestFault: ((requestIndex: number) => { status: number; type: string } | undefined) | undefined;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, { __type: "InternalError", message: String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(",") : v;
    };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
    } catch {
      return send(res, 400, { __type: "com.amazonaws.sqs#InvalidRequest", message: "not JSON" });
    }
    const recorded: SqsRequest = { target: header("x-amz-target"), contentType: header("content-type"), authorization: header("authorization"), body };
    const index = requests.length;
    requests.push(recorded);
    if (req.method !== "POST" || recorded.contentType !== AMZ_JSON_1_0) return send(res, 400, { __type: "com.amazonaws.sqs#InvalidRequest", message: `content-type ${recorded.contentType}` });
    const scripted = requestFault?.(index);
    if (scripted !== undefined) return send(res, scripted.status, { __type: `com.amazonaws.sqs#${scripted.type}`, message: "scripted" });
    const queueUrl = typeof body.QueueUrl === "string" ? body.QueueUrl : "";
    if (queueUrl === "") return send(res, 400, { __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "no QueueUrl" });
    if (recorded.target === "AmazonSQS.SendMessage") {
      const text = String(body.MessageBody ?? "");
      const messageId = randomUUID();
      messages.push({ messageId, queueUrl, body: text });
      return send(res, 200, { MessageId: messageId, MD5OfMessageBody: md5(text) });
    }
    if (recorded.target !== "AmazonSQS.SendMessageBatch") return send(res, 400, { __type: "com.amazonaws.sqs#UnsupportedOperation", message: String(recorded.target) });
    const entries = (Array.isArray(body.Entries) ? body.Entries : []) as SqsEntry[];
    if (entries.length === 0) return send(res, 400, { __type: "com.amazonaws.sqs#EmptyBatchRequest", message: "no entries" });
    if (entries.length > MAX_ENTRIES) return send(res, 400, { __type: "com.amazonaws.sqs#TooManyEntriesInBatchRequest", message: `${entries.length}` });
    if (new Set(entries.map((e) => e.Id)).size !== entries.length) return send(res, 400, { __type: "com.amazonaws.sqs#BatchEntryIdsNotDistinct", message: "ids" });
    const total = entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody, "utf8"), 0);
    if (total > MAX_BYTES) return send(res, 400, { __type: "com.amazonaws.sqs#BatchRequestTooLong", message: `${total}` });
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const entry of entries) {
      const fault = entryFault(entry, index);
      if (fault !== undefined) {
        Failed.push({ Id: entry.Id, SenderFault: fault.senderFault, Code: fault.code, Message: "scripted" });
        continue;
      }
      const messageId = randomUUID();
      messages.push({ messageId, queueUrl, body: entry.MessageBody });
      Successful.push({ Id: entry.Id, MessageId: messageId, MD5OfMessageBody: md5(entry.MessageBody) });
    }
    send(res, 200, { Successful, Failed });
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    const type = (body as { __type?: string }).__type;
    res.writeHead(status, { "content-type": AMZ_JSON_1_0, "content-length": Buffer.byteLength(text), "x-amzn-requestid": randomUUID(), ...(type === undefined ? {} : { "x-amzn-query-error": `${type.split("#")[1]};Sender` }) });
    res.end(text);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    queueUrl: (name) => `${url}/123456789012/${name}`,
    requests,
    messages,
    failEntries(fault) {
      entryFault = fault;
    },
    failRequests(fault) {
      requestFault = fault;
    },
    takeEvent() {
      const fresh = messages.slice(taken);
      taken = messages.length;
      return {
        Records: fresh.map((m) => ({
          messageId: m.messageId,
          receiptHandle: `rh-${m.messageId}`,
          body: m.body,
          attributes: { ApproximateReceiveCount: "1", SentTimestamp: String(Date.now()) },
          messageAttributes: {},
          md5OfBody: md5(m.body),
          eventSource: "aws:sqs",
          eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${m.queueUrl.split("/").pop()}`,
          awsRegion: "us-east-1",
        })),
      };
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
