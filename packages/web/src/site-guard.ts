import type { Context, MiddlewareHandler } from "hono";
import { messagePage } from "./views/review-page.ts";

/**
 * The site's own address, from its configured base URL: the hosts it answers and the origins a POST
 * may come from. A loopback base URL (127.0.0.1 or localhost, the local default) also answers at the
 * other loopback name on the same port; any other base URL answers only at its own host.
 */
export interface SiteAddress {
  origin: string;
  secure: boolean;
  hosts: ReadonlySet<string>;
  origins: ReadonlySet<string>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost"]);

export function siteAddress(baseUrl: string): SiteAddress {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (err) {
    throw new Error(`web app base URL "${baseUrl}" is not a URL`, { cause: err });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`web app base URL "${baseUrl}" must be http(s)`);
  const port = url.port === "" ? (url.protocol === "https:" ? "443" : "80") : url.port;
  const names = LOOPBACK.has(url.hostname) ? [...LOOPBACK] : [url.hostname];
  const defaultPort = url.port === "";
  const hosts = new Set<string>();
  const origins = new Set<string>();
  for (const name of names) {
    hosts.add(`${name}:${port}`);
    if (defaultPort) hosts.add(name);
    origins.add(new URL(`${url.protocol}//${name}:${port}`).origin);
  }
  return { origin: url.origin, secure: url.protocol === "https:", hosts, origins };
}

/** A Host header (or URL authority) in the form the allowed set holds: lower case, port as given. */
function hostKey(host: string): string {
  return host.trim().toLowerCase();
}

/**
 * DNS rebinding: a page on a site whose name the attacker points at this server sends its own name
 * as Host. Answers 400 to a request without Host, 421 (Misdirected Request) when the Host header, or
 * the authority of an absolute-form request target, is not one of the site's own hosts.
 */
export function requireOwnHost(site: (c: Context) => SiteAddress | undefined): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header("host");
    if (host === undefined || host.trim() === "") return c.html(messagePage("Bad request", "The request has no Host header."), 400);
    const address = site(c);
    const authority = new URL(c.req.url).host;
    if (address === undefined || !address.hosts.has(hostKey(host)) || !address.hosts.has(hostKey(authority))) {
      return c.html(messagePage("Wrong address", "This server does not answer for this host name."), 421);
    }
    await next();
  };
}

const SAFE_METHODS = /^(GET|HEAD|OPTIONS)$/;

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Every POST must prove it comes from this site's own pages, compared with the configured base URL,
 * never with the request's Host. A Sec-Fetch-Site other than same-origin is refused. Then the Origin
 * header must be one of the site's origins; when it is absent or opaque ("null", which browsers send
 * for a form on a page with Referrer-Policy: no-referrer), the Referer's origin must be; when that is
 * absent too, Sec-Fetch-Site must say same-origin. A POST with none of the three is refused: browsers
 * send at least one on every POST, and scripts using the bearer token can send Origin.
 */
export function requireOwnOrigin(site: (c: Context) => SiteAddress | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.test(c.req.method)) return next();
    const address = site(c);
    const origin = c.req.header("origin");
    const referer = c.req.header("referer");
    const fetchSite = c.req.header("sec-fetch-site");
    const isOwn = (value: string | undefined): boolean => value !== undefined && address?.origins.has(value) === true;
    const crossSite = fetchSite !== undefined && fetchSite !== "same-origin";
    const allowed =
      !crossSite &&
      (origin !== undefined && origin !== "null" ? isOwn(origin) : referer !== undefined ? isOwn(originOf(referer)) : fetchSite === "same-origin");
    if (!allowed) return c.html(messagePage("Request refused", "This form was not sent from this site's own page."), 403);
    await next();
  };
}
