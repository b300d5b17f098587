import { describe, expect, it } from "vitest";
import {
  auditWindows,
  buildAuditReport,
  classifyFeed,
  parseConfig,
  type AmplificationPlan,
  type AuditReport,
  type FindingKind,
} from "@pressbridge/core";
import { HOUR, T0, World, approve, at, config, feedState, plan, publish, reject, release } from "../../support/audit-fixtures.ts";

/** `subject -> "kind:code"` for every finding, failing if any subject is twice in one list. */
function lists(report: AuditReport): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const seen = new Set<string>();
  for (const f of report.findings) {
    const subject = f.planId ?? f.releaseId ?? `feed:${f.feedId}`;
    const key = `${f.kind}|${subject}`;
    expect(seen.has(key), `${subject} is twice in ${f.kind}`).toBe(false);
    seen.add(key);
    (out[subject] ??= []).push(`${f.kind}:${f.code}`);
  }
  for (const v of Object.values(out)) v.sort();
  return out;
}

/**
 * One release in every state, driven by a fake clock through its whole window (acme: 72 h, at risk
 * in the last 12 h, stale after 24 h pending).
 */
function world(): { w: World; plans: Record<string, AmplificationPlan> } {
  const w = new World();
  const plans = {
    inTime: plan("p_in_time", 0),
    approvedLate: plan("p_approved_late", 0),
    rejected: plan("p_rejected", 0),
    neverApproved: plan("p_never", 0),
    publishFailed: plan("p_publish_failed", 0),
    publishedLate: plan("p_published_late", 0),
    dryRun: plan("p_dry_run", 0),
  };
  for (const p of Object.values(plans)) {
    w.plans.set(p.id, p);
    w.releases.set(p.releaseId, release(p.releaseId, 0, { planning: { plannedAt: at(0), clientIds: ["acme"], planIds: [p.id] } }));
  }
  // Detected on the client's own newsroom, but the planning step never ran for it.
  w.releases.set("r_unplanned", release("r_unplanned", 0, { clientId: "acme", title: "Acme unplanned release" }));
  // Planning matched acme, but the plan write never happened.
  w.releases.set("r_lost_plan", release("r_lost_plan", 0, { planning: { plannedAt: at(0), clientIds: ["acme"], planIds: ["p_lost"] } }));
  // A baseline release (first poll) is never planned and never a finding.
  w.releases.set("r_baseline", release("r_baseline", 0, { announce: "baseline" }));
  w.feeds.set("acme-newsroom", feedState("acme-newsroom"));
  w.feeds.set("prn", feedState("prn"));
  return { w, plans };
}

/** Applies what happened up to `hours`, as the other steps would have. */
function advance(w: World, plans: Record<string, AmplificationPlan>, hours: number): void {
  w.setHours(hours);
  if (hours >= 2 && plans.inTime!.decision === undefined) approve(plans.inTime!, 2);
  if (hours >= 3 && plans.inTime!.publication === undefined) publish(plans.inTime!, 3, "published");
  if (hours >= 5 && plans.rejected!.decision === undefined) reject(plans.rejected!, 5);
  if (hours >= 1 && plans.publishFailed!.decision === undefined) approve(plans.publishFailed!, 1);
  if (hours >= 1.1 && plans.publishFailed!.publication === undefined) publish(plans.publishFailed!, 1.1, "failed");
  if (hours >= 10 && plans.publishedLate!.decision === undefined) approve(plans.publishedLate!, 10);
  if (hours >= 75 && plans.publishedLate!.publication === undefined) publish(plans.publishedLate!, 75, "published");
  if (hours >= 4 && plans.dryRun!.publication === undefined) {
    approve(plans.dryRun!, 4);
    publish(plans.dryRun!, 4, "published", true);
  }
  if (hours >= 74 && plans.approvedLate!.decision === undefined) approve(plans.approvedLate!, 74);
  // The shared wire stops carrying new items after hour 0 but keeps answering.
  w.feeds.set("prn", feedState("prn", { lastSuccessAt: at(hours), lastNewItemAt: at(0) }));
  // The newsroom starts failing at hour 70.
  if (hours >= 70) w.feeds.set("acme-newsroom", feedState("acme-newsroom", { lastSuccessAt: at(70), consecutiveFailures: 20, lastError: "HTTP 503" }));
}

describe("auditWindows: every state lands in the right list exactly once", () => {
  it.each([
    [
      1,
      {
        r_unplanned: ["at-risk:never-planned"],
        p_lost: ["at-risk:plan-missing"],
      },
    ],
    [
      30,
      {
        p_approved_late: ["stale:pending"],
        p_never: ["stale:pending"],
        r_unplanned: ["at-risk:never-planned"],
        p_lost: ["at-risk:plan-missing"],
        "feed:prn": ["feed-health:silent"],
      },
    ],
    [
      65,
      {
        p_approved_late: ["at-risk:never-approved", "stale:pending"],
        p_never: ["at-risk:never-approved", "stale:pending"],
        p_publish_failed: ["at-risk:publish-failed"],
        p_published_late: ["at-risk:not-published"],
        r_unplanned: ["at-risk:never-planned"],
        p_lost: ["at-risk:plan-missing"],
        "feed:prn": ["feed-health:silent"],
        // 48 h (the default) without a new item on the client's own newsroom.
        "feed:acme-newsroom": ["feed-health:silent"],
      },
    ],
    [
      80,
      {
        p_approved_late: ["missed:approved-late"],
        p_never: ["missed:never-approved"],
        p_rejected: ["missed:rejected"],
        p_publish_failed: ["missed:publish-failed"],
        p_published_late: ["missed:published-late"],
        r_unplanned: ["missed:never-planned"],
        p_lost: ["missed:plan-missing"],
        "feed:prn": ["feed-health:silent"],
        "feed:acme-newsroom": ["feed-health:failing"],
      },
    ],
  ] as const)("at hour %d", async (hours, expected) => {
    const { w, plans } = world();
    for (const h of [0.5, 1, 1.1, 2, 3, 4, 5, 10, 30, 65, 70, 74, 75, 80].filter((x) => x <= hours)) advance(w, plans, h);
    advance(w, plans, hours);
    const report = await auditWindows(w.deps());
    expect(lists(report)).toEqual(expected);
    // Approved in time and published in time never shows up; the dry run is counted, and flagged.
    expect(report.findings.some((f) => f.planId === "p_in_time" || f.planId === "p_dry_run")).toBe(false);
    if (hours >= 4) expect(report.dryRuns.map((d) => d.planId)).toEqual(["p_dry_run"]);
  });

  it("a finding keeps its id as it changes state; the fingerprint changes with the state", async () => {
    const { w, plans } = world();
    advance(w, plans, 65);
    const before = (await auditWindows(w.deps())).findings.find((f) => f.planId === "p_never" && f.kind === "at-risk")!;
    advance(w, plans, 66);
    const later = (await auditWindows(w.deps())).findings.find((f) => f.planId === "p_never" && f.kind === "at-risk")!;
    expect(later.fingerprint).toBe(before.fingerprint); // hours left changed, the state did not
    expect(later.reason).not.toBe(before.reason);
    advance(w, plans, 80);
    const missed = (await auditWindows(w.deps())).findings.find((f) => f.planId === "p_never")!;
    expect(missed.id).toBe("missed:plan:p_never");
    expect(missed.fingerprint).not.toBe(before.fingerprint);
  });

  it("counts per kind and per client; the report's period is documented by its bounds", async () => {
    const { w, plans } = world();
    advance(w, plans, 80);
    const report = await auditWindows(w.deps());
    expect(report.counts).toEqual({ missed: 7, atRisk: 0, stale: 0, feedHealth: 2 });
    expect(report.clients.find((c) => c.clientId === "acme")).toMatchObject({ missed: 7, feedHealth: 1, plansAudited: 7 });
    expect(report.period).toEqual({ from: at(80 - 168), to: at(80 + 72) });
    expect(report.id).toBe(`audit:${at(80)}`);
  });

  it("reads plans by deadline per client over [now - lookback, now + window] and nothing else", async () => {
    const { w, plans } = world();
    advance(w, plans, 10);
    await auditWindows(w.deps());
    expect(w.ranges).toEqual([
      { clientId: "acme", from: at(10 - 168), to: at(10 + 72) },
      { clientId: "globex", from: at(10 - 168), to: at(10 + 48) },
    ]);
  });

  it("a missed window leaves the report after the lookback", async () => {
    const { w, plans } = world();
    advance(w, plans, 72 + 167);
    expect((await auditWindows(w.deps())).findings.some((f) => f.planId === "p_never")).toBe(true);
    advance(w, plans, 72 + 169);
    const report = await auditWindows(w.deps());
    expect(report.findings.some((f) => f.planId === "p_never" || f.releaseId === "r_unplanned" || f.planId === "p_lost")).toBe(false);
  });

  it("finds a plan whose deadline moved outside the queried range through its release, not as missing", async () => {
    const { w } = world();
    // Stored with a 200 h window (the client's window was changed since): not in the deadline range.
    const odd = plan("p_odd", 0, { windowDeadline: at(200) });
    w.plans.set(odd.id, odd);
    w.releases.set(odd.releaseId, release(odd.releaseId, 0, { planning: { plannedAt: at(0), clientIds: ["acme"], planIds: [odd.id] } }));
    w.setHours(30);
    const report = await auditWindows(w.deps());
    expect(lists(report)["p_odd"]).toEqual(["stale:pending"]);
  });

  it("a release on a shared wire that was never planned takes the shortest client window", async () => {
    const w = new World();
    w.releases.set("r_shared", release("r_shared", 0));
    w.setHours(49);
    const report = await auditWindows(w.deps());
    const f = report.findings.find((x) => x.releaseId === "r_shared")!;
    expect(f).toMatchObject({ kind: "missed", code: "never-planned", clientId: null, deadline: at(48) });
  });

  it("a release detected within the planning grace period is not a finding yet", async () => {
    const w = new World();
    w.releases.set("r_new", release("r_new", 0, { clientId: "acme" }));
    w.setHours(0.2);
    expect((await auditWindows(w.deps())).findings.filter((f) => f.releaseId === "r_new")).toEqual([]);
  });

  it("onlyClientId keeps one client's findings and feeds (the dashboard)", async () => {
    const { w, plans } = world();
    advance(w, plans, 80);
    const report = await auditWindows(w.deps(), { onlyClientId: "globex" });
    expect(report.findings.map((f) => f.feedId ?? f.planId ?? f.releaseId)).toEqual(["prn"]);
  });
});

describe("feed health", () => {
  const settings = config.audit;
  const feed = config.feeds[0]!;
  const now = new Date(T0 + 100 * HOUR);
  it("healthy, failing briefly, failing long, silent, never polled", () => {
    expect(classifyFeed(feed, feedState(feed.id, { lastNewItemAt: at(90) }), now, settings)).toBeNull();
    expect(classifyFeed(feed, feedState(feed.id, { lastSuccessAt: at(99.5), consecutiveFailures: 2, lastNewItemAt: at(90) }), now, settings)).toBeNull();
    expect(classifyFeed(feed, feedState(feed.id, { lastSuccessAt: at(98), consecutiveFailures: 9, lastError: "timeout" }), now, settings)).toMatchObject({
      code: "failing",
      clientId: "acme",
    });
    expect(classifyFeed(feed, feedState(feed.id, { lastNewItemAt: at(40) }), now, settings)).toMatchObject({ code: "silent" });
    expect(classifyFeed(feed, undefined, now, settings)).toMatchObject({ code: "never-polled" });
    // Read with repairs: healthy enough to count, shown so the publisher can be told.
    expect(
      classifyFeed(feed, feedState(feed.id, { lastNewItemAt: at(90), warnings: ["repaired: bare ampersand at line 12"] }), now, settings),
    ).toMatchObject({ code: "repaired", reason: expect.stringContaining("bare ampersand at line 12") });
    // Never announced a new item: silence counts from the baseline.
    expect(classifyFeed(feed, feedState(feed.id, { lastNewItemAt: null, baselineAt: at(10) }), now, settings)).toMatchObject({ code: "silent" });
  });

  it("a second outage of the same feed is a new finding for the digest; one outage keeps its fingerprint hour to hour", () => {
    const failing = (lastSuccessAt: string, hoursLater = 0) =>
      classifyFeed(feed, feedState(feed.id, { lastSuccessAt, consecutiveFailures: 9, lastError: "timeout" }), new Date(now.getTime() + hoursLater * HOUR), settings)!.fingerprint;
    expect(failing(at(98), 0)).toBe(failing(at(98), 5));
    expect(failing(at(98))).not.toBe(failing(at(60))); // recovered at 98 h after failing since 60 h: another episode
    const silent = (since: string) => classifyFeed(feed, feedState(feed.id, { lastNewItemAt: since }), now, settings)!.fingerprint;
    expect(silent(at(40))).not.toBe(silent(at(10)));
  });

  it("a disabled feed is not audited", () => {
    const cfg = parseConfig({ feeds: [{ id: "off", url: "https://x.example/rss", enabled: false }] });
    const report = buildAuditReport({ now, config: cfg, plans: [], releases: [], feedStates: new Map() });
    expect(report.findings).toEqual([]);
  });
});

describe("time zones", () => {
  it("deadlines stay UTC instants across a DST change; the finding carries the client's zone", () => {
    // US DST ends on 2026-11-01: a release detected before it has its deadline 72 h later in UTC.
    const p = plan("p_dst", -40);
    const report = buildAuditReport({ now: new Date(T0 + 33 * HOUR), config, plans: [p], releases: [], feedStates: new Map() });
    const f = report.findings.find((x) => x.planId === "p_dst")!;
    expect(f.deadline).toBe(new Date(T0 + 32 * HOUR).toISOString());
    expect(f.timezone).toBe("America/New_York");
    expect(f.kind satisfies FindingKind).toBe("missed");
  });
});
