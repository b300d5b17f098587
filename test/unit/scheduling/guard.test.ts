import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../packages/core/src/errors.ts";
import { MARKET_CLOSE_BLACKOUT, type Blackout } from "../../../packages/core/src/scheduling/disclosure.ts";
import { applyGuard, guardSummary, latestAllowedBefore, type DisclosureGuard } from "../../../packages/core/src/scheduling/guard.ts";

const NY = "America/New_York";
const marketClose: DisclosureGuard = { blackouts: [MARKET_CLOSE_BLACKOUT], clientTimeZone: NY };

/** Where the guard puts the time, as ISO. */
function guarded(at: string, guard: DisclosureGuard = marketClose): string {
  return applyGuard(new Date(at), guard).at.toISOString();
}

describe("the market-close blackout (15:55-16:05 New York, trading days)", () => {
  it("moves a time inside it to its end, and leaves times outside where they are", () => {
    // Tue 2026-11-24, EST (UTC-5): the blackout is 20:55-21:05 UTC.
    expect(applyGuard(new Date("2026-11-24T20:58:00Z"), marketClose)).toEqual({
      at: new Date("2026-11-24T21:05:00.000Z"),
      moves: [{ rule: "blackout:market close", from: "2026-11-24T20:58:00.000Z", to: "2026-11-24T21:05:00.000Z" }],
    });
    expect(guarded("2026-11-24T20:55:00Z")).toBe("2026-11-24T21:05:00.000Z");
    expect(guarded("2026-11-24T21:04:59Z")).toBe("2026-11-24T21:05:00.000Z");
    expect(guarded("2026-11-24T20:54:59Z")).toBe("2026-11-24T20:54:59.000Z");
    expect(guarded("2026-11-24T21:05:00Z")).toBe("2026-11-24T21:05:00.000Z");
    expect(applyGuard(new Date("2026-11-24T21:05:00Z"), marketClose).moves).toEqual([]);
  });

  it("follows New York's clock through the US DST week of 2026-03-08", () => {
    expect(guarded("2026-03-06T20:58:00Z")).toBe("2026-03-06T21:05:00.000Z"); // Friday, EST
    expect(guarded("2026-03-09T19:58:00Z")).toBe("2026-03-09T20:05:00.000Z"); // Monday, EDT
    expect(guarded("2026-03-09T20:58:00Z")).toBe("2026-03-09T20:58:00.000Z"); // 16:58 EDT: after it
    expect(guarded("2026-03-07T20:58:00Z")).toBe("2026-03-07T20:58:00.000Z"); // Saturday
    expect(guarded("2026-03-08T19:58:00Z")).toBe("2026-03-08T19:58:00.000Z"); // Sunday, the change day
  });

  it("follows New York's clock through the US DST week of 2026-11-01", () => {
    expect(guarded("2026-10-30T19:58:00Z")).toBe("2026-10-30T20:05:00.000Z"); // Friday, EDT
    expect(guarded("2026-11-02T19:58:00Z")).toBe("2026-11-02T19:58:00.000Z"); // Monday, 14:58 EST
    expect(guarded("2026-11-02T20:58:00Z")).toBe("2026-11-02T21:05:00.000Z"); // Monday, EST
  });

  it("is New York's clock for a Berlin client, in the EU DST weeks of 2026-03-29 and 2026-10-25", () => {
    const berlin: DisclosureGuard = { ...marketClose, clientTimeZone: "Europe/Berlin" };
    // Between the US and EU changes New York is 5 hours behind Berlin, not 6: 21:00 CET is 16:00 EDT.
    expect(guarded("2026-03-23T20:00:00Z", berlin)).toBe("2026-03-23T20:05:00.000Z");
    expect(guarded("2026-03-30T20:00:00Z", berlin)).toBe("2026-03-30T20:05:00.000Z"); // 22:00 CEST, 16:00 EDT
    expect(guarded("2026-03-30T21:00:00Z", berlin)).toBe("2026-03-30T21:00:00.000Z");
    expect(guarded("2026-10-27T20:00:00Z", berlin)).toBe("2026-10-27T20:05:00.000Z"); // 21:00 CET, 16:00 EDT
    expect(guarded("2026-10-23T20:00:00Z", berlin)).toBe("2026-10-23T20:05:00.000Z"); // 22:00 CEST, 16:00 EDT
  });

  it("does not apply on market holidays", () => {
    expect(guarded("2026-04-03T20:00:00Z")).toBe("2026-04-03T20:00:00.000Z"); // Good Friday, 16:00 EDT
    expect(guarded("2026-04-02T20:00:00Z")).toBe("2026-04-02T20:05:00.000Z");
    expect(guarded("2026-11-26T21:00:00Z")).toBe("2026-11-26T21:00:00.000Z"); // Thanksgiving, 16:00 EST
    expect(guarded("2026-11-27T21:00:00Z")).toBe("2026-11-27T21:05:00.000Z");
    expect(guarded("2026-06-19T20:00:00Z")).toBe("2026-06-19T20:00:00.000Z"); // Juneteenth
    expect(guarded("2026-07-03T20:00:00Z")).toBe("2026-07-03T20:00:00.000Z"); // Independence Day, observed
    expect(guarded("2026-07-02T20:00:00Z")).toBe("2026-07-02T20:05:00.000Z");
  });
});

describe("other blackouts, in DST change weeks", () => {
  it("moves out of a Berlin blackout across the EU spring change, whose end does not exist that night", () => {
    const night: Blackout = { name: "maintenance", timeZone: "Europe/Berlin", days: "every", start: "01:30", end: "02:30" };
    const guard: DisclosureGuard = { blackouts: [night], clientTimeZone: "Europe/Berlin" };
    // 2026-03-29 01:45 CET; 02:30 is skipped, so the first valid minute after it, 03:00 CEST.
    expect(guarded("2026-03-29T00:45:00Z", guard)).toBe("2026-03-29T01:00:00.000Z");
    expect(guarded("2026-03-28T00:45:00Z", guard)).toBe("2026-03-28T01:30:00.000Z");
  });

  it("moves out of each reading of a fall-back hour to that reading's end (2026-11-01, New York)", () => {
    const early: Blackout = { name: "early", timeZone: NY, days: "every", start: "01:00", end: "01:30" };
    const guard: DisclosureGuard = { blackouts: [early], clientTimeZone: NY };
    expect(guarded("2026-11-01T05:10:00Z", guard)).toBe("2026-11-01T05:30:00.000Z"); // 01:10 EDT
    expect(guarded("2026-11-01T06:10:00Z", guard)).toBe("2026-11-01T06:30:00.000Z"); // 01:10 EST
    expect(guarded("2026-11-01T05:40:00Z", guard)).toBe("2026-11-01T05:40:00.000Z"); // 01:40 EDT
  });

  it("takes business days in the zone of the blackout", () => {
    const lunch: Blackout = { name: "lunch", timeZone: "Europe/Berlin", days: "business", start: "12:00", end: "13:00" };
    const guard: DisclosureGuard = { blackouts: [lunch], clientTimeZone: NY };
    expect(guarded("2026-11-26T11:30:00Z", guard)).toBe("2026-11-26T12:00:00.000Z"); // Thanksgiving is a Berlin business day
    expect(guarded("2026-11-28T11:30:00Z", guard)).toBe("2026-11-28T11:30:00.000Z"); // Saturday
  });
});

describe("notBefore (the release on the wire)", () => {
  it("moves an earlier time to it, and leaves it and later times alone", () => {
    const guard: DisclosureGuard = { notBefore: new Date("2026-11-24T14:30:00Z"), blackouts: [], clientTimeZone: NY };
    expect(applyGuard(new Date("2026-11-24T14:00:00Z"), guard).moves).toEqual([
      { rule: "not-before-wire", from: "2026-11-24T14:00:00.000Z", to: "2026-11-24T14:30:00.000Z" },
    ]);
    expect(guarded("2026-11-24T14:30:00Z", guard)).toBe("2026-11-24T14:30:00.000Z");
    expect(guarded("2026-11-24T14:31:00Z", guard)).toBe("2026-11-24T14:31:00.000Z");
  });
});

describe("quiet hours (the client's zone)", () => {
  const quiet: DisclosureGuard = { blackouts: [], quietHours: { start: "22:00", end: "07:00" }, clientTimeZone: NY };

  it("cross midnight: late evening and early morning both move to 07:00", () => {
    expect(applyGuard(new Date("2026-11-25T04:30:00Z"), quiet).moves).toEqual([
      { rule: "quiet-hours", from: "2026-11-25T04:30:00.000Z", to: "2026-11-25T12:00:00.000Z" },
    ]); // 23:30 EST -> 07:00 EST
    expect(guarded("2026-11-25T11:00:00Z", quiet)).toBe("2026-11-25T12:00:00.000Z"); // 06:00 EST
    expect(guarded("2026-11-25T03:00:00Z", quiet)).toBe("2026-11-25T12:00:00.000Z"); // 22:00 EST
    expect(guarded("2026-11-25T02:59:00Z", quiet)).toBe("2026-11-25T02:59:00.000Z"); // 21:59 EST
    expect(guarded("2026-11-25T12:00:00Z", quiet)).toBe("2026-11-25T12:00:00.000Z");
  });

  it("cross the fall-back night: 23:00 EDT moves to 07:00 EST, 9 hours later", () => {
    expect(guarded("2026-11-01T03:00:00Z", quiet)).toBe("2026-11-01T12:00:00.000Z");
  });

  it("cross the spring-forward night: 23:00 EST moves to 07:00 EDT, 7 hours later", () => {
    expect(guarded("2026-03-08T04:00:00Z", quiet)).toBe("2026-03-08T11:00:00.000Z");
  });
});

describe("chained moves", () => {
  const chain: DisclosureGuard = {
    notBefore: new Date("2026-11-23T20:57:00Z"), // 15:57 EST
    blackouts: [MARKET_CLOSE_BLACKOUT, { name: "earnings call", timeZone: NY, days: "every", start: "16:05", end: "16:30" }],
    quietHours: { start: "16:30", end: "17:00" },
    clientTimeZone: NY,
  };

  it("moves until no rule applies, each move recorded, and sums them up by the last rule", () => {
    const result = applyGuard(new Date("2026-11-23T20:00:00Z"), chain);
    expect(result.at.toISOString()).toBe("2026-11-23T22:00:00.000Z");
    expect(result.moves).toEqual([
      { rule: "not-before-wire", from: "2026-11-23T20:00:00.000Z", to: "2026-11-23T20:57:00.000Z" },
      { rule: "blackout:market close", from: "2026-11-23T20:57:00.000Z", to: "2026-11-23T21:05:00.000Z" },
      { rule: "blackout:earnings call", from: "2026-11-23T21:05:00.000Z", to: "2026-11-23T21:30:00.000Z" },
      { rule: "quiet-hours", from: "2026-11-23T21:30:00.000Z", to: "2026-11-23T22:00:00.000Z" },
    ]);
    expect(guardSummary(result.moves)).toEqual({ rule: "quiet-hours", from: "2026-11-23T20:00:00.000Z", to: "2026-11-23T22:00:00.000Z" });
    expect(guardSummary([])).toBeUndefined();
  });

  it("refuses rules that leave no time at all, naming the settings", () => {
    const allDay: DisclosureGuard = {
      blackouts: [
        { name: "morning", timeZone: NY, days: "every", start: "00:00", end: "12:00" },
        { name: "afternoon", timeZone: NY, days: "every", start: "12:00", end: "00:00" },
      ],
      clientTimeZone: NY,
    };
    expect(() => applyGuard(new Date("2026-11-23T20:00:00Z"), allDay)).toThrow(ValidationError);
    expect(() => applyGuard(new Date("2026-11-23T20:00:00Z"), allDay)).toThrow(/^disclosure: the blackouts and quiet hours leave no time/);
  });
});

describe("latestAllowedBefore", () => {
  it("is a minute before the limit, or before the blackout that holds that minute", () => {
    const floor = new Date("2026-11-20T12:00:00Z");
    expect(latestAllowedBefore(new Date("2026-11-20T20:00:00Z"), floor, marketClose)?.toISOString()).toBe("2026-11-20T19:59:00.000Z");
    expect(latestAllowedBefore(new Date("2026-11-20T21:00:00Z"), floor, marketClose)?.toISOString()).toBe("2026-11-20T20:54:00.000Z");
  });

  it("is undefined when the guard allows nothing between the floor and the limit", () => {
    expect(latestAllowedBefore(new Date("2026-11-20T21:00:00Z"), new Date("2026-11-20T20:56:00Z"), marketClose)).toBeUndefined();
    const wire: DisclosureGuard = { ...marketClose, notBefore: new Date("2026-11-21T00:00:00Z") };
    expect(latestAllowedBefore(new Date("2026-11-20T23:00:00Z"), new Date("2026-11-20T12:00:00Z"), wire)).toBeUndefined();
  });
});
