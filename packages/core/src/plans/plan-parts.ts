import type { ClientConfig } from "../config/config-schema.ts";

/** Organic post channels and ad platforms, as named in the config. */
export type Channel = ClientConfig["channels"][number];
export type AdPlatform = ClientConfig["adPlatforms"][number];

/** How channels and ad platforms are named to people (emails, the web app). */
export const PLATFORM_NAMES: Readonly<Record<Channel | AdPlatform, string>> = {
  x: "X",
  linkedin: "LinkedIn",
  facebook: "Facebook",
  instagram: "Instagram",
  bluesky: "Bluesky",
  threads: "Threads",
  meta: "Meta",
};

/** The release fields plan composition reads. All text is untrusted plain text from a feed. */
export interface PlanRelease {
  id: string;
  title: string;
  summary: string;
  url: string | null;
  wire: string;
  issuer: string | null;
  tickers: string[];
  language: string | null;
  industries: string[];
  subjects: string[];
  keywords: string[];
  publishedAt: string | null;
  detectedAt: string;
}

/** A Bluesky rich-text facet: a link over a UTF-8 byte range of the post text. */
export interface LinkFacet {
  index: { byteStart: number; byteEnd: number };
  features: Array<{ $type: "app.bsky.richtext.facet#link"; uri: string } | { $type: "app.bsky.richtext.facet#tag"; tag: string }>;
}

/** How a draft's length was counted, by the platform's own rule. */
export interface DraftLength {
  unit: "weighted" | "graphemes" | "characters";
  value: number;
  limit: number;
}

export interface PostDraft {
  channel: Channel;
  /** Exactly the text to publish. */
  text: string;
  /** The tracked link (with UTM parameters) the post points to, if any. */
  link: string | null;
  /** Bluesky only: link (and hashtag) facets over `text`. */
  facets: LinkFacet[];
  hashtags: string[];
  cashtags: string[];
  length: DraftLength;
}

/** One entry per configured channel: a valid draft, or exactly why the channel was skipped. */
export type DraftOutcome =
  | { channel: Channel; status: "ok"; draft: PostDraft }
  | { channel: Channel; status: "skipped"; reason: string };

/** What a media list may say about a journalist besides the address. */
export interface MediaContactDetails {
  name?: string;
  outlet?: string;
  beat?: string;
  /** Public handle on X, without the "@". */
  xHandle?: string;
}

/**
 * A journalist on a client's media list: by email (a CSV list), or by the audience hash of it only
 * (a hashed list, `emailSha256` = SHA-256 hex of the trimmed, lower-cased email, as deployed to AWS:
 * docs/plans.md). One of the two is always there. Emails are hashed before anything is stored.
 */
export type MediaContact = (MediaContactDetails & { email: string }) | (MediaContactDetails & { email?: string; emailSha256: string });
