import { GetCommand, PutCommand, type NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { AdPlatform, AudienceStore, MatchedAudienceState } from "@pressbridge/core";
import { DynamoTable } from "./dynamodb-table.ts";
import { keys } from "./table-design.ts";

type Item = Record<string, NativeAttributeValue>;

/**
 * AudienceStore on the one table (docs/data-model.md): per client and ad platform, one partition
 * `AUDIENCE#<clientId>#<platform>` with the audience item (SK `AUDIENCE`: platform id, targeting
 * reference, matched size, status, member count) and one small item per synced member (SK
 * `M#e:<sha256>` or `M#h:<sha256>`), so a list of any size fits and a sync writes only the members it
 * added or removed (BatchWriteItem, 25 a request).
 */
export class DynamoAudienceStore extends DynamoTable implements AudienceStore {
  async get(clientId: string, platform: AdPlatform): Promise<MatchedAudienceState | undefined> {
    const res = await this.send<{ Item?: Item }>("GetItem", new GetCommand({ TableName: this.tableName, Key: { PK: keys.audience(clientId, platform), SK: "AUDIENCE" }, ConsistentRead: true }));
    const item = res.Item;
    if (item === undefined) return undefined;
    const state: MatchedAudienceState = {
      clientId: item.clientId,
      platform: item.platform,
      name: item.name,
      audienceId: item.audienceId,
      matched: typeof item.matched === "number" ? item.matched : null,
      status: item.status,
      memberCount: item.memberCount ?? 0,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
    };
    if (typeof item.targetingRef === "string") state.targetingRef = item.targetingRef;
    return state;
  }

  async save(state: MatchedAudienceState): Promise<void> {
    const item: Item = { PK: keys.audience(state.clientId, state.platform), SK: "AUDIENCE", type: "MatchedAudience", ...state };
    if (state.matched === null) delete item.matched;
    await this.send("PutItem", new PutCommand({ TableName: this.tableName, Item: item }));
  }

  async members(clientId: string, platform: AdPlatform): Promise<Set<string>> {
    const items = await this.queryPrefix(keys.audience(clientId, platform), "M#");
    return new Set(items.map((i) => String(i.SK).slice(2)));
  }

  async applyMembers(clientId: string, platform: AdPlatform, change: { added: readonly string[]; removed: readonly string[] }): Promise<void> {
    const pk = keys.audience(clientId, platform);
    if (change.removed.length > 0) await this.batchDelete(change.removed.map((m) => ({ PK: pk, SK: `M#${m}` })));
    if (change.added.length > 0) await this.batchPut(change.added.map((m) => ({ PK: pk, SK: `M#${m}`, type: "AudienceMember" })));
  }
}
