import type { Logger } from "@pressbridge/core";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

/** Logs one line per message to stderr (stdout is reserved for command output). */
export function createCliLogger(level: Level = (process.env.PRESSBRIDGE_LOG_LEVEL as Level | undefined) ?? "info"): Logger {
  const min = LEVELS[level] ?? LEVELS.info;
  const write = (lvl: Level, message: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[lvl] < min) return;
    const extra =
      fields === undefined
        ? ""
        : " " +
          Object.entries(fields)
            .map(([k, v]) => `${k}=${typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v)}`)
            .join(" ");
    process.stderr.write(`${lvl === "info" ? "" : `${lvl}: `}${message}${extra}\n`);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}
