import { randomBytes } from "node:crypto";
import type { NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { ApprovalStore, BusEvent, PlanAuditEntry, PlanDecision, PlanDraft } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

/**
 * Approval state on the one table: decisions and draft versions as conditional transactions with
 * their audit entries (the outbox item of a decision rides in the same transaction). The plan's
 * email records are written by DynamoEmailLedger; this store only lists them for the plan page.
 */
export class DynamoApprovalStore extends DynamoTable implements ApprovalStore {
  private auditItem(entry: PlanAuditEntry): Item {
    return { ...keys.planAudit(entry.planId, entry.at, entry.linkId, randomBytes(4).toString("hex")), type: "PlanAudit", ...entry };
  }

  async saveDraftVersion(planId: string, draftIndex: number, draft: PlanDraft, expectedVersion: number, audit: PlanAuditEntry): Promise<"saved" | "conflict"> {
    const draftIsStillTheOneShown = "#status = :pending AND #drafts[" + draftIndex + "].#version = :expected AND #drafts[" + draftIndex + "].#channel = :channel";
    const written = await this.transactUpdate(
      {
        Key: keys.plan(planId),
        UpdateExpression: `SET #drafts[${draftIndex}] = :draft`,
        ConditionExpression: draftIsStillTheOneShown,
        ExpressionAttributeNames: { "#status": "status", "#drafts": "drafts", "#version": "version", "#channel": "channel" },
        ExpressionAttributeValues: { ":pending": "pending_approval", ":expected": expectedVersion, ":channel": draft.channel, ":draft": draft },
      },
      { Put: { TableName: this.tableName, Item: this.auditItem(audit) } },
    );
    return written ? "saved" : "conflict";
  }

  async decide(
    planId: string,
    decision: PlanDecision,
    shownVersions: ReadonlyArray<{ index: number; version: number }>,
    audit: PlanAuditEntry,
    event: BusEvent,
  ): Promise<"decided" | "conflict"> {
    const names: Record<string, string> = { "#status": "status", "#drafts": "drafts", "#version": "version" };
    const values: Record<string, NativeAttributeValue> = { ":pending": "pending_approval", ":status": decision.action, ":decision": decision };
    const versionChecks = shownVersions.map((s, i) => {
      values[`:v${i}`] = s.version;
      return `#drafts[${s.index}].#version = :v${i}`;
    });
    const stillPendingAtShownVersions = ["#status = :pending", "attribute_not_exists(decision)", ...versionChecks].join(" AND ");
    const written = await this.transactUpdate(
      {
        Key: keys.plan(planId),
        UpdateExpression: "SET #status = :status, decision = :decision",
        ConditionExpression: stillPendingAtShownVersions,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
      { Put: { TableName: this.tableName, Item: this.auditItem(audit) } },
      this.outboxPut(event),
    );
    return written ? "decided" : "conflict";
  }

  async auditTrail(planId: string): Promise<PlanAuditEntry[]> {
    const items = await this.queryPrefix(keys.plan(planId).PK, "AUDIT#");
    return items.map((i) => ({
      planId: i.planId,
      at: i.at,
      by: i.by,
      action: i.action,
      linkId: i.linkId,
      channel: i.channel ?? null,
      draftVersions: i.draftVersions ?? {},
      comment: i.comment ?? null,
    }));
  }

  async emailRecords(planId: string) {
    const items = await this.queryPrefix(keys.plan(planId).PK, "MAIL#");
    return items.map((i) => ({
      approver: i.approver as string,
      kind: i.kind as string,
      status: (i.status === "released" ? "failed" : i.status) as "sending" | "sent" | "failed",
      at: (i.sentAt ?? i.at) as string,
      messageId: (i.messageId as string | undefined) ?? null,
      error: (i.lastError as string | undefined) ?? null,
    }));
  }
}
