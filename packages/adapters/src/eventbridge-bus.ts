import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type {
  EventBridgeClientConfig,
  PutEventsRequestEntry,
  PutEventsResultEntry,
} from "@aws-sdk/client-eventbridge";
import { EVENT_SOURCE, EventPublishError } from "@pressbridge/core";
import type { BusEvent, EventBus } from "@pressbridge/core";

/** PutEvents limits: at most 10 entries and 256 KB (entries sized per AWS's rules) per request. */
export const MAX_ENTRIES_PER_REQUEST = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

/** Upper bound for one backoff sleep, whatever the attempt number. */
const MAX_DELAY_MS = 5_000;

/**
 * Entry-level error codes that will fail the same way however often they are retried. Anything else
 * (InternalFailure, ThrottlingException, unknown codes) is treated as transient.
 */
const NON_RETRYABLE_CODES: ReadonlySet<string> = new Set([
  "ValidationException",
  "MalformedDetail",
  "InvalidArgument",
  "AccessDeniedException",
  "NotAuthorizedForSourceException",
  "NotAuthorizedForDetailTypeException",
  "ResourceNotFoundException",
]);

export interface EventBridgeBusOptions {
  client: EventBridgeClient;
  eventBusName: string;
  /** Source of every entry; defaults to the catalog's EVENT_SOURCE. */
  source?: string;
  /** PutEvents attempts per entry, first one included (default 4). */
  maxAttempts?: number;
  /** Base of the exponential backoff between attempts, before jitter (default 100 ms). */
  baseDelayMs?: number;
  /** Injectable for tests; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface EventBridgeClientOptions {
  /** Overrides the service endpoint (LocalStack, a test server). */
  endpoint?: string;
  /** Defaults to the SDK's resolution (AWS_REGION in Lambda). */
  region?: string;
  /** Defaults to the SDK's provider chain (the execution role in Lambda). */
  credentials?: EventBridgeClientConfig["credentials"];
}

/**
 * Builds an EventBridge client meant to be created once per module (outside the Lambda handler) and
 * reused across invocations: keep-alive sockets, bounded timeouts, and the SDK's standard retry mode
 * left on so throttled or 5xx requests are retried at the request level before the adapter sees them.
 */
export function createEventBridgeClient(options: EventBridgeClientOptions = {}): EventBridgeClient {
  const config: EventBridgeClientConfig = {
    retryMode: "standard",
    maxAttempts: 3,
    requestHandler: {
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      httpAgent: { keepAlive: true, maxSockets: 50 },
      httpsAgent: { keepAlive: true, maxSockets: 50 },
    },
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.region !== undefined) config.region = options.region;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  return new EventBridgeClient(config);
}

/**
 * Size of one PutEvents entry as AWS counts it: UTF-8 bytes of Source, DetailType and Detail, 14 for
 * Time when present, plus each resource ARN. EventBusName does not count.
 */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  let size = 0;
  if (entry.Time !== undefined) size += 14;
  if (entry.Source !== undefined) size += Buffer.byteLength(entry.Source, "utf8");
  if (entry.DetailType !== undefined) size += Buffer.byteLength(entry.DetailType, "utf8");
  if (entry.Detail !== undefined) size += Buffer.byteLength(entry.Detail, "utf8");
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, "utf8");
  return size;
}

interface Pending {
  id: string;
  entry: PutEventsRequestEntry;
  size: number;
}

interface Failure {
  id: string;
  errorCode?: string;
  errorMessage?: string;
}

/** Publishes events to an EventBridge bus with PutEvents, retrying only the entries that failed. */
export class EventBridgeBus implements EventBus {
  readonly #client: EventBridgeClient;
  readonly #eventBusName: string;
  readonly #source: string;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: EventBridgeBusOptions) {
    const maxAttempts = options.maxAttempts ?? 4;
    const baseDelayMs = options.baseDelayMs ?? 100;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
    }
    if (!(baseDelayMs >= 0)) throw new RangeError(`baseDelayMs must be >= 0, got ${baseDelayMs}`);
    if (options.eventBusName === "") throw new RangeError("eventBusName must not be empty");
    this.#client = options.client;
    this.#eventBusName = options.eventBusName;
    this.#source = options.source ?? EVENT_SOURCE;
    this.#maxAttempts = maxAttempts;
    this.#baseDelayMs = baseDelayMs;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async publish(events: readonly BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    let pending = events.map((event) => this.#toPending(event));

    const oversized = pending.filter((p) => p.size > MAX_REQUEST_BYTES);
    if (oversized.length > 0) {
      throw new EventPublishError(
        `${oversized.length} of ${events.length} events exceed the ${MAX_REQUEST_BYTES}-byte PutEvents entry limit; ` +
          `nothing was published (${oversized.map((p) => `${p.id}: ${p.size} bytes`).join(", ")})`,
        oversized.map((p) => ({
          id: p.id,
          errorCode: "EntryTooLarge",
          errorMessage: `entry is ${p.size} bytes, limit is ${MAX_REQUEST_BYTES}`,
        })),
      );
    }

    const givenUp: Failure[] = [];
    let lastFailures = new Map<string, Failure>();

    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) await this.#sleep(this.#backoff(attempt - 1));
      const retry: Pending[] = [];
      lastFailures = new Map();
      const batches = toBatches(pending);
      for (const [b, batch] of batches.entries()) {
        let results: PutEventsResultEntry[];
        try {
          const output = await this.#client.send(
            new PutEventsCommand({ Entries: batch.map((p) => p.entry) }),
          );
          results = output.Entries ?? [];
        } catch (error) {
          // The SDK already retried this request; whatever was not accepted yet stays unpublished.
          const unsent = [...batch, ...batches.slice(b + 1).flat(), ...retry];
          const code = errorName(error);
          const failed: Failure[] = [
            ...givenUp,
            ...unsent.map((p) => ({ id: p.id, errorCode: code, errorMessage: errorText(error) })),
          ];
          throw new EventPublishError(
            `PutEvents to bus ${this.#eventBusName} failed (${code}): ` +
              `${failed.length} of ${events.length} events were not published`,
            sortLike(events, failed),
            { cause: error },
          );
        }
        for (const [i, p] of batch.entries()) {
          const result = results[i];
          if (result?.EventId !== undefined && result.ErrorCode === undefined) continue;
          const failure: Failure = { id: p.id, errorCode: result?.ErrorCode ?? "MissingResult" };
          const message = result === undefined ? "no result entry for this event" : result.ErrorMessage;
          if (message) failure.errorMessage = message;
          if (NON_RETRYABLE_CODES.has(failure.errorCode ?? "")) {
            givenUp.push(failure);
          } else {
            retry.push(p);
            lastFailures.set(p.id, failure);
          }
        }
      }
      pending = retry;
      if (pending.length > 0 && attempt >= this.#maxAttempts) {
        givenUp.push(...pending.map((p) => lastFailures.get(p.id) ?? { id: p.id }));
        break;
      }
    }

    if (givenUp.length > 0) {
      const failed = sortLike(events, givenUp);
      throw new EventPublishError(
        `PutEvents to bus ${this.#eventBusName}: ${failed.length} of ${events.length} events were not published ` +
          `(${failed.map((f) => `${f.id}: ${f.errorCode ?? "unknown"}${f.errorMessage ? ` ${f.errorMessage}` : ""}`).join("; ")})`,
        failed,
      );
    }
  }

  #toPending(event: BusEvent): Pending {
    const time = new Date(event.time);
    if (Number.isNaN(time.getTime())) {
      throw new EventPublishError(`event ${event.id} has an invalid time; nothing was published`, [
        { id: event.id, errorCode: "InvalidTime", errorMessage: "time is not a valid date" },
      ]);
    }
    const entry: PutEventsRequestEntry = {
      Source: this.#source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      EventBusName: this.#eventBusName,
      Time: time,
    };
    return { id: event.id, entry, size: putEventsEntrySize(entry) };
  }

  /** Full jitter: a uniform delay in [0, base * 2^(retry-1)], capped. */
  #backoff(retry: number): number {
    const ceiling = Math.min(MAX_DELAY_MS, this.#baseDelayMs * 2 ** (retry - 1));
    return Math.round(Math.random() * ceiling);
  }
}

/** Greedy batching in order: a new request when the next entry would break the count or size limit. */
function toBatches(items: readonly Pending[]): Pending[][] {
  const batches: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= MAX_ENTRIES_PER_REQUEST || bytes + item.size > MAX_REQUEST_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Orders failures like the events they belong to. */
function sortLike(events: readonly BusEvent[], failures: readonly Failure[]): Failure[] {
  const order = new Map(events.map((e, i) => [e.id, i]));
  return [...failures].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "UnknownError";
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
