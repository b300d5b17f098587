import type { EmailClaim, EmailClaimKey, EmailLedger } from "@pressbridge/core";

/** sendOnce's ledger in memory, with DynamoEmailLedger's rules (for unit tests of the use cases). */
export class MemoryEmailLedger implements EmailLedger {
  readonly records = new Map<string, { status: "sending" | "sent" | "failed" | "released"; at: string; leaseUntil?: string; messageId?: string; error?: string }>();

  async claimEmail(key: EmailClaimKey, now: string, leaseUntil: string): Promise<EmailClaim> {
    const id = idOf(key);
    const r = this.records.get(id);
    if (r === undefined || r.status === "released" || (r.status === "sending" && (r.leaseUntil ?? "") <= now)) {
      this.records.set(id, { status: "sending", at: now, leaseUntil });
      return "claimed";
    }
    return r.status === "sent" ? "sent" : r.status === "failed" ? "failed" : "in-progress";
  }

  async markEmailSent(key: EmailClaimKey, messageId: string, at: string): Promise<void> {
    this.records.set(idOf(key), { status: "sent", at, messageId });
  }

  async releaseEmail(key: EmailClaimKey, error: string, permanent: boolean): Promise<void> {
    const r = this.records.get(idOf(key));
    if (r?.status === "sending") this.records.set(idOf(key), { status: permanent ? "failed" : "released", at: r.at, error });
  }

  async emailRecord(key: EmailClaimKey) {
    const r = this.records.get(idOf(key));
    return r === undefined ? undefined : { status: r.status, at: r.at };
  }
}

function idOf(key: EmailClaimKey): string {
  return `${key.scope}\u0000${key.kind}\u0000${key.recipient.toLowerCase()}`;
}
