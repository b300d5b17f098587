import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/dynamodb-global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests each spawn their own DynamoDB Local; keep parallelism within 2 cores.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
