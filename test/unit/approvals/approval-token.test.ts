import { describe, expect, it } from "vitest";
import { assertUsableKeys, csrfTokenFor, signApprovalToken, verifyApprovalToken, verifyCsrfToken, type SigningKeys } from "@pressbridge/core";

const keys: SigningKeys = { current: { id: "k2", secret: "a".repeat(32) }, previous: [{ id: "k1", secret: "b".repeat(32) }] };
const now = new Date("2026-11-21T12:00:00Z");
const expiresAt = new Date("2026-11-24T12:00:00Z");

describe("approval tokens", () => {
  it("round-trips the plan, approver, expiry and key", () => {
    const token = signApprovalToken(keys, { planId: "p_1", approver: "a@x.example", expiresAt, linkId: "L1" });
    expect(verifyApprovalToken(keys, token, now)).toEqual({ ok: true, claims: { p: "p_1", a: "a@x.example", e: expiresAt.getTime() / 1000, k: "k2", n: "L1" } });
  });

  it("rejects any change to the payload or the signature", () => {
    const token = signApprovalToken(keys, { planId: "p_1", approver: "a@x.example", expiresAt });
    const [payload, sig] = token.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    for (const change of [{ p: "p_2" }, { a: "b@x.example" }, { e: claims.e + 86400 }]) {
      const forged = Buffer.from(JSON.stringify({ ...claims, ...change })).toString("base64url");
      expect(verifyApprovalToken(keys, `${forged}.${sig}`, now)).toMatchObject({ ok: false, reason: "bad-signature" });
    }
    const flipped = sig.slice(0, 5) + (sig[5] === "A" ? "B" : "A") + sig.slice(6);
    expect(verifyApprovalToken(keys, `${payload}.${flipped}`, now)).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(verifyApprovalToken(keys, `${payload}.${sig}x`, now)).toMatchObject({ ok: false });
    for (const junk of ["", "abc", "a.b.c", `${payload}`, "!!!.???", "x".repeat(5000)]) {
      expect(verifyApprovalToken(keys, junk, now).ok).toBe(false);
    }
  });

  it("expires at the given time", () => {
    const token = signApprovalToken(keys, { planId: "p_1", approver: "a@x.example", expiresAt });
    expect(verifyApprovalToken(keys, token, new Date(expiresAt.getTime() - 1000)).ok).toBe(true);
    expect(verifyApprovalToken(keys, token, expiresAt)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("verifies with previous keys after a rotation, and refuses retired keys", () => {
    const old = signApprovalToken({ current: keys.previous[0]!, previous: [] }, { planId: "p_1", approver: "a@x.example", expiresAt });
    expect(verifyApprovalToken(keys, old, now).ok).toBe(true);
    expect(verifyApprovalToken({ current: keys.current, previous: [] }, old, now)).toMatchObject({ ok: false, reason: "unknown-key" });
    // A key id that exists but another secret is a forgery, not a rotation.
    const imposter = signApprovalToken({ current: { id: "k1", secret: "c".repeat(32) }, previous: [] }, { planId: "p_1", approver: "a@x.example", expiresAt });
    expect(verifyApprovalToken(keys, imposter, now)).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  it("binds CSRF tokens to the link and survives a key rotation", () => {
    const claims = { p: "p_1", a: "a@x.example", e: 0, k: "k2", n: "L1" };
    const csrf = csrfTokenFor(keys, claims);
    expect(verifyCsrfToken(keys, claims, csrf)).toBe(true);
    expect(verifyCsrfToken(keys, { ...claims, n: "L2" }, csrf)).toBe(false);
    expect(verifyCsrfToken(keys, { ...claims, a: "b@x.example" }, csrf)).toBe(false);
    expect(verifyCsrfToken(keys, claims, undefined)).toBe(false);
    const rotated: SigningKeys = { current: { id: "k3", secret: "d".repeat(32) }, previous: [keys.current] };
    expect(verifyCsrfToken(rotated, claims, csrf)).toBe(true);
  });

  it("refuses weak keys", () => {
    expect(() => assertUsableKeys({ current: { id: "k", secret: "short" }, previous: [] })).toThrow(/32 bytes/);
    expect(() => assertUsableKeys({ current: { id: "bad id!", secret: "x".repeat(40) }, previous: [] })).toThrow(/key id/);
  });
});
