import { listOutbox, readOutboxMessage } from "@pressbridge/adapters";

/**
 * Signs a person in to a running web app over HTTP, as a browser does (docs/access.md): asks for a
 * link at POST /signin, reads the email from the local outbox, and presses "Sign in" (POST
 * /signin/link). Returns the `Cookie` header value of the session.
 */
export async function signInOverHttp(baseUrl: string, email: string, outboxDir: string, timeoutMs = 30_000): Promise<string> {
  const form = { "content-type": "application/x-www-form-urlencoded", origin: baseUrl };
  const asked = await fetch(`${baseUrl}/signin`, { method: "POST", headers: form, body: new URLSearchParams({ email, next: "/queue" }).toString(), redirect: "manual" });
  if (asked.status >= 400) throw new Error(`POST /signin answered ${asked.status}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const entry of await listOutbox(outboxDir, { limit: 1000 })) {
      const message = await readOutboxMessage(outboxDir, entry.file);
      const link = message?.parsed.to.includes(email) ? /\/signin\/link\?token=([A-Za-z0-9._-]+)/.exec(message.parsed.text) : null;
      if (link === null || link === undefined) continue;
      const res = await fetch(`${baseUrl}/signin/link`, { method: "POST", headers: form, body: new URLSearchParams({ token: link[1]!, next: "/queue" }).toString(), redirect: "manual" });
      const cookie = /pb_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "");
      if (cookie === null) throw new Error(`POST /signin/link answered ${res.status} without a session`);
      return cookie[0];
    }
    if (Date.now() > deadline) throw new Error(`no sign-in email to ${email} in ${outboxDir}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
