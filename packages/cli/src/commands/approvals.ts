import { DynamoPlanStore } from "@pressbridge/adapters/dynamodb";
import { reviewLinkFor } from "@pressbridge/core";
import { createCliLogger } from "../cli-logger.ts";
import { intFlag, type CommandArgs } from "../command-args.ts";
import { baseUrlFor } from "../runtime/local-instance.ts";
import { dataDirFrom } from "../runtime/local-store.ts";
import { loadSigningKeys } from "../runtime/local-secrets.ts";
import { openLocalStore } from "../runtime/local-store.ts";

/**
 * `pressbridge approvals`: pending plans with each approver's review link (the same link as in their
 * email), over plans created in the last --days (default 31). Listing never changes anything.
 */
export async function approvalsCommand(args: CommandArgs): Promise<number> {
  const days = intFlag(args, "days", 31);
  const dataDir = dataDirFrom(args);
  const logger = createCliLogger();
  const opened = await openLocalStore({ dataDir, logger });
  try {
    const plansStore = new DynamoPlanStore({ client: opened.client, tableName: opened.store.tableName });
    const keys = loadSigningKeys(dataDir);
    const baseUrl = baseUrlFor(dataDir);
    const now = new Date();
    const from = new Date(now.getTime() - days * 86_400_000).toISOString();
    const plans = await plansStore.listPlans({ from, to: now.toISOString(), limit: 1000 });
    const pending = plans.filter((p) => p.status === "pending_approval");
    pending.sort((a, b) => a.windowDeadline.localeCompare(b.windowDeadline));
    const approvals = pending.flatMap((p) =>
      p.approvers.map((approver) => ({
        planId: p.id,
        clientId: p.clientId,
        approver,
        link: reviewLinkFor({ keys, baseUrl }, p, approver),
        status: p.status,
        deadline: p.windowDeadline,
        title: p.release.title,
        expired: Date.parse(p.windowDeadline) <= now.getTime(),
      })),
    );
    if (args.json === true) {
      process.stdout.write(`${JSON.stringify({ approvals }, null, 2)}\n`);
    } else if (approvals.length === 0) {
      process.stdout.write("no plans are waiting for approval\n");
    } else {
      for (const a of approvals) {
        process.stdout.write(`${a.deadline}  ${a.clientId}  ${a.title}\n  ${a.approver}: ${a.expired ? "(window closed) " : ""}${a.link}\n`);
      }
    }
    return 0;
  } finally {
    await opened.close();
  }
}
