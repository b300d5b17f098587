import type { AmplificationPlan } from "../plans/plan.ts";
import type { OrganicPostAction, PausedAdAction, PublishAction } from "./publisher.ts";

/** Longest part of the release title kept in an ad campaign name (platform limits are about 100+). */
const CAMPAIGN_TITLE_LENGTH = 50;

export function postActionKey(planId: string, channel: string, version: number): string {
  return `${planId}:post:${channel}:v${version}`;
}

/** A follow-up post's key: its own action, apart from the channel's first post. */
export function followUpActionKey(planId: string, channel: string, version: number): string {
  return `${planId}:post:${channel}:follow-up:v${version}`;
}

export function adActionKey(planId: string, platform: string): string {
  return `${planId}:ad:${platform}`;
}

/**
 * The campaign name shown in the ad manager: the start of the release title, then the action key in
 * brackets. Deterministic, so a retry finds the campaign an earlier attempt created by its name.
 */
export function adCampaignName(plan: Pick<AmplificationPlan, "id" | "release">, platform: string): string {
  const title = [...plan.release.title.replace(/\s+/g, " ").trim()];
  const head = title.length > CAMPAIGN_TITLE_LENGTH ? `${title.slice(0, CAMPAIGN_TITLE_LENGTH - 1).join("").trimEnd()}…` : title.join("");
  return `${head} [${adActionKey(plan.id, platform)}]`;
}

/**
 * What publishing an approved plan does, in order: one organic post per approved draft (at the
 * version the approver approved), the follow-up posts, then one paused ad per brief. Keys are deterministic, so every
 * redelivery of the approval maps to the same actions.
 */
export function publishActionsFor(plan: AmplificationPlan): PublishAction[] {
  const posts = plan.drafts.map(
    (draft): OrganicPostAction => ({
      kind: "organic-post",
      key: postActionKey(plan.id, draft.channel, plan.decision?.draftVersions[draft.channel] ?? draft.version),
      channel: draft.channel,
      text: draft.text,
      link: draft.link,
      facets: draft.facets,
    }),
  );
  const followUps = (plan.followUps ?? []).map(
    (draft): OrganicPostAction => ({
      kind: "organic-post",
      key: followUpActionKey(plan.id, draft.channel, draft.version),
      channel: draft.channel,
      text: draft.text,
      link: draft.link,
      facets: draft.facets,
    }),
  );
  const ads = plan.briefs.map(
    (brief): PausedAdAction => ({
      kind: "paused-ad",
      key: adActionKey(plan.id, brief.platform),
      platform: brief.platform,
      brief,
      name: adCampaignName(plan, brief.platform),
      // The client's matched audience on the platform is kept per client (publishing/audiences.ts).
      clientId: plan.clientId,
    }),
  );
  return [...posts, ...followUps, ...ads];
}
