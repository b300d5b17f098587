import { composeAdBriefs, type AdBrief, type AdPlatform, type PausedAdAction } from "@pressbridge/core";
import { makeClient, makeRelease } from "../../../unit/plans/briefs/fixtures.ts";

/** Real ad briefs from core's composer (the shapes the publishers receive). */
export function briefFor<P extends AdPlatform>(platform: P): Extract<AdBrief, { platform: P }> {
  const briefs = composeAdBriefs({
    release: makeRelease(),
    client: makeClient(),
    trackedLink: (p) => `https://acme.example/news/launch?utm_source=${p}&utm_medium=paid_social`,
    windowDeadline: "2026-11-24T12:00:00.000Z",
  });
  const brief = briefs.find((b) => b.platform === platform);
  if (brief === undefined) throw new Error(`no ${platform} brief`);
  return brief as Extract<AdBrief, { platform: P }>;
}

export function adAction(platform: AdPlatform, extra: Partial<PausedAdAction> = {}): PausedAdAction {
  const key = `plan-1:ad:${platform}`;
  return { kind: "paused-ad", key, platform, brief: briefFor(platform), name: `Pressbridge ${key}`, ...extra };
}
