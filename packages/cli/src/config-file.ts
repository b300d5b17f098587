import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseConfig, ValidationError, type PressbridgeConfig } from "@pressbridge/core";

export const DEFAULT_CONFIG_FILE = "pressbridge.config.json";

/** Reads and validates a config file; every failure names the file and, when invalid, the field. */
export function loadConfigFile(path: string): PressbridgeConfig {
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
    return parseConfig(json);
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new ValidationError(err.field, `${err.message.slice(err.field.length + 2)} (in ${full})`, { cause: err });
    }
    throw err;
  }
}
