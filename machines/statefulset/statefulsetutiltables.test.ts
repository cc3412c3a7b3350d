// pkg/controller/statefulset/stateful_set_utils_test.go, the rows statefulset.logic.test.ts does not
// have: TestIsClaimOwnerUpToDate's whole matrix (each policy row with and without the pod's and the
// set's controller references and two unrelated pod references), TestStorageMatches' other broken
// pods, and TestIsRunningAndReady. Every expectation is the Go test's.
import { describe, expect, it } from "vitest";
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { OwnerReference, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import * as L from "./statefulset.logic.js";

describe("TestIsClaimOwnerUpToDate", () => {
  // name, whenScaled, whenDeleted, needsPodRef, needsSetRef, replicas, ordinal
  const rows: [string, string, string, boolean, boolean, number, number][] = [
    ["retain", "Retain", "Retain", false, false, 0, 0],
    ["on SS delete", "Retain", "Delete", false, true, 0, 0],
    ["on scaledown only, condemned", "Delete", "Retain", true, false, 2, 2],
    ["on scaledown only, remains", "Delete", "Retain", false, false, 2, 1],
    ["on both, condemned", "Delete", "Delete", true, false, 2, 2],
    ["on both, remains", "Delete", "Delete", false, true, 2, 1],
  ];
  /** metav1.NewControllerRef, as addControllerRef appends it */
  const controllerRef = (apiVersion: string, kind: string, name: string, uid: string): OwnerReference => ({ apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true });
  const others: OwnerReference[] = [{ name: "rand1", apiVersion: "v1", kind: "Pod", uid: "rand1-uid" }, { name: "rand2", apiVersion: "v1", kind: "Pod", uid: "rand2-uid" }];
  for (const [name, whenScaled, whenDeleted, needsPodRef, needsSetRef, replicas, ordinal] of rows) {
    for (const useOtherRefs of [false, true]) {
      for (const setPodRef of [false, true]) {
        for (const setSetRef of [false, true]) {
          const want = setPodRef === needsPodRef && setSetRef === needsSetRef;
          it(`${name} with pod=${setPodRef},set=${setSetRef},others=${useOtherRefs}: ${want}`, () => {
            const pod: Pod = { metadata: { name: `pod-${ordinal}`, uid: "pod-123" } };
            const set = { metadata: { name: "stateful-set", uid: "ss-456" }, spec: { replicas, persistentVolumeClaimRetentionPolicy: { whenScaled, whenDeleted } } } as unknown as StatefulSet;
            const ownerReferences = [
              ...(setPodRef ? [controllerRef("v1", "Pod", `pod-${ordinal}`, "pod-123")] : []),
              ...(setSetRef ? [controllerRef("apps/v1", "StatefulSet", "stateful-set", "ss-456")] : []),
              ...(useOtherRefs ? others : []),
            ];
            const claim: PersistentVolumeClaim = { metadata: { name: "target-claim", ownerReferences } };
            expect(L.isClaimOwnerUpToDate(claim, set, pod)).toBe(want);
          });
        }
      }
    }
  }
});

/** newStatefulSet(3): foo, a datadir claim template and a home hostPath volume */
function newStatefulSet(replicas: number): StatefulSet {
  return {
    metadata: { name: "foo", namespace: "default", uid: "test" },
    spec: {
      replicas, serviceName: "governingsvc", selector: { matchLabels: { foo: "bar" } },
      template: { metadata: { labels: { foo: "bar" } }, spec: { containers: [{ name: "nginx", image: "nginx", volumeMounts: [{ name: "datadir", mountPath: "/tmp/zookeeper" }, { name: "home", mountPath: "/home" }] }], volumes: [{ name: "home", hostPath: { path: "/tmp/home" } }] } },
      volumeClaimTemplates: [{ metadata: { name: "datadir" }, spec: { resources: { requests: { storage: "1" } } } }],
    },
  } as StatefulSet;
}

describe("TestStorageMatches", () => {
  const set = newStatefulSet(3);
  const fresh = () => L.newStatefulSetPod(set, 1);
  const rows: [string, (p: Pod) => Pod, boolean][] = [
    ["Newly created Pod has a valid storage", (p) => p, true],
    ["Pod with no Volumes has no valid storage", (p) => ({ ...p, spec: { ...p.spec!, volumes: undefined } }), false],
    ["Pod whose Volumes claim nothing has no valid storage", (p) => ({ ...p, spec: { ...p.spec!, volumes: p.spec!.volumes!.map(({ persistentVolumeClaim: _gone, ...v }) => v) } }), false],
    ["Pod whose Volumes claim another name has no valid storage",
      (p) => ({ ...p, spec: { ...p.spec!, volumes: p.spec!.volumes!.map((v) => (v.persistentVolumeClaim ? { ...v, persistentVolumeClaim: { claimName: "foo" } } : v)) } }), false],
    ["Pod with invalid ordinal has no valid storage", (p) => ({ ...p, metadata: { ...p.metadata, name: "bar" } }), false],
  ];
  for (const [name, edit, want] of rows) it(name, () => expect(L.storageMatches(set, edit(fresh()))).toBe(want));
});

describe("TestIsRunningAndReady", () => {
  const pod = L.newStatefulSetPod(newStatefulSet(3), 1);
  it("isRunningAndReady respects the Pod's phase", () => expect(L.isRunningAndReady(pod)).toBe(false));
  const running: Pod = { ...pod, status: { phase: "Running" } };
  it("isRunningAndReady respects the Pod's Ready condition", () => expect(L.isRunningAndReady(running)).toBe(false));
  it("a Pod Running and Ready is running and ready", () => expect(L.isRunningAndReady({ ...running, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } })).toBe(true));
});
