import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

/**
 * A loopback EventBridge Scheduler speaking the schedule operations of its REST-JSON protocol
 * (API reference, scheduler 2021-06-30): CreateSchedule `POST /schedules/{Name}`, UpdateSchedule
 * `PUT /schedules/{Name}`, DeleteSchedule `DELETE /schedules/{Name}?groupName=&clientToken=`,
 * GetSchedule `GET /schedules/{Name}?groupName=`. Schedules are kept per group (no GroupName: the
 * `default` group). Errors are the documented ones, typed by the `x-amzn-errortype` header:
 * ConflictException (409) when creating one that exists, ResourceNotFoundException (404) when
 * updating, deleting or getting one that does not, ValidationException (400) for a request the
 * service would refuse (missing ScheduleExpression, FlexibleTimeWindow or Target with Arn and
 * RoleArn; a Name outside `[0-9a-zA-Z-_.]{1,64}`).
 */

export interface RecordedSchedulerRequest {
  method: string;
  /** The path without the query. */
  path: string;
  query: URLSearchParams;
  /** The schedule name from the path (URI-decoded). */
  name: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
}

export interface StoredSchedule {
  Name: string;
  GroupName: string;
  Arn: string;
  /** The request body as last written (create or update). */
  request: Record<string, unknown>;
}

export interface SchedulerServer {
  readonly url: string;
  readonly requests: readonly RecordedSchedulerRequest[];
  /** The schedules now held, by `<group>/<name>`. */
  readonly schedules: ReadonlyMap<string, StoredSchedule>;
  /** Simulates a schedule that fired and was deleted (ActionAfterCompletion DELETE). */
  fire(group: string, name: string): void;
  /** Scripts the next answers (before the normal handling); return undefined to handle normally. */
  intercept(fn: ((request: RecordedSchedulerRequest) => { status: number; type: string; message: string } | undefined) | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

const NAME = /^[0-9a-zA-Z._-]{1,64}$/;
export const SCHEDULER_REGION = "us-east-1";
export const SCHEDULER_ACCOUNT = "123456789012";

export async function startSchedulerServer(): Promise<SchedulerServer> {
  const requests: RecordedSchedulerRequest[] = [];
  const schedules = new Map<string, StoredSchedule>();
  let interceptor: Parameters<SchedulerServer["intercept"]>[0];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => sendError(res, 500, "InternalServerException", `test server: ${String(error)}`));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    let body: Record<string, unknown> | undefined;
    if (raw !== "") {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return sendError(res, 400, "ValidationException", "the request body is not JSON");
      }
    }
    const recorded: RecordedSchedulerRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      name: match === null ? "" : decodeURIComponent(match[1]!),
      body,
      authorization: typeof req.headers.authorization === "string" ? req.headers.authorization : undefined,
    };
    requests.push(recorded);
    if (match === null) return sendError(res, 404, "UnknownOperationException", `${recorded.method} ${url.pathname}`);
    const scripted = interceptor?.(recorded);
    if (scripted !== undefined) return sendError(res, scripted.status, scripted.type, scripted.message);
    const name = recorded.name;
    if (!NAME.test(name)) return sendError(res, 400, "ValidationException", `Name ${JSON.stringify(name)} must match [0-9a-zA-Z-_.]{1,64}`);

    if (recorded.method === "POST" || recorded.method === "PUT") {
      const group = typeof body?.GroupName === "string" ? body.GroupName : "default";
      const key = `${group}/${name}`;
      const invalid = validateWrite(body);
      if (invalid !== undefined) return sendError(res, 400, "ValidationException", invalid);
      if (recorded.method === "POST" && schedules.has(key)) return sendError(res, 409, "ConflictException", `Schedule ${name} already exists.`);
      if (recorded.method === "PUT" && !schedules.has(key)) return sendError(res, 404, "ResourceNotFoundException", `Schedule ${name} does not exist.`);
      const Arn = `arn:aws:scheduler:${SCHEDULER_REGION}:${SCHEDULER_ACCOUNT}:schedule/${group}/${name}`;
      schedules.set(key, { Name: name, GroupName: group, Arn, request: body! });
      return sendJson(res, 200, { ScheduleArn: Arn });
    }
    const group = url.searchParams.get("groupName") ?? "default";
    const key = `${group}/${name}`;
    const stored = schedules.get(key);
    if (recorded.method === "DELETE") {
      if (stored === undefined) return sendError(res, 404, "ResourceNotFoundException", `Schedule ${name} does not exist.`);
      schedules.delete(key);
      return sendJson(res, 200, {});
    }
    if (recorded.method === "GET") {
      if (stored === undefined) return sendError(res, 404, "ResourceNotFoundException", `Schedule ${name} does not exist.`);
      const { Name: _n, GroupName: _g, ...rest } = stored.request;
      return sendJson(res, 200, { ...rest, Arn: stored.Arn, Name: stored.Name, GroupName: stored.GroupName, State: stored.request.State ?? "ENABLED", CreationDate: 1_700_000_000, LastModificationDate: 1_700_000_000 });
    }
    return sendError(res, 404, "UnknownOperationException", `${recorded.method} ${url.pathname}`);
  }

  function validateWrite(body: Record<string, unknown> | undefined): string | undefined {
    if (body === undefined) return "a request body is required";
    if (typeof body.ScheduleExpression !== "string" || body.ScheduleExpression === "") return "ScheduleExpression is required";
    if (typeof body.FlexibleTimeWindow !== "object" || body.FlexibleTimeWindow === null) return "FlexibleTimeWindow is required";
    const target = body.Target as { Arn?: unknown; RoleArn?: unknown } | undefined;
    if (typeof target?.Arn !== "string" || typeof target.RoleArn !== "string") return "Target.Arn and Target.RoleArn are required";
    return undefined;
  }

  function sendJson(res: ServerResponse, status: number, value: unknown): void {
    const body = JSON.stringify(value);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-amzn-requestid": randomUUID() });
    res.end(body);
  }

  function sendError(res: ServerResponse, status: number, type: string, message: string): void {
    const body = JSON.stringify({ Message: message });
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-amzn-requestid": randomUUID(), "x-amzn-errortype": type });
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
    schedules,
    fire(group, name) {
      schedules.delete(`${group}/${name}`);
    },
    intercept(fn) {
      interceptor = fn;
    },
    reset() {
      requests.length = 0;
      schedules.clear();
      interceptor = undefined;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
