import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { SigningKey, SigningKeys } from "../approvals/approval-token.ts";

/**
 * Sign-in link tokens: `<payload>.<signature>`, both base64url, like the review links' tokens and
 * signed with the same keys (SigningKeys: current, or any previous one during a rotation), under
 * their own purpose ("signin-link"), so a review token can never be used as a sign-in token or the
 * other way round. The payload names the person, the expiry, the key and a random nonce; the nonce is
 * what the single-use claim records (SessionStore.claimSignInLink).
 */
export interface SignInClaims {
  /** The person's email (trimmed, lower-cased). */
  a: string;
  /** Expiry, epoch seconds. */
  e: number;
  /** Key id that signed it. */
  k: string;
  /** Random id of this link: claimed once when it is used. */
  n: string;
}

/** How long a sign-in link may be used. */
export const SIGNIN_LINK_SECONDS = 15 * 60;

export type SignInTokenCheck =
  | { ok: true; claims: SignInClaims }
  | { ok: false; reason: "malformed" | "bad-signature" | "unknown-key" | "expired" };

const PURPOSE = "signin-link";

function mac(key: SigningKey, payload: string): Buffer {
  return createHmac("sha256", key.secret).update(`${PURPOSE}\u0000${payload}`).digest();
}

export function signSignInToken(keys: SigningKeys, claims: { email: string; expiresAt: Date; nonce?: string }): string {
  const body: SignInClaims = {
    a: claims.email.trim().toLowerCase(),
    e: Math.floor(claims.expiresAt.getTime() / 1000),
    k: keys.current.id,
    n: claims.nonce ?? randomBytes(16).toString("base64url"),
  };
  const payload = Buffer.from(JSON.stringify(body)).toString("base64url");
  return `${payload}.${mac(keys.current, payload).toString("base64url")}`;
}

function decodeClaims(payload: string): SignInClaims | undefined {
  try {
    const v = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<SignInClaims>;
    if (typeof v.a !== "string" || typeof v.e !== "number" || typeof v.k !== "string" || typeof v.n !== "string") return undefined;
    if (v.a.length > 254 || !/^[A-Za-z0-9_-]{16,64}$/.test(v.n)) return undefined;
    return { a: v.a, e: v.e, k: v.k, n: v.n };
  } catch {
    return undefined;
  }
}

/** Verifies shape, key, signature (constant time) and expiry. Never throws on bad input. */
export function verifySignInToken(keys: SigningKeys, token: unknown, now: Date): SignInTokenCheck {
  if (typeof token !== "string" || token.length > 1024) return { ok: false, reason: "malformed" };
  const parts = token.split(".");
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) return { ok: false, reason: "malformed" };
  const [payload, signature] = parts as [string, string];
  const claims = decodeClaims(payload);
  if (claims === undefined) return { ok: false, reason: "malformed" };
  const key = [keys.current, ...keys.previous].find((k) => k.id === claims.k);
  if (key === undefined) return { ok: false, reason: "unknown-key" };
  const expected = mac(key, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad-signature" };
  if (claims.e * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}
