import { describe, expect, it } from "vitest";
import { redactCredentialShapes, redactCredentials, secretCredentialValues } from "../../../packages/core/src/publishing/credential-redaction.ts";

describe("redactCredentialShapes", () => {
  it("removes bearer and basic Authorization values, not the word", () => {
    expect(redactCredentialShapes("Invalid request (Authorization: Bearer li-token-abcdef123456)")).toBe("Invalid request (Authorization: Bearer [redacted])");
    expect(redactCredentialShapes("authorization: bearer AQXdSP_W41_UPs5ioT_t8HESyODB")).toBe("authorization: bearer [redacted]");
    expect(redactCredentialShapes("Basic dXNlcjpwYXNzd29yZA==")).toBe("Basic [redacted]");
    // Prose and the dry run's descriptions stay readable.
    expect(redactCredentialShapes("Bearer token missing")).toBe("Bearer token missing");
    expect(redactCredentialShapes("Bearer <accessJwt from createSession>")).toBe("Bearer <accessJwt from createSession>");
  });

  it("removes the credential parameters of an OAuth 1.0a header and keeps the rest", () => {
    const header =
      'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"';
    expect(redactCredentialShapes(`Unauthorized: ${header}`)).toBe(
      'Unauthorized: OAuth oauth_consumer_key="[redacted]", oauth_nonce="[redacted]", oauth_signature="[redacted]", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="[redacted]", oauth_version="1.0"',
    );
    expect(redactCredentialShapes("oauth_token=370773112-GmHx&oauth_consumer_key=xvz1evFS4w")).toBe("oauth_token=[redacted]&oauth_consumer_key=[redacted]");
  });

  it("removes access_token-style query and form parameters", () => {
    expect(redactCredentialShapes("GET /v26.0/me?fields=id&access_token=EAAB-meta-token-xyz789&limit=25")).toBe("GET /v26.0/me?fields=id&access_token=[redacted]&limit=25");
    expect(redactCredentialShapes("refresh_token=r1r2r3r4; client_secret=s3cr3t!")).toBe("refresh_token=[redacted]; client_secret=[redacted]");
    expect(redactCredentialShapes("next token=abc123def")).toBe("next token=[redacted]");
  });

  it("removes JSON fields named like credentials, in any case and nesting", () => {
    const body = JSON.stringify({ identifier: "acme.bsky.social", password: "app-pass-1234", accessJwt: "acc-1", refreshJwt: "ref-1", appPassword: "p", client_secret: "c", consumerSecret: "s", token: "t", access_token: "a", accessToken: "b", note: "kept" });
    expect(JSON.parse(redactCredentialShapes(body))).toEqual({
      identifier: "acme.bsky.social", password: "[redacted]", accessJwt: "[redacted]", refreshJwt: "[redacted]", appPassword: "[redacted]", client_secret: "[redacted]",
      consumerSecret: "[redacted]", token: "[redacted]", access_token: "[redacted]", accessToken: "[redacted]", note: "kept",
    });
    // JSON inside a JSON string (an echoed request body in an error message).
    const nested = JSON.stringify({ message: `bad request ${JSON.stringify({ password: "hunter2hunter2", handle: "a" })}` });
    expect(JSON.parse(redactCredentialShapes(nested))).toEqual({ message: 'bad request {"password":"[redacted]","handle":"a"}' });
    expect(redactCredentialShapes(`{"password": "with \\"quotes\\" inside", "x": 1}`)).toBe(`{"password": "[redacted]", "x": 1}`);
  });

  it("removes name: value pairs of compound names and JWTs, but not prose about tokens", () => {
    expect(redactCredentialShapes("appPassword: abcd-efgh-ijkl-mnop")).toBe("appPassword: [redacted]");
    expect(redactCredentialShapes("password: hunter2")).toBe("password: [redacted]");
    expect(redactCredentialShapes("session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjOmFiYyJ9.c2lnbmF0dXJl expired")).toBe("session [redacted] expired");
    const prose = "Error validating access token: Session has expired on Friday. The token used in the request has expired";
    expect(redactCredentialShapes(prose)).toBe(prose);
    expect(redactCredentialShapes("Empty oauth2_access_token")).toBe("Empty oauth2_access_token");
  });

  it("is idempotent", () => {
    const text = 'Bearer abcdefgh12345 access_token=xyz12345 {"password":"p4ss"} oauth_token="t0k3n"';
    const once = redactCredentialShapes(text);
    expect(redactCredentialShapes(once)).toBe(once);
    expect(once).not.toMatch(/abcdefgh12345|xyz12345|p4ss|t0k3n/);
  });
});

describe("redactCredentials", () => {
  it("removes known values (also percent-encoded) before the shapes", () => {
    const token = "li/token+abc=";
    expect(redactCredentials(`token ${token} or ${encodeURIComponent(token)} rejected`, [token])).toBe("token [redacted] or [redacted] rejected");
    expect(redactCredentials("key xvz1evFS4wEEPTGEFPHBog is not allowed", ["xvz1evFS4wEEPTGEFPHBog", undefined, "ab"])).toBe("key [redacted] is not allowed");
  });

  it("takes the values of secret-named credential fields only", () => {
    expect(secretCredentialValues({ consumerKey: "k1", accessToken: "t1", appPassword: "p1", organizationId: "2414183", identifier: "acme.bsky.social", adAccountId: "1", empty: " " })).toEqual(["k1", "t1", "p1"]);
  });
});
