import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../packages/core/src/errors.ts";
import { fromZoned, zonedInstants, zonedTime } from "../../../packages/core/src/scheduling/zoned-time.ts";

const iso = (d: Date) => d.toISOString();

/** 2026's DST changes: the US on March 8 and November 1, the EU on March 29 and October 25. */
describe("zonedTime", () => {
  it("reads the wall clock of an instant, with the weekday", () => {
    expect(zonedTime(new Date("2026-11-24T15:00:00Z"), "America/New_York")).toEqual({ y: 2026, m: 11, d: 24, hh: 10, mm: 0, weekday: 2 });
    expect(zonedTime(new Date("2026-11-25T04:30:59.999Z"), "America/New_York")).toEqual({ y: 2026, m: 11, d: 24, hh: 23, mm: 30, weekday: 2 });
    expect(zonedTime(new Date("2026-11-24T23:30:00Z"), "Asia/Tokyo")).toEqual({ y: 2026, m: 11, d: 25, hh: 8, mm: 30, weekday: 3 });
  });

  it("reads midnight as 00, never 24", () => {
    expect(zonedTime(new Date("2026-11-25T05:00:00Z"), "America/New_York")).toMatchObject({ d: 25, hh: 0, mm: 0 });
  });

  it("follows the US change of 2026-03-08: 01:59 EST, then 03:00 EDT", () => {
    expect(zonedTime(new Date("2026-03-08T06:59:00Z"), "America/New_York")).toMatchObject({ d: 8, hh: 1, mm: 59, weekday: 0 });
    expect(zonedTime(new Date("2026-03-08T07:00:00Z"), "America/New_York")).toMatchObject({ d: 8, hh: 3, mm: 0 });
  });

  it("follows the EU change of 2026-10-25: 02:59 CEST, then 02:00 CET again", () => {
    expect(zonedTime(new Date("2026-10-25T00:59:00Z"), "Europe/Berlin")).toMatchObject({ d: 25, hh: 2, mm: 59 });
    expect(zonedTime(new Date("2026-10-25T01:00:00Z"), "Europe/Berlin")).toMatchObject({ d: 25, hh: 2, mm: 0 });
  });

  it("names the field of an unknown zone", () => {
    expect(() => zonedTime(new Date("2026-11-24T15:00:00Z"), "Not/AZone")).toThrow(ValidationError);
    expect(() => zonedTime(new Date("2026-11-24T15:00:00Z"), "Not/AZone")).toThrow('timeZone: "Not/AZone" is not an IANA time zone');
  });
});

describe("fromZoned", () => {
  it("gives the instant of an ordinary wall time, winter and summer", () => {
    expect(iso(fromZoned({ y: 2026, m: 11, d: 24, hh: 10, mm: 0 }, "America/New_York"))).toBe("2026-11-24T15:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 7, d: 14, hh: 10, mm: 0 }, "America/New_York"))).toBe("2026-07-14T14:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 7, d: 14, hh: 10, mm: 0 }, "Europe/Berlin"))).toBe("2026-07-14T08:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 7, d: 14, hh: 10, mm: 0 }, "UTC"))).toBe("2026-07-14T10:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 7, d: 14, hh: 10, mm: 0 }, "Asia/Kolkata"))).toBe("2026-07-14T04:30:00.000Z");
  });

  it("US spring forward, 2026-03-08: the minutes around the gap, and a time in it moves to 03:00 EDT", () => {
    expect(iso(fromZoned({ y: 2026, m: 3, d: 8, hh: 1, mm: 59 }, "America/New_York"))).toBe("2026-03-08T06:59:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 3, d: 8, hh: 2, mm: 0 }, "America/New_York"))).toBe("2026-03-08T07:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 3, d: 8, hh: 2, mm: 30 }, "America/New_York"))).toBe("2026-03-08T07:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 3, d: 8, hh: 3, mm: 0 }, "America/New_York"))).toBe("2026-03-08T07:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 3, d: 8, hh: 3, mm: 1 }, "America/New_York"))).toBe("2026-03-08T07:01:00.000Z");
    expect(zonedInstants({ y: 2026, m: 3, d: 8, hh: 2, mm: 30 }, "America/New_York")).toEqual([]);
  });

  it("US fall back, 2026-11-01: 01:30 is read twice and the first (EDT) is taken", () => {
    expect(zonedInstants({ y: 2026, m: 11, d: 1, hh: 1, mm: 30 }, "America/New_York").map(iso)).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-01T06:30:00.000Z"]);
    expect(iso(fromZoned({ y: 2026, m: 11, d: 1, hh: 1, mm: 30 }, "America/New_York"))).toBe("2026-11-01T05:30:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 11, d: 1, hh: 2, mm: 0 }, "America/New_York"))).toBe("2026-11-01T07:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 11, d: 1, hh: 0, mm: 59 }, "America/New_York"))).toBe("2026-11-01T04:59:00.000Z");
  });

  it("EU spring forward, 2026-03-29: Berlin skips 02:00-03:00, London 01:00-02:00", () => {
    expect(iso(fromZoned({ y: 2026, m: 3, d: 29, hh: 1, mm: 59 }, "Europe/Berlin"))).toBe("2026-03-29T00:59:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 3, d: 29, hh: 2, mm: 30 }, "Europe/Berlin"))).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 3, d: 29, hh: 3, mm: 0 }, "Europe/Berlin"))).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 3, d: 29, hh: 1, mm: 30 }, "Europe/London"))).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 3, d: 29, hh: 2, mm: 0 }, "Europe/London"))).toBe("2026-03-29T01:00:00.000Z");
  });

  it("EU fall back, 2026-10-25: Berlin reads 02:30 twice and the first (CEST) is taken", () => {
    expect(zonedInstants({ y: 2026, m: 10, d: 25, hh: 2, mm: 30 }, "Europe/Berlin").map(iso)).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z"]);
    expect(iso(fromZoned({ y: 2026, m: 10, d: 25, hh: 2, mm: 30 }, "Europe/Berlin"))).toBe("2026-10-25T00:30:00.000Z");
    expect(iso(fromZoned({ y: 2026, m: 10, d: 25, hh: 3, mm: 0 }, "Europe/Berlin"))).toBe("2026-10-25T02:00:00.000Z");
  });

  it("round-trips every minute of both 2026 US change days", () => {
    for (const start of ["2026-03-08T05:00:00Z", "2026-11-01T04:00:00Z"]) {
      for (let minute = 0; minute < 24 * 60; minute++) {
        const instant = new Date(Date.parse(start) + minute * 60_000);
        const wall = zonedTime(instant, "America/New_York");
        expect(zonedInstants(wall, "America/New_York").map(iso)).toContain(iso(instant));
      }
    }
  });
});
