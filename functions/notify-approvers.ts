import { consumerHandler } from "./shared/lambda-runtime.ts";

/** Emails the approvers of a planned amplification: the routes table's "notify-approvers" (wiring: packages/adapters/src/wiring.ts). */
export const handler = consumerHandler("notify-approvers");
