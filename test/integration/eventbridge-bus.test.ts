import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { EVENT_SOURCE, EventPublishError } from "@pressbridge/core";
import type { BusEvent } from "@pressbridge/core";
import {
  EventBridgeBus,
  MAX_REQUEST_BYTES,
  createEventBridgeClient,
} from "../../packages/adapters/src/eventbridge-bus.ts";
import {
  AMZ_JSON_1_1,
  PUT_EVENTS_TARGET,
  entryResults,
  errorResponse,
  startPutEventsServer,
  wireEntrySize,
} from "../support/putevents-server.ts";
import type { PutEventsServer, WireEntry } from "../support/putevents-server.ts";

const BUS = "pressbridge-test";

let server: PutEventsServer;
let client: EventBridgeClient;
let sleeps: number[];

const noSleep = async (ms: number): Promise<void> => {
  sleeps.push(ms);
};

function bus(options: { maxAttempts?: number; baseDelayMs?: number; source?: string } = {}): EventBridgeBus {
  return new EventBridgeBus({ client, eventBusName: BUS, sleep: noSleep, ...options });
}

function event(n: number, title = `Release ${n}`): BusEvent<"ReleaseDetected"> {
  const releaseId = `rel-${String(n).padStart(3, "0")}`;
  return {
    id: `evt-${releaseId}`,
    detailType: "Release Detected",
    time: "2025-03-04T05:06:07.000Z",
    detail: {
      version: 1,
      releaseId,
      title,
      url: `https://wire.example/${releaseId}`,
      wire: "example-wire",
      issuer: "Example Corp",
      tickers: ["EXM"],
      language: "en",
      publishedAt: "2025-03-04T05:00:00.000Z",
      detectedAt: "2025-03-04T05:06:07.000Z",
      feedId: "feed-1",
      clientId: null,
    },
  };
}

function events(count: number): BusEvent<"ReleaseDetected">[] {
  return Array.from({ length: count }, (_, i) => event(i));
}

/** The releaseId inside a wire entry's Detail: identifies which event an entry carries. */
function releaseIdOf(entry: WireEntry): string {
  return (JSON.parse(entry.Detail ?? "{}") as { releaseId: string }).releaseId;
}

async function publishError(promise: Promise<unknown>): Promise<EventPublishError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EventPublishError);
  return error as EventPublishError;
}

beforeAll(async () => {
  server = await startPutEventsServer();
  client = createEventBridgeClient({
    endpoint: server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
});

beforeEach(() => {
  server.reset();
  sleeps = [];
});

describe("EventBridgeBus.publish batching", () => {
  it("sends 23 events as three signed PutEvents requests of 10, 10 and 3 entries", async () => {
    const published = events(23);
    await bus().publish(published);

    expect(server.requests.map((r) => r.entries.length)).toEqual([10, 10, 3]);
    for (const request of server.requests) {
      expect(request.method).toBe("POST");
      expect(request.path).toBe("/");
      expect(request.target).toBe(PUT_EVENTS_TARGET);
      expect(request.contentType).toBe(AMZ_JSON_1_1);
      expect(request.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/events\/aws4_request, SignedHeaders=.+, Signature=[0-9a-f]{64}$/,
      );
    }
    const sent = server.requests.flatMap((r) => r.entries);
    expect(sent).toHaveLength(23);
    sent.forEach((entry, i) => {
      const original = published[i]!;
      expect(entry.Source).toBe(EVENT_SOURCE);
      expect(entry.DetailType).toBe("Release Detected");
      expect(entry.EventBusName).toBe(BUS);
      expect(JSON.parse(entry.Detail!)).toEqual(original.detail);
      expect(entry.Time).toBe(Date.parse(original.time) / 1000);
    });
    expect(sleeps).toEqual([]);
  });

  it("uses a custom source when given one", async () => {
    await bus({ source: "pressbridge.test" }).publish(events(2));
    expect(server.requests.flatMap((r) => r.entries).map((e) => e.Source)).toEqual([
      "pressbridge.test",
      "pressbridge.test",
    ]);
  });

  it("sends nothing for an empty list", async () => {
    await bus().publish([]);
    expect(server.requests).toHaveLength(0);
  });

  it("splits requests at 256 KB: five ~100 KB events go as 2 + 2 + 1", async () => {
    const big = Array.from({ length: 5 }, (_, i) => event(i, "x".repeat(100_000)));
    await bus().publish(big);

    expect(server.requests.map((r) => r.entries.length)).toEqual([2, 2, 1]);
    for (const request of server.requests) {
      expect(request.entries.reduce((sum, e) => sum + wireEntrySize(e), 0)).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    }
    expect(server.requests.flatMap((r) => r.entries).map(releaseIdOf)).toEqual(big.map((e) => e.detail.releaseId));
  });

  it("counts UTF-8 bytes, not string length, towards the 256 KB limit", async () => {
    // 45,000 "€" are 45,000 UTF-16 units but 135,000 UTF-8 bytes: two of them do not fit one request.
    const wide = Array.from({ length: 3 }, (_, i) => event(i, "€".repeat(45_000)));
    await bus().publish(wide);

    expect(server.requests.map((r) => r.entries.length)).toEqual([1, 1, 1]);
  });

  it("rejects an entry over 256 KB before sending anything", async () => {
    const batch = [event(0), event(1, "y".repeat(MAX_REQUEST_BYTES)), event(2)];
    const error = await publishError(bus().publish(batch));

    expect(error.failed).toEqual([
      { id: "evt-rel-001", errorCode: "EntryTooLarge", errorMessage: expect.stringContaining("limit is 262144") },
    ]);
    expect(error.message).toContain("evt-rel-001");
    expect(server.requests).toHaveLength(0);
  });
});

describe("EventBridgeBus.publish partial failures", () => {
  it("retries only the failed entries (2 and 5) and resolves once they are accepted", async () => {
    server.respondWith((request, index) =>
      entryResults(request, (_entry, i) => {
        if (index > 0) return undefined;
        if (i === 2) return { errorCode: "InternalFailure", errorMessage: "Internal service error" };
        if (i === 5) return { errorCode: "ThrottlingException", errorMessage: "Rate exceeded" };
        return undefined;
      }),
    );
    const published = events(8);
    await bus().publish(published);

    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.entries).toHaveLength(8);
    const retried = server.requests[1]!.entries;
    expect(retried.map(releaseIdOf)).toEqual(["rel-002", "rel-005"]);
    expect(retried.map((e) => JSON.parse(e.Detail!))).toEqual([published[2]!.detail, published[5]!.detail]);
    expect(retried.every((e) => e.EventBusName === BUS && e.Source === EVENT_SOURCE)).toBe(true);
    expect(sleeps).toHaveLength(1);
  });

  it("gathers failures from several batches into one retry request", async () => {
    const failOnce = new Set(["rel-001", "rel-012", "rel-014"]);
    server.respondWith((request, index) =>
      entryResults(request, (entry) =>
        index < 2 && failOnce.has(releaseIdOf(entry)) ? { errorCode: "InternalFailure" } : undefined,
      ),
    );
    await bus().publish(events(15));

    expect(server.requests.map((r) => r.entries.length)).toEqual([10, 5, 3]);
    expect(server.requests[2]!.entries.map(releaseIdOf)).toEqual(["rel-001", "rel-012", "rel-014"]);
  });

  it("gives up loudly after maxAttempts requests when entries keep failing", async () => {
    server.respondWith((request) =>
      entryResults(request, (entry) =>
        releaseIdOf(entry) === "rel-003" ? { errorCode: "InternalFailure", errorMessage: "still broken" } : undefined,
      ),
    );
    const error = await publishError(bus({ maxAttempts: 4, baseDelayMs: 100 }).publish(events(6)));

    expect(server.requests.map((r) => r.entries.length)).toEqual([6, 1, 1, 1]);
    expect(error.failed).toEqual([{ id: "evt-rel-003", errorCode: "InternalFailure", errorMessage: "still broken" }]);
    expect(error.message).toContain("1 of 6 events were not published");
    expect(error.message).toContain("evt-rel-003: InternalFailure still broken");
    // Exponential backoff with full jitter: retry n waits somewhere in [0, 100 * 2^(n-1)] ms.
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });

  it("honours a smaller maxAttempts", async () => {
    server.respondWith((request) => entryResults(request, () => ({ errorCode: "ThrottlingException" })));
    const error = await publishError(bus({ maxAttempts: 2 }).publish(events(3)));

    expect(server.requests).toHaveLength(2);
    expect(error.failed.map((f) => [f.id, f.errorCode])).toEqual([
      ["evt-rel-000", "ThrottlingException"],
      ["evt-rel-001", "ThrottlingException"],
      ["evt-rel-002", "ThrottlingException"],
    ]);
  });

  it.each(["MalformedDetail", "ValidationException", "AccessDeniedException", "NotAuthorizedForSourceException"])(
    "does not retry an entry that failed with %s",
    async (code) => {
      server.respondWith((request) =>
        entryResults(request, (_entry, i) => (i === 1 ? { errorCode: code, errorMessage: "no good" } : undefined)),
      );
      const error = await publishError(bus().publish(events(4)));

      expect(server.requests).toHaveLength(1);
      expect(error.failed).toEqual([{ id: "evt-rel-001", errorCode: code, errorMessage: "no good" }]);
      expect(sleeps).toEqual([]);
    },
  );

  it("retries the transient failures but still reports the non-retryable one", async () => {
    server.respondWith((request, index) =>
      entryResults(request, (entry) => {
        const id = releaseIdOf(entry);
        if (id === "rel-000") return { errorCode: "MalformedDetail", errorMessage: "bad detail" };
        if (id === "rel-002" && index === 0) return { errorCode: "InternalFailure" };
        return undefined;
      }),
    );
    const error = await publishError(bus().publish(events(3)));

    expect(server.requests.map((r) => r.entries.map(releaseIdOf))).toEqual([
      ["rel-000", "rel-001", "rel-002"],
      ["rel-002"],
    ]);
    expect(error.failed).toEqual([{ id: "evt-rel-000", errorCode: "MalformedDetail", errorMessage: "bad detail" }]);
  });
});

describe("EventBridgeBus.publish whole-request failures", () => {
  it("turns an HTTP 500 (after the SDK's own retries) into EventPublishError with the cause", async () => {
    server.respondWith(() => errorResponse(500, "InternalException", "the bus is down"));
    const error = await publishError(bus().publish(events(5)));

    // createEventBridgeClient keeps the SDK's standard retries (3 attempts); the adapter adds none.
    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((r) => r.entries.length === 5)).toBe(true);
    expect(error.message).toContain("5 of 5 events were not published");
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).name).toBe("InternalException");
    expect(error.failed.map((f) => f.id)).toEqual(events(5).map((e) => e.id));
    expect(error.failed.every((f) => f.errorCode === "InternalException")).toBe(true);
  });

  it("counts only the events not yet accepted when a later batch's request fails", async () => {
    server.respondWith((request, index) =>
      index === 0 ? entryResults(request, () => undefined) : errorResponse(400, "ResourceNotFoundException", "no bus"),
    );
    const published = events(23);
    const error = await publishError(bus().publish(published));

    expect(server.requests.map((r) => r.entries.length)).toEqual([10, 10]);
    expect(error.message).toContain("13 of 23 events were not published");
    expect(error.failed.map((f) => f.id)).toEqual(published.slice(10).map((e) => e.id));
  });
});
