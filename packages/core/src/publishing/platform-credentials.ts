import { z } from "zod";
import { formatPath } from "../config/config-schema.ts";
import { ValidationError } from "../errors.ts";
import { PUBLISHER_PLATFORMS, type CredentialSource, type PlatformCredentials, type PublisherPlatform } from "./publisher.ts";

/**
 * The platform-credentials document: per client id, per platform, the fields its adapter needs
 * (docs/publishing.md lists them). The same JSON is the local credentials file (or the
 * PRESSBRIDGE_CREDENTIALS variable) and the value of the stage's Secrets Manager secret in AWS.
 *
 *   { "acme": { "x": { "consumerKey": "…", … }, "bluesky": { "identifier": "…", "appPassword": "…" } } }
 */
const Fields = z.record(z.string().min(1).max(64), z.string().max(8192));
const ClientCredentials = z.strictObject(Object.fromEntries(PUBLISHER_PLATFORMS.map((p) => [p, Fields.optional()])) as Record<PublisherPlatform, z.ZodOptional<typeof Fields>>);
export const PlatformCredentialsDocument = z.record(z.string().min(1).max(64), ClientCredentials);
export type PlatformCredentialsDocument = z.infer<typeof PlatformCredentialsDocument>;

/**
 * Parses the document; a bad one throws ValidationError naming the field, never echoing a value. The
 * ZodError is not kept as the cause (it lists every issue, with every key it refused), and a key
 * refused for its shape is not echoed either: it may be a value pasted in the wrong place.
 */
export function parsePlatformCredentials(json: unknown, source: string): PlatformCredentialsDocument {
  const result = PlatformCredentialsDocument.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === "invalid_key") {
      const where = formatPath(issue.path.slice(0, -1));
      throw new ValidationError(`${source}: ${where}`, "has a key that is empty or longer than 64 characters (not shown)");
    }
    const message = issue.code === "unrecognized_keys" ? `unknown platform ${issue.keys.map((k) => `"${k}"`).join(", ")} (use ${PUBLISHER_PLATFORMS.join(", ")})` : issue.message;
    throw new ValidationError(`${source}: ${formatPath(issue.path)}`, message);
  }
  return result.data;
}

/** A CredentialSource over a parsed document. A platform with no non-empty field counts as not configured. */
export function credentialSourceOf(document: PlatformCredentialsDocument): CredentialSource {
  return {
    async credentialsFor(clientId: string, platform: PublisherPlatform): Promise<PlatformCredentials | undefined> {
      const fields = document[clientId]?.[platform];
      if (fields === undefined || !Object.values(fields).some((v) => v.trim() !== "")) return undefined;
      return { ...fields };
    },
  };
}

/** The clients and platforms a document configures (names only, never values): for start-up logs. */
export function configuredPlatforms(document: PlatformCredentialsDocument): Array<{ clientId: string; platforms: PublisherPlatform[] }> {
  return Object.entries(document).map(([clientId, platforms]) => ({
    clientId,
    platforms: PUBLISHER_PLATFORMS.filter((p) => platforms[p] !== undefined && Object.values(platforms[p]!).some((v) => v.trim() !== "")),
  }));
}
