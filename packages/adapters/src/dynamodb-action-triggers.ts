import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ActionTrigger, ActionTriggerQueue } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

/**
 * Scheduled actions' triggers on the one table, for the local runtime (in AWS each is an EventBridge
 * Scheduler schedule instead): one item per waiting action beside its plan, indexed by time in the
 * small `TRIGGERS` partition of GSI1, so the timer's query reads only what is due. They are data, so
 * a restart of `pressbridge start` loses none. `ensure` overwrites (a move is a new time), `cancel`
 * deletes; both are idempotent.
 */
export class DynamoActionTriggers extends DynamoTable implements ActionTriggerQueue {
  async ensure(trigger: ActionTrigger): Promise<void> {
    await this.send(
      "PutItem",
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.actionTrigger(trigger.planId, trigger.actionKey),
          ...keys.triggerByTime(trigger.at, trigger.planId, trigger.actionKey),
          type: "ActionTrigger",
          ...trigger,
        },
      }),
    );
  }

  async cancel(trigger: Pick<ActionTrigger, "planId" | "actionKey">): Promise<void> {
    await this.send("DeleteItem", new DeleteCommand({ TableName: this.tableName, Key: keys.actionTrigger(trigger.planId, trigger.actionKey) }));
  }

  async due(now: string, limit: number): Promise<ActionTrigger[]> {
    const items = await this.queryIndexRange({ index: "GSI1", pk: "TRIGGERS", from: "0", to: `${now}\uffff`, forward: true, pageSize: Math.min(limit, 100), limit });
    return items.map((i) => ({ planId: i.planId as string, actionKey: i.actionKey as string, at: i.at as string, timeZone: i.timeZone as string }));
  }
}
