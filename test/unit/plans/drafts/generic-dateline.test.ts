import { expect, it } from "vitest";
import { composeDrafts, parseConfig } from "@pressbridge/core";
it("strips a generic wire dateline", () => {
  const client = parseConfig({ clients: [{ id: "a", name: "A", owner: "a@a.example", approvers: ["b@a.example"], channels: ["x"] }] }).clients[0]!;
  const out = composeDrafts({ client, release: { id: "r", title: "Acme Names CFO", summary: "NEW YORK, Nov 21, 2026 /Demo Wire/ -- Acme Corp named a CFO today.", url: "https://newsroom.example.com/x", wire: "Demo", issuer: null, tickers: [], language: "en", industries: [], subjects: [], keywords: [], publishedAt: null, detectedAt: "2026-11-21T00:00:00Z" } });
  expect(out[0]).toMatchObject({ status: "ok" });
  expect((out[0] as any).draft.text).toContain("Acme Corp named a CFO today.");
  expect((out[0] as any).draft.text).not.toContain("Demo Wire");
});
