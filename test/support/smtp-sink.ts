import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { SMTPServerSession } from "smtp-server";

/**
 * A real SMTP server on 127.0.0.1 (free port) that keeps every message it accepts. Plain text only
 * (STARTTLS disabled), authentication optional unless `requireAuth` is set, and scriptable: reject
 * RCPT TO with a permanent (550) or temporary (451) reply.
 */

export interface ReceivedMessage {
  raw: Buffer;
  mailFrom: string | undefined;
  rcptTo: string[];
  /** The authenticated user name, when the client logged in. */
  user: string | undefined;
}

export interface SmtpSink {
  readonly port: number;
  readonly messages: readonly ReceivedMessage[];
  /** smtp://127.0.0.1:<port>, with user and password (percent-encoded) when given. */
  url(auth?: { user: string; pass: string }): string;
  /** From now on, answer RCPT TO with this reply (null: accept again). */
  rejectRcpt(code: 550 | 451 | null): void;
  /**
   * Only these credentials log in; anything else gets 535. null: no login needed, any accepted.
   * `echoPassword` makes the 535 reply quote the password it got, like a careless server would.
   */
  requireAuth(credentials: { user: string; pass: string } | null, options?: { echoPassword?: boolean }): void;
  /** Resolves once `count` messages arrived (or rejects after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<readonly ReceivedMessage[]>;
  reset(): void;
  close(): Promise<void>;
}

/** Listens on a free port, or on `port` (to bring a server back where it was). */
export async function startSmtpSink(options: { port?: number } = {}): Promise<SmtpSink> {
  const messages: ReceivedMessage[] = [];
  let reject: 550 | 451 | null = null;
  let credentials: { user: string; pass: string } | null = null;
  let echoPassword = false;
  const waiters: Array<() => void> = [];

  const server = new SMTPServer({
    name: "smtp-sink.test",
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    size: 10 * 1024 * 1024,
    closeTimeout: 2_000,
    onAuth(auth, _session, callback) {
      if (credentials === null || (auth.username === credentials.user && auth.password === credentials.pass)) {
        callback(null, { user: auth.username ?? "anonymous" });
        return;
      }
      const text = echoPassword ? `Authentication credentials invalid: ${auth.username ?? ""} / ${auth.password ?? ""}` : "Authentication credentials invalid";
      const err = Object.assign(new Error(text), { responseCode: 535 });
      callback(err);
    },
    onMailFrom(_address, session: SMTPServerSession, callback) {
      if (credentials !== null && session.user === undefined) {
        callback(Object.assign(new Error("Authentication required"), { responseCode: 530 }));
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (reject === 550) {
        callback(Object.assign(new Error(`Mailbox unavailable: ${address.address}`), { responseCode: 550 }));
      } else if (reject === 451) {
        callback(Object.assign(new Error("Temporary local problem, try again later"), { responseCode: 451 }));
      } else {
        callback();
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (err) => callback(err));
      stream.on("end", () => {
        const mailFrom = session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address;
        messages.push({
          raw: Buffer.concat(chunks),
          mailFrom,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === "string" ? session.user : undefined,
        });
        for (const wake of waiters.splice(0)) wake();
        callback(null, "Queued");
      });
    },
  });
  server.on("error", () => undefined);

  await new Promise<void>((resolve, rejectListen) => {
    server.server.once("error", rejectListen);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    messages,
    url(auth) {
      return auth === undefined
        ? `smtp://127.0.0.1:${port}`
        : `smtp://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@127.0.0.1:${port}`;
    },
    rejectRcpt(code) {
      reject = code;
    },
    requireAuth(c, options) {
      credentials = c;
      echoPassword = options?.echoPassword ?? false;
    },
    async waitForMessages(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`smtp-sink: expected ${count} message(s), got ${messages.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages;
    },
    reset() {
      messages.length = 0;
      reject = null;
      credentials = null;
      echoPassword = false;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
