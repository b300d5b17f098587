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
 * Approval-link signing keys from AWS Secrets Manager. The secret's value is either the generated
 * form {"keyId","secret","previous":[{"id","secret"}]} (what the stack creates) or
 * {"signingKeys":{"current":{"id","secret"},"previous":[...]}} (the local secrets.json). Read once per container and again
 * after `ttlMs`, so a rotation (new current, old moved to previous) reaches every function within
 * minutes without a deploy. The secret is never logged.
 */
export class SecretsManagerSigningKeys {
  private cached: { keys: SigningKeys; at: number } | undefined;
  private readonly client: SecretsManagerClient;
  private readonly secretId: string;
  private readonly ttlMs: number;

  constructor(options: { secretId: string; client?: SecretsManagerClient; ttlMs?: number }) {
    this.secretId = options.secretId;
    this.client = options.client ?? new SecretsManagerClient({});
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
  }

  async get(): Promise<SigningKeys> {
    if (this.cached !== undefined && Date.now() - this.cached.at < this.ttlMs) return this.cached.keys;
    const res = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    let keys: SigningKeys;
    try {
      const json = JSON.parse(res.SecretString ?? "") as {
        signingKeys?: SigningKeys;
        keyId?: string;
        secret?: string;
        previous?: SigningKeys["previous"];
      };
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
    this.cached = { keys, at: Date.now() };
    return keys;
  }
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

/**
 * Platform credentials (the PlatformCredentialsDocument JSON) from the stage's Secrets Manager secret.
 * Read on first use and again after `ttlMs`, so replaced tokens reach running functions without a
 * deploy. Values are never logged; a malformed secret fails naming the field, not the value.
 */
export class SecretsManagerCredentialSource implements CredentialSource {
  private cached: { source: CredentialSource; at: number } | undefined;
  private readonly client: SecretsManagerClient;
  private readonly secretId: string;
  private readonly ttlMs: number;

  constructor(options: { secretId: string; client?: SecretsManagerClient; ttlMs?: number }) {
    this.secretId = options.secretId;
    this.client = options.client ?? new SecretsManagerClient({});
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
  }

  async credentialsFor(clientId: string, platform: PublisherPlatform): Promise<PlatformCredentials | undefined> {
    if (this.cached === undefined || Date.now() - this.cached.at >= this.ttlMs) {
      const res = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      let json: unknown;
      try {
        json = JSON.parse(res.SecretString ?? "{}");
      } catch (err) {
        throw new ValidationError("SECRETS_ARN", "the platform-credentials secret is not JSON", { cause: err });
      }
      this.cached = { source: credentialSourceOf(parsePlatformCredentials(json, "SECRETS_ARN")), at: Date.now() };
    }
    return this.cached.source.credentialsFor(clientId, platform);
  }
}
