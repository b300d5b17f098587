import { describe, expect, it, vi } from "vitest";
import { FeedFetchError } from "@pressbridge/core";
import {
  addressRefusalReason,
  guardUrl,
  isPublicAddress,
  metadataRefusalReason,
  parseFeedUrl,
} from "../../packages/adapters/src/address-guard.ts";
import type { ResolvedAddress, Resolver } from "../../packages/adapters/src/address-guard.ts";
import { HttpFeedFetcher } from "../../packages/adapters/src/http-feed-fetcher.ts";
import type { RequestFunction } from "../../packages/adapters/src/http-feed-fetcher.ts";

// Nothing in this file opens a socket: public-looking addresses only ever reach the pure guard or a
// fetcher whose `request` is a spy that throws if it is ever called.

function resolverOf(...addresses: string[]) {
  return vi.fn<Resolver>(async () =>
    addresses.map((address): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 })),
  );
}

function requestSpy() {
  return vi.fn<RequestFunction>(() => {
    throw new Error("request() must not be called in this test");
  });
}

async function failure(promise: Promise<unknown>): Promise<FeedFetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FeedFetchError);
    return error as FeedFetchError;
  }
  throw new Error("expected a FeedFetchError");
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FeedFetchError);
    return (error as FeedFetchError).kind;
  }
  return "resolved";
}

describe("addressRefusalReason", () => {
  const refused: Array<[string, string]> = [
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.254", "private"],
    ["192.168.1.1", "private"],
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["169.254.169.254", "linkLocal"],
    ["169.254.0.1", "linkLocal"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["100.64.0.1", "carrierGradeNat"],
    ["100.127.255.254", "carrierGradeNat"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.10", "reserved"],
    ["198.51.100.7", "reserved"],
    ["203.0.113.9", "reserved"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fe80::1%eth0", "linkLocal"],
    ["febf::1", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["fd12:3456:789a::1", "uniqueLocal"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["::ffff:127.0.0.1", "ipv4Mapped:loopback"],
    ["::ffff:7f00:1", "ipv4Mapped:loopback"],
    ["::ffff:10.1.2.3", "ipv4Mapped:private"],
    ["::ffff:169.254.169.254", "ipv4Mapped:linkLocal"],
    ["::ffff:0:192.168.0.1", "rfc6145:private"],
    ["64:ff9b::10.0.0.1", "nat64:private"],
    ["64:ff9b::127.0.0.1", "nat64:loopback"],
    ["64:ff9b:1::1", "nat64LocalUse"],
    ["2002:c0a8:0101::1", "6to4:private"],
    ["2002:7f00:0001::1", "6to4:loopback"],
    ["::127.0.0.1", "ipv4Compatible"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "teredo"],
    ["4000::1", "unallocated"],
    ["not-an-ip", "invalid"],
    ["127.1", "invalid"],
    ["0x7f000001", "invalid"],
    ["::8.8.8.8", "ipv4Compatible"],
    ["", "invalid"],
  ];
  it.each(refused)("refuses %s (%s)", (address, reason) => {
    expect(addressRefusalReason(address)).toBe(reason);
    expect(isPublicAddress(address)).toBe(false);
  });

  const allowed = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "172.15.255.255", // just below 172.16/12
    "172.32.0.1", // just above 172.16/12
    "100.63.255.255", // just below 100.64/10
    "100.128.0.1", // just above 100.64/10
    "169.253.1.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:82b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
    "2002:0808:0808::1",
  ];
  it.each(allowed)("allows public %s", (address) => {
    expect(addressRefusalReason(address)).toBeUndefined();
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe("parseFeedUrl", () => {
  it.each([
    "file:///etc/passwd",
    "ftp://example.com/feed.xml",
    "gopher://example.com/",
    "javascript:alert(1)",
    "data:text/xml,<rss/>",
    "ws://example.com/",
  ])(
    "refuses scheme of %s",
    (url) => {
      expect(() => parseFeedUrl(url)).toThrowError(FeedFetchError);
      try {
        parseFeedUrl(url);
      } catch (error) {
        expect((error as FeedFetchError).kind).toBe("blocked");
      }
    },
  );

  it("refuses relative or garbage URLs as blocked", () => {
    expect(() => parseFeedUrl("/feed.xml")).toThrowError(/not a valid absolute URL/);
    expect(() => parseFeedUrl("not a url")).toThrowError(FeedFetchError);
  });

  it("accepts http and https", () => {
    expect(parseFeedUrl("http://example.com/a").protocol).toBe("http:");
    expect(parseFeedUrl("HTTPS://Example.COM/a").hostname).toBe("example.com");
  });
});

describe("guardUrl", () => {
  it("takes IPv4 and bracketed IPv6 literals without resolving", async () => {
    const resolve = resolverOf("10.0.0.1");
    const v4 = await guardUrl("http://8.8.8.8/feed", { allowPrivateHosts: false, resolve });
    expect(v4).toMatchObject({
      hostname: "8.8.8.8",
      isIpLiteral: true,
      addresses: [{ address: "8.8.8.8", family: 4 }],
    });
    const v6 = await guardUrl("https://[2606:4700:4700::1111]:8443/feed", { allowPrivateHosts: false, resolve });
    expect(v6).toMatchObject({
      hostname: "2606:4700:4700::1111",
      isIpLiteral: true,
      addresses: [{ address: "2606:4700:4700::1111", family: 6 }],
    });
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each([
    "http://127.0.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0:8080/",
    "http://[::]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://0x7f.1/", // WHATWG URL normalises this to 127.0.0.1
    "http://2130706433/", // and this
    "http://10.1.2.3/",
    "http://100.64.1.1/",
  ])("refuses literal %s as blocked without resolving", async (url) => {
    const resolve = resolverOf("8.8.8.8");
    expect(await kindOf(guardUrl(url, { allowPrivateHosts: false, resolve }))).toBe("blocked");
    expect(resolve).not.toHaveBeenCalled();
  });

  it("refuses when ANY resolved address is private, even if another is public", async () => {
    const resolve = resolverOf("93.184.215.14", "10.0.0.5");
    const error = await failure(guardUrl("https://wire.example/feed", { allowPrivateHosts: false, resolve }));
    expect(error.kind).toBe("blocked");
    expect(error.message).toContain("wire.example");
    expect(error.message).toContain("10.0.0.5");
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledWith("wire.example");
  });

  it("refuses a mapped private IPv6 among the resolved addresses", async () => {
    const resolve = resolverOf("2606:4700:4700::1111", "::ffff:192.168.0.10");
    expect(await kindOf(guardUrl("http://wire.example/", { allowPrivateHosts: false, resolve }))).toBe("blocked");
  });

  it("allows every address when allowPrivateHosts", async () => {
    const resolve = resolverOf("93.184.215.14", "10.0.0.5");
    const target = await guardUrl("https://wire.example/feed", { allowPrivateHosts: true, resolve });
    expect(target.addresses).toEqual([
      { address: "93.184.215.14", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ]);
    expect(target.isIpLiteral).toBe(false);
    expect(target.hostname).toBe("wire.example");
  });

  it("allows a host whose addresses are all public", async () => {
    const resolve = resolverOf("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c");
    const target = await guardUrl("http://wire.example/feed", { allowPrivateHosts: false, resolve });
    expect(target.addresses).toHaveLength(2);
  });

  it("still refuses non-http schemes when allowPrivateHosts", async () => {
    const resolve = resolverOf("127.0.0.1");
    expect(await kindOf(guardUrl("file:///etc/passwd", { allowPrivateHosts: true, resolve }))).toBe("blocked");
    expect(resolve).not.toHaveBeenCalled();
  });

  it("reports resolver failures and empty answers as dns", async () => {
    const failing = vi.fn<Resolver>(async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND metadata.google.internal"), { code: "ENOTFOUND" });
    });
    const error = await failure(
      guardUrl("http://metadata.google.internal/", { allowPrivateHosts: false, resolve: failing }),
    );
    expect(error.kind).toBe("dns");
    expect(error.message).toContain("metadata.google.internal");
    expect(error.message).toContain("ENOTFOUND");

    const empty = vi.fn<Resolver>(async () => []);
    expect(await kindOf(guardUrl("http://wire.example/", { allowPrivateHosts: false, resolve: empty }))).toBe("dns");
    const garbage = vi.fn<Resolver>(async () => [{ address: "nonsense", family: 4 }]);
    expect(await kindOf(guardUrl("http://wire.example/", { allowPrivateHosts: true, resolve: garbage }))).toBe("dns");
  });

  it("lets the resolver decide about internal-looking names", async () => {
    const resolve = resolverOf("169.254.169.254");
    const url = "http://metadata.google.internal/computeMetadata/v1/";
    expect(await kindOf(guardUrl(url, { allowPrivateHosts: false, resolve }))).toBe("blocked");
  });

  it("never puts credentials or paths in messages", async () => {
    const resolve = resolverOf("10.0.0.1");
    const error = await failure(
      guardUrl("http://user:s3cret@wire.example/private/token?key=abc", { allowPrivateHosts: false, resolve }),
    );
    expect(error.kind).toBe("blocked");
    expect(error.message).not.toContain("s3cret");
    expect(error.message).not.toContain("user");
    expect(error.message).not.toContain("key=abc");
  });
});

describe("HttpFeedFetcher refuses before any socket opens", () => {
  it.each([
    ["http://127.0.0.1:8080/feed.xml", 0],
    ["http://[::1]/feed.xml", 0],
    ["http://[::ffff:127.0.0.1]/feed.xml", 0],
    ["http://169.254.169.254/latest/meta-data/", 0],
    ["http://wire.example/feed.xml", 1],
  ])("%s -> blocked (resolver calls: %i, request calls: 0)", async (url, resolverCalls) => {
    const resolve = resolverOf("93.184.215.14", "192.168.1.20");
    const request = requestSpy();
    const fetcher = new HttpFeedFetcher({ allowPrivateHosts: false, resolve, request });
    expect(await kindOf(fetcher.fetch({ url }))).toBe("blocked");
    expect(resolve).toHaveBeenCalledTimes(resolverCalls);
    expect(request).not.toHaveBeenCalled();
  });

  it.each(["file:///etc/passwd", "ftp://wire.example/feed.xml", "gopher://wire.example/", "javascript:alert(1)"])(
    "%s -> blocked without resolving or connecting",
    async (url) => {
      const resolve = resolverOf("93.184.215.14");
      const request = requestSpy();
      const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true, resolve, request });
      expect(await kindOf(fetcher.fetch({ url }))).toBe("blocked");
      expect(resolve).not.toHaveBeenCalled();
      expect(request).not.toHaveBeenCalled();
    },
  );

  it("dns failure -> dns without connecting", async () => {
    const resolve = vi.fn<Resolver>(async () => {
      throw Object.assign(new Error("queryA ESERVFAIL"), { code: "ESERVFAIL" });
    });
    const request = requestSpy();
    const fetcher = new HttpFeedFetcher({ allowPrivateHosts: false, resolve, request });
    expect(await kindOf(fetcher.fetch({ url: "https://wire.example/feed" }))).toBe("dns");
    expect(request).not.toHaveBeenCalled();
  });

  it("a resolver that never answers -> timeout at the deadline, no connection", async () => {
    const resolve = vi.fn<Resolver>(() => new Promise<ResolvedAddress[]>(() => {}));
    const request = requestSpy();
    const fetcher = new HttpFeedFetcher({ allowPrivateHosts: false, resolve, request, timeoutMs: 50 });
    expect(await kindOf(fetcher.fetch({ url: "https://wire.example/feed" }))).toBe("timeout");
    expect(request).not.toHaveBeenCalled();
  });

  it("when allowed, connects with the real host name but pinned to the validated addresses", async () => {
    const resolve = resolverOf("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c");
    const request = requestSpy();
    const fetcher = new HttpFeedFetcher({ allowPrivateHosts: false, resolve, request });
    expect(await kindOf(fetcher.fetch({ url: "https://user:pw@wire.example:8443/feed?x=1" }))).toBe("network");
    expect(request).toHaveBeenCalledTimes(1);
    const options = request.mock.calls[0]![0];
    expect(options).toMatchObject({ host: "wire.example", port: 8443, path: "/feed?x=1", servername: "wire.example" });
    const lookup = options.lookup!;
    // Whatever the OS resolver would say now (DNS rebinding), the socket gets the checked addresses.
    const single = await new Promise<unknown[]>((done) =>
      lookup("wire.example", { family: 4 }, (...args: unknown[]) => done(args)),
    );
    expect(single).toEqual([null, "93.184.215.14", 4]);
    const all = await new Promise<unknown[]>((done) =>
      lookup("wire.example", { all: true }, (...args: unknown[]) => done(args)),
    );
    expect(all).toEqual([
      null,
      [
        { address: "93.184.215.14", family: 4 },
        { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
      ],
    ]);
  });
});

describe("cloud metadata endpoints are refused even when private hosts are allowed", () => {
  const metadata: Array<[string, string]> = [
    ["169.254.169.254", "cloudMetadata:linkLocal"], // AWS, GCP, Azure, OCI, DigitalOcean IMDS
    ["169.254.170.2", "cloudMetadata:linkLocal"], // ECS task credentials
    ["169.254.170.23", "cloudMetadata:linkLocal"], // EKS Pod Identity
    ["169.254.0.23", "cloudMetadata:linkLocal"], // Tencent
    ["100.100.100.200", "cloudMetadata:alibaba"],
    ["192.0.0.192", "cloudMetadata:oracle"],
    ["168.63.129.16", "cloudMetadata:azure"],
    ["fd00:ec2::254", "cloudMetadata:aws"], // IMDS over IPv6
    ["fd00:ec2::23", "cloudMetadata:aws"], // EKS Pod Identity over IPv6
    ["[fd00:ec2::254]", "cloudMetadata:aws"],
    ["fd00:ec2:0:0:0:0:0:254", "cloudMetadata:aws"],
    ["::ffff:169.254.169.254", "cloudMetadata:linkLocal"],
    ["::ffff:a9fe:a9fe", "cloudMetadata:linkLocal"],
    ["::ffff:0:169.254.169.254", "cloudMetadata:linkLocal"],
    ["64:ff9b::169.254.169.254", "cloudMetadata:linkLocal"],
    ["2002:a9fe:a9fe::1", "cloudMetadata:linkLocal"],
    ["::169.254.169.254", "cloudMetadata:linkLocal"],
    ["::ffff:100.100.100.200", "cloudMetadata:alibaba"],
  ];
  it.each(metadata)("metadataRefusalReason(%s) is %s", (address, reason) => {
    expect(metadataRefusalReason(address)).toBe(reason);
  });

  it.each(["127.0.0.1", "10.0.0.5", "192.168.1.20", "fd00::1", "fd00:ec3::254", "::1", "8.8.8.8", "169.253.255.255", "169.255.0.1", "100.100.100.201"])(
    "%s is not a metadata address",
    (address) => {
      expect(metadataRefusalReason(address)).toBeUndefined();
    },
  );

  it.each([
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.170.2/v2/credentials/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",
    "http://168.63.129.16/machine",
  ])("guardUrl refuses literal %s with allowPrivateHosts", async (url) => {
    const resolve = resolverOf("127.0.0.1");
    const error = await failure(guardUrl(url, { allowPrivateHosts: true, resolve }));
    expect(error.kind).toBe("blocked");
    expect(error.message).toMatch(/cloudMetadata/);
    expect(resolve).not.toHaveBeenCalled();
  });

  it("refuses a host name resolving to a metadata address with allowPrivateHosts, even next to a private one", async () => {
    for (const address of ["169.254.169.254", "fd00:ec2::254"]) {
      const resolve = resolverOf("10.0.0.5", address);
      const error = await failure(guardUrl("http://metadata.internal.example/", { allowPrivateHosts: true, resolve }));
      expect(error.kind).toBe("blocked");
      expect(error.message).toContain(address);
    }
  });

  it("still allows private and loopback hosts with allowPrivateHosts", async () => {
    for (const url of ["http://127.0.0.1:8080/feed", "http://10.0.0.5/feed", "http://[fd00::1]/feed", "http://[::1]/feed"]) {
      await expect(guardUrl(url, { allowPrivateHosts: true, resolve: resolverOf() })).resolves.toMatchObject({ isIpLiteral: true });
    }
  });

  it("refuses Azure's WireServer even though it is a public address", async () => {
    expect(addressRefusalReason("168.63.129.16")).toBe("cloudMetadata:azure");
    expect(await kindOf(guardUrl("http://wire.example/", { allowPrivateHosts: false, resolve: resolverOf("168.63.129.16") }))).toBe("blocked");
  });

  it("HttpFeedFetcher with allowPrivateHosts never connects to a metadata address", async () => {
    const request = requestSpy();
    const fetcher = new HttpFeedFetcher({ allowPrivateHosts: true, resolve: resolverOf("169.254.169.254"), request });
    expect(await kindOf(fetcher.fetch({ url: "http://imds.example/latest/meta-data/" }))).toBe("blocked");
    expect(await kindOf(fetcher.fetch({ url: "http://[fd00:ec2::254]/latest/meta-data/" }))).toBe("blocked");
    expect(request).not.toHaveBeenCalled();
  });
});
