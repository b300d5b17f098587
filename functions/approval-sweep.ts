import { jobHandler } from "./shared/lambda-runtime.ts";

/**
 * Every few minutes: flushes the outbox, redelivers work a consumer never finished, sends
 * half-window reminders and resumes stalled publications (runMaintenance in packages/adapters/src/wiring.ts).
 */
export const handler = jobHandler("approval-sweep");
