import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { assertUsableKeys, ValidationError, type SigningKeys } from "@pressbridge/core";

/**
 * Approval-link signing keys from AWS Secrets Manager: a secret whose value is
 * {"signingKeys":{"current":{"id","secret"},"previous":[...]}}. Read once per container and again
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
      const json = JSON.parse(res.SecretString ?? "") as { signingKeys?: SigningKeys };
      if (json.signingKeys?.current === undefined) throw new Error("no signingKeys.current");
      keys = { current: json.signingKeys.current, previous: json.signingKeys.previous ?? [] };
      assertUsableKeys(keys);
    } catch (err) {
      throw new ValidationError("SIGNING_KEYS_SECRET_ARN", `the secret does not hold usable signing keys: ${(err as Error).message}`, { cause: err });
    }
    this.cached = { keys, at: Date.now() };
    return keys;
  }
}
