import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MemoryPollQueue, auditDeps, currentConfig, freePort, listOutbox, readOutboxMessage, runMaintenance, runPollCycle, webAppDeps } from "@pressbridge/adapters";
import { grantRole, runAudit, saveEntity, ValidationError, type Logger, type PressbridgeConfig, type WorkspaceDeps } from "@pressbridge/core";
import { createWebApp, startWebServer } from "@pressbridge/web";
import { createCliLogger } from "../cli-logger.ts";
import { DEFAULT_CONFIG_FILE, importConfigFile, loadConfigFile } from "../config-file.ts";
import type { CommandArgs } from "../command-args.ts";
import { auditSummaryLine } from "../runtime/local-audit.ts";
import { startDemoWire, type DemoWire } from "../demo/demo-wire.ts";
import { dataDirFrom, openLocalContext, type LocalContext } from "../runtime/local-context.ts";
import { owedLine } from "../runtime/owed-work.ts";
import { loadMailboxKey } from "../runtime/mailbox-key.ts";

/** Local scheduler ticks: as often as the most frequent feed wants, between 5 and 60 seconds. */
export function tickSecondsFor(config: PressbridgeConfig): number {
  const intervals = config.feeds.filter((f) => f.enabled).map((f) => f.intervalSeconds);
  return Math.min(60, Math.max(5, Math.min(60, ...intervals)));
}

/** The demo's client, added to the workspace by `start --demo` when it has no client of that id. */
export const DEMO_CLIENT = {
  id: "acme",
  name: "Acme Corp",
  windowHours: 72,
  timezone: "America/New_York",
  owner: "pr-lead@acme.example",
  approvers: ["social@acme.example"],
  channels: ["x", "linkedin", "bluesky"],
  adPlatforms: ["linkedin", "x"],
  trendHashtags: ["#AI", "#SupplyChain"],
  keywords: ["Acme"],
} as const;

/** Who can sign in to the demo as an admin (the sign-in link arrives in the outbox). */
export const DEMO_ADMIN = "admin@pressbridge.local";

/**
 * The built-in demo setup, written into the data dir's workspace: the demo client (unless the
 * workspace has a client "acme" already, which edits made in the app keep), the demo wire's feed
 * (its URL changes every run; it is fetched through an allow-list of exactly its own origin, see
 * TrustedOriginFetcher, so the SSRF guard stays as the workspace set it for every other feed), and
 * the demo admin.
 */
export async function seedDemo(deps: WorkspaceDeps, demoWireUrl: string): Promise<void> {
  const ws = await deps.workspace.load();
  if (!ws.clients.some((c) => c.id === DEMO_CLIENT.id)) await saveEntity(deps, "client", { ...DEMO_CLIENT }, "demo", "upsert");
  await saveEntity(deps, "feed", { id: "demo-wire", url: demoWireUrl, wire: "Demo Wire", intervalSeconds: 5 }, "demo", "upsert");
  await grantRole(deps, { email: DEMO_ADMIN, role: "admin" }, "demo");
  await deps.workspace.markSeeded(deps.clock.now().toISOString(), "demo");
}

/**
 * `pressbridge start`: the whole product in one process on embedded defaults. DynamoDB Local persisted
 * under the data dir, the in-process bus with the shared routes, and the poll schedule; with --demo,
 * a loopback demo wire that publishes a new release every few seconds. Ctrl-C stops cleanly.
 */
export async function startCommand(args: CommandArgs): Promise<number> {
  const logger = createCliLogger();
  const port = portFlag(args.port);
  const auditIntervalMs = auditIntervalSeconds() * 1000;
  // An invalid file fails before anything is started.
  if (typeof args.config === "string") loadConfigFile(args.config);
  let demoWire: DemoWire | undefined;
  if (args.demo === true) {
    demoWire = await startDemoWire({ intervalMs: Number(process.env.PRESSBRIDGE_DEMO_INTERVAL_MS ?? 10_000) });
    logger.info(`demo wire serving ${demoWire.url} (a new release every ${Number(process.env.PRESSBRIDGE_DEMO_INTERVAL_MS ?? 10_000) / 1000} s)`);
  }

  // Review links in emails point at this port, so it is fixed before anything is sent.
  const dataDir = dataDirFrom(args);
  const webPort = port === 0 ? await freePort() : port;
  const ctx = await openLocalContext({
    dataDir,
    logger,
    baseUrl: `http://127.0.0.1:${webPort}`,
    trustedFeedOrigins: demoWire === undefined ? [] : [demoWire.url],
  }).catch(async (err: unknown) => {
    await demoWire?.close();
    throw err;
  });
  try {
    await loadWorkspace(ctx, args, logger);
    if (demoWire !== undefined) await seedDemo(ctx, demoWire.url);
  } catch (err) {
    await ctx.close();
    await demoWire?.close();
    throw err;
  }
  // Deliveries left owed (by this data dir's earlier runs or a poll) are retried in the background.
  ctx.bus.start();
  // People sign in by email, locally too; the link arrives in the outbox, which the mailbox key opens.
  const mailboxKey = loadMailboxKey(dataDir);
  const web = await startWebServer(
    createWebApp({
      ...webAppDeps(ctx, ctx.keys),
      baseUrl: ctx.webBaseUrl!,
      outbox: {
        mailboxKey,
        list: () => listOutbox(ctx.outboxDir),
        read: async (file) => {
          try {
            const m = await readOutboxMessage(ctx.outboxDir, file);
            return m === undefined ? undefined : { file, subject: m.parsed.subject, to: m.parsed.to, date: m.parsed.date ?? "", text: m.parsed.text };
          } catch {
            return undefined;
          }
        },
      },
    }),
    { port: webPort },
  ).catch(async (err: unknown) => {
    await ctx.close();
    await demoWire?.close();
    const inUse = (err as NodeJS.ErrnoException).code === "EADDRINUSE";
    throw inUse ? new ValidationError("--port", `port ${webPort} is already in use; pick another with --port N (0 picks a free one)`) : err;
  });
  // Other commands of this data dir read where the app answers and which demo wire they may fetch.
  writeFileSync(join(dataDir, "web.json"), JSON.stringify({ url: web.url, pid: process.pid, ...(demoWire === undefined ? {} : { demoWire: demoWire.url }) }));
  let tickSeconds = tickSecondsFor(await currentConfig(ctx));
  logger.info(`web app: ${web.url}/queue (approval queue), ${web.url}/dashboard (audit dashboard); emails: ${ctx.mailDescription}`);
  logger.info(`outbox (every email, sign-in links too; key in ${join(dataDir, "mailbox-key")}): ${ctx.webBaseUrl!}/outbox?key=${mailboxKey}`);
  logger.info(
    `sign in: ${ctx.webBaseUrl!}/signin with the email of a person who has a role (${demoWire === undefined ? "pressbridge people add --email EMAIL --role admin" : `the demo admin is ${DEMO_ADMIN}`}); the link is emailed (${ctx.mailDescription})`,
  );
  logger.info(`publishing: ${ctx.credentialsDescription}`);
  // The window audit: once at start, then hourly (PRESSBRIDGE_AUDIT_INTERVAL_SECONDS overrides).
  let nextAuditAt = 0;
  let auditInFlight: Promise<void> | undefined;
  logger.info(`pressbridge is running: ${(await currentConfig(ctx)).feeds.length} feed(s), polled on a ${tickSeconds} s tick; data in ${ctx.dataDir}; Ctrl-C to stop`);

  // The delivery sweep: at start, then every minute (PRESSBRIDGE_SWEEP_INTERVAL_SECONDS overrides).
  const sweepIntervalMs = sweepIntervalSeconds() * 1000;
  let nextSweepAt = 0;
  let lastOwed = "";

  let stopping = false;
  let wake: (() => void) | undefined;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping...");
    wake?.();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const pollQueue = new MemoryPollQueue();
  try {
    while (!stopping) {
      const started = Date.now();
      try {
        // The workspace as it is now: a feed or client added since the last tick is used from this one.
        const config = await currentConfig(ctx);
        tickSeconds = tickSecondsFor(config);
        // The fan-out, as in AWS (issue #18): the dispatcher sends the due feeds by host to the poll
        // queue (in-memory here, SQS there), and the consumer polls each batch.
        const summary = await runPollCycle(ctx, pollQueue, { config, tickSeconds });
        if (summary.failedMessages > 0) logger.warn(`${summary.failedMessages} poll batch(es) failed and were retried; dead-lettered so far: ${pollQueue.deadLetters.length}`);
        for (const feed of summary.feeds) {
          if (feed.status === "error") logger.warn(`feed ${feed.id} failed: ${feed.error}`);
          if (feed.baseline && feed.status === "ok") logger.info(`feed ${feed.id}: first poll, ${feed.baselined} existing item(s) recorded as the baseline`);
          for (const id of feed.newReleaseIds) {
            const r = await ctx.releases.getRelease(id);
            logger.info(`new release on ${feed.id}: ${r?.title ?? id}`, { releaseId: id });
          }
        }
        await ctx.bus.drain();
        const sweep = Date.now() >= nextSweepAt;
        if (sweep) nextSweepAt = Date.now() + sweepIntervalMs;
        // The outbox flush, reminders and stalled publications every tick; the undelivered-work sweep every minute.
        await runMaintenance(ctx, { sweep });
      } catch (err) {
        logger.error("tick failed; retrying on the next tick", { error: String(err) });
      }
      // What the bus still owes, logged when it changes: "N event deliveries owed ..., next retry at ...".
      try {
        const owed = await ctx.bus.owed();
        const line = owed.waiting === 0 ? "" : owedLine(owed);
        if (line !== lastOwed) {
          if (line === "") logger.info("every owed event delivery is done");
          else logger.warn(line);
          lastOwed = line;
        }
      } catch (err) {
        logger.error("could not read the delivery queue", { error: String(err) });
      }
      // In the background: an audit never delays the next poll.
      if (auditInFlight === undefined && Date.now() >= nextAuditAt) {
        nextAuditAt = Date.now() + auditIntervalMs;
        auditInFlight = auditDeps(ctx)
          .then((deps) => runAudit(deps))
          .then(
            (outcome) => logger.info(auditSummaryLine(outcome)),
            (err: unknown) => logger.error("audit failed; it runs again at the next interval", { error: String(err) }),
          )
          .finally(() => {
            auditInFlight = undefined;
          });
      }
      const wait = Math.max(0, tickSeconds * 1000 - (Date.now() - started));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    rmSync(join(dataDir, "web.json"), { force: true });
    await auditInFlight;
    await web.close();
    await ctx.close();
    await demoWire?.close();
    logger.info("stopped");
  }
  return 0;
}

/**
 * What `start` runs on: `--config FILE` imported into the workspace (an idempotent upsert: the
 * file's entries replace the workspace's of the same id, the rest stays); without it, the workspace
 * as it is, or, when it is still empty, ./pressbridge.config.json if there is one.
 */
async function loadWorkspace(ctx: LocalContext, args: CommandArgs, logger: Logger): Promise<void> {
  const file = typeof args.config === "string" ? args.config : undefined;
  if (file !== undefined) {
    const summary = await importConfigFile(ctx, file, "cli");
    logger.info(`imported ${summary.file}: ${summary.created.length} added, ${summary.updated.length} changed, ${summary.unchanged} unchanged`);
    for (const row of summary.skippedRows) logger.warn(`media list of ${row.clientId}: line ${row.line} skipped: ${row.reason}`);
    return;
  }
  const ws = await ctx.workspace.load();
  if (ws.feeds.length > 0 || ws.clients.length > 0 || args.demo === true) return;
  if (existsSync(DEFAULT_CONFIG_FILE)) {
    const summary = await importConfigFile(ctx, DEFAULT_CONFIG_FILE, "cli");
    logger.info(`imported ${summary.file} into the empty workspace: ${summary.created.length} item(s)`);
    return;
  }
  throw new ValidationError(
    "--config",
    `the workspace in ${ctx.dataDir} is empty and there is no ${DEFAULT_CONFIG_FILE} here; pass --config FILE, add clients and feeds (\`pressbridge clients add\`, \`pressbridge feeds add\`), or run \`pressbridge start --demo\``,
  );
}

function sweepIntervalSeconds(): number {
  const raw = process.env.PRESSBRIDGE_SWEEP_INTERVAL_SECONDS;
  if (raw === undefined || raw === "") return 60;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 5) throw new ValidationError("PRESSBRIDGE_SWEEP_INTERVAL_SECONDS", `must be a whole number of seconds, at least 5, got "${raw}"`);
  return n;
}

function auditIntervalSeconds(): number {
  const raw = process.env.PRESSBRIDGE_AUDIT_INTERVAL_SECONDS;
  if (raw === undefined || raw === "") return 3600;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 5) throw new ValidationError("PRESSBRIDGE_AUDIT_INTERVAL_SECONDS", `must be a whole number of seconds, at least 5, got "${raw}"`);
  return n;
}

function portFlag(raw: unknown): number {
  if (raw === undefined) return 3000;
  const n = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ValidationError("--port", `must be a port number 0-65535 (0 picks a free port), got "${String(raw)}"`);
  }
  return n;
}
