import { ValidationError } from "@pressbridge/core";
import type { Mailer } from "@pressbridge/core";
import { OutboxMailer } from "./outbox-mailer.ts";
import { SesMailer } from "./ses-mailer.ts";
import { SmtpMailer } from "./smtp-mailer.ts";

/** The environment variables the mail transport reads. Pass `process.env` as is. */
export interface MailEnv {
  /** "ses" | "smtp" | "outbox"; see createMailerFromEnv. */
  MAIL_TRANSPORT?: string | undefined;
  /** smtp://user:password@host:port or smtps://…; see SmtpMailer. */
  SMTP_URL?: string | undefined;
  /** Sender address; defaults.from when unset. */
  MAIL_FROM?: string | undefined;
  /** Outbox directory; defaults.outboxDir when unset. */
  OUTBOX_DIR?: string | undefined;
  /** SES configuration set for event publishing (optional). */
  SES_CONFIGURATION_SET?: string | undefined;
  /** SES endpoint override (tests, LocalStack). */
  SES_ENDPOINT?: string | undefined;
  AWS_REGION?: string | undefined;
}

export type MailTransport = "ses" | "smtp" | "outbox";

export interface ConfiguredMailer {
  transport: MailTransport;
  mailer: Mailer;
  /** The sender address to render messages with. */
  from: string;
  /** Where mail goes, for start-up logs; never contains a password. */
  description: string;
  /** Releases connections (the SMTP pool); a no-op for the others. */
  close(): Promise<void>;
}

/**
 * Picks the mail transport:
 * 1. MAIL_TRANSPORT=ses: Amazon SES v2 (in AWS; credentials and region from the SDK's chain, the
 *    Lambda role), optional SES_CONFIGURATION_SET;
 * 2. MAIL_TRANSPORT=smtp, or MAIL_TRANSPORT unset and SMTP_URL set: SMTP to SMTP_URL (required then);
 * 3. otherwise (MAIL_TRANSPORT=outbox, or nothing configured): the outbox directory, so a local run
 *    never emails anyone by accident and every message can be read at /outbox.
 * An explicit MAIL_TRANSPORT wins over SMTP_URL; an unknown value is an error rather than a silent
 * fallback.
 */
export function createMailerFromEnv(env: MailEnv, defaults: { outboxDir: string; from: string }): ConfiguredMailer {
  const from = nonEmpty(env.MAIL_FROM) ?? defaults.from;
  const requested = nonEmpty(env.MAIL_TRANSPORT)?.toLowerCase();
  if (requested !== undefined && requested !== "ses" && requested !== "smtp" && requested !== "outbox") {
    throw new ValidationError("MAIL_TRANSPORT", `must be "ses", "smtp" or "outbox", not ${JSON.stringify(requested.slice(0, 40))}`);
  }
  const smtpUrl = nonEmpty(env.SMTP_URL);
  const transport: MailTransport = requested ?? (smtpUrl !== undefined ? "smtp" : "outbox");

  if (transport === "ses") {
    const endpoint = nonEmpty(env.SES_ENDPOINT);
    const region = nonEmpty(env.AWS_REGION);
    const configurationSetName = nonEmpty(env.SES_CONFIGURATION_SET);
    const mailer = new SesMailer({
      clientOptions: { ...(endpoint === undefined ? {} : { endpoint }), ...(region === undefined ? {} : { region }) },
      ...(configurationSetName === undefined ? {} : { configurationSetName }),
    });
    return {
      transport,
      mailer,
      from,
      description: `Amazon SES${region === undefined ? "" : ` (${region})`}${configurationSetName === undefined ? "" : `, configuration set ${configurationSetName}`}`,
      close: async () => undefined,
    };
  }
  if (transport === "smtp") {
    if (smtpUrl === undefined) throw new ValidationError("SMTP_URL", "is required when MAIL_TRANSPORT=smtp");
    const mailer = new SmtpMailer({ url: smtpUrl });
    return { transport, mailer, from, description: `SMTP ${mailer.describe()}`, close: () => mailer.close() };
  }
  const dir = nonEmpty(env.OUTBOX_DIR) ?? defaults.outboxDir;
  const mailer = new OutboxMailer({ dir });
  return { transport, mailer, from, description: `outbox ${mailer.dir} (nothing is sent)`, close: async () => undefined };
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === "" ? undefined : v;
}
