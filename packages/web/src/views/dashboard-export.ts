import { csvCell, type TimelineRow } from "@pressbridge/core";

export { csvCell };
import { formatInZone } from "./format.ts";

/**
 * CSV export of a client's releases. Titles come from feeds, so every cell is untrusted: cells with
 * a comma, quote or line break are quoted (RFC 4180), and a cell that a spreadsheet would run as a
 * formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe (OWASP's CSV injection
 * advice). Lines end with CRLF; a BOM lets Excel read UTF-8.
 */
export const CSV_COLUMNS = [
  "client_id",
  "plan_id",
  "release_id",
  "title",
  "wire",
  "status",
  "outcome",
  "detected_at",
  "approved_at",
  "rejected_at",
  "published_at",
  "deadline_utc",
  "deadline_local",
  "dry_run",
] as const;

export function timelineCsv(rows: readonly TimelineRow[], timeZone: string): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    lines.push(
      [
        r.clientId,
        r.planId,
        r.releaseId,
        r.title,
        r.wire,
        r.status,
        r.outcome,
        r.detectedAt,
        r.approvedAt,
        r.rejectedAt,
        r.publishedAt,
        r.deadline,
        formatInZone(r.deadline, timeZone),
        r.dryRun,
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
