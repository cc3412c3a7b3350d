// Round 9b's invariant on a small run: a headless Service that publishes not-ready addresses, over
// pods that never turn Ready (nginx probed on a port it does not serve) and one that terminates.
// Every invariant holds there, the run reaches what the new one judges, and the mutant
// endpointslice.ignores-publish-not-ready is reported. The expectation is podToEndpoint's
// (ready = publishNotReadyAddresses || (serving && !terminating)), not the code under test's.
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { invariantNames } from "../invariants/index.js";
import { notConverged } from "../invariants/liveness.js";
import { check } from "./escaped8-run.js";

const small = { requests: { cpu: "10m", memory: "16Mi" } };
const peers = { apiVersion: "v1", kind: "Service", metadata: { name: "peers", namespace: "default" }, spec: { clusterIP: "None", publishNotReadyAddresses: true, selector: { app: "peers" }, ports: [{ name: "web", port: 80 }] } };
// Running, never Ready: the readiness probe asks a port nginx does not listen on
const lame = (name: string, grace: number) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels: { app: "peers" } }, spec: { terminationGracePeriodSeconds: grace, containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }], resources: small, readinessProbe: { httpGet: { path: "/", port: 81 }, periodSeconds: 1 } }] } });

async function publishRun(c: Cluster): Promise<void> {
  await c.apply([peers, lame("peer-0", 30), lame("peer-1", 30)]);
  for (let i = 0; i < 15; i++) {
    c.advance(1_000);
    await c.settle();
  }
  await c.delete("Pod", "peer-1", "default");
  for (let i = 0; i < 10; i++) {
    c.advance(1_000);
    await c.settle();
  }
}

// nginx behind a Service, Ready two seconds after it starts: its IP and its readiness come in two updates
const web = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } };
const probed = { apiVersion: "v1", kind: "Pod", metadata: { name: "web-0", namespace: "default", labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }], resources: small, readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 2, periodSeconds: 1 } }] } };

async function readinessRun(c: Cluster): Promise<void> {
  await c.apply([web, probed]);
  for (let i = 0; i < 20; i++) {
    c.advance(1_000);
    await c.settle();
  }
}

afterEach(() => setMutants([]));

describe("round 9b: an endpoint follows its pod's readiness once nothing moves", () => {
  it("a pod that turns Ready after it got its IP is published ready, and the run converges", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    await readinessRun(c);
    const slice = c.list("EndpointSlice", { namespace: "default", labelSelector: "kubernetes.io/service-name=web" })[0];
    expect(slice.endpoints.map((e: any) => [e.targetRef.name, e.conditions.ready])).toEqual([["web-0", true]]);
    expect(notConverged(c)).toBeUndefined();
    await c.stop();
  }, 120_000);

  it("convergence reports the mutant endpoints.readiness-change-ignored: the pod is Ready, its endpoint is not", async () => {
    setMutants(["endpoints.readiness-change-ignored"]);
    const c = createCluster({ nodes: 2, seed: 7 });
    await readinessRun(c);
    expect(notConverged(c)).toMatch(/^EndpointSlice default\/web-\w+ lists pod web-0 as not ready, but the pod is Ready$/);
    await c.stop();
  }, 120_000);
});

describe("round 9b: publishNotReadyAddresses", () => {
  it("endpointSlicePublishesNotReadyWhenAsked is in the registry", () => {
    expect(invariantNames()).toContain("endpointSlicePublishesNotReadyWhenAsked");
  });

  it("holds on a run whose Service publishes its not-ready and terminating pods, which it reaches, with every other invariant", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c);
    const published = new Set<string>();
    c.runtime.observers.push(() => {
      for (const s of c.list("EndpointSlice", { namespace: "default", labelSelector: "kubernetes.io/service-name=peers" })) {
        for (const e of s.endpoints ?? []) if (e.conditions?.ready === true && e.conditions?.serving === false) published.add(`${e.targetRef?.name}${e.conditions?.terminating ? " terminating" : ""}`);
      }
    });
    await publishRun(c);
    expect(seen.map((v) => v.message)).toEqual([]);
    // both pods Running and never Ready, published ready; the deleted one while it terminates too
    expect(c.get("Pod", "peer-0", "default").status.phase).toBe("Running");
    expect([...published].sort()).toEqual(["peer-0", "peer-1", "peer-1 terminating"]);
    await c.stop();
  }, 120_000);

  it("endpointSlicePublishesNotReadyWhenAsked reports the mutant endpointslice.ignores-publish-not-ready", async () => {
    setMutants(["endpointslice.ignores-publish-not-ready"]);
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c, "endpointSlicePublishesNotReadyWhenAsked");
    await publishRun(c).catch(() => undefined);
    await c.stop();
    expect(seen.map((v) => v.invariant)).toContain("endpointSlicePublishesNotReadyWhenAsked");
  }, 120_000);
});
