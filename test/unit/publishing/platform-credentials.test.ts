import { describe, expect, it } from "vitest";
import { ValidationError, configuredPlatforms, credentialSourceOf, parsePlatformCredentials } from "@pressbridge/core";

describe("platform credentials document", () => {
  it("gives a client's fields per platform; an absent or blank platform is not configured (a dry run)", async () => {
    const doc = parsePlatformCredentials({ acme: { bluesky: { identifier: "acme.bsky.social", appPassword: "abcd-efgh" }, x: { consumerKey: " " } } }, "file");
    const source = credentialSourceOf(doc);
    expect(await source.credentialsFor("acme", "bluesky")).toEqual({ identifier: "acme.bsky.social", appPassword: "abcd-efgh" });
    expect(await source.credentialsFor("acme", "x")).toBeUndefined();
    expect(await source.credentialsFor("acme", "meta")).toBeUndefined();
    expect(await source.credentialsFor("globex", "bluesky")).toBeUndefined();
    expect(configuredPlatforms(doc)).toEqual([{ clientId: "acme", platforms: ["bluesky"] }]);
  });

  it("rejects unknown platforms and non-string values naming the field, never the value", () => {
    const unknown = (() => {
      try {
        parsePlatformCredentials({ acme: { tiktok: { token: "s3cr3t-token" } } }, "credentials.json");
      } catch (err) {
        return err as ValidationError;
      }
    })();
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown!.field).toBe("credentials.json: acme");
    expect(unknown!.message).toMatch(/unknown platform "tiktok" \(use x, linkedin, meta, bluesky\)/);
    expect(unknown!.message).not.toContain("s3cr3t-token");
    expect(() => parsePlatformCredentials({ acme: { x: { accessToken: 42 } } }, "SECRETS_ARN")).toThrow(/SECRETS_ARN: acme\.x\.accessToken/);
    expect(() => parsePlatformCredentials([], "SECRETS_ARN")).toThrow(ValidationError);
  });
});
