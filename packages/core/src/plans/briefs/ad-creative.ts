import type { ClientConfig } from "../../config/config-schema.ts";
import type { AdPlatform, DraftLength, PlanRelease } from "../plan-parts.ts";
import { releaseSlug, trackedLink as tagLink } from "../drafts/index.ts";
import { CREATIVE_LIMITS, MAX_SUMMARY_INPUT, MAX_TITLE_INPUT, type CopyLimit } from "./creative-limits.ts";
import { cleanText, fitText, measureCharacters, measureXWeighted, stripUrls, type Measure } from "../../text/fit-text.ts";

/** What the ad offers a journalist: the client's supporting asset (a white paper, a kit) or the release. */
export interface AdOffer {
  kind: "supporting-asset" | "release";
  title: string;
  url: string | null;
}

export interface AdCreative {
  /** LinkedIn/Meta: the ad headline; X: the website card headline. */
  headline: string;
  /** LinkedIn: introductory text; Meta: primary text; X: the post text (no URL: the card carries it). */
  body: string;
  /** LinkedIn/Meta: the call-to-action enum (LEARN_MORE, DOWNLOAD); X (no CTA enum on website cards): card text. */
  callToAction: string;
  callToActionLabel: string;
  /** Where the ad sends people, with UTM parameters; null when there is nothing to link to. */
  landingUrl: string | null;
  offer: AdOffer;
  /** How headline and body were measured, and the limit (the platform's recommended length) they meet. */
  length: { headline: DraftLength; body: DraftLength };
}

const DOCUMENT_PATH_RE = /\.(?:pdf|docx?|pptx?|xlsx?|zip|epub)$/i;
// Wire datelines: "CITY, State, Date /PRNewswire/ --", "(GLOBE NEWSWIRE) --", "--(BUSINESS WIRE)--".
const DATELINE_RE =
  /^[^]{0,300}?(?:\/\s*(?:PRNewswire(?:-[\w ]{1,40})?|CNW|ACCESSWIRE|ACCESS Newswire|EINPresswire\.com)\s*\/|\(\s*(?:GLOBE NEWSWIRE|BUSINESS WIRE|Newsfile Corp\.)\s*\))\s*(?:--|—|–|-)?\s*/i;

/**
 * The ad copy for one platform: headline and body fitted to the platform's recommended lengths
 * (creative-limits.ts) without cutting words or graphemes, a call to action, and the landing URL.
 * Release text is untrusted plain text: cleaned, stripped of links and kept as text.
 */
export function composeCreative(input: {
  platform: AdPlatform;
  release: PlanRelease;
  client: ClientConfig;
  trackedLink: (platform: AdPlatform) => string | null;
  notes: string[];
}): AdCreative {
  const { platform, release, client, notes } = input;
  const limits = CREATIVE_LIMITS[platform];
  const title = stripUrls(cleanText(release.title, MAX_TITLE_INPUT)) || `News from ${cleanText(client.name, 200)}`;
  const lead = leadOf(cleanText(release.summary, MAX_SUMMARY_INPUT));

  const asset = client.supportingAsset;
  const releaseUrl = httpUrlOrNull(release.url);
  const offer: AdOffer =
    asset === undefined
      ? { kind: "release", title, url: releaseUrl }
      : { kind: "supporting-asset", title: stripUrls(cleanText(asset.title, 200)) || title, url: httpUrlOrNull(asset.url) };
  const download = offer.kind === "supporting-asset" && offer.url !== null && DOCUMENT_PATH_RE.test(new URL(offer.url).pathname);
  const callToActionLabel = download ? "Download" : "Learn more";
  const callToAction = platform === "x" ? callToActionLabel : download ? "DOWNLOAD" : "LEARN_MORE";
  const offerLine = offer.kind === "supporting-asset" ? `${download ? "Download" : "Read"}: ${offer.title}` : "";

  const headlineMeasure = measureFor(limits.headline);
  const bodyMeasure = measureFor(limits.body);
  const headline = fitText(platform === "x" ? offer.title : title, limits.headline.target, headlineMeasure);
  // X: the post leads with the news; LinkedIn/Meta: the headline has it, so the body leads with the summary.
  const bodyLead = platform === "x" ? title : lead || title;
  const body = composeBody(bodyLead, offerLine, limits.body.target, bodyMeasure);

  const landingUrl = landingUrlFor(platform, offer, release, input.trackedLink, notes);
  if (landingUrl === null) {
    notes.push("No landing URL: the release has no link and no supporting asset is configured. Add one before launching.");
  }
  return {
    headline,
    body,
    callToAction,
    callToActionLabel,
    landingUrl,
    offer,
    length: {
      headline: { unit: limits.headline.unit, value: headlineMeasure(headline), limit: limits.headline.target },
      body: { unit: limits.body.unit, value: bodyMeasure(body), limit: limits.body.target },
    },
  };
}

function measureFor(limit: CopyLimit): Measure {
  return limit.unit === "weighted" ? measureXWeighted : measureCharacters;
}

/** The summary without the wire's dateline and links; empty when nothing readable is left. */
export function leadOf(summary: string): string {
  let text = summary;
  const dateline = DATELINE_RE.exec(text);
  if (dateline !== null && text.length - dateline[0].length >= 20) text = text.slice(dateline[0].length);
  return stripUrls(text).trim();
}

/** `lead offerLine` within `limit`: the offer line keeps at most half the room, the lead gets the rest. */
function composeBody(lead: string, offerLine: string, limit: number, measure: Measure): string {
  if (offerLine === "") return fitText(lead, limit, measure);
  const offer = fitText(offerLine, Math.floor(limit / 2), measure);
  const room = limit - measure(` ${offer}`);
  const fittedLead = room > 0 ? fitText(lead, room, measure) : "";
  const body = fittedLead === "" ? offer : `${fittedLead} ${offer}`;
  return fitText(body, limit, measure);
}

/**
 * The tracked landing URL. `trackedLink` tags the release link for the platform; when the offer is the
 * supporting asset, the same UTM parameters go on the asset's URL so both are attributed alike.
 */
function landingUrlFor(
  platform: AdPlatform,
  offer: AdOffer,
  release: PlanRelease,
  trackedLink: (platform: AdPlatform) => string | null,
  notes: string[],
): string | null {
  const tracked = httpUrlOrNull(trackedLink(platform));
  if (offer.kind === "release") {
    if (tracked !== null || offer.url === null) return tracked;
    return tagLink(offer.url, platform, releaseSlug(release), "paid_social");
  }
  if (offer.url === null) return tracked;
  const utm = tracked === null ? [] : [...new URL(tracked).searchParams].filter(([k]) => k.toLowerCase().startsWith("utm_"));
  if (utm.length === 0) {
    // No tracked release link to copy from: tag the asset the way organic drafts tag links.
    notes.push("The release has no tracked link, so the supporting asset's link was tagged directly (utm_medium=paid_social).");
    return tagLink(offer.url, platform, releaseSlug(release), "paid_social");
  }
  const landing = new URL(offer.url);
  for (const [k, v] of utm) landing.searchParams.set(k, v);
  return landing.toString();
}

function httpUrlOrNull(url: string | null | undefined): string | null {
  if (typeof url !== "string" || url.length > 2048) return null;
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}
