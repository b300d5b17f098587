import { createPublisherDirectory } from "@pressbridge/adapters";
import { publishHandler } from "./shared/lambda-runtime.ts";

/**
 * Publishes an approved plan (Amplification Approved), or retries its failed actions on request
 * (Publication Retry Requested): the routes table's "publish" (wiring: packages/adapters/src/wiring.ts).
 * It is also the target of each scheduled action's one-time EventBridge Scheduler schedule
 * (`{"source":"pressbridge.schedule","planId","actionKey"}`), which runs the same use case for the plan.
 * A retryable failure fails the invocation, so Lambda's async retries (then the DLQ) take over.
 */
export const handler = publishHandler({ publishers: ({ audiences }) => createPublisherDirectory({ audiences }) });
