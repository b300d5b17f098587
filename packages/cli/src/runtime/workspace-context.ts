import { DynamoSessionStore, DynamoWorkspaceStore } from "@pressbridge/adapters/dynamodb";
import { systemClock, type Clock, type FeedStateStore, type Logger, type SessionStore, type WorkspaceStore } from "@pressbridge/core";
import type { CommandArgs } from "../command-args.ts";
import { dataDirFrom, openLocalStore } from "./local-store.ts";

/** Who the log of changes names for an edit made with the CLI. */
export const CLI_ACTOR = "cli";

/**
 * What the workspace commands need, and no more: the data dir's workspace and feed states on its
 * table (a running `start`'s DynamoDB Local when there is one, else one started for the command),
 * and its sessions (`people remove` ends those of a person left with no role). No bus, mailer or publishers: an edit is a table write, and the running instance (or the next
 * poll) reads it at its next tick.
 */
export interface WorkspaceContext {
  workspace: WorkspaceStore;
  feedStates: FeedStateStore;
  sessions: SessionStore;
  clock: Clock;
  close(): Promise<void>;
}

/** Opens the data dir's workspace; `--config FILE`, when given, is imported first (as every command does). */
export async function openWorkspaceContext(args: CommandArgs, logger: Logger): Promise<WorkspaceContext> {
  const opened = await openLocalStore({ dataDir: dataDirFrom(args), logger });
  const ctx: WorkspaceContext = {
    workspace: new DynamoWorkspaceStore({ client: opened.client, tableName: opened.store.tableName }),
    feedStates: opened.store,
    sessions: new DynamoSessionStore({ client: opened.client, tableName: opened.store.tableName }),
    clock: systemClock,
    close: () => opened.close(),
  };
  if (typeof args.config === "string") {
    try {
      // Only then: the config file's reader loads the media-list readers of the whole adapters package.
      const { importConfigFile } = await import("../config-file.ts");
      const summary = await importConfigFile(ctx, args.config, CLI_ACTOR);
      if (summary.created.length + summary.updated.length > 0) logger.info(`imported ${args.config}: ${[...summary.created, ...summary.updated].join(", ")}`);
    } catch (err) {
      await ctx.close();
      throw err;
    }
  }
  return ctx;
}

/** Runs `work` in the data dir's workspace and closes it whatever happens. */
export async function inWorkspace<T>(args: CommandArgs, logger: Logger, work: (ctx: WorkspaceContext) => Promise<T>): Promise<T> {
  const ctx = await openWorkspaceContext(args, logger);
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}

/** Prints one JSON document (--json) or the human text. */
export function printResult(args: CommandArgs, json: unknown, text: () => string): void {
  process.stdout.write(args.json === true ? `${JSON.stringify(json, null, 2)}\n` : text());
}
