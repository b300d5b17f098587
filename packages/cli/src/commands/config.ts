import { exportWorkspace } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../command-args.ts";
import { CLI_ACTOR, inWorkspace, printResult } from "../runtime/workspace-context.ts";

/**
 * `pressbridge config import FILE`: the file's clients, feeds, people, settings and media lists,
 * upserted into the data dir's workspace (docs/workspace.md). What the workspace has beyond the file
 * stays; importing the same file again writes nothing.
 */
export async function configImportCommand(args: CommandArgs): Promise<number> {
  const file = String(args.file);
  // Loaded here: the file's media-list readers come with the whole adapters package; export needs none.
  const { importConfigFile } = await import("../config-file.ts");
  const summary = await inWorkspace(args, createCliLogger(), (ctx) => importConfigFile(ctx, file, CLI_ACTOR));
  printResult(args, summary, () => {
    const lines = [
      `imported ${summary.file}: ${summary.created.length} created, ${summary.updated.length} updated, ${summary.unchanged} unchanged`,
      ...summary.created.map((c) => `  created ${c}`),
      ...summary.updated.map((u) => `  updated ${u}`),
      ...summary.mediaLists.map((m) => `  media list of ${m.clientId}: ${m.contacts} contact(s)`),
      ...summary.skippedRows.map((s) => `  media list of ${s.clientId}: skipped line ${s.line}: ${s.reason}`),
    ];
    return `${lines.join("\n")}\n`;
  });
  return 0;
}

/**
 * `pressbridge config export`: the workspace in the config file's format (with its people), which
 * `config import` or `start --config` take back. Media lists are not in it (`media-list export`).
 */
export async function configExportCommand(args: CommandArgs): Promise<number> {
  const ws = await inWorkspace(args, createCliLogger(), (ctx) => ctx.workspace.load());
  // The export is JSON either way: it is the config file's format.
  process.stdout.write(`${JSON.stringify(exportWorkspace(ws), null, 2)}\n`);
  return 0;
}
