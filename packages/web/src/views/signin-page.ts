import { html } from "hono/html";
import { layout } from "./layout.ts";

export interface SignInPageModel {
  /** Where to go after signing in (a local path, already checked). */
  next: string;
  /** Why the page is shown: asked for, a page that needs sign-in, just signed out, or a form error. */
  reason: "signin" | "needed" | "signed-out" | "invalid-email" | "limited";
  /** What was typed, kept on an error. */
  email?: string;
  /** The error shown next to the field. */
  error?: string;
  /** Local mode: sign-in links arrive in the outbox. */
  localOutbox?: boolean;
}

/**
 * The email sign-in form. Asking for a link always answers with the same page (signInSentPage),
 * whether or not the address has access; only a malformed address or too many requests are said.
 */
export function signInPage(m: SignInPageModel) {
  const invalid = m.reason === "invalid-email" || m.reason === "limited";
  const body = html`<div class="card">
<h1>Sign in</h1>
${m.reason === "needed" ? html`<p role="alert">This page needs you to sign in.</p>` : ""}
${m.reason === "signed-out" ? html`<p class="card notice" role="status">You are signed out.</p>` : ""}
<p class="muted">Enter your work email address: we email you a link that signs you in. No password.</p>
<form method="post" action="/signin" novalidate>
<p><label for="email">Email address</label><br>
<input type="email" id="email" name="email" autocomplete="email" inputmode="email" required value="${m.email ?? ""}"${invalid ? html` aria-invalid="true" aria-describedby="email-error"` : ""}></p>
${invalid ? html`<p class="card error" role="alert" id="email-error">${m.error ?? ""}</p>` : ""}
<input type="hidden" name="next" value="${m.next}">
<p><button type="submit" class="approve">Email me a sign-in link</button></p>
</form>
${m.localOutbox === true ? html`<p class="muted">Running locally: the email arrives in the <a href="/outbox">outbox</a> (open it with the mailbox link <code>pressbridge start</code> printed).</p>` : ""}
</div>`;
  return layout("Sign in", body, { nav: false });
}

/** The answer to every accepted request: the same words whether or not the address has access. */
export function signInSentPage(m: { email: string; localOutbox?: boolean }) {
  const body = html`<div class="card notice" role="status">
<h1>Check your email</h1>
<p>If <strong>${m.email}</strong> has access to Pressbridge, a sign-in link is on its way. It works once, for 15 minutes.</p>
<p class="muted">Nothing arrived? Check the address and your spam folder, then <a href="/signin">ask again</a>.</p>
${m.localOutbox === true ? html`<p class="muted">Running locally: look in the <a href="/outbox">outbox</a>.</p>` : ""}
</div>`;
  return layout("Check your email", body, { nav: false });
}

/** The link's page: showing it signs nobody in (link scanners GET every link); the button does. */
export function signInLinkPage(m: { token: string; next: string; email: string }) {
  const body = html`<div class="card">
<h1>Sign in</h1>
<p>Sign in to Pressbridge as <strong>${m.email}</strong>.</p>
<form method="post" action="/signin/link">
<input type="hidden" name="token" value="${m.token}">
<input type="hidden" name="next" value="${m.next}">
<p><button type="submit" class="approve">Sign in</button></p>
</form>
</div>`;
  return layout("Sign in", body, { nav: false });
}

/** GET /signout: a button (a POST from this site) signs out. */
export function signOutPage(m: { email: string | undefined }) {
  const body = html`<div class="card">
<h1>Sign out</h1>
${m.email === undefined ? html`<p>You are not signed in.</p>` : html`<p>Signed in as <strong>${m.email}</strong>.</p>`}
<form method="post" action="/signout"><p><button type="submit">Sign out</button></p></form>
</div>`;
  return layout("Sign out", body, { nav: false });
}
