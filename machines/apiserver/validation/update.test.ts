// Update validation: ValidatePodUpdate (what may change on a pod), ValidatePodSpecificAnnotationUpdates,
// the gated-pod node selector and affinity rules, ValidateObjectMetaUpdate, and the apps/v1 selector
// immutability, with rows of TestValidatePodUpdate and TestValidateObjectMetaUpdate (v1.35).

import { describe, it, expect } from "vitest";
import { validateCreate, validateUpdate } from "./index.js";
import { brief, defaulted, defaultedPod, messages } from "./testing.js";


function stored(edit: (p: any) => void = () => {}): any {
  const p = defaultedPod();
  p.metadata.uid = "u1";
  p.metadata.resourceVersion = "5";
  edit(p);
  return p;
}
function update(old: any, edit: (p: any) => void): any[] {
  const next = structuredClone(old);
  edit(next);
  return validateUpdate(next, old);
}
const forbiddenSpec = (errs: any[]) => errs.filter((e) => e.field === "spec" && e.type === "FieldValueForbidden").length;

describe("ValidatePodUpdate (TestValidatePodUpdate)", () => {
  it("nothing changed is valid", () => expect(update(stored(), () => {})).toEqual([]));
  it("image change is valid", () => expect(update(stored(), (p) => (p.spec.containers[0].image = "bar-image"))).toEqual([]));
  it("an empty image is required", () => expect(brief(update(stored(), (p) => (p.spec.containers[0].image = "")))).toContain("FieldValueRequired spec.containers[0].image"));
  it("an image with surrounding whitespace is invalid", () => {
    expect(messages(update(stored(), (p) => (p.spec.containers[0].image = " nginx ")))).toContain('spec.containers[0].image: Invalid value: " nginx ": must not have leading or trailing whitespace');
  });
  it("spec.nodeName may not change through an update (only a binding sets it)", () => {
    expect(forbiddenSpec(update(stored((p) => (p.spec.nodeName = "node-a")), (p) => (p.spec.nodeName = "node-b")))).toBe(1);
    expect(forbiddenSpec(update(stored(), (p) => (p.spec.nodeName = "node-b")))).toBe(1);
  });
  it("a changed restartPolicy is forbidden", () => expect(forbiddenSpec(update(stored(), (p) => (p.spec.restartPolicy = "Never")))).toBe(1));
  it("a changed port is forbidden", () => expect(forbiddenSpec(update(stored(), (p) => (p.spec.containers[0].ports = [{ containerPort: 80, protocol: "TCP" }])))).toBe(1));
  it("activeDeadlineSeconds may be added", () => expect(update(stored(), (p) => (p.spec.activeDeadlineSeconds = 10))).toEqual([]));
  it("activeDeadlineSeconds may shrink", () => expect(update(stored((p) => (p.spec.activeDeadlineSeconds = 20)), (p) => (p.spec.activeDeadlineSeconds = 10))).toEqual([]));
  it("activeDeadlineSeconds may not grow", () => {
    expect(messages(update(stored((p) => (p.spec.activeDeadlineSeconds = 10)), (p) => (p.spec.activeDeadlineSeconds = 20)))).toEqual(["spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value"]);
  });
  it("activeDeadlineSeconds may not be removed", () => {
    expect(messages(update(stored((p) => (p.spec.activeDeadlineSeconds = 10)), (p) => delete p.spec.activeDeadlineSeconds))).toEqual(["spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"]);
  });
  it("a negative activeDeadlineSeconds stops the checks", () => {
    expect(messages(update(stored(), (p) => (p.spec.activeDeadlineSeconds = -1)))).toContain("spec.activeDeadlineSeconds: Invalid value: -1: must be between 0 and 2147483647, inclusive");
  });
  it("terminationGracePeriodSeconds may go from negative to 1", () => {
    expect(update(stored((p) => (p.spec.terminationGracePeriodSeconds = -1)), (p) => (p.spec.terminationGracePeriodSeconds = 1))).toEqual([]);
  });
  it("terminationGracePeriodSeconds may not otherwise change", () => expect(forbiddenSpec(update(stored(), (p) => (p.spec.terminationGracePeriodSeconds = 5)))).toBe(1));
  it("a toleration's tolerationSeconds may change", () => {
    const old = stored((p) => (p.spec.tolerations = [{ key: "k", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 }]));
    expect(update(old, (p) => (p.spec.tolerations[0].tolerationSeconds = 20))).toEqual([]);
  });
  it("containers may not be added", () => expect(messages(update(stored(), (p) => p.spec.containers.push({ ...p.spec.containers[0], name: "d" })))).toEqual(["spec.containers: Forbidden: pod updates may not add or remove containers"]));
});

describe("scheduling-gated pods (TestValidatePodUpdate's gated rows)", () => {
  const gated = (edit: (p: any) => void = () => {}) => stored((p) => {
    p.spec.schedulingGates = [{ name: "gate" }];
    edit(p);
  });
  it("may gain a node selector", () => expect(update(gated((p) => (p.spec.nodeSelector = { a: "1" })), (p) => (p.spec.nodeSelector.b = "2"))).toEqual([]));
  it("may not change an existing node selector", () => {
    expect(messages(update(gated((p) => (p.spec.nodeSelector = { a: "1" })), (p) => (p.spec.nodeSelector.a = "2")))).toEqual(['spec.nodeSelector: Invalid value: {"a":"2"}: only additions to spec.nodeSelector are allowed (no mutations or deletions)']);
  });
  const na = (exprs: any[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs }] } } });
  const e1 = { key: "k1", operator: "In", values: ["v"] };
  const e2 = { key: "k2", operator: "Exists" };
  it("may gain node affinity where there was none", () => expect(update(gated(), (p) => (p.spec.affinity = na([e1])))).toEqual([]));
  it("may add requirements to an existing term", () => expect(update(gated((p) => (p.spec.affinity = na([e1]))), (p) => (p.spec.affinity = na([e1, e2])))).toEqual([]));
  it("may not change an existing requirement", () => {
    expect(brief(update(gated((p) => (p.spec.affinity = na([e1]))), (p) => (p.spec.affinity = na([e2]))))).toEqual(["FieldValueInvalid spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"]);
  });
  it("an ungated pod may not gain a node selector", () => expect(forbiddenSpec(update(stored(), (p) => (p.spec.nodeSelector = { a: "1" })))).toBe(1));
  it("may remove a gate but not add one", () => {
    expect(update(gated(), (p) => (p.spec.schedulingGates = []))).toEqual([]);
    expect(messages(update(gated(), (p) => p.spec.schedulingGates.push({ name: "other" })))).toEqual(["spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'other'"]);
  });
});

describe("ValidatePodSpecificAnnotationUpdates", () => {
  const mirror = "kubernetes.io/config.mirror";
  it("the mirror-pod annotation may not be added", () => {
    expect(messages(update(stored((p) => (p.spec.nodeName = "n")), (p) => (p.metadata.annotations = { [mirror]: "x" })))).toEqual([`metadata.annotations[${mirror}]: Forbidden: may not add mirror pod annotation`]);
  });
  it("the mirror-pod annotation may not be removed", () => {
    const old = stored((p) => Object.assign(p, { metadata: { ...p.metadata, annotations: { [mirror]: "x" } }, spec: { ...p.spec, nodeName: "n" } }));
    expect(messages(update(old, (p) => delete p.metadata.annotations[mirror]))).toEqual([`metadata.annotations[${mirror}]: Forbidden: may not remove or update mirror pod annotation`]);
  });
  it("an AppArmor annotation may not be added", () => {
    expect(brief(update(stored(), (p) => (p.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/c": "runtime/default" })))).toEqual(["FieldValueForbidden metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]"]);
  });
  it("a pod with an invalid deletion cost may keep it (AllowInvalidPodDeletionCost)", () => {
    const old = stored((p) => (p.metadata.annotations = { "controller.kubernetes.io/pod-deletion-cost": "+1" }));
    expect(update(old, (p) => (p.spec.containers[0].image = "other"))).toEqual([]);
  });
});

describe("ValidateObjectMetaUpdate and ValidateObjectMeta (TestValidateObjectMetaUpdate...)", () => {
  it("creationTimestamp is immutable, printed as json.Marshal prints a Time", () => {
    expect(messages(update(stored(), (p) => (p.metadata.creationTimestamp = "2027-01-01T00:00:00Z")))).toEqual(['metadata.creationTimestamp: Invalid value: "2027-01-01T00:00:00Z": field is immutable']);
  });
  it("deletionGracePeriodSeconds is immutable", () => expect(messages(update(stored(), (p) => (p.metadata.deletionGracePeriodSeconds = 30)))).toEqual(["metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable"]));
  it("generation may not decrease", () => {
    expect(messages(update(stored((p) => (p.metadata.generation = 2)), (p) => (p.metadata.generation = 1)))).toEqual(["metadata.generation: Invalid value: 1: must not be decremented"]);
  });
  it("no new finalizers while deleting", () => {
    const old = stored((p) => Object.assign(p.metadata, { deletionTimestamp: "2026-01-01T00:00:00Z", deletionGracePeriodSeconds: 30, finalizers: ["a.io/x"] }));
    expect(messages(update(old, (p) => p.metadata.finalizers.push("b.io/y")))).toEqual(['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}']);
  });
  const meta = (m: any) => validateCreate({ ...defaultedPod(), metadata: { name: "p", namespace: "default", ...m } });
  it("an unqualified finalizer must be a standard one", () => {
    expect(messages(meta({ finalizers: ["custom"] }))).toEqual(['metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']);
    expect(meta({ finalizers: ["kubernetes", "orphan", "example.com/f"] })).toEqual([]);
  });
  it("orphan and foregroundDeletion cannot both be set", () => {
    expect(messages(meta({ finalizers: ["orphan", "foregroundDeletion"] }))).toEqual(['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set']);
  });
  const owner = (o: any) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u", ...o });
  it("owner references need a version, kind, name and uid", () => {
    expect(messages(meta({ ownerReferences: [owner({ apiVersion: "apps/", kind: "", name: "", uid: "" })] }))).toEqual([
      'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ]);
  });
  it("only one owner may be the controller, each extra one reported against the first", () => {
    const refs = [owner({ name: "a", controller: true }), owner({ name: "b", controller: true }), owner({ name: "c", controller: true })];
    const got = messages(meta({ ownerReferences: refs }));
    expect(got).toHaveLength(2);
    expect(got[0]).toContain('Found "true" in references for ReplicaSet/a and ReplicaSet/b');
    expect(got[1]).toContain('Found "true" in references for ReplicaSet/a and ReplicaSet/c');
  });
  it("an Event may not own anything", () => expect(brief(meta({ ownerReferences: [owner({ apiVersion: "v1", kind: "Event" })] }))).toEqual(["FieldValueInvalid metadata.ownerReferences"]));
});

describe("apps/v1: Deployment and ReplicaSet selectors are immutable", () => {
  const dep = (kind: string) => {
    const d = defaulted({ apiVersion: "apps/v1", kind, metadata: { name: "web", namespace: "default" }, spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } });
    d.metadata.uid = "u";
    d.metadata.resourceVersion = "1";
    return d;
  };
  for (const kind of ["Deployment", "ReplicaSet"]) {
    it(`a ${kind} may not gain a selector expression`, () => {
      const old = dep(kind);
      const next = structuredClone(old);
      next.spec.selector.matchExpressions = [{ key: "tier", operator: "Exists" }];
      next.spec.template.metadata.labels.tier = "x";
      expect(messages(validateUpdate(next, old))).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"Exists"}]}: field is immutable']);
    });
    it(`a ${kind}'s template may change`, () => {
      const old = dep(kind);
      const next = structuredClone(old);
      next.spec.template.spec.containers[0].image = "nginx:2";
      expect(validateUpdate(next, old)).toEqual([]);
    });
  }
});
