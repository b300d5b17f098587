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
                                      publish an approved plan's due actions now (what was published is
                                      never sent again; --retry-failed also retries failures like an
                                      expired token)
  publish --plan ID --action KEY --at ISO|--now|--cancel [--reason TEXT] [--json]
                                      move one action to a time (the disclosure guard applies; after the
                                      deadline only with --reason), publish it now, or cancel it
  audit [--now ISO] [--config FILE] [--data-dir DIR] [--json]
                                      run the window audit now: missed, at-risk, stale, feed health;
                                      stores the report and emails digests of what is new
  bench [--quick] [--feeds 1000] [--releases 200] [--items 100] [--rounds 3] [--json]
                                      the performance benchmark (own DynamoDB Local and feed server)

Workspace (clients, feeds, people, media lists; docs/workspace.md). Each changes the data dir's
workspace, a running \`start\`'s too (it uses the change at its next tick); [--data-dir DIR] [--json]:
  config import FILE                  upsert a config file's clients, feeds, people and media lists
  config export                       the workspace as a config file (with its people)
  clients list
  clients add --id ID --name NAME --owner EMAIL --approver EMAIL [--approver EMAIL]...
        [--keyword K]... [--timezone TZ] [--window-hours 72] [--channel C]... [--ad-platform P]...
        [--location CC]...            (without --channel/--ad-platform: every one)
  clients update --id ID [same flags] the flags given, over the stored client (a list flag replaces the list)
  clients remove --id ID              with its bound feeds and media list (its plans stay)
  feeds list                          with health: last status, failures, last success, next poll
  feeds add --id ID --url URL [--client ID] [--interval SECONDS] [--wire NAME]
  feeds remove --id ID
  people list
  people add --email EMAIL --role admin|lead|approver [--client ID] [--name NAME]
  people remove --email EMAIL [--role R] [--client ID]
  media-list import --client ID FILE.csv   columns name, email, outlet, beat, x_handle; emails are
                                      hashed, never stored; bad rows reported by line
  media-list show --client ID         emails masked
  media-list export --client ID       CSV: name, masked email, outlet, beat, x_handle
  media-list delete --client ID
  plan --release ID [--client ID]     plan a release again with the current clients (--client: for
                                      that client even without a keyword match); approvers emailed
  log [--limit 50]                    the workspace's log of changes: who, when, what

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
  /** Required positional arguments, by the name the command reads them as (`config import FILE` → args.file). */
  positionals?: readonly string[];
}

/** A command of subcommands (`clients list`, `clients add`): the word after the command picks one. */
interface CommandGroup {
  subcommands: Record<string, CommandSpec>;
}

const CLIENT_FLAGS: ParseArgsConfig["options"] = {
  id: { type: "string" },
  name: { type: "string" },
  owner: { type: "string" },
  approver: { type: "string", multiple: true },
  keyword: { type: "string", multiple: true },
  timezone: { type: "string" },
  "window-hours": { type: "string" },
  channel: { type: "string", multiple: true },
  "ad-platform": { type: "string", multiple: true },
  location: { type: "string", multiple: true },
};

const COMMANDS: Record<string, CommandSpec | CommandGroup> = {
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
    options: { plan: { type: "string" }, "retry-failed": { type: "boolean" }, action: { type: "string" }, at: { type: "string" }, now: { type: "boolean" }, cancel: { type: "boolean" }, reason: { type: "string" } },
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
  config: {
    subcommands: {
      import: { options: {}, positionals: ["file"], load: async () => (await import("./commands/config.ts")).configImportCommand },
      export: { options: {}, load: async () => (await import("./commands/config.ts")).configExportCommand },
    },
  },
  clients: {
    subcommands: {
      list: { options: {}, load: async () => (await import("./commands/clients.ts")).clientsListCommand },
      add: { options: CLIENT_FLAGS, load: async () => (await import("./commands/clients.ts")).clientsAddCommand },
      update: { options: CLIENT_FLAGS, load: async () => (await import("./commands/clients.ts")).clientsUpdateCommand },
      remove: { options: { id: { type: "string" } }, load: async () => (await import("./commands/clients.ts")).clientsRemoveCommand },
    },
  },
  feeds: {
    subcommands: {
      list: { options: {}, load: async () => (await import("./commands/feeds.ts")).feedsListCommand },
      add: {
        options: { id: { type: "string" }, url: { type: "string" }, client: { type: "string" }, interval: { type: "string" }, wire: { type: "string" } },
        load: async () => (await import("./commands/feeds.ts")).feedsAddCommand,
      },
      remove: { options: { id: { type: "string" } }, load: async () => (await import("./commands/feeds.ts")).feedsRemoveCommand },
    },
  },
  people: {
    subcommands: {
      list: { options: {}, load: async () => (await import("./commands/people.ts")).peopleListCommand },
      add: {
        options: { email: { type: "string" }, role: { type: "string" }, client: { type: "string" }, name: { type: "string" } },
        load: async () => (await import("./commands/people.ts")).peopleAddCommand,
      },
      remove: {
        options: { email: { type: "string" }, role: { type: "string" }, client: { type: "string" } },
        load: async () => (await import("./commands/people.ts")).peopleRemoveCommand,
      },
    },
  },
  "media-list": {
    subcommands: {
      import: { options: { client: { type: "string" } }, positionals: ["file"], load: async () => (await import("./commands/media-list.ts")).mediaListImportCommand },
      show: { options: { client: { type: "string" } }, load: async () => (await import("./commands/media-list.ts")).mediaListShowCommand },
      export: { options: { client: { type: "string" } }, load: async () => (await import("./commands/media-list.ts")).mediaListExportCommand },
      delete: { options: { client: { type: "string" } }, load: async () => (await import("./commands/media-list.ts")).mediaListDeleteCommand },
    },
  },
  plan: {
    options: { release: { type: "string" }, client: { type: "string" } },
    load: async () => (await import("./commands/plan.ts")).planCommand,
  },
  log: {
    options: { limit: { type: "string" } },
    load: async () => (await import("./commands/log.ts")).logCommand,
  },
};

/**
 * The command `argv` names: a command, or a group's subcommand (its name then "clients add"), with
 * the arguments after it; a string is the one-line error for a missing or unknown subcommand.
 */
function commandOf(name: string, group: CommandSpec | CommandGroup, rest: string[]): { label: string; spec: CommandSpec; rest: string[] } | string {
  if (!("subcommands" in group)) return { label: name, spec: group, rest };
  const [sub, ...after] = rest;
  const choices = Object.keys(group.subcommands).join(", ");
  if (sub === undefined || sub.startsWith("-")) return `pressbridge ${name}: a subcommand is required (${choices})`;
  const spec = Object.hasOwn(group.subcommands, sub) ? group.subcommands[sub] : undefined;
  return spec === undefined ? `pressbridge ${name}: unknown subcommand "${sub}" (${choices})` : { label: `${name} ${sub}`, spec, rest: after };
}

/** Runs the CLI; returns the exit code. Failures print a one-line reason on stderr. */
export async function main(argv: string[]): Promise<number> {
  let [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    process.stdout.write(USAGE);
    return name === undefined ? 1 : 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    process.stderr.write(`pressbridge: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if ("subcommands" in entry && (rest[0] === "-h" || rest[0] === "--help")) {
    process.stdout.write(USAGE);
    return 0;
  }
  const resolved = commandOf(name, entry, rest);
  if (typeof resolved === "string") {
    process.stderr.write(`${resolved}\n\n${USAGE}`);
    return 2;
  }
  const { spec: command } = resolved;
  name = resolved.label;
  let values: CommandArgs;
  try {
    const wanted = command.positionals ?? [];
    const parsed = parseArgs({ args: resolved.rest, options: { ...COMMON, ...command.options }, allowPositionals: wanted.length > 0, strict: true });
    values = parsed.values as CommandArgs;
    if (values.help !== true && parsed.positionals.length !== wanted.length) {
      const names = wanted.map((p) => p.toUpperCase()).join(" ");
      throw new Error(parsed.positionals.length < wanted.length ? `${names} is required` : `takes only ${names}; unexpected "${parsed.positionals[wanted.length]}"`);
    }
    wanted.forEach((p, i) => (values[p] = parsed.positionals[i]));
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

