import { planDeps } from "@pressbridge/adapters";
import { flushOutbox, replanRelease, ValidationError } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import type { CommandArgs } from "../command-args.ts";
import { commandContext } from "../runtime/local-context.ts";
import { EXIT_WORK_OWED, owedLine } from "../runtime/owed-work.ts";
import { CLI_ACTOR } from "../runtime/workspace-context.ts";
import { requiredFlag } from "../workspace-flags.ts";

/** How long `plan` waits for the approval emails of the plans it created before leaving them owed. */
const SETTLE_MS = 10_000;

/**
 * `pressbridge plan --release ID [--client ID]`: plans a stored release again with the workspace's
 * current clients (replanRelease): new matches get plans, existing plans stay; with --client, a plan
 * for that client whatever its keywords. The consumers run in this process, so the new plans'
 * approvers are emailed before it exits (or the emails stay owed, exit 3, like poll).
 */
export async function planCommand(args: CommandArgs): Promise<number> {
  const releaseId = requiredFlag(args, "release", "the id of the release to plan, from `pressbridge releases --json`");
  const clientId = typeof args.client === "string" ? args.client : undefined;
  const logger = createCliLogger();
  const ctx = await commandContext(args, logger);
  let owed = "";
  try {
    const outcome = await replanRelease(await planDeps(ctx), { releaseId, clientId, requestedBy: CLI_ACTOR }).catch((err: unknown) => {
      // The use case names `release` and `client`; here they are flags.
      if (err instanceof ValidationError && (err.field === "release" || err.field === "client")) {
        throw new ValidationError(`--${err.field}`, err.message.slice(err.field.length + 2), { cause: err });
      }
      throw err;
    });
    await flushOutbox(ctx, 0);
    const settled = await ctx.bus.settle(SETTLE_MS);
    if (settled.waiting > 0) owed = owedLine(settled);
    if (args.json === true) {
      process.stdout.write(`${JSON.stringify({ ...outcome, delivery: { owed: settled.waiting, byConsumer: settled.byConsumer } }, null, 2)}\n`);
    } else if (outcome.status === "baseline") {
      process.stdout.write(`release ${releaseId} is a baseline (seen on the feed's first poll); plan it for a client with --client ID\n`);
    } else if (outcome.plans.length === 0) {
      process.stdout.write(`release ${releaseId} matches no client; plan it for one with --client ID\n`);
    } else {
      for (const p of outcome.plans) {
        process.stdout.write(`${p.result === "created" ? "planned" : "kept   "}  ${p.clientId}  ${p.planId}  (${p.reason})\n`);
      }
    }
  } finally {
    await ctx.close();
  }
  if (owed === "") return 0;
  process.stderr.write(`pressbridge plan: ${owed}; \`pressbridge start\` or the next poll delivers them\n`);
  return EXIT_WORK_OWED;
}
