/**
 * Social post drafts for a release, one per client channel, valid by each platform's own counting.
 *
 * Rules that are judgement calls (documented here so they can be revisited):
 * - "Characters" (LinkedIn, Facebook, Threads, Instagram) are UTF-16 code units, the strictest reading.
 * - X: at most one cashtag per post (including any already in the headline), to be safe.
 * - Threads: at most one hashtag (Threads makes one topic tag per post). X/Bluesky: 3. LinkedIn and
 *   Instagram: 5 (Instagram allows 30, which validateDraftText enforces). Facebook: 3.
 * - Quotes only on LinkedIn, Facebook and Instagram. Facebook drafts aim for < 1,000 characters.
 * - Bluesky shows "host/path…" (32 graphemes at most) as link text; the facet points at the full link.
 */
export { composeDrafts, composeFollowUps, FOLLOW_UP_CHANNELS } from "./compose-drafts.ts";
export { validateDraftText, measure as measureDraftText, type DraftValidation } from "./channel-rules.ts";
export { trackedLink } from "./tracked-link.ts";
export { releaseSlug } from "./release-slug.ts";
