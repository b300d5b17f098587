import { describe, expect, it } from "vitest";
import { MARKET_CLOSE_BLACKOUT } from "../../../packages/core/src/scheduling/disclosure.ts";
import type { DisclosureGuard } from "../../../packages/core/src/scheduling/guard.ts";
import { followUpTime, suggestSchedule, type ScheduleAction, type SuggestedTime } from "../../../packages/core/src/scheduling/suggest-schedule.ts";

const NY = "America/New_York";
const guard: DisclosureGuard = { blackouts: [MARKET_CLOSE_BLACKOUT], clientTimeZone: NY };

const ACTIONS: ScheduleAction[] = [
  { key: "p:post:x:v1", kind: "post", channel: "x" },
  { key: "p:post:linkedin:v1", kind: "post", channel: "linkedin" },
  { key: "p:post:bluesky:v1", kind: "post", channel: "bluesky" },
  { key: "p:ad:linkedin", kind: "ad", channel: "linkedin" },
  { key: "p:ad:meta", kind: "ad", channel: "meta" },
  { key: "p:follow-up:x:v1", kind: "post", channel: "x", followUp: true },
  { key: "p:follow-up:linkedin:v1", kind: "post", channel: "linkedin", followUp: true },
];

/** key -> ISO time, and late marks, for compact exact assertions. */
function times(suggested: SuggestedTime[]): Record<string, string> {
  return Object.fromEntries(suggested.map((s) => [s.key, `${s.scheduledFor.toISOString()}${s.late ? " late" : ""}`]));
}

describe("suggestSchedule", () => {
  it("spreads the plan: ads at once, first posts staggered within the hour, follow-ups at 09:30 the next business morning", () => {
    // Approved Tue 2026-11-24 10:00 EST; the window closes Thu 10:00 EST.
    const suggested = suggestSchedule({
      approvedAt: new Date("2026-11-24T15:00:00Z"),
      windowDeadline: new Date("2026-11-26T15:00:00Z"),
      clientTimeZone: NY,
      actions: ACTIONS,
      guard,
    });
    expect(times(suggested)).toEqual({
      "p:post:x:v1": "2026-11-24T15:05:00.000Z",
      "p:post:linkedin:v1": "2026-11-24T15:10:00.000Z",
      "p:post:bluesky:v1": "2026-11-24T15:15:00.000Z",
      "p:ad:linkedin": "2026-11-24T15:00:00.000Z",
      "p:ad:meta": "2026-11-24T15:00:00.000Z",
      "p:follow-up:x:v1": "2026-11-25T14:30:00.000Z",
      "p:follow-up:linkedin:v1": "2026-11-25T14:30:00.000Z",
    });
    expect(suggested.map((s) => s.key)).toEqual(ACTIONS.map((a) => a.key));
    expect(suggested.every((s) => s.guard === undefined)).toBe(true);
    expect(suggested[0]!.reason).toBe("first post on x: 5 minutes after approval (staggered 5 minutes per post)");
    expect(suggested[3]!.reason).toBe("paused ad on linkedin: created at approval");
    expect(suggested[5]!.reason).toBe("follow-up on x: 09:30 the next business morning (Wed, Nov 25, 2026, 9:30 AM EST)");
  });

  it("puts a second post on a channel after every channel's first", () => {
    const suggested = suggestSchedule({
      approvedAt: new Date("2026-11-24T15:00:00Z"),
      windowDeadline: new Date("2026-11-26T15:00:00Z"),
      clientTimeZone: NY,
      actions: [
        { key: "a", kind: "post", channel: "x" },
        { key: "b", kind: "post", channel: "x" },
        { key: "c", kind: "post", channel: "linkedin" },
      ],
      guard,
    });
    expect(times(suggested)).toEqual({ a: "2026-11-24T15:05:00.000Z", b: "2026-11-24T15:15:00.000Z", c: "2026-11-24T15:10:00.000Z" });
    expect(suggested[1]!.reason).toBe("another post on x: 15 minutes after approval (staggered 5 minutes per post)");
  });

  it("guards every suggestion: an approval in the market-close minutes moves ads and posts to 16:05", () => {
    // Approved Mon 2026-11-23 15:52 EST.
    const suggested = suggestSchedule({
      approvedAt: new Date("2026-11-23T20:52:00Z"),
      windowDeadline: new Date("2026-11-26T20:52:00Z"),
      clientTimeZone: NY,
      actions: ACTIONS.slice(0, 4),
      guard,
    });
    expect(times(suggested)).toEqual({
      "p:post:x:v1": "2026-11-23T21:05:00.000Z",
      "p:post:linkedin:v1": "2026-11-23T21:05:00.000Z",
      "p:post:bluesky:v1": "2026-11-23T21:07:00.000Z",
      "p:ad:linkedin": "2026-11-23T20:52:00.000Z",
    });
    expect(suggested[0]!.guard).toEqual({ rule: "blackout:market close", from: "2026-11-23T20:57:00.000Z", to: "2026-11-23T21:05:00.000Z" });
    expect(suggested[0]!.reason).toBe(
      "first post on x: 5 minutes after approval (staggered 5 minutes per post); moved to Mon, Nov 23, 2026, 4:05 PM EST by blackout:market close",
    );
    expect(suggested[2]!.guard).toBeUndefined();
  });

  it("waits for the wire: nothing before notBefore", () => {
    const suggested = suggestSchedule({
      approvedAt: new Date("2026-11-24T15:00:00Z"),
      windowDeadline: new Date("2026-11-26T15:00:00Z"),
      clientTimeZone: NY,
      actions: [ACTIONS[0]!, ACTIONS[3]!],
      guard: { ...guard, notBefore: new Date("2026-11-24T16:00:00Z") },
    });
    expect(times(suggested)).toEqual({ "p:post:x:v1": "2026-11-24T16:00:00.000Z", "p:ad:linkedin": "2026-11-24T16:00:00.000Z" });
    expect(suggested[1]!.guard).toEqual({ rule: "not-before-wire", from: "2026-11-24T15:00:00.000Z", to: "2026-11-24T16:00:00.000Z" });
  });

  it("skips weekends and market holidays for the follow-up, in the client's zone", () => {
    expect(followUpTime(new Date("2026-11-25T15:00:00Z"), NY).toISOString()).toBe("2026-11-27T14:30:00.000Z"); // Wed -> Fri (Thanksgiving)
    expect(followUpTime(new Date("2026-04-02T14:00:00Z"), NY).toISOString()).toBe("2026-04-06T13:30:00.000Z"); // Thu -> Mon (Good Friday), EDT
    expect(followUpTime(new Date("2026-07-02T14:00:00Z"), NY).toISOString()).toBe("2026-07-06T13:30:00.000Z"); // Thu -> Mon (July 3 observed)
    expect(followUpTime(new Date("2026-06-18T14:00:00Z"), NY).toISOString()).toBe("2026-06-22T13:30:00.000Z"); // Thu -> Mon (Juneteenth)
    expect(followUpTime(new Date("2026-11-21T01:00:00Z"), NY).toISOString()).toBe("2026-11-23T14:30:00.000Z"); // Fri 20:00 EST -> Mon
    expect(followUpTime(new Date("2026-11-25T23:30:00Z"), "Europe/Berlin").toISOString()).toBe("2026-11-27T08:30:00.000Z"); // Thu 00:30 CET -> Fri
    expect(followUpTime(new Date("2026-11-25T12:00:00Z"), "Europe/Berlin").toISOString()).toBe("2026-11-26T08:30:00.000Z"); // Thanksgiving is a Berlin business day
    expect(followUpTime(new Date("2026-03-06T15:00:00Z"), NY).toISOString()).toBe("2026-03-09T13:30:00.000Z"); // over the US change: EST -> EDT
    expect(followUpTime(new Date("2026-10-23T12:00:00Z"), "Europe/Berlin").toISOString()).toBe("2026-10-26T08:30:00.000Z"); // over the EU change: CEST -> CET
  });
});

describe("the deadline rule", () => {
  it("pulls a follow-up that would fall after the deadline to the latest allowed time before it", () => {
    // Approved Thu 2026-04-02 10:00 EDT; Good Friday, so the follow-up would be Mon 09:30, after the Sunday deadline.
    const [followUp] = suggestSchedule({
      approvedAt: new Date("2026-04-02T14:00:00Z"),
      windowDeadline: new Date("2026-04-05T14:00:00Z"),
      clientTimeZone: NY,
      actions: [ACTIONS[5]!],
      guard,
    });
    expect(followUp).toEqual({
      key: "p:follow-up:x:v1",
      scheduledFor: new Date("2026-04-05T13:59:00.000Z"),
      late: false,
      reason:
        "follow-up on x: 09:30 the next business morning (Mon, Apr 6, 2026, 9:30 AM EDT); that is not before the window's deadline (Sun, Apr 5, 2026, 10:00 AM EDT), so it is pulled to Sun, Apr 5, 2026, 9:59 AM EDT, the latest time allowed before it",
    });
  });

  it("pulls back to before a blackout that holds the last minute before the deadline", () => {
    // Approved Fri 2026-11-20 15:00 EST, a window closing at 16:00 EST the same day.
    const suggested = suggestSchedule({
      approvedAt: new Date("2026-11-20T20:00:00Z"),
      windowDeadline: new Date("2026-11-20T21:00:00Z"),
      clientTimeZone: NY,
      actions: [ACTIONS[0]!, ACTIONS[5]!],
      guard,
    });
    expect(times(suggested)).toEqual({ "p:post:x:v1": "2026-11-20T20:05:00.000Z", "p:follow-up:x:v1": "2026-11-20T20:54:00.000Z" });
  });

  it("pulls a staggered post back when the approval comes minutes before the deadline", () => {
    const suggested = suggestSchedule({
      approvedAt: new Date("2026-11-24T14:58:00Z"),
      windowDeadline: new Date("2026-11-24T15:00:00Z"),
      clientTimeZone: NY,
      actions: ACTIONS.slice(0, 2),
      guard,
    });
    expect(times(suggested)).toEqual({ "p:post:x:v1": "2026-11-24T14:59:00.000Z", "p:post:linkedin:v1": "2026-11-24T14:59:00.000Z" });
  });

  it("marks it late, with the reason, when the guard allows nothing before the deadline", () => {
    // Approved Fri 2026-11-20 15:56 EST, in the blackout; the window closes at 16:00.
    const [ad] = suggestSchedule({
      approvedAt: new Date("2026-11-20T20:56:00Z"),
      windowDeadline: new Date("2026-11-20T21:00:00Z"),
      clientTimeZone: NY,
      actions: [ACTIONS[3]!],
      guard,
    });
    expect(ad).toEqual({
      key: "p:ad:linkedin",
      scheduledFor: new Date("2026-11-20T21:05:00.000Z"),
      guard: { rule: "blackout:market close", from: "2026-11-20T20:56:00.000Z", to: "2026-11-20T21:05:00.000Z" },
      late: true,
      reason:
        "paused ad on linkedin: created at approval; moved to Fri, Nov 20, 2026, 4:05 PM EST by blackout:market close; the disclosure guard allows nothing before the window's deadline (Fri, Nov 20, 2026, 4:00 PM EST), so it goes out late",
    });
  });

  it("marks everything late when the approval comes after the deadline", () => {
    const suggested = suggestSchedule({
      approvedAt: new Date("2026-11-24T16:00:00Z"),
      windowDeadline: new Date("2026-11-24T15:00:00Z"),
      clientTimeZone: NY,
      actions: ACTIONS.slice(0, 4),
      guard,
    });
    expect(times(suggested)).toEqual({
      "p:post:x:v1": "2026-11-24T16:05:00.000Z late",
      "p:post:linkedin:v1": "2026-11-24T16:10:00.000Z late",
      "p:post:bluesky:v1": "2026-11-24T16:15:00.000Z late",
      "p:ad:linkedin": "2026-11-24T16:00:00.000Z late",
    });
  });

  it("treats a time exactly at the deadline as not before it", () => {
    const [post] = suggestSchedule({
      approvedAt: new Date("2026-11-24T14:55:00Z"),
      windowDeadline: new Date("2026-11-24T15:00:00Z"),
      clientTimeZone: NY,
      actions: [ACTIONS[0]!],
      guard,
    });
    expect(post!.scheduledFor.toISOString()).toBe("2026-11-24T14:59:00.000Z");
  });
});
