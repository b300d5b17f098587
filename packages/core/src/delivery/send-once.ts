import { MailError, ValidationError } from "../errors.ts";
import { silentLogger, type Logger } from "../logger.ts";
import type { Clock, EmailClaimKey, EmailLedger, EmailMessage, Mailer } from "../ports.ts";
import { redactCredentialShapes } from "../publishing/credential-redaction.ts";
import { retryStateWrite } from "../retry-state-write.ts";

export interface SendOnceDeps {
  emails: EmailLedger;
  mailer: Mailer;
  clock: Clock;
  logger?: Logger;
  /** Delays between retries of a failed claim or record write (tests shorten them). */
  stateWriteRetryMs?: readonly number[];
}

export type SendOnceOutcome =
  | { status: "sent"; messageId: string }
  | { status: "skipped"; why: "already-sent" | "in-progress" | "failed-permanently" }
  | { status: "failed"; error: string; retryable: boolean };

/** How long a claimed email may stay "sending" before another delivery may send it. */
export const EMAIL_LEASE_SECONDS = 300;

/**
 * Sends one email once, whatever the number of deliveries, runs or racing workers: every email
 * Pressbridge sends goes through here.
 *
 * 1. Claim `key` with a conditional write (retried for a while when the store fails; a claim whose
 *    answer was lost is recognised as this call's own by its claim time).
 * 2. Render the message (only now: a claim lost to another sender costs no rendering) and send it.
 * 3. Record it sent (retried). If the send failed, give the claim back: for good when the message
 *    can never be built or the server refused it permanently, else for the next delivery.
 *
 * Only when recording "sent" fails for longer than the retries does the claim lapse after its lease
 * and a later delivery send again: at least once, never silently not at all.
 */
export async function sendOnce(deps: SendOnceDeps, key: EmailClaimKey, render: () => EmailMessage | Promise<EmailMessage>): Promise<SendOnceOutcome> {
  const logger = deps.logger ?? silentLogger;
  const persist = <T>(write: (attempt: number) => Promise<T>): Promise<T> =>
    retryStateWrite(write, deps.stateWriteRetryMs === undefined ? {} : { delaysMs: deps.stateWriteRetryMs });
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const leaseUntil = new Date(now.getTime() + EMAIL_LEASE_SECONDS * 1000).toISOString();
  const claim = await persist(async (attempt) => {
    const c = await deps.emails.claimEmail(key, nowIso, leaseUntil);
    if (c === "in-progress" && attempt > 0) {
      const record = await deps.emails.emailRecord(key);
      if (record?.status === "sending" && record.at === nowIso) return "claimed";
    }
    return c;
  });
  if (claim !== "claimed") return { status: "skipped", why: claim === "sent" ? "already-sent" : claim === "failed" ? "failed-permanently" : "in-progress" };

  let messageId: string;
  try {
    messageId = (await deps.mailer.send(await render())).messageId;
  } catch (err) {
    // A message that cannot be built (bad address, bad link) fails the same way every time.
    const retryable = err instanceof MailError ? err.retryable : !(err instanceof ValidationError);
    const error = redactCredentialShapes(err instanceof Error ? err.message : String(err));
    try {
      await persist(() => deps.emails.releaseEmail(key, error, !retryable));
    } catch (releaseErr) {
      logger.error("could not give an email claim back; it lapses after its lease", { scope: key.scope, kind: key.kind, error: String(releaseErr) });
    }
    return { status: "failed", error, retryable };
  }
  try {
    await persist(() => deps.emails.markEmailSent(key, messageId, deps.clock.now().toISOString()));
    return { status: "sent", messageId };
  } catch (err) {
    const error = `sent, but recording it failed: ${err instanceof Error ? err.message : String(err)}`;
    logger.error("email sent but not recorded; it may be sent again once its claim lapses", { scope: key.scope, kind: key.kind, error });
    return { status: "failed", error, retryable: true };
  }
}
