import { PutCommand, QueryCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { BusEvent, EventOutbox } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

/**
 * The event outbox on the one table (the delivery kernel, docs/delivery.md): `OUTBOX#<event id>`
 * items, written by the stores in the transaction of the state change they announce (DynamoTable's
 * `outboxPut`), listed oldest first through GSI1's small `OUTBOX` partition, deleted once published.
 */
export class DynamoEventOutbox extends DynamoTable implements EventOutbox {
  async pendingEvents(upTo: string, limit: number): Promise<BusEvent[]> {
    const res = await this.send<{ Items?: Item[] }>(
      "Query",
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "GSI1",
        // GSI1SK is `<time>#<event id>`: every event of the instant `upTo` sorts below `upTo` + U+FFFF.
        KeyConditionExpression: "GSI1PK = :pk AND GSI1SK < :upTo",
        ExpressionAttributeValues: { ":pk": "OUTBOX", ":upTo": `${upTo}\uffff` },
        Limit: limit,
      }),
    );
    return (res.Items ?? []).map((i) => i.event as BusEvent);
  }

  /** One conditional Put per event: an id already recorded (or being published) is left as it is. */
  async recordEvents(events: readonly BusEvent[]): Promise<void> {
    for (const event of events) await this.tryWrite("PutItem", new PutCommand(this.outboxPut(event).Put));
  }

  async deleteEvents(eventIds: readonly string[]): Promise<void> {
    await this.batchDelete(eventIds.map((id) => keys.outboxEvent(id)));
  }
}
