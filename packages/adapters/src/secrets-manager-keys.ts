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
 *
 * No error about a secret carries its text: not in the message, and not as the `cause` either (a
 * JSON.parse SyntaxError quotes the text around the fault, `..."adminToken": s3cr3t-val"...`, so it
 * is never kept). The errors say what is wrong with the value in words of their own.
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
    const value = this.parse(parseSecretJson(res.SecretString, this.envName));
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

/**
 * A secret's JSON. Invalid JSON fails with a message of its own, never JSON.parse's (which quotes
 * the text) and without it as the cause.
 */
function parseSecretJson(text: string | undefined, name: string): unknown {
  if (text === undefined || text === "") throw new ValidationError(name, "the secret has no string value (it must be a JSON document)");
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError(name, "the secret is not JSON");
  }
}

type KeyShape = { id?: unknown; secret?: unknown };

/** Whether `key` is {id: string, secret: string}; says which part is wrong without echoing it. */
function keyProblem(key: unknown, where: string): string | undefined {
  if (typeof key !== "object" || key === null || Array.isArray(key)) return `${where} must be an object {"id", "secret"}`;
  const { id, secret } = key as KeyShape;
  if (typeof id !== "string") return `${where}.id must be a string`;
  if (typeof secret !== "string") return `${where}.secret must be a string`;
  return undefined;
}

function signingKeysOf(value: unknown): SigningKeys {
  const fail = (why: string): never => {
    throw new ValidationError("SIGNING_KEYS_SECRET_ARN", `the secret does not hold usable signing keys: ${why}`);
  };
  const json = (typeof value === "object" && value !== null ? value : {}) as { signingKeys?: { current?: unknown; previous?: unknown }; keyId?: unknown; secret?: unknown; previous?: unknown };
  let current: unknown;
  let previous: unknown;
  if (typeof json.signingKeys === "object" && json.signingKeys !== null && json.signingKeys.current !== undefined) {
    current = json.signingKeys.current;
    previous = json.signingKeys.previous ?? [];
  } else if (typeof json.keyId === "string" && typeof json.secret === "string") {
    current = { id: json.keyId, secret: json.secret };
    previous = json.previous ?? [];
  } else {
    return fail("neither signingKeys.current nor keyId/secret");
  }
  const problem = keyProblem(current, "the current key");
  if (problem !== undefined) return fail(problem);
  if (!Array.isArray(previous)) return fail("previous must be a list of keys");
  previous.forEach((key, i) => {
    const p = keyProblem(key, `previous[${i}]`);
    if (p !== undefined) fail(p);
  });
  const keys = { current, previous } as SigningKeys;
  try {
    assertUsableKeys(keys);
  } catch (err) {
    // Its messages name a key by id (public: every link carries it) and never quote a secret.
    return fail((err as Error).message);
  }
  return keys;
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
