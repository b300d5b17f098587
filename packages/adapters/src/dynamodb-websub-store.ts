import { GetCommand, PutCommand, TransactWriteCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { WebSubStore, WebSubSubscription } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

/**
 * WebSubStore on the one table (docs/data-model.md, docs/websub.md): the subscription item
 * `WEBSUB#<callbackId>` / `SUB` (everything, the secret included: it lives only here), and the feed's
 * pointer `FEED#<feedId>` / `WEBSUB` to its current subscription. A callback request reads one item
 * (GetItem); the renewal step two batches (pointers, then subscriptions). A new subscription and its
 * pointer are one transaction; a state change is conditional on the subscription's version.
 */
export class DynamoWebSubStore extends DynamoTable implements WebSubStore {
  async currentFor(feedIds: readonly string[]): Promise<Map<string, WebSubSubscription>> {
    const out = new Map<string, WebSubSubscription>();
    if (feedIds.length === 0) return out;
    const pointers = await this.batchGet(feedIds.map((id) => keys.websubCurrent(id)));
    const ids = pointers.map((p) => String(p.callbackId));
    if (ids.length === 0) return out;
    for (const item of await this.batchGet(ids.map((id) => keys.websubSubscription(id)))) {
      const sub = item.subscription as WebSubSubscription;
      out.set(sub.feedId, sub);
    }
    return out;
  }

  async get(callbackId: string): Promise<WebSubSubscription | undefined> {
    const res = await this.send<{ Item?: Item }>(
      "GetItem",
      new GetCommand({ TableName: this.tableName, Key: keys.websubSubscription(callbackId), ConsistentRead: true }),
    );
    return res.Item?.subscription as WebSubSubscription | undefined;
  }

  async create(subscription: WebSubSubscription): Promise<void> {
    await this.send(
      "TransactWriteItems",
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.websubSubscription(subscription.callbackId), type: "WebSubSubscription", feedId: subscription.feedId, subscription },
              ConditionExpression: "attribute_not_exists(PK)",
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.websubCurrent(subscription.feedId), type: "WebSubCurrent", callbackId: subscription.callbackId, at: subscription.requestedAt },
            },
          },
        ],
      }),
    );
  }

  async update(subscription: WebSubSubscription, expectedVersion: number): Promise<"written" | "stale"> {
    const written = await this.tryWrite(
      "PutItem",
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.websubSubscription(subscription.callbackId), type: "WebSubSubscription", feedId: subscription.feedId, subscription },
        ConditionExpression: "#s.#v = :expected",
        ExpressionAttributeNames: { "#s": "subscription", "#v": "version" },
        ExpressionAttributeValues: { ":expected": expectedVersion },
      }),
    );
    return written ? "written" : "stale";
  }
}
