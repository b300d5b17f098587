import { z } from "zod";
import { SesMailer } from "@pressbridge/adapters";
import { ValidationError, newlyMissedSince, runAudit, systemClock, type AuditOutcome, type RunAuditDeps } from "@pressbridge/core";
import { auditStore, eventBus, planStore, releaseStore } from "./shared/aws-adapters.ts";
import { configFromEnv, createFunctionLogger, requiredEnv, wrapHandler } from "./shared/lambda-runtime.ts";
import { emitMetrics } from "./shared/metrics.ts";

/** What the hourly schedule (or an operator) may send: optionally the time to audit as of. */
const AuditInput = z.object({ now: z.iso.datetime({ offset: true }).optional() }).loose();

export interface AuditResult {
  auditId: string;
  counts: AuditOutcome["report"]["counts"];
  newlyMissed: number;
  digestsSent: number;
  digestsFailed: number;
}

/** Runs the window audit once: validate the input, call the use case, map the result. */
export async function auditHandler(event: unknown, deps: RunAuditDeps): Promise<AuditResult> {
  const parsed = AuditInput.safeParse(event ?? {});
  if (!parsed.success) throw new ValidationError(`event.${parsed.error.issues[0]?.path.join(".") ?? ""}`, parsed.error.issues[0]?.message ?? "invalid input");
  const previous = await deps.audits.latestReport();
  const outcome = await runAudit(deps, parsed.data.now === undefined ? {} : { now: new Date(parsed.data.now) });
  return {
    auditId: outcome.report.id,
    counts: outcome.report.counts,
    // Windows that closed since the previous audit: what the alarm fires on, each miss counted once.
    newlyMissed: newlyMissedSince(outcome.report, previous?.at),
    digestsSent: outcome.digests.filter((d) => d.status === "sent").length,
    digestsFailed: outcome.digests.filter((d) => d.status === "failed").length,
  };
}

// Cold start: config and clients are created once per container and reused across invocations.
const { logger } = createFunctionLogger("audit");
const store = releaseStore();
const deps: RunAuditDeps = {
  config: configFromEnv(),
  audits: auditStore(),
  plans: planStore(),
  releases: store,
  feedStates: store,
  clock: systemClock,
  mailer: new SesMailer(process.env.SES_CONFIGURATION_SET ? { configurationSetName: process.env.SES_CONFIGURATION_SET } : {}),
  bus: eventBus(),
  from: requiredEnv("MAIL_FROM"),
  baseUrl: process.env.WEB_BASE_URL,
  logger,
};

export const handler = wrapHandler(
  "audit",
  logger,
  async (event: unknown) => {
    const result = await auditHandler(event, deps);
    emitMetrics("audit", {
      MissedWindows: result.newlyMissed,
      OpenMissedWindows: result.counts.missed,
      AtRiskWindows: result.counts.atRisk,
      StaleApprovals: result.counts.stale,
      FeedProblems: result.counts.feedHealth,
      DigestFailures: result.digestsFailed,
    });
    return result;
  },
  (r) => ({ auditId: r.auditId, ...r.counts, newlyMissed: r.newlyMissed, digestsSent: r.digestsSent, digestsFailed: r.digestsFailed }),
);
