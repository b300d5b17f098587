import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { discoverHub, parseLinkHeader, signatureMatches } from "@pressbridge/core";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("WebSub discovery (https://www.w3.org/TR/websub/#discovery)", () => {
  it("takes the Link header first, then the document's head; resolves relative URLs", () => {
    const body = bytes(`<rss><channel><atom:link rel="hub" href="https://doc-hub.example/"/><atom:link rel="self" href="/feed.xml"/><item><link rel="hub" href="https://evil.example/"/></item></channel></rss>`);
    expect(discoverHub({ link: '<https://hub.example/>; rel="hub", <https://wire.example/self>; rel="self"', body, baseUrl: "https://wire.example/rss" })).toEqual({ hub: "https://hub.example/", topic: "https://wire.example/self" });
    expect(discoverHub({ link: undefined, body, baseUrl: "https://wire.example/rss" })).toEqual({ hub: "https://doc-hub.example/", topic: "https://wire.example/feed.xml" });
  });
  it("ignores links inside items, non-http hubs, and uses the fetched URL when there is no rel=self", () => {
    expect(discoverHub({ link: undefined, body: bytes(`<feed><title>t</title><entry><link rel="hub" href="https://evil.example/"/></entry></feed>`), baseUrl: "https://a.example/f" })).toBeUndefined();
    expect(discoverHub({ link: '<javascript:alert(1)>; rel="hub"', body: bytes("<rss/>"), baseUrl: "https://a.example/f" })).toBeUndefined();
    expect(discoverHub({ link: undefined, body: bytes(`<feed><link href="https://h.example/?a=1&amp;b=2" rel="hub"/></feed>`), baseUrl: "https://a.example/f" })).toEqual({ hub: "https://h.example/?a=1&b=2", topic: "https://a.example/f" });
    expect(parseLinkHeader('<https://h/>; rel="hub self"')).toEqual([{ href: "https://h/", rels: ["hub", "self"] }]);
  });
});

describe("X-Hub-Signature (section 7.1)", () => {
  const body = bytes("<rss>payload</rss>");
  for (const method of ["sha1", "sha256", "sha384", "sha512"]) {
    it(`accepts ${method} and refuses a wrong one`, () => {
      const mac = createHmac(method, "secret").update(body).digest("hex");
      expect(signatureMatches(`${method}=${mac}`, body, "secret")).toBe(true);
      expect(signatureMatches(`${method}=${mac}`, body, "other")).toBe(false);
      expect(signatureMatches(`${method}=${mac.slice(2)}`, body, "secret")).toBe(false);
    });
  }
  it("refuses a missing header, an unknown method and garbage", () => {
    expect(signatureMatches(undefined, body, "secret")).toBe(false);
    expect(signatureMatches(`md5=${createHmac("md5", "secret").update(body).digest("hex")}`, body, "secret")).toBe(false);
    expect(signatureMatches("sha256", body, "secret")).toBe(false);
  });
});
