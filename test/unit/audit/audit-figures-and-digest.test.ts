import { describe, expect, it } from "vitest";
import {
  buildAuditReport,
  isoWeek,
  median,
  renderAuditDigest,
  timelineRows,
  weeklyFigures,
  windowFigures,
  type AuditFinding,
} from "@pressbridge/core";
import { HOUR, T0, approve, at, config, plan, publish, reject } from "../../support/audit-fixtures.ts";

describe("dashboard figures", () => {
  it("share amplified within the window counts decided plans only; medians from detection", () => {
    const now = new Date(T0 + 100 * HOUR);
    const inTime = plan("a", 0);
    approve(inTime, 2);
    publish(inTime, 4, "published");
    const late = plan("b", 0);
    approve(late, 80);
    publish(late, 81, "published");
    const missed = plan("c", 0);
    const rejected = plan("d", 0);
    reject(rejected, 1);
    const open = plan("e", 90); // window still open, not amplified: left out of the share
    const f = windowFigures([inTime, late, missed, rejected, open], now);
    expect(f).toMatchObject({ releases: 5, decided: 4, amplifiedInWindow: 1, shareInWindow: 0.25 });
    expect(f.medianToApprovalMs).toBe(((2 + 80) / 2) * HOUR);
    expect(f.medianToPublicationMs).toBe(((4 + 81) / 2) * HOUR);
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
  });

  it("dry runs are counted on their own, never as amplified; a mix with a real post is amplified", () => {
    const now = new Date(T0 + 100 * HOUR);
    const real = plan("a", 0);
    approve(real, 2);
    publish(real, 4, "published");
    const dry = plan("b", 0); // window closed, only dry runs: nothing was posted, so missed
    approve(dry, 2);
    publish(dry, 4, "published", true);
    const dryOpen = plan("c", 90); // window open, only dry runs: outcome not known yet
    approve(dryOpen, 91);
    publish(dryOpen, 92, "published", true);
    const mixed = plan("d", 0); // one real post and one dry run: something was posted
    approve(mixed, 2);
    publish(mixed, 4, "published", true);
    mixed.publication!.actions.push({ ...mixed.publication!.actions[0]!, key: "d:post:linkedin:v1", platform: "linkedin", dryRun: false });
    const f = windowFigures([real, dry, dryOpen, mixed], now);
    expect(f).toMatchObject({ releases: 4, decided: 3, amplifiedInWindow: 2, dryRuns: 2 });
    expect(f.shareInWindow).toBeCloseTo(2 / 3);
    expect(f.medianToPublicationMs).toBe(4 * HOUR);
    expect(windowFigures([dry], now)).toMatchObject({ amplifiedInWindow: 0, shareInWindow: 0, dryRuns: 1 });
  });

  it("weeks are ISO weeks of the local detection date (DST-safe, year boundaries)", () => {
    // Monday 2026-11-02 03:30 UTC is still Sunday 2026-11-01 in New York (week 44 there, 45 in UTC).
    const ms = Date.parse("2026-11-02T03:30:00Z");
    expect(isoWeek(ms, "UTC")).toBe("2026-W45");
    expect(isoWeek(ms, "America/New_York")).toBe("2026-W44");
    expect(isoWeek(Date.parse("2027-01-01T12:00:00Z"), "UTC")).toBe("2026-W53");
    expect(isoWeek(Date.parse("2024-12-30T12:00:00Z"), "UTC")).toBe("2025-W01");
    const weeks = weeklyFigures([plan("a", 0), plan("b", 24 * 7)], new Date(T0), "America/New_York");
    expect(weeks.map((w) => w.week)).toEqual(["2026-W45", "2026-W46"]);
  });

  it("timeline rows carry every marker and an outcome", () => {
    const p = plan("a", 0);
    approve(p, 2);
    publish(p, 3, "published", true);
    const [row] = timelineRows([p], new Date(T0 + 10 * HOUR));
    expect(row).toMatchObject({ detectedAt: at(0), approvedAt: at(2), publishedAt: at(3), deadline: at(72), outcome: "in-time", dryRun: true });
  });
});

describe("digest email", () => {
  const report = buildAuditReport({
    now: new Date(T0 + 80 * HOUR),
    config,
    plans: [plan("p1", 0, { release: { ...plan("x", 0).release, title: `<script>alert(1)</script> "Acme" & co\r\nBcc: evil@x.example` } })],
    releases: [],
    feedStates: new Map(),
  });
  const finding = report.findings.find((f) => f.planId === "p1") as AuditFinding;
  const client = config.clients[0]!;

  it("goes to the owner and approvers once each, escaped, with the deadline in the client's zone", () => {
    const m = renderAuditDigest({ client, announce: [finding], stillOpen: [], from: "audit@pressbridge.example", at: report.at, dashboardUrl: "https://pb.example/dashboard/acme" });
    expect(m.to).toEqual(["pr-lead@acme.example", "social@acme.example"]);
    expect(m.subject).toBe("Amplification audit for Acme Corp: 1 missed");
    expect(m.html).not.toContain("<script>");
    expect(m.html).toContain("&lt;script&gt;");
    expect(m.text).not.toMatch(/\r|\nBcc:/);
    expect(m.text).toContain("EST"); // the deadline, Nov 5 2026, in New York
    expect(m.html).toContain('href="https://pb.example/dashboard/acme"');
  });

  it("refuses an empty digest", () => {
    expect(() => renderAuditDigest({ client, announce: [], stillOpen: [finding], from: "a@b.example", at: report.at })).toThrow(/at least one finding/);
  });
});
