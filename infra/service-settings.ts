/**
 * Deploy-time settings shared by the CDK app (infra/app.ts) and the SST app (sst.config.ts): each is
 * read from CDK context (`-c key=value`) or else an environment variable, so both apps take the same
 * inputs. The config file is validated with the same schema as locally (parseConfig).
 *
 * | setting           | context key         | environment variable               | default                         |
 * |-------------------|---------------------|------------------------------------|---------------------------------|
 * | config file       | configFile          | PRESSBRIDGE_CONFIG_FILE            | pressbridge.config.json if any, else `{}` |
 * | SES sender        | mailFrom            | PRESSBRIDGE_MAIL_FROM              | none                            |
 * | alarm topic       | alarmTopicArn       | PRESSBRIDGE_ALARM_TOPIC_ARN        | none (alarms without actions)   |
 * | platform secret   | platformSecretArn   | PRESSBRIDGE_PLATFORM_SECRET_ARN    | a new secret per stage          |
 * | SES config set    | sesConfigurationSet | PRESSBRIDGE_SES_CONFIGURATION_SET  | none                            |
 * | web concurrency   | webReservedConcurrency | PRESSBRIDGE_WEB_RESERVED_CONCURRENCY | 10 (a number, or "none") |
 * | first admin       | firstAdmin          | PRESSBRIDGE_FIRST_ADMIN            | none                            |
 *
 * The config file (with its `people`, if any) seeds the stage's workspace once; after that the
 * workspace is managed in the app and a deploy's file is ignored (docs/deploy.md).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parseConfig, type PressbridgeConfig } from "../packages/core/src/config/config-schema.ts";
import { parseWorkspaceFile, type Person } from "../packages/core/src/workspace/workspace.ts";
import { ValidationError } from "../packages/core/src/errors.ts";
import type { PressbridgeProps } from "./pressbridge-construct.ts";

export const DEFAULT_CONFIG_FILE = "pressbridge.config.json";

/** Looks a setting up by its context key, then its environment variable. */
export type SettingLookup = (contextKey: string, envName: string) => string | undefined;

export interface LoadedConfig {
  readonly config: PressbridgeConfig;
  /** The file's `people` (admins and leads to seed the workspace with). */
  readonly people: Person[];
  /** The file it came from, or undefined for the empty default config. */
  readonly file?: string;
}

/**
 * Reads and validates the service config. An explicitly named file must exist; without one,
 * pressbridge.config.json in `root` is used when present, else the empty config `{}`.
 */
export function loadServiceConfig(file: string | undefined, root: string): LoadedConfig {
  const path = file === undefined || file === "" ? join(root, DEFAULT_CONFIG_FILE) : isAbsolute(file) ? file : join(root, file);
  if (!existsSync(path)) {
    if (file !== undefined && file !== "") throw new ValidationError("PRESSBRIDGE_CONFIG_FILE", `no config file at ${path}`);
    return { config: parseConfig({}), people: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ValidationError("PRESSBRIDGE_CONFIG_FILE", `${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  try {
    return { ...parseWorkspaceFile(json), file: path };
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(err.field, `${err.message.slice(err.field.length + 2)} (in ${path})`, { cause: err });
    throw err;
  }
}

/** The construct's props for a stage, from context/environment settings. */
export function serviceProps(stage: string, lookup: SettingLookup, root: string): PressbridgeProps {
  const setting = (key: string, env: string): string | undefined => {
    const value = lookup(key, env);
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const { config, people, file } = loadServiceConfig(setting("configFile", "PRESSBRIDGE_CONFIG_FILE"), root);
  const mailFrom = setting("mailFrom", "PRESSBRIDGE_MAIL_FROM");
  const alarmTopicArn = setting("alarmTopicArn", "PRESSBRIDGE_ALARM_TOPIC_ARN");
  const platformSecretArn = setting("platformSecretArn", "PRESSBRIDGE_PLATFORM_SECRET_ARN");
  const sesConfigurationSet = setting("sesConfigurationSet", "PRESSBRIDGE_SES_CONFIGURATION_SET");
  const firstAdmin = setting("firstAdmin", "PRESSBRIDGE_FIRST_ADMIN");
  const web = setting("webReservedConcurrency", "PRESSBRIDGE_WEB_RESERVED_CONCURRENCY");
  let webReservedConcurrency: number | "none" | undefined;
  if (web !== undefined) {
    webReservedConcurrency = web === "none" ? "none" : /^\d{1,4}$/.test(web) ? Number(web) : Number.NaN;
    if (Number.isNaN(webReservedConcurrency)) {
      throw new ValidationError("webReservedConcurrency", `"${web}" must be a whole number from 1 to 1000, or "none" (PRESSBRIDGE_WEB_RESERVED_CONCURRENCY)`);
    }
  }
  return {
    stage,
    config,
    ...(people.length === 0 ? {} : { people }),
    ...(firstAdmin === undefined ? {} : { firstAdmin }),
    // Media-list paths in the config are relative to the config file.
    configDir: file === undefined ? root : dirname(file),
    ...(mailFrom === undefined ? {} : { mailFrom }),
    ...(alarmTopicArn === undefined ? {} : { alarmTopicArn }),
    ...(platformSecretArn === undefined ? {} : { platformSecretArn }),
    ...(sesConfigurationSet === undefined ? {} : { sesConfigurationSet }),
    ...(webReservedConcurrency === undefined ? {} : { webReservedConcurrency }),
  };
}
