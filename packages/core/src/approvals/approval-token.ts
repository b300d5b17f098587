import { randomBytes, timingSafeEqual } from "node:crypto";
import { signToken, tokenMac, verifyToken, type SignedTokenCheck, type SigningKey, type SigningKeys } from "./signed-token.ts";

/**
 * Approval link tokens: `<payload>.<signature>`, both base64url. The payload names the plan, the
 * approver, the expiry and the signing key; the signature is HMAC-SHA256 over the payload with that
 * key. Keys rotate: tokens are signed with the current key and verified with the current or any
 * previous key, so links already in inboxes keep working through a rotation. Comparison is constant
 * time. A token proves who may look at and decide on a plan; it never decides by itself (a GET only
 * shows the page).
 */
export type { SigningKey, SigningKeys } from "./signed-token.ts";

export interface ApprovalTokenClaims {
  /** Plan id. */
  p: string;
  /** Approver email. */
  a: string;
  /** Expiry, epoch seconds. */
  e: number;
  /** Key id that signed it. */
  k: string;
  /** Random id of this link, recorded in the audit trail. */
  n: string;
}

export type TokenCheck = SignedTokenCheck<ApprovalTokenClaims>;

const MIN_SECRET_BYTES = 32;

function mac(key: SigningKey, payload: string, purpose: string): Buffer {
  return tokenMac(key, purpose, payload);
}

export function assertUsableKeys(keys: SigningKeys): void {
  for (const key of [keys.current, ...keys.previous]) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(key.id)) throw new Error(`signing key id "${key.id}" must be 1-32 letters, digits, - or _`);
    if (Buffer.byteLength(key.secret) < MIN_SECRET_BYTES) throw new Error(`signing key "${key.id}" must have at least ${MIN_SECRET_BYTES} bytes of secret`);
  }
}

export function signApprovalToken(keys: SigningKeys, claims: { planId: string; approver: string; expiresAt: Date; linkId?: string }): string {
  const body: ApprovalTokenClaims = {
    p: claims.planId,
    a: claims.approver,
    e: Math.floor(claims.expiresAt.getTime() / 1000),
    k: keys.current.id,
    n: claims.linkId ?? randomBytes(9).toString("base64url"),
  };
  return signToken(keys, "approval-link", body);
}

function decodeClaims(v: Record<string, unknown>): ApprovalTokenClaims | undefined {
  if (typeof v.p !== "string" || typeof v.a !== "string" || typeof v.e !== "number" || typeof v.k !== "string" || typeof v.n !== "string") return undefined;
  return v as unknown as ApprovalTokenClaims;
}

/** Verifies signature, key and expiry. Never throws on bad input. */
export function verifyApprovalToken(keys: SigningKeys, token: string, now: Date): TokenCheck {
  return verifyToken(keys, "approval-link", token, now, { maxLength: 2048, decode: decodeClaims });
}

/**
 * The CSRF token of a review page: bound to the link (its random id and plan) with the current key,
 * so a form can only be posted by someone who loaded the page through that link.
 */
export function csrfTokenFor(keys: SigningKeys, claims: ApprovalTokenClaims): string {
  return mac(keys.current, `${claims.p}\u0000${claims.n}\u0000${claims.a}`, "csrf").toString("base64url");
}

export function verifyCsrfToken(keys: SigningKeys, claims: ApprovalTokenClaims, csrf: unknown): boolean {
  if (typeof csrf !== "string" || csrf.length > 200) return false;
  const given = Buffer.from(csrf, "base64url");
  for (const key of [keys.current, ...keys.previous]) {
    const expected = mac(key, `${claims.p}\u0000${claims.n}\u0000${claims.a}`, "csrf");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  }
  return false;
}

/** Human words for a failed check, for the page a person sees. */
export function describeTokenProblem(reason: Exclude<TokenCheck, { ok: true }>["reason"]): string {
  switch (reason) {
    case "expired":
      return "This approval link has expired: the amplification window it was sent for has closed.";
    case "unknown-key":
      return "This approval link was signed with a key that is no longer accepted. Ask for a new link.";
    case "bad-signature":
    case "malformed":
      return "This approval link is not valid. Check that it was copied completely, or ask for a new one.";
  }
}
