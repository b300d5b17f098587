import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { mediaListsOf, workspaceFileOf, type WorkspaceFile } from "@pressbridge/adapters";
import { importWorkspace, ValidationError, type ImportSummary, type WorkspaceDeps } from "@pressbridge/core";

export const DEFAULT_CONFIG_FILE = "pressbridge.config.json";

/** A config file as read: the workspace it describes, and the directory its relative paths start from. */
export type ConfigFile = WorkspaceFile;

/** Reads and validates a config file; every failure names the file and, when invalid, the field. */
export function loadConfigFile(path: string): ConfigFile {
  const full = resolve(path);
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError(
      "--config",
      code === "ENOENT" ? `no config file at ${full} (create one, see docs/configuration.md, or pass --config FILE)` : `cannot read ${full}: ${String(err)}`,
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ValidationError("--config", `${full} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return workspaceFileOf(json, full);
}

/** `config import` and `start --config`: the file's clients, feeds, people and media lists, upserted. */
export async function importConfigFile(deps: WorkspaceDeps, path: string, actor: string): Promise<ImportSummary & { file: string; skippedRows: Array<{ clientId: string; line: number; reason: string }> }> {
  const file = loadConfigFile(path);
  const { lists, skipped } = mediaListsOf(file, actor, deps.clock.now().toISOString());
  const summary = await importWorkspace(deps, file, actor, lists);
  return { ...summary, file: file.path, skippedRows: skipped };
}
