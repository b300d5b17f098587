import type { ClientConfig } from "../../config/config-schema.ts";
import type { AdPlatform } from "../plan-parts.ts";

/**
 * Budgets in the three forms the ad platforms take (platform-apis.md, "Money"): LinkedIn decimal
 * strings plus a currency code, Meta integer minor units by Meta's own currency offsets, X Ads
 * local-currency micros. Amounts are worked in integer minor units so totals never drift.
 */

/** What the platform's create call takes, under the platform's own field names. */
export type BudgetApiFields =
  | {
      platform: "linkedin";
      dailyBudget: { amount: string; currencyCode: string };
      totalBudget: { amount: string; currencyCode: string };
    }
  /** Ad set daily budget; Meta takes a daily or a lifetime budget, not both, so the flight end caps the total. */
  | { platform: "meta"; daily_budget: number }
  | { platform: "x"; daily_budget_amount_local_micro: number; total_budget_amount_local_micro: number };

export interface AdBudget {
  /** Per day, in major units (dollars, yen). */
  daily: number;
  currency: string;
  /** daily × flight days. */
  total: number;
  /**
   * Integer minor units as the platform counts them: Meta by its currency offset (USD cents; JPY, KRW,
   * HUF… whole units), the others by ISO 4217 (JPY 0 decimals, KWD 3).
   */
  minorUnits: { daily: number; total: number; perMajorUnit: number };
  api: BudgetApiFields;
}

/**
 * ISO 4217 minor-unit exponents other than 2. Zero-decimal: BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX
 * UYI VND VUV XAF XOF XPF; three-decimal: BHD IQD JOD KWD LYD OMR TND.
 */
const ISO_EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0,
  VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

/**
 * Meta's currency offsets: 1 for these, 100 for every other supported currency (BHD and JOD included).
 * Source: developers.facebook.com/docs/marketing-api/currencies ("Currency Codes", offset column).
 */
const META_OFFSET_ONE = new Set(["CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND"]);

export function isoExponent(currency: string): number {
  return ISO_EXPONENTS[currency] ?? 2;
}

/** How many minor units the platform counts per major unit of `currency`. */
export function minorUnitsPerMajor(platform: AdPlatform, currency: string): number {
  if (platform === "meta") return META_OFFSET_ONE.has(currency) ? 1 : 100;
  return 10 ** isoExponent(currency);
}

/** The budget for one platform; `notes` receives anything a person should know (rounding). */
export function composeBudget(platform: AdPlatform, adDefaults: ClientConfig["adDefaults"], notes: string[]): AdBudget {
  const { currency, flightDays: days } = adDefaults;
  const perMajor = minorUnitsPerMajor(platform, currency);
  const dailyMinor = Math.round(adDefaults.dailyBudget * perMajor);
  const totalMinor = dailyMinor * days;
  const daily = dailyMinor / perMajor;
  const total = totalMinor / perMajor;
  if (daily !== adDefaults.dailyBudget) {
    notes.push(`The daily budget ${adDefaults.dailyBudget} ${currency} was rounded to ${daily} ${currency}, the smallest unit this platform takes.`);
  }
  if (dailyMinor <= 0) notes.push(`The daily budget rounds to zero in ${currency}; set a larger one before launching.`);

  const iso = 10 ** isoExponent(currency);
  const isoDecimals = isoExponent(currency);
  // Exact decimal string from integer ISO minor units (Meta's offsets may differ from ISO's).
  const isoDaily = Math.round(daily * iso);
  const isoTotal = isoDaily * days;
  const decimal = (minor: number): string => (minor / iso).toFixed(isoDecimals);
  let api: BudgetApiFields;
  if (platform === "linkedin") {
    api = {
      platform,
      dailyBudget: { amount: decimal(isoDaily), currencyCode: currency },
      totalBudget: { amount: decimal(isoTotal), currencyCode: currency },
    };
  } else if (platform === "meta") {
    api = { platform, daily_budget: dailyMinor };
  } else {
    const microsPerMinor = 1_000_000 / iso;
    api = {
      platform,
      daily_budget_amount_local_micro: isoDaily * microsPerMinor,
      total_budget_amount_local_micro: isoTotal * microsPerMinor,
    };
  }
  return { daily, currency, total, minorUnits: { daily: dailyMinor, total: totalMinor, perMajorUnit: perMajor }, api };
}
