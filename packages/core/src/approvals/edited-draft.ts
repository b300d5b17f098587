import type { LinkFacet, PlanDraft } from "../plans/plan.ts";
import { validateDraftText } from "../plans/drafts/index.ts";

const HASHTAG = /(?<![\p{L}\p{N}_])#([\p{L}\p{N}_]+)/gu;
const CASHTAG = /(?<![\p{L}\p{N}_$])\$([A-Z]{1,6})(?![\p{L}\p{N}_])/gu;

function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), "utf8");
}

/**
 * Bluesky facets for edited text: the link keeps pointing at the tracked URL over the same visible
 * link text (or the full URL) wherever the editor moved it; hashtags become tag facets.
 */
function blueskyFacets(previous: PlanDraft, text: string): LinkFacet[] {
  const facets: LinkFacet[] = [];
  if (previous.link !== null) {
    const old = previous.facets.find((f) => f.features.some((x) => x.$type === "app.bsky.richtext.facet#link"));
    const shown = old === undefined ? previous.link : Buffer.from(previous.text, "utf8").subarray(old.index.byteStart, old.index.byteEnd).toString("utf8");
    for (const candidate of [shown, previous.link]) {
      const at = text.indexOf(candidate);
      if (candidate !== "" && at >= 0) {
        facets.push({
          index: { byteStart: byteOffset(text, at), byteEnd: byteOffset(text, at + candidate.length) },
          features: [{ $type: "app.bsky.richtext.facet#link", uri: previous.link }],
        });
        break;
      }
    }
  }
  for (const m of text.matchAll(HASHTAG)) {
    facets.push({
      index: { byteStart: byteOffset(text, m.index), byteEnd: byteOffset(text, m.index + m[0].length) },
      features: [{ $type: "app.bsky.richtext.facet#tag", tag: m[1]! }],
    });
  }
  return facets.sort((a, b) => a.index.byteStart - b.index.byteStart);
}

/**
 * A social manager's edit of a draft, checked with the same channel rules as generated drafts.
 * Returns the next version, or the exact reason the text cannot be published on that channel.
 */
export function editedDraft(previous: PlanDraft, rawText: string): { ok: true; draft: PlanDraft } | { ok: false; reason: string } {
  const text = rawText.replace(/\r\n?/g, "\n").normalize("NFC");
  const facets = previous.channel === "bluesky" ? blueskyFacets(previous, text) : [];
  // Instagram captions carry no link (it goes in the bio); every other channel must keep it.
  const check = validateDraftText(previous.channel, text, { link: previous.channel === "instagram" ? null : previous.link, facets });
  if (!check.ok) return { ok: false, reason: check.reason };
  return {
    ok: true,
    draft: {
      ...previous,
      text,
      facets,
      hashtags: [...text.matchAll(HASHTAG)].map((m) => `#${m[1]}`),
      cashtags: [...text.matchAll(CASHTAG)].map((m) => `$${m[1]}`),
      length: check.length,
      version: previous.version + 1,
    },
  };
}
