import type { AdPlatform } from "../plan-parts.ts";
import { X_INTERESTS } from "./beat-catalog.ts";
import type { Beat, BeatTopic } from "./beat.ts";

/**
 * Journalist targeting in each platform's own vocabulary (platform-apis.md §1-3). Values are
 * human-readable names, never guessed ids: the numeric ids behind LinkedIn titles/industries, Meta
 * work positions/interests and X interests/locations are UNCONFIRMED there, so the publisher resolves
 * these names through the platforms' search endpoints when it creates the (paused) campaign.
 */

/** Who the ads are for: the people who write about, edit and comment on news. */
export const JOURNALIST_ROLES: readonly string[] = [
  "Journalist",
  "Editor",
  "Reporter",
  "Correspondent",
  "Blogger",
  "Columnist",
  "Commentator",
  "Podcaster",
  "Newsletter writer",
];

const REGION_NAMES = new Intl.DisplayNames("en", { type: "region", fallback: "code" });

/**
 * The English name of an ISO 3166-1 alpha-2 code ("DE" -> "Germany"), as LinkedIn's and X's location
 * searches take it; the code itself for one Intl does not know.
 */
export function countryName(code: string): string {
  return REGION_NAMES.of(code) ?? code;
}

/** LinkedIn's geo URN for the United States, the one location id this module can vouch for. */
const LINKEDIN_US_GEO = "urn:li:geo:103644278";

/** LinkedIn industry names (industry taxonomy) where newsrooms sit; to resolve (UNCONFIRMED names). */
export const LINKEDIN_MEDIA_INDUSTRIES: readonly string[] = [
  "Newspaper Publishing",
  "Periodical Publishing",
  "Online Audio and Video Media",
  "Broadcast Media Production and Distribution",
  "Radio and Television Broadcasting",
];

export const LINKEDIN_FACETS = {
  locations: "urn:li:adTargetingFacet:locations",
  titles: "urn:li:adTargetingFacet:titles",
  industries: "urn:li:adTargetingFacet:industries",
} as const;
type LinkedInFacet = (typeof LINKEDIN_FACETS)[keyof typeof LINKEDIN_FACETS];

/** LinkedIn targetingCriteria shape [C], with names in place of URNs until resolved. */
export interface LinkedInTargeting {
  valuesAre: "names-to-resolve";
  targetingCriteria: {
    include: { and: Array<{ or: Partial<Record<LinkedInFacet, string[]>> }> };
  };
}

/** Meta ad set `targeting` (key names UNCONFIRMED in platform-apis.md), with names in place of ids. */
export interface MetaTargeting {
  valuesAre: "names-to-resolve";
  geo_locations: { countries: string[] };
  /** Entries are ANDed; the keys inside one entry are ORed. */
  flexible_spec: Array<{ work_positions?: Array<{ name: string }>; interests?: Array<{ name: string }> }>;
}

export type XTargetingType = "LOCATION" | "KEYWORD" | "INTEREST" | "FOLLOWERS_OF_USER";

/** X Ads targeting_criteria rows for one line item (params UNCONFIRMED in platform-apis.md). */
export interface XTargeting {
  valuesAre: "names-to-resolve";
  targeting_criteria: Array<{ targeting_type: XTargetingType; targeting_value: string }>;
}

export type PlatformTargeting = LinkedInTargeting | MetaTargeting | XTargeting;

const MAX_META_INTERESTS = 6;
const MAX_X_KEYWORDS = 10;

/**
 * Smallest matched audience each platform will serve: LinkedIn 300 and X 100 (their docs), Meta about
 * 100 (third-party docs only). Sources cited in the ad adapters; publishing falls back below them.
 */
export const MIN_MATCHED_AUDIENCE: Readonly<Record<AdPlatform, number>> = { linkedin: 300, meta: 100, x: 100 };

/**
 * LinkedIn: people in one of the client's countries AND (a journalist title OR working at a news
 * publisher or broadcaster). `locations` are the client's adDefaults.locations (ISO codes).
 */
export function linkedInTargeting(_beat: Beat, locations: readonly string[], notes: string[]): LinkedInTargeting {
  const usNote = locations.includes("US") ? ` United States is commonly ${LINKEDIN_US_GEO}.` : "";
  notes.push(
    `LinkedIn: targeting values are names; resolve each to its URN at publish time with GET /rest/adTargetingEntities?q=adTargetingFacet&facet=<facet URN> (numeric ids are UNCONFIRMED in platform-apis.md).${usNote}`,
    "LinkedIn: no beat facet is confirmed in platform-apis.md, so this audience is journalists in general; the beat is carried by the copy and by the matched media list, if any.",
  );
  return {
    valuesAre: "names-to-resolve",
    targetingCriteria: {
      include: {
        and: [
          { or: { [LINKEDIN_FACETS.locations]: locations.map(countryName) } },
          { or: { [LINKEDIN_FACETS.titles]: [...JOURNALIST_ROLES], [LINKEDIN_FACETS.industries]: [...LINKEDIN_MEDIA_INDUSTRIES] } },
        ],
      },
    },
  };
}

/**
 * Meta: in one of the client's countries (ISO codes, as geo_locations takes them) AND (a journalist
 * job title OR interested in journalism) AND interested in the beat.
 */
export function metaTargeting(beat: Beat, topics: readonly BeatTopic[], locations: readonly string[], notes: string[]): MetaTargeting {
  // Interests are subjects people follow: beats, not news types ("Licensing") or the client's own names.
  let names = topics.filter((t) => t.group !== null && t.source !== "client.keywords").map((t) => t.name);
  if (names.length === 0) names = [beat.label.split(" / ")[0]!];
  const interests = names.slice(0, MAX_META_INTERESTS).map((name) => ({ name }));
  notes.push(
    "Meta: work_positions and interests are names; resolve them to ids with GET /search?type=adworkposition and type=adinterest, and drop any that do not resolve (the key names work_positions and flexible_spec are UNCONFIRMED in platform-apis.md).",
    "Meta: flexible_spec entries are ANDed and keys inside an entry are ORed: journalists (by job title or interest in journalism) who are also interested in the beat.",
  );
  return {
    valuesAre: "names-to-resolve",
    geo_locations: { countries: [...locations] },
    flexible_spec: [
      { work_positions: JOURNALIST_ROLES.map((name) => ({ name })), interests: [{ name: "Journalism" }] },
      { interests },
    ],
  };
}

/** X: no job-title facet, so the beat's keywords and interest categories, in the client's countries (one LOCATION row each). */
export function xTargeting(beat: Beat, topics: readonly BeatTopic[], locations: readonly string[], notes: string[]): XTargeting {
  const rows: XTargeting["targeting_criteria"] = locations.map((code) => ({ targeting_type: "LOCATION", targeting_value: countryName(code) }));
  // Keywords people post about: beats, wire and client keywords; not bare news types ("Product launches").
  const keywords = topics.filter((t) => !(t.source === "release.subjects" && t.group === null)).map((t) => t.name);
  for (const keyword of keywords.slice(0, MAX_X_KEYWORDS)) rows.push({ targeting_type: "KEYWORD", targeting_value: keyword });
  const interests = [...new Set(beat.groups.map((g) => X_INTERESTS[g]))];
  for (const interest of interests) rows.push({ targeting_type: "INTEREST", targeting_value: interest });
  notes.push(
    "X: X has no job-title facet; journalists are reached through the beat's keywords and interests (UNCONFIRMED approach, platform-apis.md §3). LOCATION and INTEREST values are names to resolve to X ids at publish time.",
    `X: no FOLLOWERS_OF_USER rows: Pressbridge knows no verified trade-press handles for "${beat.label}". Add the handles of outlets and reporters covering it before launch.`,
  );
  return { valuesAre: "names-to-resolve", targeting_criteria: rows };
}
