import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { readHashedMediaList } from "@pressbridge/adapters";
import {
  importWorkspace,
  parseWorkspaceFile,
  readMediaListCsv,
  ValidationError,
  type ImportSummary,
  type Person,
  type PressbridgeConfig,
  type StoredMediaList,
  type WorkspaceDeps,
} from "@pressbridge/core";

export const DEFAULT_CONFIG_FILE = "pressbridge.config.json";

/** A config file as read: the workspace it describes, and the directory its relative paths start from. */
export interface ConfigFile {
  path: string;
  config: PressbridgeConfig;
  people: Person[];
}

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
  try {
    return { path: full, ...parseWorkspaceFile(json) };
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new ValidationError(err.field, `${err.message.slice(err.field.length + 2)} (in ${full})`, { cause: err });
    }
    throw err;
  }
}

/**
 * The media lists a config file names (`clients[i].mediaList`, relative to the file): a CSV of
 * journalists, hashed here, or an already hashed list (.json). Unreadable or invalid files fail
 * naming the field; skipped CSV rows are returned by line.
 */
export function mediaListsOf(file: ConfigFile, actor: string, at: string): { lists: StoredMediaList[]; skipped: Array<{ clientId: string; line: number; reason: string }> } {
  const lists: StoredMediaList[] = [];
  const skipped: Array<{ clientId: string; line: number; reason: string }> = [];
  file.config.clients.forEach((client, i) => {
    if (client.mediaList === undefined) return;
    const field = `clients[${i}].mediaList`;
    const path = isAbsolute(client.mediaList) ? client.mediaList : resolve(dirname(file.path), client.mediaList);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      throw new ValidationError(field, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
    if (path.toLowerCase().endsWith(".json")) {
      const hashed = readHashedMediaList(text, path, field);
      lists.push({
        clientId: client.id,
        source: hashed.source,
        importedAt: at,
        importedBy: actor,
        contacts: hashed.contacts.map((c) => ({ ...c, maskedEmail: "(hashed)" })),
      });
      return;
    }
    try {
      const read = readMediaListCsv(text, client.id, client.mediaList, actor, at);
      lists.push(read.list);
      for (const e of read.errors) skipped.push({ clientId: client.id, ...e });
    } catch (err) {
      if (err instanceof ValidationError) throw new ValidationError(field, `${path}: ${err.message.slice(err.field.length + 2)}`, { cause: err });
      throw err;
    }
  });
  return { lists, skipped };
}

/** `config import` and `start --config`: the file's clients, feeds, people and media lists, upserted. */
export async function importConfigFile(deps: WorkspaceDeps, path: string, actor: string): Promise<ImportSummary & { file: string; skippedRows: Array<{ clientId: string; line: number; reason: string }> }> {
  const file = loadConfigFile(path);
  const { lists, skipped } = mediaListsOf(file, actor, deps.clock.now().toISOString());
  const summary = await importWorkspace(deps, file, actor, lists);
  return { ...summary, file: file.path, skippedRows: skipped };
}
