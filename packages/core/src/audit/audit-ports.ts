import type { AmplificationPlan } from "../plans/plan.ts";
import type { AuditReport } from "./audit-report.ts";

/** A stored report without its findings, for listings. */
export type AuditReportSummary = Omit<AuditReport, "findings" | "dryRuns">;

/**
 * What the window audit reads and writes beyond the release, plan and feed-state stores. Reads go
 * through time-ordered indexes (never a Scan); every write is conditional or idempotent.
 */
export interface AuditStore {
  /**
   * Every plan of a client whose window deadline is in [from, to], soonest first, through the
   * client/deadline index, all pages. Its cost is proportional to the plans in that range.
   */
  plansByDeadline(clientId: string, from: string, to: string): Promise<AmplificationPlan[]>;
  /** Stores a report (keyed by its time) and moves the "latest" pointer forward, never back. */
  saveReport(report: AuditReport): Promise<void>;
  latestReport(): Promise<AuditReport | undefined>;
  /** Reports that ran in [from, to], newest first, without their findings. */
  listReports(options: { from: string; to: string; limit: number }): Promise<AuditReportSummary[]>;
  /**
   * Claims the right to announce one finding, in one state (its fingerprint), to one client:
   * "claimed" when it was never announced, changed since, or an earlier claim was released or
   * abandoned (its lease ran out); "announced" when this very state was announced already;
   * "in-progress" when another run holds the claim. Conditional write: one of concurrent runs wins.
   */
  claimFinding(claim: FindingClaim): Promise<"claimed" | "announced" | "in-progress">;
  /**
   * The fingerprints already announced (status sent) for these findings of a client, read in batches:
   * lets a run skip what is unchanged without a write per finding.
   */
  announcedFingerprints(clientId: string, findingIds: readonly string[]): Promise<Map<string, string>>;
  /** Marks a claimed finding announced (its email was accepted). */
  markFindingAnnounced(clientId: string, findingId: string, fingerprint: string, messageId: string, at: string): Promise<void>;
  /** Gives a claim back after its email failed, so the next run announces it again. */
  releaseFinding(clientId: string, findingId: string, fingerprint: string, error: string): Promise<void>;
}

export interface FindingClaim {
  clientId: string;
  findingId: string;
  fingerprint: string;
  now: string;
  leaseUntil: string;
  /** When the record may be forgotten (TTL): after the finding can have left every report. */
  expiresAt: string;
}
