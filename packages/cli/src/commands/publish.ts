import { ValidationError, publishApprovedPlan, rescheduleAction, type ScheduleRequest } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../command-args.ts";
import { publishDeps, schedulingDeps } from "@pressbridge/adapters";
import { commandContext } from "../runtime/local-context.ts";
import { publishedActionLine } from "./plans.ts";

/**
 * `pressbridge publish --plan ID [--retry-failed]`: publishes an approved plan now (what the publish
 * consumer does on Amplification Approved). Published actions are never sent again; with
 * --retry-failed, actions that failed for good (an expired token, a rejected draft) are tried again,
 * e.g. after the credentials were renewed. Exit code 1 when any action is still failed.
 */
export async function publishCommand(args: CommandArgs): Promise<number> {
  const planId = typeof args.plan === "string" ? args.plan.trim() : "";
  if (!/^p_[A-Za-z0-9_-]{10,60}$/.test(planId)) throw new ValidationError("--plan", planId === "" ? "is required (a plan id from `pressbridge plans`)" : `"${planId.slice(0, 80)}" is not a plan id`);
  if (args.action !== undefined) return rescheduleCommand(args, planId);
  const logger = createCliLogger();
  const ctx = await commandContext(args, logger);
  try {
    logger.info(ctx.credentialsDescription);
    const outcome = await publishApprovedPlan(publishDeps(ctx), { planId, retryFailed: args["retry-failed"] === true });
    await ctx.bus.drain();
    if (outcome.result === "not-found") throw new ValidationError("--plan", `no plan ${planId}`);
    if (outcome.result === "not-approved") throw new ValidationError("--plan", `plan ${planId} is not approved; approve it on its review page first`);
    const failed = outcome.actions.filter((a) => a.status === "failed");
    if (args.json === true) {
      process.stdout.write(`${JSON.stringify({ planId, result: outcome.result, actions: outcome.actions, ownerEmail: outcome.ownerEmail }, null, 2)}\n`);
    } else if (outcome.result === "in-progress") {
      process.stdout.write(`plan ${planId}: another worker is publishing it right now; run again in a few minutes\n`);
    } else {
      process.stdout.write(`plan ${planId}: ${outcome.actions.length - failed.length} of ${outcome.actions.length} actions published\n`);
      for (const a of outcome.actions) process.stdout.write(`  ${publishedActionLine(a)}\n`);
    }
    return failed.length > 0 || outcome.result === "in-progress" ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

/**
 * `pressbridge publish --plan ID --action KEY --at ISO|--now|--cancel [--reason TEXT] [--json]`:
 * moves one action of an approved plan to a time (checked against the client's disclosure guard and
 * the window's deadline: a later time needs --reason), to now (published at once), or cancels it.
 * KEY is the action's key from `plans --json`, or its short form (`post:x`, `post:x:follow-up`, `ad:meta`).
 */
async function rescheduleCommand(args: CommandArgs, planId: string): Promise<number> {
  const given = typeof args.action === "string" ? args.action.trim() : "";
  if (given === "") throw new ValidationError("--action", "needs an action key (see `pressbridge plans --json`), e.g. post:x");
  const modes = [args.at !== undefined, args.now === true, args.cancel === true].filter(Boolean).length;
  if (modes !== 1) throw new ValidationError("--at", "give exactly one of --at ISO, --now or --cancel");
  let request: ScheduleRequest | "cancel";
  if (args.cancel === true) request = "cancel";
  else if (args.now === true) request = { choice: "now" };
  else {
    const at = new Date(typeof args.at === "string" ? args.at : "");
    if (typeof args.at !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(args.at) || Number.isNaN(at.getTime())) {
      throw new ValidationError("--at", "must be an ISO time with its offset, e.g. 2026-12-08T09:30:00-05:00");
    }
    request = { choice: "at", at, ...(typeof args.reason === "string" ? { lateReason: args.reason } : {}) };
  }
  const logger = createCliLogger();
  const ctx = await commandContext(args, logger);
  try {
    const deps = publishDeps(ctx);
    const sched = schedulingDeps(ctx);
    const plan = await ctx.plans.getPlan(planId);
    if (plan === undefined) throw new ValidationError("--plan", `no plan ${planId}`);
    if (plan.decision?.action !== "approved" || plan.status !== "approved") throw new ValidationError("--plan", `plan ${planId} is ${plan.status.replace(/_/g, " ")}; only an approved plan that is not fully published has a schedule to change`);
    const changed = await rescheduleAction(
      { plans: ctx.plans, scheduler: ctx.scheduler, ...sched },
      { plan, records: await ctx.publications.actionRecords(planId), key: given, request, by: "cli", now: ctx.clock.now() },
    );
    if (changed.status === "conflict") {
      throw new ValidationError("--action", "the plan's schedule was changed by someone else meanwhile (or the plan is no longer approved); run the command again");
    }
    const { key, entry } = changed;
    // Now means now: published in this command, not at the next tick. A cancel runs publishing too,
    // which completes the plan when nothing else is left to go.
    const outcome = request === "cancel" || request.choice === "now" ? await publishApprovedPlan(deps, { planId }) : undefined;
    await ctx.bus.drain();
    const result = { planId, action: entry, published: outcome?.actions.find((a) => a.key === key) ?? null };
    if (args.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const what = entry.cancelled !== undefined ? "cancelled" : `scheduled for ${entry.scheduledFor}${entry.guard === undefined ? "" : ` (moved from ${entry.guard.from} by ${entry.guard.rule})`}${entry.late ? " — after the deadline" : ""}`;
      process.stdout.write(`plan ${planId}: ${key} ${what}\n`);
      if (result.published !== null) process.stdout.write(`  ${publishedActionLine(result.published)}\n`);
    }
    return result.published?.status === "failed" ? 1 : 0;
  } finally {
    await ctx.close();
  }
}
