import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/dynamodb-global-setup.ts"],
    // Generous: integration tests boot DynamoDB Local, Chromium and CDK synths on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests each spawn their own DynamoDB Local; keep parallelism within 2 cores.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
