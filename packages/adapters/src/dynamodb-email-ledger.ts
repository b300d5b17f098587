import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, UpdateCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { EmailClaim, EmailClaimKey, EmailLedger } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

/**
 * sendOnce's ledger on the one table: one item per (scope, kind, recipient). A plan's emails live in
 * the plan's partition (`PLAN#<id>`, `MAIL#<kind>#<recipient>`), where the plan page and the delivery
 * sweep read them; a client's (the audit digest) in `MAIL#CLIENT#<id>`.
 */
export class DynamoEmailLedger extends DynamoTable implements EmailLedger {
  async claimEmail(key: EmailClaimKey, now: string, leaseUntil: string): Promise<EmailClaim> {
    const unclaimedOrAbandoned = "attribute_not_exists(PK) OR #status = :released OR (#status = :sending AND leaseUntil <= :now)";
    try {
      await this.send(
        "PutItem",
        new PutCommand({
          TableName: this.tableName,
          Item: { ...itemKey(key), type: "Email", ...scopeFields(key), approver: key.recipient, kind: key.kind, status: "sending", leaseUntil, at: now },
          ConditionExpression: unclaimedOrAbandoned,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":released": "released", ":sending": "sending", ":now": now },
        }),
      );
      return "claimed";
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const status = (await this.emailRecord(key))?.status;
      return status === "sent" ? "sent" : status === "failed" ? "failed" : "in-progress";
    }
  }

  async markEmailSent(key: EmailClaimKey, messageId: string, at: string): Promise<void> {
    await this.send(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: itemKey(key),
        UpdateExpression: "SET #status = :sent, messageId = :id, sentAt = :at REMOVE leaseUntil, lastError",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":sent": "sent", ":id": messageId, ":at": at },
      }),
    );
  }

  /** Gives a claim back; a no-op when the record is no longer "sending" (a later attempt owns it). */
  async releaseEmail(key: EmailClaimKey, error: string, permanent: boolean): Promise<void> {
    await this.tryWrite(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: itemKey(key),
        UpdateExpression: "SET #status = :status, lastError = :error REMOVE leaseUntil",
        ConditionExpression: "#status = :sending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":status": permanent ? "failed" : "released", ":error": error.slice(0, 1000), ":sending": "sending" },
      }),
    );
  }

  async emailRecord(key: EmailClaimKey): Promise<{ status: "sending" | "sent" | "failed" | "released"; at: string } | undefined> {
    const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: itemKey(key), ConsistentRead: true }));
    if (res.Item === undefined) return undefined;
    return { status: res.Item.status as "sending" | "sent" | "failed" | "released", at: res.Item.at as string };
  }
}

function itemKey(key: EmailClaimKey): { PK: string; SK: string } {
  if (key.scope.startsWith("plan:")) return keys.planEmail(key.scope.slice(5), key.kind, key.recipient);
  return keys.clientEmail(key.scope.slice(7), key.kind, key.recipient);
}

function scopeFields(key: EmailClaimKey): Record<string, string> {
  return key.scope.startsWith("plan:") ? { planId: key.scope.slice(5) } : { clientId: key.scope.slice(7) };
}
