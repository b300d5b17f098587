import { mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DurableLocalBus, FileDeliveryQueue, retryDelayMs, DELIVERY_RETRY_SCHEDULE_MS } from "@pressbridge/adapters";
import { makeEvent, type BusEvent, type Route } from "@pressbridge/core";

/**
 * The local runtime's bus on a real directory: deliveries are files until their consumer succeeds,
 * whatever fails, and whichever process of the data dir picks them up.
 */
const root = mkdtempSync(join(tmpdir(), "pb-durable-bus-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const routes: Route[] = [
  { consumer: "plan", detailTypes: ["Release Detected"], description: "plan" },
  { consumer: "notify", detailTypes: ["Release Detected"], description: "notify" },
];
const SCHEDULE = [30, 60, 90];

function event(n: number): BusEvent {
  return makeEvent(
    "ReleaseDetected",
    `release-detected:r_${n}`,
    {
      version: 1,
      releaseId: `r_${n}`,
      title: `Release ${n}`,
      url: null,
      wire: "Test Wire",
      issuer: null,
      tickers: [],
      language: null,
      publishedAt: null,
      detectedAt: "2026-11-24T15:00:00.000Z",
      feedId: "wire",
      clientId: null,
    },
    "2026-11-24T15:00:00.000Z",
  );
}

function busOn(dir: string, handlers: Record<string, (e: BusEvent) => Promise<void>>): DurableLocalBus {
  const bus = new DurableLocalBus({ routes, queue: new FileDeliveryQueue({ dir, schedule: SCHEDULE }), scanIntervalMs: 20 });
  for (const [name, h] of Object.entries(handlers)) bus.subscribe(name, h);
  return bus;
}

const files = (dir: string, sub: string): string[] => readdirSync(join(dir, sub));

describe("DurableLocalBus", () => {
  it("retries on the schedule 1 s, 5 s, 30 s, 2 min, 10 min, 30 min, then hourly", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => retryDelayMs(n))).toEqual([1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3_600_000, 3_600_000]);
    expect(DELIVERY_RETRY_SCHEDULE_MS[0]).toBe(1_000);
  });

  it("delivers each event to every routed consumer and leaves nothing owed (0600 files, 0700 dirs)", async () => {
    const dir = join(root, "happy");
    const seen: string[] = [];
    const bus = busOn(dir, { plan: async (e) => void seen.push(`plan ${e.id}`), notify: async (e) => void seen.push(`notify ${e.id}`) });
    await bus.publish([event(1), event(2)]);
    const owed = await bus.settle(0);
    expect(seen.sort()).toEqual(["notify release-detected:r_1", "notify release-detected:r_2", "plan release-detected:r_1", "plan release-detected:r_2"]);
    expect(owed).toMatchObject({ waiting: 0, inFlight: 0 });
    expect(files(dir, "queue")).toEqual([]);
    expect(files(dir, "claimed")).toEqual([]);
    expect(statSync(join(dir, "queue")).mode & 0o777).toBe(0o700);
    await bus.close();
  });

  it("writes every delivery to disk before publish resolves", async () => {
    const dir = join(root, "durable");
    const bus = busOn(dir, {}); // nobody subscribed: nothing is delivered, everything stays owed
    await bus.publish([event(1)]);
    expect(files(dir, "queue")).toHaveLength(2);
    for (const f of files(dir, "queue")) expect(statSync(join(dir, "queue", f)).mode & 0o777).toBe(0o600);
    expect(await bus.owed()).toMatchObject({ waiting: 2, byConsumer: { plan: 1, notify: 1 } });
    await bus.close();
  });

  it("keeps a failing delivery owed with its next attempt, never drops it, and deletes it only once the consumer succeeded", async () => {
    const dir = join(root, "failing");
    let failures = 0;
    const delivered: string[] = [];
    const bus = busOn(dir, {
      plan: async (e) => {
        if (failures++ < 5) throw new Error("DynamoDB Local is down");
        delivered.push(e.id);
      },
      notify: async () => undefined,
    });
    await bus.publish([event(1)]);
    // Attempts at 0, 30, 90 and 180 ms fit in the grace; the next one (270 ms) does not.
    const first = await bus.settle(250);
    expect(first.waiting).toBe(1);
    expect(first.byConsumer).toEqual({ plan: 1 });
    expect(first.mostAttempts).toBe(4);
    expect(first.lastError).toBe("Error: DynamoDB Local is down");
    expect(Date.parse(first.nextAttemptAt!)).toBeGreaterThan(Date.now());
    expect(delivered).toEqual([]);
    const second = await bus.settle(500);
    expect(second.waiting).toBe(0);
    expect(delivered).toEqual(["release-detected:r_1"]);
    await bus.close();
  });

  it("lets a later process deliver what an earlier one left owed (a restart)", async () => {
    const dir = join(root, "restart");
    const first = busOn(dir, { plan: async () => Promise.reject(new Error("SMTP down")), notify: async () => undefined });
    await first.publish([event(1), event(2)]);
    expect((await first.settle(0)).waiting).toBe(2);
    await first.close();

    const delivered: string[] = [];
    const second = busOn(dir, { plan: async (e) => void delivered.push(e.id), notify: async () => undefined });
    await new Promise((r) => setTimeout(r, SCHEDULE[0]! + 10));
    expect((await second.settle(1_000)).waiting).toBe(0);
    expect(delivered.sort()).toEqual(["release-detected:r_1", "release-detected:r_2"]);
    await second.close();
  });

  it("treats a second publish of an event still owed as the same delivery", async () => {
    const dir = join(root, "dedupe");
    const bus = busOn(dir, {});
    await bus.publish([event(1)]);
    await bus.publish([event(1)]);
    expect((await bus.owed()).waiting).toBe(2); // one per consumer, not four
    await bus.close();
  });

  it("puts back a delivery claimed by a process that died, and delivers it once", async () => {
    const dir = join(root, "abandoned");
    const parked = busOn(dir, {});
    await parked.publish([event(1)]);
    await parked.close();
    // A claim as a crashed process leaves it: renamed into claimed/ under a pid that no longer exists.
    const name = files(dir, "queue").find((f) => f.startsWith("plan~"))!;
    renameSync(join(dir, "queue", name), join(dir, "claimed", `999999999.1@${name}`));
    const delivered: string[] = [];
    const bus = busOn(dir, { plan: async (e) => void delivered.push(e.id), notify: async () => undefined });
    expect((await bus.settle(0)).waiting).toBe(0);
    expect(delivered).toEqual(["release-detected:r_1"]);
    expect(files(dir, "claimed")).toEqual([]);
    await bus.close();
  });

  it("delivers each delivery once when two processes' buses share the queue", async () => {
    const dir = join(root, "shared");
    const counts = new Map<string, number>();
    const count = async (e: BusEvent) => void counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    const slow = async (e: BusEvent) => {
      await new Promise((r) => setTimeout(r, 5));
      await count(e);
    };
    const a = busOn(dir, { plan: slow, notify: async () => undefined });
    const b = busOn(dir, { plan: slow, notify: async () => undefined });
    const events = Array.from({ length: 40 }, (_, i) => event(i));
    await Promise.all([a.publish(events.slice(0, 20)), b.publish(events.slice(20)), a.scan(), b.scan()]);
    await Promise.all([a.settle(100), b.settle(100)]);
    expect(counts.size).toBe(40);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });
});
