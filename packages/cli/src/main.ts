import { parseArgs, type ParseArgsConfig } from "node:util";
import type { CommandArgs } from "./command-args.ts";

const USAGE = `Usage: pressbridge <command> [options]

Commands:
  start [--demo] [--port 3000] [--config FILE] [--data-dir DIR]   run everything locally
  poll --once [--all] [--feed ID]... [--config FILE] [--data-dir DIR] [--json]
                                      poll due (or all) feeds once and print a summary
  releases [--limit N] [--days N] [--data-dir DIR] [--json]
                                      stored releases with their sources
  plans [--client ID] [--limit N] [--days N] [--data-dir DIR] [--json]
                                      amplification plans: drafts, ad briefs, status, deadline
  approvals [--days N] [--data-dir DIR] [--json]
                                      pending approvals with each approver's review link
  publish --plan ID [--retry-failed] [--data-dir DIR] [--json]
                                      publish an approved plan now (what was published is never sent
                                      again; --retry-failed also retries failures like an expired token)
  audit [--now ISO] [--config FILE] [--data-dir DIR] [--json]
                                      run the window audit now: missed, at-risk, stale, feed health;
                                      stores the report and emails digests of what is new
  bench [--quick] [--feeds 1000] [--releases 200] [--items 100] [--rounds 3] [--json]
                                      the performance benchmark (own DynamoDB Local and feed server)

Options common to all commands:
  --config FILE     config file (default: pressbridge.config.json)
  --data-dir DIR    local state: DynamoDB Local files, outbox (default: .pressbridge)
  --json            print exactly one JSON document on stdout; logs go to stderr
  -h, --help        this text

Environment:
  DYNAMODB_ENDPOINT  use this DynamoDB instead of starting DynamoDB Local
  PRESSBRIDGE_TABLE  table name (default: pressbridge)
  PRESSBRIDGE_CREDENTIALS, PRESSBRIDGE_CREDENTIALS_FILE
                     platform credentials (JSON, or a file; default <data-dir>/credentials.json);
                     without them publishing is a dry run (docs/publishing.md)
`;

// Kept for runtime/local-context.ts until it imports "../command-args.ts" itself; the commands do.
export type { CommandArgs } from "./command-args.ts";

const COMMON: ParseArgsConfig["options"] = {
  config: { type: "string" },
  "data-dir": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

type CommandRun = (args: CommandArgs) => Promise<number>;

interface CommandSpec {
  options: ParseArgsConfig["options"];
  /**
   * Imports the command's module only when it runs: `pressbridge releases` then never loads the web
   * app, the publishers, the mailers or the bench (docs/performance.md, "CLI start-up";
   * test/unit/cli/cli-startup.test.ts fails on an eager import).
   */
  load: () => Promise<CommandRun>;
}

const COMMANDS: Record<string, CommandSpec> = {
  poll: {
    options: { once: { type: "boolean" }, all: { type: "boolean" }, feed: { type: "string", multiple: true } },
    load: async () => (await import("./commands/poll.ts")).pollCommand,
  },
  releases: {
    options: { limit: { type: "string" }, days: { type: "string" } },
    load: async () => (await import("./commands/releases.ts")).releasesCommand,
  },
  plans: {
    options: { limit: { type: "string" }, days: { type: "string" }, client: { type: "string" } },
    load: async () => (await import("./commands/plans.ts")).plansCommand,
  },
  approvals: {
    options: { days: { type: "string" } },
    load: async () => (await import("./commands/approvals.ts")).approvalsCommand,
  },
  publish: {
    options: { plan: { type: "string" }, "retry-failed": { type: "boolean" } },
    load: async () => (await import("./commands/publish.ts")).publishCommand,
  },
  start: {
    options: { demo: { type: "boolean" }, port: { type: "string" } },
    load: async () => (await import("./commands/start.ts")).startCommand,
  },
  audit: {
    options: { now: { type: "string" } },
    load: async () => (await import("./commands/audit.ts")).auditCommand,
  },
  bench: {
    options: {
      quick: { type: "boolean" },
      feeds: { type: "string" },
      releases: { type: "string" },
      "releases-per-poll": { type: "string" },
      items: { type: "string" },
      rounds: { type: "string" },
      fixtures: { type: "string" },
    },
    load: async () => (await import("./commands/bench.ts")).benchCommand,
  },
};

/** Runs the CLI; returns the exit code. Failures print a one-line reason on stderr. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    process.stdout.write(USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`pressbridge: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  let values: CommandArgs;
  try {
    values = parseArgs({ args: rest, options: { ...COMMON, ...command.options }, allowPositionals: false, strict: true })
      .values as CommandArgs;
  } catch (err) {
    process.stderr.write(`pressbridge ${name}: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const run = await command.load();
    return await run(values);
  } catch (err) {
    // The error classes are imported here, not at the top: --help and a bad flag load nothing else.
    const [{ ValidationError }, { JavaMissingError }] = await Promise.all([
      import("@pressbridge/core"),
      import("@pressbridge/adapters/dynamodb"),
    ]);
    const known = err instanceof ValidationError || err instanceof JavaMissingError;
    process.stderr.write(`pressbridge ${name}: ${known ? err.message : describe(err)}\n`);
    if (process.env.PRESSBRIDGE_DEBUG === "1" && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return err instanceof ValidationError ? 2 : 1;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

