export * from "./table-design.ts";
export * from "./dynamodb-store.ts";
export * from "./dynamodb-local.ts";
export * from "./local-bus.ts";
export * from "./eventbridge-bus.ts";
export * from "./http-feed-fetcher.ts";
export * from "./dynamodb-plan-store.ts";
export * from "./file-media-lists.ts";
