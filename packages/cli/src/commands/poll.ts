import { currentConfig, pollDeps, sweepDeps, type OwedSummary } from "@pressbridge/adapters";
import { ValidationError, flushOutbox, pollFeeds, sweepUndeliveredWork, type FeedPollResult } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../command-args.ts";
import { commandContext } from "../runtime/local-context.ts";
import { EXIT_WORK_OWED, owedLine } from "../runtime/owed-work.ts";

/** How long poll keeps retrying failed deliveries before it exits leaving them owed (PRESSBRIDGE_POLL_GRACE_SECONDS). */
const DEFAULT_GRACE_SECONDS = 10;

/**
 * `pressbridge poll --once`: polls due (or all) feeds once and prints a summary per feed.
 *
 * The consumers run in this process (planning, approval emails). Before exiting, poll delivers
 * what earlier processes of the data dir left owed, runs the delivery sweep, and keeps retrying
 * failed deliveries due within the grace period. Whatever is still owed then stays on disk for
 * `pressbridge start` or the next poll, and poll exits 3 with one line on stderr saying what.
 */
export async function pollCommand(args: CommandArgs): Promise<number> {
  if (args.once !== true) {
    throw new ValidationError("--once", "poll runs a single pass; pass --once (the continuous schedule is `pressbridge start`)");
  }
  const feedIds = Array.isArray(args.feed) ? args.feed : undefined;
  const graceMs = graceSeconds() * 1000;
  const logger = createCliLogger();
  const ctx = await commandContext(args, logger);
  const undone: string[] = [];
  try {
    const config = await currentConfig(ctx);
    if (config.feeds.length === 0) throw noFeeds();
    for (const id of feedIds ?? []) {
      if (!config.feeds.some((f) => f.id === id)) throw new ValidationError("--feed", `no feed with id "${id}" in the workspace (\`pressbridge feeds list\` shows them)`);
    }
    const summary = await pollFeeds(
      await pollDeps(ctx, {
        config,
        onFeedDone: (r, done, total) => {
          if (total > 1) process.stderr.write(`[${done}/${total}] ${r.id}: ${r.status}\n`);
        },
      }),
      { all: args.all === true, ...(feedIds ? { feedIds } : {}) },
    );
    try {
      // Announcements the bus refused during the poll wait in the outbox: publish them now.
      await flushOutbox(ctx, 0);
    } catch (err) {
      undone.push(`announcements wait in the outbox (the bus failed: ${(err as Error).message}); \`pressbridge start\` or the next poll publishes them`);
    }
    try {
      await sweepUndeliveredWork(sweepDeps(ctx), config);
    } catch (err) {
      undone.push(`the delivery sweep failed: ${(err as Error).message}`);
    }
    const owed: OwedSummary = await ctx.bus.settle(graceMs);
    if (owed.waiting > 0) undone.push(`${owedLine(owed)}; \`pressbridge start\` or the next poll delivers ${owed.waiting === 1 ? "it" : "them"}`);
    if (args.json === true) {
      const delivery = { owed: owed.waiting, byConsumer: owed.byConsumer, nextAttemptAt: owed.nextAttemptAt, lastError: owed.lastError };
      process.stdout.write(`${JSON.stringify({ ...summary, delivery }, null, 2)}\n`);
    } else {
      for (const r of summary.feeds) process.stdout.write(`${formatFeedLine(r)}\n`);
      if (summary.notDue.length > 0) process.stdout.write(`not due: ${summary.notDue.join(", ")}\n`);
      if (summary.feeds.length === 0) process.stdout.write("no feed was due (use --all to poll every feed now)\n");
    }
  } finally {
    await ctx.close();
  }
  if (undone.length === 0) return 0;
  process.stderr.write(`pressbridge poll: ${undone.join("; ")}\n`);
  return EXIT_WORK_OWED;
}

/** The workspace has no feed yet: say how to add one. */
export function noFeeds(): ValidationError {
  return new ValidationError(
    "workspace",
    "the workspace has no feeds yet; add one with `pressbridge feeds add --id ID --url URL`, import a config file with `pressbridge config import FILE` (or pass --config FILE), or run `pressbridge start --demo`",
  );
}

function graceSeconds(): number {
  const raw = process.env.PRESSBRIDGE_POLL_GRACE_SECONDS;
  if (raw === undefined || raw === "") return DEFAULT_GRACE_SECONDS;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 3600) throw new ValidationError("PRESSBRIDGE_POLL_GRACE_SECONDS", `must be a number of seconds from 0 to 3600, got "${raw}"`);
  return n;
}

function formatFeedLine(r: FeedPollResult): string {
  const http = r.httpStatus === null ? "---" : String(r.httpStatus);
  const counts = `items=${r.itemsSeen} new=${r.newReleases}${r.baseline ? ` baseline=${r.baselined}` : ""}${r.merged > 0 ? ` merged=${r.merged}` : ""}`;
  const tail = (r.error === null ? "" : `  error: ${r.error}`) + (r.warnings.length === 0 ? "" : `  warnings: ${r.warnings.join("; ")}`);
  return `${r.id.padEnd(24)} ${r.status.padEnd(9)} ${http}  ${counts}  ${r.durationMs} ms${tail}`;
}
