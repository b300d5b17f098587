import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../packages/core/src/errors.ts";
import { checkChosenTime, type ChosenTimeContext } from "../../../packages/core/src/scheduling/check-chosen-time.ts";
import { MARKET_CLOSE_BLACKOUT } from "../../../packages/core/src/scheduling/disclosure.ts";

const context: ChosenTimeContext = {
  windowDeadline: new Date("2026-11-26T15:00:00Z"), // Thu 10:00 EST
  guard: { blackouts: [MARKET_CLOSE_BLACKOUT], clientTimeZone: "America/New_York" },
  now: new Date("2026-11-24T15:00:00Z"), // Tue 10:00 EST
};

function errorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error("expected a ValidationError");
}

describe("checkChosenTime", () => {
  it("keeps a time inside the window that the guard allows", () => {
    expect(checkChosenTime(new Date("2026-11-25T14:00:00Z"), context)).toEqual({ at: new Date("2026-11-25T14:00:00.000Z"), late: false });
  });

  it("moves a time in a blackout and says so", () => {
    expect(checkChosenTime(new Date("2026-11-24T20:59:00Z"), context)).toEqual({
      at: new Date("2026-11-24T21:05:00.000Z"),
      guard: { rule: "blackout:market close", from: "2026-11-24T20:59:00.000Z", to: "2026-11-24T21:05:00.000Z" },
      late: false,
    });
  });

  it("moves a time before the wire to the wire", () => {
    const wire = { ...context, guard: { ...context.guard, notBefore: new Date("2026-11-24T16:00:00Z") } };
    expect(checkChosenTime(new Date("2026-11-24T15:30:00Z"), wire)).toMatchObject({ at: new Date("2026-11-24T16:00:00.000Z"), guard: { rule: "not-before-wire" } });
  });

  it("refuses a time after the deadline without a reason, naming the field", () => {
    const error = errorOf(() => checkChosenTime(new Date("2026-11-26T16:00:00Z"), context));
    expect(error.field).toBe("at");
    expect(error.message).toBe("at: after the window's deadline (Thu, Nov 26, 2026, 10:00 AM EST); give a reason to schedule late");
    expect(errorOf(() => checkChosenTime(new Date("2026-11-26T15:00:00Z"), context)).field).toBe("at");
    expect(errorOf(() => checkChosenTime(new Date("2026-11-26T16:00:00Z"), { ...context, lateReason: "   " })).field).toBe("at");
  });

  it("accepts a late time with a reason, marked late and keeping the reason", () => {
    expect(checkChosenTime(new Date("2026-11-26T16:00:00Z"), { ...context, lateReason: " the CEO's interview airs Thursday " })).toEqual({
      at: new Date("2026-11-26T16:00:00.000Z"),
      late: true,
      lateReason: "the CEO's interview airs Thursday",
    });
  });

  it("refuses a time the guard moves past the deadline, saying where it moved", () => {
    const closing = { ...context, windowDeadline: new Date("2026-11-24T21:00:00Z") }; // Tue 16:00 EST
    expect(errorOf(() => checkChosenTime(new Date("2026-11-24T20:58:00Z"), closing)).message).toBe(
      "at: moved by blackout:market close to Tue, Nov 24, 2026, 4:05 PM EST, after the window's deadline (Tue, Nov 24, 2026, 4:00 PM EST); give a reason to schedule late",
    );
  });

  it("refuses a time more than a minute in the past, and accepts one within the minute", () => {
    const error = errorOf(() => checkChosenTime(new Date("2026-11-24T14:58:59Z"), context));
    expect(error.field).toBe("at");
    expect(error.message).toBe("at: is in the past (Tue, Nov 24, 2026, 9:58 AM EST; it is now Tue, Nov 24, 2026, 10:00 AM EST)");
    expect(checkChosenTime(new Date("2026-11-24T14:59:00Z"), context)).toEqual({ at: new Date("2026-11-24T14:59:00.000Z"), late: false });
    expect(errorOf(() => checkChosenTime(new Date("not a time"), context)).message).toBe("at: is not a time");
  });
});
