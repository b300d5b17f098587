import { createHash } from "node:crypto";
import type { ClientConfig } from "../../config/config-schema.ts";
import type { AdPlatform, MediaContact, PlanRelease } from "../plan-parts.ts";
import { composeBudget, type AdBudget } from "./ad-budget.ts";
import { composeCreative, type AdCreative } from "./ad-creative.ts";
import { analyseBeat, type Beat } from "./beat.ts";
import { cleanText } from "../../text/fit-text.ts";
import { hashEmailForAudience, isPlausibleEmail, normaliseEmail } from "./media-list.ts";
import {
  JOURNALIST_ROLES,
  MIN_MATCHED_AUDIENCE,
  countryName,
  linkedInTargeting,
  metaTargeting,
  xTargeting,
  type LinkedInTargeting,
  type MetaTargeting,
  type XTargeting,
} from "./platform-targeting.ts";

/** A client's journalists as hashed emails, for the platforms' matched (custom/tailored) audiences. */
export interface MatchedAudience {
  /** The client whose list it is: publishing keeps one platform audience per client (publishing/audiences.ts). */
  clientId: string;
  /** Where the list came from (e.g. the media list file named in the config). */
  source: string;
  /** SHA-256 hex of each trimmed, lower-cased email; sorted and de-duplicated. */
  hashedEmails: string[];
  count: number;
  hashing: "SHA-256 of trimmed, lower-cased email";
  /** X only: SHA-256 hex of each list contact's X handle, lower-cased without "@" (X hashes handles too). */
  hashedXHandles?: string[];
}

export interface AdAudience<T> {
  /** Plain English, e.g. "Journalists, editors, reporters, bloggers and pundits covering Fintech (Germany)". */
  summary: string;
  beat: Beat;
  /** The client's adDefaults.locations (ISO 3166-1 alpha-2 codes) the targeting is limited to. */
  locations: string[];
  roles: string[];
  /** The platform's own targeting vocabulary, with names to resolve at publish time. */
  targeting: T;
  matchedAudience?: MatchedAudience;
}

export interface AdFlight {
  /** Ads start when a person approves and launches them, never before. */
  startsAt: "on approval";
  /** The end of the release's amplification window (ISO 8601): the latest sensible start. */
  latestStart: string;
  days: number;
  note: string;
}

interface AdBriefBase<P extends AdPlatform, O extends string, T> {
  platform: P;
  /** The platform's objective term. */
  objective: O;
  objectiveLabel: string;
  audience: AdAudience<T>;
  flight: AdFlight;
  budget: AdBudget;
  creative: AdCreative;
  /** Ads are created paused (drafts); a person launches spend. */
  status: "PAUSED";
  /** What a person should know or do before launching: ids to resolve, gaps, rounding. */
  notes: string[];
}

export type LinkedInAdBrief = AdBriefBase<"linkedin", "WEBSITE_VISIT", LinkedInTargeting>;
export type MetaAdBrief = AdBriefBase<"meta", "OUTCOME_TRAFFIC", MetaTargeting>;
export type XAdBrief = AdBriefBase<"x", "WEBSITE_CLICKS", XTargeting>;

/**
 * A journalist-targeted ad brief for one ad platform: person-readable, JSON-serialisable (stored on
 * the plan, printed by `pressbridge plans --json`), and complete enough to create the ads paused.
 * Never carries a raw email.
 */
export type AdBrief = LinkedInAdBrief | MetaAdBrief | XAdBrief;

export interface ComposeAdBriefsInput {
  release: PlanRelease;
  client: ClientConfig;
  /** The release link tagged for a platform (UTM), or null when the release has no link. */
  trackedLink: (platform: AdPlatform) => string | null;
  /** detectedAt + windowHours (ISO 8601). */
  windowDeadline: string;
  mediaList?: { contacts: MediaContact[]; source: string };
}

const OBJECTIVES = {
  linkedin: { objective: "WEBSITE_VISIT", objectiveLabel: "Website visits: send people to the landing page" },
  meta: { objective: "OUTCOME_TRAFFIC", objectiveLabel: "Traffic: send people to the landing page" },
  x: { objective: "WEBSITE_CLICKS", objectiveLabel: "Website clicks: send people to the landing page" },
} as const;

const PAUSED_NOTES: Readonly<Record<AdPlatform, string>> = {
  linkedin: "LinkedIn: create the campaign group and campaign as DRAFT (or PAUSED) and the creative as DRAFT; nothing spends until a person launches it.",
  meta: "Meta: create the campaign (special_ad_categories=[]), ad set and ad with status PAUSED; nothing spends until a person launches it.",
  x: "X: create the campaign and line item with entity_status PAUSED; nothing spends until a person launches it.",
};

const PLATFORM_NAMES: Readonly<Record<AdPlatform, string>> = { linkedin: "LinkedIn", meta: "Meta", x: "X" };

/**
 * Composes one ad brief per ad platform the client uses, in config order (a platform listed twice
 * gets one brief).
 *
 * Why: within the release's window, ads should back it up in front of the journalists, bloggers and
 * pundits who cover its beat, offering the client's supporting asset when there is one.
 *
 * Steps: derive the beat once; hash the media list once (raw emails never leave this function); then
 * per platform build the targeting (in the client's adDefaults.locations), the flight (start on
 * approval, no later than the window deadline), the budget in the platform's units, and copy fitted
 * to the platform's limits. Pure and deterministic: the same input gives the same briefs.
 */
export function composeAdBriefs(input: ComposeAdBriefsInput): AdBrief[] {
  const { release, client, windowDeadline } = input;
  const { beat, topics } = analyseBeat(release, client);
  const matched = input.mediaList === undefined ? undefined : matchedAudienceOf(input.mediaList, client.id);
  const platforms = [...new Set(client.adPlatforms)];
  const locations = client.adDefaults.locations;

  return platforms.map((platform): AdBrief => {
    const notes: string[] = [];
    const name = PLATFORM_NAMES[platform];
    notes.push(PAUSED_NOTES[platform]);

    const targeting =
      platform === "linkedin"
        ? linkedInTargeting(beat, locations, notes)
        : platform === "meta"
          ? metaTargeting(beat, topics, locations, notes)
          : xTargeting(beat, topics, locations, notes);

    let summary = `Journalists, editors, reporters, bloggers and pundits covering ${beat.label} (${placesOf(locations)})`;
    if (matched !== undefined) {
      if (matched.count === 0) {
        notes.push(`The media list "${matched.source}" has no valid email addresses, so no matched audience was added.`);
      } else {
        summary += `, plus the ${matched.count} contact${matched.count === 1 ? "" : "s"} on the client's media list (matched by hashed email)`;
        if (matched.count < MIN_MATCHED_AUDIENCE[platform]) {
          notes.push(
            `${name}: the matched audience has ${matched.count} contact${matched.count === 1 ? "" : "s"}, below ${name}'s minimum of ${MIN_MATCHED_AUDIENCE[platform]} matched people; publishing will not create or attach it, and the campaign will use the beat and location targeting only.`,
          );
        }
      }
    }
    const audience = {
      summary,
      beat: { ...beat, topics: [...beat.topics], groups: [...beat.groups], sources: [...beat.sources] },
      locations: [...locations],
      roles: [...JOURNALIST_ROLES],
      targeting,
      ...(matched !== undefined && matched.count > 0 ? { matchedAudience: matchedFor(platform, matched) } : {}),
    };

    const days = client.adDefaults.flightDays;
    const flight: AdFlight = {
      startsAt: "on approval",
      latestStart: windowDeadline,
      days,
      note: `Starts when approved and launched, no later than ${windowDeadline} (the end of the ${client.windowHours}-hour window after the release hit the wire), and runs ${days} day${days === 1 ? "" : "s"}.`,
    };
    const budget = composeBudget(platform, client.adDefaults, notes);
    const creative = composeCreative({ platform, release, client, trackedLink: input.trackedLink, notes });
    const common = { flight, budget, creative, status: "PAUSED" as const, notes };

    switch (platform) {
      case "linkedin":
        return { platform, ...OBJECTIVES.linkedin, audience: { ...audience, targeting: targeting as LinkedInTargeting }, ...common };
      case "meta":
        return { platform, ...OBJECTIVES.meta, audience: { ...audience, targeting: targeting as MetaTargeting }, ...common };
      case "x":
        return { platform, ...OBJECTIVES.x, audience: { ...audience, targeting: targeting as XTargeting }, ...common };
    }
  });
}

const MAX_NAMED_PLACES = 5;

/** "Germany", "Germany, Austria, Switzerland"; past MAX_NAMED_PLACES, "12 countries". */
function placesOf(locations: readonly string[]): string {
  return locations.length > MAX_NAMED_PLACES ? `${locations.length} countries` : locations.map(countryName).join(", ");
}

/**
 * Hashes a media list: valid emails only, normalised, de-duplicated and sorted. A contact of a hashed
 * list is taken by its emailSha256 when that is 64 lower-case hex digits, else skipped.
 */
function matchedAudienceOf(list: { contacts: MediaContact[]; source: string }, clientId: string): MatchedAudience {
  const hashes = new Set<string>();
  const handles = new Set<string>();
  for (const contact of list.contacts) {
    if (typeof contact.xHandle === "string" && /^[A-Za-z0-9_]{1,15}$/.test(contact.xHandle)) {
      handles.add(createHash("sha256").update(contact.xHandle.toLowerCase(), "utf8").digest("hex"));
    }
    // A hashed list (as deployed) carries the audience hash itself: taken only if it is one.
    if ("emailSha256" in contact && contact.emailSha256 !== undefined) {
      if (typeof contact.emailSha256 === "string" && /^[0-9a-f]{64}$/.test(contact.emailSha256)) hashes.add(contact.emailSha256);
      continue;
    }
    if (typeof contact.email !== "string" || !isPlausibleEmail(contact.email)) continue;
    hashes.add(hashEmailForAudience(normaliseEmail(contact.email)));
  }
  const hashedEmails = [...hashes].sort();
  // The source names a file; keep it short and make sure it cannot smuggle an address into the brief.
  const source = cleanText(list.source, 200).replace(/[^\s/\\]*@[^\s/\\]*/g, "[redacted]") || "media list";
  const out: MatchedAudience = { clientId, source, hashedEmails, count: hashedEmails.length, hashing: "SHA-256 of trimmed, lower-cased email" };
  if (handles.size > 0) out.hashedXHandles = [...handles].sort();
  return out;
}

/** A copy of the matched audience for one platform's brief: only X's carries the hashed handles. */
function matchedFor(platform: AdPlatform, matched: MatchedAudience): MatchedAudience {
  const { hashedXHandles, ...rest } = matched;
  const copy: MatchedAudience = { ...rest, hashedEmails: [...matched.hashedEmails] };
  if (platform === "x" && hashedXHandles !== undefined) copy.hashedXHandles = [...hashedXHandles];
  return copy;
}
