import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  assertUsableKeys,
  credentialSourceOf,
  parsePlatformCredentials,
  ValidationError,
  type CredentialSource,
  type PlatformCredentials,
  type PublisherPlatform,
  type SigningKeys,
} from "@pressbridge/core";

/**
 * A JSON secret read from Secrets Manager, parsed once and reread after `ttlMs` (so a rotation or a
 * renewed token reaches running functions within minutes, without a deploy). The value is never
 * logged; a value `parse` rejects fails naming `envName`, not the value.
 */
class CachedJsonSecret<T> {
  private cached: { value: T; at: number } | undefined;
  private readonly client: SecretsManagerClient;
  private readonly secretId: string;
  private readonly ttlMs: number;
  private readonly parse: (json: unknown) => T;
  private readonly envName: string;

  constructor(options: { secretId: string; client?: SecretsManagerClient; ttlMs?: number }, envName: string, parse: (json: unknown) => T) {
    this.secretId = options.secretId;
    this.client = options.client ?? new SecretsManagerClient({});
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.envName = envName;
    this.parse = parse;
  }

  async get(): Promise<T> {
    if (this.cached !== undefined && Date.now() - this.cached.at < this.ttlMs) return this.cached.value;
    const res = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    let json: unknown;
    try {
      json = JSON.parse(res.SecretString ?? "");
    } catch (err) {
      throw new ValidationError(this.envName, "the secret is not JSON", { cause: err });
    }
    const value = this.parse(json);
    this.cached = { value, at: Date.now() };
    return value;
  }
}

/**
 * Approval-link signing keys from AWS Secrets Manager. The secret's value is either the generated
 * form {"keyId","secret","previous":[{"id","secret"}]} (what the stack creates) or
 * {"signingKeys":{"current":{"id","secret"},"previous":[...]}} (the local secrets.json).
 */
export class SecretsManagerSigningKeys {
  private readonly secret: CachedJsonSecret<SigningKeys>;

  constructor(options: { secretId: string; client?: SecretsManagerClient; ttlMs?: number }) {
    this.secret = new CachedJsonSecret(options, "SIGNING_KEYS_SECRET_ARN", signingKeysOf);
  }

  get(): Promise<SigningKeys> {
    return this.secret.get();
  }
}

function signingKeysOf(value: unknown): SigningKeys {
  const json = (typeof value === "object" && value !== null ? value : {}) as { signingKeys?: SigningKeys; keyId?: string; secret?: string; previous?: SigningKeys["previous"] };
  let keys: SigningKeys;
  try {
    if (json.signingKeys?.current !== undefined) {
      keys = { current: json.signingKeys.current, previous: json.signingKeys.previous ?? [] };
    } else if (typeof json.keyId === "string" && typeof json.secret === "string") {
      keys = { current: { id: json.keyId, secret: json.secret }, previous: json.previous ?? [] };
    } else {
      throw new Error("neither signingKeys.current nor keyId/secret");
    }
    assertUsableKeys(keys);
  } catch (err) {
    throw new ValidationError("SIGNING_KEYS_SECRET_ARN", `the secret does not hold usable signing keys: ${(err as Error).message}`, { cause: err });
  }
  return keys;
}

/** Reads one string field of a JSON secret (e.g. the queue page's adminToken), once per container. */
export async function readSecretField(secretId: string, field: string, client: SecretsManagerClient = new SecretsManagerClient({})): Promise<string> {
  const res = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  let value: unknown;
  try {
    value = (JSON.parse(res.SecretString ?? "") as Record<string, unknown>)[field];
  } catch {
    value = undefined;
  }
  if (typeof value !== "string" || value.length < 16) throw new ValidationError(field, `the secret has no usable "${field}"`);
  return value;
}

/** Platform credentials (the PlatformCredentialsDocument JSON) from the stage's Secrets Manager secret. */
export class SecretsManagerCredentialSource implements CredentialSource {
  private readonly secret: CachedJsonSecret<CredentialSource>;

  constructor(options: { secretId: string; client?: SecretsManagerClient; ttlMs?: number }) {
    this.secret = new CachedJsonSecret(options, "SECRETS_ARN", (json) => credentialSourceOf(parsePlatformCredentials(json, "SECRETS_ARN")));
  }

  async credentialsFor(clientId: string, platform: PublisherPlatform): Promise<PlatformCredentials | undefined> {
    return (await this.secret.get()).credentialsFor(clientId, platform);
  }
}
