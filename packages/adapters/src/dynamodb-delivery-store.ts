import { QueryCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { DeliverySweepStore, PlanOwingEmail, UnplannedRelease } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-store.ts";
import { toPlan } from "./dynamodb-plan-store.ts";
import { keys, monthsBetween } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

/**
 * The delivery sweep's reads on the one table, month partition by month partition of GSI1 (never a
 * Scan), filtered on the server so only candidates come back:
 * - releases: `RELEASES#<month>` holds each release and its announcement marker; a release that is
 *   not a baseline and has no `planning` is a candidate, announced when its marker is there;
 * - plans: `PLANS#<month>`, pending approval with the window still open; then each candidate's
 *   approval email records (one Query of its own partition) say which approvers are owed.
 */
export class DynamoDeliveryStore extends DynamoTable implements DeliverySweepStore {
  async unplannedReleases(options: { from: string; to: string; limit: number }): Promise<UnplannedRelease[]> {
    const unplannedOrMarker = "(#type = :release AND announce <> :baseline AND attribute_not_exists(planning)) OR #type = :announced";
    const out: UnplannedRelease[] = [];
    for (const month of monthsBetween(options.from, options.to)) {
      const items = await this.#filteredRange(keys.releasesMonth(month), options.from, options.to, unplannedOrMarker, {
        ":release": "Release",
        ":announced": "Announced",
        ":baseline": "baseline",
      });
      const announced = new Set(items.filter((i) => i.type === "Announced").map((i) => i.releaseId as string));
      for (const i of items) {
        if (i.type !== "Release") continue;
        out.push({
          releaseId: i.id as string,
          detectedAt: i.detectedAt as string,
          announced: announced.has(i.id as string) || i.announce === "announced",
          announceLeaseUntil: (i.announceLeaseUntil as string | null | undefined) ?? null,
        });
        if (out.length >= options.limit) return out;
      }
    }
    return out;
  }

  async plansOwingApprovalEmail(options: { from: string; to: string; now: string; limit: number }): Promise<PlanOwingEmail[]> {
    const pendingWithWindowOpen = "#status = :pending AND windowDeadline > :now";
    const out: PlanOwingEmail[] = [];
    for (const month of monthsBetween(options.from, options.to)) {
      const items = await this.#filteredRange(keys.plansMonth(month), options.from, options.to, pendingWithWindowOpen, {
        ":pending": "pending_approval",
        ":now": options.now,
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

  /** One GSI1 partition's items with sort keys in [from, to…], filtered, every page. */
  async #filteredRange(pk: string, from: string, to: string, filter: string, values: Record<string, string>): Promise<Item[]> {
    const out: Item[] = [];
    let startKey: Item | undefined;
    do {
      const res = await this.send<{ Items?: Item[]; LastEvaluatedKey?: Item }>(
        "Query",
        new QueryCommand({
          TableName: this.tableName,
          IndexName: "GSI1",
          KeyConditionExpression: "GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to",
          FilterExpression: filter,
          ExpressionAttributeNames: filter.includes("#type") ? { "#type": "type" } : { "#status": "status" },
          ExpressionAttributeValues: { ":pk": pk, ":from": from, ":to": `${to}\uffff`, ...values },
          ExclusiveStartKey: startKey,
        }),
      );
      out.push(...(res.Items ?? []));
      startKey = res.LastEvaluatedKey;
    } while (startKey !== undefined);
    return out;
  }
}
