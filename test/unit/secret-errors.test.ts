import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecretsManagerCredentialSource, SecretsManagerSigningKeys } from "../../packages/adapters/src/secrets-manager-keys.ts";
import { loadSigningKeys } from "../../packages/cli/src/runtime/local-secrets.ts";
import { loadLocalCredentials } from "../../packages/cli/src/runtime/local-credentials.ts";
import { parsePlatformCredentials } from "../../packages/core/src/publishing/platform-credentials.ts";
import { ValidationError } from "../../packages/core/src/errors.ts";

/**
 * An error about a secret never carries the secret's text: not in its message, String(err), its
 * cause chain (JSON.parse's SyntaxError quotes the text around the fault: `..."inToken": s3cr3t-val"...`)
 * or its JSON, nor what util.inspect prints (a logger's view, cause included). Every reader of a
 * secret is tried with values that are wrong in the ways that made the old errors quote them.
 */

/** Every way an error may end up in a log or a response. */
function renderings(err: unknown): string[] {
  const out: string[] = [inspect(err, { depth: 10 })];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    out.push(String(e), JSON.stringify(e) ?? "");
    if (e instanceof Error) out.push(e.message, e.stack ?? "");
    if (typeof e === "object") out.push(JSON.stringify(Object.getOwnPropertyDescriptors(e), (_k, v: unknown) => (typeof v === "function" ? undefined : v)) ?? "");
  }
  return out;
}

/** The secret text of each value, as markers that must appear nowhere. */
const MALFORMED: ReadonlyArray<{ value: string; marker: string }> = [
  { value: '{"keyId": "s3cr3t-value', marker: "s3cr3t" },
  { value: '{"keyId": s3cr3t-value}', marker: "s3cr3t" },
  { value: '{"keyId": "k1", "secret": "s3cr3t-signing-key-0123456789abcdef" x}', marker: "s3cr3t" },
  { value: "s3cr3t-token-pasted-without-json", marker: "s3cr3t" },
  { value: '{"acme": {"x": {"accessToken": "s3cr3t-access" "consumerKey": "k"}}}', marker: "s3cr3t" },
];

async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

function expectNoSecret(err: unknown, marker: string): void {
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as Error).cause).toBeUndefined();
  for (const text of renderings(err)) expect(text).not.toContain(marker);
}

const secretsManager = (value: string | undefined) => ({ send: async () => ({ SecretString: value }) }) as unknown as SecretsManagerClient;

describe("Secrets Manager readers (packages/adapters/src/secrets-manager-keys.ts)", () => {
  it.each(MALFORMED)("signing keys: $value", async ({ value, marker }) => {
    const err = await failure(() => new SecretsManagerSigningKeys({ secretId: "signing", client: secretsManager(value) }).get());
    expectNoSecret(err, marker);
    expect((err as Error).message).toBe("SIGNING_KEYS_SECRET_ARN: the secret is not JSON");
  });

  it.each(MALFORMED)("platform credentials: $value", async ({ value, marker }) => {
    const err = await failure(() => new SecretsManagerCredentialSource({ secretId: "platforms", client: secretsManager(value) }).credentialsFor("acme", "x"));
    expectNoSecret(err, marker);
    expect((err as Error).message).toBe("SECRETS_ARN: the secret is not JSON");
  });

  it("signing keys of the wrong shape say which part is wrong, never its value", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ signingKeys: { current: { id: "k1", secret: 987_654_321_987 } } }, /the current key\.secret must be a string/],
      [{ signingKeys: { current: "s3cr3t-as-a-string" } }, /the current key must be an object/],
      [{ keyId: "k1", secret: "s3cr3t-current-key-0123456789abcdef", previous: ["s3cr3t-old-key"] }, /previous\[0\] must be an object/],
      [{ keyId: "k1", secret: "s3cr3t-current-key-0123456789abcdef", previous: "s3cr3t-old-key" }, /previous must be a list/],
      [{ keyId: "k1", secret: "s3cr3t" }, /signing key "k1" must have at least/],
    ];
    for (const [json, message] of cases) {
      const err = await failure(() => new SecretsManagerSigningKeys({ secretId: "signing", client: secretsManager(JSON.stringify(json)) }).get());
      expect((err as Error).message).toMatch(message);
      expectNoSecret(err, "s3cr3t");
      expectNoSecret(err, "987654321987");
    }
  });

  it("a secret with no string value says so", async () => {
    const err = await failure(() => new SecretsManagerSigningKeys({ secretId: "signing", client: secretsManager(undefined) }).get());
    expect((err as Error).message).toMatch(/SIGNING_KEYS_SECRET_ARN: the secret has no string value/);
  });
});

describe("local readers (packages/cli/src/runtime)", () => {
  const dir = mkdtempSync(join(tmpdir(), "pb-secret-errors-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    delete process.env.PRESSBRIDGE_SIGNING_KEYS;
  });
  const logger = { debug() {}, info() {}, warn() {}, error() {} };

  it.each(MALFORMED)("PRESSBRIDGE_SIGNING_KEYS and secrets.json: $value", async ({ value, marker }) => {
    process.env.PRESSBRIDGE_SIGNING_KEYS = value;
    const fromEnv = await failure(() => loadSigningKeys(dir));
    expectNoSecret(fromEnv, marker);
    expect((fromEnv as Error).message).toBe("signingKeys: PRESSBRIDGE_SIGNING_KEYS does not hold signing keys: it is not valid JSON");
    delete process.env.PRESSBRIDGE_SIGNING_KEYS;
    const data = mkdtempSync(join(dir, "data-"));
    writeFileSync(join(data, "secrets.json"), value, { mode: 0o600 });
    expectNoSecret(await failure(() => loadSigningKeys(data)), marker);
  });

  it("secrets.json keys of the wrong shape are refused without quoting them", async () => {
    process.env.PRESSBRIDGE_SIGNING_KEYS = JSON.stringify({ signingKeys: { current: { id: "k1", secret: 987_654_321_987 }, previous: [] } });
    const err = await failure(() => loadSigningKeys(dir));
    expect((err as Error).message).toMatch(/the current key must be \{"id": "\.\.\.", "secret": "\.\.\."\}/);
    expectNoSecret(err, "987654321987");
  });

  it.each(MALFORMED)("PRESSBRIDGE_CREDENTIALS: $value", async ({ value, marker }) => {
    const err = await failure(() => loadLocalCredentials(dir, logger, { PRESSBRIDGE_CREDENTIALS: value }));
    expectNoSecret(err, marker);
    expect((err as Error).message).toBe("PRESSBRIDGE_CREDENTIALS: is not valid JSON");
  });
});

describe("the platform-credentials document (packages/core/src/publishing/platform-credentials.ts)", () => {
  it("names the field, never the value, and keeps no ZodError (with every refused key) as the cause", async () => {
    const err = await failure(() => parsePlatformCredentials({ acme: { x: { accessToken: 42, consumerSecret: "s3cr3t-consumer" } } }, "SECRETS_ARN"));
    expect((err as Error).message).toMatch(/^SECRETS_ARN: acme\.x\.accessToken: /);
    expectNoSecret(err, "s3cr3t");
  });

  it("does not echo a key refused for its shape: it may be a value pasted in the wrong place", async () => {
    const pasted = `s3cr3t-${"p".repeat(80)}`;
    const err = await failure(() => parsePlatformCredentials({ acme: { bluesky: { [pasted]: "" } } }, "SECRETS_ARN"));
    expect((err as Error).message).toMatch(/^SECRETS_ARN: acme\.bluesky: has a key that is empty or longer than 64 characters/);
    expectNoSecret(err, "s3cr3t");
  });
});
