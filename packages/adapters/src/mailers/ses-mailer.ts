import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { MessageHeader, MessageTag, SESv2ClientConfig, SendEmailCommandInput } from "@aws-sdk/client-sesv2";
import { MailError } from "@pressbridge/core";
import type { EmailMessage, Mailer } from "@pressbridge/core";
import { checkMessage } from "./mime.ts";

/**
 * Sends mail with Amazon SES v2 SendEmail (platform-apis.md section 5), `Content.Simple`: SES builds
 * the MIME from Subject, Body.Text, Body.Html and our custom Headers; `tags` become EmailTags (values
 * reduced to the characters SES accepts) for event publishing.
 *
 * SendEmail has no idempotency token, so a retry can double-send: MailError.retryable is true only
 * where the request was throttled or failed on AWS's side or on the network, and false for every
 * rejection of the message, the sender or the account.
 */

/** Errors that will repeat however often the same message is sent. */
const NOT_RETRYABLE: ReadonlySet<string> = new Set([
  "MessageRejected",
  "MailFromDomainNotVerifiedException",
  "AccountSuspendedException",
  "SendingPausedException",
  "BadRequestException",
  "NotFoundException",
  "CredentialsProviderError",
]);

/** Errors worth another attempt later (with backoff). */
const RETRYABLE: ReadonlySet<string> = new Set([
  "TooManyRequestsException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "InternalFailure",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);

export interface SesClientOptions {
  /** Overrides the service endpoint (a loopback test server, LocalStack). */
  endpoint?: string;
  /** Defaults to the SDK's resolution (AWS_REGION in Lambda). */
  region?: string;
  /** Defaults to the SDK's provider chain (the execution role in Lambda). */
  credentials?: SESv2ClientConfig["credentials"];
  /** SDK attempts per send, first included (default 3: the SDK retries throttling and 5xx itself). */
  maxAttempts?: number;
}

/** An SES v2 client with bounded timeouts and keep-alive, meant to be created once and reused. */
export function createSesClient(options: SesClientOptions = {}): SESv2Client {
  const config: SESv2ClientConfig = {
    retryMode: "standard",
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      httpAgent: { keepAlive: true, maxSockets: 20 },
      httpsAgent: { keepAlive: true, maxSockets: 20 },
    },
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.region !== undefined) config.region = options.region;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  return new SESv2Client(config);
}

export interface SesMailerOptions {
  /** A client from createSesClient (or your own); built from `clientOptions` when omitted. */
  client?: SESv2Client;
  clientOptions?: SesClientOptions;
  /** SES configuration set for event publishing (bounces, complaints, deliveries). */
  configurationSetName?: string;
}

export class SesMailer implements Mailer {
  readonly #client: SESv2Client;
  readonly #configurationSetName: string | undefined;

  constructor(options: SesMailerOptions = {}) {
    this.#client = options.client ?? createSesClient(options.clientOptions);
    this.#configurationSetName = options.configurationSetName === "" ? undefined : options.configurationSetName;
  }

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const checked = checkMessage(message);
    const headers: MessageHeader[] = Object.entries(checked.headers).map(([Name, Value]) => ({ Name, Value }));
    const input: SendEmailCommandInput = {
      FromEmailAddress: fromEmailAddress(checked.from),
      Destination: { ToAddresses: checked.to },
      Content: {
        Simple: {
          Subject: { Data: checked.subject, Charset: "UTF-8" },
          Body: {
            Text: { Data: checked.text, Charset: "UTF-8" },
            Html: { Data: checked.html, Charset: "UTF-8" },
          },
          ...(headers.length === 0 ? {} : { Headers: headers }),
        },
      },
    };
    const tags = emailTags(checked.tags);
    if (tags.length > 0) input.EmailTags = tags;
    if (this.#configurationSetName !== undefined) input.ConfigurationSetName = this.#configurationSetName;

    let messageId: string | undefined;
    try {
      messageId = (await this.#client.send(new SendEmailCommand(input))).MessageId;
    } catch (err) {
      throw sesMailError(err);
    }
    if (typeof messageId !== "string" || messageId === "") {
      // Accepted, probably sent: not retryable, a retry could send it twice.
      throw new MailError("SES accepted SendEmail but returned no MessageId", false);
    }
    return { messageId };
  }
}

/**
 * SES takes `Name <address>` in FromEmailAddress; a name outside printable ASCII must be an RFC 2047
 * encoded word, and one with specials a quoted string.
 */
export function fromEmailAddress(from: { name: string; address: string }): string {
  if (from.name === "") return from.address;
  if (/^[\x20-\x7e]+$/.test(from.name)) {
    const atoms = /^[A-Za-z0-9 !#$%&'*+\-/=?^_`{|}~]+$/.test(from.name);
    return `${atoms ? from.name : `"${from.name.replace(/["\\]/g, "\\$&")}"`} <${from.address}>`;
  }
  return `=?UTF-8?B?${Buffer.from(from.name, "utf8").toString("base64")}?= <${from.address}>`;
}

/** EmailTags from message tags: names and values reduced to [A-Za-z0-9_-], at most 256 characters, empty ones dropped. */
export function emailTags(tags: Record<string, string>): MessageTag[] {
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256);
  return Object.entries(tags)
    .map(([name, value]) => ({ Name: clean(name), Value: clean(String(value)) }))
    .filter((t) => t.Name !== "" && t.Value !== "")
    .slice(0, 50);
}

/** Translates an SDK error into MailError by error name and HTTP status, never by message text. */
export function sesMailError(err: unknown): MailError {
  const e = (typeof err === "object" && err !== null ? err : {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  const name = typeof e.name === "string" ? e.name : "Error";
  const status = e.$metadata?.httpStatusCode;
  let retryable: boolean;
  if (NOT_RETRYABLE.has(name)) retryable = false;
  else if (RETRYABLE.has(name) || status === 429 || (status !== undefined && status >= 500) || e.$retryable !== undefined) retryable = true;
  else if (status !== undefined && status >= 400) retryable = false;
  // No HTTP status: the request did not get an answer (connection refused, reset, DNS, timeout).
  else retryable = true;
  const message = typeof e.message === "string" ? e.message.slice(0, 500) : String(err);
  const code = typeof e.code === "string" ? ` ${e.code}` : "";
  return new MailError(`SES SendEmail failed: ${name}${code}${status === undefined ? "" : ` (HTTP ${status})`}: ${message}`, retryable, {
    cause: err,
  });
}
