import { GetCommand, PutCommand, UpdateCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { AmplificationPlan, PlanStore } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys, monthsBetween } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;
const PLAN_KEY_ATTRIBUTES = ["PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "type", "publicationEventId"];

/** A plan as stored, without the table's key and bookkeeping attributes. */
export function toPlan(item: Item): AmplificationPlan {
  const plan: Item = { ...item };
  for (const k of PLAN_KEY_ATTRIBUTES) delete plan[k];
  return plan as AmplificationPlan;
}

/** PlanStore on the one table: plans by id, by creation month (GSI1) and by client and deadline (GSI2). */
export class DynamoPlanStore extends DynamoTable implements PlanStore {
  async createPlan(plan: AmplificationPlan): Promise<"created" | "exists"> {
    const created = await this.tryWrite(
      "PutItem",
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.plan(plan.id),
          ...keys.planByCreation(plan.createdAt, plan.id),
          ...keys.planByDeadline(plan.clientId, plan.windowDeadline, plan.id),
          type: "Plan",
          ...plan,
        },
        ConditionExpression: "attribute_not_exists(PK)",
      }),
    );
    return created ? "created" : "exists";
  }

  async getPlan(planId: string): Promise<AmplificationPlan | undefined> {
    const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: keys.plan(planId), ConsistentRead: true }));
    return res.Item === undefined ? undefined : toPlan(res.Item);
  }

  async markPlanAnnounced(planId: string, at: string): Promise<void> {
    await this.send(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.plan(planId),
        UpdateExpression: "SET announce = :announced, announcedAt = :at",
        ConditionExpression: "attribute_exists(PK)",
        ExpressionAttributeValues: { ":announced": "announced", ":at": at },
      }),
    );
  }

  takePlanAnnounceLease(planId: string, now: string, leaseUntil: string): Promise<boolean> {
    return this.takeAnnounceLeaseOn(keys.plan(planId), now, leaseUntil);
  }

  async recordReleasePlanning(releaseId: string, planning: { plannedAt: string; clientIds: string[]; planIds: string[] }): Promise<void> {
    await this.send(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.release(releaseId),
        UpdateExpression: "SET planning = :planning",
        ConditionExpression: "attribute_exists(PK)",
        ExpressionAttributeValues: { ":planning": planning },
      }),
    );
  }

  async listPlans(options: { from: string; to: string; limit: number; clientId?: string }): Promise<AmplificationPlan[]> {
    const out: AmplificationPlan[] = [];
    const partitions =
      options.clientId === undefined
        ? monthsBetween(options.from, options.to)
            .reverse()
            .map((m) => ({ index: "GSI1" as const, pk: keys.plansMonth(m) }))
        : [{ index: "GSI2" as const, pk: keys.planByDeadline(options.clientId, "", "").GSI2PK }];
    for (const p of partitions) {
      const items = await this.queryIndexRange({ ...p, from: options.from, to: `${options.to}\uffff`, forward: false, pageSize: 100, limit: options.limit - out.length });
      out.push(...items.map(toPlan));
      if (out.length >= options.limit) break;
    }
    return out;
  }
}
