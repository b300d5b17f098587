import type { NewRelease } from "@pressbridge/core";

/** A new release as the poller stores it, with plain defaults; tests override what they look at. */
export function newRelease(id: string, detectedAt: string, overrides: Partial<NewRelease> = {}): NewRelease {
  return {
    id,
    identity: `url:https://wire.example/${id}`,
    title: `Title ${id}`,
    summary: "",
    url: `https://wire.example/${id}`,
    publishedAt: detectedAt,
    publishedAtPrecision: "datetime",
    detectedAt,
    wire: "PR Newswire",
    issuer: null,
    tickers: [],
    language: "en",
    wireReleaseId: null,
    industries: [],
    subjects: [],
    keywords: [],
    fingerprint: null,
    clientId: null,
    announce: "announced",
    announceLeaseUntil: null,
    sources: [{ feedId: "wire", url: `https://wire.example/${id}`, seenAt: detectedAt }],
    ...overrides,
  };
}
