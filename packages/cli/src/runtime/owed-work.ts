import type { OwedSummary } from "@pressbridge/adapters";

/** Exit code of a command that finished its own work but leaves some owed (delivered later). */
export const EXIT_WORK_OWED = 3;

/**
 * One line naming what the local bus still owes, e.g. "2 event deliveries owed (notify-approvers: 2),
 * next retry at 2026-11-24T15:00:05.000Z, after 3 failed attempts: TransientError: ...".
 */
export function owedLine(owed: OwedSummary): string {
  const n = owed.waiting;
  const consumers = Object.entries(owed.byConsumer)
    .map(([c, k]) => `${c}: ${k}`)
    .join(", ");
  const attempts = owed.mostAttempts > 0 ? `, after ${owed.mostAttempts} failed attempt${owed.mostAttempts === 1 ? "" : "s"}` : "";
  const error = owed.lastError === null ? "" : `: ${oneLine(owed.lastError).slice(0, 300)}`;
  return `${n} event deliver${n === 1 ? "y" : "ies"} owed (${consumers}), next retry at ${owed.nextAttemptAt ?? "once a consumer is running"}${attempts}${error}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
