export { createWebApp, type WebDeps } from "./app.ts";
export { startWebServer, type RunningWebServer } from "./node-server.ts";
export type { OutboxEntry, OutboxMessageView } from "./views/outbox-page.ts";
