import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SchedulerClient } from "@aws-sdk/client-scheduler";
import type { Clock } from "@pressbridge/core";
import {
  EventBridgeActionScheduler,
  MIN_LEAD_MS,
  SCHEDULE_INPUT_SOURCE,
  createSchedulerClient,
  scheduleExpressionOf,
  scheduleNameOf,
} from "../../packages/adapters/src/eventbridge-scheduler.ts";
import { startSchedulerServer, type SchedulerServer } from "../support/scheduler-server.ts";

/**
 * EventBridgeActionScheduler against a loopback Scheduler (test/support/scheduler-server.ts) speaking
 * the REST-JSON protocol the SDK sends: the exact requests, an idempotent ensure, a move, cancels.
 */
const GROUP = "pressbridge-test";
const TARGET = "arn:aws:lambda:us-east-1:123456789012:function:pressbridge-test-publish";
const ROLE = "arn:aws:iam::123456789012:role/pressbridge-test-ActionScheduleRole";
const PLAN = "p_sched0000000000000001";
const KEY = `${PLAN}:post:x:v1`;
/** Tuesday 2026-11-24 10:00 EST. */
const AT = "2026-11-24T15:00:00.000Z";

let server: SchedulerServer;
let client: SchedulerClient;
let now = new Date("2026-11-24T12:00:00.000Z");
const clock: Clock = { now: () => now };

function scheduler(): EventBridgeActionScheduler {
  return new EventBridgeActionScheduler({ client, groupName: GROUP, targetArn: TARGET, roleArn: ROLE, clock });
}

beforeAll(async () => {
  server = await startSchedulerServer();
  client = createSchedulerClient({ endpoint: server.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
});
afterAll(async () => {
  client.destroy();
  await server.close();
});
beforeEach(() => {
  server.reset();
  now = new Date("2026-11-24T12:00:00.000Z");
});

describe("scheduleNameOf", () => {
  it("is pb- and 40 hex digits of SHA-256(planId|actionKey): deterministic, distinct per action, a valid Scheduler name", () => {
    const name = scheduleNameOf(PLAN, KEY);
    expect(name).toBe(`pb-${createHash("sha256").update(`${PLAN}|${KEY}`).digest("hex").slice(0, 40)}`);
    expect(name).toMatch(/^pb-[0-9a-f]{40}$/);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(scheduleNameOf(PLAN, KEY)).toBe(name);
    expect(scheduleNameOf(PLAN, `${PLAN}:post:linkedin:v1`)).not.toBe(name);
    // The separator keeps (a|b, c) and (a, b|c) apart only by content; any ids give a valid name.
    expect(scheduleNameOf("p/ü ñ", "k:🙂")).toMatch(/^pb-[0-9a-f]{40}$/);
  });
});

describe("scheduleExpressionOf: the instant's wall clock in the client's zone", () => {
  it("writes at() in the zone, seconds included", () => {
    expect(scheduleExpressionOf(Date.parse(AT), "America/New_York")).toEqual({ ScheduleExpression: "at(2026-11-24T10:00:00)", ScheduleExpressionTimezone: "America/New_York" });
    expect(scheduleExpressionOf(Date.parse("2026-07-01T13:35:07Z"), "Europe/Berlin")).toEqual({ ScheduleExpression: "at(2026-07-01T15:35:07)", ScheduleExpressionTimezone: "Europe/Berlin" });
    expect(scheduleExpressionOf(Date.parse("2026-03-08T07:00:00Z"), "America/New_York").ScheduleExpression).toBe("at(2026-03-08T03:00:00)");
    expect(scheduleExpressionOf(Date.parse("2026-12-31T23:59:59Z"), "Asia/Tokyo").ScheduleExpression).toBe("at(2027-01-01T08:59:59)");
  });

  it("writes a time the zone reads twice (the fall-back hour) in UTC, so the instant is never in doubt", () => {
    // 2026-11-01: New York reads 01:00-01:59 twice (EDT, then EST).
    expect(scheduleExpressionOf(Date.parse("2026-11-01T05:30:00Z"), "America/New_York")).toEqual({ ScheduleExpression: "at(2026-11-01T05:30:00)", ScheduleExpressionTimezone: "UTC" });
    expect(scheduleExpressionOf(Date.parse("2026-11-01T06:30:00Z"), "America/New_York")).toEqual({ ScheduleExpression: "at(2026-11-01T06:30:00)", ScheduleExpressionTimezone: "UTC" });
    expect(scheduleExpressionOf(Date.parse("2026-11-01T07:00:00Z"), "America/New_York")).toEqual({ ScheduleExpression: "at(2026-11-01T02:00:00)", ScheduleExpressionTimezone: "America/New_York" });
    expect(scheduleExpressionOf(Date.parse("2026-11-01T04:59:59Z"), "America/New_York")).toEqual({ ScheduleExpression: "at(2026-11-01T00:59:59)", ScheduleExpressionTimezone: "America/New_York" });
  });

  it("refuses a zone that is not IANA, naming the field", () => {
    expect(() => scheduleExpressionOf(Date.parse(AT), "Mars/Olympus")).toThrow(/timeZone/);
  });
});

describe("EventBridgeActionScheduler against the Scheduler REST-JSON protocol", () => {
  it("ensure sends exactly one CreateSchedule: name, group, at() in the client's zone, no flexible window, deleted after completion, the target, its role and input", async () => {
    await scheduler().ensure({ planId: PLAN, actionKey: KEY, at: AT, timeZone: "America/New_York" });
    const name = scheduleNameOf(PLAN, KEY);
    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe(`/schedules/${name}`);
    expect(request.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/scheduler\/aws4_request/);
    const { ClientToken, ...body } = request.body!;
    expect(typeof ClientToken).toBe("string");
    expect(body).toEqual({
      GroupName: GROUP,
      Description: `Pressbridge: publish ${KEY} of plan ${PLAN}`,
      ScheduleExpression: "at(2026-11-24T10:00:00)",
      ScheduleExpressionTimezone: "America/New_York",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      State: "ENABLED",
      Target: {
        Arn: TARGET,
        RoleArn: ROLE,
        Input: JSON.stringify({ source: SCHEDULE_INPUT_SOURCE, planId: PLAN, actionKey: KEY }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 900 },
      },
    });
    expect(JSON.parse(String((body.Target as { Input: string }).Input))).toEqual({ source: "pressbridge.schedule", planId: PLAN, actionKey: KEY });
    expect([...server.schedules.keys()]).toEqual([`${GROUP}/${name}`]);
  });

  it("ensure is idempotent: the second is a Create refused as a conflict, then the same request as an Update; one schedule", async () => {
    const trigger = { planId: PLAN, actionKey: KEY, at: AT, timeZone: "America/New_York" };
    await scheduler().ensure(trigger);
    await scheduler().ensure(trigger);
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "POST", "PUT"]);
    const name = scheduleNameOf(PLAN, KEY);
    expect(server.requests.every((r) => r.path === `/schedules/${name}`)).toBe(true);
    const strip = (b: Record<string, unknown> | undefined) => ({ ...b, ClientToken: undefined });
    expect(strip(server.requests[2]!.body)).toEqual(strip(server.requests[0]!.body));
    expect(server.schedules.size).toBe(1);
  });

  it("ensure with a new time moves the schedule (UpdateSchedule), and another action gets its own", async () => {
    await scheduler().ensure({ planId: PLAN, actionKey: KEY, at: AT, timeZone: "America/New_York" });
    await scheduler().ensure({ planId: PLAN, actionKey: KEY, at: "2026-11-25T14:30:00.000Z", timeZone: "America/New_York" });
    await scheduler().ensure({ planId: PLAN, actionKey: `${PLAN}:post:linkedin:v1`, at: AT, timeZone: "America/New_York" });
    const moved = server.schedules.get(`${GROUP}/${scheduleNameOf(PLAN, KEY)}`)!;
    expect(moved.request).toMatchObject({ ScheduleExpression: "at(2026-11-25T09:30:00)", ScheduleExpressionTimezone: "America/New_York" });
    expect(server.schedules.size).toBe(2);
  });

  it("a schedule that fired (deleted by Scheduler) is created again; one that vanishes between the conflict and the update too", async () => {
    const trigger = { planId: PLAN, actionKey: KEY, at: AT, timeZone: "America/New_York" };
    await scheduler().ensure(trigger);
    server.fire(GROUP, scheduleNameOf(PLAN, KEY));
    server.reset();
    await scheduler().ensure(trigger);
    expect(server.requests.map((r) => r.method)).toEqual(["POST"]);

    // Create: conflict; Update: gone (it fired meanwhile); Create again: made.
    server.reset();
    let answered = 0;
    server.intercept((r) => (answered++ === 0 && r.method === "POST" ? { status: 409, type: "ConflictException", message: "exists" } : undefined));
    await scheduler().ensure(trigger);
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "PUT", "POST"]);
    expect(server.schedules.size).toBe(1);
  });

  it("a time already past, or under a minute ahead, is scheduled a minute from now", async () => {
    now = new Date("2026-11-24T15:00:00.400Z");
    await scheduler().ensure({ planId: PLAN, actionKey: KEY, at: "2026-11-24T14:00:00.000Z", timeZone: "America/New_York" });
    expect(server.requests[0]!.body).toMatchObject({ ScheduleExpression: "at(2026-11-24T10:01:01)" });
    expect(MIN_LEAD_MS).toBe(60_000);
    server.reset();
    now = new Date("2026-11-24T14:59:30.000Z");
    await scheduler().ensure({ planId: PLAN, actionKey: KEY, at: AT, timeZone: "America/New_York" });
    expect(server.requests[0]!.body).toMatchObject({ ScheduleExpression: "at(2026-11-24T10:00:30)" });
  });

  it("cancel deletes the schedule from the group; cancelling a missing one is not an error", async () => {
    await scheduler().ensure({ planId: PLAN, actionKey: KEY, at: AT, timeZone: "America/New_York" });
    await scheduler().cancel({ planId: PLAN, actionKey: KEY });
    const deleted = server.requests[1]!;
    expect(deleted.method).toBe("DELETE");
    expect(deleted.path).toBe(`/schedules/${scheduleNameOf(PLAN, KEY)}`);
    expect(deleted.query.get("groupName")).toBe(GROUP);
    expect(deleted.body).toBeUndefined();
    expect(server.schedules.size).toBe(0);
    await expect(scheduler().cancel({ planId: PLAN, actionKey: KEY })).resolves.toBeUndefined();
    expect(server.requests.at(-1)!.method).toBe("DELETE");
    await expect(scheduler().cancel({ planId: "p_never", actionKey: "k" })).resolves.toBeUndefined();
  });

  it("other errors reach the caller with Scheduler's error type", async () => {
    server.intercept(() => ({ status: 403, type: "AccessDeniedException", message: "not allowed" }));
    await expect(scheduler().ensure({ planId: PLAN, actionKey: KEY, at: AT, timeZone: "America/New_York" })).rejects.toMatchObject({ name: "AccessDeniedException" });
    await expect(scheduler().cancel({ planId: PLAN, actionKey: KEY })).rejects.toMatchObject({ name: "AccessDeniedException" });
    server.intercept(() => ({ status: 400, type: "ValidationException", message: "bad" }));
    await expect(scheduler().ensure({ planId: PLAN, actionKey: KEY, at: AT, timeZone: "America/New_York" })).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("refuses a trigger it cannot schedule before sending anything", async () => {
    await expect(scheduler().ensure({ planId: PLAN, actionKey: KEY, at: "tomorrow", timeZone: "America/New_York" })).rejects.toThrow(/^at:/);
    await expect(scheduler().ensure({ planId: PLAN, actionKey: KEY, at: AT, timeZone: "Nowhere/Land" })).rejects.toThrow(/^timeZone:/);
    await expect(scheduler().ensure({ planId: "", actionKey: KEY, at: AT, timeZone: "UTC" })).rejects.toThrow(/^planId:/);
    expect(server.requests).toHaveLength(0);
  });
});
