import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

/**
 * A loopback EventBridge that speaks just enough of the JSON 1.1 protocol for PutEvents: it records
 * every request, enforces the per-request limits (10 entries, 256 KB sized per AWS's rules) and
 * answers with whatever the test scripted, accepting every entry by default.
 */

/** One PutEvents entry as the SDK puts it on the wire (Time is epoch seconds). */
export interface WireEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number;
  Resources?: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  target: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  rawBody: string;
  entries: WireEntry[];
}

export interface ScriptedResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Answers request number `index` (0-based, counting every request since start/reset). */
export type Responder = (request: RecordedRequest, index: number) => ScriptedResponse;

export type EntryFailure = { errorCode: string; errorMessage?: string } | undefined;

export interface PutEventsServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Scripts the answers from now on (until the next call or reset). */
  respondWith(responder: Responder): void;
  /** Forgets recorded requests and goes back to accepting everything. */
  reset(): void;
  close(): Promise<void>;
}

export const PUT_EVENTS_TARGET = "AWSEvents.PutEvents";
export const AMZ_JSON_1_1 = "application/x-amz-json-1.1";
const MAX_ENTRIES = 10;
const MAX_BYTES = 256 * 1024;

/** Entry size the way EventBridge counts it. */
export function wireEntrySize(entry: WireEntry): number {
  let size = entry.Time === undefined ? 0 : 14;
  for (const part of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (part !== undefined) size += Buffer.byteLength(part, "utf8");
  }
  return size;
}

/** A 200 whose per-entry results come from `failFor` (undefined = accepted). */
export function entryResults(
  request: RecordedRequest,
  failFor: (entry: WireEntry, index: number) => EntryFailure,
): ScriptedResponse {
  let failed = 0;
  const Entries = request.entries.map((entry, i) => {
    const failure = failFor(entry, i);
    if (failure === undefined) return { EventId: randomUUID() };
    failed++;
    return { ErrorCode: failure.errorCode, ErrorMessage: failure.errorMessage ?? `${failure.errorCode} (scripted)` };
  });
  return { status: 200, body: { FailedEntryCount: failed, Entries } };
}

export const acceptAll: Responder = (request) => entryResults(request, () => undefined);

/** A whole-request error in the JSON protocol's shape. */
export function errorResponse(status: number, type: string, message: string): ScriptedResponse {
  return { status, body: { __type: type, message }, headers: { "x-amzn-errortype": type } };
}

export async function startPutEventsServer(): Promise<PutEventsServer> {
  const requests: RecordedRequest[] = [];
  let responder: Responder = acceptAll;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      send(res, errorResponse(500, "InternalException", `test server: ${String(error)}`));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(",") : value;
    };
    let entries: WireEntry[] = [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
      const raw = (parsed as { Entries?: unknown }).Entries;
      if (Array.isArray(raw)) entries = raw as WireEntry[];
    } catch {
      parsed = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      target: header("x-amz-target"),
      contentType: header("content-type"),
      authorization: header("authorization"),
      rawBody,
      entries,
    };
    const index = requests.length;
    requests.push(recorded);

    if (recorded.method !== "POST" || recorded.path !== "/") {
      return send(res, errorResponse(404, "UnknownOperationException", `${recorded.method} ${recorded.path}`));
    }
    if (recorded.target !== PUT_EVENTS_TARGET) {
      return send(res, errorResponse(400, "UnknownOperationException", `unsupported target ${recorded.target}`));
    }
    if (recorded.contentType !== AMZ_JSON_1_1) {
      return send(res, errorResponse(400, "SerializationException", `unexpected content-type ${recorded.contentType}`));
    }
    if (parsed === undefined || entries.length === 0) {
      return send(res, errorResponse(400, "ValidationException", "Entries must contain 1 to 10 items"));
    }
    if (entries.length > MAX_ENTRIES) {
      return send(res, errorResponse(400, "ValidationException", `${entries.length} entries exceed ${MAX_ENTRIES}`));
    }
    const total = entries.reduce((sum, e) => sum + wireEntrySize(e), 0);
    if (total > MAX_BYTES) {
      return send(res, errorResponse(400, "ValidationException", `Total size of the entries in the request is over the limit (${total})`));
    }
    send(res, responder(recorded, index));
  }

  function send(res: ServerResponse, response: ScriptedResponse): void {
    const body = JSON.stringify(response.body);
    res.writeHead(response.status, {
      "content-type": AMZ_JSON_1_1,
      "content-length": Buffer.byteLength(body),
      "x-amzn-requestid": randomUUID(),
      ...response.headers,
    });
    res.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(next) {
      responder = next;
    },
    reset() {
      requests.length = 0;
      responder = acceptAll;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
