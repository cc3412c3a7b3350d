// pkg/controller/statefulset/stateful_set_utils_test.go, the rows statefulset.logic.test.ts does not
// have: TestIsClaimOwnerUpToDate's whole matrix (each policy row with and without the pod's and the
// set's controller references and two unrelated pod references), TestClaimOwnerUpToDateEdgeCases,
// TestUpdateClaimOwnerRefForSetAndPod's variations and TestUpdateClaimControllerRef (through
// claimOwnerRefsFor, podflow's updateClaimOwnerRefForSetAndPod), TestStorageMatches' other broken pods,
// TestUpdateIdentity (withIdentity), TestGetStartOrdinal and TestIsRunningAndReady. Every expectation is the Go test's.
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

describe("TestUpdateIdentity", () => {
  const set = newStatefulSet(3);
  const fresh = () => L.newStatefulSetPod(set, 1);
  const rows: [string, (p: Pod) => Pod][] = [
    ["a Pod with the wrong namespace gets the set's", (p) => ({ ...p, metadata: { ...p.metadata, namespace: "" } })],
    ["a Pod without the pod-name label gets it back", (p) => ({ ...p, metadata: { ...p.metadata, labels: { foo: "bar" } } })],
  ];
  for (const [name, edit] of rows) {
    it(name, () => {
      const broken = edit(fresh());
      expect(L.identityMatches(set, broken)).toBe(false);
      expect(L.identityMatches(set, L.withIdentity(set, broken))).toBe(true);
    });
  }
  it("the identity it restores is the new Pod's: name, namespace, pod-name and pod-index labels", () => {
    const fixed = L.withIdentity(set, { ...fresh(), metadata: { ...fresh().metadata, namespace: "", labels: { foo: "bar" } } });
    expect([fixed.metadata!.name, fixed.metadata!.namespace, fixed.metadata!.labels]).toEqual(["foo-1", "default", fresh().metadata!.labels]);
  });
});

describe("TestGetStartOrdinal (spec.ordinals.start and the ordinals it puts in range)", () => {
  const rows: [string, number | undefined, number, number, number][] = [
    ["Ordinals with replicas=5 and start=3", 3, 5, 3, 7],
    ["Ordinals with replicas=0 and start=3", 3, 0, 3, 2],
    ["Ordinals with replicas=5 and no ordinals", undefined, 5, 0, 4],
  ];
  for (const [name, start, replicas, first, last] of rows) {
    it(name, () => {
      const set = newStatefulSet(replicas);
      if (start !== undefined) set.spec!.ordinals = { start };
      expect([L.startOrdinal(set), L.endOrdinal(set)]).toEqual([first, last]);
      for (let o = 0; o <= last + 1; o++) expect(L.inOrdinalRange(L.newStatefulSetPod(set, o), set)).toBe(o >= first && o <= last);
    });
  }
});

describe("TestIsRunningAndReady", () => {
  const pod = L.newStatefulSetPod(newStatefulSet(3), 1);
  it("isRunningAndReady respects the Pod's phase", () => expect(L.isRunningAndReady(pod)).toBe(false));
  const running: Pod = { ...pod, status: { phase: "Running" } };
  it("isRunningAndReady respects the Pod's Ready condition", () => expect(L.isRunningAndReady(running)).toBe(false));
  it("a Pod Running and Ready is running and ready", () => expect(L.isRunningAndReady({ ...running, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } })).toBe(true));
});

describe("TestClaimOwnerUpToDateEdgeCases", () => {
  const both = { whenScaled: "Delete", whenDeleted: "Delete" };
  const onDelete = { whenScaled: "Retain", whenDeleted: "Delete" };
  const ref = (apiVersion: string, kind: string, name: string, uid: string, controller?: boolean): OwnerReference => ({ apiVersion, kind, name, uid, ...(controller ? { controller } : {}) });
  const rows: [string, OwnerReference[], object, boolean][] = [
    ["normal controller, pod", [ref("v1", "Pod", "pod-1", "pod-123", true)], both, true],
    ["non-controller causes policy mismatch, pod", [ref("v1", "Pod", "pod-1", "pod-123")], both, false],
    ["stale controller does not affect policy, pod", [ref("v1", "Pod", "pod-1", "pod-stale", true)], both, true],
    ["unexpected controller causes policy mismatch, pod", [ref("v1", "Pod", "pod-1", "pod-123", true), ref("v1", "Pod", "Random", "random", true)], both, false],
    ["normal controller, set", [ref("apps/v1", "StatefulSet", "stateful-set", "ss-456", true)], onDelete, true],
    // the Go row's apiVersion is "appsv1": not the set's reference, yet its uid
    ["non-controller causes policy mismatch, set", [ref("appsv1", "StatefulSet", "stateful-set", "ss-456")], onDelete, false],
    ["stale controller ignored, set", [ref("apps/v1", "StatefulSet", "stateful-set", "set-stale", true)], onDelete, true],
    ["unexpected controller causes policy mismatch, set", [ref("apps/v1", "StatefulSet", "stateful-set", "ss-456", true), ref("apps/v1", "StatefulSet", "Random", "random", true)], onDelete, false],
  ];
  for (const [name, ownerReferences, policy, want] of rows) {
    it(name, () => {
      const set = { metadata: { name: "stateful-set", uid: "ss-456" }, spec: { replicas: 1, persistentVolumeClaimRetentionPolicy: policy } } as unknown as StatefulSet;
      expect(L.isClaimOwnerUpToDate({ metadata: { name: "target-claim", ownerReferences } }, set, { metadata: { name: "pod-1", uid: "pod-123" } })).toBe(want);
    });
  }
});

describe("TestUpdateClaimOwnerRefForSetAndPod", () => {
  // name, whenScaled, whenDeleted, condemned, needsPodRef, needsSetRef, unexpectedController
  const rows: [string, string, string, boolean, boolean, boolean, boolean][] = [
    ["retain", "Retain", "Retain", false, false, false, false],
    ["delete with set", "Retain", "Delete", false, false, true, false],
    ["delete with scaledown, not condemned", "Delete", "Retain", false, false, false, false],
    ["delete on scaledown, condemned", "Delete", "Retain", true, true, false, false],
    ["delete on both, not condemned", "Delete", "Delete", false, false, true, false],
    ["delete on both, condemned", "Delete", "Delete", true, true, false, false],
    ["unexpected controller", "Delete", "Delete", true, false, false, true],
  ];
  const newControllerRef = (apiVersion: string, kind: string, name: string, uid: string): OwnerReference => ({ apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true });
  for (const [name, whenScaled, whenDeleted, condemned, needsPodRef, needsSetRef, unexpectedController] of rows) {
    for (let variations = 0; variations < 8; variations++) {
      const hasPodRef = (variations & 1) !== 0;
      const hasSetRef = (variations & 2) !== 0;
      // (sic: the Go test's mask is 3, so the extra owner comes with either reference)
      const extraOwner = (variations & 3) !== 0;
      it(`${name} hasPodRef=${hasPodRef} hasSetRef=${hasSetRef} extraOwner=${extraOwner}`, () => {
        const set = { metadata: { name: "ss", uid: "ss-123" }, spec: { replicas: 5, persistentVolumeClaimRetentionPolicy: { whenScaled, whenDeleted } } } as unknown as StatefulSet;
        const pod: Pod = { metadata: { name: condemned ? "pod-8" : "pod-1", uid: "pod-456" } };
        const ownerReferences = [
          ...(hasPodRef ? [newControllerRef("v1", "Pod", pod.metadata!.name!, "pod-456")] : []),
          ...(hasSetRef ? [newControllerRef("apps/v1", "StatefulSet", "ss", "ss-123")] : []),
          ...(extraOwner ? [{ apiVersion: "custom/v1", kind: "random", name: "random", uid: "abc" }] : []),
          ...(unexpectedController ? [{ apiVersion: "custom/v1", kind: "Unknown", name: "unknown", uid: "xyz", controller: true }] : []),
        ];
        const got = L.claimOwnerRefsFor({ metadata: { ownerReferences } }, set, pod);
        const isController = (uid: string) => got.find((r) => r.uid === uid)?.controller === true;
        expect({ pod: isController("pod-456"), set: isController("ss-123") }).toEqual({ pod: needsPodRef, set: needsSetRef });
      });
    }
  }
});

describe("TestUpdateClaimControllerRef", () => {
  /** the Go test's ownerRefsChanged: the same apiVersion-kind-name references, in any order */
  const keys = (refs: OwnerReference[]) => refs.map((r) => `${r.apiVersion}-${r.kind}-${r.name}`).sort();
  const sts = (uid?: string, controller?: boolean): OwnerReference => ({ apiVersion: "apps/v1", kind: "StatefulSet", name: "sts", ...(uid ? { uid } : {}), ...(controller ? { controller } : {}) }) as OwnerReference;
  const rows: [string, OwnerReference[], OwnerReference[]][] = [
    ["set correctly", [sts("123", true), { apiVersion: "someone", kind: "Else", name: "foo" } as OwnerReference], [sts("123", true), { apiVersion: "someone", kind: "Else", name: "foo" } as OwnerReference]],
    ["missing controller", [sts("123")], [sts("123", true)]],
    ["matching name but missing", [{ apiVersion: "someone", kind: "else", name: "sts", uid: "456" }], [{ apiVersion: "someone", kind: "else", name: "sts", uid: "456" }, sts("123", true)]],
    ["not present", [], [sts("123", true)]],
    // a reference without a uid is a stale one: an unexpected controller
    ["controller, but no UID", [sts(undefined, true)], []],
    ["neither controller nor UID", [sts()], []],
  ];
  for (const [name, originalRefs, expectedRefs] of rows) {
    it(name, () => {
      const set = { metadata: { name: "sts", uid: "123" }, spec: { replicas: 1, persistentVolumeClaimRetentionPolicy: { whenScaled: "Delete", whenDeleted: "Delete" } } } as unknown as StatefulSet;
      expect(keys(L.claimOwnerRefsFor({ metadata: { ownerReferences: originalRefs } }, set, { metadata: { name: "pod-0", uid: "456" } }))).toEqual(keys(expectedRefs));
    });
  }
});
