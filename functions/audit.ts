import { jobHandler } from "./shared/lambda-runtime.ts";
import { emitMetrics } from "./shared/metrics.ts";

/** The hourly window audit (optionally `{ now }`), with its metrics for the alarms (wiring: packages/adapters/src/wiring.ts). */
export const handler = jobHandler("audit", {
  after: (r) =>
    emitMetrics("audit", {
    MissedWindows: r.newlyMissed,
    OpenMissedWindows: r.counts.missed,
    AtRiskWindows: r.counts.atRisk,
    StaleApprovals: r.counts.stale,
    FeedProblems: r.counts.feedHealth,
      DigestFailures: r.digestsFailed,
    }),
});
