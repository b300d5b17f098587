import { DynamoPlanStore } from "@pressbridge/adapters/dynamodb";
import { ValidationError, actionLabel, scheduleOf, type AmplificationPlan, type PublishedAction } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import { intFlag, type CommandArgs } from "../command-args.ts";
import { dataDirFrom, openLocalStore } from "../runtime/local-store.ts";

/** `pressbridge plans`: amplification plans, newest first, with drafts, briefs and status. */
export async function plansCommand(args: CommandArgs): Promise<number> {
  const limit = intFlag(args, "limit", 100);
  const days = intFlag(args, "days", 90);
  const clientId = typeof args.client === "string" ? args.client : undefined;
  if (clientId !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(clientId)) throw new ValidationError("--client", `"${clientId}" is not a client id`);
  const logger = createCliLogger();
  const opened = await openLocalStore({ dataDir: dataDirFrom(args), logger });
  try {
    const plansStore = new DynamoPlanStore({ client: opened.client, tableName: opened.store.tableName });
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    // With --client the index is ordered by window deadline, which runs up to windowHours ahead.
    const until = clientId === undefined ? to : new Date(to.getTime() + 31 * 86_400_000);
    const plans =
      clientId === undefined
        ? await plansStore.listPlans({ from: from.toISOString(), to: until.toISOString(), limit })
        : await plansStore.listClientPlansByDeadline({ clientId, from: from.toISOString(), to: until.toISOString(), limit });
    if (args.json === true) {
      process.stdout.write(`${JSON.stringify({ plans: plans.map(planJson) }, null, 2)}\n`);
    } else if (plans.length === 0) {
      process.stdout.write(`no amplification plans in the last ${days} days\n`);
    } else {
      for (const p of plans) process.stdout.write(formatPlan(p));
    }
    return 0;
  } finally {
    await opened.close();
  }
}

function planJson(p: AmplificationPlan): Record<string, unknown> {
  return {
    id: p.id,
    releaseId: p.releaseId,
    clientId: p.clientId,
    status: p.status,
    windowDeadline: p.windowDeadline,
    createdAt: p.createdAt,
    timezone: p.timezone,
    release: p.release,
    match: p.match,
    campaign: p.campaign,
    drafts: p.drafts.map((d) => ({
      channel: d.channel,
      text: d.text,
      link: d.link,
      version: d.version,
      length: d.length,
      hashtags: d.hashtags,
      cashtags: d.cashtags,
      ...(d.facets.length > 0 ? { facets: d.facets } : {}),
    })),
    skipped: p.skipped,
    briefs: p.briefs,
    decision: p.decision ?? null,
    publication: p.publication ?? null,
    // Each action with its time (docs/scheduling.md): the live schedule, or the one accepted with the approval.
    actions: (scheduleOf(p)?.actions ?? []).map((a) => ({
      key: a.key,
      kind: a.kind,
      platform: a.platform,
      followUp: a.followUp,
      scheduledFor: a.scheduledFor,
      choice: a.choice,
      ...(a.guard === undefined ? {} : { guard: { rule: a.guard.rule, from: a.guard.from, to: a.guard.to } }),
      late: a.late,
      ...(a.lateReason === undefined ? {} : { lateReason: a.lateReason }),
      ...(a.held === undefined ? {} : { held: a.held }),
      ...(a.cancelled === undefined ? {} : { cancelled: a.cancelled }),
      status: a.cancelled !== undefined ? "cancelled" : (p.publication?.actions.find((x) => x.key === a.key)?.status ?? (a.held !== undefined ? "held" : "scheduled")),
    })),
    ...(p.followUps === undefined ? {} : { followUps: p.followUps.map((d) => ({ channel: d.channel, text: d.text, link: d.link, version: d.version, length: d.length })) }),
  };
}

function formatPlan(p: AmplificationPlan): string {
  const deadline = new Date(p.windowDeadline).toLocaleString("en-US", { timeZone: p.timezone, dateStyle: "medium", timeStyle: "short" });
  const lines = [
    `${p.id}  ${p.status}  ${p.clientId}  deadline ${deadline} (${p.timezone})`,
    `  release: ${p.release.title}`,
    ...p.drafts.map((d) => `  [${d.channel}] ${d.text.replace(/\n+/g, " / ")}`),
    ...p.skipped.map((s) => `  [${s.channel}] skipped: ${s.reason}`),
    ...(p.briefs as Array<{ platform: string; audience?: { summary?: string } }>).map((b) => `  ad brief (${b.platform}): ${b.audience?.summary ?? ""}`),
    ...(p.decision === undefined ? [] : [`  ${p.decision.action} by ${p.decision.by} at ${p.decision.at}`]),
    ...(scheduleOf(p)?.actions ?? []).map((a) => `  ${actionLabel(a)}: ${a.cancelled !== undefined ? "cancelled" : a.held !== undefined ? "waiting for a wire" : `at ${a.scheduledFor}`}${a.guard === undefined ? "" : ` (moved by ${a.guard.rule})`}`),
    ...(p.publication?.actions ?? []).map((a) => `  ${publishedActionLine(a)}`),
  ];
  return `${lines.join("\n")}\n\n`;
}

/** One line per publishing action: where, what happened, and the link or the reason. */
export function publishedActionLine(a: PublishedAction): string {
  if (a.status === "failed") return `${actionLabel(a)}: FAILED${a.retryable ? " (temporary)" : ""}: ${a.reason ?? ""}`;
  if (a.dryRun) return `${actionLabel(a)}: dry run (no credentials; post it by hand)`;
  return `${actionLabel(a)}: published${a.url === null ? "" : ` ${a.url}`}`;
}
