import { webHandler } from "./shared/lambda-runtime.ts";

/** The approval web app (review pages, queue, dashboard, plan pages) behind its Function URL (wiring: webAppDeps). */
export const handler = webHandler("approval-web");
