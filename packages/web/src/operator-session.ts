import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * The operator's credential on the pages that list plans and links (queue, dashboard, outbox, plan
 * pages): the operator token itself, as `Authorization: Bearer <token>`, or the session cookie the
 * sign-in page sets after a POST of that token. The cookie holds its expiry and an HMAC-SHA256 of it
 * keyed with the token, so it needs no server-side state, cannot be extended by the browser, and
 * stops working when the token is replaced.
 */
export const SESSION_COOKIE = "pb_operator";
export const SESSION_SECONDS = 12 * 3600;

function sessionMac(token: string, expires: number): Buffer {
  return createHmac("sha256", token).update(`pressbridge operator session\u0000${expires}`).digest();
}

/** Constant time, whatever the lengths: both sides are hashed first. */
export function isOperatorToken(token: string, given: unknown): boolean {
  if (typeof given !== "string" || given.length === 0 || given.length > 1024) return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(token).digest();
  return timingSafeEqual(a, b);
}

/** The value of a new session cookie, valid for SESSION_SECONDS from `now`. */
export function newSession(token: string, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + SESSION_SECONDS;
  return `${expires}.${sessionMac(token, expires).toString("base64url")}`;
}

export function isValidSession(token: string, value: string | undefined, now: Date): boolean {
  if (value === undefined) return false;
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (m === null) return false;
  const expires = Number(m[1]);
  if (expires * 1000 <= now.getTime()) return false;
  const given = Buffer.from(m[2]!, "base64url");
  const expected = sessionMac(token, expires);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A local path to return to after signing in; anything else (another site, //host, \host) is the queue. */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || next.length > 2000) return "/queue";
  return /^\/(?![/\\])[^\s\\]*$/.test(next) && !next.startsWith("/signin") ? next : "/queue";
}
