import { ValidationError } from "@pressbridge/core";

/**
 * What every command gets: the parsed flags (node:util parseArgs values). In its own module so the
 * commands and main.ts (which imports them) both depend on it and not on each other.
 */
export type CommandArgs = Record<string, string | boolean | string[] | undefined>;

/** Parses a positive integer flag, naming the flag when it is not one. */
export function intFlag(args: CommandArgs, name: string, fallback: number): number {
  const raw = args[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(n) || n <= 0) throw new ValidationError(`--${name}`, `must be a positive integer, got "${String(raw)}"`);
  return n;
}
