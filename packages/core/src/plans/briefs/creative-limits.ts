import type { AdPlatform } from "../plan-parts.ts";

/**
 * Ad copy limits used when composing briefs. Every brief stays within `target` (the platform's
 * recommended length where it publishes one, so copy is not cut off behind "See more"), which is
 * always at or below `max` (the hard limit).
 *
 * Sources: X's post length is its documented weighted length of 280 (docs/publishing.md). The
 * platform notes we worked from say nothing about LinkedIn or Meta ad copy lengths, so those numbers are from
 * the platforms' ad-spec pages as remembered: UNCONFIRMED until checked against the live docs.
 *
 * Units:
 * - "characters": UTF-16 code units. That is never fewer than the code points or graphemes a platform
 *   may count, so staying within it is safe whichever of those the platform counts.
 * - "weighted": X's weighted length (platform-apis.md §3 [C]) counted by the official twitter-text
 *   library, as drafts are: 23 per link, 2 per CJK character or emoji sequence, 1 for most else. NFC first.
 */
export interface CopyLimit {
  unit: "characters" | "weighted";
  /** What composed copy is fitted to (text/fit-text.ts, with measureCharacters or measureXWeighted). */
  target: number;
  /** The platform's hard limit. */
  max: number;
  source: string;
}

export interface PlatformCopyLimits {
  headline: CopyLimit;
  body: CopyLimit;
}

export const CREATIVE_LIMITS: Readonly<Record<AdPlatform, PlatformCopyLimits>> = {
  linkedin: {
    // Sponsored Content single image ad: headline 200 max, about 70 recommended. UNCONFIRMED.
    headline: { unit: "characters", target: 70, max: 200, source: "LinkedIn single image ad specs (UNCONFIRMED)" },
    // Introductory text: 600 max, about 150 shown before "See more". UNCONFIRMED.
    body: { unit: "characters", target: 150, max: 600, source: "LinkedIn single image ad specs (UNCONFIRMED)" },
  },
  meta: {
    // Link ad headline: about 40 recommended; 255 accepted. UNCONFIRMED.
    headline: { unit: "characters", target: 40, max: 255, source: "Meta ads guide, link ads (UNCONFIRMED)" },
    // Primary text: about 125 shown before truncation; 2,200 accepted. UNCONFIRMED.
    body: { unit: "characters", target: 125, max: 2200, source: "Meta ads guide, link ads (UNCONFIRMED)" },
  },
  x: {
    // Website card headline: 70. UNCONFIRMED.
    headline: { unit: "characters", target: 70, max: 70, source: "X website card specs (UNCONFIRMED)" },
    // Post text: 280 weighted [C], counted by twitter-text. Fitted to 200 so a t.co link (23) and
    // mentions added later still fit.
    body: { unit: "weighted", target: 200, max: 280, source: "platform-apis.md §3 weighted length [C]" },
  },
};

/** Input bounds for untrusted release text before any composition. */
export const MAX_TITLE_INPUT = 1_000;
export const MAX_SUMMARY_INPUT = 4_000;
