export { composeAdBriefs } from "./compose-ad-briefs.ts";
export type {
  AdAudience,
  AdBrief,
  AdFlight,
  ComposeAdBriefsInput,
  LinkedInAdBrief,
  MatchedAudience,
  MetaAdBrief,
  XAdBrief,
} from "./compose-ad-briefs.ts";
export { deriveBeat, MAX_BEAT_TOPICS } from "./beat.ts";
export type { Beat, BeatSource } from "./beat.ts";
export type { BeatGroup } from "./beat-catalog.ts";
export { parseMediaListCsv, hashEmailForAudience, normaliseEmail, isPlausibleEmail } from "./media-list.ts";
export type { MediaListParseResult } from "./media-list.ts";
export { CREATIVE_LIMITS } from "./creative-limits.ts";
export type { CopyLimit, PlatformCopyLimits } from "./creative-limits.ts";
export type { AdBudget, BudgetApiFields } from "./ad-budget.ts";
export type { AdCreative, AdOffer } from "./ad-creative.ts";
export { JOURNALIST_ROLES, MIN_MATCHED_AUDIENCE } from "./platform-targeting.ts";
export type { LinkedInTargeting, MetaTargeting, PlatformTargeting, XTargeting, XTargetingType } from "./platform-targeting.ts";
