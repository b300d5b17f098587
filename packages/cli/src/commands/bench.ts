import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ValidationError } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import { formatTable } from "../bench/figures.ts";
import { DEFAULT_FIXTURES_DIR, DEFAULT_SIZES, QUICK_SIZES, runBench, type BenchSizes } from "../bench/run-bench.ts";
import { intFlag, type CommandArgs } from "../command-args.ts";

/**
 * `pressbridge bench`: the performance benchmark of docs/design.md ("Performance targets"). It starts its
 * own DynamoDB Local (in memory) and loopback feed server, runs every figure through the product's
 * own code paths, and prints each figure beside its target. A missed target is reported, not an
 * error: the exit code is non-zero only when the benchmark could not run.
 */
export async function benchCommand(args: CommandArgs): Promise<number> {
  const quick = args.quick === true;
  const base = quick ? QUICK_SIZES : DEFAULT_SIZES;
  const sizes: BenchSizes = {
    ...base,
    unchangedFeeds: intFlag(args, "feeds", base.unchangedFeeds),
    releases: intFlag(args, "releases", base.releases),
    releasesPerPoll: intFlag(args, "releases-per-poll", base.releasesPerPoll),
    ingestItemsPerFeed: intFlag(args, "items", base.ingestItemsPerFeed),
    ingestRounds: intFlag(args, "rounds", base.ingestRounds),
  };
  // A feed document lists at most 1,000 items (parseFeed's bound), 5 of them the baseline.
  if (sizes.ingestItemsPerFeed > 995) throw new ValidationError("--items", "must be at most 995 (a feed lists at most 1,000 items)");
  const fixturesDir = resolve(typeof args.fixtures === "string" ? args.fixtures : DEFAULT_FIXTURES_DIR);
  if (!existsSync(fixturesDir)) throw new ValidationError("--fixtures", `no such directory: ${fixturesDir}`);

  // Product warnings and errors still reach stderr; per-plan info lines would drown the progress.
  const logger = createCliLogger("warn");
  const progress = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
  const report = await runBench({ sizes, mode: quick ? "quick" : "default", fixturesDir, logger, progress });

  if (args.json === true) {
    const figures = report.figures.map(({ id, label, value, unit, target, met }) => ({ id, label, value, unit, target, met }));
    process.stdout.write(`${JSON.stringify({ figures, environment: report.environment }, null, 2)}\n`);
  } else {
    const env = report.environment;
    process.stdout.write(`${formatTable(report.figures)}\n\n`);
    process.stdout.write(
      `${env.mode} run, ${String(env.durationSeconds)} s on ${String(env.cpus)} CPU(s) (${String(env.cpuModel)}), Node ${String(env.node)}; ` +
        `--json for the details\n`,
    );
  }
  const missed = report.figures.filter((f) => !f.met);
  if (missed.length > 0) progress(`${missed.length} target(s) not met: ${missed.map((f) => f.id).join(", ")}`);
  return 0;
}
