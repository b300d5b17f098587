import { consumerHandler } from "./shared/lambda-runtime.ts";

/** Plans amplification for one detected release: the routes table's "plan-amplification" (wiring: packages/adapters/src/wiring.ts). */
export const handler = consumerHandler("plan-amplification");
