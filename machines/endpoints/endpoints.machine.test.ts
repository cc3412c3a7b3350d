import { OrderedMap } from "immutable";
import { describe, it, expect } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { Fx } from "../common/effects.js";
import type { ApiResponse } from "../messages.js";
import { add as addKey } from "../common/workqueue.js";
import { initialEndpointsController, finishKey, onWriteAnswered, syncNextKey, ENDPOINTS, SERVICES } from "./endpoints.controller.js";

const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default" },
  spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
};

function pod(name: string, node: string, opts: { labels?: Record<string, string>; ready?: boolean } = {}) {
  // A readiness probe against a port nothing listens on keeps the pod Running but never Ready.
  const probePort = opts.ready === false ? 9999 : "http";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: opts.labels ?? { app: "web" } },
    spec: {
      nodeName: node,
      containers: [{ name: "nginx", image: "nginx", ports: [{ name: "http", containerPort: 80 }], readinessProbe: { httpGet: { path: "/", port: probePort }, periodSeconds: 1 } }],
    },
  };
}

/** A Service over two nginx pods, one Ready and one never Ready, plus a pod the selector does not match. */
async function webCluster(seed: number): Promise<Cluster> {
  const c = createCluster({ nodes: 2, seed });
  await c.apply([service, pod("web-1", "node-1"), pod("web-2", "node-2", { ready: false }), pod("other", "node-1", { labels: { app: "other" } })]);
  await c.settle();
  c.advance(5_000);
  return c;
}

const ref = (c: Cluster, name: string) => ({ kind: "Pod", namespace: "default", name, uid: c.get("Pod", name, "default").metadata.uid });
const ipOf = (c: Cluster, name: string) => c.get("Pod", name, "default").status.podIP;
const httpPort = [{ name: "http", port: 80, protocol: "TCP" }];

describe("the endpoints controller in a running cluster", () => {
  it("lists ready pods in addresses and unready ones in notReadyAddresses, at the named targetPort's container port", async () => {
    const c = await webCluster(1);
    const ep = c.get("Endpoints", "web", "default");
    expect(ep.metadata.labels).toEqual({ "endpoints.kubernetes.io/managed-by": "endpoint-controller" });
    expect(ep.subsets).toEqual([
      {
        addresses: [{ ip: ipOf(c, "web-1"), nodeName: "node-1", targetRef: ref(c, "web-1") }],
        notReadyAddresses: [{ ip: ipOf(c, "web-2"), nodeName: "node-2", targetRef: ref(c, "web-2") }],
        ports: httpPort,
      },
    ]);
    expect(c.runtime.snapshot("endpoints-controller").value).toEqual({ running: "idle" });
  });

  it("leaves the Service without a selector (the API server's own kubernetes Service) alone", async () => {
    const c = await webCluster(2);
    // Its Endpoints are the API server's endpoint reconciler's (its address, port 6443), not the controller's.
    expect(c.get("Endpoints", "kubernetes", "default").subsets).toEqual([{ addresses: [{ ip: "172.18.0.2" }], ports: [{ name: "https", port: 6443, protocol: "TCP" }] }]);
  });

  it("drops a terminating pod from the Endpoints at once", async () => {
    const c = await webCluster(3);
    const ip2 = ipOf(c, "web-2");
    await c.delete("Pod", "web-1", "default");
    const ready = () => (c.get("Endpoints", "web", "default").subsets ?? []).flatMap((s: any) => s.addresses ?? []);
    c.runtime.runUntil(() => ready().length === 0, "web-1 leaving the ready addresses", 60_000);
    // The pod is still there, marked for deletion: it left the ready set before the kubelet finished with it.
    expect(c.get("Pod", "web-1", "default")?.metadata.deletionTimestamp).toBeDefined();
    const ep = c.get("Endpoints", "web", "default");
    expect(ep.subsets).toEqual([{ notReadyAddresses: [{ ip: ip2, nodeName: "node-2", targetRef: ref(c, "web-2") }], ports: httpPort }]);
  });

  it("deletes the Endpoints it made when the Service goes", async () => {
    const c = await webCluster(4);
    await c.delete("Service", "web", "default");
    await c.settle();
    expect(c.get("Endpoints", "web", "default")).toBeUndefined();
  });

  it("moves a pod to the ready addresses when a new pod's probe succeeds", async () => {
    const c = await webCluster(5);
    await c.apply(pod("web-3", "node-2"));
    await c.settle();
    c.advance(5_000);
    const ep = c.get("Endpoints", "web", "default");
    expect(ep.subsets[0].addresses.map((a: any) => a.targetRef.name).sort()).toEqual(["web-1", "web-3"]);
    expect(ep.subsets[0].notReadyAddresses.map((a: any) => a.targetRef.name)).toEqual(["web-2"]);
  });
});

describe("a 409 Conflict on an Endpoints update", () => {
  it("records FailedToUpdateEndpoint with the API server's message and requeues the key after 5 ms", () => {
    const ctx = initialEndpointsController({ token: "t" });
    const svc = { ...service, metadata: { ...service.metadata, uid: "u", creationTimestamp: "2026-01-01T00:00:00Z", resourceVersion: "5" } };
    const cached = { apiVersion: "v1", kind: "Endpoints", metadata: { name: "web", namespace: "default", resourceVersion: "7", labels: {} } };
    for (const [id, obj] of [[SERVICES, svc], [ENDPOINTS, cached]] as const) {
      ctx.client.informers = ctx.client.informers.set(id, { watchId: id, group: "", resource: "x", store: OrderedMap<string, any>([["default/web", obj]]), resourceVersion: "9", synced: true });
    }
    ctx.client.informers = ctx.client.informers.set(2, { watchId: 2, group: "", resource: "pods", store: OrderedMap(), resourceVersion: "9", synced: true });
    addKey(ctx.queue, "default/web");
    const fx = new Fx();
    syncNextKey(ctx, 0, fx);
    const req = fx.sends[0]!.msg;
    expect([req.verb, req.body.metadata.resourceVersion]).toEqual(["update", "7"]);
    const message = 'Operation cannot be fulfilled on endpoints "web": the object has been modified; please apply your changes to the latest version and try again';
    const res: ApiResponse = { type: "ApiResponse", id: req.id, ok: false, code: 409, status: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Conflict", code: 409, message } };
    const fx2 = new Fx();
    onWriteAnswered(ctx, ctx.client.pending.get(req.id)!, res, 0, fx2);
    ctx.client.pending.delete(req.id);
    finishKey(ctx, 0, fx2);
    const event = fx2.sends.find((s) => s.msg.resource === "events")!.msg.body;
    expect([event.type, event.reason, event.message]).toEqual(["Warning", "FailedToUpdateEndpoint", `Failed to update endpoint default/web: ${message}`]);
    expect(fx2.timers).toEqual([{ key: "requeue/default/web", ms: 5, event: { type: "Requeue", key: "default/web" }, background: false }]);
  });
});

/** Restarts a controller on its machine with the guard that starts a sync counting how often it lets one start. */
function countSyncs(c: Cluster, address: string): () => number {
  let syncs = 0;
  c.runtime.replace(address, (m) => {
    const hasQueuedKey = m.implementations.guards.hasQueuedKey as (...a: unknown[]) => boolean;
    return m.provide({
      guards: {
        hasQueuedKey: (...a: unknown[]) => {
          const start = hasQueuedKey(...a);
          if (start) syncs++;
          return start;
        },
      },
    });
  });
  return () => syncs;
}

describe("pod updates the endpoint controllers sync for (GetServicesToUpdateOnPodChange)", () => {
  // The liveness example of the Kubernetes docs as a readiness probe: Ready for 30 s, then not.
  const flapping = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-1", namespace: "default", labels: { app: "web" } },
    spec: {
      nodeName: "node-1",
      containers: [{
        name: "app",
        image: "busybox",
        args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
        ports: [{ name: "http", containerPort: 80 }],
        readinessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, periodSeconds: 1 },
      }],
    },
  };

  it("an annotation syncs neither controller; the pod turning unready syncs both", async () => {
    const c = createCluster({ nodes: 1, seed: 11 });
    const endpointsSyncs = countSyncs(c, "endpoints-controller");
    const sliceSyncs = countSyncs(c, "endpointslice-controller");
    await c.apply([service, flapping]);
    await c.settle();
    const ready = () => c.get("Pod", "web-1", "default").status.conditions?.find((x: any) => x.type === "Ready")?.status;
    c.runtime.runUntil(() => ready() === "True" && c.get("Endpoints", "web", "default")?.subsets?.[0]?.addresses !== undefined, "web-1 Ready in the Endpoints", 20_000);
    const before = [endpointsSyncs(), sliceSyncs(), c.get("Pod", "web-1", "default").metadata.resourceVersion];

    await c.apply({ ...flapping, metadata: { ...flapping.metadata, annotations: { note: "nothing an endpoint shows" } } });
    await c.settle();
    const annotated = c.get("Pod", "web-1", "default");
    expect(annotated.metadata.annotations.note).toBe("nothing an endpoint shows");
    expect(annotated.metadata.resourceVersion).not.toBe(before[2]);
    expect([endpointsSyncs(), sliceSyncs()]).toEqual(before.slice(0, 2));

    c.runtime.runUntil(() => ready() === "False", "web-1 no longer Ready", 60_000);
    await c.settle();
    expect(endpointsSyncs()).toBeGreaterThan(before[0] as number);
    expect(sliceSyncs()).toBeGreaterThan(before[1] as number);
    expect(c.get("Endpoints", "web", "default").subsets).toEqual([{ notReadyAddresses: [{ ip: ipOf(c, "web-1"), nodeName: "node-1", targetRef: ref(c, "web-1") }], ports: httpPort }]);
    const [slice] = c.list("EndpointSlice", { namespace: "default", labelSelector: "kubernetes.io/service-name=web" });
    expect(slice.endpoints.map((e: any) => e.conditions)).toEqual([{ ready: false, serving: false, terminating: false }]);
  });
});
