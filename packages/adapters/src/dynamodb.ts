// `@pressbridge/adapters/dynamodb`: the DynamoDB adapters and DynamoDB Local's lifecycle, without the
// rest of the package (publishers, mailers, EventBridge, Secrets Manager, the wiring). A read-only
// CLI command (`releases`, `plans`) imports this instead of the package's index, so it starts without
// loading SDK clients it never calls (docs/performance.md, "CLI start-up").
export * from "./table-design.ts";
export * from "./dynamodb-client.ts";
export * from "./dynamodb-table.ts";
export * from "./dynamodb-feed-state-store.ts";
export * from "./dynamodb-release-store.ts";
export * from "./dynamodb-plan-store.ts";
export * from "./dynamodb-local.ts";
export * from "./process-liveness.ts";
export * from "./dynamodb-workspace-store.ts";
export * from "./dynamodb-session-store.ts";
