import { createHash } from "node:crypto";
import { announce } from "../delivery/outbox.ts";
import { sendOnce } from "../delivery/send-once.ts";
import { makeEvent, type BusEvent } from "../events/catalog.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { EmailLedger, EventBus, EventOutbox, Mailer } from "../ports.ts";
import type { AuditStore } from "./audit-ports.ts";
import { renderAuditDigest } from "./audit-digest-email.ts";
import { HOUR_MS, type AuditFinding, type AuditReport, type FindingKind } from "./audit-report.ts";
import { auditWindows, type AuditReadDeps } from "./audit-windows.ts";

export interface RunAuditDeps extends AuditReadDeps {
  audits: AuditStore;
  mailer: Mailer;
  /** Which digests were sent (sendOnce). */
  emails: EmailLedger;
  bus: EventBus;
  outbox: EventOutbox;
  /** Sender of the digest. */
  from: string;
  /** The web app's address, for a dashboard link in the digest (no trailing slash). */
  baseUrl?: string | undefined;
  logger?: Logger;
}

/** Kinds a digest announces. Stale approvals get the approval reminders instead; they are listed for context. */
export const ANNOUNCED_KINDS: ReadonlySet<FindingKind> = new Set(["missed", "at-risk", "feed-health"]);

/** How long a claimed finding stays claimed before another run may announce it. */
export const DIGEST_LEASE_SECONDS = 300;

export interface DigestOutcome {
  clientId: string;
  status: "sent" | "nothing-new" | "failed";
  announced: string[];
  messageId: string | null;
  error: string | null;
}

export interface AuditOutcome {
  report: AuditReport;
  digests: DigestOutcome[];
  event: BusEvent<"AuditCompleted">;
}

/**
 * The hourly audit: audits the windows, stores the report, emails each client's owner and approvers
 * a digest of what is new or changed, and announces `Audit Completed`.
 *
 * Why: the PR lead needs to hear about a missed or endangered window once, promptly, and not every
 * hour after; and operations need one event and one metric per run.
 *
 * Steps:
 * 1. auditWindows (read-only; see there);
 * 2. store the report keyed by its time; the "latest" pointer only moves forward;
 * 3. per client, claim each missed/at-risk/own-feed finding by its fingerprint (finding id + state)
 *    with a conditional write; if any claim is won, send one digest listing the claimed findings
 *    through sendOnce (keyed by the claimed set, so a run that died after sending does not send
 *    it again), then mark them announced; if the email fails, give the claims back so the next run
 *    retries them. One client's failure never affects the others' digests or the report;
 * 4. announce `Audit Completed` with the counts through the delivery kernel (recorded in the
 *    outbox, so a bus failure leaves it to the flush instead of failing the run).
 */
export async function runAudit(deps: RunAuditDeps, options: { now?: Date } = {}): Promise<AuditOutcome> {
  const logger = deps.logger ?? silentLogger;
  const report = await auditWindows(deps, options);
  await deps.audits.saveReport(report);
  const digests = await sendAuditDigests(deps, report);
  const event = makeEvent(
    "AuditCompleted",
    `audit-completed:${report.at}`,
    {
      version: 1,
      auditId: report.id,
      at: report.at,
      period: report.period,
      counts: report.counts,
      clients: report.clients.map(({ clientId, missed, atRisk, stale, feedHealth }) => ({ clientId, missed, atRisk, stale, feedHealth })),
      digests: {
        sent: digests.filter((d) => d.status === "sent").length,
        failed: digests.filter((d) => d.status === "failed").length,
        findingsAnnounced: digests.reduce((n, d) => n + (d.status === "sent" ? d.announced.length : 0), 0),
      },
    },
    report.at,
  );
  await announce({ ...deps, logger }, [event], { auditId: report.id });
  return { report, digests, event };
}

/**
 * Sends each client the digest of its new or changed findings (step 3 of runAudit). Exported for
 * the tests of deduplication across runs.
 */
export async function sendAuditDigests(deps: Pick<RunAuditDeps, "config" | "audits" | "mailer" | "emails" | "clock" | "from" | "baseUrl" | "logger">, report: AuditReport): Promise<DigestOutcome[]> {
  const logger = deps.logger ?? silentLogger;
  const nowMs = Date.parse(report.at);
  const leaseUntil = new Date(nowMs + DIGEST_LEASE_SECONDS * 1000).toISOString();
  // A finding leaves the reports at most lookbackHours after its deadline; keep its record a bit longer.
  const expiresAt = new Date(nowMs + (report.settings.lookbackHours + 48) * HOUR_MS).toISOString();
  const outcomes: DigestOutcome[] = [];
  for (const client of deps.config.clients) {
    const own = report.findings.filter((f) => f.clientId === client.id);
    const announceable = own.filter((f) => ANNOUNCED_KINDS.has(f.kind));
    if (announceable.length === 0) continue;
    const claimed: AuditFinding[] = [];
    try {
      // Unchanged findings are skipped on a batched read; only new or changed ones cost a write.
      const announced = await deps.audits.announcedFingerprints(client.id, announceable.map((f) => f.id));
      const candidates = announceable.filter((f) => announced.get(f.id) !== f.fingerprint);
      for (const f of candidates) {
        const claim = await deps.audits.claimFinding({ clientId: client.id, findingId: f.id, fingerprint: f.fingerprint, now: report.at, leaseUntil, expiresAt });
        if (claim === "claimed") claimed.push(f);
      }
    } catch (err) {
      await giveBack(deps, client.id, claimed, String(err), logger);
      outcomes.push({ clientId: client.id, status: "failed", announced: [], messageId: null, error: String(err) });
      logger.error("audit digest claims failed", { clientId: client.id, error: String(err) });
      continue;
    }
    if (claimed.length === 0) {
      outcomes.push({ clientId: client.id, status: "nothing-new", announced: [], messageId: null, error: null });
      continue;
    }
    const claimedIds = new Set(claimed.map((f) => f.id));
    const digest = createHash("sha256").update(claimed.map((f) => `${f.id}\u0000${f.fingerprint}`).sort().join("\n")).digest("base64url").slice(0, 16);
    const sent = await sendOnce({ emails: deps.emails, mailer: deps.mailer, clock: deps.clock, logger }, { scope: `client:${client.id}`, kind: `digest-${digest}`, recipient: client.owner }, () =>
      renderAuditDigest({
        client,
        announce: claimed,
        stillOpen: own.filter((f) => !claimedIds.has(f.id)),
        from: deps.from,
        at: report.at,
        dashboardUrl: deps.baseUrl === undefined ? undefined : `${deps.baseUrl.replace(/\/+$/, "")}/dashboard/${encodeURIComponent(client.id)}`,
      }),
    );
    if (sent.status === "sent" || (sent.status === "skipped" && sent.why === "already-sent")) {
      const messageId = sent.status === "sent" ? sent.messageId : "sent-earlier";
      await markAnnounced(deps, client.id, claimed, messageId, logger);
      outcomes.push({ clientId: client.id, status: "sent", announced: claimed.map((f) => f.id), messageId, error: null });
    } else {
      const error = sent.status === "failed" ? sent.error : `the digest is ${sent.why === "in-progress" ? "being sent by another run" : "refused for good"}`;
      await giveBack(deps, client.id, claimed, error, logger);
      outcomes.push({ clientId: client.id, status: "failed", announced: [], messageId: null, error });
      logger.error("audit digest failed; its findings stay unannounced for the next run", { clientId: client.id, retryable: sent.status === "failed" ? sent.retryable : true, error });
    }
  }
  return outcomes;
}

/**
 * Marks the findings of a digest that was sent, retrying each mark a few times: giving the claims
 * back instead would send the same digest again on the next run. If a mark still fails, its claim
 * stays "sending" and only a run after its lease ends may announce that finding again.
 */
async function markAnnounced(deps: Pick<RunAuditDeps, "audits" | "clock">, clientId: string, findings: readonly AuditFinding[], messageId: string, logger: Logger): Promise<void> {
  const sentAt = deps.clock.now().toISOString();
  for (const f of findings) {
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.audits.markFindingAnnounced(clientId, f.id, f.fingerprint, messageId, sentAt);
        break;
      } catch (err) {
        if (attempt >= MARK_ATTEMPTS) {
          logger.warn("digest sent but not marked as announced; its claim frees itself when its lease ends", { clientId, findingId: f.id, error: String(err) });
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)));
      }
    }
  }
}

const MARK_ATTEMPTS = 3;

async function giveBack(deps: Pick<RunAuditDeps, "audits">, clientId: string, findings: readonly AuditFinding[], error: string, logger: Logger): Promise<void> {
  for (const f of findings) {
    try {
      await deps.audits.releaseFinding(clientId, f.id, f.fingerprint, error);
    } catch (err) {
      // The lease runs out on its own; the next run after that announces it.
      logger.warn("could not release a digest claim; it frees itself when its lease ends", { clientId, findingId: f.id, error: String(err) });
    }
  }
}
