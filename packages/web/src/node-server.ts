import { serve, type ServerType } from "@hono/node-server";
import type { Hono } from "hono";

export interface RunningWebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the web app on loopback (the local runtime and tests). Port 0 picks a free port. */
export async function startWebServer(app: { fetch: Hono["fetch"] }, options: { port: number; hostname?: string }): Promise<RunningWebServer> {
  const hostname = options.hostname ?? "127.0.0.1";
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: options.port, hostname }, (info) => resolve(info.port));
    server.once("error", reject);
  });
  return {
    url: `http://${hostname}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const s = server as unknown as { closeAllConnections?: () => void; close: (cb: () => void) => void };
        s.closeAllConnections?.();
        s.close(() => resolve());
      }),
  };
}
