import { createCliLogger } from "../cli-logger.ts";
import { intFlag, type CommandArgs } from "../command-args.ts";
import { inWorkspace, printResult } from "../runtime/workspace-context.ts";

/** `pressbridge log [--limit N]`: the workspace's log of changes, newest first: who, when, what. */
export async function logCommand(args: CommandArgs): Promise<number> {
  const limit = intFlag(args, "limit", 50);
  const entries = await inWorkspace(args, createCliLogger(), (ctx) => ctx.workspace.log({ limit }));
  printResult(args, { entries }, () =>
    entries.length === 0
      ? "no changes yet\n"
      : entries
          .map((e) => `${e.at}  ${e.actor}  ${e.summary}\n${e.changes.map((c) => `    ${c.field}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}\n`).join("")}`)
          .join(""),
  );
  return 0;
}
