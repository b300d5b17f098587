import { createHmac, timingSafeEqual } from "node:crypto";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import {
  completeSignIn,
  endSession,
  openSignInLink,
  requestSignIn,
  resumeSession,
  type Clock,
  type Logger,
  type Mailer,
  type RateLimitStore,
  type SessionStore,
  type SigningKeys,
  type WorkspaceStore,
} from "@pressbridge/core";
import type { AppEnv } from "./app-env.ts";
import { safeNext } from "./safe-next.ts";
import type { SiteAddress } from "./site-guard.ts";
import { messagePage } from "./views/review-page.ts";
import { signInLinkPage, signInPage, signInSentPage, signOutPage } from "./views/signin-page.ts";

/** The session cookie: a random id, HttpOnly, SameSite=Lax, Secure over https (docs/access.md). */
export const SESSION_COOKIE = "pb_session";
/** The local outbox's cookie, set by the mailbox link `pressbridge start` prints. */
export const MAILBOX_COOKIE = "pb_mailbox";

export interface SignInWebDeps {
  sessions: SessionStore;
  rateLimits: RateLimitStore;
  mailer: Mailer;
  /** The sender of sign-in emails. */
  from: string;
  /**
   * Every answer to a link request takes at least this long (default 800 ms), so a person with
   * access (an email is sent) and an address without (nothing is sent) are answered alike.
   */
  minResponseMs?: number;
}

interface Wiring {
  signIn: SignInWebDeps;
  workspace: WorkspaceStore;
  clock: Clock;
  keys: () => SigningKeys;
  site: (c: Context) => SiteAddress | undefined;
  logger: Logger | undefined;
  /** Local mode: the outbox's key (the mailbox link), which also tells the pages links arrive there. */
  mailboxKey: string | undefined;
}

const DEFAULT_MIN_RESPONSE_MS = 800;

/** The client's address: the Function URL's source IP, or the socket's peer locally (never a header a client sets). */
export function clientIp(c: Context): string {
  const env = c.env as { requestContext?: { http?: { sourceIp?: unknown } }; incoming?: { socket?: { remoteAddress?: unknown } } } | undefined;
  const ip = env?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress;
  return typeof ip === "string" && ip.length > 0 && ip.length <= 64 ? ip : "unknown";
}

function mailboxMac(key: string): string {
  return createHmac("sha256", key).update("pressbridge mailbox").digest("base64url");
}

function sameText(a: string, b: unknown): boolean {
  if (typeof b !== "string" || b.length > 200) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Sign-in, sign-out, the middleware every signed-in page runs behind, and the outbox's own access.
 * Returns the middlewares: `requireSignedIn` (sets `c.var.access`, else the sign-in page, 401) and
 * `requireOutbox` (the mailbox link's cookie or an admin).
 */
export function registerSignIn(app: Hono<AppEnv>, w: Wiring): { requireSignedIn: MiddlewareHandler<AppEnv>; requireOutbox: MiddlewareHandler<AppEnv> } {
  const sessionDeps = () => ({ sessions: w.signIn.sessions, workspace: w.workspace, clock: w.clock });
  const linkDeps = () => ({ ...sessionDeps(), keys: w.keys() });
  const signInDeps = () => ({ ...linkDeps(), rateLimits: w.signIn.rateLimits, mailer: w.signIn.mailer, from: w.signIn.from, ...(w.logger === undefined ? {} : { logger: w.logger }) });
  const localOutbox = w.mailboxKey !== undefined;

  const signedInAs = async (c: Context) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie === undefined) return undefined;
    const access = await resumeSession(sessionDeps(), cookie);
    if (access === undefined) deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return access;
  };

  const needSignIn = (c: Context) => {
    const url = new URL(c.req.url);
    const back = c.req.method === "GET" ? safeNext(`${url.pathname}${url.search}`) : "/queue";
    return c.html(signInPage({ next: back, reason: "needed", localOutbox }), 401);
  };

  const requireSignedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
    const access = await signedInAs(c);
    if (access === undefined) return needSignIn(c);
    c.set("access", access);
    await next();
  };

  const requireOutbox: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (w.mailboxKey === undefined) return c.html(messagePage("No outbox", "Email is sent through a mail server in this deployment."), 404);
    const key = c.req.query("key");
    if (key !== undefined) {
      if (!sameText(w.mailboxKey, key)) return c.html(messagePage("Wrong mailbox link", "This is not the outbox link `pressbridge start` printed."), 403);
      setCookie(c, MAILBOX_COOKIE, mailboxMac(w.mailboxKey), { path: "/outbox", httpOnly: true, sameSite: "Lax", secure: w.site(c)?.secure === true });
      return c.redirect("/outbox", 303);
    }
    if (sameText(mailboxMac(w.mailboxKey), getCookie(c, MAILBOX_COOKIE))) {
      // The mailbox key opens the outbox; who is signed in as well (if anyone) only shapes the header.
      const access = await signedInAs(c);
      if (access !== undefined) c.set("access", access);
      return next();
    }
    const access = await signedInAs(c);
    if (access === undefined) return needSignIn(c);
    if (!access.isAdmin) return c.html(messagePage("Not allowed", "The outbox holds every email (sign-in links too): only an admin sees it."), 403);
    c.set("access", access);
    await next();
  };

  app.get("/signin", (c) => c.html(signInPage({ next: safeNext(c.req.query("next")), reason: c.req.query("signedout") === "1" ? "signed-out" : "signin", localOutbox })));

  /** Asks for a link: the same page, after the same minimum time, whether or not the address has access. */
  app.post("/signin", async (c) => {
    const started = Date.now();
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    const typed = typeof form.email === "string" ? form.email.slice(0, 320) : "";
    const origin = w.site(c)?.origin;
    const result =
      origin === undefined
        ? ({ status: "invalid-email", reason: "This site's address is not known." } as const)
        : await requestSignIn(signInDeps(), { email: typed, ip: clientIp(c), linkBase: `${origin}/signin/link`, next });
    const wait = (w.signIn.minResponseMs ?? DEFAULT_MIN_RESPONSE_MS) - (Date.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    switch (result.status) {
      case "invalid-email":
        return c.html(signInPage({ next, reason: "invalid-email", email: typed, error: result.reason, localOutbox }), 422);
      case "limited":
        c.header("Retry-After", String(result.retryAfterSeconds));
        return c.html(
          signInPage({ next, reason: "limited", email: typed, error: `Too many sign-in requests. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes.`, localOutbox }),
          429,
        );
      case "accepted":
        return c.html(signInSentPage({ email: typed.trim(), localOutbox }));
    }
  });

  /** The emailed link: shows the "Sign in" button and changes nothing (link scanners GET it). */
  app.get("/signin/link", async (c) => {
    const token = c.req.query("token");
    const view = await openSignInLink(linkDeps(), token);
    if (view.kind === "unusable") return c.html(messagePage("Link not usable", view.message), 410);
    return c.html(signInLinkPage({ token: token!, next: safeNext(c.req.query("next")), email: view.email }));
  });

  /** The button: claims the link once and starts a session (a new id; any session this browser had ends). */
  app.post("/signin/link", async (c) => {
    const form = await c.req.parseBody();
    const result = await completeSignIn(linkDeps(), form.token);
    if (result.kind === "unusable") return c.html(messagePage("Link not usable", result.message), 410);
    await endSession(sessionDeps(), getCookie(c, SESSION_COOKIE));
    setCookie(c, SESSION_COOKIE, result.session.id, {
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      secure: w.site(c)?.secure === true,
      maxAge: result.session.maxAgeSeconds,
    });
    return c.redirect(safeNext(form.next), 303);
  });

  app.get("/signout", async (c) => c.html(signOutPage({ email: (await signedInAs(c))?.email })));

  /** Signs out: the session is deleted (CSRF: requireOwnOrigin checks every POST's origin). */
  app.post("/signout", async (c) => {
    await endSession(sessionDeps(), getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: w.site(c)?.secure === true });
    return c.redirect("/signin?signedout=1", 303);
  });

  return { requireSignedIn, requireOutbox };
}
