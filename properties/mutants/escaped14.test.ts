// Round fourteen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// pastActiveDeadline reads the pod's current activeDeadlineSeconds at every sync (active_deadline.go);
// dropTypeDependentFields wipes the unchanged nodePorts of a Service leaving NodePort; utilnet.PortRange
// "30000-32767" holds both ends; validateNodeTaints keys uniqueness by key and effect; validateCompletions
// lets an Indexed Job change completions only with parallelism; resolv.conf's ndots is "at least"
// (count(name, '.') >= ndots); verifyRunAsNonRoot judges DetermineEffectiveSecurityContext, the
// container's runAsUser over the pod's; a JSON merge patch's null removes the member (RFC 7396);
// checkVolumeProvisions does not provision with kubernetes.io/no-provisioner; DefaultIngressClass takes the
// newest default (getDefaultClass); a surging DaemonSet keeps a node's old pod while the new one is not
// available (update.go); GenerateHPAScaleDownRules leaves the stabilization window unset.
// The same expectations sit beside the behaviour: machines/kubelet/activedeadline.e2e.test.ts,
// machines/apiserver/admission/servicetype.test.ts, machines/apiserver/allocators.test.ts,
// machines/apiserver/validation/node.test.ts, machines/apiserver/validation/batch.test.ts,
// machines/dns/dns.test.ts, machines/kubelet/securitycontext.test.ts, machines/apiserver/patch.test.ts,
// machines/scheduler/plugins/filters.test.ts, machines/apiserver/admission/networking.test.ts,
// machines/daemonset/daemonset.logic.test.ts, machines/apiserver/validation/autoscaling.test.ts.
import type { Container, Pod } from "kubernetes-types/core/v1";
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { allocateSpecificNodePort, newNodePortAllocator } from "../../machines/apiserver/allocators.js";
import { dropTypeDependentFields } from "../../machines/apiserver/admission/servicetype.js";
import { defaultHorizontalPodAutoscaler } from "../../machines/apiserver/admission/autoscaling.js";
import { mutate } from "../../machines/apiserver/admission/index.js";
import { mergePatch } from "../../machines/apiserver/patch.js";
import { validateCreate, validateUpdate } from "../../machines/apiserver/validation/index.js";
import type { DaemonSet } from "kubernetes-types/apps/v1";
import * as DS from "../../machines/daemonset/daemonset.logic.js";
import { candidateNames } from "../../machines/dns/dns.logic.js";
import { verifyRunAsNonRoot } from "../../machines/kubelet/securitycontext.js";
import { newNodeInfo } from "../../machines/scheduler/framework.js";
import { VolumeBinding } from "../../machines/scheduler/plugins/VolumeBinding/index.js";
import { createCluster } from "../../runtime/cluster.js";

afterEach(() => setMutants([]));

/** A pod made with a 600 s deadline, lowered to 30 s after 20 s of running, is Failed 12 s later. */
async function loweredDeadlineCounts(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 14 });
  try {
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "deadline", namespace: "default" }, spec: { restartPolicy: "Never", activeDeadlineSeconds: 600, containers: [{ name: "c", image: "busybox:1.36", command: ["sleep", "3600"] }] } });
    await c.settle();
    c.advance(20_000);
    await c.settle();
    const running = c.get("Pod", "deadline", "default");
    await c.apply({ ...running, spec: { ...running.spec, activeDeadlineSeconds: 30 } });
    await c.settle();
    c.advance(12_000);
    await c.settle();
    const st = c.get("Pod", "deadline", "default")?.status;
    return st?.phase === "Failed" && st?.reason === "DeadlineExceeded";
  } finally {
    await c.stop();
  }
}

/** NodePort -> ClusterIP with the nodePorts as they were: they are wiped. */
function nodePortsWiped(): boolean {
  const svc = () => ({ metadata: { name: "web", namespace: "default" }, spec: { type: "NodePort", clusterIP: "10.96.0.50", ports: [{ port: 80, protocol: "TCP", nodePort: 30080 } as { port: number; protocol: string; nodePort?: number }] } });
  const next = svc();
  next.spec.type = "ClusterIP";
  dropTypeDependentFields(next, svc());
  return next.spec.ports[0]!.nodePort === undefined;
}

/** 32767 is in the range 30000-32767. */
function lastNodePortAllowed(): boolean {
  return allocateSpecificNodePort(newNodePortAllocator(), 32767).ok;
}

/** A node tainted node.kubernetes.io/unreachable as NoSchedule and as NoExecute is valid. */
function taintKeyUnderTwoEffects(): boolean {
  const key = "node.kubernetes.io/unreachable";
  const node = { apiVersion: "v1", kind: "Node", metadata: { name: "n" }, spec: { taints: [{ key, effect: "NoSchedule" }, { key, effect: "NoExecute" }] }, status: { capacity: { cpu: "1", memory: "1Gi" } } };
  return validateCreate(node as never).length === 0;
}

/** An Indexed Job's completions 3 -> 5 without parallelism is refused. */
function indexedCompletionsNeedParallelism(): boolean {
  const job = mutate(
    { apiVersion: "batch/v1", kind: "Job", metadata: { name: "idx", namespace: "default", uid: "0b7a6c1e-3f2d-4c5b-9a8e-1d2c3b4a5f60" }, spec: { completionMode: "Indexed", completions: 3, parallelism: 3, template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36" }] } } } },
    { now: "2026-01-01T00:00:00Z", operation: "CREATE" },
  ) as any;
  const old = { ...job, metadata: { ...job.metadata, resourceVersion: "5" } };
  const alone = structuredClone(old);
  alone.spec.completions = 5;
  return validateUpdate(alone, old).some((e) => e.field === "spec.completions");
}

/** a.db.shop.svc.cluster.local has 5 dots: with ndots:5 it is tried as given first. */
function fiveDotsIsAbsoluteFirst(): boolean {
  return candidateNames("a.db.shop.svc.cluster.local", "shop")[0] === "a.db.shop.svc.cluster.local";
}

/** Under a pod with runAsNonRoot and runAsUser 0, a container with runAsUser 1000 may start. */
function containerUserOverridesPod(): boolean {
  const container: Container = { name: "c", image: "busybox:1.36", securityContext: { runAsUser: 1000 } };
  const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "u" }, spec: { securityContext: { runAsNonRoot: true, runAsUser: 0 }, containers: [container] } };
  return verifyRunAsNonRoot(pod, container, { ref: "busybox:1.36", imageID: "sha256:1", id: "sha256:1", sizeBytes: 1, repoTags: [], uid: 0 }) === undefined;
}

/** {"a":"b","b":"c"} merged with {"a":null} is {"b":"c"}. */
function mergeNullRemoves(): boolean {
  const out = mergePatch({ a: "b", b: "c" }, { a: null });
  return JSON.stringify(out) === '{"b":"c"}';
}

/** A WaitForFirstConsumer claim of a kubernetes.io/no-provisioner class, with no PV: the node does not fit. */
function noProvisionerDoesNotProvision(): boolean {
  const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "p-uid" }, spec: { containers: [], volumes: [{ name: "v", persistentVolumeClaim: { claimName: "data" } }] } };
  const env = {
    pvcs: { "default/data": { metadata: { name: "data", namespace: "default" }, spec: { storageClassName: "local", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } } },
    storageClasses: new Map([["local", { provisioner: "kubernetes.io/no-provisioner", volumeBindingMode: "WaitForFirstConsumer", reclaimPolicy: "Delete" }]]),
  };
  const ni = newNodeInfo({ metadata: { name: "n", labels: { "kubernetes.io/hostname": "n" } }, status: { allocatable: { cpu: "4", memory: "8Gi", pods: "110" } } }, []);
  const state = new Map();
  const pre = VolumeBinding.preFilter?.(state, pod, [ni], env as never);
  if (pre !== undefined && pre !== "Skip" && pre.code !== "Success") return false;
  return VolumeBinding.filter(state, pod, ni).code === "UnschedulableAndUnresolvable";
}

/** Two default IngressClasses a second apart: an Ingress without a class gets the newer. */
function newestDefaultIngressClass(): boolean {
  const cls = (name: string, creationTimestamp: string) => ({ kind: "IngressClass", metadata: { name, creationTimestamp, annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } }, spec: { controller: "a.b/c" } });
  const ing = { kind: "Ingress", metadata: { name: "i", namespace: "default" }, spec: { defaultBackend: { service: { name: "s", port: { number: 80 } } } } };
  const out = mutate(ing, { now: "2026-01-01T00:00:00Z", operation: "CREATE", ingressClasses: [cls("older", "2022-01-01T00:00:00Z"), cls("newer", "2022-01-01T00:00:01Z")] }) as any;
  return out.spec.ingressClassName === "newer";
}

/** One node, its old pod ready and a surged new pod not yet ready: rollingUpdate deletes nothing. */
function surgeKeepsOldUntilNewAvailable(): boolean {
  const ds = (image: string): DaemonSet => ({
    apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "d", namespace: "default", uid: "d-uid" },
    spec: { selector: { matchLabels: { app: "d" } }, updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image }] } } },
  });
  const next = ds("v2");
  const hash = DS.revisionHash(next);
  const now = Date.parse("2026-01-01T00:00:00Z");
  const pod = (name: string, h: string, ready: boolean) => ({
    metadata: { name, namespace: "default", labels: { app: "d", [DS.CONTROLLER_REVISION_HASH_LABEL]: h }, creationTimestamp: new Date(now - 60_000).toISOString(), ownerReferences: [DS.daemonSetControllerRef(next)] },
    spec: { containers: [], nodeName: "n" },
    status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: new Date(now - 60_000).toISOString() }] },
  });
  const node = { metadata: { name: "n", labels: {} }, status: { allocatable: { cpu: "4", memory: "8Gi", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] } };
  const plan = DS.rollingUpdate({ ds: next, nodes: [node], pods: [pod("old", DS.revisionHash(ds("v1")), true), pod("new", hash, false)], hash, nowMs: now, backoff: new Map() } as never);
  return plan.delete.length === 0;
}

/** A behavior with only scaleUp: scaleDown gets no stabilizationWindowSeconds. */
function scaleDownWindowLeftUnset(): boolean {
  const o: any = { spec: { maxReplicas: 3, behavior: { scaleUp: { stabilizationWindowSeconds: 30 } } } };
  defaultHorizontalPodAutoscaler(o);
  return o.spec.behavior.scaleDown.stabilizationWindowSeconds === undefined;
}

const rows: Array<[string, () => boolean | Promise<boolean>]> = [
  ["kubelet.active-deadline-update-ignored", loweredDeadlineCounts],
  ["servicetype.node-port-kept-on-cluster-ip", nodePortsWiped],
  ["allocators.node-port-range-end-excluded", lastNodePortAllowed],
  ["validation.taints-unique-by-key-only", taintKeyUnderTwoEffects],
  ["validation.indexed-completions-change-alone", indexedCompletionsNeedParallelism],
  ["dns.ndots-counts-strictly", fiveDotsIsAbsoluteFirst],
  ["kubelet.run-as-user-pod-overrides-container", containerUserOverridesPod],
  ["patch.merge-null-stored", mergeNullRemoves],
  ["scheduler.no-provisioner-class-provisions", noProvisionerDoesNotProvision],
  ["defaults.ingress-class-oldest-default", newestDefaultIngressClass],
  ["daemonset.surge-deletes-old-before-new-available", surgeKeepsOldUntilNewAvailable],
  ["defaults.hpa-scale-down-window-zero", scaleDownWindowLeftUnset],
];

describe("round 14: the checks added for the mutants that escaped", () => {
  for (const [name, holds] of rows) {
    it(`${holds.name} holds on the correct code and fails with the mutant ${name}`, async () => {
      expect(await holds()).toBe(true);
      setMutants([name]);
      expect(await holds()).toBe(false);
    });
  }
});
