import { describe, expect, it } from "vitest";
import { formatZonedTime } from "../../../packages/core/src/email/format-time.ts";

/**
 * email/format-time.ts reuses its Intl formatters (building one per call was most of an email's render
 * time). Reuse must never leak one zone's, locale's or date's result into another call.
 */
describe("reused date formatters", () => {
  const nov = Date.parse("2026-11-24T15:00:00.000Z");
  const jul = Date.parse("2026-07-14T15:00:00.000Z");

  it("gives every call its own zone and date, in any order, many times over", () => {
    const expected: Array<[number, string, string]> = [
      [nov, "America/New_York", "Tue, Nov 24, 2026, 10:00 AM EST"],
      [jul, "America/New_York", "Tue, Jul 14, 2026, 11:00 AM EDT"],
      [nov, "Europe/Berlin", "Tue, Nov 24, 2026, 4:00 PM CET"],
      [jul, "Europe/Berlin", "Tue, Jul 14, 2026, 5:00 PM CEST"],
      [nov, "Asia/Tokyo", "Wed, Nov 25, 2026, 12:00 AM GMT+9"],
      [nov, "Not/AZone", "Tue, Nov 24, 2026, 3:00 PM UTC"],
      [nov, "UTC", "Tue, Nov 24, 2026, 3:00 PM UTC"],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [ms, tz, text] of round === 1 ? [...expected].reverse() : expected) {
        expect(formatZonedTime(ms, tz)).toBe(text);
      }
    }
  });

  it("keeps answering correctly after more zones than the cache holds", () => {
    const zones = Intl.supportedValuesOf("timeZone");
    expect(zones.length).toBeGreaterThan(256);
    for (const tz of zones) expect(formatZonedTime(nov, tz)).toMatch(/^(Tue, Nov 24|Wed, Nov 25), 2026, /);
    expect(formatZonedTime(nov, "America/New_York")).toBe("Tue, Nov 24, 2026, 10:00 AM EST");
    expect(formatZonedTime(nov, "Not/AZone")).toBe("Tue, Nov 24, 2026, 3:00 PM UTC");
  });
});
