// makeEnvironmentVariables' order: HOSTNAME, the Service variables the container does not set
// (in name order of their Services), then the container's own in spec order. containerEnv builds
// the common case (no variable of its own) key by key: it must give the same entries, in the same
// order, as the straightforward merge written out here.

import { OrderedMap } from "immutable";
import { describe, expect, it } from "vitest";
import { containerEnv } from "./kuberuntime.js";
import { serviceEnvFor } from "./serviceenv.js";
import { newWorker } from "./podworkers.js";
import { serviceWatchId, type KubeletContext } from "./types.js";

const svc = (name: string, clusterIP: string, port = 80) =>
  ({ metadata: { namespace: "default", name }, spec: { clusterIP, ports: [{ name: "http", port, protocol: "TCP" }] } });
const services = [svc("kubernetes", "10.96.0.1", 443), ...Array.from({ length: 40 }, (_, i) => svc(`web-${i}`, `10.96.1.${i}`))];
const store = OrderedMap<string, any>(services.map((s) => [`default/${s.metadata.name}`, s]));
const ctx = {
  node: "node-1", client: { informers: new Map([[serviceWatchId, { synced: true, store }]]) }, objectWatches: new Map(),
} as unknown as KubeletContext;

/** The merge as kubelet_pods.go writes it: a map filled in order, HOSTNAME first. */
function expected(hostname: string, own: Array<[string, string]>): Array<[string, string]> {
  const serviceEnv = serviceEnvFor(ctx, { metadata: { namespace: "default" }, spec: {} } as any)!;
  const out = new Map<string, string>([["HOSTNAME", hostname]]);
  const mine = new Map(own);
  for (const [k, v] of Object.entries(serviceEnv)) if (!mine.has(k)) out.set(k, v);
  for (const [k, v] of own) out.set(k, v);
  return [...out];
}

function envOf(container: object, podSpec: object = {}): Array<[string, string]> {
  const pod = { metadata: { namespace: "default", name: "p-1", uid: "u-1" }, spec: { containers: [{ name: "c", ...container }], ...podSpec } };
  const w = newWorker(pod as any);
  const r = containerEnv(ctx, w, w.containers[0]!);
  if (r.kind !== "env") throw new Error(r.kind);
  return Object.entries(r.env);
}

describe("a container's environment", () => {
  it("without variables of its own: HOSTNAME, then every Service variable in order", () => {
    const got = envOf({});
    expect(got).toEqual(expected("p-1", []));
    expect(got.length).toBeGreaterThan(300);
  });

  it("with its own variables: they override the Service variables and come last", () => {
    const env = [{ name: "WEB_3_SERVICE_HOST", value: "mine" }, { name: "A", value: "$(WEB_5_SERVICE_PORT)" }, { name: "HOSTNAME", value: "h" }];
    expect(envOf({ env })).toEqual(expected("p-1", [["WEB_3_SERVICE_HOST", "mine"], ["A", "80"], ["HOSTNAME", "h"]]));
  });

  it("a host-network pod's HOSTNAME is the node's", () => {
    expect(envOf({}, { hostNetwork: true })).toEqual(expected("node-1", []));
  });
});
