import { describe, expect, it } from "vitest";
import { AUDIT_DEFAULTS, classifyPlan, type ScheduledAction } from "@pressbridge/core";
import { approve, at, plan, T0, HOUR } from "../../support/audit-fixtures.ts";

/**
 * The audit of scheduled plans (fake clock): on track while every action still to go is set before
 * the deadline, even in the last hours; a finding when one is unpublished past its time; late by
 * choice (not missed) when a person scheduled it after the deadline with a reason.
 */
const settings = { ...AUDIT_DEFAULTS };
const action = (key: string, hours: number, extra: Partial<ScheduledAction> = {}): ScheduledAction => ({
  key: `p1:${key}`, kind: key.startsWith("ad") ? "paused-ad" : "organic-post", platform: key.split(":")[1] as ScheduledAction["platform"], followUp: key.includes("follow-up"),
  scheduledFor: at(hours), choice: "suggested", reason: "r", late: false, ...extra,
});

function scheduled(actions: ScheduledAction[]) {
  const p = plan("p1", 0);
  approve(p, 1);
  p.decision!.schedule = actions;
  return p;
}

describe("classifyPlan, for a scheduled plan", () => {
  it("is on track in the window's last hours when everything still to go is scheduled before the deadline", () => {
    const p = scheduled([action("post:x:v1", 70)]);
    expect(classifyPlan(p, new Date(T0 + 69 * HOUR), settings)).toEqual([]);
  });

  it("reports an action still unpublished past its time, whatever the deadline, and not one already published", () => {
    const p = scheduled([action("post:x:v1", 2), action("post:linkedin:v1", 3)]);
    p.publication = { at: at(3.1), publishedAt: null, dryRun: false, actions: [{ key: "p1:post:linkedin:v1", kind: "organic-post", platform: "linkedin", status: "published", dryRun: false, platformIds: {}, url: null, reason: null, retryable: false, at: at(3.1) }] };
    const findings = classifyPlan(p, new Date(T0 + 5 * HOUR), settings);
    expect(findings.map((f) => [f.kind, f.code])).toEqual([["at-risk", "scheduled-overdue"]]);
    expect(findings[0]!.reason).toContain("X post (due 3 h ago)");
    expect(findings[0]!.reason).not.toContain("LinkedIn");
  });

  it("calls a plan published after the deadline as a person scheduled it, with a reason, late by choice, not missed", () => {
    const p = scheduled([action("post:x:v1", 80, { choice: "at", late: true, lateReason: "wait for the Tokyo open" })]);
    p.status = "published";
    p.publication = { at: at(80), publishedAt: at(80), dryRun: false, actions: [] };
    expect(classifyPlan(p, new Date(T0 + 90 * HOUR), settings).map((f) => [f.kind, f.code])).toEqual([["late-by-choice", "scheduled-late"]]);
    // Without a reason it is missed.
    const q = scheduled([action("post:x:v1", 80, { late: true })]);
    q.status = "published";
    q.publication = { at: at(80), publishedAt: at(80), dryRun: false, actions: [] };
    expect(classifyPlan(q, new Date(T0 + 90 * HOUR), settings).map((f) => f.kind)).toEqual(["missed"]);
  });
});
