import { randomBytes } from "node:crypto";
import { signToken, verifyToken, type SignedTokenCheck, type SigningKeys } from "../approvals/signed-token.ts";

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

export type SignInTokenCheck = SignedTokenCheck<SignInClaims>;

const PURPOSE = "signin-link";

export function signSignInToken(keys: SigningKeys, claims: { email: string; expiresAt: Date; nonce?: string }): string {
  const body: SignInClaims = {
    a: claims.email.trim().toLowerCase(),
    e: Math.floor(claims.expiresAt.getTime() / 1000),
    k: keys.current.id,
    n: claims.nonce ?? randomBytes(16).toString("base64url"),
  };
  return signToken(keys, PURPOSE, body);
}

function decodeClaims(v: Record<string, unknown>): SignInClaims | undefined {
  if (typeof v.a !== "string" || typeof v.e !== "number" || typeof v.k !== "string" || typeof v.n !== "string") return undefined;
  if (v.a.length > 254 || !/^[A-Za-z0-9_-]{16,64}$/.test(v.n)) return undefined;
  return { a: v.a, e: v.e, k: v.k, n: v.n };
}

/** Verifies shape, key, signature (constant time) and expiry. Never throws on bad input. */
export function verifySignInToken(keys: SigningKeys, token: unknown, now: Date): SignInTokenCheck {
  return verifyToken(keys, PURPOSE, token, now, { maxLength: 1024, decode: decodeClaims });
}
