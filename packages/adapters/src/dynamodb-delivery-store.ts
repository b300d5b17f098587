import type { DeliverySweepStore, PlanOwingEmail, UnplannedRelease } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { toPlan } from "./dynamodb-plan-store.ts";
import { keys, monthsBetween } from "./table-design.ts";

/**
 * The delivery sweep's reads on the one table, month partition by month partition of GSI1 (never a
 * Scan), filtered on the server so only candidates come back:
 * - releases: `RELEASES#<month>` holds each release; one that is not a baseline and has no
 *   `planning` is a candidate;
 * - plans: `PLANS#<month>`, pending approval with the window still open; then each candidate's
 *   approval email records (one Query of its own partition) say which approvers are owed.
 */
export class DynamoDeliveryStore extends DynamoTable implements DeliverySweepStore {
  async unplannedReleases(options: { from: string; to: string; limit: number }): Promise<UnplannedRelease[]> {
    const unplanned = "#type = :release AND announce <> :baseline AND attribute_not_exists(planning)";
    const out: UnplannedRelease[] = [];
    for (const month of monthsBetween(options.from, options.to)) {
      const items = await this.queryIndexRange({
        index: "GSI1",
        pk: keys.releasesMonth(month),
        from: options.from,
        to: `${options.to}\uffff`,
        forward: true,
        filter: { expression: unplanned, names: { "#type": "type" }, values: { ":release": "Release", ":baseline": "baseline" } },
      });
      for (const i of items) {
        out.push({ releaseId: i.id as string, detectedAt: i.detectedAt as string });
        if (out.length >= options.limit) return out;
      }
    }
    return out;
  }

  async plansOwingApprovalEmail(options: { from: string; to: string; now: string; limit: number }): Promise<PlanOwingEmail[]> {
    const pendingWithWindowOpen = "#status = :pending AND windowDeadline > :now";
    const out: PlanOwingEmail[] = [];
    for (const month of monthsBetween(options.from, options.to)) {
      const items = await this.queryIndexRange({
        index: "GSI1",
        pk: keys.plansMonth(month),
        from: options.from,
        to: `${options.to}\uffff`,
        forward: true,
        filter: { expression: pendingWithWindowOpen, names: { "#status": "status" }, values: { ":pending": "pending_approval", ":now": options.now } },
      });
      for (const item of items) {
        const plan = toPlan(item);
        const records = await this.queryPrefix(keys.plan(plan.id).PK, "MAIL#approval#");
        const settled = new Set(
          records
            .filter((r) => r.status === "sent" || r.status === "failed" || (r.status === "sending" && typeof r.leaseUntil === "string" && r.leaseUntil > options.now))
            .map((r) => String(r.approver).toLowerCase()),
        );
        const owed = plan.approvers.filter((a) => !settled.has(a.toLowerCase()));
        if (owed.length > 0) out.push({ plan, approvers: owed });
        if (out.length >= options.limit) return out;
      }
    }
    return out;
  }
}
