// `podflow serve --ui`: the live view on the API server's port, and `podflow view TRACE`: a
// recorded trace played back on a port of its own.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Cluster } from "../runtime/cluster.js";
import type { ServeMount } from "../runtime/server/serve.js";
import { liveBackend } from "./live.js";
import { uiRoutes } from "./server.js";
import { traceBackend } from "./view.js";

/** The live view of a served cluster, under /ui/, behind the admin token. */
export function mountLiveView(cluster: Cluster, host: string): ServeMount {
  const backend = liveBackend(cluster);
  const routes = uiRoutes({ backend, token: cluster.adminToken, host });
  return { path: "/ui/", routes, close: () => backend.close() };
}

export interface ViewServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a recorded trace (simulate --trace's JSON lines) on the loopback over plain HTTP: it is
 * read-only (play, pause, step), so the page needs no token; the Host check still keeps other
 * sites' pages (DNS rebinding) out.
 */
export async function serveTrace(text: string, opts: { port: number; host?: string }): Promise<ViewServer> {
  const host = opts.host ?? "127.0.0.1";
  const backend = traceBackend(text);
  const routes = uiRoutes({ backend, host });
  const server = createServer((req, res) => {
    res.on("error", () => res.destroy());
    req.on("error", () => req.destroy());
    if (!routes(req, res)) {
      res.writeHead(302, { Location: "/ui/", "Content-Length": 0 });
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/ui/`,
    close: () =>
      new Promise<void>((resolve) => {
        backend.close();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
