import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import { TransientError, mergePlanning, type AmplificationPlan, type BusEvent, type PlanSchedule, type PlanStore, type ReleasePlanning } from "@pressbridge/core";
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
  /**
   * The plan and its announcement's outbox item in one transaction. Without an announcement (a plan
   * imported or seeded, never to be announced) it is one conditional Put.
   */
  async createPlan(plan: AmplificationPlan, announcement?: BusEvent): Promise<"created" | "exists"> {
    const put = {
      TableName: this.tableName,
      Item: {
        ...keys.plan(plan.id),
        ...keys.planByCreation(plan.createdAt, plan.id),
        ...keys.planByDeadline(plan.clientId, plan.windowDeadline, plan.id),
        type: "Plan",
        ...plan,
      },
      ConditionExpression: "attribute_not_exists(PK)",
    };
    const created =
      announcement === undefined
        ? await this.tryWrite("PutItem", new PutCommand(put))
        : await this.tryWrite("TransactWriteItems", new TransactWriteCommand({ TransactItems: [{ Put: put }, this.outboxPut(announcement)] }));
    return created ? "created" : "exists";
  }

  async getPlan(planId: string): Promise<AmplificationPlan | undefined> {
    const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: keys.plan(planId), ConsistentRead: true }));
    return res.Item === undefined ? undefined : toPlan(res.Item);
  }

  /**
   * Merges into what the release has: the union of clients (and their plans), the first plannedAt.
   * The write is conditional on the planning it read, so a replan and a redelivered plan racing
   * both keep their clients (a blind SET let the later one drop the other's); a lost race reads
   * again.
   */
  async recordReleasePlanning(releaseId: string, planning: ReleasePlanning): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: keys.release(releaseId), ConsistentRead: true, ProjectionExpression: "PK, planning" }));
      if (res.Item === undefined) throw new TransientError(`release ${releaseId} is not stored; its planning cannot be recorded yet`);
      const before = (res.Item.planning as ReleasePlanning | null | undefined) ?? null;
      const merged = mergePlanning(before, planning);
      if (before !== null && JSON.stringify(merged) === JSON.stringify(before)) return;
      const written = await this.tryWrite(
        "UpdateItem",
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.release(releaseId),
          UpdateExpression: "SET planning = :planning",
          ...(before === null
            ? { ConditionExpression: "attribute_exists(PK) AND (attribute_not_exists(planning) OR planning = :null)", ExpressionAttributeValues: { ":planning": merged, ":null": null } }
            : { ConditionExpression: "planning = :before", ExpressionAttributeValues: { ":planning": merged, ":before": before } }),
        }),
      );
      if (written) return;
      if (attempt >= 5) throw new TransientError(`the planning of release ${releaseId} kept changing meanwhile; retry`);
    }
  }

  async saveSchedule(planId: string, schedule: PlanSchedule, expectedRevision: number): Promise<"saved" | "conflict"> {
    const saved = await this.tryWrite(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.plan(planId),
        UpdateExpression: "SET #schedule = :schedule",
        ConditionExpression:
          expectedRevision === 0
            ? "#status = :approved AND attribute_not_exists(#schedule)"
            : "#status = :approved AND #schedule.revision = :revision",
        ExpressionAttributeNames: { "#schedule": "schedule", "#status": "status" },
        ExpressionAttributeValues: { ":schedule": schedule, ":approved": "approved", ...(expectedRevision === 0 ? {} : { ":revision": expectedRevision }) },
      }),
    );
    return saved ? "saved" : "conflict";
  }

  async listPlans(options: { from: string; to: string; limit: number }): Promise<AmplificationPlan[]> {
    const out: AmplificationPlan[] = [];
    for (const month of monthsBetween(options.from, options.to).reverse()) {
      const items = await this.queryIndexRange({ index: "GSI1", pk: keys.plansMonth(month), from: options.from, to: `${options.to}\uffff`, forward: false, pageSize: 100, limit: options.limit - out.length });
      out.push(...items.map(toPlan));
      if (out.length >= options.limit) break;
    }
    return out;
  }

  async listClientPlansByDeadline(options: { clientId: string; from: string; to: string; limit: number }): Promise<AmplificationPlan[]> {
    const pk = keys.planByDeadline(options.clientId, "", "").GSI2PK;
    const items = await this.queryIndexRange({ index: "GSI2", pk, from: options.from, to: `${options.to}\uffff`, forward: false, pageSize: 100, limit: options.limit });
    return items.map(toPlan);
  }
}
