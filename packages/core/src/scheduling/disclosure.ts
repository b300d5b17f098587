/**
 * A client's `disclosure` settings: when nothing may be published for it. Listed companies avoid the
 * minutes around the market close (Nasdaq asks issuers to avoid 16:00-16:01 ET and suggests waiting
 * until 16:05; NYSE asks them to wait for its closing price), and some teams keep quiet hours. The
 * guard that applies them is guard.ts; the rules are docs/scheduling.md.
 *
 * This module imports nothing from config/, so the client schema can embed DisclosureSettings
 * without an import cycle.
 */
import { z } from "zod";
import { ValidationError } from "../errors.ts";
import { isIanaTimeZone } from "./zoned-time.ts";

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day HH:MM (24-hour), such as 15:55");

const timeZone = z.string().refine(isIanaTimeZone, "must be an IANA time zone such as America/New_York");

/** Which days a blackout applies on: NYSE/Nasdaq trading days, business days (market-calendar.ts), or every day. */
export const BLACKOUT_DAYS = ["trading", "business", "every"] as const;
export type BlackoutDays = (typeof BLACKOUT_DAYS)[number];

/** A window of the day, HH:MM to HH:MM; an end before the start crosses midnight (22:00-06:00). */
const dailyWindow = {
  start: clockTime,
  end: clockTime,
};

function differentEnds(window: { start: string; end: string }): boolean {
  return window.start !== window.end;
}
const SAME_ENDS = { message: "must differ from start (a window of no time, or of the whole day, is not a blackout)", path: ["end"] };

export const Blackout = z
  .strictObject({
    /** Shown in the guard's move: `blackout:<name>`. */
    name: z.string().min(1).max(100),
    timeZone,
    days: z.enum(BLACKOUT_DAYS).default("every"),
    ...dailyWindow,
  })
  .refine(differentEnds, SAME_ENDS);
export type Blackout = z.infer<typeof Blackout>;

/** Quiet hours, every day in the client's time zone; an end before the start crosses midnight. */
export const QuietHours = z.strictObject(dailyWindow).refine(differentEnds, SAME_ENDS);
export type QuietHours = z.infer<typeof QuietHours>;

/** The default blackout of a client with a ticker: the minutes around the US market close. */
export const MARKET_CLOSE_BLACKOUT: Blackout = Object.freeze({
  name: "market close",
  timeZone: "America/New_York",
  days: "trading",
  start: "15:55",
  end: "16:05",
});

/**
 * The `disclosure` settings. Omitted `blackouts` default to the market-close blackout when the client
 * has a ticker and to none otherwise; a list given (even an empty one) is kept as it is, so a listed
 * client can opt out.
 */
export const DisclosureSettings = z
  .strictObject({
    /**
     * The client's own ticker, e.g. "ACME" or "NASDAQ:ACME". The client record has no ticker of its
     * own (a release's tickers are the issuers it names, not necessarily the client), so it lives here.
     */
    ticker: z
      .string()
      .regex(/^([A-Z]{1,10}:)?[A-Z][A-Z0-9.\-]{0,9}$/, "must be a ticker symbol such as ACME or NASDAQ:ACME")
      .optional(),
    blackouts: z.array(Blackout).max(20).optional(),
    quietHours: QuietHours.optional(),
    /**
     * Nothing goes out before the release is on a wire (its publication time on a wire feed); a
     * release seen only on a newsroom waits until a wire carries it or a person confirms.
     */
    requireWire: z.boolean().default(true),
  })
  .transform((settings) => ({
    ...settings,
    blackouts: settings.blackouts ?? (settings.ticker === undefined ? [] : [{ ...MARKET_CLOSE_BLACKOUT }]),
  }));
export type DisclosureSettings = z.infer<typeof DisclosureSettings>;

/** The settings of a client that has none: no ticker, no blackouts, no quiet hours, wire required. */
export function defaultDisclosure(ticker?: string): DisclosureSettings {
  return DisclosureSettings.parse(ticker === undefined ? {} : { ticker });
}

/**
 * Validates `disclosure` settings on their own (the client schema validates them in place); throws
 * ValidationError naming the first bad field, e.g. `disclosure.blackouts[0].end`.
 */
export function parseDisclosureSettings(input: unknown): DisclosureSettings {
  const result = DisclosureSettings.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ValidationError(fieldPath(["disclosure", ...issue.path]), issue.message, { cause: result.error });
}

/** `disclosure.blackouts[0].end`, the way a person writes a path. */
function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out === "" ? String(part) : `${out}.${String(part)}`), "");
}
