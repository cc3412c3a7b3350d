// Tests' API server alone (etcd and the API server, on the simulated clock): a client that sends
// ApiRequests as the admin and keeps every message it gets back.

import { createCluster } from "../../runtime/cluster.js";

export function apiServerAlone() {
  const cluster = createCluster({ seed: 1, clock: "simulated", only: ["etcd", "apiserver"] });
  cluster.runtime.settle();
  const got: any[] = [];
  cluster.runtime.external("client", (msg) => got.push(msg));
  const send = (id: number, req: object) => cluster.runtime.send("client", "apiserver", { type: "ApiRequest", id, token: cluster.adminToken, ...req } as any);
  return { cluster, got, send };
}
