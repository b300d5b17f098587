import { html } from "hono/html";
import { layout } from "./layout.ts";

export interface SignInPageModel {
  /** Where to go after signing in (a local path, already checked). */
  next: string;
  /** The token from the printed sign-in link, filled in so one click signs in. */
  token?: string;
  /** Why the page is shown: the sign-in link, a protected page, or a wrong token. */
  reason: "signin" | "needed" | "wrong-token";
}

/**
 * The operator's sign-in page. Showing it changes nothing (a GET); the button POSTs the token, and
 * only that sets the session cookie.
 */
export function signInPage(m: SignInPageModel) {
  const body = html`<div class="card">
<h1>Sign in</h1>
${m.reason === "needed" ? html`<p role="alert">This page needs the operator's sign-in.</p>` : ""}
${m.reason === "wrong-token" ? html`<p class="card error" role="alert" id="signin-error">That is not the operator token. Nothing was changed.</p>` : ""}
<p class="muted">The approval queue, the dashboard, the outbox and the plan pages need the operator token. Locally, <code>pressbridge start</code> prints a sign-in link and keeps the token in <code>&lt;data-dir&gt;/operator-token</code>; in AWS it is the admin-token secret.</p>
<form method="post" action="/signin">
<p><label for="token">Operator token</label><br>
<input type="password" id="token" name="token" autocomplete="current-password" required value="${m.token ?? ""}"></p>
<input type="hidden" name="next" value="${m.next}">
<p><button type="submit" class="approve">Sign in</button></p>
</form>
${
  m.reason === "needed"
    ? html`<p class="muted">Signed in already? A link opened from an email or another app arrives without your session; from here it does: <a href="${m.next}">continue to ${m.next}</a>.</p>`
    : ""
}
</div>`;
  return layout("Sign in", body, { nav: false });
}
