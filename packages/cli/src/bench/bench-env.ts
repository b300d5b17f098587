import { randomBytes } from "node:crypto";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ensureTable } from "@pressbridge/adapters";
import { parseConfig, type PressbridgeConfig } from "@pressbridge/core";
import type { BenchFeedServer } from "./feed-server.ts";
import type { ScenarioSpec } from "./wire-feed.ts";

/** What every scenario shares: one DynamoDB client (like a Lambda container's), one feed server. */
export interface BenchEnv {
  client: DynamoDBDocumentClient;
  endpoint: string;
  server: BenchFeedServer;
  progress: (line: string) => void;
}

/** A fresh, uniquely named table on the bench's DynamoDB Local; dropped after the scenario. */
export async function freshTable(env: BenchEnv, prefix: string): Promise<{ tableName: string; drop(): Promise<void> }> {
  const tableName = `bench-${prefix}-${randomBytes(4).toString("hex")}`;
  await ensureTable(env.client, tableName);
  return {
    tableName,
    drop: async () => {
      try {
        await env.client.send(new DeleteTableCommand({ TableName: tableName }));
      } catch {
        // best effort: DynamoDB Local is in memory and stops with the bench anyway
      }
    },
  };
}

/** A config with one feed per scenario feed, served by the bench's loopback server. */
export function scenarioConfig(
  env: BenchEnv,
  spec: ScenarioSpec,
  extra: { clients?: unknown[]; clientOf?: (feed: number) => string | undefined } = {},
): PressbridgeConfig {
  return parseConfig({
    clients: extra.clients ?? [],
    feeds: Array.from({ length: spec.feeds }, (_, i) => {
      const clientId = extra.clientOf?.(i);
      return {
        id: `${spec.scenario}-${i}`,
        url: env.server.feedUrl(spec.scenario, i),
        wire: "PR Newswire",
        intervalSeconds: 60,
        ...(clientId === undefined ? {} : { clientId }),
      };
    }),
    // The loopback feed server: the explicit allow-list setting for local use (docs/design.md).
    security: { allowPrivateFeedHosts: true },
  });
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
