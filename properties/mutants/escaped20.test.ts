// Round twenty's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// a CRD has exactly one storage version (apiextensions validation.go); a CSIDriver's attachRequired
// is immutable (ValidateCSIDriverUpdate, field spec.attachedRequired); a disabled projected source
// the stored pod already uses is kept (DropDisabledPodFields); the filters add only nominated pods
// of equal or higher priority (addNominatedPods); under podReplacementPolicy Failed only a Failed
// pod is failed (job controller isPodFailed); a complete rollout never times out
// (deploymentutil.DeploymentTimedOut); whenScaled Delete gives a condemned claim to its pod
// (updateClaimOwnerRefForSetAndPod); an ephemeral container runs once (computePodActions).
import { afterEach, describe, expect, it } from "vitest";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { setMutants } from "../../machines/common/mutation.js";
import { validateCustomResourceDefinition } from "../../machines/apiserver/validation/crd.js";
import { validateCSIDriverUpdate } from "../../machines/apiserver/validation/csidriver.js";
import { dropDisabledProjections } from "../../machines/apiserver/admission/dropdisabled.js";
import { runFiltersWithNominatedPods, runPreFilter } from "../../machines/scheduler/semantics.js";
import { newNodeInfo } from "../../machines/scheduler/framework.js";
import { isPodFailed } from "../../machines/job/job.logic.js";
import { deploymentTimedOut } from "../../machines/deployment/deployment.logic.js";
import { claimOwnerRefsFor } from "../../machines/statefulset/statefulset.logic.js";
import { computePodActions } from "../../machines/kubelet/podactions.js";

afterEach(() => setMutants([]));

/** Two versions marked storage are refused. */
function oneStorageVersion(): boolean {
  const version = (name: string) => ({ name, served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } });
  const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "widgets.example.com" }, spec: { group: "example.com", scope: "Namespaced", names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" }, versions: [version("v1"), version("v2")] } };
  return validateCustomResourceDefinition(crd).some((e) => e.field === "spec.versions" && /exactly one version marked as storage version/.test(e.detail ?? ""));
}

/** attachRequired true -> false is refused. */
function attachRequiredImmutable(): boolean {
  const driver = (attachRequired: boolean) => ({ apiVersion: "storage.k8s.io/v1", kind: "CSIDriver", metadata: { name: "csi.example.com", resourceVersion: "1" }, spec: { attachRequired, podInfoOnMount: false, storageCapacity: false, seLinuxMount: false, requiresRepublish: false, fsGroupPolicy: "ReadWriteOnceWithFSType", volumeLifecycleModes: ["Persistent"] } });
  return validateCSIDriverUpdate(driver(false), driver(true)).some((e) => e.field === "spec.attachedRequired");
}

/** A pod spec whose stored version already projects a clusterTrustBundle keeps it on update. */
function storedProjectionKept(): boolean {
  const spec = { containers: [{ name: "c", image: "busybox" }], volumes: [{ name: "v", projected: { sources: [{ clusterTrustBundle: { name: "b", path: "ca.pem" } }] } }] };
  const next = dropDisabledProjections(structuredClone(spec), spec);
  return next.volumes[0].projected.sources[0].clusterTrustBundle?.name === "b";
}

/** A pod of priority 1000 fits a node that a nominated pod of priority 10 would fill. */
function lowerNominatedIgnored(): boolean {
  const node: Node = { metadata: { name: "n1", labels: { "kubernetes.io/hostname": "n1" } }, status: { allocatable: { cpu: "1", memory: "1Gi", pods: "10" } } };
  const pod = (name: string, priority: number): Pod => ({ metadata: { name, namespace: "default", uid: name }, spec: { priority, containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "600m" } } }] } });
  const high = pod("high", 1000);
  const ni = newNodeInfo(node, []);
  return runFiltersWithNominatedPods(runPreFilter(high, [ni]), high, ni, [pod("low", 10)]).code === "Success";
}

/** Under podReplacementPolicy Failed a deleted, still running pod is not failed. */
function deletedRunningNotFailed(): boolean {
  const job = { metadata: { name: "j", namespace: "default" }, spec: { podReplacementPolicy: "Failed", template: { spec: { containers: [] } } } };
  const p = { metadata: { name: "p", deletionTimestamp: "2026-01-01T00:00:00Z" }, status: { phase: "Running" } };
  return isPodFailed(p as never, job as never) === false;
}

/** A Deployment whose Progressing condition says NewReplicaSetAvailable an hour ago has not timed out. */
function completeNeverTimesOut(): boolean {
  const at = "2026-01-01T00:00:00Z";
  const d = { metadata: { name: "d" }, spec: { progressDeadlineSeconds: 600 } };
  const s = { conditions: [{ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", lastUpdateTime: at, lastTransitionTime: at }] };
  return deploymentTimedOut(d as never, s as never, Date.parse(at) + 3_600_000) === false;
}

/** whenScaled Delete: the claim of a pod past replicas gets the pod as its controller. */
function condemnedClaimToPod(): boolean {
  const set = { metadata: { name: "web", namespace: "default", uid: "set-uid" }, spec: { replicas: 1, persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Delete" } } };
  const pod = { metadata: { name: "web-1", namespace: "default", uid: "pod-uid", labels: { "apps.kubernetes.io/pod-index": "1" } } };
  const claim = { metadata: { name: "data-web-1", namespace: "default" } };
  return claimOwnerRefsFor(claim as never, set as never, pod as never).some((r) => r.kind === "Pod" && r.uid === "pod-uid" && r.controller === true);
}

/** An ephemeral container that exited is not started again. */
function ephemeralRunsOnce(): boolean {
  const pod = { metadata: { name: "p", namespace: "default", uid: "u" }, spec: { containers: [{ name: "c", image: "busybox" }], ephemeralContainers: [{ name: "debug", image: "busybox" }] } };
  const status = { sandboxes: [{ id: "s1", ready: true, attempt: 0, ip: "10.0.0.2" }], containers: [{ id: "c1", name: "c", state: "running" }, { id: "d1", name: "debug", state: "exited", exitCode: 0 }] };
  return computePodActions(pod as never, status as never).ephemeralContainersToStart.length === 0;
}

describe("round twenty's escapes", () => {
  const rows: Array<[string, () => boolean]> = [
    ["validation.crd-two-storage-versions-accepted", oneStorageVersion],
    ["validation.csidriver-attach-required-mutable", attachRequiredImmutable],
    ["admission.drop-disabled-drops-stored-projection", storedProjectionKept],
    ["scheduler.nominated-lower-priority-blocks", lowerNominatedIgnored],
    ["job.failed-policy-counts-deleted-as-failed", deletedRunningNotFailed],
    ["deployment.complete-rollout-times-out", completeNeverTimesOut],
    ["statefulset.retention-when-scaled-ignored", condemnedClaimToPod],
    ["kubelet.ephemeral-container-restarted", ephemeralRunsOnce],
  ];
  for (const [name, holds] of rows) {
    it(`${name}: the rule holds, and the mutant breaks it`, () => {
      expect(holds()).toBe(true);
      setMutants([name]);
      expect(holds()).toBe(false);
    });
  }
});
