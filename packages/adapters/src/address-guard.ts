/**
 * SSRF guard for feed fetching. Decides, before any socket is opened, whether a URL may be fetched:
 * only http: and https:, and only hosts whose every resolved address is public unicast (unless the
 * operator allows private hosts). Cloud metadata and credential endpoints are refused even when
 * private hosts are allowed (see metadataRefusalReason). The caller then connects to the validated
 * addresses only.
 *
 * Pure apart from the injected resolver: no sockets, no global state.
 */
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { FeedFetchError } from "@pressbridge/core";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to every address it has (like dns.promises.lookup with all: true). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const ALLOWED_SCHEMES: readonly string[] = ["http:", "https:"];

/** A URL that passed the guard, with the addresses a connection may be made to. */
export interface GuardedTarget {
  url: URL;
  /** Host name as sent in Host / SNI: no brackets around IPv6 literals. */
  hostname: string;
  /** True when the URL names an IP address directly (no resolution, no pinning needed). */
  isIpLiteral: boolean;
  /** Every address the hostname resolved to, all of them checked. Connect to these only. */
  addresses: ResolvedAddress[];
}

export interface GuardOptions {
  allowPrivateHosts: boolean;
  resolve: Resolver;
}

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

const IPV4_COMPATIBLE: [IPv6, number] = [ipaddr.IPv6.parse("::"), 96];
const GLOBAL_UNICAST: [IPv6, number] = [ipaddr.IPv6.parse("2000::"), 3];
const NAT64_WELL_KNOWN: [IPv6, number] = [ipaddr.IPv6.parse("64:ff9b::"), 96];

/**
 * Refused whatever `allowPrivateHosts` says: where clouds serve instance metadata and credentials.
 * No feed lives there, and a feed URL (or a redirect) pointing there is an attempt to read them.
 * - 169.254.0.0/16, all of IPv4 link-local: AWS/GCP/Azure/OCI/DigitalOcean IMDS 169.254.169.254,
 *   the ECS task credentials endpoint 169.254.170.2, EKS Pod Identity 169.254.170.23, Tencent
 *   169.254.0.23, and whatever a provider adds there next;
 * - 100.100.100.200 (Alibaba Cloud metadata), 192.0.0.192 (Oracle Cloud's older metadata address),
 *   168.63.129.16 (Azure WireServer, a public address reachable only inside Azure);
 * - fd00:ec2::/32, AWS's IPv6 prefix for VPC services: IMDS fd00:ec2::254, EKS Pod Identity
 *   fd00:ec2::23, DNS ::253 and NTP ::123.
 * The same addresses embedded in IPv6 (IPv4-mapped, IPv4-compatible, SIIT, NAT64, 6to4) are refused too.
 */
const METADATA_V4: ReadonlyArray<[IPv4, number, string]> = [
  [ipaddr.IPv4.parse("169.254.0.0"), 16, "cloudMetadata:linkLocal"],
  [ipaddr.IPv4.parse("100.100.100.200"), 32, "cloudMetadata:alibaba"],
  [ipaddr.IPv4.parse("192.0.0.192"), 32, "cloudMetadata:oracle"],
  [ipaddr.IPv4.parse("168.63.129.16"), 32, "cloudMetadata:azure"],
];
const METADATA_V6: ReadonlyArray<[IPv6, number, string]> = [[ipaddr.IPv6.parse("fd00:ec2::"), 32, "cloudMetadata:aws"]];

/**
 * Why an IP address must not be fetched from when private hosts are not allowed: a range name
 * ("loopback", "private", "linkLocal", "ipv4Mapped:loopback", ...), or undefined when the address is
 * public unicast. Unparseable input is refused as "invalid".
 */
export function addressRefusalReason(address: string): string | undefined {
  const ip = parseStrict(stripBrackets(address));
  if (ip === undefined) return "invalid";
  const reason = ip.kind() === "ipv4" ? ipv4Reason(ip as IPv4) : ipv6Reason(ip as IPv6);
  // Azure's WireServer is a public address; everything else metadata is non-public already.
  return reason ?? metadataRefusalReason(address);
}

/**
 * Parses exactly what the socket layer would connect to. Only dotted-quad IPv4 (no "127.1" or hex
 * forms) and IPv6 as Node accepts it; IPv6 is canonicalised through the WHATWG URL parser first
 * because ipaddr.js reads "::a.b.c.d" (IPv4-compatible) as if it were "::ffff:a.b.c.d". A zone id
 * is ignored for classification.
 */
function parseStrict(literal: string): IPv4 | IPv6 | undefined {
  const family = isIP(literal);
  try {
    if (family === 4) return ipaddr.IPv4.parse(literal);
    if (family === 6) {
      const withoutZone = literal.split("%")[0] ?? "";
      const canonical = new URL(`http://[${withoutZone}]/`).hostname.slice(1, -1);
      return ipaddr.IPv6.parse(canonical);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Why an address is refused even when private hosts are allowed: a cloud metadata or credential
 * endpoint ("cloudMetadata:..."), directly or embedded in an IPv6 address; undefined otherwise.
 * Unparseable input is "invalid".
 */
export function metadataRefusalReason(address: string): string | undefined {
  const ip = parseStrict(stripBrackets(address));
  if (ip === undefined) return "invalid";
  if (ip.kind() === "ipv4") return metadataV4(ip as IPv4);
  const v6 = ip as IPv6;
  for (const [range, bits, reason] of METADATA_V6) if (v6.match(range, bits)) return reason;
  const embedded = embeddedV4(v6);
  return embedded === undefined ? undefined : metadataV4(embedded);
}

function metadataV4(ip: IPv4): string | undefined {
  for (const [range, bits, reason] of METADATA_V4) if (ip.match(range, bits)) return reason;
  return undefined;
}

/** The IPv4 address an IPv6 one carries (mapped, SIIT, NAT64 well-known, 6to4, compatible), if any. */
function embeddedV4(ip: IPv6): IPv4 | undefined {
  switch (ip.range()) {
    case "ipv4Mapped":
    case "rfc6145":
      return v4FromLow32(ip);
    case "rfc6052":
      return ip.match(NAT64_WELL_KNOWN) ? v4FromLow32(ip) : undefined;
    case "6to4": {
      const [, hi = 0, lo = 0] = ip.parts;
      return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
    }
    default:
      return ip.match(IPV4_COMPATIBLE) && !ip.match(ipaddr.IPv6.parse("::"), 128) ? v4FromLow32(ip) : undefined;
  }
}

/** True when the address is public unicast (see addressRefusalReason). */
export function isPublicAddress(address: string): boolean {
  return addressRefusalReason(address) === undefined;
}

function ipv4Reason(ip: IPv4): string | undefined {
  // Default-deny: everything ipaddr.js does not call plain unicast (private, loopback, linkLocal,
  // carrierGradeNat, unspecified, broadcast, multicast, reserved, benchmarking, as112, amt) is refused.
  const range = ip.range();
  return range === "unicast" ? undefined : range;
}

function ipv6Reason(ip: IPv6): string | undefined {
  const range = ip.range();
  switch (range) {
    case "ipv4Mapped": // ::ffff:a.b.c.d
      return embedded("ipv4Mapped", v4FromLow32(ip));
    case "rfc6145": // ::ffff:0:a.b.c.d (SIIT)
      return embedded("rfc6145", v4FromLow32(ip));
    case "rfc6052": // NAT64: 64:ff9b::a.b.c.d is routable to a.b.c.d; 64:ff9b:1::/48 is local-use
      return ip.match(NAT64_WELL_KNOWN) ? embedded("nat64", v4FromLow32(ip)) : "nat64LocalUse";
    case "6to4": {
      // 2002:AABB:CCDD::/48 tunnels to AA.BB.CC.DD
      const [, hi = 0, lo = 0] = ip.parts;
      return embedded("6to4", new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]));
    }
    case "unicast":
      if (ip.match(IPV4_COMPATIBLE)) return "ipv4Compatible"; // deprecated ::a.b.c.d
      if (!ip.match(GLOBAL_UNICAST)) return "unallocated";
      return undefined;
    default:
      // unspecified, loopback, linkLocal, uniqueLocal, multicast, teredo, reserved, discard, ...
      return range;
  }
}

function v4FromLow32(ip: IPv6): IPv4 {
  const hi = ip.parts[6] ?? 0;
  const lo = ip.parts[7] ?? 0;
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function embedded(kind: string, v4: IPv4): string | undefined {
  const reason = ipv4Reason(v4);
  return reason === undefined ? undefined : `${kind}:${reason}`;
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/**
 * Parses a feed URL and checks its scheme. Throws FeedFetchError "blocked" for anything that is not
 * an absolute http(s) URL with a host. Messages never include credentials or paths.
 */
export function parseFeedUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new FeedFetchError("blocked", "feed URL is not a valid absolute URL");
  }
  if (!ALLOWED_SCHEMES.includes(url.protocol)) {
    throw new FeedFetchError(
      "blocked",
      `feed URL scheme ${JSON.stringify(url.protocol)} is not allowed (only http: and https:)`,
    );
  }
  if (url.hostname === "") {
    throw new FeedFetchError("blocked", "feed URL has no host");
  }
  return url;
}

/**
 * Checks the URL's scheme, resolves its host (IP literals are taken as they are) and refuses it when
 * ANY address is not public, unless allowPrivateHosts; a cloud metadata address is refused either
 * way. Resolution failures are "dns"; refusals are "blocked". Never opens a socket itself.
 */
export async function guardUrl(input: string | URL, options: GuardOptions): Promise<GuardedTarget> {
  const url = parseFeedUrl(input);
  const hostname = stripBrackets(url.hostname);
  const host = url.host;

  const literalFamily = isIP(hostname);
  let addresses: ResolvedAddress[];
  if (literalFamily === 4 || literalFamily === 6) {
    addresses = [{ address: hostname, family: literalFamily }];
  } else {
    let resolved: ResolvedAddress[];
    try {
      resolved = await options.resolve(hostname);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      throw new FeedFetchError(
        "dns",
        `could not resolve feed host ${host}${typeof code === "string" ? ` (${code})` : ""}`,
        { cause: error },
      );
    }
    if (!Array.isArray(resolved) || resolved.length === 0) {
      throw new FeedFetchError("dns", `feed host ${host} resolved to no addresses`);
    }
    addresses = [];
    for (const entry of resolved) {
      const address = stripBrackets(String(entry?.address ?? ""));
      const family = isIP(address);
      if (family !== 4 && family !== 6) {
        throw new FeedFetchError("dns", `feed host ${host} resolved to an invalid address`);
      }
      addresses.push({ address, family });
    }
  }

  for (const { address } of addresses) {
    // Private hosts allowed (local development) still never reach a cloud metadata endpoint.
    const reason = options.allowPrivateHosts ? metadataRefusalReason(address) : addressRefusalReason(address);
    if (reason !== undefined) {
      throw new FeedFetchError(
        "blocked",
        literalFamily
          ? `feed host ${host} is a non-public address (${reason}); refusing to connect`
          : `feed host ${host} resolves to non-public address ${address} (${reason}); refusing to connect`,
      );
    }
  }

  return { url, hostname, isIpLiteral: literalFamily !== 0, addresses };
}
