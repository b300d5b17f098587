import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { Template } from "aws-cdk-lib/assertions";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ensureTable } from "@pressbridge/adapters";
import { FUNCTIONS } from "../../infra/function-specs.ts";
import { startPutEventsServer, errorResponse, type PutEventsServer, type WireEntry } from "../support/putevents-server.ts";
import { startSecretsManagerServer, type SecretsManagerServer } from "../support/secrets-manager-server.ts";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";
import {
  allows,
  callsOf,
  iamRequirements,
  loseNextAnswer,
  recordAs,
  replayResolver,
  resolve,
  roleGrants,
  startRecording,
  used,
  type Grant,
  type IamRequirement,
  type Resolver,
} from "./aws-calls.ts";
import { startSesV2Server, type SesV2Server } from "./sesv2-server.ts";
import { startSchedulerServer, type SchedulerServer } from "../support/scheduler-server.ts";
import { startSqsServer, type SqsServer } from "../support/sqs-server.ts";
import { functionId, resourcesOf, synthStack } from "./synth.ts";

/**
 * Every function's role against what its code really calls. The whole pipeline runs through the
 * deployed handlers (functions/*.ts), configured only by the environment the synthesised template
 * gives them, against DynamoDB Local and loopback EventBridge, Secrets Manager and SES v2:
 *
 *   poll-feeds -> plan-amplification -> notify-approvers -> approval-web (review, edit, approve,
 *   reject, queue, dashboard, plan page, retry) -> publish -> audit, then approval-sweep and the
 *   audit again later (the clock moved on), when outbox leftovers, owed deliveries, reminders,
 *   stalled publications and at-risk windows are due.
 *
 * The table starts empty: poll-feeds' first load seeds the workspace from the deploy's config file
 * (its client, feeds, person, the hashed media list beside it, the first admin), so its calls are
 * the seed's; every function that loads the workspace must be allowed them too (any may be first).
 *
 * An SDK middleware records each call; each call must be allowed by the function's synthesised IAM
 * policy (the IAM action and resource it needs, e.g. a TransactWriteItems Put needs dynamodb:PutItem
 * on the table, a Query of GSI2 dynamodb:Query on table/.../index/GSI2, a SendEmail with a
 * configuration set ses:SendEmail on the identity and on the configuration set), and every
 * (action, resource) the role grants must be needed by some recorded call. The only grants not
 * checked are the runtime's own (logs to its log group, X-Ray), which no code of ours calls.
 */

startRecording();

const SIGNING = JSON.stringify({ keyId: "k1", secret: "r".repeat(64), previous: [] });
const WEB_DOMAIN = "replay-web.lambda-url.us-east-1.on.aws";
const WEB_URL = `https://${WEB_DOMAIN}/`;
const CONFIGURATION_SET = "pressbridge-replay";
/** X has none (a dry run); LinkedIn's are incomplete, so its action fails for good and the owner is emailed. */
const PLATFORM_CREDENTIALS = JSON.stringify({ acme: { linkedin: { note: "incomplete on purpose" } } });
const HOUR = 3600_000;
const FIRST_ADMIN = "ops@agency.example";

let template: Template;
let resolver: Resolver;
let tableName: string;
let feeds: FeedServer;
let events: PutEventsServer;
let secrets: SecretsManagerServer;
let ses: SesV2Server;
let schedulerServer: SchedulerServer;
let sqs: SqsServer;
let dir: string;
let raw: DynamoDBDocumentClient;
const replayed = new Set<string>();

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
const MODULES: Record<string, () => Promise<{ handler: unknown }>> = {
  "dispatch-polls": () => import("../../functions/dispatch-polls.ts"),
  "poll-feeds": () => import("../../functions/poll-feeds.ts"),
  "plan-amplification": () => import("../../functions/plan-amplification.ts"),
  "notify-approvers": () => import("../../functions/notify-approvers.ts"),
  "approval-web": () => import("../../functions/approval-web.ts"),
  "approval-sweep": () => import("../../functions/approval-sweep.ts"),
  publish: () => import("../../functions/publish.ts"),
  audit: () => import("../../functions/audit.ts"),
};

/** Environment variables this test sets for a function; removed before the next one is loaded. */
let loadedEnv: string[] = [];

/** The function's environment from the template (resolved), pointed at the loopback services. */
function environmentOf(name: string, configFile: string): Record<string, string> {
  const fn = resourcesOf(template, "AWS::Lambda::Function")[functionId(template, name)]!;
  const variables = (fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) env[key] = resolve(value, resolver);
  for (const [key, json] of [["SIGNING_KEYS_SECRET_ARN", SIGNING], ["SECRETS_ARN", PLATFORM_CREDENTIALS]] as const) {
    if (env[key] !== undefined) secrets.setSecret(env[key], json);
  }
  return {
    ...env,
    // The layer's /opt/pressbridge.config.json, here a file of the same config.
    PRESSBRIDGE_CONFIG_FILE: configFile,
    DYNAMODB_ENDPOINT: inject("dynamoEndpoint"),
    EVENTBRIDGE_ENDPOINT: events.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    AWS_ENDPOINT_URL_SESV2: ses.url,
    AWS_ENDPOINT_URL_SCHEDULER: schedulerServer.url,
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "replay",
    AWS_SECRET_ACCESS_KEY: "replay",
    POWERTOOLS_LOG_LEVEL: "CRITICAL",
  };
}

/** A cold start of the function (fresh modules, its own environment); calls are recorded as its own. */
async function coldStart(name: string): Promise<Handler> {
  for (const key of loadedEnv) delete process.env[key];
  const env = environmentOf(name, join(dir, "pressbridge.config.json"));
  loadedEnv = Object.keys(env);
  Object.assign(process.env, env);
  vi.resetModules();
  const mod = await recordAs(name, () => MODULES[name]!());
  const handler = mod.handler as Handler;
  replayed.add(name);
  return (event, context = {}) => recordAs(name, () => handler(event, context));
}

let entriesSeen = 0;
/** Events put on the bus since the last call. */
function newEvents(): WireEntry[] {
  const all = events.requests.flatMap((r) => r.entries);
  const fresh = all.slice(entriesSeen);
  entriesSeen = all.length;
  return fresh;
}

const envelope = (entry: WireEntry) => ({
  version: "0", id: randomUUID(), "detail-type": entry.DetailType, source: entry.Source, account: "123456789012",
  time: new Date().toISOString(), region: "us-east-1", resources: [], detail: JSON.parse(entry.Detail!) as unknown,
});
const detailOf = (entry: WireEntry) => JSON.parse(entry.Detail!) as Record<string, unknown>;

/** A Function URL (payload 2.0) request. */
function request(method: "GET" | "POST", path: string, options: { form?: Record<string, string>; headers?: Record<string, string> } = {}) {
  const [rawPath, rawQueryString = ""] = path.split("?");
  const headers: Record<string, string> = { host: WEB_DOMAIN, ...options.headers };
  if (method === "POST") Object.assign(headers, { origin: `https://${WEB_DOMAIN}`, "content-type": "application/x-www-form-urlencoded" });
  return {
    version: "2.0", routeKey: "$default", rawPath, rawQueryString, headers,
    requestContext: {
      accountId: "123456789012", apiId: "replay", domainName: WEB_DOMAIN, domainPrefix: "replay-web",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "replay" },
      requestId: randomUUID(), routeKey: "$default", stage: "$default", time: new Date().toISOString(), timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
    ...(options.form === undefined ? {} : { body: new URLSearchParams(options.form).toString() }),
  };
}
type WebResponse = { statusCode: number; body?: string; headers?: Record<string, string>; cookies?: string[] };

const field = (html: string, name: string): string => {
  const value = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
  if (value === undefined) throw new Error(`no ${name} field on the page`);
  return value;
};

/** The first draft's text on a review page (its textarea, unescaped). */
function draftText(html: string): string {
  const text = /<textarea name="text"[^>]*>([^<]*)<\/textarea>/.exec(html)?.[1];
  if (text === undefined) throw new Error("no draft on the page");
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
}

/** The decision form of a review page: its CSRF token and the draft versions shown. */
function decision(html: string, action: "approve" | "reject"): Record<string, string> {
  const form: Record<string, string> = { csrf: field(html, "csrf"), action };
  for (const m of html.matchAll(/name="(v_[a-z]+)" value="(\d+)"/g)) form[m[1]!] = m[2]!;
  return form;
}

beforeAll(async () => {
  template = synthStack("replay", { sesConfigurationSet: CONFIGURATION_SET, firstAdmin: FIRST_ADMIN }).template;
  tableName = `replay-${randomUUID()}`;
  [feeds, events, secrets, ses, schedulerServer, sqs] = await Promise.all([startFeedServer(), startPutEventsServer(), startSecretsManagerServer(), startSesV2Server(), startSchedulerServer(), startSqsServer()]);
  resolver = replayResolver(template, { tableName, webUrl: WEB_URL, sqsUrl: sqs.url });
  raw = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: inject("dynamoEndpoint"), region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
  );
  await ensureTable(raw, tableName);
  dir = mkdtempSync(join(tmpdir(), "pressbridge-replay-"));
  // The layer's hashed media list beside the config, as the synth ships it.
  mkdirSync(join(dir, "media-lists"));
  const sha = (email: string) => createHash("sha256").update(email).digest("hex");
  writeFileSync(join(dir, "media-lists", "acme.json"), JSON.stringify({ source: "journalists.csv", contacts: [{ emailSha256: sha("ana@trade.example"), outlet: "Trade Weekly" }] }));
  writeFileSync(
    join(dir, "pressbridge.config.json"),
    JSON.stringify({
      clients: [
        { id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers: ["social@acme.example"], keywords: ["Acme"], channels: ["x", "linkedin"], adPlatforms: ["meta"], mediaList: "media-lists/acme.json" },
      ],
      people: [{ email: "lead@agency.example", grants: [{ role: "lead", clientId: "acme" }] }],
      feeds: [
        { id: "wire", url: `${feeds.url}/wire` },
        { id: "mirror", url: `${feeds.url}/mirror` },
      ],
      security: { allowPrivateFeedHosts: true },
    }),
  );
  await replayPipeline();
  // REPLAY_PRINT_CALLS=1 prints what each function called, as IAM sees it (when a spec needs changing).
  if (process.env.REPLAY_PRINT_CALLS) {
    for (const f of FUNCTIONS) {
      const seen = new Map<string, number>();
      for (const c of callsOf(f.name)) for (const r of iamRequirements(c)) seen.set(`${c.operation} -> ${describeRequirement(r)}`, (seen.get(`${c.operation} -> ${describeRequirement(r)}`) ?? 0) + 1);
      console.log(f.name, [...seen].map(([k, n]) => `\n   ${n}x ${k}`).join(""));
    }
  }
}, 600_000);

afterAll(async () => {
  vi.useRealTimers();
  for (const key of loadedEnv) delete process.env[key];
  await Promise.all([feeds?.close(), events?.close(), secrets?.close(), ses?.close(), schedulerServer?.close(), sqs?.close()]);
  raw?.destroy();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const story = (n: string, title: string) => ({ title: `Acme Corp ${title}`, link: `https://wire.example/news/${n}`, description: `NEW YORK -- Acme Corp ${title.toLowerCase()} today.` });

async function replayPipeline(): Promise<void> {
  // ---- poll-feeds: baseline, new releases, a second source, a failed announcement taken over ----
  const wire = [{ title: "Unrelated Industries Reports Quarterly Figures", link: "https://wire.example/news/0" }];
  const mirror = [{ title: "Another Company Names A Board Member", link: "https://mirror.example/news/0" }];
  feeds.serveFeed("/wire", () => rss(wire));
  feeds.serveFeed("/mirror", () => rss(mirror));
  const poll = await coldStart("poll-feeds");
  await poll({});
  const [a, b, c, d, e] = [
    story("a", "Launches A Replayed Product Line"),
    story("b", "Opens A Replay Laboratory In Boston"),
    story("c", "Names A New Chief Replay Officer"),
    story("d", "Acquires Replay Systems For Two Billion"),
    story("e", "Expands Its Replay Partnership With Globex"),
  ];
  wire.push(a);
  mirror.push(a); // the same story on a second feed: a second source
  // The fan-out: the dispatcher (after the poll's first load seeded the workspace) sends the feeds'
  // batches to the poll queue; the event source mapping delivers them to poll-feeds as an SQS event.
  // Its scheduled input ({}: the due feeds, by their states) and an operator's ({ all: true }).
  const dispatch = await coldStart("dispatch-polls");
  await dispatch({});
  await dispatch({ all: true });
  const delivered = sqs.takeEvent();
  expect(delivered.Records.length, "the dispatched batches").toBeGreaterThan(0);
  expect(await poll(delivered)).toEqual({ batchItemFailures: [] });
  // B is created, but the bus refuses its announcement: it stays pending with this poller's lease.
  wire.push(b);
  events.respondWith(() => errorResponse(500, "InternalException", "scripted outage"));
  await poll({ all: true }).catch(() => undefined);
  events.respondWith((req) => ({ status: 200, body: { FailedEntryCount: 0, Entries: req.entries.map(() => ({ EventId: randomUUID() })) } }));
  const failed = newEvents().find((x) => detailOf(x).title === b.title);
  expect(failed, "B's refused announcement").toBeDefined();
  // Its lease runs out (another poller died holding it): the next poll takes it over.
  await raw.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { PK: `REL#${String(detailOf(failed!).releaseId)}`, SK: "REL" },
      UpdateExpression: "SET announceLeaseUntil = :past",
      ExpressionAttributeValues: { ":past": "2000-01-01T00:00:00.000Z" },
    }),
  );
  wire.push(c, d, e);
  await poll({ all: true });
  newEvents();
  const detected = new Map(events.requests.flatMap((r) => r.entries).filter((x) => x.DetailType === "Release Detected").map((x) => [detailOf(x).title as string, x]));
  for (const s of [a, b, c, d, e]) expect(detected.has(s.title), s.title).toBe(true);

  // ---- plan-amplification: A, B, C and E (D is never planned: the sweep owes it), A redelivered ----
  const plan = await coldStart("plan-amplification");
  // A's plan is written but the answer is lost: the retry finds it exists, and reads it to see it is its own.
  loseNextAnswer((call) => call.operation === "TransactWriteItems" && JSON.stringify(call.input).includes('"type":"Plan"'));
  for (const s of [a, b, c, e]) await plan(envelope(detected.get(s.title)!));
  await plan(envelope(detected.get(a.title)!));
  const planned = new Map(
    newEvents()
      .filter((x) => x.DetailType === "Amplification Planned")
      .map((x) => [[a, b, c, e].find((s) => detailOf(x).releaseId === detailOf(detected.get(s.title)!).releaseId)!.title, x]),
  );
  for (const s of [a, b, c, e]) expect(planned.has(s.title), s.title).toBe(true);
  const planIds = new Map([...planned].map(([title, x]) => [title, String(detailOf(x).planId)]));

  // ---- notify-approvers: A, B and C (E's approvers are owed their email), A redelivered ----
  const notify = await coldStart("notify-approvers");
  for (const s of [a, b, c]) await notify(envelope(planned.get(s.title)!));
  await notify(envelope(planned.get(a.title)!));
  const linkFor = (planId: string): string => {
    const mail = ses.sent.find((m) => reviewPlanOf(m.text) === planId);
    if (mail === undefined) throw new Error(`no review email for ${planId}`);
    return new URL(/https:\/\/\S+\/review\/[A-Za-z0-9._-]+/.exec(mail.text)![0]).pathname;
  };

  // ---- approval-web: the approver's pages and decisions, the operator's pages ----
  const web = (await coldStart("approval-web")) as (event: unknown, context?: unknown) => Promise<WebResponse>;
  const review = async (title: string) => {
    const path = linkFor(planIds.get(title)!);
    const page = await web(request("GET", path));
    expect(page.statusCode, `${title} review page`).toBe(200);
    return { path, html: page.body! };
  };
  // C: the approver edits a draft and leaves it pending.
  const rc = await review(c.title);
  const channel = /\/drafts\/([a-z]+)"/.exec(rc.html)?.[1];
  expect(channel, "a draft to edit").toBeDefined();
  const edited = await web(request("POST", `${rc.path}/drafts/${channel!}`, { form: { csrf: field(rc.html, "csrf"), version: field(rc.html, "version"), text: `${draftText(rc.html)} Today.` } }));
  expect(edited.statusCode, edited.body).toBe(303);
  // A: approved.
  const ra = await review(a.title);
  const approved = await web(request("POST", `${ra.path}/decision`, { form: decision(ra.html, "approve") }));
  expect(approved.statusCode).toBe(303);
  // B: approved while the bus is down: the decision's event stays in the outbox for the sweep.
  const rb = await review(b.title);
  events.respondWith(() => errorResponse(500, "InternalException", "scripted outage"));
  const approvedB = await web(request("POST", `${rb.path}/decision`, { form: decision(rb.html, "approve") }));
  events.respondWith((req) => ({ status: 200, body: { FailedEntryCount: 0, Entries: req.entries.map(() => ({ EventId: randomUUID() })) } }));
  expect(approvedB.statusCode).toBe(303);
  // The client's owner (its lead) signs in by email: the link arrives through SES; its page, its button.
  expect((await web(request("POST", "/signin", { form: { email: "pr@acme.example", next: "/queue" } }))).statusCode).toBe(200);
  const signInMail = ses.sent.find((m) => m.to.includes("pr@acme.example") && m.text.includes("/signin/link?token="));
  expect(signInMail, "the sign-in email").toBeDefined();
  const signInLink = new URL(/https:\/\/\S+\/signin\/link\?token=[A-Za-z0-9._-]+/.exec(signInMail!.text)![0]);
  const linkPage = await web(request("GET", `${signInLink.pathname}${signInLink.search}`));
  expect(linkPage.statusCode).toBe(200);
  const signedIn = await web(request("POST", "/signin/link", { form: { token: field(linkPage.body!, "token"), next: "/queue" } }));
  expect(signedIn.statusCode).toBe(303);
  const session = /pb_session=([A-Za-z0-9_-]+)/.exec((signedIn.cookies ?? []).join("\n"))?.[1];
  expect(session, "the session cookie").toBeDefined();
  const bearer = { cookie: `pb_session=${session!}` };
  // The lead: queue, plan page, dashboard (after an audit below, again).
  expect((await web(request("GET", "/queue", { headers: bearer }))).statusCode).toBe(200);
  expect((await web(request("GET", `/plans/${planIds.get(a.title)!}`, { headers: bearer }))).statusCode).toBe(200);
  expect((await web(request("GET", "/dashboard", { headers: bearer }))).statusCode).toBe(200);
  const decided = newEvents().filter((x) => x.DetailType === "Amplification Approved");
  const approvedA = decided.find((x) => detailOf(x).planId === planIds.get(a.title));
  expect(approvedA, "A's Amplification Approved").toBeDefined();

  // ---- publish: A (X a dry run, LinkedIn failing for good: the owner is emailed), redelivered ----
  const publish = await coldStart("publish");
  await publish(envelope(approvedA!));
  await publish(envelope(approvedA!));
  // The posts are scheduled (minutes after the approval): publish set a one-time schedule per action
  // on the loopback Scheduler. An hour later Scheduler invokes publish with each schedule's input.
  const scheduled = [...schedulerServer.schedules.values()];
  expect(scheduled.length, "the scheduled actions' one-time schedules").toBeGreaterThan(0);
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(Date.now() + HOUR);
  for (const schedule of scheduled) await publish(JSON.parse(String((schedule.request.Target as { Input: string }).Input)) as unknown);
  vi.useRealTimers();
  // The operator asks for a retry from the plan page; publish takes it.
  expect((await web(request("POST", `/plans/${planIds.get(a.title)!}/retry`, { headers: bearer }))).statusCode).toBe(303);
  const retry = newEvents().find((x) => x.DetailType === "Publication Retry Requested");
  expect(retry, "the retry request").toBeDefined();
  await publish(envelope(retry!));
  expect(ses.sent.some((m) => m.to.includes("pr@acme.example") && m.text.includes(`/plans/${planIds.get(a.title)!}`)), "the owner's publishing-failure email").toBe(true);

  // ---- audit now (report only), and the dashboard reading its report ----
  const audit = await coldStart("audit");
  await audit({});
  expect((await web(request("GET", "/dashboard", { headers: bearer }))).statusCode).toBe(200);
  expect((await web(request("GET", "/dashboard/acme", { headers: bearer }))).statusCode).toBe(200);
  // A day later (the idle expiry is 8 hours) the session has lapsed and is deleted on sight; then sign-out.
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(Date.now() + 24 * HOUR);
  expect((await web(request("GET", "/queue", { headers: bearer }))).statusCode).toBe(401);
  vi.useRealTimers();
  expect((await web(request("POST", "/signout", { headers: bearer }))).statusCode).toBe(303);
  newEvents();

  // ---- 40 hours later: the sweep finds what is owed (outbox, D, E, reminders, B never published) ----
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(Date.now() + 40 * HOUR);
  const sweep = await coldStart("approval-sweep");
  await sweep({});
  await sweep({});
  const swept = newEvents().map((x) => x.DetailType);
  expect(swept).toEqual(expect.arrayContaining(["Amplification Approved", "Release Detected", "Amplification Planned", "Publication Retry Requested"]));

  // ---- 62 hours after detection: C's window closes within the at-risk margin: a digest is due ----
  vi.setSystemTime(Date.now() + 22 * HOUR);
  const lateAudit = await coldStart("audit");
  await lateAudit({});
  await lateAudit({});
  expect(ses.sent.some((m) => m.to.includes("pr@acme.example")), "the audit digest to the client's owner").toBe(true);
  vi.useRealTimers();
}

/** The plan id inside a review link's token (its payload is base64url JSON with `p`). */
function reviewPlanOf(text: string): string | undefined {
  const token = /\/review\/([A-Za-z0-9_-]+)\./.exec(text)?.[1];
  if (token === undefined) return undefined;
  return (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { p?: string }).p;
}

/**
 * Grants the code needs on a path no replay reaches, each with the path. Only these may be unused;
 * each must still be granted.
 */
/**
 * The scheduled actions' grants (spec.schedulesActions): EventBridgeActionScheduler's calls through
 * AdapterSet.scheduler. The replay reaches publish setting an approved plan's schedules
 * (CreateSchedule, passing the role), not every move (UpdateSchedule) or cancel (DeleteSchedule),
 * nor approval-web's reschedule and cancel from the plan page; test/infra/scheduler.test.ts checks
 * each of these grants against the calls the scheduler makes.
 */
const SCHEDULING_PATH = "EventBridgeActionScheduler.ensure (CreateSchedule, UpdateSchedule on a conflict, passing the scheduler's role) and cancel (DeleteSchedule): a move or cancel (the plan page, publish --at/--cancel) the replay does not make";
const SCHEDULING_GRANTS = [
  ...["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"].map((action) => ({ action, resource: /:scheduler:us-east-1:123456789012:schedule\/pressbridge-replay\/\*$/, path: SCHEDULING_PATH })),
  { action: "iam:PassRole", resource: /^<[A-Za-z0-9]*ActionScheduleRole[A-Za-z0-9]*\.Arn>$/, path: SCHEDULING_PATH },
];

/**
 * A workspace seed's media-list import checks its client exists (a ConditionCheck in the import's
 * transaction). Every function that loads the workspace may seed it; the seed is replayed in poll-feeds.
 */
const SEED_GRANTS = [{ action: "dynamodb:ConditionCheckItem", resource: /:table\/[^/]+$/, path: "SeedingWorkspaceStore: the deploy file's media lists (DynamoWorkspaceStore.putMediaList's ConditionCheck on the client)" }];
const DECLARED_ONLY: Readonly<Record<string, ReadonlyArray<{ action: string; resource: RegExp; path: string }>>> = {
  publish: [...SCHEDULING_GRANTS, ...SEED_GRANTS],
  "approval-web": [...SCHEDULING_GRANTS, ...SEED_GRANTS],
  "plan-amplification": SEED_GRANTS,
  "approval-sweep": SEED_GRANTS,
  audit: SEED_GRANTS,
  "poll-feeds": [
    {
      action: "dynamodb:Query",
      resource: /:table\/[^/]+$/,
      path: "DynamoReleaseStore.fingerprintHolder: a create cancelled on its fingerprint claim whose cancellation did not return the claim (DynamoDB returns it with ALL_OLD)",
    },
  ],
};
const declaredOnly = (name: string, g: Grant) => (DECLARED_ONLY[name] ?? []).some((d) => d.action === g.action && d.resource.test(g.resource));

function grantsOf(name: string): Grant[] {
  return roleGrants(template, functionId(template, name), resolver);
}

function requirementsOf(name: string): IamRequirement[] {
  return callsOf(name).flatMap(iamRequirements);
}

const describeRequirement = (r: IamRequirement) => `${r.action} on ${r.anyOf.join(" or ")}`;

describe("every function's role is exactly what its code calls (replayed)", () => {
  it("the dispatcher sent the feeds' batches with SendMessageBatch, and read the workspace and the feed states without writing", () => {
    const calls = callsOf("dispatch-polls");
    expect(new Set(calls.filter((c) => c.service === "sqs").map((c) => c.operation))).toEqual(new Set(["SendMessageBatch"]));
    expect(new Set(calls.filter((c) => c.service === "dynamodb").map((c) => c.operation))).toEqual(new Set(["GetItem", "Query", "BatchGetItem"]));
  });

  it("replayed every function of infra/function-specs.ts, and each made AWS calls", () => {
    expect([...replayed].sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    for (const spec of FUNCTIONS) expect(callsOf(spec.name).length, spec.name).toBeGreaterThan(0);
  });

  it.each(FUNCTIONS.map((f) => f.name))("%s: every AWS call it made is allowed by its role", (name) => {
    const grants = grantsOf(name);
    const denied = [...new Set(requirementsOf(name).filter((r) => !allows(grants, r)).map(describeRequirement))];
    expect(denied).toEqual([]);
  });

  it.each(FUNCTIONS.map((f) => f.name))("%s: every grant of its role was needed by a call", (name) => {
    const requirements = requirementsOf(name);
    const unused = grantsOf(name).filter((g) => !used(g, requirements) && !declaredOnly(name, g)).map((g) => `${g.action} on ${g.resource}`);
    expect(unused).toEqual([]);
    for (const d of DECLARED_ONLY[name] ?? []) expect(grantsOf(name).some((g) => g.action === d.action && d.resource.test(g.resource)), d.path).toBe(true);
  });

  it("sending email needs the configuration set too: every send named it, and the roles grant it", () => {
    const sends = FUNCTIONS.flatMap((f) => callsOf(f.name)).filter((c) => c.operation === "SendEmail");
    expect(sends.length).toBeGreaterThan(0);
    for (const send of sends) expect(send.input.ConfigurationSetName).toBe(CONFIGURATION_SET);
    for (const name of new Set(sends.map((s) => s.fn))) {
      const withoutSet = grantsOf(name).filter((g) => !g.resource.includes(":configuration-set/"));
      const denied = requirementsOf(name).filter((r) => !allows(withoutSet, r));
      expect([...new Set(denied.map(describeRequirement))], name).toEqual([`ses:SendEmail on arn:aws:ses:us-east-1:123456789012:configuration-set/${CONFIGURATION_SET}`]);
    }
  });

  it("every function that loads the workspace read it from the table, and may seed it: the seed's calls are allowed by its role", () => {
    const isWorkspaceCall = (c: { service: string; input: unknown }) => c.service === "dynamodb" && /"(WORKSPACE|WSLOG|MEDIALIST#[^"]*)"/.test(JSON.stringify(c.input));
    const seed = callsOf("poll-feeds").filter(isWorkspaceCall);
    // The seed: META and the partition read, the import's and the first admin's commits (Puts and the
    // revision's Update in transactions), the media list's contacts and its META, markSeeded.
    expect(new Set(seed.map((c) => c.operation))).toEqual(new Set(["GetItem", "Query", "TransactWriteItems", "BatchWriteItem", "UpdateItem"]));
    const loaders = FUNCTIONS.filter((f) => f.loadsWorkspace === true).map((f) => f.name);
    expect(loaders.sort()).toEqual(["approval-sweep", "approval-web", "audit", "plan-amplification", "poll-feeds", "publish"]);
    for (const name of loaders) {
      const reads = callsOf(name).filter(isWorkspaceCall).map((c) => c.operation);
      // publish reads it only for a plan held for a wire (the client's disclosure settings, its feeds); the replay has none.
      if (name !== "publish") expect(reads, `${name} read the workspace`).toEqual(expect.arrayContaining(["GetItem"]));
      const grants = grantsOf(name);
      const denied = [...new Set(seed.flatMap(iamRequirements).filter((r) => !allows(grants, r)).map(describeRequirement))];
      expect(denied, `${name} may seed the workspace`).toEqual([]);
    }
    // The first admin reaches exactly the functions that load the workspace.
    for (const spec of FUNCTIONS) {
      const fn = resourcesOf(template, "AWS::Lambda::Function")[functionId(template, spec.name)]!;
      const variables = (fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.PRESSBRIDGE_FIRST_ADMIN, spec.name).toBe(spec.loadsWorkspace === true ? FIRST_ADMIN : undefined);
    }
  });

  it("the check is live: a missing grant is a denied call, an extra one an unused grant", () => {
    const grants = grantsOf("poll-feeds");
    const requirements = requirementsOf("poll-feeds");
    const withoutBatchWrite = grants.filter((g) => g.action !== "dynamodb:BatchWriteItem");
    expect(requirements.some((r) => !allows(withoutBatchWrite, r))).toBe(true);
    const tableArn = grants.find((g) => g.action.startsWith("dynamodb:"))!.resource;
    expect(used({ action: "dynamodb:DeleteItem", resource: tableArn }, requirements)).toBe(false);
    expect(used({ action: "dynamodb:Query", resource: `${tableArn}/index/GSI2` }, requirements)).toBe(false);
  });
});
