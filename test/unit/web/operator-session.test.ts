import { describe, expect, it, vi } from "vitest";

/**
 * The operator token (the admin token of the queue, dashboard and plan pages) is compared in constant
 * time: both sides are hashed to SHA-256 digests of equal length and compared with
 * crypto.timingSafeEqual, whatever the length of what was sent, so neither the length nor a common
 * prefix of the real token can be learnt from response times.
 */
const compared = vi.hoisted(() => [] as Array<[number, number]>);
vi.mock("node:crypto", async (importOriginal) => {
  const crypto = await importOriginal<typeof import("node:crypto")>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean => {
    compared.push([a.byteLength, b.byteLength]);
    return crypto.timingSafeEqual(a, b);
  };
  return { ...crypto, default: { ...crypto, timingSafeEqual }, timingSafeEqual };
});

const { isOperatorToken, isValidSession, newSession } = await import("../../../packages/web/src/operator-session.ts");

const TOKEN = "operator-token-0123456789abcdefghijklmnopqrstuv";

describe("isOperatorToken", () => {
  it("accepts exactly the token", () => {
    expect(isOperatorToken(TOKEN, TOKEN)).toBe(true);
    for (const wrong of [`${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase(), ` ${TOKEN}`, "x".repeat(TOKEN.length), "a"]) {
      expect(isOperatorToken(TOKEN, wrong), wrong).toBe(false);
    }
  });

  it("refuses what is not a non-empty string of at most 1024 characters, without comparing", () => {
    compared.length = 0;
    for (const given of [undefined, null, 42, ["x"], { token: TOKEN }, "", "x".repeat(1025)]) expect(isOperatorToken(TOKEN, given)).toBe(false);
    expect(compared).toEqual([]);
  });

  it("compares equal-length digests with timingSafeEqual, whatever the length of what was sent", () => {
    compared.length = 0;
    const attempts = ["a", TOKEN.slice(0, 10), TOKEN, `${TOKEN}${"y".repeat(500)}`, "z".repeat(1024)];
    for (const given of attempts) isOperatorToken(TOKEN, given);
    expect(compared).toEqual(attempts.map(() => [32, 32]));
  });
});

describe("the operator session cookie", () => {
  const now = new Date("2026-11-24T12:00:00Z");

  it("is valid until it expires, only for the token that made it, and compared in constant time", () => {
    const cookie = newSession(TOKEN, now);
    expect(isValidSession(TOKEN, cookie, now)).toBe(true);
    expect(isValidSession(TOKEN, cookie, new Date(now.getTime() + 13 * 3600_000))).toBe(false);
    expect(isValidSession(`${TOKEN}-rotated`, cookie, now)).toBe(false);
    compared.length = 0;
    const [expires, mac] = cookie.split(".");
    const tampered = `${expires}.${mac!.slice(0, -1)}${mac!.endsWith("A") ? "B" : "A"}`;
    expect(isValidSession(TOKEN, tampered, now)).toBe(false);
    expect(compared).toEqual([[32, 32]]);
  });
});
