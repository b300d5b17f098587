import { startSession, type Clock, type EmailMessage, type Mailer, type RateLimitStore, type SessionStore, type StoredSession } from "@pressbridge/core";

/** SessionStore and RateLimitStore in memory, with DynamoSessionStore's conditions, for web tests. */
export class MemorySessionStore implements SessionStore, RateLimitStore {
  readonly sessions = new Map<string, StoredSession>();
  readonly used = new Set<string>();
  readonly counters = new Map<string, number>();

  async createSession(s: StoredSession): Promise<void> {
    if (this.sessions.has(s.idHash)) throw new Error("session exists");
    this.sessions.set(s.idHash, { ...s });
  }
  async getSession(idHash: string): Promise<StoredSession | undefined> {
    const s = this.sessions.get(idHash);
    return s === undefined ? undefined : { ...s };
  }
  async touchSession(idHash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void> {
    const s = this.sessions.get(idHash);
    if (s !== undefined) this.sessions.set(idHash, { ...s, lastSeenAt, idleExpiresAt });
  }
  async deleteSession(idHash: string): Promise<void> {
    this.sessions.delete(idHash);
  }
  async deleteSessionsOf(email: string): Promise<number> {
    let n = 0;
    for (const [k, s] of this.sessions) if (s.email === email && this.sessions.delete(k)) n++;
    return n;
  }
  async claimSignInLink(nonce: string): Promise<"claimed" | "used"> {
    if (this.used.has(nonce)) return "used";
    this.used.add(nonce);
    return "claimed";
  }
  async isSignInLinkUsed(nonce: string): Promise<boolean> {
    return this.used.has(nonce);
  }
  async hit(key: string, windowStart: string, limit: number): Promise<"counted" | "limited"> {
    const k = `${key}#${windowStart}`;
    const n = this.counters.get(k) ?? 0;
    if (n >= limit) return "limited";
    this.counters.set(k, n + 1);
    return "counted";
  }
}

/** A mailer that keeps what it was given. */
export class MemoryMailer implements Mailer {
  readonly sent: EmailMessage[] = [];
  async send(message: EmailMessage): Promise<{ messageId: string }> {
    this.sent.push(message);
    return { messageId: `m${this.sent.length}` };
  }
}

/** The signIn group of WebDeps on memory stores (no minimum answer time unless given). */
export function memorySignIn(options: { minResponseMs?: number } = {}) {
  const store = new MemorySessionStore();
  const mailer = new MemoryMailer();
  return { store, mailer, deps: { sessions: store, rateLimits: store, mailer, from: "pressbridge@example.com", minResponseMs: options.minResponseMs ?? 0 } };
}

/** A session for `email` started directly in the store, as the `Cookie` header a browser would send. */
export async function sessionCookie(sessions: SessionStore, clock: Clock, email: string): Promise<string> {
  const { id } = await startSession({ sessions, clock }, email);
  return `pb_session=${id}`;
}

/** Adds people with grants to a memory workspace (admins and leads live on people; approvers on clients). */
export function addPeople(store: { ws: { people: Array<{ email: string; grants: Array<{ role: "admin" } | { role: "lead" | "approver"; clientId: string }> }> } }, ...people: Array<{ email: string; grants: Array<{ role: "admin" } | { role: "lead" | "approver"; clientId: string }> }>): void {
  store.ws.people = [...store.ws.people, ...people];
}
