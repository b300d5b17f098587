import { readFileSync } from "node:fs";

/**
 * Whether a local process is still the one we recorded. A pid alone can be reused once its process
 * died, so where Linux's /proc is available the process's start time (field 22 of /proc/<pid>/stat,
 * in clock ticks since boot) is recorded with it and compared; elsewhere only the pid is checked.
 * A zombie (exited, not yet reaped by its parent) counts as gone.
 */

/** One process as recorded in a lock, user or claim file. */
export interface ProcessRef {
  pid: number;
  /** /proc start time, or "" where it is unknown. */
  startTime: string;
}

/** This process, as other processes will check it. */
export function currentProcess(): ProcessRef {
  return { pid: process.pid, startTime: processStartTime(process.pid) ?? "" };
}

/** The process's start time from /proc, or undefined (no /proc, or no such process). */
export function processStartTime(pid: number): string | undefined {
  const stat = readStat(pid);
  return stat?.fields[19];
}

/** True while the process runs and, when `startTime` is known, is the same process as recorded. */
export function isProcessLive(ref: ProcessRef | number): boolean {
  const { pid, startTime } = typeof ref === "number" ? { pid: ref, startTime: "" } : ref;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = readStat(pid);
  if (stat === undefined) return true; // no /proc: the pid check is all there is
  if (stat.state === "Z" || stat.state === "X") return false;
  return startTime === "" || stat.fields[19] === startTime;
}

/** `<pid>.<startTime>`, for file names. */
export function processTag(ref: ProcessRef): string {
  return `${ref.pid}.${ref.startTime === "" ? "0" : ref.startTime}`;
}

/** Reads a tag written by processTag; undefined when it is not one. */
export function parseProcessTag(tag: string): ProcessRef | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(tag);
  if (m === null) return undefined;
  return { pid: Number(m[1]), startTime: m[2] === "0" ? "" : m[2]! };
}

function readStat(pid: number): { state: string; fields: string[] } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
  const rest = text.slice(text.lastIndexOf(")") + 2).trim().split(" ");
  return { state: rest[0] ?? "", fields: rest };
}
