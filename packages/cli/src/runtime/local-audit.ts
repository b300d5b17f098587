import { formatZonedTime, type AuditOutcome } from "@pressbridge/core";

/** One line per run, for `start`'s log and the end of `pressbridge audit`'s table. */
export function auditSummaryLine(outcome: AuditOutcome): string {
  const c = outcome.report.counts;
  const sent = outcome.digests.filter((d) => d.status === "sent");
  const failed = outcome.digests.filter((d) => d.status === "failed");
  return (
    `audit: ${c.missed} missed, ${c.atRisk} at risk, ${c.stale} stale, ${c.feedHealth} feed problem(s); ` +
    `${sent.length} digest(s) sent${sent.length ? ` (${sent.map((d) => d.clientId).join(", ")})` : ""}` +
    (failed.length ? `, ${failed.length} failed (${failed.map((d) => `${d.clientId}: ${d.error}`).join("; ")})` : "")
  );
}

/** The human table of `pressbridge audit`: one finding per line, deadlines in the client's zone. */
export function auditTable(outcome: AuditOutcome): string {
  const { report } = outcome;
  const lines = [`audit at ${report.at}; deadlines from ${report.period.from} to ${report.period.to}`];
  if (report.findings.length === 0) lines.push("", "nothing missed, nothing at risk, no stale approvals, every feed healthy");
  else {
    const rows = report.findings.map((f) => [
      f.kind,
      f.clientId ?? "-",
      f.deadline === null ? "-" : formatZonedTime(Date.parse(f.deadline), f.timezone),
      `${f.title.replace(/\s+/g, " ").slice(0, 80)}: ${f.reason}${f.dryRun ? " (dry run: posted by hand?)" : ""}`,
    ]);
    const head = ["KIND", "CLIENT", "DEADLINE (client time)", "FINDING"];
    const widths = [0, 1, 2].map((i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join("  ");
    lines.push("", fmt(head), ...rows.map(fmt));
  }
  if (report.dryRuns.length > 0) lines.push("", `${report.dryRuns.length} plan(s) amplified by the dry-run publisher only: posted by hand?`);
  lines.push("", auditSummaryLine(outcome));
  return `${lines.join("\n")}\n`;
}
