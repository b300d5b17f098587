export { createWebApp, type WebDeps } from "./app.ts";
export { startWebServer, type RunningWebServer } from "./node-server.ts";
export type { OutboxEntry, OutboxMessageView } from "./views/outbox-page.ts";
export type { DashboardDeps } from "./dashboard-routes.ts";
export { csvCell, timelineCsv } from "./views/dashboard-export.ts";
