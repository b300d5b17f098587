import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.ts";

/**
 * `pressbridge bench --quick --json` through the real bin: it starts its own DynamoDB Local and
 * loopback feed server, and prints one JSON document. Timing figures are reported, never asserted
 * here (machines are noisy); what must hold on any machine is asserted: the document's shape, an
 * unchanged feed costing exactly one HTTP request and no DynamoDB write, and a positive request count
 * per release.
 */
interface BenchFigure {
  id: string;
  label: string;
  value: number;
  unit: string;
  target: number;
  met: boolean;
}

describe("pressbridge bench", () => {
  it("--quick --json prints every figure beside its target", { timeout: 240_000 }, async () => {
    const run = await runCli(["bench", "--quick", "--json"], { timeoutMs: 230_000 });
    expect(run.code, run.stderr).toBe(0);
    // Progress goes to stderr; stdout is exactly one JSON document.
    expect(run.stderr).toMatch(/bench: \[1\/6\]/);
    const doc = JSON.parse(run.stdout) as { figures: BenchFigure[]; environment: Record<string, unknown> };
    expect(Object.keys(doc).sort()).toEqual(["environment", "figures"]);

    const ids = doc.figures.map((f) => f.id);
    expect(ids).toEqual([
      "parse.ratio",
      "ingest.ratio",
      "unchanged.wall",
      "unchanged.httpRequests",
      "unchanged.dynamoWrites",
      "changed.readsPerFeed",
      "changed.writesPerFeed",
      "latency.p50",
      "latency.p99",
      "websub.p50",
      "websub.p99",
      "dynamo.requestsPerRelease",
      "memory.peakRss",
    ]);
    for (const f of doc.figures) {
      expect(Object.keys(f).sort()).toEqual(["id", "label", "met", "target", "unit", "value"]);
      expect(typeof f.label).toBe("string");
      expect(typeof f.unit).toBe("string");
      expect(Number.isFinite(f.value), `${f.id} value`).toBe(true);
      expect(Number.isFinite(f.target), `${f.id} target`).toBe(true);
      expect(typeof f.met).toBe("boolean");
    }
    const figure = (id: string): BenchFigure => doc.figures.find((f) => f.id === id)!;

    const env = doc.environment as {
      mode: string;
      sizes: { unchangedFeeds: number; releases: number };
      latency: { releases: number };
      changed: { newItemsPerFeed: number; itemsPerFeed: number; withMemory: { reads: number; writes: number }; withoutMemory: { reads: number; writes: number } };
    };
    expect(env.mode).toBe("quick");
    // An unchanged feed costs one HTTP request (a 304) and zero DynamoDB writes.
    expect(figure("unchanged.httpRequests").value).toBe(env.sizes.unchangedFeeds);
    expect(figure("unchanged.httpRequests").target).toBe(env.sizes.unchangedFeeds);
    expect(figure("unchanged.dynamoWrites").value).toBe(0);
    expect(figure("unchanged.dynamoWrites").met).toBe(true);
    // Every release was detected and emailed, and what that cost in DynamoDB requests was counted.
    expect(env.latency.releases).toBeGreaterThanOrEqual(env.sizes.releases);
    expect(figure("dynamo.requestsPerRelease").value).toBeGreaterThan(0);
    // A changed feed reads what its new items need (id, headline, at most 3 seen keys each) and its
    // state, not every item it lists; the memory adds no write.
    const changed = env.changed;
    expect(figure("changed.readsPerFeed").value).toBe(changed.withMemory.reads);
    expect(figure("changed.readsPerFeed").target).toBe(changed.newItemsPerFeed * 3 + 2);
    expect(changed.withMemory.reads).toBeLessThanOrEqual(changed.newItemsPerFeed * 5 + 1);
    expect(changed.withoutMemory.reads).toBeGreaterThanOrEqual(changed.itemsPerFeed);
    expect(changed.withMemory.writes).toBe(changed.withoutMemory.writes);
    expect(figure("changed.writesPerFeed").met).toBe(true);
    expect(figure("parse.ratio").value).toBeGreaterThan(0);
    expect(figure("ingest.ratio").value).toBeGreaterThan(0);
    expect(figure("memory.peakRss").value).toBeGreaterThan(0);
    // Every WebSub push was received (202) and announced its one release; the timing is reported, not asserted.
    expect((doc.environment as { websub: { statuses: number[] } }).websub.statuses).toEqual([202]);
    expect(figure("websub.p99").target).toBe(1000);
  });

  it("rejects a bad size flag with a one-line reason", async () => {
    const run = await runCli(["bench", "--quick", "--feeds", "lots"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('pressbridge bench: --feeds: must be a positive integer, got "lots"');
    expect(run.stdout).toBe("");
  });
});
