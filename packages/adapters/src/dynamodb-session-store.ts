import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { RateLimitStore, SessionStore, StoredSession } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

/**
 * Sessions, sign-in link claims and rate-limit counters on the one table (docs/data-model.md). Each
 * item carries a TTL (`expiresAt`): a session at its absolute expiry, a link claim an hour after
 * the link expired, a counter an hour after its window; expiry is also checked on read, as TTL
 * deletion lags.
 */
export class DynamoSessionStore extends DynamoTable implements SessionStore, RateLimitStore {
  async createSession(s: StoredSession): Promise<void> {
    await this.send(
      "PutItem",
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.session(s.idHash), ...keys.sessionsOf(s.email, s.createdAt, s.idHash), type: "Session", ...s, expiresAt: epochSeconds(s.absoluteExpiresAt) },
        ConditionExpression: "attribute_not_exists(PK)",
      }),
    );
  }

  async getSession(idHash: string): Promise<StoredSession | undefined> {
    const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: keys.session(idHash), ConsistentRead: true }));
    const i = res.Item;
    if (i === undefined) return undefined;
    return { idHash: i.idHash, email: i.email, createdAt: i.createdAt, lastSeenAt: i.lastSeenAt, idleExpiresAt: i.idleExpiresAt, absoluteExpiresAt: i.absoluteExpiresAt };
  }

  async touchSession(idHash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void> {
    // Only an existing session: a touch racing a sign-out must not bring the session back.
    await this.tryWrite(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.session(idHash),
        UpdateExpression: "SET lastSeenAt = :seen, idleExpiresAt = :idle",
        ConditionExpression: "attribute_exists(PK)",
        ExpressionAttributeValues: { ":seen": lastSeenAt, ":idle": idleExpiresAt },
      }),
    );
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.send("DeleteItem", new DeleteCommand({ TableName: this.tableName, Key: keys.session(idHash) }));
  }

  async deleteSessionsOf(email: string): Promise<number> {
    const items = await this.queryIndexRange({ index: "GSI1", pk: keys.sessionsOfPk(email), from: "0", to: "~", forward: true });
    await this.batchDelete(items.map((i) => ({ PK: i.PK as string, SK: i.SK as string })));
    return items.length;
  }

  async claimSignInLink(nonce: string, expiresAt: string): Promise<"claimed" | "used"> {
    const claimed = await this.tryWrite(
      "PutItem",
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.signInLink(nonce), type: "SignInLinkUsed", expiresAt: epochSeconds(expiresAt) },
        ConditionExpression: "attribute_not_exists(PK)",
      }),
    );
    return claimed ? "claimed" : "used";
  }

  async isSignInLinkUsed(nonce: string): Promise<boolean> {
    const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: keys.signInLink(nonce), ConsistentRead: true }));
    return res.Item !== undefined;
  }

  async hit(key: string, windowStart: string, limit: number, expiresAt: string): Promise<"counted" | "limited"> {
    // One atomic increment, refused once the window's count has reached the limit.
    const belowLimit = "attribute_not_exists(#n) OR #n < :limit";
    const counted = await this.tryWrite(
      "UpdateItem",
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.rateLimit(key, windowStart),
        UpdateExpression: "ADD #n :one SET #type = :type, expiresAt = if_not_exists(expiresAt, :ttl)",
        ConditionExpression: belowLimit,
        ExpressionAttributeNames: { "#n": "attempts", "#type": "type" },
        ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":type": "RateLimit", ":ttl": epochSeconds(expiresAt) },
      }),
    );
    return counted ? "counted" : "limited";
  }
}
