/**
 * Drafts one social post per configured channel for a release: headline, key fact, a quote on the
 * longer channels, the tracked link, fitting trend hashtags and cashtags, each draft valid by the
 * platform's own count. Pure and deterministic: same input, same output.
 *
 * When a draft is too long it degrades in this order: shorten the key fact (at a word boundary, "…",
 * keeping at least KEY_FACT_MIN graphemes), drop the quote, drop hashtags (last first), drop cashtags,
 * shorten the key fact further or drop it, and last shorten the headline. The link is never shortened.
 */
import type { ClientConfig } from "../../config/config-schema.ts";
import type { Channel, DraftOutcome, LinkFacet, PlanRelease, PostDraft } from "../plan-parts.ts";
import { BLUESKY_MAX_BYTES, CHANNEL_RULES, LINK_FACET, TAG_FACET, hashtagsIn, measure, validateDraftText, type ChannelRules } from "./channel-rules.ts";
import { cutPoints, fitTo, stripUrls } from "../../text/fit-text.ts";
import { graphemeCount, utf8Length } from "../../text/text-units.ts";
import { extractXCashtags, extractXUrls } from "../../text/x-counting.ts";
import { releaseContent, type ReleaseContent } from "./release-content.ts";
import { releaseSlug } from "./release-slug.ts";
import { cashtagsFromTickers, fittingHashtags } from "./social-tags.ts";
import { isHttpUrl, linkDisplayText, trackedLink } from "./tracked-link.ts";

export const NO_CONTENT_REASON = "release has no title or summary to post";
/** What Instagram says instead of a link, which captions cannot carry. */
export const LINK_IN_BIO = "Link in bio";
/** A key fact is not shortened below this many graphemes before the quote and tags are dropped. */
export const KEY_FACT_MIN = 40;

interface Parts {
  headline: string;
  keyFact: string;
  quote: string;
  cashtags: string[];
  hashtags: string[];
}

interface LinkShown {
  /** The full tracked URL (the facet target on Bluesky). */
  url: string;
  /** What the text shows for it. */
  shown: string;
}

interface Rendered {
  text: string;
  /** UTF-16 ranges of the link text and of each hashtag, for Bluesky facets. */
  linkRange: [number, number] | null;
  tagRanges: Array<{ tag: string; range: [number, number] }>;
}

function render(parts: Parts, link: LinkShown | null, rules: ChannelRules): Rendered {
  let text = "";
  let linkRange: [number, number] | null = null;
  const tagRanges: Rendered["tagRanges"] = [];
  const paragraph = (s: string): number => {
    if (text !== "") text += "\n\n";
    const at = text.length;
    text += s;
    return at;
  };
  if (parts.headline !== "") paragraph(parts.headline);
  if (parts.keyFact !== "") paragraph(parts.keyFact);
  if (parts.quote !== "") paragraph(`“${parts.quote}”`);
  if (link !== null) {
    const at = paragraph(rules.linkLabel + link.shown) + rules.linkLabel.length;
    linkRange = [at, at + link.shown.length];
  }
  const tags = [...parts.cashtags, ...parts.hashtags];
  if (tags.length > 0) {
    let at = paragraph(tags.join(" "));
    for (const tag of tags) {
      if (tag.startsWith("#")) tagRanges.push({ tag, range: [at, at + tag.length] });
      at += tag.length + 1;
    }
  }
  return { text, linkRange, tagRanges };
}

function byteRange(text: string, range: [number, number]): { byteStart: number; byteEnd: number } {
  const byteStart = utf8Length(text.slice(0, range[0]));
  return { byteStart, byteEnd: byteStart + utf8Length(text.slice(range[0], range[1])) };
}

function facetsFor(r: Rendered, link: LinkShown | null): LinkFacet[] {
  const facets: LinkFacet[] = [];
  if (link !== null && r.linkRange !== null) {
    facets.push({ index: byteRange(r.text, r.linkRange), features: [{ $type: LINK_FACET, uri: link.url }] });
  }
  for (const { tag, range } of r.tagRanges) {
    facets.push({ index: byteRange(r.text, range), features: [{ $type: TAG_FACET, tag: tag.slice(1) }] });
  }
  return facets.sort((a, b) => a.index.byteStart - b.index.byteStart);
}

/** The release's text as this channel may carry it. */
function contentFor(channel: Channel, content: ReleaseContent): ReleaseContent {
  if (CHANNEL_RULES[channel].link !== "bio") return content;
  // Instagram prints URLs as dead text: take them out of the caption.
  let headline = stripUrls(content.headline);
  let keyFact = stripUrls(content.keyFact);
  if (headline === "") [headline, keyFact] = [keyFact, ""];
  return { headline, keyFact, quote: stripUrls(content.quote) };
}

/** Caps the key fact at the channel's keyFactMax graphemes, at a word boundary. */
function capKeyFact(keyFact: string, max: number): string {
  if (keyFact.length <= max || graphemeCount(keyFact) <= max) return keyFact;
  return fitTo(keyFact, (t) => graphemeCount(t) <= max) ?? "";
}

interface Stage {
  quote: boolean;
  hashtags: number;
  cashtags: number;
  /** Smallest key fact kept, in graphemes; 0 allows dropping it. */
  keyFactMin: number;
}

function stagesFor(quote: boolean, hashtags: number, cashtags: number): Stage[] {
  const stages: Stage[] = [];
  if (quote) stages.push({ quote: true, hashtags, cashtags, keyFactMin: KEY_FACT_MIN });
  stages.push({ quote: false, hashtags, cashtags, keyFactMin: KEY_FACT_MIN });
  for (let h = hashtags - 1; h >= 0; h--) stages.push({ quote: false, hashtags: h, cashtags, keyFactMin: KEY_FACT_MIN });
  for (let c = cashtags - 1; c >= 0; c--) stages.push({ quote: false, hashtags: 0, cashtags: c, keyFactMin: KEY_FACT_MIN });
  stages.push({ quote: false, hashtags: 0, cashtags: 0, keyFactMin: 0 });
  return stages;
}

function draftFor(channel: Channel, release: PlanRelease, client: ClientConfig, content: ReleaseContent, campaign: string): DraftOutcome {
  const rules = CHANNEL_RULES[channel];
  const skip = (reason: string): DraftOutcome => ({ channel, status: "skipped", reason });
  const { headline, keyFact: rawKeyFact, quote } = contentFor(channel, content);
  if (headline === "") {
    return skip(rules.link === "bio" ? "release has no text to post once links are removed (Instagram captions cannot carry links)" : NO_CONTENT_REASON);
  }
  const keyFact = capKeyFact(rawKeyFact, rules.keyFactMax);

  let link: LinkShown | null = null;
  if (release.url !== null && isHttpUrl(release.url)) {
    const url = trackedLink(release.url, channel, campaign);
    link = { url, shown: rules.link === "facet" ? linkDisplayText(url) : rules.link === "bio" ? LINK_IN_BIO : url };
    if (channel === "x" && !extractXUrls(url).includes(url)) {
      return skip("X does not recognise the release link as a URL (twitter-text), so the post could not link to it");
    }
  }

  const body = `${headline}\n${keyFact}\n${quote}`;
  const present = new Set(hashtagsIn(body).map((t) => t.toLowerCase()));
  const hashtags = fittingHashtags(release, client)
    .filter((t) => !present.has(t.toLowerCase()))
    // Bluesky tags are at most 64 graphemes (and 640 bytes).
    .filter((t) => channel !== "bluesky" || (graphemeCount(t) <= 65 && utf8Length(t) <= 641))
    .slice(0, rules.maxHashtags);
  // X: at most one cashtag per post, counting any the headline or key fact already has.
  const maxCashtags = channel === "x" ? Math.max(0, rules.maxCashtags - extractXCashtags(body).length) : rules.maxCashtags;
  const cashtags = cashtagsFromTickers(release.tickers)
    .filter((t) => !body.includes(t))
    .slice(0, maxCashtags);

  const fits = (text: string): boolean =>
    measure(channel, text).value <= rules.target && (channel !== "bluesky" || utf8Length(text) <= BLUESKY_MAX_BYTES);
  const keyFactText = cutPoints(keyFact);

  let chosen: Parts | null = null;
  for (const stage of stagesFor(rules.quote && quote !== "", hashtags.length, cashtags.length)) {
    const base: Parts = {
      headline,
      keyFact: "",
      quote: stage.quote ? quote : "",
      cashtags: cashtags.slice(0, stage.cashtags),
      hashtags: hashtags.slice(0, stage.hashtags),
    };
    const kf = keyFact === "" ? null : fitTo(keyFactText, (k) => fits(render({ ...base, keyFact: k }, link, rules).text), { minGraphemes: stage.keyFactMin });
    if (kf !== null) {
      chosen = { ...base, keyFact: kf };
      break;
    }
    if ((stage.keyFactMin === 0 || keyFact === "") && fits(render(base, link, rules).text)) {
      chosen = base;
      break;
    }
  }
  if (chosen === null) {
    // Last resort: shorten the headline, between words, or between graphemes if a word alone is too long.
    const bare: Parts = { headline: "", keyFact: "", quote: "", cashtags: [], hashtags: [] };
    const fitsHeadline = (h: string): boolean => fits(render({ ...bare, headline: h }, link, rules).text);
    const h = fitTo(headline, fitsHeadline, { breakWords: true });
    if (h === null) {
      const unit = measure(channel, "").unit;
      if (link === null) return skip(`no part of the headline fits the ${channel} limit of ${rules.target} ${unit}`);
      const linkOnly = measure(channel, render(bare, link, rules).text).value;
      return skip(
        linkOnly > rules.target
          ? `the tracked link alone is ${linkOnly} ${unit} (limit ${rules.target}), so no ${channel} post can carry it`
          : `the tracked link takes ${linkOnly} of the ${rules.target} ${unit} ${channel} allows, leaving no room for the headline`,
      );
    }
    chosen = { ...bare, headline: h };
  }

  const rendered = render(chosen, link, rules);
  const facets = channel === "bluesky" ? facetsFor(rendered, link) : [];
  const linkForCheck = link === null || rules.link === "bio" ? null : link.url;
  const check = validateDraftText(channel, rendered.text, { link: linkForCheck, facets });
  if (!check.ok) return skip(`the composed draft is not valid: ${check.reason}`);
  const draft: PostDraft = {
    channel,
    text: rendered.text,
    link: link?.url ?? null,
    facets,
    hashtags: chosen.hashtags,
    cashtags: chosen.cashtags,
    length: check.length,
  };
  return { channel, status: "ok", draft };
}

/** One outcome per entry of `client.channels`, in config order: a valid draft, or why it was skipped. */
export function composeDrafts(input: { release: PlanRelease; client: ClientConfig }): DraftOutcome[] {
  const { release, client } = input;
  const content = releaseContent(release);
  const campaign = releaseSlug(release);
  return client.channels.map((channel) =>
    content.headline === "" ? { channel, status: "skipped", reason: NO_CONTENT_REASON } : draftFor(channel, release, client, content, campaign),
  );
}

/** The channels that get a follow-up post the next business morning (docs/scheduling.md). */
export const FOLLOW_UP_CHANNELS: readonly Channel[] = ["x", "linkedin"];

/**
 * Follow-up drafts for X and LinkedIn (those the client posts on): a different angle from the first
 * post, led by the release's quote, or else its key fact, with the same tracked link and tags. A
 * release with neither has no follow-up (it would only repeat the headline).
 */
export function composeFollowUps(input: { release: PlanRelease; client: ClientConfig }): PostDraft[] {
  const { release, client } = input;
  const content = releaseContent(release);
  const lead = content.quote !== "" ? `“${content.quote}”` : content.keyFact;
  if (content.headline === "" || lead === "") return [];
  const angle: ReleaseContent = { headline: lead, keyFact: content.quote !== "" ? content.keyFact : "", quote: "" };
  const campaign = releaseSlug(release);
  return FOLLOW_UP_CHANNELS.filter((c) => client.channels.includes(c)).flatMap((channel) => {
    const outcome = draftFor(channel, release, client, angle, campaign);
    return outcome.status === "ok" ? [outcome.draft] : [];
  });
}
