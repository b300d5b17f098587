import { describe, expect, it } from "vitest";
import { oauth1Header, percentEncode, signatureBaseString } from "../../../packages/adapters/src/publishers/oauth1-signature.ts";

// X's published "Creating a signature" example (developer.x.com, OAuth 1.0a).
const keys = {
  consumerKey: "xvz1evFS4wEEPTGEFPHBog",
  consumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
  token: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
  tokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
};

describe("OAuth 1.0a HMAC-SHA1 (RFC 5849)", () => {
  it("reproduces X's documented example signature", () => {
    const header = oauth1Header(
      keys,
      { method: "POST", url: new URL("https://api.twitter.com/1.1/statuses/update.json?include_entities=true"), formParams: { status: "Hello Ladies + Gentlemen, a signed OAuth request!" } },
      { nowSeconds: 1318622958, nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg" },
    );
    expect(header).toContain(`oauth_signature="${percentEncode("hCtSmYh+iHYCEqBWrE7C7hYmtUk=")}"`);
    expect(header).toMatch(/^OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="[^"]+", oauth_signature="[^"]+", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="[^"]+", oauth_version="1.0"$/);
  });

  it("encodes per RFC 3986 and drops default ports from the base string URI", () => {
    expect(percentEncode("Ladies + Gentlemen!*'()~")).toBe("Ladies%20%2B%20Gentlemen%21%2A%27%28%29~");
    const base = signatureBaseString("get", new URL("HTTPS://Ads-API.x.com:443/12/accounts?b=2&a=1"), [["b", "2"], ["a", "1"]]);
    expect(base).toBe("GET&https%3A%2F%2Fads-api.x.com%2F12%2Faccounts&a%3D1%26b%3D2");
  });
});
