// Round thirteen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// labels.Requirement.Matches compares Gt and Lt strictly (lsValue > rValue); the DNS configurer gives a
// host-network pod under ClusterFirst the node's resolver (docs: "Pod's DNS Policy"); pkg/probe/http
// succeeds on 200 to 399 only; ListMeta.remainingItemCount is "the number of subsequent items in the
// list which are not included in this list response"; calculateScaleUpLimitWithScalingRules rounds a
// Percent policy up ("the proposed change might not increase the replica count causing the target to
// never scale up"); Quantity.MilliValue is ceil(q * 1000); convertToAPIContainerStatuses gives the app
// containers of a pod with init containers the default waiting reason PodInitializing;
// endpointutil.ShouldSetHostname sets an endpoint's hostname only when the pod's subdomain names the Service;
// the service account controller's syncNamespace makes nothing in a namespace that is not Active.
// The same expectations sit beside the behaviour: machines/common/labels.test.ts,
// machines/kubelet/dns.test.ts, machines/cri/cri.test.ts, machines/apiserver/paging.e2e.test.ts,
// machines/podautoscaler/replica.logic.test.ts, machines/common/quantity.test.ts,
// machines/kubelet/initwaiting.e2e.test.ts, machines/endpoints/endpoints.test.ts,
// machines/serviceaccount/serviceaccount.e2e.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { parseSelector, matchesRequirements } from "../../machines/common/labels.js";
import { setMutants } from "../../machines/common/mutation.js";
import { milliValue } from "../../machines/common/quantity.js";
import { Fx } from "../../machines/common/effects.js";
import { shouldSetHostname } from "../../machines/common/endpointutil.js";
import { handleCri, initialCri, probe, pullTimer } from "../../machines/cri/cri.logic.js";
import { clusterDNS } from "../../machines/cri/messages.js";
import { podDNSConfig } from "../../machines/kubelet/dns.js";
import { scaleUpLimit } from "../../machines/podautoscaler/replica.logic.js";
import { createCluster } from "../../runtime/cluster.js";

afterEach(() => setMutants([]));

/** "a>5" does not match a=5, and "a<5" does not either: both bounds are strict. */
function gtIsStrict(): boolean {
  const gt = parseSelector("a>5");
  const lt = parseSelector("a<5");
  if ("error" in gt || "error" in lt) return false;
  return !matchesRequirements(gt, { a: "5" }) && !matchesRequirements(lt, { a: "5" }) && matchesRequirements(gt, { a: "6" });
}

/** A hostNetwork pod with dnsPolicy ClusterFirst gets the node's resolver; ClusterFirstWithHostNet the cluster's. */
function hostNetworkClusterFirstFallsBack(): boolean {
  const node = { servers: ["192.0.2.53"], searches: [], options: [] };
  const pod = (dnsPolicy: string): Pod => ({ metadata: { name: "p", namespace: "default" }, spec: { hostNetwork: true, dnsPolicy, containers: [{ name: "c", image: "nginx" }] } });
  return podDNSConfig(pod("ClusterFirst"), node).servers.join() === "192.0.2.53" && podDNSConfig(pod("ClusterFirstWithHostNet"), node).servers.join() === clusterDNS;
}

/** nginx in a CRI of its own: an httpGet probe of a path it does not have (404) fails. */
function probeAnswered404Fails(): boolean {
  const ctx = initialCri({ node: "node-1" });
  const fx = new Fx();
  handleCri(ctx, { type: "RunPodSandbox", id: 1, podUid: "u", podName: "p", podNamespace: "default", volumes: [] }, "k", fx);
  const sandboxId = fx.sends[0]!.msg.sandboxId;
  const pulling = new Fx();
  handleCri(ctx, { type: "PullImage", id: 2, image: "nginx:1.27" }, "k", pulling);
  pullTimer(ctx, "nginx:1.27", pulling.timers[0]!.event.event as { type: string }, new Fx());
  const created = new Fx();
  handleCri(ctx, { type: "CreateContainer", id: 3, sandboxId, container: { name: "c", image: "nginx:1.27" }, attempt: 0, env: {}, podIP: "10.244.0.2" }, "k", created);
  const containerId = created.sends[0]!.msg.containerId;
  handleCri(ctx, { type: "StartContainer", id: 4, containerId }, "k", new Fx());
  return probe(ctx, containerId, { kind: "httpGet", scheme: "HTTP", host: "10.244.0.2", port: 80, path: "/missing" }, 1).result === "failure";
}

/** A pod named web-0 with subdomain web gets its hostname in Service web's endpoints, not in Service other's. */
function hostnameOnlyForItsSubdomain(): boolean {
  const pod: Pod = { metadata: { name: "web-0", namespace: "default" }, spec: { hostname: "web-0", subdomain: "web", containers: [{ name: "c", image: "nginx" }] } };
  const svc = (name: string) => ({ metadata: { name, namespace: "default" } });
  return shouldSetHostname(pod, svc("web")) && !shouldSetHostname(pod, svc("other"));
}

/** Five ConfigMaps listed two at a time: the first page leaves three, its own two not counted. */
async function remainingCountsTheRest(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
  try {
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "paging" } });
    for (const name of ["c1", "c2", "c3", "c4", "c5"]) await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "paging" } });
    await c.settle();
    const list = async (limit?: number) => {
      const r = await c.request({ verb: "list", group: "", resource: "configmaps", namespace: "paging", ...(limit ? { limit } : {}) });
      return r.ok ? r.object : undefined;
    };
    const all = (await list())?.items.length;
    return all !== undefined && (await list(2))?.metadata.remainingItemCount === all - 2;
  } finally {
    await c.stop();
  }
}

/** A pod whose init container sleeps: its app container waits as PodInitializing. */
async function appWaitsAsPodInitializing(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 1 });
  try {
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "setup" }, spec: { initContainers: [{ name: "wait", image: "busybox:1.36", command: ["sleep", "60"] }], containers: [{ name: "web", image: "nginx:1.27" }] } });
    await c.settle();
    return c.get("Pod", "setup", "default")?.status?.containerStatuses?.[0]?.state?.waiting?.reason === "PodInitializing";
  } finally {
    await c.stop();
  }
}

/** A namespace held Terminating by a finalizer: the service account controller asks to create nothing in it. */
async function nothingMadeInTerminatingNamespace(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 3 });
  try {
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" } });
    await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "held", namespace: "doomed", finalizers: ["example.com/hold"] } });
    await c.settle();
    const from = c.trace().length;
    await c.delete("Namespace", "doomed");
    c.advance(60_000);
    return !c.trace().slice(from).some((e: any) => e.kind === "deliver" && e.from === "serviceaccount-controller" && e.to === "apiserver" && /^create /.test(e.summary ?? ""));
  } finally {
    await c.stop();
  }
}

/** A 50% scale-up policy lets 1 replica grow to 2 (ceil 1.5). */
function percentScaleUpRoundsUp(): boolean {
  return scaleUpLimit(1, [], { selectPolicy: "Max", policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] }, 1_000_000) === 2;
}

/** 100u of cpu is 1 millicore, 1.5m is 2. */
function milliValueRoundsUp(): boolean {
  return milliValue("100u") === 1 && milliValue("1.5m") === 2;
}

const rows: Array<[string, () => boolean | Promise<boolean>]> = [
  ["labels.gt-inclusive", gtIsStrict],
  ["kubelet.hostnetwork-dns-cluster-first", hostNetworkClusterFirstFallsBack],
  ["cri.http-probe-accepts-4xx", probeAnswered404Fails],
  ["apiserver.remaining-item-count-includes-page", remainingCountsTheRest],
  ["kubelet.init-pending-reason-container-creating", appWaitsAsPodInitializing],
  ["endpointslice.hostname-ignores-subdomain", hostnameOnlyForItsSubdomain],
  ["serviceaccount.created-in-terminating-namespace", nothingMadeInTerminatingNamespace],
  ["hpa.scale-up-percent-rounds-down", percentScaleUpRoundsUp],
  ["quantity.milli-value-truncates", milliValueRoundsUp],
];

describe("round 13: the checks added for the mutants that escaped", () => {
  for (const [name, holds] of rows) {
    it(`${holds.name} holds on the correct code and fails with the mutant ${name}`, async () => {
      expect(await holds()).toBe(true);
      setMutants([name]);
      expect(await holds()).toBe(false);
    });
  }
});
