import { createHash } from "node:crypto";
import type { SigningKeys } from "../approvals/approval-token.ts";
import { emailDocument, emailHtml, EMAIL_FONT } from "../email/html-template.ts";
import type { Logger } from "../logger.ts";
import type { Clock, Mailer, RateLimitStore, SessionStore, WorkspaceStore } from "../ports.ts";
import { PersonEmail, accessOf, hasAnyRole } from "../workspace/workspace.ts";
import { startSession } from "./sessions.ts";
import { SIGNIN_LINK_SECONDS, signSignInToken, verifySignInToken, type SignInClaims } from "./signin-token.ts";

/**
 * Passwordless sign-in (docs/access.md): a person asks for a link by email; the link is signed,
 * single-use and expires in 15 minutes; opening it (a GET) only shows a "Sign in" button, and the
 * POST of that button claims the link and starts a session. Nothing a person is told depends on
 * whether the address has a role: the same answer either way, and the web app pads every answer to
 * the same minimum time.
 */
export const SIGNIN_LIMITS = {
  windowSeconds: 15 * 60,
  /** Link requests per address per window. */
  perAddress: 5,
  /** Link requests per client IP per window. */
  perIp: 20,
} as const;

export interface SignInDeps {
  workspace: Pick<WorkspaceStore, "load">;
  sessions: SessionStore;
  rateLimits: RateLimitStore;
  mailer: Mailer;
  from: string;
  clock: Clock;
  keys: SigningKeys;
  logger?: Logger;
}

export type SignInRequestResult =
  /** The address is not an address: the form again, with the reason. */
  | { status: "invalid-email"; reason: string }
  /** Too many requests from this address or IP in the window. */
  | { status: "limited"; retryAfterSeconds: number }
  /** Sent if the address has a role; nothing else is said. */
  | { status: "accepted" };

const hashed = (s: string): string => createHash("sha256").update(s).digest("hex").slice(0, 32);

/**
 * Asks for a sign-in link. Steps: validate the address; count the attempt against the IP's and the
 * address's windows (atomic conditional counters; either full is "limited"); if the address has a
 * role in the workspace, sign a link (`<linkBase>?token=...`) and email it. A send that fails is
 * logged and answered like any other request.
 */
export async function requestSignIn(deps: SignInDeps, input: { email: unknown; ip: string; linkBase: string; next?: string }): Promise<SignInRequestResult> {
  const parsed = PersonEmail.safeParse(typeof input.email === "string" ? input.email : "");
  if (!parsed.success) return { status: "invalid-email", reason: "Enter an email address, such as name@example.com." };
  const email = parsed.data;
  const now = deps.clock.now();
  const windowMs = SIGNIN_LIMITS.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const windowStart = new Date(start).toISOString();
  const expiresAt = new Date(start + windowMs + 3_600_000).toISOString();
  const retryAfterSeconds = Math.ceil((start + windowMs - now.getTime()) / 1000);
  if ((await deps.rateLimits.hit(`signin-ip#${hashed(input.ip)}`, windowStart, SIGNIN_LIMITS.perIp, expiresAt)) === "limited") return { status: "limited", retryAfterSeconds };
  if ((await deps.rateLimits.hit(`signin-email#${hashed(email)}`, windowStart, SIGNIN_LIMITS.perAddress, expiresAt)) === "limited") return { status: "limited", retryAfterSeconds };
  const known = hasAnyRole(accessOf(await deps.workspace.load(), email));
  // Signed either way, so both paths do the same work up to the send.
  const token = signSignInToken(deps.keys, { email, expiresAt: new Date(now.getTime() + SIGNIN_LINK_SECONDS * 1000) });
  const next = input.next !== undefined && input.next !== "/queue" ? `&next=${encodeURIComponent(input.next)}` : "";
  const link = `${input.linkBase}?token=${token}${next}`;
  const message = signInEmail(deps.from, email, link);
  if (!known) return { status: "accepted" };
  try {
    await deps.mailer.send(message);
    deps.logger?.info("sign-in link sent", { to: `${hashed(email).slice(0, 8)}…` });
  } catch (err) {
    deps.logger?.error("sign-in link not sent", { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
  return { status: "accepted" };
}

export function signInEmail(from: string, to: string, link: string) {
  const subject = "Your Pressbridge sign-in link";
  const text = [
    "Open this link to sign in to Pressbridge, then press \"Sign in\":",
    "",
    link,
    "",
    `The link works once, for ${SIGNIN_LINK_SECONDS / 60} minutes. If you did not ask for it, ignore this email: nobody can sign in without it.`,
  ].join("\n");
  const html = emailDocument(
    subject,
    emailHtml`<p style="${EMAIL_FONT}">Open this link to sign in to Pressbridge, then press "Sign in":</p>
<p><a href="${link}">Sign in to Pressbridge</a></p>
<p style="color:#555555">The link works once, for ${SIGNIN_LINK_SECONDS / 60} minutes. If you did not ask for it, ignore this email: nobody can sign in without it.</p>`,
  ).toString();
  return { from, to: [to], subject, text, html, tags: { kind: "signin" } };
}

export type SignInLinkView = { kind: "ok"; email: string } | { kind: "unusable"; message: string };

const UNUSABLE = {
  malformed: "This sign-in link is not valid. Check that it was copied completely, or ask for a new one.",
  expired: `This sign-in link has expired (links work for ${SIGNIN_LINK_SECONDS / 60} minutes). Ask for a new one.`,
  used: "This sign-in link was used already. Each link signs in once; ask for a new one.",
} as const;

function check(deps: Pick<SignInDeps, "keys" | "clock">, token: unknown): { ok: true; claims: SignInClaims } | { ok: false; message: string } {
  const v = verifySignInToken(deps.keys, token, deps.clock.now());
  if (v.ok) return v;
  return { ok: false, message: v.reason === "expired" ? UNUSABLE.expired : UNUSABLE.malformed };
}

/** What the link's page shows: the "Sign in" button, or why it cannot be used. Reads only (safe for link scanners). */
export async function openSignInLink(deps: Pick<SignInDeps, "keys" | "clock" | "sessions">, token: unknown): Promise<SignInLinkView> {
  const v = check(deps, token);
  if (!v.ok) return { kind: "unusable", message: v.message };
  if (await deps.sessions.isSignInLinkUsed(v.claims.n)) return { kind: "unusable", message: UNUSABLE.used };
  return { kind: "ok", email: v.claims.a };
}

/**
 * The "Sign in" button. Steps: verify the link; claim its nonce (a conditional write: of two
 * presses, one wins); check the person still has a role; start a session.
 */
export async function completeSignIn(
  deps: Pick<SignInDeps, "keys" | "clock" | "sessions" | "workspace">,
  token: unknown,
): Promise<{ kind: "signed-in"; email: string; session: { id: string; maxAgeSeconds: number } } | { kind: "unusable"; message: string }> {
  const v = check(deps, token);
  if (!v.ok) return { kind: "unusable", message: v.message };
  if ((await deps.sessions.claimSignInLink(v.claims.n, new Date(v.claims.e * 1000 + 3_600_000).toISOString())) === "used") return { kind: "unusable", message: UNUSABLE.used };
  if (!hasAnyRole(accessOf(await deps.workspace.load(), v.claims.a))) return { kind: "unusable", message: "This address has no access to Pressbridge any more. Ask an admin." };
  return { kind: "signed-in", email: v.claims.a, session: await startSession(deps, v.claims.a) };
}
