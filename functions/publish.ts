import { createPublisherDirectory } from "@pressbridge/adapters";
import { consumerHandler } from "./shared/lambda-runtime.ts";

/**
 * Publishes an approved plan (Amplification Approved), or retries its failed actions on request
 * (Publication Retry Requested): the routes table's "publish" (wiring: packages/adapters/src/wiring.ts).
 * A retryable failure fails the invocation, so Lambda's async retries (then the DLQ) take over.
 */
export const handler = consumerHandler("publish", { publishers: () => createPublisherDirectory() });
