import { ROLES, ValidationError, type ClientConfig, type Role } from "@pressbridge/core";
import type { CommandArgs } from "./command-args.ts";

/**
 * The workspace commands' flags as the use cases' input, and back: a ValidationError the schema
 * raises for a field (`owner`, `approvers[0]`, `adDefaults.locations[1]`) names the flag the person
 * typed (`--owner`, `--approver`, `--location`).
 */

/** Schema field (its first segment, without indexes) → the flag that sets it. */
const CLIENT_FLAGS: Record<string, string> = {
  id: "--id",
  name: "--name",
  owner: "--owner",
  approvers: "--approver",
  keywords: "--keyword",
  timezone: "--timezone",
  windowHours: "--window-hours",
  channels: "--channel",
  adPlatforms: "--ad-platform",
  "adDefaults.locations": "--location",
};

const FEED_FLAGS: Record<string, string> = {
  id: "--id",
  url: "--url",
  clientId: "--client",
  intervalSeconds: "--interval",
  wire: "--wire",
};

const PERSON_FLAGS: Record<string, string> = { email: "--email", client: "--client", role: "--role", name: "--name" };

export type FlagKind = "client" | "feed" | "person";

/** The flag for a schema field, or undefined when no flag sets it (then the field is named as is). */
export function flagForField(kind: FlagKind, field: string): string | undefined {
  const table = kind === "client" ? CLIENT_FLAGS : kind === "feed" ? FEED_FLAGS : PERSON_FLAGS;
  const path = field.replace(/\[\d+\]/g, "");
  if (table[path] !== undefined) return table[path];
  // adDefaults.locations is the only nested field with a flag; `adDefaults.currency` has none.
  return table[path.split(".")[0]!];
}

/** Runs a use case; a ValidationError naming a schema field is rethrown naming the flag instead. */
export async function withFlagNames<T>(kind: FlagKind, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const flag = flagForField(kind, err.field);
    if (flag === undefined) throw err;
    throw new ValidationError(flag, err.message.slice(err.field.length + 2), { cause: err });
  }
}

function stringFlag(args: CommandArgs, name: string): string | undefined {
  const v = args[name];
  return typeof v === "string" ? v : undefined;
}

function listFlag(args: CommandArgs, name: string): string[] | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [String(v)]).map((s) => s.trim());
}

function numberFlag(args: CommandArgs, name: string, integer: boolean): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new ValidationError(`--${name}`, `must be ${integer ? "a whole number of seconds" : "a number"}, got "${raw.slice(0, 40)}"`);
  }
  return n;
}

/** A flag the command requires, else a ValidationError naming it. */
export function requiredFlag(args: CommandArgs, name: string, what: string): string {
  const v = stringFlag(args, name);
  if (v === undefined || v.trim() === "") throw new ValidationError(`--${name}`, `is required (${what})`);
  return v;
}

/**
 * `clients add|update` flags as a client's input: only the fields given (an update merges them over
 * the stored client; a repeated flag replaces the whole list). `--location` replaces the ad
 * locations and keeps the rest of the stored adDefaults.
 */
export function clientInputFromFlags(args: CommandArgs, stored?: ClientConfig): Record<string, unknown> {
  const locations = listFlag(args, "location")?.map((c) => c.toUpperCase());
  const input: Record<string, unknown> = {
    id: stringFlag(args, "id"),
    name: stringFlag(args, "name"),
    owner: stringFlag(args, "owner")?.trim(),
    approvers: listFlag(args, "approver"),
    keywords: listFlag(args, "keyword"),
    timezone: stringFlag(args, "timezone"),
    windowHours: numberFlag(args, "window-hours", false),
    channels: listFlag(args, "channel")?.map((c) => c.toLowerCase()),
    adPlatforms: listFlag(args, "ad-platform")?.map((p) => p.toLowerCase()),
    adDefaults: locations === undefined ? undefined : { ...(stored?.adDefaults ?? { dailyBudget: 50, currency: "USD", flightDays: 5 }), locations },
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/** `feeds add` flags as a feed's input. */
export function feedInputFromFlags(args: CommandArgs): Record<string, unknown> {
  const input: Record<string, unknown> = {
    id: requiredFlag(args, "id", "the feed's id, e.g. acme-newsroom"),
    url: requiredFlag(args, "url", "the feed's http(s) URL"),
    clientId: stringFlag(args, "client"),
    wire: stringFlag(args, "wire"),
    intervalSeconds: numberFlag(args, "interval", true),
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/** `--role`: one of the roles, else a ValidationError naming the flag and the choices. */
export function roleFlag(args: CommandArgs, required: boolean): Role | undefined {
  const raw = stringFlag(args, "role");
  if (raw === undefined) {
    if (required) throw new ValidationError("--role", `is required (${ROLES.join(", ")})`);
    return undefined;
  }
  const role = ROLES.find((r) => r === raw.trim().toLowerCase());
  if (role === undefined) throw new ValidationError("--role", `must be one of ${ROLES.join(", ")}, got "${raw.slice(0, 40)}"`);
  return role;
}
