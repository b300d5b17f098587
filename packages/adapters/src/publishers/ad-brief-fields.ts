/**
 * Reads the fields the ad publishers need from a stored ad brief (core plans/briefs; the action
 * carries it as `unknown` because it comes back from the table). Checks the shape instead of trusting
 * it, and fails in plain words naming the missing field.
 */
import type { LinkedInTargeting, MetaTargeting, XTargeting } from "@pressbridge/core";
import { failed, isRecord, type FailedOutcome } from "./publisher-http.ts";

export interface BriefView<T> {
  currency: string;
  /** Flight length in days. */
  days: number;
  /** The platform's own budget fields (budget.api). */
  api: Record<string, unknown>;
  headline: string;
  body: string;
  callToAction: string;
  landingUrl: string | null;
  targeting: T;
  /**
   * The client's ad locations (ISO 3166-1 alpha-2): the brief's audience.locations, or for a brief
   * stored before it carried them, the codes of the country names (or codes) in its targeting.
   */
  locations: string[];
  /** The hashed media list, when the brief has one (audience.matchedAudience). */
  matched: MatchedList | null;
}

export interface MatchedList {
  /** The client the list belongs to (absent in briefs stored before matched audiences were synced). */
  clientId: string | null;
  /** SHA-256 hex of each normalised email. */
  hashedEmails: string[];
  /** SHA-256 hex of each normalised X handle (X briefs only). */
  hashedXHandles: string[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const REGION_NAMES = new Intl.DisplayNames("en", { type: "region", fallback: "code" });
let regionCodes: Map<string, string> | undefined;

/** ISO code of a country name as countryName (core) writes it, or of a code itself; undefined when neither. */
export function countryCodeOf(nameOrCode: string): string | undefined {
  if (/^[A-Z]{2}$/.test(nameOrCode)) return nameOrCode;
  if (regionCodes === undefined) {
    regionCodes = new Map();
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = REGION_NAMES.of(code);
        if (name !== undefined && name !== code && !regionCodes.has(name.toLowerCase())) regionCodes.set(name.toLowerCase(), code);
      }
    }
  }
  return regionCodes.get(nameOrCode.toLowerCase());
}

function locationsOf(audience: Record<string, unknown>, targeting: Record<string, unknown>): string[] {
  if (Array.isArray(audience.locations)) return audience.locations.filter((c): c is string => typeof c === "string" && /^[A-Z]{2}$/.test(c));
  const names: unknown[] = [];
  const geo = targeting.geo_locations;
  if (isRecord(geo) && Array.isArray(geo.countries)) names.push(...geo.countries);
  if (Array.isArray(targeting.targeting_criteria)) {
    for (const row of targeting.targeting_criteria) if (isRecord(row) && row.targeting_type === "LOCATION") names.push(row.targeting_value);
  }
  const include = isRecord(targeting.targetingCriteria) && isRecord(targeting.targetingCriteria.include) ? targeting.targetingCriteria.include.and : undefined;
  if (Array.isArray(include)) {
    for (const clause of include) {
      const values = isRecord(clause) && isRecord(clause.or) ? clause.or["urn:li:adTargetingFacet:locations"] : undefined;
      if (Array.isArray(values)) names.push(...values);
    }
  }
  const codes = names.map((n) => (typeof n === "string" ? countryCodeOf(n) : undefined)).filter((c): c is string => c !== undefined);
  return [...new Set(codes)];
}

function matchedOf(audience: Record<string, unknown>): MatchedList | null {
  const m = audience.matchedAudience;
  if (!isRecord(m) || !Array.isArray(m.hashedEmails)) return null;
  const hashedEmails = m.hashedEmails.filter((h): h is string => typeof h === "string" && HEX64.test(h));
  const hashedXHandles = Array.isArray(m.hashedXHandles) ? m.hashedXHandles.filter((h): h is string => typeof h === "string" && HEX64.test(h)) : [];
  return { clientId: typeof m.clientId === "string" && m.clientId !== "" ? m.clientId : null, hashedEmails, hashedXHandles };
}

type Read<T> = { ok: true; value: BriefView<T> } | { ok: false; outcome: FailedOutcome };

export function readBrief(platformName: string, platform: "linkedin" | "meta" | "x", brief: unknown): Read<unknown> {
  const bad = (field: string): { ok: false; outcome: FailedOutcome } => failed(`The ${platformName} ad brief is missing or has an invalid ${field}; re-plan the release`, false);
  if (!isRecord(brief)) return bad("brief");
  if (brief.platform !== platform) return bad("platform");
  const budget = brief.budget;
  if (!isRecord(budget) || typeof budget.currency !== "string") return bad("budget.currency");
  if (!isRecord(budget.api) || budget.api.platform !== platform) return bad("budget.api");
  const flight = brief.flight;
  if (!isRecord(flight) || typeof flight.days !== "number" || !(flight.days > 0)) return bad("flight.days");
  const creative = brief.creative;
  if (!isRecord(creative)) return bad("creative");
  if (typeof creative.headline !== "string") return bad("creative.headline");
  if (typeof creative.body !== "string") return bad("creative.body");
  if (typeof creative.callToAction !== "string") return bad("creative.callToAction");
  const landingUrl = typeof creative.landingUrl === "string" ? creative.landingUrl : null;
  const audience = brief.audience;
  if (!isRecord(audience) || !isRecord(audience.targeting)) return bad("audience.targeting");
  return {
    ok: true,
    value: {
      currency: budget.currency,
      days: flight.days,
      api: budget.api,
      headline: creative.headline,
      body: creative.body,
      callToAction: creative.callToAction,
      landingUrl,
      targeting: audience.targeting,
      locations: locationsOf(audience, audience.targeting),
      matched: matchedOf(audience),
    },
  };
}

export function readLinkedInBrief(brief: unknown): Read<LinkedInTargeting> {
  const read = readBrief("LinkedIn", "linkedin", brief);
  if (!read.ok) return read;
  const t = read.value.targeting;
  if (!isRecord(t) || !isRecord(t.targetingCriteria) || !isRecord(t.targetingCriteria.include) || !Array.isArray(t.targetingCriteria.include.and)) {
    return failed("The LinkedIn ad brief has no targetingCriteria.include.and; re-plan the release", false);
  }
  return read as Read<LinkedInTargeting>;
}

export function readMetaBrief(brief: unknown): Read<MetaTargeting> {
  const read = readBrief("Meta", "meta", brief);
  if (!read.ok) return read;
  const t = read.value.targeting;
  if (!isRecord(t) || !isRecord(t.geo_locations) || !Array.isArray(t.flexible_spec)) {
    return failed("The Meta ad brief has no geo_locations/flexible_spec targeting; re-plan the release", false);
  }
  return read as Read<MetaTargeting>;
}

export function readXBrief(brief: unknown): Read<XTargeting> {
  const read = readBrief("X", "x", brief);
  if (!read.ok) return read;
  const t = read.value.targeting;
  if (!isRecord(t) || !Array.isArray(t.targeting_criteria)) return failed("The X ad brief has no targeting_criteria; re-plan the release", false);
  return read as Read<XTargeting>;
}

/** Epoch ms `days` after `from`. */
export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * 86_400_000);
}
