import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isProcessLive } from "@pressbridge/adapters/dynamodb";

/**
 * What a `start` of a data dir records for the other commands (<data-dir>/web.json): where its web
 * app answers, its pid, and the demo wire it serves. Small on purpose: read-only commands import it.
 */
export interface RecordedInstance {
  url: string;
  pid: number;
  demoWire?: string;
}

/** What the last `start` of the data dir recorded (web.json): its URL, pid and demo wire. */
function recordedInstance(dataDir: string): RecordedInstance | undefined {
  const file = join(dataDir, "web.json");
  if (!existsSync(file)) return undefined;
  try {
    const info = JSON.parse(readFileSync(file, "utf8")) as RecordedInstance;
    return typeof info.url === "string" ? info : undefined;
  } catch {
    return undefined;
  }
}

/** The running `start` of the data dir, if there is one. */
export function runningInstance(dataDir: string): RecordedInstance | undefined {
  const info = recordedInstance(dataDir);
  return info !== undefined && typeof info.pid === "number" && isProcessLive(info.pid) ? info : undefined;
}

/** The URL a running (or the last) `start` recorded for this data dir, else PRESSBRIDGE_BASE_URL, else port 3000. */
export function baseUrlFor(dataDir: string): string {
  if (process.env.PRESSBRIDGE_BASE_URL) return process.env.PRESSBRIDGE_BASE_URL.replace(/\/+$/, "");
  return recordedInstance(dataDir)?.url ?? "http://127.0.0.1:3000";
}
