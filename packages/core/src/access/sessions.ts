import { createHash, randomBytes } from "node:crypto";
import type { Clock, SessionStore, WorkspaceStore } from "../ports.ts";
import { accessOf, hasAnyRole, type Access } from "../workspace/workspace.ts";

/**
 * Sessions of signed-in people (docs/access.md). The browser holds a random 256-bit id; the store
 * holds only its SHA-256, so a read of the table cannot be replayed as a cookie. A session ends at
 * its idle expiry (extended on use, at most once a minute to bound writes) or its absolute expiry,
 * whichever comes first, or when it is deleted (sign-out, `people remove`). What the person may do
 * is never stored with it: every request recomputes it from the workspace, so a person whose roles
 * were removed is signed out at their next request.
 */
export const SESSION_POLICY = {
  idleSeconds: 8 * 3600,
  absoluteSeconds: 7 * 86_400,
  /** The idle expiry is extended at most this often. */
  touchEverySeconds: 60,
} as const;

export interface SessionDeps {
  sessions: SessionStore;
  workspace: Pick<WorkspaceStore, "load">;
  clock: Clock;
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** The stored key of a session id (SHA-256, hex). */
export function sessionIdHash(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

/** Starts a session for a person: a new random id (the cookie value) and how long the cookie may live. */
export async function startSession(deps: Pick<SessionDeps, "sessions" | "clock">, email: string): Promise<{ id: string; maxAgeSeconds: number }> {
  const now = deps.clock.now();
  const id = randomBytes(32).toString("base64url");
  await deps.sessions.createSession({
    idHash: sessionIdHash(id),
    email: email.trim().toLowerCase(),
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    idleExpiresAt: new Date(now.getTime() + SESSION_POLICY.idleSeconds * 1000).toISOString(),
    absoluteExpiresAt: new Date(now.getTime() + SESSION_POLICY.absoluteSeconds * 1000).toISOString(),
  });
  return { id, maxAgeSeconds: SESSION_POLICY.absoluteSeconds };
}

/**
 * Who a cookie signs in, if anyone. Steps: look the session up by its hash; an expired one (idle or
 * absolute) is deleted and signs in nobody; the person's access is computed from the workspace now,
 * and a person with no role left is signed out (their session deleted); otherwise the idle expiry
 * is extended if the last extension is a minute old.
 */
export async function resumeSession(deps: SessionDeps, id: string | undefined): Promise<Access | undefined> {
  if (id === undefined || !SESSION_ID.test(id)) return undefined;
  const idHash = sessionIdHash(id);
  const session = await deps.sessions.getSession(idHash);
  if (session === undefined) return undefined;
  const now = deps.clock.now();
  const iso = now.toISOString();
  if (session.idleExpiresAt <= iso || session.absoluteExpiresAt <= iso) {
    await deps.sessions.deleteSession(idHash);
    return undefined;
  }
  const access = accessOf(await deps.workspace.load(), session.email);
  if (!hasAnyRole(access)) {
    await deps.sessions.deleteSession(idHash);
    return undefined;
  }
  if (now.getTime() - Date.parse(session.lastSeenAt) >= SESSION_POLICY.touchEverySeconds * 1000) {
    const idle = new Date(Math.min(now.getTime() + SESSION_POLICY.idleSeconds * 1000, Date.parse(session.absoluteExpiresAt))).toISOString();
    await deps.sessions.touchSession(idHash, iso, idle);
  }
  return access;
}

/** Signs a browser out: its session is deleted (an unknown or malformed id is a no-op). */
export async function endSession(deps: Pick<SessionDeps, "sessions">, id: string | undefined): Promise<void> {
  if (id === undefined || !SESSION_ID.test(id)) return;
  await deps.sessions.deleteSession(sessionIdHash(id));
}

/** Signs a person out everywhere (`people remove`, a lost laptop): every session of theirs is deleted. */
export function revokeSessionsOf(deps: Pick<SessionDeps, "sessions">, email: string): Promise<number> {
  return deps.sessions.deleteSessionsOf(email.trim().toLowerCase());
}
