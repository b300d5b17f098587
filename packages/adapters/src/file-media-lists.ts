import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import {
  hashEmailForAudience,
  normaliseEmail,
  parseMediaListCsv,
  ValidationError,
  type Logger,
  type MediaContact,
  type MediaListSource,
  type PressbridgeConfig,
} from "@pressbridge/core";

/** Media lists larger than this are refused: the hashed audience is stored inside the plan item. */
export const MAX_MEDIA_LIST_CONTACTS = 2_000;

/**
 * A hashed media list: what the deploy ships instead of the CSV (infra writes one per client into
 * the config layer as media-lists/<clientId>.json), so journalists' emails are never stored in AWS,
 * only their audience hashes. `source` is the client's `mediaList` as configured (the CSV it came
 * from), which briefs show; no names, no emails.
 *
 *   { "source": "lists/journalists.csv", "contacts": [{ "emailSha256": "<64 hex>", "outlet": "…", "beat": "…" }] }
 */
export const HashedMediaList = z.strictObject({
  source: z.string().min(1).max(500),
  contacts: z
    .array(
      z.strictObject({
        emailSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be the SHA-256 of the email, 64 lower-case hex digits"),
        outlet: z.string().min(1).max(200).optional(),
        beat: z.string().min(1).max(200).optional(),
      }),
    )
    .max(MAX_MEDIA_LIST_CONTACTS, `at most ${MAX_MEDIA_LIST_CONTACTS} contacts are supported`),
});
export type HashedMediaList = z.infer<typeof HashedMediaList>;

/**
 * The hashed form of a parsed CSV list: each contact's audience hash (SHA-256 of the trimmed,
 * lower-cased email, as the ad platforms take it), outlet and beat; names and emails are dropped.
 */
export function hashedMediaList(contacts: readonly MediaContact[], source: string): HashedMediaList {
  return {
    source,
    contacts: contacts.map((c) => ({
      emailSha256: "emailSha256" in c && c.emailSha256 !== undefined ? c.emailSha256 : hashEmailForAudience(normaliseEmail(c.email!)),
      ...(c.outlet === undefined ? {} : { outlet: c.outlet }),
      ...(c.beat === undefined ? {} : { beat: c.beat }),
    })),
  };
}

/**
 * Reads each client's media list from disk (paths relative to the config file), once per client: a
 * CSV (journalists with their emails, as kept locally), or a hashed list (`.json`, HashedMediaList:
 * what the deploy ships). Invalid CSV lines are logged by line number and skipped; a missing,
 * invalid or oversized file is an error naming the client's field, so a plan is never silently made
 * without the list.
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
    const field = `clients[${index}].mediaList`;
    const path = isAbsolute(file) ? file : resolve(this.baseDir, file);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      throw new ValidationError(field, `cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    const loaded = path.toLowerCase().endsWith(".json") ? copyOf(readHashedMediaList(text, path, field)) : this.readCsv(text, path, field, clientId, file);
    this.cache.set(clientId, loaded);
    return loaded;
  }

  private readCsv(text: string, path: string, field: string, clientId: string, file: string): { contacts: MediaContact[]; source: string } {
    const { contacts, errors } = parseMediaListCsv(text);
    for (const e of errors) this.logger?.warn("media list line skipped", { clientId, line: e.line, reason: e.reason });
    if (contacts.length > MAX_MEDIA_LIST_CONTACTS) {
      throw new ValidationError(field, `${path} has ${contacts.length} contacts; at most ${MAX_MEDIA_LIST_CONTACTS} are supported`);
    }
    return { contacts, source: file };
  }
}

/**
 * A hashed list's text, validated (here and by the synth, infra/pressbridge-construct.ts); its errors
 * name the field and the first bad path, never a value.
 */
export function readHashedMediaList(text: string, path: string, field: string): HashedMediaList {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ValidationError(field, `${path} is not valid JSON`);
  }
  const parsed = HashedMediaList.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length === 0 ? "" : ` at ${issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "")}`;
    throw new ValidationError(field, `${path} is not a hashed media list${at}: ${issue.message}`);
  }
  return parsed.data;
}

function copyOf(list: HashedMediaList): { contacts: MediaContact[]; source: string } {
  return { contacts: list.contacts.map((c) => ({ ...c })), source: list.source };
}
