/**
 * The single-table design (documented in docs/data-model.md). Every key Pressbridge writes is built
 * here, so the access patterns are visible in one place and infra can create the same indexes.
 */
export const TABLE_KEYS = {
  pk: "PK",
  sk: "SK",
  gsi1: "GSI1",
  gsi1pk: "GSI1PK",
  gsi1sk: "GSI1SK",
  gsi2: "GSI2",
  gsi2pk: "GSI2PK",
  gsi2sk: "GSI2SK",
  ttl: "expiresAt",
} as const;

export const keys = {
  /** The workspace's one partition: clients, feeds, people, settings, META (docs/data-model.md). */
  workspace: () => "WORKSPACE",
  workspaceEntity: (prefix: string, id: string) => ({ PK: "WORKSPACE", SK: `${prefix}${id}` }),
  /** The workspace's log of changes, one partition, `<at>#<id>`. */
  workspaceLog: () => "WSLOG",
  /** A client's media list: META and its contacts `C#<generation>#<emailSha256>`. */
  mediaList: (clientId: string) => `MEDIALIST#${clientId}`,
  /** A signed-in session, by the SHA-256 of its id (the cookie value is never stored). */
  session: (idHash: string) => ({ PK: `SESSION#${idHash}`, SK: "SESSION" }),
  /** A person's sessions, for signing them out everywhere. */
  sessionsOf: (email: string, createdAt: string, idHash: string) => ({ GSI1PK: `SESSIONS#${email}`, GSI1SK: `${createdAt}#${idHash}` }),
  sessionsOfPk: (email: string) => `SESSIONS#${email}`,
  /** That a sign-in link (its nonce) was used: the single-use claim. */
  signInLink: (nonce: string) => ({ PK: `SIGNIN#${nonce}`, SK: "USED" }),
  /** One fixed-window rate-limit counter (`key` names what is counted: a hashed address or IP). */
  rateLimit: (key: string, windowStart: string) => ({ PK: `RATE#${key}#${windowStart}`, SK: "RATE" }),
  feedState: (feedId: string) => ({ PK: `FEED#${feedId}`, SK: "STATE" }),
  /** WebSub (docs/websub.md): a subscription by its callback id, and a feed's pointer to its current one. */
  websubSubscription: (callbackId: string) => ({ PK: `WEBSUB#${callbackId}`, SK: "SUB" }),
  websubCurrent: (feedId: string) => ({ PK: `FEED#${feedId}`, SK: "WEBSUB" }),
  release: (releaseId: string) => ({ PK: `REL#${releaseId}`, SK: "REL" }),
  announced: (releaseId: string) => ({ PK: `REL#${releaseId}`, SK: "ANNOUNCED" }),
  fingerprint: (fingerprint: string) => ({ PK: `FP#${fingerprint}`, SK: "FP" }),
  /** One key by which a feed remembers an item it has shown (release-identity.ts `seenKeys`). */
  seenItem: (feedId: string, key: string) => ({ PK: `SEEN#${feedId}#${key}`, SK: "SEEN" }),
  releasesMonth: (month: string) => `RELEASES#${month}`,
  plan: (planId: string) => ({ PK: `PLAN#${planId}`, SK: "PLAN" }),
  plansMonth: (month: string) => `PLANS#${month}`,
  planAudit: (planId: string, at: string, linkId: string, seq: string) => ({ PK: `PLAN#${planId}`, SK: `AUDIT#${at}#${linkId}#${seq}` }),
  planEmail: (planId: string, kind: string, approver: string) => ({ PK: `PLAN#${planId}`, SK: `MAIL#${kind}#${approver.toLowerCase()}` }),
  /** sendOnce's record of one email about a client (the audit digest). */
  clientEmail: (clientId: string, kind: string, recipient: string) => ({ PK: `MAIL#CLIENT#${clientId}`, SK: `MAIL#${kind}#${recipient.toLowerCase()}` }),
  /** One platform action of a plan (publishing): its claim, then its result. */
  publishAction: (planId: string, actionKey: string) => ({ PK: `PLAN#${planId}`, SK: `PUB#${actionKey}` }),
  /** A scheduled action's trigger (local runtime; in AWS an EventBridge Scheduler schedule): beside its plan. */
  actionTrigger: (planId: string, actionKey: string) => ({ PK: `PLAN#${planId}`, SK: `TRIGGER#${actionKey}` }),
  /** Triggers by time, in one small partition (it holds only actions still waiting). */
  triggerByTime: (at: string, planId: string, actionKey: string) => ({ GSI1PK: "TRIGGERS", GSI1SK: `${at}#${planId}#${actionKey}` }),
  /** A client's matched audience on one ad platform (`AUDIENCE`) and its synced members (`M#<member>`). */
  audience: (clientId: string, platform: string) => `AUDIENCE#${clientId}#${platform}`,
  outboxEvent: (eventId: string) => ({ PK: `OUTBOX#${eventId}`, SK: "OUTBOX" }),
  /** Undelivered events, oldest first, in one small partition (it only holds events in flight). */
  outboxByTime: (createdAt: string, eventId: string) => ({ GSI1PK: "OUTBOX", GSI1SK: `${createdAt}#${eventId}` }),
  /** Plans by creation time, bucketed by month. */
  planByCreation: (createdAt: string, planId: string) => ({
    GSI1PK: `PLANS#${createdAt.slice(0, 7)}`,
    GSI1SK: `${createdAt}#${planId}`,
  }),
  /** Plans per client ordered by window deadline: the audit's time-ordered index. */
  planByDeadline: (clientId: string, windowDeadline: string, planId: string) => ({
    GSI2PK: `CLIENT#${clientId}`,
    GSI2SK: `${windowDeadline}#${planId}`,
  }),
  /** One audit report, keyed by the time the audit ran. */
  auditReport: (at: string) => ({ PK: `AUDIT#${at}`, SK: "REPORT" }),
  /** Audit reports by time, bucketed by month (listing without a scan). */
  auditReportByTime: (at: string) => ({ GSI1PK: `AUDITS#${at.slice(0, 7)}`, GSI1SK: at }),
  auditsMonth: (month: string) => `AUDITS#${month}`,
  /** Points at the newest report; only moves forward (conditional on its time). */
  latestAudit: () => ({ PK: "AUDIT#LATEST", SK: "LATEST" }),
  /** That a finding, in one state (fingerprint), was announced to a client's digest. */
  auditAnnouncement: (clientId: string, findingId: string) => ({ PK: `AUDIT#CLIENT#${clientId}`, SK: `FINDING#${findingId}` }),
  /** Releases by detection time, bucketed by month so no partition grows without bound. */
  releaseByDetection: (detectedAt: string, releaseId: string) => ({
    GSI1PK: `RELEASES#${detectedAt.slice(0, 7)}`,
    GSI1SK: `${detectedAt}#${releaseId}`,
  }),
  /** The announcement marker sorts right after its release in the same index. */
  announcedByDetection: (detectedAt: string, releaseId: string) => ({
    GSI1PK: `RELEASES#${detectedAt.slice(0, 7)}`,
    GSI1SK: `${detectedAt}#${releaseId}#A`,
  }),
};

/** The "YYYY-MM" months from `from` to `to` inclusive, oldest first. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endY = Number(to.slice(0, 4));
  const endM = Number(to.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
