import { describe, expect, it } from "vitest";
import {
  ValidationError,
  actionState,
  changeSchedule,
  parseDisclosureSettings,
  proposeSchedule,
  releaseHeld,
  resolveActionKey,
  scheduleOf,
  wireTimeOf,
  type AdBrief,
  type AmplificationPlan,
  type PlanSchedule,
} from "@pressbridge/core";
import { briefFor } from "../../integration/publishers/fakes/briefs.ts";

/**
 * A plan's schedule (fake clock): what approving accepts (suggested times, a person's choices,
 * the deadline rule), the wire hold, reschedules and cancels, and when each action is due.
 */
const ID = "p_abcdefghijklmnopqrstuv";
// Tuesday 2026-12-08, 10:00 in New York.
const APPROVED = new Date("2026-12-08T15:00:00.000Z");

function plan(overrides: Partial<AmplificationPlan<AdBrief>> = {}): AmplificationPlan<AdBrief> {
  const draft = (channel: "x" | "linkedin", text: string) => ({ channel, text, link: null, facets: [], hashtags: [], cashtags: [], length: { unit: "weighted" as const, value: 6, limit: 280 }, version: 1 });
  return {
    id: ID, releaseId: "r1", clientId: "acme", clientName: "Acme", status: "pending_approval", createdAt: "2026-12-08T14:00:00.000Z",
    windowDeadline: "2026-12-11T14:00:00.000Z", windowHours: 72, timezone: "America/New_York", owner: "pr@acme.example", approvers: ["a@acme.example"],
    match: { reason: "keyword", matched: [] },
    release: { title: "Acme ships", url: null, wire: "PR Newswire", issuer: null, tickers: [], language: "en", detectedAt: "2026-12-08T14:00:00.000Z", publishedAt: "2026-12-08T13:55:00.000Z" },
    campaign: "c",
    drafts: [draft("x", "X text"), draft("linkedin", "LinkedIn text")],
    followUps: [draft("x", "“A quote”")],
    skipped: [],
    briefs: [briefFor("meta")],
    announce: "announced",
    announceLeaseUntil: null,
    ...overrides,
  };
}

const times = (s: ReturnType<typeof proposeSchedule>) => s.map((a) => [a.key.slice(ID.length + 1), a.scheduledFor]);

describe("proposeSchedule", () => {
  it("suggests: posts staggered from 5 minutes after approval, the follow-up at 09:30 the next business morning, the ad at once", () => {
    const s = proposeSchedule(plan(), { disclosure: undefined, wireAt: wireTimeOf(plan()), now: APPROVED });
    expect(times(s)).toEqual([
      ["post:x:v1", "2026-12-08T15:05:00.000Z"],
      ["post:linkedin:v1", "2026-12-08T15:10:00.000Z"],
      ["post:x:follow-up:v1", "2026-12-09T14:30:00.000Z"],
      ["ad:meta", "2026-12-08T15:00:00.000Z"],
    ]);
    expect(s.every((a) => a.choice === "suggested" && !a.late && a.held === undefined)).toBe(true);
  });

  it("moves a suggestion out of the market-close blackout of a client with a ticker, and shows the move", () => {
    const at1555 = new Date("2026-12-08T20:52:00.000Z"); // 15:52 New York: the X post would be 15:57
    const s = proposeSchedule(plan(), { disclosure: parseDisclosureSettings({ ticker: "ACME" }), wireAt: wireTimeOf(plan()), now: at1555 });
    expect(s[0]).toMatchObject({ scheduledFor: "2026-12-08T21:05:00.000Z", guard: { rule: "blackout:market close", from: "2026-12-08T20:57:00.000Z", to: "2026-12-08T21:05:00.000Z" } });
  });

  it("takes a person's choices: now, a time, and a time after the deadline only with a reason", () => {
    const requests = {
      [`${ID}:post:x:v1`]: { choice: "now" as const },
      [`${ID}:post:linkedin:v1`]: { choice: "at" as const, at: new Date("2026-12-09T18:00:00.000Z") },
    };
    const s = proposeSchedule(plan(), { disclosure: undefined, wireAt: wireTimeOf(plan()), now: APPROVED, requests });
    expect(s.slice(0, 2).map((a) => [a.choice, a.scheduledFor])).toEqual([
      ["now", "2026-12-08T15:00:00.000Z"],
      ["at", "2026-12-09T18:00:00.000Z"],
    ]);
    const late = { [`${ID}:post:x:v1`]: { choice: "at" as const, at: new Date("2026-12-12T15:00:00.000Z") } };
    expect(() => proposeSchedule(plan(), { disclosure: undefined, wireAt: null, now: APPROVED, requests: late })).toThrow(ValidationError);
    try {
      proposeSchedule(plan(), { disclosure: undefined, wireAt: null, now: APPROVED, requests: late });
    } catch (err) {
      expect((err as ValidationError).field).toBe(`schedule.${ID}:post:x:v1`);
    }
    const withReason = { [`${ID}:post:x:v1`]: { choice: "at" as const, at: new Date("2026-12-12T15:00:00.000Z"), lateReason: "embargo in Japan" } };
    expect(proposeSchedule(plan(), { disclosure: undefined, wireAt: wireTimeOf(plan()), now: APPROVED, requests: withReason })[0]).toMatchObject({ late: true, lateReason: "embargo in Japan" });
  });

  it("holds every action of a release seen only on the client's newsroom until a wire carries it", () => {
    const newsroom = plan({ match: { reason: "bound-feed", matched: [] } });
    expect(wireTimeOf(newsroom)).toBeNull();
    const s = proposeSchedule(newsroom, { disclosure: undefined, wireAt: null, now: APPROVED });
    expect(s.every((a) => a.held === "awaiting-wire")).toBe(true);
    const schedule: PlanSchedule = { revision: 0, updatedAt: APPROVED.toISOString(), updatedBy: "a", actions: s };
    expect(actionState(schedule, s[0]!.key, new Date("2026-12-09T00:00:00Z"))).toBe("held");
    // A wire carries it an hour later: the held actions go through the guard with that notBefore.
    const released = releaseHeld(schedule, newsroom, undefined, "2026-12-08T16:00:00.000Z", new Date("2026-12-08T16:01:00.000Z"));
    expect(released.actions.every((a) => a.held === undefined)).toBe(true);
    expect(released.actions[0]!.scheduledFor).toBe("2026-12-08T16:06:00.000Z");
    // A client that does not require the wire is not held.
    expect(proposeSchedule(newsroom, { disclosure: parseDisclosureSettings({ requireWire: false }), wireAt: null, now: APPROVED })[0]!.held).toBeUndefined();
  });
});

describe("the live schedule", () => {
  const approved = () => {
    const p = plan({ status: "approved" });
    const accepted = proposeSchedule(p, { disclosure: undefined, wireAt: wireTimeOf(p), now: APPROVED });
    return { ...p, decision: { action: "approved" as const, by: "a@acme.example", at: APPROVED.toISOString(), linkId: "l", draftVersions: { x: 1, linkedin: 1 }, comment: null, schedule: accepted } };
  };

  it("is the decision's until changed; a reschedule and a cancel move its revision; short keys resolve", () => {
    const p = approved();
    expect(scheduleOf(p)?.revision).toBe(0);
    expect(resolveActionKey(scheduleOf(p)!, "post:x:follow-up")).toBe(`${ID}:post:x:follow-up:v1`);
    expect(() => resolveActionKey(scheduleOf(p)!, "post:threads")).toThrow(/it has: post:x, post:linkedin, post:x:follow-up, ad:meta/);
    const now = new Date("2026-12-08T15:02:00.000Z");
    const moved = changeSchedule(p, { key: "post:linkedin", request: { choice: "at", at: new Date("2026-12-09T17:00:00.000Z") }, by: "lee", now, disclosure: undefined, wireAt: wireTimeOf(p), publishedKeys: new Set() });
    expect(moved.revision).toBe(1);
    expect(moved.actions[1]).toMatchObject({ choice: "at", scheduledFor: "2026-12-09T17:00:00.000Z" });
    const cancelled = changeSchedule({ ...p, schedule: moved }, { key: `${ID}:ad:meta`, request: "cancel", by: "lee", now, disclosure: undefined, wireAt: null, publishedKeys: new Set() });
    expect(cancelled.revision).toBe(2);
    expect(actionState(cancelled, `${ID}:ad:meta`, now)).toBe("cancelled");
    expect(() => changeSchedule(p, { key: "post:x", request: "cancel", by: "lee", now, disclosure: undefined, wireAt: null, publishedKeys: new Set([`${ID}:post:x:v1`]) })).toThrow(/published already/);
  });

  it("an action is due at its time, not a minute before; one with no entry (an older plan) is due at once", () => {
    const s = scheduleOf(approved())!;
    const key = `${ID}:post:x:v1`;
    expect(actionState(s, key, new Date("2026-12-08T15:04:59.000Z"))).toBe("waiting");
    expect(actionState(s, key, new Date("2026-12-08T15:05:00.000Z"))).toBe("due");
    expect(actionState(undefined, key, APPROVED)).toBe("due");
  });
});
