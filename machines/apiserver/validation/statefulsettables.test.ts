// pkg/apis/apps/validation/validation_test.go (the stored version afd5df58, v1.3x line, with explicit
// (type, field) lists): TestValidateStatefulSet, TestValidateStatefulSetMinReadySeconds,
// TestValidateStatefulSetStatus, TestValidateStatefulSetUpdate, TestValidateControllerRevision and
// TestValidateControllerRevisionUpdate. The Go tables compare causes sorted by their text, ignoring
// values and details; so do these.

import { describe, expect, it } from "vitest";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";
import { brief } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const validLabels = { a: "b" };
const invalidLabels = { "NoUppercaseOrSpecialCharsLike=Equals": "b" };
const container = (name = "abc") => ({ name, image: "image", imagePullPolicy: "IfNotPresent" });
const validPodTemplate = () => ({ metadata: { labels: { ...validLabels } }, spec: { restartPolicy: "Always", dnsPolicy: "ClusterFirst", containers: [container()] } });

type Tweak = (ss: any) => void;
function mkStatefulSet(template: any, ...tweaks: Tweak[]): any {
  const ss: any = {
    apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "abc", namespace: "default" },
    spec: { podManagementPolicy: "OrderedReady", selector: { matchLabels: { a: "b" } }, template: structuredClone(template), updateStrategy: { type: "RollingUpdate" } },
  };
  for (const t of tweaks) t(ss);
  return ss;
}
const name = (n: string): Tweak => (ss) => (ss.metadata.name = n);
const namespace = (n: string): Tweak => (ss) => (ss.metadata.namespace = n);
const label = (k: string, v: string): Tweak => (ss) => (ss.metadata.labels = { ...(ss.metadata.labels ?? {}), [k]: v });
const annotation = (k: string, v: string): Tweak => (ss) => (ss.metadata.annotations = { ...(ss.metadata.annotations ?? {}), [k]: v });
const finalizers = (...f: string[]): Tweak => (ss) => (ss.metadata.finalizers = f);
const policy = (p: string): Tweak => (ss) => (ss.spec.podManagementPolicy = p);
const replicas = (n: number): Tweak => (ss) => (ss.spec.replicas = n);
const selectorLabels = (l: Record<string, string> | null): Tweak => (ss) => (l === null ? delete ss.spec.selector : (ss.spec.selector = { matchLabels: l }));
const restartPolicy = (rp: string): Tweak => (ss) => (ss.spec.template.spec.restartPolicy = rp);
const minReadySeconds = (n: number): Tweak => (ss) => (ss.spec.minReadySeconds = n);
const ordinalsStart = (n: number): Tweak => (ss) => (ss.spec.ordinals = { start: n });
const pvcTemplates = (...pvc: any[]): Tweak => (ss) => (ss.spec.volumeClaimTemplates = pvc);
const strategyType = (t: string): Tweak => (ss) => (ss.spec.updateStrategy.type = t);
const partition = (p: number): Tweak => (ss) => (ss.spec.updateStrategy.rollingUpdate = { ...(ss.spec.updateStrategy.rollingUpdate ?? {}), partition: p });
const maxUnavailable = (m: number | string): Tweak => (ss) => (ss.spec.updateStrategy.rollingUpdate = { ...(ss.spec.updateStrategy.rollingUpdate ?? {}), maxUnavailable: m });
const pvcPolicy = (p: any): Tweak => (ss) => (ss.spec.persistentVolumeClaimRetentionPolicy = p);

// cmpopts.SortSlices by Error(): the causes as a sorted set of "type field".
const sortedCauses = (errs: FieldError[]) => [...errs].sort((a, b) => (fieldErrorMessage(a) < fieldErrorMessage(b) ? -1 : 1)).map((e) => `${e.type} ${e.field}`);
const sorted = (want: string[]) => want;

describe("TestValidateStatefulSet", () => {
  const hostNet = { metadata: { labels: { ...validLabels } }, spec: { hostNetwork: true, restartPolicy: "Always", dnsPolicy: "ClusterFirst", containers: [{ ...container(), ports: [{ containerPort: 12345, protocol: "TCP" }] }] } };
  const invalidPodTemplate = { metadata: { labels: { ...invalidLabels } }, spec: { restartPolicy: "Always", dnsPolicy: "ClusterFirst" } };
  const invalidPodTemplate2 = { metadata: { labels: { ...validLabels } }, spec: { restartPolicy: "Always", dnsPolicy: "ClusterFirst", activeDeadlineSeconds: 60 } };
  const success: [string, any][] = [
    ["alpha name", mkStatefulSet(validPodTemplate(), name("abc"))],
    ["alphanumeric name", mkStatefulSet(validPodTemplate(), name("abc-123"))],
    ["hostNetwork true", mkStatefulSet(hostNet)],
    ["parallel pod management", mkStatefulSet(validPodTemplate(), policy("Parallel"))],
    ["ordered ready pod management", mkStatefulSet(validPodTemplate(), policy("OrderedReady"))],
    ["update strategy", mkStatefulSet(validPodTemplate(), replicas(3), strategyType("RollingUpdate"), partition(2))],
    ["PVC policy", mkStatefulSet(validPodTemplate(), pvcPolicy({ whenDeleted: "Delete", whenScaled: "Retain" }))],
    ["maxUnavailable with parallel pod management", mkStatefulSet(validPodTemplate(), replicas(3), strategyType("RollingUpdate"), partition(2), maxUnavailable(2))],
    ["ordinals.start positive value", mkStatefulSet(validPodTemplate(), replicas(3), ordinalsStart(2))],
  ];
  for (const [n, ss] of success) it(`success case ${n}`, () => expect(brief(validateCreate(ss))).toEqual([]));
  const M = "metadata";
  const errors: [string, any, string[]][] = [
    ["zero-length name", mkStatefulSet(validPodTemplate(), name("")), [`FieldValueRequired ${M}.name`]],
    ["name-with-dots", mkStatefulSet(validPodTemplate(), name("abc.123")), [`FieldValueInvalid ${M}.name`]],
    ["long name", mkStatefulSet(validPodTemplate(), name("a".repeat(64))), [`FieldValueInvalid ${M}.name`]],
    ["missing-namespace", mkStatefulSet(validPodTemplate(), namespace("")), [`FieldValueRequired ${M}.namespace`]],
    // A nil selector selects nothing: the template's labels do not match it.
    ["empty selector", mkStatefulSet(validPodTemplate(), selectorLabels(null)), ["FieldValueInvalid spec.template.metadata.labels", "FieldValueRequired spec.selector"]],
    ["selector_doesnt_match", mkStatefulSet(validPodTemplate(), selectorLabels({ foo: "bar" })), ["FieldValueInvalid spec.template.metadata.labels"]],
    ["negative_replicas", mkStatefulSet(validPodTemplate(), replicas(-1)), ["FieldValueInvalid spec.replicas"]],
    ["invalid_label", mkStatefulSet(validPodTemplate(), label("NoUppercaseOrSpecialCharsLike=Equals", "bar")), [`FieldValueInvalid ${M}.labels`]],
    // The selector does not convert (LabelSelectorAsSelector): the template is then not compared or checked.
    ["invalid_label 2", mkStatefulSet(invalidPodTemplate, label("NoUppercaseOrSpecialCharsLike=Equals", "bar"), selectorLabels(invalidLabels)),
      [`FieldValueInvalid ${M}.labels`, "FieldValueInvalid spec.selector", "FieldValueInvalid spec.selector.matchLabels"]],
    ["invalid_annotation", mkStatefulSet(validPodTemplate(), annotation("NoUppercaseOrSpecialCharsLike=Equals", "bar")), [`FieldValueInvalid ${M}.annotations`]],
    ["invalid restart policy 1", mkStatefulSet(validPodTemplate(), restartPolicy("OnFailure")), ["FieldValueNotSupported spec.template.spec.restartPolicy"]],
    ["invalid restart policy 2", mkStatefulSet(validPodTemplate(), restartPolicy("Never")), ["FieldValueNotSupported spec.template.spec.restartPolicy"]],
    ["empty restart policy", mkStatefulSet(validPodTemplate(), restartPolicy("")), ["FieldValueNotSupported spec.template.spec.restartPolicy"]],
    ["invalid update strategy", mkStatefulSet(validPodTemplate(), replicas(3), strategyType("foo")), ["FieldValueInvalid spec.updateStrategy"]],
    ["empty update strategy", mkStatefulSet(validPodTemplate(), replicas(3), strategyType("")), ["FieldValueRequired spec.updateStrategy"]],
    ["invalid rolling update", mkStatefulSet(validPodTemplate(), replicas(3), strategyType("OnDelete"), partition(1)), ["FieldValueInvalid spec.updateStrategy.rollingUpdate"]],
    ["negative partition", mkStatefulSet(validPodTemplate(), replicas(3), partition(-1)), ["FieldValueInvalid spec.updateStrategy.rollingUpdate.partition"]],
    ["empty pod management policy", mkStatefulSet(validPodTemplate(), policy(""), replicas(3)), ["FieldValueRequired spec.podManagementPolicy"]],
    ["invalid pod management policy", mkStatefulSet(validPodTemplate(), policy("foo")), ["FieldValueInvalid spec.podManagementPolicy"]],
    ["set active deadline seconds", mkStatefulSet(invalidPodTemplate2, replicas(3)), ["FieldValueForbidden spec.template.spec.activeDeadlineSeconds"]],
    ["empty PersistentVolumeClaimRetentionPolicy", mkStatefulSet(validPodTemplate(), pvcPolicy({})),
      ["FieldValueNotSupported spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "FieldValueNotSupported spec.persistentVolumeClaimRetentionPolicy.whenScaled"]],
    ["invalid PersistentVolumeClaimRetentionPolicy", mkStatefulSet(validPodTemplate(), pvcPolicy({ whenDeleted: "invalid-retention-policy", whenScaled: "invalid-retention-policy" })),
      ["FieldValueNotSupported spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "FieldValueNotSupported spec.persistentVolumeClaimRetentionPolicy.whenScaled"]],
    ["zero maxUnavailable", mkStatefulSet(validPodTemplate(), replicas(3), strategyType("RollingUpdate"), maxUnavailable(0)), ["FieldValueInvalid spec.updateStrategy.rollingUpdate.maxUnavailable"]],
    ["zero percent maxUnavailable", mkStatefulSet(validPodTemplate(), replicas(3), strategyType("RollingUpdate"), maxUnavailable("0%")), ["FieldValueInvalid spec.updateStrategy.rollingUpdate.maxUnavailable"]],
    ["greater than 100 percent maxUnavailable", mkStatefulSet(validPodTemplate(), replicas(3), strategyType("RollingUpdate"), maxUnavailable("101%")), ["FieldValueInvalid spec.updateStrategy.rollingUpdate.maxUnavailable"]],
    ["invalid ordinals.start", mkStatefulSet(validPodTemplate(), replicas(3), ordinalsStart(-2)), ["FieldValueInvalid spec.ordinals.start"]],
  ];
  for (const [n, ss, want] of errors) it(`error case ${n}`, () => expect(sortedCauses(validateCreate(ss)).sort()).toEqual(sorted([...want].sort())));
});

describe("TestValidateStatefulSetMinReadySeconds", () => {
  const rows: [string, number, boolean][] = [
    ["valid : minReadySeconds enabled, zero", 0, false],
    ["invalid : minReadySeconds enabled, negative", -1, true],
    ["valid : minReadySeconds enabled, very large value", 2147483647, false],
    ["invalid : minReadySeconds enabled, large negative", -2147483648, true],
  ];
  for (const [n, secs, fails] of rows) {
    it(n, () => expect(brief(validateCreate(mkStatefulSet(validPodTemplate(), replicas(3), minReadySeconds(secs))))).toEqual(fails ? ["FieldValueInvalid spec.minReadySeconds"] : []));
  }
});

describe("TestValidateStatefulSetStatus (through statefulsets/status)", () => {
  const old = { ...mkStatefulSet(validPodTemplate()), metadata: { name: "abc", namespace: "default", resourceVersion: "1" } };
  const st = (replicas: number, readyReplicas: number, currentReplicas: number, updatedReplicas: number, extra: any = {}) => ({ replicas, readyReplicas, currentReplicas, updatedReplicas, ...extra });
  const rows: [string, any, boolean][] = [
    ["valid status", st(3, 3, 2, 1), false],
    ["invalid replicas", st(-1, 3, 2, 1), true],
    ["invalid readyReplicas", st(3, -1, 2, 1), true],
    ["invalid currentReplicas", st(3, 3, -1, 1), true],
    ["invalid updatedReplicas", st(3, 3, 2, -1), true],
    ["invalid observedGeneration", st(3, 3, 2, 1, { observedGeneration: -1 }), true],
    ["invalid collisionCount", st(3, 3, 2, 1, { collisionCount: -1 }), true],
    ["readyReplicas greater than replicas", st(3, 4, 2, 1), true],
    ["currentReplicas greater than replicas", st(3, 3, 4, 1), true],
    ["updatedReplicas greater than replicas", st(3, 3, 2, 4), true],
    ["invalid: number of available replicas", st(3, 3, 2, 0, { availableReplicas: -1 }), true],
    ["invalid: available replicas greater than replicas", st(3, 3, 2, 0, { availableReplicas: 4 }), true],
    ["invalid: available replicas greater than ready replicas", st(3, 2, 2, 0, { availableReplicas: 3 }), true],
  ];
  for (const [n, status, fails] of rows) {
    it(n, () => {
      const errs = validateUpdate({ ...old, status }, old, "status");
      if (fails) expect(errs.length).toBeGreaterThan(0);
      else expect(errs).toEqual([]);
    });
  }
});

describe("TestValidateStatefulSetUpdate", () => {
  const validPodTemplate2 = () => ({ metadata: { labels: { c: "d" } }, spec: { restartPolicy: "Always", dnsPolicy: "ClusterFirst", containers: [container()] } });
  const addContainers = () => {
    const t = validPodTemplate();
    t.spec.containers.push({ name: "def", image: "image2", imagePullPolicy: "IfNotPresent" });
    return t;
  };
  const pvc = (n: string, storageClassName: string, storage: string) => ({ metadata: { name: n }, spec: { storageClassName, resources: { requests: { storage } } } });
  const validPVC = pvc("pvc-abc", "storage-class1", "1Gi");
  const withRV = (ss: any) => ({ ...ss, metadata: { ...ss.metadata, resourceVersion: "1" } });
  const success: [string, any, any][] = [
    ["update replica count", mkStatefulSet(validPodTemplate()), mkStatefulSet(validPodTemplate(), replicas(3))],
    ["update containers 1", mkStatefulSet(validPodTemplate()), mkStatefulSet(addContainers())],
    ["update containers 2", mkStatefulSet(addContainers()), mkStatefulSet(validPodTemplate())],
    ["update containers and pvc retention policy 1", mkStatefulSet(addContainers()), mkStatefulSet(validPodTemplate(), pvcPolicy({ whenDeleted: "Retain", whenScaled: "Retain" }))],
    // The old policy (whenDeleted unset) was never valid; only the new spec is judged.
    ["update containers and pvc retention policy 2", mkStatefulSet(validPodTemplate(), pvcPolicy({ whenScaled: "Retain" })), mkStatefulSet(validPodTemplate())],
    ["update update strategy", mkStatefulSet(validPodTemplate()), mkStatefulSet(validPodTemplate(), strategyType("OnDelete"))],
    ["update min ready seconds 1", mkStatefulSet(validPodTemplate()), mkStatefulSet(validPodTemplate(), minReadySeconds(10))],
    ["update min ready seconds 2", mkStatefulSet(validPodTemplate(), minReadySeconds(5)), mkStatefulSet(validPodTemplate(), minReadySeconds(10))],
    ["update existing instance with now-invalid name", mkStatefulSet(validPodTemplate(), finalizers("final")), mkStatefulSet(validPodTemplate(), finalizers())],
    ["update existing instance with .spec.ordinals.start", mkStatefulSet(validPodTemplate()), mkStatefulSet(validPodTemplate(), ordinalsStart(3))],
  ];
  for (const [n, old, next] of success) it(`success case ${n}`, () => expect(brief(validateUpdate(withRV(next), withRV(old)))).toEqual([]));
  const errors: [string, any, any, string[]][] = [
    ["update name", mkStatefulSet(validPodTemplate(), name("abc")), mkStatefulSet(validPodTemplate(), name("abc2")), ["FieldValueInvalid metadata.name"]],
    ["update namespace", mkStatefulSet(validPodTemplate(), namespace("default")), mkStatefulSet(validPodTemplate(), namespace("default1")), ["FieldValueInvalid metadata.namespace"]],
    ["update selector", mkStatefulSet(validPodTemplate(), selectorLabels(validLabels)), mkStatefulSet(validPodTemplate2(), selectorLabels({ c: "d" })), ["FieldValueForbidden spec"]],
    ["update pod management policy 1", mkStatefulSet(validPodTemplate(), policy("")), mkStatefulSet(validPodTemplate(), policy("OrderedReady")), ["FieldValueForbidden spec"]],
    ["update pod management policy 2", mkStatefulSet(validPodTemplate(), policy("Parallel")), mkStatefulSet(validPodTemplate(), policy("OrderedReady")), ["FieldValueForbidden spec"]],
    ["update to negative replicas", mkStatefulSet(validPodTemplate()), mkStatefulSet(validPodTemplate(), replicas(-1)), ["FieldValueInvalid spec.replicas"]],
    ["update pvc template size", mkStatefulSet(validPodTemplate(), pvcTemplates(validPVC)), mkStatefulSet(validPodTemplate(), pvcTemplates(pvc("pvc-abc", "storage-class1", "2Gi"))), ["FieldValueForbidden spec"]],
    ["update pvc template storage class", mkStatefulSet(validPodTemplate(), pvcTemplates(validPVC)), mkStatefulSet(validPodTemplate(), pvcTemplates(pvc("pvc-abc", "storage-class2", "1Gi"))), ["FieldValueForbidden spec"]],
    ["add new pvc template", mkStatefulSet(validPodTemplate(), pvcTemplates(validPVC)), mkStatefulSet(validPodTemplate(), pvcTemplates(validPVC, pvc("pvc-abc2", "storage-class2", "2Gi"))), ["FieldValueForbidden spec"]],
  ];
  for (const [n, old, next, want] of errors) it(`error case ${n}`, () => expect(sortedCauses(validateUpdate(withRV(next), withRV(old))).sort()).toEqual([...want].sort()));
});

describe("TestValidateControllerRevision and TestValidateControllerRevisionUpdate", () => {
  const data = mkStatefulSet({ metadata: { labels: { a: "b" } }, spec: { restartPolicy: "Always", dnsPolicy: "ClusterFirst" } });
  const cr = (n: string, ns: string, d: unknown, revision: number, rv?: string) => ({
    apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: n, namespace: ns, ...(rv ? { resourceVersion: rv } : {}) }, ...(d === undefined ? {} : { data: d }), revision,
  });
  const BAD = "NoUppercaseOrSpecialCharsLike=Equals";
  const rows: [string, any, boolean][] = [
    ["valid", cr("validname", "validns", data, 0), true],
    ["negative revision", cr("validname", "validns", data, -1), false],
    ["empty name", cr("", "validns", data, 0), false],
    ["invalid name", cr(BAD, "validns", data, 0), false],
    ["empty namespace", cr("validname", "", data, 100), false],
    ["invalid namespace", cr("validname", BAD, data, 100), false],
    ["nil data", cr("validname", BAD, undefined, 100), false],
    ["json object", cr("validname", "validns", {}, 0), true],
  ];
  for (const [n, obj, valid] of rows) {
    it(`${valid ? "accepts" : "refuses"} ${n}`, () => {
      const errs = validateCreate(obj);
      if (valid) expect(errs).toEqual([]);
      else expect(errs.length).toBeGreaterThan(0);
    });
  }
  const changed = mkStatefulSet({ metadata: { labels: { a: "b" } }, spec: { restartPolicy: "Always", dnsPolicy: "ClusterFirst" } }, name("cdf"));
  it("update: valid", () => expect(validateUpdate(cr("validname", "validns", data, 0, "1"), cr("validname", "validns", data, 0, "1"))).toEqual([]));
  it("update: changed data is refused", () => expect(brief(validateUpdate(cr("validname", "validns", changed, 0, "1"), cr("validname", "validns", data, 0, "1")))).toEqual(["FieldValueInvalid data"]));
  it("update: a changed revision is allowed", () => expect(validateUpdate(cr("validname", "validns", data, 1, "1"), cr("validname", "validns", data, 0, "1"))).toEqual([]));
});
