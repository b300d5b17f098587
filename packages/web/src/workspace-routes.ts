import type { Hono, MiddlewareHandler } from "hono";
import type { AppEnv, WebDeps } from "./app.ts";

/**
 * The workspace pages (clients, feeds, people, media lists, the log of changes, releases) for
 * admins and leads. `requireSignedIn` sets `c.var.access`; each page and POST checks it
 * (canManage / access.isAdmin) on the server.
 */
export function registerWorkspacePages(_app: Hono<AppEnv>, _deps: WebDeps, _requireSignedIn: MiddlewareHandler<AppEnv>): void {
  // Filled in by the workspace pages (issue #14).
}
