import { removeEntity, saveEntity, type FeedConfig, type FeedState } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../command-args.ts";
import { CLI_ACTOR, inWorkspace, printResult } from "../runtime/workspace-context.ts";
import { feedInputFromFlags, requiredFlag, withFlagNames } from "../workspace-flags.ts";

/** A feed's health, from its poll state: what the last poll got, since when it fails, when the next is due. */
export interface FeedHealth {
  status: "never-polled" | "ok" | "failing";
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastHttpStatus: number | null;
  consecutiveFailures: number;
  lastError: string | null;
  nextPollAt: string | null;
  lastNewItemAt: string | null;
}

export function feedHealth(state: FeedState | undefined): FeedHealth {
  if (state === undefined) {
    return { status: "never-polled", lastAttemptAt: null, lastSuccessAt: null, lastHttpStatus: null, consecutiveFailures: 0, lastError: null, nextPollAt: null, lastNewItemAt: null };
  }
  return {
    status: state.consecutiveFailures > 0 ? "failing" : "ok",
    lastAttemptAt: state.lastAttemptAt,
    lastSuccessAt: state.lastSuccessAt,
    lastHttpStatus: state.lastHttpStatus,
    consecutiveFailures: state.consecutiveFailures,
    lastError: state.lastError,
    nextPollAt: state.nextPollAt,
    lastNewItemAt: state.lastNewItemAt,
  };
}

/** `pressbridge feeds list`: the workspace's feeds with their health. */
export async function feedsListCommand(args: CommandArgs): Promise<number> {
  const feeds = await inWorkspace(args, createCliLogger(), async (ctx) => {
    const list = [...(await ctx.workspace.load()).feeds].sort((a, b) => a.id.localeCompare(b.id));
    const states = list.length === 0 ? new Map<string, FeedState>() : await ctx.feedStates.getFeedStates(list.map((f) => f.id));
    return list.map((feed) => ({ ...feed, health: feedHealth(states.get(feed.id)) }));
  });
  printResult(args, { feeds }, () => (feeds.length === 0 ? "no feeds (add one with `pressbridge feeds add`)\n" : feeds.map(feedLine).join("")));
  return 0;
}

function feedLine(f: FeedConfig & { health: FeedHealth }): string {
  const h = f.health;
  const health =
    h.status === "never-polled"
      ? "never polled"
      : h.status === "ok"
        ? `ok (HTTP ${h.lastHttpStatus ?? "-"}), last success ${h.lastSuccessAt ?? "-"}`
        : `failing ${h.consecutiveFailures}x: ${h.lastError ?? "?"}; last success ${h.lastSuccessAt ?? "never"}`;
  return (
    `${f.id}  ${f.clientId === undefined ? "shared" : `client ${f.clientId}`}  every ${f.intervalSeconds} s${f.enabled ? "" : "  (disabled)"}  ${f.url}\n` +
    `    ${health}; next poll ${h.nextPollAt ?? "at the next tick"}\n`
  );
}

/** `pressbridge feeds add --id --url [--client] [--interval]`: a new feed, polled from the next tick. */
export async function feedsAddCommand(args: CommandArgs): Promise<number> {
  const input = feedInputFromFlags(args);
  const result = await inWorkspace(args, createCliLogger(), (ctx) => withFlagNames("feed", () => saveEntity(ctx, "feed", input, CLI_ACTOR, "create")));
  const feed = result.value as FeedConfig;
  printResult(args, { status: result.status, feed }, () => `added feed ${feed.id} (${feed.clientId === undefined ? "shared wire" : `client ${feed.clientId}`}), polled every ${feed.intervalSeconds} s\n`);
  return 0;
}

/** `pressbridge feeds remove --id ID`: the feed stops being polled; its releases stay. */
export async function feedsRemoveCommand(args: CommandArgs): Promise<number> {
  const id = requiredFlag(args, "id", "the id of the feed to remove");
  const result = await inWorkspace(args, createCliLogger(), (ctx) => removeEntity(ctx, "feed", id, CLI_ACTOR));
  printResult(args, { status: result.status, id }, () => (result.status === "removed" ? `removed feed ${id}\n` : `there is no feed ${id}; nothing removed\n`));
  return 0;
}
