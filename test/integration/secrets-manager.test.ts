import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecretsManagerCredentialSource, SecretsManagerSigningKeys } from "@pressbridge/adapters";
import { ValidationError } from "@pressbridge/core";
import { startSecretsManagerServer, type SecretsManagerServer } from "../support/secrets-manager-server.ts";

/** The Secrets Manager readers against a loopback Secrets Manager (GetSecretValue over JSON 1.1). */
let server: SecretsManagerServer;
let client: SecretsManagerClient;

beforeAll(async () => {
  server = await startSecretsManagerServer();
  client = new SecretsManagerClient({ endpoint: server.url, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

describe("Secrets Manager readers", () => {
  it("read signing keys in the generated form and the local form", async () => {
    server.setSecret("gen", JSON.stringify({ keyId: "k2", secret: "s".repeat(64), previous: [{ id: "k1", secret: "o".repeat(64) }] }));
    server.setSecret("local", JSON.stringify({ signingKeys: { current: { id: "k9", secret: "x".repeat(43) }, previous: [] } }));
    expect(await new SecretsManagerSigningKeys({ secretId: "gen", client }).get()).toEqual({ current: { id: "k2", secret: "s".repeat(64) }, previous: [{ id: "k1", secret: "o".repeat(64) }] });
    expect((await new SecretsManagerSigningKeys({ secretId: "local", client }).get()).current.id).toBe("k9");
  });

  it("reread a secret only after the TTL, so a rotation or a renewed token arrives without a deploy", async () => {
    server.setSecret("creds", JSON.stringify({ acme: { bluesky: { identifier: "acme.bsky.social", appPassword: "old-pass" } } }));
    const source = new SecretsManagerCredentialSource({ secretId: "creds", client, ttlMs: 50 });
    expect(await source.credentialsFor("acme", "bluesky")).toMatchObject({ appPassword: "old-pass" });
    server.setSecret("creds", JSON.stringify({ acme: { bluesky: { identifier: "acme.bsky.social", appPassword: "new-pass" } } }));
    expect(await source.credentialsFor("acme", "bluesky")).toMatchObject({ appPassword: "old-pass" }); // cached
    const reads = server.reads.filter((id) => id === "creds").length;
    await new Promise((r) => setTimeout(r, 60));
    expect(await source.credentialsFor("acme", "bluesky")).toMatchObject({ appPassword: "new-pass" });
    expect(server.reads.filter((id) => id === "creds").length).toBe(reads + 1);
    expect(await source.credentialsFor("acme", "x")).toBeUndefined();
  });

  it("fail naming the variable, never the value, when a secret is unusable", async () => {
    server.setSecret("random", "Zq8-not-json-random-password");
    server.setSecret("short", JSON.stringify({ keyId: "k1", secret: "tooshort" }));
    await expect(new SecretsManagerCredentialSource({ secretId: "random", client }).credentialsFor("acme", "x")).rejects.toThrow(/^SECRETS_ARN: the secret is not JSON$/);
    const err = await new SecretsManagerSigningKeys({ secretId: "short", client }).get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe("SIGNING_KEYS_SECRET_ARN");
    expect((err as Error).message).not.toContain("tooshort");
  });
});
