import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../packages/core/src/errors.ts";
import { DisclosureSettings, defaultDisclosure, parseDisclosureSettings } from "../../../packages/core/src/scheduling/disclosure.ts";

function fieldOf(input: unknown): string {
  try {
    parseDisclosureSettings(input);
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  throw new Error("expected a ValidationError");
}

describe("disclosure settings", () => {
  it("gives a client with a ticker the market-close blackout, on trading days in New York", () => {
    expect(parseDisclosureSettings({ ticker: "ACME" })).toEqual({
      ticker: "ACME",
      blackouts: [{ name: "market close", timeZone: "America/New_York", days: "trading", start: "15:55", end: "16:05" }],
      requireWire: true,
    });
    expect(defaultDisclosure("NASDAQ:ACME").blackouts).toHaveLength(1);
  });

  it("gives a client without a ticker no blackout, and requires the wire", () => {
    expect(parseDisclosureSettings(undefined)).toEqual({ blackouts: [], requireWire: true });
    expect(defaultDisclosure()).toEqual({ blackouts: [], requireWire: true });
  });

  it("keeps the blackouts given, even none for a listed client", () => {
    expect(parseDisclosureSettings({ ticker: "ACME", blackouts: [] }).blackouts).toEqual([]);
    const settings = DisclosureSettings.parse({
      blackouts: [{ name: "earnings call", timeZone: "Europe/Berlin", start: "14:00", end: "15:00" }],
      quietHours: { start: "22:00", end: "07:00" },
      requireWire: false,
    });
    expect(settings).toEqual({
      blackouts: [{ name: "earnings call", timeZone: "Europe/Berlin", days: "every", start: "14:00", end: "15:00" }],
      quietHours: { start: "22:00", end: "07:00" },
      requireWire: false,
    });
  });

  it("names the bad field", () => {
    const blackout = { name: "close", timeZone: "America/New_York", days: "trading", start: "15:55", end: "16:05" };
    expect(fieldOf({ blackouts: [{ ...blackout, end: "16:5" }] })).toBe("disclosure.blackouts[0].end");
    expect(fieldOf({ blackouts: [{ ...blackout, end: "24:00" }] })).toBe("disclosure.blackouts[0].end");
    expect(fieldOf({ blackouts: [{ ...blackout, end: "15:55" }] })).toBe("disclosure.blackouts[0].end");
    expect(fieldOf({ blackouts: [blackout, { ...blackout, timeZone: "New York" }] })).toBe("disclosure.blackouts[1].timeZone");
    expect(fieldOf({ blackouts: [{ ...blackout, days: "weekdays" }] })).toBe("disclosure.blackouts[0].days");
    expect(fieldOf({ blackouts: [{ ...blackout, name: "" }] })).toBe("disclosure.blackouts[0].name");
    expect(fieldOf({ quietHours: { start: "7pm", end: "07:00" } })).toBe("disclosure.quietHours.start");
    expect(fieldOf({ ticker: "acme" })).toBe("disclosure.ticker");
    expect(fieldOf({ requireWire: "yes" })).toBe("disclosure.requireWire");
    expect(() => parseDisclosureSettings({ blackouts: [{ ...blackout, end: "15:55" }] })).toThrow(
      "disclosure.blackouts[0].end: must differ from start (a window of no time, or of the whole day, is not a blackout)",
    );
  });

  it("refuses settings it does not know", () => {
    expect(fieldOf({ notBefore: "2026-11-24T15:00:00Z" })).toBe("disclosure");
  });
});
