import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { csvCell, deleteMediaList, importMediaList, ValidationError, type StoredContact } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../command-args.ts";
import { CLI_ACTOR, inWorkspace, printResult } from "../runtime/workspace-context.ts";
import { requiredFlag, withFlagNames } from "../workspace-flags.ts";

const CLIENT = "the client whose media list it is";

function readCsv(path: string): string {
  try {
    return readFileSync(resolve(path), "utf8");
  } catch (err) {
    throw new ValidationError("FILE", `cannot read ${resolve(path)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

/**
 * `pressbridge media-list import --client ID FILE.csv`: replaces the client's media list (columns
 * name, email, outlet, beat, x_handle). Emails are hashed and masked, never stored; rows with a bad
 * email are reported by line, duplicates merged.
 */
export async function mediaListImportCommand(args: CommandArgs): Promise<number> {
  const clientId = requiredFlag(args, "client", CLIENT);
  const file = String(args.file);
  const csv = readCsv(file);
  const result = await inWorkspace(args, createCliLogger(), (ctx) =>
    withFlagNames("person", async () => {
      try {
        return await importMediaList(ctx, { clientId, csv, source: basename(file) }, CLI_ACTOR);
      } catch (err) {
        // The use case names the CSV "file"; here it is the positional FILE.
        if (err instanceof ValidationError && err.field === "file") throw new ValidationError("FILE", `${file}: ${err.message.slice(6)}`, { cause: err });
        throw err;
      }
    }),
  );
  printResult(args, { clientId, source: result.list.source, contacts: result.list.contacts.length, merged: result.merged, skipped: result.errors }, () =>
    `imported ${result.list.contacts.length} contact(s) into the media list of ${clientId}` +
    `${result.merged > 0 ? `; ${result.merged} duplicate(s) merged` : ""}\n` +
    result.errors.map((e) => `  skipped line ${e.line}: ${e.reason}\n`).join(""),
  );
  return 0;
}

/** Contacts as people read them: by name (the store keeps them by email hash). */
function byName(contacts: readonly StoredContact[]): StoredContact[] {
  return [...contacts].sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "") || a.maskedEmail.localeCompare(b.maskedEmail));
}

function contactJson(c: StoredContact): Record<string, string | null> {
  return { name: c.name ?? null, email: c.maskedEmail, outlet: c.outlet ?? null, beat: c.beat ?? null, xHandle: c.xHandle ?? null };
}

/** `pressbridge media-list show --client ID`: the list, emails masked (the addresses are not stored). */
export async function mediaListShowCommand(args: CommandArgs): Promise<number> {
  const clientId = requiredFlag(args, "client", CLIENT);
  const list = await inWorkspace(args, createCliLogger(), (ctx) => ctx.workspace.mediaList(clientId));
  const json = list === undefined ? { clientId, mediaList: null } : { clientId, mediaList: { source: list.source, importedAt: list.importedAt, importedBy: list.importedBy, contacts: byName(list.contacts).map(contactJson) } };
  printResult(args, json, () =>
    list === undefined
      ? `${clientId} has no media list (import one with \`pressbridge media-list import --client ${clientId} FILE.csv\`)\n`
      : `${list.contacts.length} contact(s) from ${list.source}, imported ${list.importedAt} by ${list.importedBy}\n` +
        byName(list.contacts).map((c) => `  ${c.maskedEmail}  ${c.name ?? ""}  ${c.outlet ?? ""}  ${c.beat ?? ""}  ${c.xHandle === undefined ? "" : `@${c.xHandle}`}\n`).join(""),
  );
  return 0;
}

/** The list as CSV (name, email masked, outlet, beat, x_handle): what is stored; the raw emails are not. */
export function mediaListCsv(contacts: readonly StoredContact[]): string {
  const rows = contacts.map((c) => [c.name, c.maskedEmail, c.outlet, c.beat, c.xHandle].map(csvCell).join(","));
  return `name,email,outlet,beat,x_handle\n${rows.map((r) => `${r}\n`).join("")}`;
}

/** `pressbridge media-list export --client ID`: the list as CSV on stdout (--json: in a JSON document). */
export async function mediaListExportCommand(args: CommandArgs): Promise<number> {
  const clientId = requiredFlag(args, "client", CLIENT);
  const list = await inWorkspace(args, createCliLogger(), (ctx) => ctx.workspace.mediaList(clientId));
  if (list === undefined) throw new ValidationError("--client", `${clientId} has no media list`);
  const csv = mediaListCsv(byName(list.contacts));
  printResult(args, { clientId, source: list.source, contacts: list.contacts.length, csv }, () => csv);
  return 0;
}

/** `pressbridge media-list delete --client ID`: deletes the list (its plans keep the briefs they have). */
export async function mediaListDeleteCommand(args: CommandArgs): Promise<number> {
  const clientId = requiredFlag(args, "client", CLIENT);
  const deleted = await inWorkspace(args, createCliLogger(), (ctx) => deleteMediaList(ctx, clientId, CLI_ACTOR));
  printResult(args, { clientId, deleted }, () => (deleted ? `deleted the media list of ${clientId}\n` : `${clientId} has no media list; nothing deleted\n`));
  return 0;
}
