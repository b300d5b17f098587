import { runAudit, ValidationError } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../command-args.ts";
import { auditDeps } from "@pressbridge/adapters";
import { auditTable } from "../runtime/local-audit.ts";
import { commandContext } from "../runtime/local-context.ts";

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses --now: an ISO 8601 instant with a zone (Z or an offset), else a ValidationError naming the flag. */
export function nowFlag(raw: unknown): Date | undefined {
  if (raw === undefined) return undefined;
  const ms = typeof raw === "string" && ISO_INSTANT.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new ValidationError("--now", `must be an ISO 8601 time with a zone, such as 2026-11-24T15:00:00Z, got "${String(raw).slice(0, 60)}"`);
  }
  return new Date(ms);
}

/**
 * `pressbridge audit`: runs the window audit once, as the hourly schedule does: stores the report,
 * sends the digests of new or changed findings, publishes Audit Completed. `--now` runs it as of
 * that time. Prints the report (one JSON document with --json).
 */
export async function auditCommand(args: CommandArgs): Promise<number> {
  const now = nowFlag(args.now);
  const logger = createCliLogger();
  const ctx = await commandContext(args, logger);
  try {
    const outcome = await runAudit(await auditDeps(ctx), now === undefined ? {} : { now });
    if (args.json === true) {
      process.stdout.write(`${JSON.stringify({ report: outcome.report, digests: outcome.digests, event: { id: outcome.event.id, detailType: outcome.event.detailType } }, null, 2)}\n`);
    } else {
      process.stdout.write(auditTable(outcome));
    }
    return 0;
  } finally {
    await ctx.close();
  }
}
