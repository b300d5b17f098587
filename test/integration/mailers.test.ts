import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeHTML } from "entities";
import { simpleParser } from "mailparser";
import type { AddressObject } from "mailparser";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MailError, ValidationError } from "@pressbridge/core";
import type { AdBrief, AmplificationPlan, Clock, EmailMessage } from "@pressbridge/core";
import { renderApprovalEmail } from "../../packages/core/src/approvals/approval-email.ts";
import {
  OUTBOX_FILE_RE,
  OutboxMailer,
  SesMailer,
  SmtpMailer,
  createMailerFromEnv,
  createSesClient,
  listOutbox,
  readOutboxMessage,
} from "../../packages/adapters/src/mailers/index.ts";
import { startSmtpSink } from "../support/smtp-sink.ts";
import type { SmtpSink } from "../support/smtp-sink.ts";

const REVIEW_LINK = "https://app.pressbridge.example/review/tok_AbC123-xyz?approver=2&src=email";
const TITLE = 'Acme <script>alert(1)</script> lance « Zéro » 🚀 "quotes" & ampersands — שלום';
const PASSWORD = "s3cr3t P@ss:w/rd%";
const USER = "mailer@acme.example";

function plan(): AmplificationPlan<AdBrief> {
  return {
    id: "p_MailerTestPlan000000001",
    releaseId: "rel-1",
    clientId: "acme",
    clientName: "Acme",
    status: "pending_approval",
    createdAt: "2026-11-21T15:00:05.000Z",
    windowDeadline: "2026-11-24T15:00:00.000Z",
    windowHours: 72,
    timezone: "America/New_York",
    owner: "pr-lead@acme.example",
    approvers: ["social@acme.example"],
    match: { reason: "bound-feed", matched: [] },
    release: {
      title: TITLE,
      url: "https://www.prnewswire.com/news-releases/acme-1.html",
      wire: "PR Newswire",
      issuer: "Acme",
      tickers: [],
      language: "fr",
      detectedAt: "2026-11-21T15:00:00.000Z",
      publishedAt: null,
    },
    campaign: "acme-zero",
    drafts: [
      {
        channel: "x",
        text: `${TITLE}\n\nhttps://www.prnewswire.com/news-releases/acme-1.html?utm_source=x&utm_medium=social`,
        link: "https://www.prnewswire.com/news-releases/acme-1.html?utm_source=x&utm_medium=social",
        facets: [],
        hashtags: [],
        cashtags: [],
        length: { unit: "weighted", value: 120, limit: 280 },
        version: 1,
      },
      {
        channel: "linkedin",
        text: "مرحبا بالعالم 👩🏽‍💻\n\nLine two with a very long word ".repeat(8),
        link: null,
        facets: [],
        hashtags: [],
        cashtags: [],
        length: { unit: "characters", value: 400, limit: 3000 },
        version: 1,
      },
    ],
    skipped: [{ channel: "threads", reason: "no Threads account" }],
    briefs: [],
    announce: "announced",
    announceLeaseUntil: null,
  };
}

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    ...renderApprovalEmail({
      plan: plan(),
      approver: "social@acme.example",
      reviewLink: REVIEW_LINK,
      kind: "approval",
      from: "approvals@pressbridge.example",
      now: "2026-11-22T10:30:00.000Z",
    }),
    ...overrides,
  };
}

/** The review link as a mail client finds it: the href of the "Review and approve" anchor. */
function linkFromHtml(html: string): string | undefined {
  const m = /<a href="([^"]*)"[^>]*>Review and approve<\/a>/.exec(html);
  return m === null ? undefined : decodeHTML(m[1]!);
}

function linkFromText(text: string): string | undefined {
  return /^Review and approve: (\S+)$/m.exec(text)?.[1];
}

async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function expectMailError(promise: Promise<unknown>): Promise<MailError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MailError);
    return err as MailError;
  }
  throw new Error("expected a MailError, but the promise resolved");
}

function assertNoPassword(err: MailError): void {
  for (const text of [err.message, String(err), err.stack ?? "", JSON.stringify(err)]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(encodeURIComponent(PASSWORD));
    expect(text).not.toContain(Buffer.from(PASSWORD).toString("base64"));
  }
}

// ---------------------------------------------------------------------------------------------------

describe("SmtpMailer against a real SMTP server", () => {
  let sink: SmtpSink;
  const mailers: SmtpMailer[] = [];
  const mailer = (url: string): SmtpMailer => {
    const m = new SmtpMailer({ url });
    mailers.push(m);
    return m;
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    for (const m of mailers.splice(0)) await m.close();
    sink.reset();
  });
  afterAll(async () => {
    await sink.close();
  });

  it("delivers a multipart message the recipient can read, with the review link intact", async () => {
    sink.requireAuth({ user: USER, pass: PASSWORD });
    const msg = message();
    const smtp = mailer(sink.url({ user: USER, pass: PASSWORD }));
    expect(smtp.describe()).not.toContain(PASSWORD);
    const { messageId } = await smtp.send(msg);

    const [received] = await sink.waitForMessages(1);
    expect(received!.user).toBe(USER);
    expect(received!.mailFrom).toBe("approvals@pressbridge.example");
    expect(received!.rcptTo).toEqual(["social@acme.example"]);

    const parsed = await simpleParser(received!.raw);
    expect(parsed.subject).toBe(msg.subject);
    expect(parsed.subject).toContain("🚀");
    expect((parsed.to as AddressObject).value.map((a) => a.address)).toEqual(["social@acme.example"]);
    expect(parsed.messageId).toBe(messageId);
    expect(parsed.headers.get("x-pressbridge-plan")).toBe("p_MailerTestPlan000000001");
    expect(parsed.headers.get("x-pressbridge-kind")).toBe("approval");
    expect(parsed.headers.get("auto-submitted")).toBe("auto-generated");
    expect((parsed.headers.get("content-type") as { value: string }).value).toBe("multipart/alternative");
    expect(parsed.text).toBe(msg.text);
    expect(parsed.html).toBe(msg.html);
    expect(parsed.html).not.toContain("<script>");

    expect(linkFromHtml(parsed.html as string)).toBe(REVIEW_LINK);
    expect(linkFromText(parsed.text!)).toBe(REVIEW_LINK);
  });

  it("sends with a display name, encoded when it is not ASCII", async () => {
    const smtp = mailer(sink.url());
    await smtp.send(message({ from: "Équipe Presse, Acme <approvals@pressbridge.example>" }));
    const [received] = await sink.waitForMessages(1);
    expect(received!.mailFrom).toBe("approvals@pressbridge.example");
    const head = received!.raw.toString("latin1").split("\r\n\r\n")[0]!;
    expect(head).not.toMatch(/[^\x00-\x7f]/);
    const parsed = await simpleParser(received!.raw);
    expect(parsed.from?.value).toEqual([{ name: "Équipe Presse, Acme", address: "approvals@pressbridge.example" }]);
  });

  it("550 on RCPT: not retryable, and the password is never in the error", async () => {
    sink.rejectRcpt(550);
    const err = await expectMailError(mailer(sink.url({ user: USER, pass: PASSWORD })).send(message()));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("550");
    assertNoPassword(err);
    expect(sink.messages).toHaveLength(0);
  });

  it("451 on RCPT: retryable", async () => {
    sink.rejectRcpt(451);
    const err = await expectMailError(mailer(sink.url()).send(message()));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain("451");
    expect(sink.messages).toHaveLength(0);
  });

  it("wrong password (535): not retryable, and the password is redacted even when the server echoes it", async () => {
    sink.requireAuth({ user: USER, pass: "the-right-one" }, { echoPassword: true });
    const err = await expectMailError(mailer(sink.url({ user: USER, pass: PASSWORD })).send(message()));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("535");
    expect(err.message).toContain("***");
    assertNoPassword(err);
  });

  it("server down (closed port): retryable, password not in the error", async () => {
    const port = await closedPort();
    const err = await expectMailError(mailer(`smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`).send(message()));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(`127.0.0.1:${port}`);
    assertNoPassword(err);
  });

  it("refuses URLs that are not smtp(s) and messages that could inject headers", async () => {
    expect(() => new SmtpMailer({ url: "http://127.0.0.1:25" })).toThrow(MailError);
    expect(() => new SmtpMailer({ url: "not a url" })).toThrow(MailError);
    const smtp = mailer(sink.url());
    const bad = await expectMailError(smtp.send(message({ to: ["a@example.com\r\nBcc: b@example.com"] })));
    expect(bad.retryable).toBe(false);
    const badHeader = await expectMailError(smtp.send(message({ headers: { "Bcc": "x@example.com" } })));
    expect(badHeader.retryable).toBe(false);
    expect(sink.messages).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("OutboxMailer", () => {
  let dir: string;
  let outside: string;

  beforeEach(async () => {
    const root = await mkdtemp(join(tmpdir(), "pressbridge-outbox-"));
    dir = join(root, "outbox", "nested");
    outside = root;
  });
  afterEach(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  const clockAt = (iso: string): Clock => ({ now: () => new Date(iso) });

  it("writes an .eml (created directory, atomic, nothing left behind) that lists and reads back", async () => {
    const msg = message();
    const outbox = new OutboxMailer({ dir, clock: clockAt("2026-11-22T10:30:01.234Z") });
    const sent = await outbox.send(msg);

    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const file = files[0]!;
    expect(file).toMatch(OUTBOX_FILE_RE);
    expect(file.startsWith("2026-11-22T10-30-01.234Z-")).toBe(true);
    expect(sent.file).toBe(file);

    const raw = await readFile(join(dir, file));
    expect(raw.toString("latin1")).toMatch(/^Content-Type: multipart\/alternative;/im);
    expect(raw.toString("latin1")).toMatch(/^Message-ID: <[^>]+>\r$/m);
    // Headers are 7-bit: non-ASCII went into encoded words.
    const head = raw.toString("latin1").split("\r\n\r\n")[0]!;
    expect(head).not.toMatch(/[^\x00-\x7f]/);

    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe(sent.messageId);
    expect(parsed.subject).toBe(msg.subject);
    expect(parsed.text).toBe(msg.text);
    expect(parsed.html).toBe(msg.html);

    const list = await listOutbox(dir);
    expect(list).toEqual([
      {
        file,
        messageId: sent.messageId,
        to: ["social@acme.example"],
        subject: msg.subject,
        date: "2026-11-22T10:30:01.000Z",
        kind: "approval",
        planId: "p_MailerTestPlan000000001",
      },
    ]);

    const read = await readOutboxMessage(dir, file);
    expect(read).toBeDefined();
    expect(read!.raw).toBe(raw.toString("utf8"));
    expect(read!.parsed.subject).toBe(msg.subject);
    expect(read!.parsed.to).toEqual(["social@acme.example"]);
    expect(read!.parsed.text).toBe(msg.text);
    expect(read!.parsed.html).toBe(msg.html);
    expect(read!.parsed.headers["x-pressbridge-plan"]).toBe("p_MailerTestPlan000000001");
    expect(read!.parsed.headers["auto-submitted"]).toBe("auto-generated");
    expect(linkFromHtml(read!.parsed.html)).toBe(REVIEW_LINK);
    expect(linkFromText(read!.parsed.text)).toBe(REVIEW_LINK);
  });

  it("lists newest first and ignores files it did not write", async () => {
    await new OutboxMailer({ dir, clock: clockAt("2026-11-22T10:00:00.000Z") }).send(message({ subject: "first" }));
    await new OutboxMailer({ dir, clock: clockAt("2026-11-22T12:00:00.000Z") }).send(message({ subject: "third" }));
    await new OutboxMailer({ dir, clock: clockAt("2026-11-22T11:00:00.000Z") }).send(
      message({ subject: "second", headers: { "X-Pressbridge-Plan": "p_2", "X-Pressbridge-Kind": "reminder" } }),
    );
    await writeFile(join(dir, "notes.eml"), "Subject: not ours\r\n\r\nhi");
    await writeFile(join(dir, ".2026-11-22T13-00-00.000Z-aaaaaaaaaaaa.eml.1234.tmp"), "partial");
    const list = await listOutbox(dir);
    expect(list.map((e) => e.subject)).toEqual(["third", "second", "first"]);
    expect(list[1]).toMatchObject({ kind: "reminder", planId: "p_2" });
    expect(await listOutbox(dir, { limit: 1 })).toHaveLength(1);
    expect(await listOutbox(join(outside, "missing"))).toEqual([]);
  });

  it("refuses path traversal, absolute paths, odd names and symlinks", async () => {
    const { file } = await new OutboxMailer({ dir }).send(message());
    await writeFile(join(outside, "secret.eml"), "Subject: secret\r\n\r\nsecret");
    const linkName = "2026-01-01T00-00-00.000Z-0123456789ab.eml";
    await symlink(join(outside, "secret.eml"), join(dir, linkName));

    for (const bad of [
      "../x.eml",
      "../secret.eml",
      `../nested/${file}`,
      join(dir, file),
      "/etc/passwd",
      `./${file}`,
      `${file}/..`,
      `sub/${file}`,
      `..\\${file}`,
      "%2e%2e%2fsecret.eml",
      "notes.eml",
      "",
      `${file}\u0000`,
    ]) {
      await expect(readOutboxMessage(dir, bad), JSON.stringify(bad)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(readOutboxMessage(dir, linkName)).rejects.toBeInstanceOf(ValidationError);
    expect(await readOutboxMessage(dir, "2030-01-01T00-00-00.000Z-ffffffffffff.eml")).toBeUndefined();
    expect(await readOutboxMessage(dir, file)).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------------

interface SesRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

interface SesReply {
  status: number;
  body: unknown;
  errorType?: string;
}

describe("SesMailer against a loopback SES v2 endpoint", () => {
  let server: Server;
  let endpoint: string;
  let requests: SesRequest[] = [];
  let reply: (index: number) => SesReply = () => ({ status: 200, body: { MessageId: "0100018f-test-message-id" } });

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          body = { unparsable: text };
        }
        const index = requests.length;
        requests.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization, body });
        const r = reply(index);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (r.errorType !== undefined) headers["x-amzn-errortype"] = r.errorType;
        res.writeHead(r.status, headers);
        res.end(JSON.stringify(r.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    requests = [];
    reply = () => ({ status: 200, body: { MessageId: "0100018f-test-message-id" } });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const ses = (options: { maxAttempts?: number; endpoint?: string; configurationSetName?: string } = {}): SesMailer =>
    new SesMailer({
      client: createSesClient({
        endpoint: options.endpoint ?? endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "AKIDTESTEXAMPLE", secretAccessKey: "test-secret-key" },
        maxAttempts: options.maxAttempts ?? 1,
      }),
      ...(options.configurationSetName === undefined ? {} : { configurationSetName: options.configurationSetName }),
    });

  it("sends Content.Simple with headers and sanitised tags, signed with SigV4", async () => {
    const msg = message({ tags: { kind: "approval", client: "acme corp/eu", "bad name!": "v" } });
    const result = await ses({ configurationSetName: "pressbridge-approvals" }).send(msg);
    expect(result).toEqual({ messageId: "0100018f-test-message-id" });

    expect(requests).toHaveLength(1);
    const r = requests[0]!;
    expect(r.method).toBe("POST");
    expect(r.path).toBe("/v2/email/outbound-emails");
    expect(r.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTESTEXAMPLE\/\d{8}\/us-east-1\/ses\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/);
    expect(r.body).toEqual({
      FromEmailAddress: "approvals@pressbridge.example",
      Destination: { ToAddresses: ["social@acme.example"] },
      ConfigurationSetName: "pressbridge-approvals",
      EmailTags: [
        { Name: "kind", Value: "approval" },
        { Name: "client", Value: "acme_corp_eu" },
        { Name: "bad_name_", Value: "v" },
      ],
      Content: {
        Simple: {
          Subject: { Data: msg.subject, Charset: "UTF-8" },
          Body: { Text: { Data: msg.text, Charset: "UTF-8" }, Html: { Data: msg.html, Charset: "UTF-8" } },
          Headers: [
            { Name: "X-Pressbridge-Plan", Value: "p_MailerTestPlan000000001" },
            { Name: "X-Pressbridge-Kind", Value: "approval" },
            { Name: "Auto-Submitted", Value: "auto-generated" },
          ],
        },
      },
    });
    const simple = (r.body["Content"] as { Simple: { Body: { Html: { Data: string }; Text: { Data: string } } } }).Simple;
    expect(linkFromHtml(simple.Body.Html.Data)).toBe(REVIEW_LINK);
    expect(linkFromText(simple.Body.Text.Data)).toBe(REVIEW_LINK);
  });

  it("puts a display name into FromEmailAddress, encoded when it is not ASCII", async () => {
    await ses().send(message({ from: "Pressbridge <approvals@pressbridge.example>" }));
    await ses().send(message({ from: "Équipe Presse <approvals@pressbridge.example>" }));
    expect(requests.map((r) => r.body["FromEmailAddress"])).toEqual([
      "Pressbridge <approvals@pressbridge.example>",
      `=?UTF-8?B?${Buffer.from("Équipe Presse").toString("base64")}?= <approvals@pressbridge.example>`,
    ]);
  });

  it("MessageRejected (400): not retryable", async () => {
    reply = () => ({ status: 400, errorType: "MessageRejected", body: { message: "Email address is not verified." } });
    const err = await expectMailError(ses().send(message()));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("MessageRejected");
    expect(requests).toHaveLength(1);
  });

  it.each([
    ["MailFromDomainNotVerifiedException", 400],
    ["AccountSuspendedException", 400],
    ["SendingPausedException", 400],
    ["BadRequestException", 400],
    ["NotFoundException", 404],
  ])("%s: not retryable", async (errorType, status) => {
    reply = () => ({ status, errorType, body: { message: `${errorType} (scripted)` } });
    const err = await expectMailError(ses().send(message()));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(errorType);
  });

  it("TooManyRequestsException (429): retryable", async () => {
    reply = () => ({ status: 429, errorType: "TooManyRequestsException", body: { message: "Too many requests" } });
    const err = await expectMailError(ses().send(message()));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain("TooManyRequestsException");
    expect(requests).toHaveLength(1);
  });

  it("5xx: retryable; the SDK's own retry succeeds when allowed", async () => {
    reply = () => ({ status: 500, errorType: "InternalFailure", body: { message: "boom" } });
    const err = await expectMailError(ses().send(message()));
    expect(err.retryable).toBe(true);

    requests = [];
    reply = (i) => (i === 0 ? { status: 503, errorType: "ServiceUnavailable", body: { message: "busy" } } : { status: 200, body: { MessageId: "after-retry" } });
    expect(await ses({ maxAttempts: 2 }).send(message())).toEqual({ messageId: "after-retry" });
    expect(requests).toHaveLength(2);
  });

  it("network failure (closed port): retryable", async () => {
    const port = await closedPort();
    const err = await expectMailError(ses({ endpoint: `http://127.0.0.1:${port}` }).send(message()));
    expect(err.retryable).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("createMailerFromEnv", () => {
  const defaults = { outboxDir: join(tmpdir(), "pressbridge-outbox-env-test"), from: "approvals@pressbridge.example" };

  it("defaults to the outbox, then SMTP when SMTP_URL is set, SES when asked", async () => {
    const outbox = createMailerFromEnv({}, defaults);
    expect(outbox.transport).toBe("outbox");
    expect(outbox.mailer).toBeInstanceOf(OutboxMailer);
    expect(outbox.from).toBe(defaults.from);

    const smtp = createMailerFromEnv({ SMTP_URL: `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:2525`, MAIL_FROM: "x@acme.example" }, defaults);
    expect(smtp.transport).toBe("smtp");
    expect(smtp.mailer).toBeInstanceOf(SmtpMailer);
    expect(smtp.from).toBe("x@acme.example");
    expect(smtp.description).toContain("127.0.0.1:2525");
    expect(smtp.description).not.toContain(PASSWORD);
    expect(smtp.description).not.toContain(encodeURIComponent(PASSWORD));
    await smtp.close();

    const ses = createMailerFromEnv({ MAIL_TRANSPORT: "ses", AWS_REGION: "eu-west-1", SMTP_URL: "smtp://127.0.0.1:2525" }, defaults);
    expect(ses.transport).toBe("ses");
    expect(ses.mailer).toBeInstanceOf(SesMailer);

    const forcedOutbox = createMailerFromEnv({ MAIL_TRANSPORT: "outbox", SMTP_URL: "smtp://127.0.0.1:2525", OUTBOX_DIR: "/tmp/x-outbox" }, defaults);
    expect(forcedOutbox.transport).toBe("outbox");
    expect((forcedOutbox.mailer as OutboxMailer).dir).toBe("/tmp/x-outbox");
  });

  it("rejects an unknown transport and smtp without SMTP_URL", () => {
    expect(() => createMailerFromEnv({ MAIL_TRANSPORT: "sendgrid" }, defaults)).toThrow(ValidationError);
    expect(() => createMailerFromEnv({ MAIL_TRANSPORT: "smtp" }, defaults)).toThrow(ValidationError);
  });
});
