import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PUBLISHER_PLATFORMS, configuredPlatforms, credentialSourceOf, parsePlatformCredentials, ValidationError, type CredentialSource, type Logger, type PublisherPlatform } from "@pressbridge/core";

/**
 * Local platform credentials (docs/publishing.md): PRESSBRIDGE_CREDENTIALS (the JSON itself), else
 * the file PRESSBRIDGE_CREDENTIALS_FILE names, else <data-dir>/credentials.json when it exists. No
 * credentials is not an error: every action is then a dry run. Values are never logged; only which
 * clients and platforms are configured.
 */
export function loadLocalCredentials(dataDir: string, logger: Logger, env: NodeJS.ProcessEnv = process.env): { source: CredentialSource; description: string } {
  const inline = env.PRESSBRIDGE_CREDENTIALS;
  const file = env.PRESSBRIDGE_CREDENTIALS_FILE || join(dataDir, "credentials.json");
  let text: string | undefined;
  let origin: string;
  if (inline !== undefined && inline.trim() !== "") {
    text = inline;
    origin = "PRESSBRIDGE_CREDENTIALS";
  } else {
    origin = file;
    if (existsSync(file)) {
      text = readFileSync(file, "utf8");
      if ((statSync(file).mode & 0o077) !== 0) logger.warn(`${file} is readable by other users; chmod 600 it`);
    } else if (env.PRESSBRIDGE_CREDENTIALS_FILE) {
      throw new ValidationError("PRESSBRIDGE_CREDENTIALS_FILE", `${file} does not exist`);
    }
  }
  if (text === undefined) return { source: credentialSourceOf({}), description: "no platform credentials: every action is a dry run" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON.parse's error, not even as the cause: its message quotes the credentials around the fault.
    throw new ValidationError(origin, "is not valid JSON");
  }
  const document = parsePlatformCredentials(json, origin);
  const configured = configuredPlatforms(document).filter((c) => c.platforms.length > 0);
  const description =
    configured.length === 0
      ? "no platform credentials: every action is a dry run"
      : `platform credentials from ${origin} for ${configured.map((c) => `${c.clientId} (${c.platforms.join(", ")})`).join("; ")}; other platforms are dry runs`;
  return { source: credentialSourceOf(document), description };
}

/** The adapters' platforms, plus X's Ads API, which has a base URL of its own. */
const BASE_URL_KEYS: readonly string[] = [...PUBLISHER_PLATFORMS, "xAds"];

/** PRESSBRIDGE_PLATFORM_BASE_URLS: {"x": "...", "xAds": "...", "linkedin": "...", ...} for sandboxes and loopback tests. */
export function platformBaseUrls(env: NodeJS.ProcessEnv = process.env): Partial<Record<PublisherPlatform | "xAds", string>> | undefined {
  const raw = env.PRESSBRIDGE_PLATFORM_BASE_URLS;
  if (raw === undefined || raw.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ValidationError("PRESSBRIDGE_PLATFORM_BASE_URLS", "is not valid JSON", { cause: err });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ValidationError("PRESSBRIDGE_PLATFORM_BASE_URLS", "must be a JSON object");
  const out: Partial<Record<PublisherPlatform | "xAds", string>> = {};
  for (const [key, value] of Object.entries(json)) {
    if (!BASE_URL_KEYS.includes(key)) throw new ValidationError(`PRESSBRIDGE_PLATFORM_BASE_URLS.${key}`, `unknown platform (use ${BASE_URL_KEYS.join(", ")})`);
    if (typeof value !== "string" || !/^https?:\/\//.test(value)) throw new ValidationError(`PRESSBRIDGE_PLATFORM_BASE_URLS.${key}`, "must be an http(s) URL");
    out[key as PublisherPlatform | "xAds"] = value;
  }
  return out;
}
