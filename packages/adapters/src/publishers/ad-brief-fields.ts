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
