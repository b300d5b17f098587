import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, UpdateCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { ActionClaim, BusEvent, PlanPublication, PublicationStore, PublishActionRecord } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

function toRecord(item: Item): PublishActionRecord {
  return {
    planId: item.planId,
    key: item.key,
    kind: item.kind,
    platform: item.platform,
    state: item.state,
    attempt: item.attempt,
    startedAt: item.startedAt,
    finishedAt: item.finishedAt ?? null,
    platformIds: item.platformIds ?? {},
    url: item.url ?? null,
    reason: item.reason ?? null,
    retryable: item.retryable === true,
    dryRun: item.dryRun ?? null,
    ...(typeof item.retryNotBefore === "string" ? { retryNotBefore: item.retryNotBefore } : {}),
  };
}

/**
 * PublicationStore on the one table: one item per platform action under the plan's partition
 * (`PUB#<action key>`), claimed with a lease before any platform call, and the plan's publication
 * summary written with its Amplification Published event in one transaction. A failure the platform
 * asked to wait on keeps `retryNotBefore` on the item, and the claim's condition respects it.
 */
export class DynamoPublicationStore extends DynamoTable implements PublicationStore {
  async claimAction(
    planId: string,
    action: { key: string; kind: PublishActionRecord["kind"]; platform: PublishActionRecord["platform"] },
    now: string,
    leaseUntil: string,
    options: { retryFailed: boolean; maxAttempts: number },
  ): Promise<ActionClaim> {
    const neverClaimed = "attribute_not_exists(PK)";
    const abandoned = "(#state = :inflight AND leaseUntil <= :now)";
    const worthRetrying = options.retryFailed ? "#state = :failed" : "(#state = :failed AND retryable = :true AND attempt < :max)";
    const platformWaitOver = "(attribute_not_exists(retryNotBefore) OR retryNotBefore <= :now)";
    try {
      const res = await this.send<{ Attributes?: Item }>(
        "UpdateItem",
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.publishAction(planId, action.key),
          UpdateExpression:
            "SET #type = :type, planId = :planId, #key = :key, kind = :kind, platform = :platform, #state = :inflight, leaseUntil = :until, startedAt = :now, attempt = if_not_exists(attempt, :zero) + :one",
          ConditionExpression: `${neverClaimed} OR ${abandoned} OR (${worthRetrying} AND ${platformWaitOver})`,
          ExpressionAttributeNames: { "#type": "type", "#key": "key", "#state": "state" },
          ExpressionAttributeValues: {
            ":type": "PublishAction",
            ":planId": planId,
            ":key": action.key,
            ":kind": action.kind,
            ":platform": action.platform,
            ":inflight": "in-flight",
            ":failed": "failed",
            ":until": leaseUntil,
            ":now": now,
            ":zero": 0,
            ":one": 1,
            ...(options.retryFailed ? {} : { ":true": true, ":max": options.maxAttempts }),
          },
          ReturnValues: "ALL_OLD",
        }),
      );
      const previous = res.Attributes;
      // Anything before this claim may have reached the platform: an abandoned claim, or a failure
      // after an ambiguous answer. The adapter then looks the object up before creating it.
      return { claim: "claimed", attempt: ((previous?.attempt as number | undefined) ?? 0) + 1, reconcile: previous !== undefined };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: keys.publishAction(planId, action.key), ConsistentRead: true }));
      if (res.Item === undefined) return { claim: "in-progress" };
      const record = toRecord(res.Item);
      if (record.state === "published") return { claim: "published", record };
      if (record.state === "failed") return { claim: "failed", record };
      return { claim: "in-progress" };
    }
  }

  async finishAction(
    planId: string,
    key: string,
    attempt: number,
    result: Pick<PublishActionRecord, "state" | "finishedAt" | "platformIds" | "url" | "reason" | "retryable" | "dryRun" | "retryNotBefore">,
  ): Promise<"saved" | "lost"> {
    const stillOurClaim = "#state = :inflight AND attempt = :attempt";
    const waits = result.retryNotBefore !== undefined;
    const saved = await this.tryWrite(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.publishAction(planId, key),
        UpdateExpression: `SET #state = :state, finishedAt = :finishedAt, platformIds = :ids, #url = :url, reason = :reason, retryable = :retryable, dryRun = :dryRun${waits ? ", retryNotBefore = :notBefore" : ""} REMOVE leaseUntil${waits ? "" : ", retryNotBefore"}`,
        ConditionExpression: stillOurClaim,
        ExpressionAttributeNames: { "#state": "state", "#url": "url" },
        ExpressionAttributeValues: {
          ":inflight": "in-flight",
          ":attempt": attempt,
          ":state": result.state,
          ":finishedAt": result.finishedAt,
          ":ids": result.platformIds,
          ":url": result.url,
          ":reason": result.reason,
          ":retryable": result.retryable,
          ":dryRun": result.dryRun,
          ...(waits ? { ":notBefore": result.retryNotBefore } : {}),
        },
      }),
    );
    return saved ? "saved" : "lost";
  }

  async actionRecords(planId: string): Promise<PublishActionRecord[]> {
    return (await this.queryPrefix(keys.plan(planId).PK, "PUB#")).map(toRecord);
  }

  async completePublication(planId: string, status: "published" | "publish_failed", publication: PlanPublication, event: BusEvent): Promise<"completed" | "unchanged"> {
    // A run that read the records before a newer run finished must not overwrite the newer outcome.
    const approvedAndNewerThanTheRecordedOutcome =
      "decision.#action = :approved AND #status IN (:approved, :published, :failed) AND (attribute_not_exists(publicationEventId) OR publicationEventId <> :eventId) AND (attribute_not_exists(publication) OR publication.#at <= :at)";
    const written = await this.transactUpdate(
      {
        Key: keys.plan(planId),
        UpdateExpression: "SET #status = :status, publication = :publication, publicationEventId = :eventId",
        ConditionExpression: approvedAndNewerThanTheRecordedOutcome,
        ExpressionAttributeNames: { "#status": "status", "#action": "action", "#at": "at" },
        ExpressionAttributeValues: { ":status": status, ":publication": publication, ":approved": "approved", ":published": "published", ":failed": "publish_failed", ":eventId": event.id, ":at": publication.at },
      },
      this.outboxPut(event),
    );
    return written ? "completed" : "unchanged";
  }

  async recordProgress(planId: string, publication: PlanPublication): Promise<void> {
    await this.tryWrite(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.plan(planId),
        UpdateExpression: "SET publication = :publication",
        ConditionExpression: "#status = :approved AND (attribute_not_exists(publication) OR publication.#at <= :at)",
        ExpressionAttributeNames: { "#status": "status", "#at": "at" },
        ExpressionAttributeValues: { ":publication": publication, ":approved": "approved", ":at": publication.at },
      }),
    );
  }
}
