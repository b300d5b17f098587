import MailComposer from "nodemailer/lib/mail-composer";
import type { CheckedMessage } from "./mime.ts";

// Kept apart from mime.ts so that the SES mailer, which lets SES build the MIME, does not pull
// nodemailer into the Lambda bundles.
/**
 * The full RFC 5322 message (CRLF line ends): multipart/alternative with a text/plain and a
 * text/html part, UTF-8, non-ASCII headers as encoded words. File and URL access are disabled so
 * message content can never make nodemailer read a file or fetch a URL.
 */
export async function buildMime(message: CheckedMessage, options: { messageId: string; date: Date }): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.from.name === "" ? message.from.address : { name: message.from.name, address: message.from.address },
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    messageId: options.messageId,
    date: options.date,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}
