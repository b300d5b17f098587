import type { AdBrief } from "../plans/briefs/compose-ad-briefs.ts";
import { AUDIENCE_MINIMUM } from "./audiences.ts";

const PLATFORM_NAMES = { linkedin: "LinkedIn", meta: "Meta", x: "X" } as const;

/**
 * The pre-flight size check of one brief's matched audience (issue #16), as data: shown before
 * approval on the plan page and in the approval email, so nobody approves a campaign expecting an
 * audience the platform will not serve.
 */
export interface AudiencePreflight {
  platform: AdBrief["platform"];
  /** Contacts on the media list with a usable email; 0 when the client has no media list. */
  listSize: number;
  /** The platform's smallest matched audience (AUDIENCE_MINIMUM). */
  minimum: number;
  /** True when the list is big enough for publishing to create and attach the audience. */
  attachable: boolean;
  /** Why not, and what publishing does instead; null when attachable. */
  warning: string | null;
}

export function audiencePreflight(brief: AdBrief): AudiencePreflight {
  const listSize = brief.audience.matchedAudience?.count ?? 0;
  const minimum = AUDIENCE_MINIMUM[brief.platform];
  const name = PLATFORM_NAMES[brief.platform];
  if (listSize >= minimum) return { platform: brief.platform, listSize, minimum, attachable: true, warning: null };
  const warning =
    listSize === 0
      ? `${name}: no media list contacts with an email, so no matched audience; the ads target the beat and locations only.`
      : `${name}: the media list has ${listSize} contact${listSize === 1 ? "" : "s"}, below ${name}'s minimum of ${minimum}; publishing will not create the audience and the ads target the beat and locations only.`;
  return { platform: brief.platform, listSize, minimum, attachable: false, warning };
}

/** One plain-words line per brief: who the ads reach, then the pre-flight warning when there is one. */
export function audienceLines(brief: AdBrief): string[] {
  const check = audiencePreflight(brief);
  const who = `${PLATFORM_NAMES[brief.platform]} ads reach: ${brief.audience.summary}.`;
  return check.warning === null ? [who] : [who, check.warning];
}
