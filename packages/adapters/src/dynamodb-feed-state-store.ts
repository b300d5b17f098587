import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { FeedState, FeedStateStore } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

/**
 * FeedStateStore on the one table (see docs/data-model.md): one item a feed, read with
 * BatchGetItem (eventually consistent when the caller says it may be: the poll, whose write is
 * conditional on the version it read), written with a condition on the version read (optimistic
 * concurrency).
 */
export class DynamoFeedStateStore extends DynamoTable implements FeedStateStore {
  async getFeedStates(feedIds: readonly string[], options: { consistent?: boolean } = {}): Promise<Map<string, FeedState>> {
    const items = await this.batchGet(feedIds.map((id) => keys.feedState(id)), options);
    const out = new Map<string, FeedState>();
    for (const item of items) {
      const state = item.state as FeedState | undefined;
      if (state !== undefined) out.set(state.feedId, state);
    }
    return out;
  }

  async putFeedState(state: FeedState, expectedVersion: number | undefined): Promise<"written" | "stale"> {
    const isFirstWrite = expectedVersion === undefined;
    const written = await this.tryWrite(
      "PutItem",
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.feedState(state.feedId), type: "FeedState", state },
        ConditionExpression: isFirstWrite ? "attribute_not_exists(PK)" : "#state.#version = :expected",
        ...(isFirstWrite
          ? {}
          : { ExpressionAttributeNames: { "#state": "state", "#version": "version" }, ExpressionAttributeValues: { ":expected": expectedVersion } }),
      }),
    );
    return written ? "written" : "stale";
  }
}
