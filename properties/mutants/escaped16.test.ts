// Round sixteen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// metav1.GetControllerOf returns the first reference with controller: true (controller_ref.go); the
// Service registry's delete releases the Service's ClusterIPs and nodePorts (storage/alloc.go
// releaseAllocatedResources); a hostNetwork pod's podIP is its host's (kubelet_pods.go
// generateAPIPodStatus); the configmap and secret volume plugins mount an optional missing object
// empty; MarkPodsNotReady stamps the flipped Ready condition with now (podutil.UpdatePodCondition);
// noderesources.Fits refuses only a request above what is left; ValidateTokenRequest allows
// 600 s to 2^32 s; metrics-server leaves out a pod until all its containers have a rate (pkg/storage
// pod.go allContainersPresent); ValidateLabelSelectorRequirement needs values for In and NotIn; a
// volume's defaultMode may be 0 to 0777, both included (ValidateVolumes); a NetworkPolicy's endPort may
// equal its port (ValidateNetworkPolicyPort).
// The same expectations sit beside the behaviour: machines/common/owners.test.ts,
// machines/apiserver/allocators.test.ts, machines/kubelet/hostnetwork.e2e.test.ts,
// machines/kubelet/optionalvolume.e2e.test.ts, machines/nodelifecycle/marknotready.e2e.test.ts,
// machines/kubelet/resize.test.ts, machines/apiserver/auth/tokenrequest.test.ts,
// machines/metricsserver/metrics.logic.test.ts, machines/apiserver/validation/selector.test.ts,
// machines/apiserver/validation/volumes.test.ts, machines/apiserver/validation/networking.test.ts.
// nodeConditionTransitionTimeKept (properties/invariants/status.ts) is the invariant added this round.
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { controllerRefOf } from "../../machines/common/owners.js";
import { allocateServiceAddresses, newServiceAllocators, releaseServiceAddresses } from "../../machines/apiserver/services.js";
import { canResizePod } from "../../machines/kubelet/resize.js";
import { prepareTokenRequest } from "../../machines/apiserver/auth/tokenrequest.js";
import { podUsages } from "../../machines/metricsserver/metrics.logic.js";
import { validateLabelSelector } from "../../machines/apiserver/validation/selector.js";
import { validateVolumes } from "../../machines/apiserver/validation/volumes.js";
import { validateCreate } from "../../machines/apiserver/validation/index.js";
import { createCluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariants } from "../invariants/index.js";

afterEach(() => setMutants([]));

/** A pod owned by a ConfigMap (not controller) and then a ReplicaSet (controller): its controller is the ReplicaSet. */
function controllerNotFirstRef(): boolean {
  const pod = { metadata: { ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "cm-uid" }, { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "web-uid", controller: true }] } };
  return controllerRefOf(pod)?.name === "web";
}

/** A NodePort Service on 30080 deleted: a new Service may take 30080. */
function deletedServiceFreesNodePort(): boolean {
  const svc = (name: string) => ({ metadata: { name, namespace: "default" }, spec: { type: "NodePort", ports: [{ port: 80, protocol: "TCP", nodePort: 30080 }] } });
  const first = allocateServiceAddresses(newServiceAllocators(), svc("a"), undefined);
  if (!("service" in first)) return false;
  return "service" in allocateServiceAddresses(releaseServiceAddresses(first.allocators, first.service), svc("b"), undefined);
}

/** A pod resized to 2 cpus beside 2 cpus of other pods on a 4-cpu node: it fits. */
function resizeExactFit(): boolean {
  const pod = (uid: string, cpu: string) => ({ metadata: { uid, name: uid, namespace: "default" }, spec: { containers: [{ name: "c", image: "i", resources: { requests: { cpu, memory: "1Gi" } } }] } });
  return canResizePod(pod("me", "2"), [pod("a", "1"), pod("b", "1")], { cpu: 4000, memory: 8 * 2 ** 30 }).fit;
}

/** A TokenRequest of exactly 600 s is accepted. */
function tokenOfTenMinutes(): boolean {
  return !("error" in prepareTokenRequest({ metadata: { name: "robot", namespace: "default", uid: "u" } }, { spec: { expirationSeconds: 600 } }, 0, () => undefined));
}

/** A pod with one rated container and one seen once is not reported. */
function partialPodLeftOut(): boolean {
  const stat = (id: string, t: number, cpu: number) => ({ containerId: id, name: id, podName: "w", podNamespace: "default", podUid: "uid-w", timestamp: t, cpuUsageCoreNanoSeconds: cpu, memoryWorkingSetBytes: 1 });
  return podUsages("node-1", { prev: [stat("app", 0, 0)], prevAt: 0, last: [stat("app", 15_000, 3e9), stat("sidecar", 15_000, 1e9)], lastAt: 15_000 }).length === 0;
}

/** A Secret volume with defaultMode 0777 is valid. */
function defaultMode0777Valid(): boolean {
  return validateVolumes([{ name: "secret", secret: { secretName: "s", defaultMode: 0o777 } }], "spec.volumes").errs.length === 0;
}

/** A NetworkPolicy port range 32000..32000 is valid. */
function onePortRangeValid(): boolean {
  return validateCreate({ kind: "NetworkPolicy", metadata: { name: "np", namespace: "default" }, spec: { podSelector: {}, egress: [{ ports: [{ port: 32000, endPort: 32000 }] }] } }).length === 0;
}

/** In with no values is refused. */
function inNeedsValues(): boolean {
  return validateLabelSelector({ matchExpressions: [{ key: "app", operator: "In", values: [] }] }, "s").length === 1;
}

/** A hostNetwork nginx pod runs with its node's IP as its own. */
async function hostNetworkPodHasHostIP(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 16 });
  try {
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "host" }, spec: { hostNetwork: true, containers: [{ name: "web", image: "nginx:1.27" }] } });
    await c.settle();
    const st = c.get("Pod", "host", "default")?.status;
    return st?.phase === "Running" && !!st.hostIP && st.podIP === st.hostIP;
  } finally {
    await c.stop();
  }
}

/** A pod whose configMap volume is optional and missing runs. */
async function optionalMissingConfigMapRuns(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 16 });
  try {
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "opt" }, spec: { containers: [{ name: "web", image: "nginx:1.27", volumeMounts: [{ name: "cfg", mountPath: "/etc/cfg" }] }], volumes: [{ name: "cfg", configMap: { name: "absent", optional: true } }] } });
    await c.settle();
    return c.get("Pod", "opt", "default")?.status?.phase === "Running";
  } finally {
    await c.stop();
  }
}

/** The kubelet goes silent for two minutes: its Ready pod is marked not ready with a lastTransitionTime after the silence began. */
async function markedNotReadyNow(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 16 });
  try {
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "web" }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } });
    await c.settle();
    c.advance(30_000);
    await c.settle();
    const rt = (c as any).runtime;
    const silentAt = rt.now as number;
    rt.sendHook = (from: string, _to: string, msg: any) => from.startsWith("kubelet/") && msg.type === "ApiRequest" && (msg.resource === "leases" || (msg.resource === "nodes" && msg.subresource === "status"));
    c.advance(120_000);
    await c.settle();
    rt.sendHook = undefined;
    const ready = (c.get("Pod", "web", "default")?.status?.conditions ?? []).find((x: any) => x.type === "Ready");
    return ready?.status === "False" && Date.parse(ready.lastTransitionTime) > silentAt;
  } finally {
    await c.stop();
  }
}

/** Six quiet minutes of a two-node cluster: nodeConditionTransitionTimeKept reports nothing. */
async function nodeConditionTimesKept(): Promise<boolean> {
  const c = createCluster({ nodes: 2, seed: 16 });
  try {
    const checker = new InvariantChecker(c.runtime, invariants.filter((s) => s.name === "nodeConditionTransitionTimeKept"));
    const seen: string[] = [];
    c.runtime.observers.push(() => {
      for (const v of checker.step()) seen.push(v.message);
    });
    await c.settle();
    for (let i = 0; i < 6; i++) {
      c.advance(60_000);
      await c.settle();
    }
    return seen.length === 0;
  } finally {
    await c.stop();
  }
}

const rows: Array<[string, () => boolean | Promise<boolean>]> = [
  ["owners.controller-ref-first-ref", controllerNotFirstRef],
  ["allocators.service-delete-keeps-node-ports", deletedServiceFreesNodePort],
  ["kubelet.resize-exact-fit-deferred", resizeExactFit],
  ["tokenrequest.min-expiration-inclusive", tokenOfTenMinutes],
  ["metrics.pod-usage-partial-pod", partialPodLeftOut],
  ["validation.selector-in-empty-values-accepted", inNeedsValues],
  ["validation.default-mode-0777-refused", defaultMode0777Valid],
  ["validation.netpol-end-port-equal-refused", onePortRangeValid],
  ["kubelet.host-network-pod-without-ip", hostNetworkPodHasHostIP],
  ["kubelet.optional-volume-source-missing-fails", optionalMissingConfigMapRuns],
  ["nodelifecycle.not-ready-keeps-transition-time", markedNotReadyNow],
  ["kubelet.node-condition-transition-time-always-now", nodeConditionTimesKept],
];

describe("round 16: the checks added for the mutants that escaped", () => {
  for (const [name, holds] of rows) {
    it(`${holds.name} holds on the correct code and fails with the mutant ${name}`, async () => {
      expect(await holds()).toBe(true);
      setMutants([name]);
      expect(await holds()).toBe(false);
    }, 180_000);
  }
});
