import { ValidationError, pollFeeds, type FeedPollResult } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../main.ts";
import { configDirFrom, configFrom, dataDirFrom, openLocalContext, pollDeps } from "../runtime/local-context.ts";

/** `pressbridge poll --once`: polls due (or all) feeds once and prints a summary per feed. */
export async function pollCommand(args: CommandArgs): Promise<number> {
  if (args.once !== true) {
    throw new ValidationError("--once", "poll runs a single pass; pass --once (the continuous schedule is `pressbridge start`)");
  }
  const config = configFrom(args);
  const feedIds = Array.isArray(args.feed) ? args.feed : undefined;
  for (const id of feedIds ?? []) {
    if (!config.feeds.some((f) => f.id === id)) throw new ValidationError("--feed", `no feed with id "${id}" in the config`);
  }
  const logger = createCliLogger();
  const ctx = await openLocalContext({ config, configDir: configDirFrom(args), dataDir: dataDirFrom(args), logger });
  try {
    const summary = await pollFeeds(
      pollDeps(ctx, {
        onFeedDone: (r, done, total) => {
          if (total > 1) process.stderr.write(`[${done}/${total}] ${r.id}: ${r.status}\n`);
        },
      }),
      { all: args.all === true, ...(feedIds ? { feedIds } : {}) },
    );
    await ctx.bus.drain();
    if (args.json === true) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      for (const r of summary.feeds) process.stdout.write(`${formatFeedLine(r)}\n`);
      if (summary.notDue.length > 0) process.stdout.write(`not due: ${summary.notDue.join(", ")}\n`);
      if (summary.feeds.length === 0) process.stdout.write("no feed was due (use --all to poll every feed now)\n");
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

function formatFeedLine(r: FeedPollResult): string {
  const http = r.httpStatus === null ? "---" : String(r.httpStatus);
  const counts = `items=${r.itemsSeen} new=${r.newReleases}${r.baseline ? ` baseline=${r.baselined}` : ""}${r.merged > 0 ? ` merged=${r.merged}` : ""}`;
  const tail = (r.error === null ? "" : `  error: ${r.error}`) + (r.warnings.length === 0 ? "" : `  warnings: ${r.warnings.join("; ")}`);
  return `${r.id.padEnd(24)} ${r.status.padEnd(9)} ${http}  ${counts}  ${r.durationMs} ms${tail}`;
}
