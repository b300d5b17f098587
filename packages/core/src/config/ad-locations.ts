import { getAllCountries, getCountryForTimezone } from "countries-and-timezones";

/**
 * Where a client's ads run: ISO 3166-1 alpha-2 country codes. The zone-to-country data is tzdata's
 * (zone1970.tab and its backward links) as packaged by countries-and-timezones; a zone shared by
 * several countries (Europe/Berlin also serves DK, NO, SE) maps to the country it is named for.
 */

/** Used when the client's time zone names no country (UTC, Etc/GMT+5): Pressbridge's home market. */
export const FALLBACK_AD_COUNTRY = "US";

export const MAX_AD_LOCATIONS = 50;

const COUNTRY_CODES: ReadonlySet<string> = new Set(Object.keys(getAllCountries()));

/** True for an assigned ISO 3166-1 alpha-2 code in upper case ("DE"); false for "de", "EU", "ZZ". */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && COUNTRY_CODES.has(code);
}

/**
 * The country an IANA time zone belongs to, or undefined for zones of no country (UTC, Etc/*). Takes
 * any spelling Intl accepts (`america/new_york`, the link `US/Eastern`).
 */
export function countryOfTimeZone(timeZone: string): string | undefined {
  const direct = getCountryForTimezone(timeZone)?.id;
  if (direct !== undefined) return direct;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return canonical === timeZone ? undefined : getCountryForTimezone(canonical)?.id;
}

/** A client's ad locations when the config gives none: its time zone's country, else FALLBACK_AD_COUNTRY. */
export function defaultAdLocations(timeZone: string): string[] {
  return [countryOfTimeZone(timeZone) ?? FALLBACK_AD_COUNTRY];
}
