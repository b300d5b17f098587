import {
  parseConfig,
  type AmplificationPlan,
  type AuditReadDeps,
  type FeedState,
  type PlanPublication,
  type StoredRelease,
} from "@pressbridge/core";
import { newRelease } from "./releases.ts";

export const HOUR = 3_600_000;
export const T0 = Date.parse("2026-11-02T14:00:00.000Z");
export const at = (hours: number): string => new Date(T0 + hours * HOUR).toISOString();

export const config = parseConfig({
  clients: [
    {
      id: "acme",
      name: "Acme Corp",
      windowHours: 72,
      timezone: "America/New_York",
      owner: "pr-lead@acme.example",
      approvers: ["social@acme.example", "pr-lead@acme.example"],
      keywords: ["Acme"],
    },
    { id: "globex", name: "Globex", windowHours: 48, timezone: "Europe/Berlin", owner: "lead@globex.example", approvers: ["s@globex.example"] },
  ],
  feeds: [
    { id: "acme-newsroom", url: "https://acme.example/rss", clientId: "acme" },
    { id: "prn", url: "https://prn.example/rss", wire: "PR Newswire", silentAfterHours: 6 },
  ],
});

export function release(id: string, detectedHours: number, overrides: Partial<StoredRelease> = {}): StoredRelease {
  return {
    ...newRelease(id, at(detectedHours), { title: `Acme release ${id}`, issuer: "Acme", sources: [{ feedId: "prn", url: `https://wire.example/${id}`, seenAt: at(detectedHours) }] }),
    announcedAt: at(detectedHours),
    planning: null,
    ...overrides,
  };
}

export function plan(id: string, detectedHours: number, overrides: Partial<AmplificationPlan> = {}, clientId = "acme"): AmplificationPlan {
  const client = config.clients.find((c) => c.id === clientId)!;
  return {
    id,
    releaseId: `r_${id}`,
    clientId,
    clientName: client.name,
    status: "pending_approval",
    createdAt: at(detectedHours),
    windowDeadline: at(detectedHours + client.windowHours),
    windowHours: client.windowHours,
    timezone: client.timezone,
    owner: client.owner,
    approvers: client.approvers,
    match: { reason: "keyword", matched: [] },
    release: {
      title: `Release ${id}`,
      url: `https://wire.example/${id}`,
      wire: "PR Newswire",
      issuer: null,
      tickers: [],
      language: "en",
      detectedAt: at(detectedHours),
      publishedAt: null,
    },
    campaign: id,
    drafts: [],
    skipped: [],
    briefs: [],
    announce: "announced",
    announceLeaseUntil: null,
    ...overrides,
  };
}

export function approve(p: AmplificationPlan, hours: number): void {
  p.status = "approved";
  p.decision = { action: "approved", by: "social@acme.example", at: at(hours), linkId: "l", draftVersions: {}, comment: null };
}

export function reject(p: AmplificationPlan, hours: number, comment: string | null = "off-message"): void {
  p.status = "rejected";
  p.decision = { action: "rejected", by: "social@acme.example", at: at(hours), linkId: "l", draftVersions: {}, comment };
}

export function publish(p: AmplificationPlan, hours: number, outcome: "published" | "failed", dryRun = false): void {
  const publication: PlanPublication = {
    at: at(hours),
    publishedAt: outcome === "published" ? at(hours) : null,
    dryRun,
    actions: [
      {
        key: `${p.id}:post:x:v1`,
        kind: "organic-post",
        platform: "x",
        status: outcome,
        dryRun,
        platformIds: {},
        url: null,
        reason: outcome === "failed" ? "401 from X" : null,
        retryable: false,
        at: at(hours),
      },
    ],
  };
  p.publication = publication;
  p.status = outcome === "published" ? "published" : "publish_failed";
}

export function feedState(feedId: string, overrides: Partial<FeedState> = {}): FeedState {
  return {
    feedId,
    version: 1,
    etag: null,
    lastModified: null,
    bodyHash: "h",
    baselineAt: at(-100),
    lastAttemptAt: at(0),
    lastSuccessAt: at(0),
    lastChangeAt: at(0),
    lastNewItemAt: at(0),
    consecutiveFailures: 0,
    nextPollAt: null,
    lastError: null,
    lastHttpStatus: 200,
    itemsSeen: 10,
    ...overrides,
  };
}

/**
 * An in-memory world behind the audit's read ports. `plansByDeadline` honours the deadline range and
 * records every range asked for, so tests can check what the audit reads.
 */
export class World {
  readonly plans = new Map<string, AmplificationPlan>();
  readonly releases = new Map<string, StoredRelease>();
  readonly feeds = new Map<string, FeedState>();
  readonly ranges: Array<{ clientId: string; from: string; to: string }> = [];
  nowMs = T0;
  readonly clock = { now: () => new Date(this.nowMs) };

  setHours(hours: number): void {
    this.nowMs = T0 + hours * HOUR;
  }

  deps(cfg = config): AuditReadDeps {
    return {
      config: cfg,
      clock: this.clock,
      audits: {
        plansByDeadline: async (clientId, from, to) => {
          this.ranges.push({ clientId, from, to });
          return [...this.plans.values()]
            .filter((p) => p.clientId === clientId && p.windowDeadline >= from && p.windowDeadline <= to)
            .sort((a, b) => a.windowDeadline.localeCompare(b.windowDeadline))
            .map((p) => structuredClone(p));
        },
      },
      plans: { getPlan: async (id) => structuredClone(this.plans.get(id)) },
      releases: {
        listReleases: async ({ from, to }) =>
          [...this.releases.values()].filter((r) => r.detectedAt >= from && r.detectedAt <= to).map((r) => structuredClone(r)),
      },
      feedStates: {
        getFeedStates: async (ids) => new Map([...this.feeds].filter(([id]) => ids.includes(id))),
      },
    };
  }
}
