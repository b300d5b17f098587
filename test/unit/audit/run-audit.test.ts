import { MemoryEmailLedger } from "../../support/memory-email-ledger.ts";
import { describe, expect, it } from "vitest";
import {
  MailError,
  buildAuditReport,
  newlyMissedSince,
  sendAuditDigests,
  type AuditStore,
  type EmailMessage,
  type FindingClaim,
  type Mailer,
} from "@pressbridge/core";
import { HOUR, T0, config, plan } from "../../support/audit-fixtures.ts";

/** The announcement records in memory, with the same claim rules as the DynamoDB adapter. */
class MemoryAnnouncements implements Pick<AuditStore, "claimFinding" | "announcedFingerprints" | "markFindingAnnounced" | "releaseFinding"> {
  readonly records = new Map<string, { fingerprint: string; status: "sending" | "sent" | "released"; leaseUntil: string | null }>();
  async claimFinding(c: FindingClaim) {
    const key = `${c.clientId}|${c.findingId}`;
    const r = this.records.get(key);
    if (r === undefined || r.fingerprint !== c.fingerprint || r.status === "released" || (r.status === "sending" && r.leaseUntil! <= c.now)) {
      this.records.set(key, { fingerprint: c.fingerprint, status: "sending", leaseUntil: c.leaseUntil });
      return "claimed" as const;
    }
    return r.status === "sent" ? ("announced" as const) : ("in-progress" as const);
  }
  async announcedFingerprints(clientId: string, ids: readonly string[]) {
    const out = new Map<string, string>();
    for (const id of ids) {
      const r = this.records.get(`${clientId}|${id}`);
      if (r?.status === "sent") out.set(id, r.fingerprint);
    }
    return out;
  }
  async markFindingAnnounced(clientId: string, findingId: string, fingerprint: string) {
    const r = this.records.get(`${clientId}|${findingId}`);
    if (r?.fingerprint === fingerprint) r.status = "sent";
  }
  async releaseFinding(clientId: string, findingId: string, fingerprint: string) {
    const r = this.records.get(`${clientId}|${findingId}`);
    if (r?.fingerprint === fingerprint && r.status === "sending") r.status = "released";
  }
}

class FlakyMailer implements Mailer {
  readonly sent: EmailMessage[] = [];
  failFor: string | null = "lead@globex.example";
  async send(m: EmailMessage) {
    if (this.failFor !== null && m.to.includes(this.failFor)) throw new MailError("451 try again later", true);
    this.sent.push(m);
    return { messageId: `<${this.sent.length}@test>` };
  }
}

describe("sendAuditDigests", () => {
  const now = new Date(T0 + 80 * HOUR);
  const report = buildAuditReport({ now, config, plans: [plan("p_a", 0), plan("p_g", 0, {}, "globex")], releases: [], feedStates: new Map() });

  it("one client's mail failure leaves that client's findings unannounced and the other client's digest sent", async () => {
    const audits = new MemoryAnnouncements();
    const mailer = new FlakyMailer();
    const deps = { config, audits: audits as unknown as AuditStore, mailer, emails: new MemoryEmailLedger(), clock: { now: () => now }, from: "audit@pressbridge.example" };

    const first = await sendAuditDigests(deps, report);
    expect(first.map((d) => `${d.clientId}:${d.status}`)).toEqual(["acme:sent", "globex:failed"]);
    expect(first[1]!.error).toMatch(/451/);
    expect(audits.records.get("globex|missed:plan:p_g")?.status).toBe("released");
    expect(mailer.sent.map((m) => m.to)).toEqual([["pr-lead@acme.example", "social@acme.example"]]);

    mailer.failFor = null;
    const second = await sendAuditDigests(deps, report);
    expect(second.map((d) => `${d.clientId}:${d.status}:${d.announced.join(",")}`)).toEqual(["acme:nothing-new:", "globex:sent:missed:plan:p_g"]);
    expect(mailer.sent).toHaveLength(2);

    const third = await sendAuditDigests(deps, report);
    expect(third.every((d) => d.status === "nothing-new")).toBe(true);
  });

  it("a digest that was sent is not sent again when marking it announced fails once", async () => {
    const audits = new MemoryAnnouncements();
    const mark = audits.markFindingAnnounced.bind(audits);
    let failures = 1;
    audits.markFindingAnnounced = async (...args: Parameters<typeof mark>) => {
      if (failures-- > 0) throw new Error("ProvisionedThroughputExceededException");
      return mark(...args);
    };
    const mailer = new FlakyMailer();
    mailer.failFor = null;
    const deps = { config, audits: audits as unknown as AuditStore, mailer, emails: new MemoryEmailLedger(), clock: { now: () => now }, from: "audit@pressbridge.example" };
    const first = await sendAuditDigests(deps, report);
    expect(first.every((d) => d.status === "sent")).toBe(true);
    const second = await sendAuditDigests(deps, report);
    expect(second.every((d) => d.status === "nothing-new")).toBe(true);
    expect(mailer.sent).toHaveLength(2); // one per client, once
  });

  it("sends nothing when all is well", async () => {
    const quiet = buildAuditReport({ now, config: { ...config, feeds: [] }, plans: [], releases: [], feedStates: new Map() });
    const mailer = new FlakyMailer();
    const out = await sendAuditDigests(
      { config, audits: new MemoryAnnouncements() as unknown as AuditStore, mailer, emails: new MemoryEmailLedger(), clock: { now: () => now }, from: "a@b.example" },
      quiet,
    );
    expect(out).toEqual([]);
    expect(mailer.sent).toEqual([]);
  });
});

describe("newlyMissedSince (the MissedWindows metric)", () => {
  const finding = (deadline: string) => ({ kind: "missed" as const, deadline });
  const report = { at: "2026-11-05T12:00:00.000Z", findings: [finding("2026-11-05T11:30:00.000Z"), finding("2026-11-05T09:30:00.000Z"), finding("2026-11-04T12:00:00.000Z")] } as never;
  it("counts windows closed since the previous audit, so a failed run's misses are counted by the next", () => {
    expect(newlyMissedSince(report, "2026-11-05T11:00:00.000Z")).toBe(1);
    expect(newlyMissedSince(report, "2026-11-05T09:00:00.000Z")).toBe(2); // the 10:00 and 11:00 runs failed
  });
  it("falls back to the last hour without a usable previous audit", () => {
    expect(newlyMissedSince(report, undefined)).toBe(1);
    expect(newlyMissedSince(report, "2026-11-06T00:00:00.000Z")).toBe(1); // a report from the future (audit --now in the past)
  });
});

