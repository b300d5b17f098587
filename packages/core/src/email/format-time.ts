/**
 * Dates and times in a client's time zone, as every email (and the web app) shows them, e.g.
 * "Tue, Nov 24, 2026, 10:00 AM EST". An unknown zone falls back to UTC.
 *
 * Building an Intl formatter costs far more than formatting with one (it was most of an email's
 * rendering time), so formatters are made once per (purpose, locale, zone) and reused; the caches
 * are bounded, since zones come from stored plans.
 */

const MAIN_TIME_OPTIONS: Intl.DateTimeFormatOptions = {
  weekday: "short",
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
};

/** Reused formatters by (purpose, locale, zone); bounded, since zones come from stored plans. */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();
const MAX_DATE_FORMATS = 256;

/** A cached Intl.DateTimeFormat; throws RangeError for an unknown zone, like the constructor. */
function dateFormat(purpose: "main" | "zone", locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${purpose}\u0000${locale}\u0000${timeZone}`;
  let format = DATE_FORMATS.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(
      locale,
      purpose === "main" ? { ...MAIN_TIME_OPTIONS, timeZone } : { timeZone, timeZoneName: "short" },
    );
    if (DATE_FORMATS.size >= MAX_DATE_FORMATS) DATE_FORMATS.clear();
    DATE_FORMATS.set(key, format);
  }
  return format;
}

/** Zone -> the zone to use ("UTC" for one Intl does not know). */
const USABLE_ZONES = new Map<string, string>();

/** `tz` when Intl knows it, else "UTC". */
export function usableTimeZone(tz: string): string {
  let usable = USABLE_ZONES.get(tz);
  if (usable === undefined) {
    try {
      dateFormat("main", "en-US", tz);
      usable = tz;
    } catch {
      usable = "UTC";
    }
    if (USABLE_ZONES.size >= MAX_DATE_FORMATS) USABLE_ZONES.clear();
    USABLE_ZONES.set(tz, usable);
  }
  return usable;
}

/**
 * Locales whose short zone names are abbreviations (CET, BST, AEST, IST) where en-US shows only an
 * offset (GMT+1). Tried in order after en-US; the first non-offset name wins.
 */
function zoneNameLocales(tz: string): string[] {
  if (tz.startsWith("Europe/")) return ["en-GB"];
  if (tz.startsWith("Australia/")) return ["en-AU"];
  if (tz === "Asia/Kolkata" || tz === "Asia/Calcutta") return ["en-IN"];
  if (tz === "Pacific/Auckland") return ["en-NZ"];
  return [];
}

/** e.g. "Tue, Nov 24, 2026, 10:00 AM EST" (or "… 4:00 PM CET" for Europe/Berlin). */
export function formatZonedTime(ms: number, timeZone: string): string {
  const tz = usableTimeZone(timeZone);
  const date = new Date(ms);
  const main = dateFormat("main", "en-US", tz).format(date);
  let zone = zoneName("en-US", tz, date);
  if (/^GMT[+-]/.test(zone)) {
    for (const locale of zoneNameLocales(tz)) {
      const candidate = zoneName(locale, tz, date);
      if (candidate !== "" && !/^GMT[+-]/.test(candidate)) {
        zone = candidate;
        break;
      }
    }
  }
  // ICU puts narrow no-break spaces before AM/PM; plain spaces read the same everywhere.
  return `${main} ${zone}`.replace(/[\u202F\u00A0]/g, " ").trim();
}

function zoneName(locale: string, tz: string, date: Date): string {
  try {
    return dateFormat("zone", locale, tz).formatToParts(date).find((p) => p.type === "timeZoneName")?.value ?? "";
  } catch {
    return "";
  }
}
