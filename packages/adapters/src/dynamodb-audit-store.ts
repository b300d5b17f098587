import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, UpdateCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { AmplificationPlan, AuditReport, AuditReportSummary, AuditStore, FindingClaim } from "@pressbridge/core";
import { toPlan } from "./dynamodb-plan-store.ts";
import { DynamoTable } from "./dynamodb-table.ts";
import { TABLE_KEYS, keys, monthsBetween } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

/** Findings kept in a stored report: about 400 bytes each, so the item stays far below 400 KB. */
export const MAX_STORED_FINDINGS = 500;

/**
 * The audit's reads and writes on the one table: plans by client and deadline (GSI2, paged, never a
 * Scan), reports by time (plus a "latest" pointer that only moves forward), and one announcement
 * record per client and finding for the digest's deduplication (conditional claims with a lease).
 */
export class DynamoAuditStore extends DynamoTable implements AuditStore {
  /** Items per Query page (DynamoDB's 1 MB page when unset); tests set it small to exercise paging. */
  queryPageSize: number | undefined;

  async plansByDeadline(clientId: string, from: string, to: string): Promise<AmplificationPlan[]> {
    // GSI2SK is `<deadline>#<planId>`: the upper bound takes every plan of the last instant.
    const items = await this.queryIndexRange({
      index: "GSI2",
      pk: keys.planByDeadline(clientId, "", "").GSI2PK,
      from,
      to: `${to}\uffff`,
      forward: true,
      ...(this.queryPageSize === undefined ? {} : { pageSize: this.queryPageSize }),
    });
    return items.map(toPlan);
  }

  async saveReport(report: AuditReport): Promise<void> {
    const stored: AuditReport =
      report.findings.length > MAX_STORED_FINDINGS
        ? { ...report, findings: report.findings.slice(0, MAX_STORED_FINDINGS), truncated: report.findings.length - MAX_STORED_FINDINGS }
        : report;
    // Idempotent: the same audit time always writes the same item.
    await this.send(
      "PutItem",
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.auditReport(report.at), ...keys.auditReportByTime(report.at), type: "AuditReport", report: stored },
      }),
    );
    const pointerIsOlder = "attribute_not_exists(PK) OR #at < :at";
    await this.tryWrite(
      "PutItem",
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.latestAudit(), type: "AuditLatest", at: report.at },
        ConditionExpression: pointerIsOlder,
        ExpressionAttributeNames: { "#at": "at" },
        ExpressionAttributeValues: { ":at": report.at },
      }),
    );
  }

  async latestReport(): Promise<AuditReport | undefined> {
    const pointer = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: keys.latestAudit(), ConsistentRead: true }));
    const at = pointer.Item?.at as string | undefined;
    if (at === undefined) return undefined;
    const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: keys.auditReport(at), ConsistentRead: true }));
    return res.Item?.report as AuditReport | undefined;
  }

  async listReports(options: { from: string; to: string; limit: number }): Promise<AuditReportSummary[]> {
    const out: AuditReportSummary[] = [];
    for (const month of monthsBetween(options.from, options.to).reverse()) {
      const items = await this.queryIndexRange({ index: "GSI1", pk: keys.auditsMonth(month), from: options.from, to: options.to, forward: false, pageSize: 100, limit: options.limit - out.length });
      for (const item of items) {
        const { findings: _f, dryRuns: _d, ...summary } = item.report as AuditReport;
        out.push(summary);
      }
      if (out.length >= options.limit) break;
    }
    return out;
  }

  async claimFinding(claim: FindingClaim): Promise<"claimed" | "announced" | "in-progress"> {
    const key = keys.auditAnnouncement(claim.clientId, claim.findingId);
    const newOrChangedOrFree =
      "attribute_not_exists(PK) OR fingerprint <> :fp OR #status = :released OR (#status = :sending AND leaseUntil <= :now)";
    try {
      await this.send(
        "PutItem",
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            type: "AuditAnnouncement",
            clientId: claim.clientId,
            findingId: claim.findingId,
            fingerprint: claim.fingerprint,
            status: "sending",
            leaseUntil: claim.leaseUntil,
            claimedAt: claim.now,
            [TABLE_KEYS.ttl]: Math.floor(Date.parse(claim.expiresAt) / 1000),
          },
          ConditionExpression: newOrChangedOrFree,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":fp": claim.fingerprint, ":released": "released", ":sending": "sending", ":now": claim.now },
        }),
      );
      return "claimed";
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      return res.Item?.status === "sent" && res.Item.fingerprint === claim.fingerprint ? "announced" : "in-progress";
    }
  }

  async announcedFingerprints(clientId: string, findingIds: readonly string[]): Promise<Map<string, string>> {
    const items = await this.batchGet(findingIds.map((id) => keys.auditAnnouncement(clientId, id)));
    const out = new Map<string, string>();
    for (const item of items) if (item.status === "sent") out.set(item.findingId as string, item.fingerprint as string);
    return out;
  }

  async markFindingAnnounced(clientId: string, findingId: string, fingerprint: string, messageId: string, at: string): Promise<void> {
    await this.tryWrite(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.auditAnnouncement(clientId, findingId),
        UpdateExpression: "SET #status = :sent, messageId = :id, announcedAt = :at REMOVE leaseUntil, lastError",
        // Only our own claim: a run that claimed a newer state since keeps it.
        ConditionExpression: "fingerprint = :fp",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":sent": "sent", ":id": messageId, ":at": at, ":fp": fingerprint },
      }),
    );
  }

  async releaseFinding(clientId: string, findingId: string, fingerprint: string, error: string): Promise<void> {
    await this.tryWrite(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.auditAnnouncement(clientId, findingId),
        UpdateExpression: "SET #status = :released, lastError = :error REMOVE leaseUntil",
        ConditionExpression: "#status = :sending AND fingerprint = :fp",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":released": "released", ":sending": "sending", ":error": error.slice(0, 1000), ":fp": fingerprint },
      }),
    );
  }
}
