import { describe, expect, it } from "vitest";
import { easterSunday, isBusinessDay, isTradingDay, marketHolidayOn, marketHolidays } from "../../../packages/core/src/scheduling/market-calendar.ts";

const day = (text: string) => {
  const [y, m, d] = text.split("-").map(Number);
  return { y: y!, m: m!, d: d! };
};

describe("NYSE full-day holidays", () => {
  it("lists 2026's, each on the day the market is closed", () => {
    expect(marketHolidays(2026)).toEqual([
      { date: "2026-01-01", name: "New Year's Day" },
      { date: "2026-01-19", name: "Martin Luther King Jr. Day" },
      { date: "2026-02-16", name: "Washington's Birthday (Presidents' Day)" },
      { date: "2026-04-03", name: "Good Friday" },
      { date: "2026-05-25", name: "Memorial Day" },
      { date: "2026-06-19", name: "Juneteenth National Independence Day" },
      { date: "2026-07-03", name: "Independence Day" },
      { date: "2026-09-07", name: "Labor Day" },
      { date: "2026-11-26", name: "Thanksgiving Day" },
      { date: "2026-12-25", name: "Christmas Day" },
    ]);
  });

  it("lists 2027's: Juneteenth and Christmas on a Saturday close the Friday before, July 4 on a Sunday the Monday after", () => {
    expect(marketHolidays(2027).map((h) => h.date)).toEqual([
      "2027-01-01",
      "2027-01-18",
      "2027-02-15",
      "2027-03-26",
      "2027-05-31",
      "2027-06-18",
      "2027-07-05",
      "2027-09-06",
      "2027-11-25",
      "2027-12-24",
    ]);
  });

  it("has no New Year's holiday when January 1 is a Saturday (NYSE trades on Friday, December 31)", () => {
    expect(marketHolidays(2022).map((h) => h.date)).not.toContain("2021-12-31");
    expect(marketHolidays(2022)[0]).toEqual({ date: "2022-01-17", name: "Martin Luther King Jr. Day" });
    expect(isTradingDay(day("2021-12-31"))).toBe(true);
    expect(marketHolidays(2028)[0]!.name).toBe("Martin Luther King Jr. Day");
    expect(isTradingDay(day("2027-12-31"))).toBe(true);
  });

  it("moves New Year's Day on a Sunday to Monday, January 2", () => {
    expect(marketHolidays(2023)[0]).toEqual({ date: "2023-01-02", name: "New Year's Day" });
    expect(isTradingDay(day("2023-01-02"))).toBe(false);
  });

  it("has Juneteenth from 2022 on, and on a Sunday the Monday after", () => {
    expect(marketHolidays(2021).map((h) => h.name)).not.toContain("Juneteenth National Independence Day");
    expect(marketHolidayOn(day("2022-06-20"))).toBe("Juneteenth National Independence Day");
    expect(marketHolidayOn(day("2026-06-19"))).toBe("Juneteenth National Independence Day");
  });

  it("computes Easter (so Good Friday) for years near and far", () => {
    expect([2024, 2025, 2026, 2027, 2038, 2285].map((y) => easterSunday(y))).toEqual([
      { y: 2024, m: 3, d: 31 },
      { y: 2025, m: 4, d: 20 },
      { y: 2026, m: 4, d: 5 },
      { y: 2027, m: 3, d: 28 },
      { y: 2038, m: 4, d: 25 },
      { y: 2285, m: 3, d: 22 },
    ]);
    expect(marketHolidayOn(day("2025-04-18"))).toBe("Good Friday");
  });
});

describe("trading and business days", () => {
  it("trades on weekdays that are not holidays", () => {
    expect(isTradingDay(day("2026-04-03"))).toBe(false); // Good Friday
    expect(isTradingDay(day("2026-04-02"))).toBe(true);
    expect(isTradingDay(day("2026-11-26"))).toBe(false); // Thanksgiving
    expect(isTradingDay(day("2026-11-27"))).toBe(true); // an early close, still a trading day
    expect(isTradingDay(day("2026-07-03"))).toBe(false); // Independence Day, observed
    expect(isTradingDay(day("2026-07-04"))).toBe(false); // a Saturday
    expect(isTradingDay(day("2026-06-19"))).toBe(false); // Juneteenth
    expect(isTradingDay(day("2026-11-22"))).toBe(false); // a Sunday
  });

  it("counts US holidays as non-business days in the Americas only", () => {
    expect(isBusinessDay(day("2026-11-26"), "America/New_York")).toBe(false);
    expect(isBusinessDay(day("2026-11-26"), "America/Los_Angeles")).toBe(false);
    expect(isBusinessDay(day("2026-11-26"), "US/Eastern")).toBe(false);
    expect(isBusinessDay(day("2026-11-26"), "Europe/Berlin")).toBe(true);
    expect(isBusinessDay(day("2026-11-28"), "Europe/Berlin")).toBe(false);
    expect(isBusinessDay(day("2026-11-27"), "America/New_York")).toBe(true);
  });
});
