import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parseWorkspaceFile, readMediaListCsv, ValidationError, type Person, type PressbridgeConfig, type StoredMediaList } from "@pressbridge/core";
import { readHashedMediaList } from "./file-media-lists.ts";

/**
 * A config file as an import reads it (`pressbridge config import`, `start --config`, a deploy's
 * seed of an empty workspace in AWS): the workspace it describes, and where it is, since clients'
 * `mediaList` paths are relative to it.
 */
export interface WorkspaceFile {
  /** The file's absolute path (for JSON given inline, a path in the directory its lists are relative to). */
  path: string;
  config: PressbridgeConfig;
  people: Person[];
  /** Whether the file has an audit or security section (without one, an import keeps the workspace's settings). */
  settingsGiven: boolean;
}

/** Validates a config file's JSON (clients, feeds, settings, people); an invalid field is named, with the file. */
export function workspaceFileOf(json: unknown, path: string): WorkspaceFile {
  try {
    return { path, ...parseWorkspaceFile(json) };
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new ValidationError(err.field, `${err.message.slice(err.field.length + 2)} (in ${path})`, { cause: err });
    }
    throw err;
  }
}

/** Skipped CSV rows of an import, by client and line (the reason never holds the email). */
export type SkippedRow = { clientId: string; line: number; reason: string };

/**
 * The media lists a config file names (`clients[i].mediaList`, relative to the file), as the
 * workspace stores them: a CSV of journalists, hashed here (the raw emails go no further), or an
 * already hashed list (.json, HashedMediaList: what a deploy ships as media-lists/<client id>.json),
 * whose contacts have no email to mask ("(hashed)"). Unreadable or invalid files fail naming the
 * field; skipped CSV rows are returned by line.
 */
export function mediaListsOf(file: WorkspaceFile, actor: string, at: string): { lists: StoredMediaList[]; skipped: SkippedRow[] } {
  const lists: StoredMediaList[] = [];
  const skipped: SkippedRow[] = [];
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
