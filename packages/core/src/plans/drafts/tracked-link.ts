/**
 * Tracked links: the release URL with UTM parameters naming where a click came from, and the short
 * display text Bluesky shows for it.
 */
import { ValidationError } from "../../errors.ts";
import type { AdPlatform, Channel } from "../plan-parts.ts";
import { releaseUrl } from "../../releases/release-identity.ts";
import { ELLIPSIS } from "../../text/fit-text.ts";
import { graphemes } from "../../text/text-units.ts";

/** True for an absolute http(s) URL that the WHATWG parser accepts. */
export function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * `url` with utm_source=<source>, utm_medium=<medium> (default "social") and utm_campaign=<campaign>
 * appended, in that order. The link is first the release's own (`releaseUrl`): every existing
 * tracking parameter (utm_*, and the wires' own such as Business Wire's long `feedref` or PR
 * Newswire's `ncid`) and any credentials are removed, since a wire's attribution must not be mixed
 * with ours and it only lengthens posts. All other parameters, their order and their encoding, and
 * the fragment are kept. Throws ValidationError for anything but an absolute http(s) URL.
 */
export function trackedLink(url: string, source: Channel | AdPlatform, campaign: string, medium = "social"): string {
  const untracked = isHttpUrl(url) ? releaseUrl(url) : undefined;
  if (untracked === undefined) throw new ValidationError("url", "must be an absolute http(s) URL");
  const u = new URL(untracked);
  const ours = [
    `utm_source=${encodeURIComponent(source)}`,
    `utm_medium=${encodeURIComponent(medium)}`,
    `utm_campaign=${encodeURIComponent(campaign)}`,
  ];
  u.search = `?${[u.search.replace(/^\?/, ""), ...ours].filter((part) => part !== "").join("&")}`;
  u.hash = new URL(url).hash;
  return u.href;
}

/** How much of a link Bluesky drafts show, in graphemes (the facet still points at the whole link). */
export const LINK_DISPLAY_MAX = 32;

/**
 * Short display text for a link: the whole host (without "www.") and as much of the path as fits in
 * LINK_DISPLAY_MAX graphemes, with "…" when anything (path, query, fragment) is left out. Contains no
 * whitespace. The host is never cut, so readers always see where the link goes.
 */
export function linkDisplayText(url: string): string {
  const u = new URL(url);
  const host = u.hostname.replace(/^www\./, "");
  const path = u.pathname === "/" ? "" : u.pathname;
  const more = u.search !== "" || u.hash !== "";
  const g = graphemes(path);
  const room = LINK_DISPLAY_MAX - 1 - host.length;
  if (g.length <= room) return `${host}${path}${more ? ELLIPSIS : ""}`;
  return `${host}${g.slice(0, Math.max(0, room)).join("")}${ELLIPSIS}`;
}
