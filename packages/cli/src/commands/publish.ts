import { ValidationError, publishApprovedPlan } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../command-args.ts";
import { publishDeps } from "@pressbridge/adapters";
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
