import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The one signed-token format of Pressbridge's links (review links, sign-in links):
 * `<payload>.<signature>`, both base64url. The payload is JSON claims naming their expiry (`e`,
 * epoch seconds) and the signing key (`k`); the signature is HMAC-SHA256 over `<purpose>\0<payload>`
 * with that key, so a token of one purpose never verifies as another. Verified with the current or
 * any previous key (rotation), in constant time; checking never throws on bad input.
 */
export interface SigningKey {
  id: string;
  /** At least 32 bytes of secret material, base64 or raw. Never logged. */
  secret: string;
}

export interface SigningKeys {
  current: SigningKey;
  previous: SigningKey[];
}

export type SignedTokenCheck<C> = { ok: true; claims: C } | { ok: false; reason: "malformed" | "bad-signature" | "unknown-key" | "expired"; claims?: C };

export function tokenMac(key: SigningKey, purpose: string, payload: string): Buffer {
  return createHmac("sha256", key.secret).update(`${purpose}\u0000${payload}`).digest();
}

export function signToken(keys: SigningKeys, purpose: string, claims: { e: number; k: string }): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${payload}.${tokenMac(keys.current, purpose, payload).toString("base64url")}`;
}

/** Checks shape (`decode` validates the claims' JSON), key, signature and expiry, in that order. */
export function verifyToken<C extends { e: number; k: string }>(
  keys: SigningKeys,
  purpose: string,
  token: unknown,
  now: Date,
  options: { maxLength: number; decode: (json: Record<string, unknown>) => C | undefined },
): SignedTokenCheck<C> {
  if (typeof token !== "string" || token.length > options.maxLength) return { ok: false, reason: "malformed" };
  const parts = token.split(".");
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) return { ok: false, reason: "malformed" };
  const [payload, signature] = parts as [string, string];
  let claims: C | undefined;
  try {
    const json: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    claims = typeof json === "object" && json !== null && !Array.isArray(json) ? options.decode(json as Record<string, unknown>) : undefined;
  } catch {
    claims = undefined;
  }
  if (claims === undefined) return { ok: false, reason: "malformed" };
  const key = [keys.current, ...keys.previous].find((k) => k.id === claims.k);
  if (key === undefined) return { ok: false, reason: "unknown-key" };
  const expected = tokenMac(key, purpose, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad-signature" };
  if (claims.e * 1000 <= now.getTime()) return { ok: false, reason: "expired", claims };
  return { ok: true, claims };
}
