import { createTransport } from "nodemailer";
import { MailError, systemClock } from "@pressbridge/core";
import type { Clock, EmailMessage, Mailer } from "@pressbridge/core";
import { checkMessage, newMessageId } from "./mime.ts";

/**
 * Sends mail over SMTP with nodemailer's pooled transport, configured from one URL:
 *
 *   smtp://[user[:password]@]host[:port]    port 587 by default; STARTTLS when the server offers it
 *   smtps://[user[:password]@]host[:port]   port 465 by default; TLS from the first byte
 *
 * User and password are percent-decoded. The password is kept out of every error message and out of
 * `describe()`. Failures become MailError: retryable for connection problems and 4xx replies
 * (and 503, a session-state error that a new connection clears), not retryable for other 5xx
 * replies (550 mailbox unavailable), authentication and configuration errors.
 */

export interface SmtpMailerOptions {
  /** smtp:// or smtps:// URL, optionally with user:password. */
  url: string;
  /** Open connections in the pool (default 3). */
  maxConnections?: number;
  /** Milliseconds; defaults 10 s, 10 s and 30 s. */
  connectionTimeout?: number;
  greetingTimeout?: number;
  socketTimeout?: number;
  clock?: Clock;
}

interface ParsedSmtpUrl {
  host: string;
  port: number;
  secure: boolean;
  user: string | undefined;
  pass: string | undefined;
  /** The URL without the password, for messages. */
  redacted: string;
}

/** Parses an SMTP_URL. Throws MailError (not retryable) naming the problem, never the password. */
export function parseSmtpUrl(url: string): ParsedSmtpUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new MailError("SMTP_URL is not a valid URL (expected smtp://user:password@host:port or smtps://…)", false);
  }
  if (u.protocol !== "smtp:" && u.protocol !== "smtps:") {
    throw new MailError(`SMTP_URL must use smtp:// or smtps://, not ${u.protocol.replace(/[^a-z0-9+.-]/gi, "")}//`, false);
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new MailError("SMTP_URL has no host", false);
  const secure = u.protocol === "smtps:";
  const port = u.port === "" ? (secure ? 465 : 587) : Number(u.port);
  const user = u.username === "" ? undefined : safeDecode(u.username);
  const pass = u.password === "" ? undefined : safeDecode(u.password);
  const redacted = `${u.protocol}//${user === undefined ? "" : `${encodeURIComponent(user)}${pass === undefined ? "" : ":***"}@`}${u.host}`;
  return { host, port, secure, user, pass, redacted };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Error codes nodemailer sets for failures that retrying will not fix. */
const PERMANENT_CODES: ReadonlySet<string> = new Set([
  "EAUTH",
  "ENOAUTH",
  "EOAUTH2",
  "ECONFIG",
  "EENVELOPE",
  "EMAXRECIPIENTS",
  "EREQUIRETLS",
  "EFILEACCESS",
  "EURLACCESS",
]);

interface NodemailerLikeError {
  message?: string;
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}

export class SmtpMailer implements Mailer {
  readonly #transport: ReturnType<typeof createTransport>;
  readonly #url: ParsedSmtpUrl;
  readonly #clock: Clock;
  /** Strings that must never appear in an error message (the password, raw and encoded). */
  readonly #secrets: string[];

  constructor(options: SmtpMailerOptions) {
    this.#url = parseSmtpUrl(options.url);
    this.#clock = options.clock ?? systemClock;
    const pass = this.#url.pass;
    this.#secrets = pass === undefined || pass === "" ? [] : [...new Set([pass, encodeURIComponent(pass), Buffer.from(pass).toString("base64")])];
    const auth = this.#url.user === undefined ? undefined : { user: this.#url.user, pass: pass ?? "" };
    this.#transport = createTransport({
      pool: true,
      maxConnections: options.maxConnections ?? 3,
      maxMessages: 100,
      host: this.#url.host,
      port: this.#url.port,
      secure: this.#url.secure,
      ...(auth === undefined ? {} : { auth }),
      connectionTimeout: options.connectionTimeout ?? 10_000,
      greetingTimeout: options.greetingTimeout ?? 10_000,
      socketTimeout: options.socketTimeout ?? 30_000,
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    });
    // A pooled transport emits "error" on idle connection failures; those are reported per send.
    this.#transport.on("error", () => undefined);
  }

  /** The server this mailer talks to, password redacted. */
  describe(): string {
    return this.#url.redacted;
  }

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const checked = checkMessage(message);
    const messageId = newMessageId(checked.from.address);
    try {
      const info = await this.#transport.sendMail({
        from: checked.from.name === "" ? checked.from.address : { name: checked.from.name, address: checked.from.address },
        to: checked.to,
        subject: checked.subject,
        text: checked.text,
        html: checked.html,
        headers: checked.headers,
        messageId,
        date: this.#clock.now(),
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return { messageId: typeof info.messageId === "string" && info.messageId !== "" ? info.messageId : messageId };
    } catch (err) {
      throw this.#toMailError(err);
    }
  }

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    this.#transport.close();
  }

  #toMailError(err: unknown): MailError {
    const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as NodemailerLikeError;
    const code = typeof e.code === "string" ? e.code : undefined;
    const responseCode = typeof e.responseCode === "number" ? e.responseCode : undefined;
    let retryable: boolean;
    if (responseCode !== undefined && responseCode >= 400 && responseCode < 600) {
      retryable = responseCode < 500 || responseCode === 503;
    } else {
      retryable = code === undefined || !PERMANENT_CODES.has(code);
    }
    const details = [code, responseCode === undefined ? undefined : String(responseCode), e.command === undefined ? undefined : `during ${e.command}`]
      .filter((x) => x !== undefined)
      .join(" ");
    const text = `SMTP send via ${this.#url.redacted} failed${details === "" ? "" : ` (${details})`}: ${this.#redact(String(e.message ?? "unknown error"))}`;
    // No `cause`: the transport's error objects are not ours to vouch for; everything useful is above.
    return new MailError(text, retryable);
  }

  #redact(text: string): string {
    let out = text.slice(0, 1000);
    for (const secret of this.#secrets) if (secret.length > 0) out = out.split(secret).join("***");
    return out;
  }
}
