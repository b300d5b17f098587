import { createHash } from "node:crypto";
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClientConfig,
} from "@aws-sdk/client-scheduler";
import { ValidationError, systemClock, zonedInstants, zonedTime, type ActionScheduler, type ActionTrigger, type Clock } from "@pressbridge/core";

/**
 * The AWS side of scheduled actions (docs/scheduling.md, "In AWS"): one EventBridge Scheduler
 * one-time schedule per scheduled action, in the stage's schedule group, invoking the publish
 * function with `{"source":"pressbridge.schedule","planId","actionKey"}` and deleted by Scheduler
 * once it has fired (ActionAfterCompletion DELETE).
 *
 * - **Names.** `pb-` + the first 40 hex digits of SHA-256(`planId|actionKey`): deterministic, so the
 *   same action always names the same schedule (43 characters, within Scheduler's 64 and its
 *   `[0-9a-zA-Z-_.]+`, whatever the ids contain).
 * - **ensure** is CreateSchedule; when the schedule exists (ConflictException) it is UpdateSchedule
 *   with the same request, so ensuring twice is harmless and ensuring with a new time moves it. A
 *   schedule that fired (and was deleted) between the two is created again.
 * - **cancel** is DeleteSchedule; a schedule that is not there (never made, fired, cancelled) is not
 *   an error.
 * - **The time.** `at(yyyy-mm-ddThh:mm:ss)` is the instant's wall clock in the client's zone, with
 *   ScheduleExpressionTimezone that zone: Scheduler evaluates a one-time schedule "at the time and
 *   in the time zone that you specify" (CreateSchedule, ScheduleExpression:
 *   https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html; "One-time
 *   schedules" and "Time zones on EventBridge Scheduler" in
 *   https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html), and invokes with 60
 *   second precision (within the minute after). A wall-clock time the zone reads twice (the
 *   repeated hour of a fall-back) would not say which of the two is meant, so such an instant is
 *   written in UTC instead (zone `UTC`): the schedule fires at the same instant either way.
 * - **A time already past** (or less than a minute ahead) is scheduled a minute from now
 *   (`MIN_LEAD_MS`): Scheduler has minute precision, and a one-time schedule in the past would not
 *   fire when it should. An action due now is better published by the caller at once; this only
 *   keeps a late ensure from being lost.
 */

/** The `source` of every scheduled invocation's input: how the publish function tells it from an EventBridge event. */
export const SCHEDULE_INPUT_SOURCE = "pressbridge.schedule";

/** The input a schedule invokes the publish function with. */
export interface ScheduledActionInput {
  source: typeof SCHEDULE_INPUT_SOURCE;
  planId: string;
  actionKey: string;
}

/** The earliest a schedule is set: a minute after now (Scheduler's precision). */
export const MIN_LEAD_MS = 60_000;

/**
 * Scheduler's own retries of an invocation it could not deliver (Lambda throttling the asynchronous
 * invoke): up to 10 over at most 15 minutes. Once Lambda accepted it, the function's asynchronous
 * retries and its dead-letter queue take over. A trigger given up on is found by the approval sweep
 * (the schedule is data on the plan).
 */
export const SCHEDULE_RETRY_POLICY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 900 } as const;

/** The schedule's name for an action: `pb-` + 40 hex digits of SHA-256(`planId|actionKey`). */
export function scheduleNameOf(planId: string, actionKey: string): string {
  return `pb-${createHash("sha256").update(`${planId}|${actionKey}`, "utf8").digest("hex").slice(0, 40)}`;
}

export interface EventBridgeActionSchedulerOptions {
  client: SchedulerClient;
  /** The stage's schedule group (SCHEDULE_GROUP). */
  groupName: string;
  /** The publish function's ARN (SCHEDULE_TARGET_ARN). */
  targetArn: string;
  /** The role Scheduler assumes to invoke it (SCHEDULER_ROLE_ARN). */
  roleArn: string;
  /** "Now", for a time already past; the system clock by default. */
  clock?: Clock;
}

export interface SchedulerClientOptions {
  /** Overrides the endpoint (a test server); AWS_ENDPOINT_URL_SCHEDULER does too. */
  endpoint?: string;
  region?: string;
  credentials?: SchedulerClientConfig["credentials"];
}

/** A Scheduler client made once per container: keep-alive, bounded timeouts, the SDK's standard retries. */
export function createSchedulerClient(options: SchedulerClientOptions = {}): SchedulerClient {
  const config: SchedulerClientConfig = {
    retryMode: "standard",
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, httpsAgent: { keepAlive: true, maxSockets: 10 }, httpAgent: { keepAlive: true, maxSockets: 10 } },
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.region !== undefined) config.region = options.region;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  return new SchedulerClient(config);
}

/** The wall clock of an instant in a zone, to the second: `at()`'s `yyyy-mm-ddThh:mm:ss` (core's zonedTime; zones are whole minutes off UTC, so the seconds are the instant's). */
export function wallClockOf(ms: number, timeZone: string): string {
  const t = zonedTime(new Date(ms), timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(t.y).padStart(4, "0")}-${two(t.m)}-${two(t.d)}T${two(t.hh)}:${two(t.mm)}:${two(new Date(ms).getUTCSeconds())}`;
}

/** Whether the zone reads this instant's wall-clock minute twice (a fall-back hour): core's zonedInstants finds both. */
function ambiguousWallClock(ms: number, timeZone: string): boolean {
  const t = zonedTime(new Date(ms), timeZone);
  return zonedInstants({ y: t.y, m: t.m, d: t.d, hh: t.hh, mm: t.mm }, timeZone).length > 1;
}

/**
 * The schedule expression of an instant: `at()` in the client's zone, or in UTC when that zone reads
 * the wall-clock time twice. Seconds are kept (Scheduler fires within the minute anyway).
 */
export function scheduleExpressionOf(ms: number, timeZone: string): { ScheduleExpression: string; ScheduleExpressionTimezone: string } {
  const zone = ambiguousWallClock(ms, timeZone) ? "UTC" : timeZone;
  return { ScheduleExpression: `at(${wallClockOf(ms, zone)})`, ScheduleExpressionTimezone: zone };
}

/** The CreateSchedule (and UpdateSchedule) request of a trigger, as of `now`. */
export function scheduleRequestOf(
  trigger: ActionTrigger,
  options: { groupName: string; targetArn: string; roleArn: string; now: Date },
): CreateScheduleCommandInput {
  if (trigger.planId === "") throw new ValidationError("planId", "must not be empty");
  if (trigger.actionKey === "") throw new ValidationError("actionKey", "must not be empty");
  const wanted = Date.parse(trigger.at);
  if (Number.isNaN(wanted)) throw new ValidationError("at", `"${trigger.at}" is not an ISO instant`);
  const earliest = Math.ceil((options.now.getTime() + MIN_LEAD_MS) / 1000) * 1000;
  const input: ScheduledActionInput = { source: SCHEDULE_INPUT_SOURCE, planId: trigger.planId, actionKey: trigger.actionKey };
  return {
    Name: scheduleNameOf(trigger.planId, trigger.actionKey),
    GroupName: options.groupName,
    Description: `Pressbridge: publish ${trigger.actionKey} of plan ${trigger.planId}`.slice(0, 512),
    ...scheduleExpressionOf(Math.max(wanted, earliest), trigger.timeZone),
    FlexibleTimeWindow: { Mode: "OFF" },
    ActionAfterCompletion: "DELETE",
    State: "ENABLED",
    Target: {
      Arn: options.targetArn,
      RoleArn: options.roleArn,
      Input: JSON.stringify(input),
      RetryPolicy: { ...SCHEDULE_RETRY_POLICY },
    },
  };
}

/** Fires each scheduled action with a one-time EventBridge Scheduler schedule (see the module's comment). */
export class EventBridgeActionScheduler implements ActionScheduler {
  readonly #client: SchedulerClient;
  readonly #groupName: string;
  readonly #targetArn: string;
  readonly #roleArn: string;
  readonly #clock: Clock;

  constructor(options: EventBridgeActionSchedulerOptions) {
    for (const [field, value] of [["groupName", options.groupName], ["targetArn", options.targetArn], ["roleArn", options.roleArn]] as const) {
      if (value.trim() === "") throw new ValidationError(field, "must not be empty");
    }
    this.#client = options.client;
    this.#groupName = options.groupName;
    this.#targetArn = options.targetArn;
    this.#roleArn = options.roleArn;
    this.#clock = options.clock ?? systemClock;
  }

  async ensure(trigger: ActionTrigger): Promise<void> {
    const request = scheduleRequestOf(trigger, { groupName: this.#groupName, targetArn: this.#targetArn, roleArn: this.#roleArn, now: this.#clock.now() });
    // Create; if it exists, update (a move); if it vanished meanwhile (fired, cancelled), create again.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#client.send(new CreateScheduleCommand(request));
        return;
      } catch (err) {
        if (errorName(err) !== "ConflictException") throw err;
      }
      try {
        await this.#client.send(new UpdateScheduleCommand(request));
        return;
      } catch (err) {
        if (errorName(err) !== "ResourceNotFoundException" || attempt >= 2) throw err;
      }
    }
  }

  async cancel(trigger: Pick<ActionTrigger, "planId" | "actionKey">): Promise<void> {
    try {
      await this.#client.send(new DeleteScheduleCommand({ Name: scheduleNameOf(trigger.planId, trigger.actionKey), GroupName: this.#groupName }));
    } catch (err) {
      if (errorName(err) !== "ResourceNotFoundException") throw err;
    }
  }
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}
