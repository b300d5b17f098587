import { describe, expect, it } from "vitest";
import { LocalEventBus } from "@pressbridge/adapters";
import { EVENTS, consumersFor, makeEvent, parseEventDetail, type BusEvent, type Route } from "@pressbridge/core";

const detail = {
  version: 1 as const,
  releaseId: "r_1",
  title: "T",
  url: null,
  wire: "PR Newswire",
  issuer: null,
  tickers: [],
  language: "en",
  publishedAt: null,
  detectedAt: "2026-11-21T12:00:00.000Z",
  feedId: "f",
  clientId: null,
};

describe("event catalog", () => {
  it("builds events with the catalog's detail-type and rejects invalid details", () => {
    const e = makeEvent("ReleaseDetected", "release-detected:r_1", detail, detail.detectedAt);
    expect(e.detailType).toBe(EVENTS.ReleaseDetected.detailType);
    expect(() => makeEvent("ReleaseDetected", "x", { ...detail, releaseId: "" }, detail.detectedAt)).toThrow();
    expect(() => parseEventDetail("ReleaseDetected", { ...detail, detectedAt: "yesterday" })).toThrow();
    expect(parseEventDetail("ReleaseDetected", JSON.parse(JSON.stringify(detail)))).toEqual(detail);
  });
});

describe("local bus", () => {
  const routes: Route[] = [
    { consumer: "plan", detailTypes: ["Release Detected"], description: "test" },
    { consumer: "audit-log", detailTypes: ["Release Detected"], description: "test" },
  ];
  const event = makeEvent("ReleaseDetected", "release-detected:r_1", detail, detail.detectedAt);

  it("delivers by the routes table, to every routed consumer", async () => {
    const bus = new LocalEventBus({ routes });
    const got: Array<[string, BusEvent]> = [];
    bus.subscribe("plan", async (e) => void got.push(["plan", e]));
    bus.subscribe("audit-log", async (e) => void got.push(["audit-log", e]));
    await bus.publish([event]);
    await bus.drain();
    expect(got.map(([c]) => c).sort()).toEqual(["audit-log", "plan"]);
    expect(consumersFor("Release Detected", routes)).toEqual(["plan", "audit-log"]);
    expect(consumersFor("Something Else", routes)).toEqual([]);
  });

  it("retries a failing consumer, then parks the event in the dead-letter list instead of dropping it", async () => {
    const bus = new LocalEventBus({ routes, maxAttempts: 3, retryDelayMs: 1 });
    let calls = 0;
    bus.subscribe("plan", async () => {
      calls++;
      throw new Error("boom");
    });
    let flakyCalls = 0;
    bus.subscribe("audit-log", async () => {
      if (++flakyCalls < 2) throw new Error("once");
    });
    await bus.publish([event]);
    await bus.drain();
    expect(calls).toBe(3);
    expect(flakyCalls).toBe(2);
    expect(bus.deadLetters).toEqual([{ consumer: "plan", event, error: "Error: boom" }]);
  });

  it("refuses a consumer that is not in the routes table", () => {
    const bus = new LocalEventBus({ routes });
    expect(() => bus.subscribe("unknown", async () => {})).toThrow(/routes table/);
  });
});
