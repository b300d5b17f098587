import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { parseMediaListCsv, ValidationError, type Logger, type MediaContact, type MediaListSource, type PressbridgeConfig } from "@pressbridge/core";

/** Media lists larger than this are refused: the hashed audience is stored inside the plan item. */
export const MAX_MEDIA_LIST_CONTACTS = 2_000;

/**
 * Reads each client's media list CSV from disk (paths relative to the config file), once per file
 * modification. Invalid lines are logged by line number and skipped; a missing or oversized file is
 * an error naming the client's field, so a plan is never silently made without the list.
 */
export class FileMediaLists implements MediaListSource {
  private readonly cache = new Map<string, { contacts: MediaContact[]; source: string }>();
  private readonly config: PressbridgeConfig;
  private readonly baseDir: string;
  private readonly logger: Logger | undefined;

  constructor(options: { config: PressbridgeConfig; baseDir: string; logger?: Logger }) {
    this.config = options.config;
    this.baseDir = options.baseDir;
    this.logger = options.logger;
  }

  async mediaListFor(clientId: string): Promise<{ contacts: MediaContact[]; source: string } | undefined> {
    const index = this.config.clients.findIndex((c) => c.id === clientId);
    const file = this.config.clients[index]?.mediaList;
    if (file === undefined) return undefined;
    const cached = this.cache.get(clientId);
    if (cached !== undefined) return cached;
    const path = isAbsolute(file) ? file : resolve(this.baseDir, file);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      throw new ValidationError(`clients[${index}].mediaList`, `cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    const { contacts, errors } = parseMediaListCsv(text);
    for (const e of errors) this.logger?.warn("media list line skipped", { clientId, line: e.line, reason: e.reason });
    if (contacts.length > MAX_MEDIA_LIST_CONTACTS) {
      throw new ValidationError(`clients[${index}].mediaList`, `${path} has ${contacts.length} contacts; at most ${MAX_MEDIA_LIST_CONTACTS} are supported`);
    }
    const loaded = { contacts, source: file };
    this.cache.set(clientId, loaded);
    return loaded;
  }
}
