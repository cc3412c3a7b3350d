// The RuntimeClass admission plugin against plugin/pkg/admission/runtimeclass's tests (TestSetOverhead,
// TestSetScheduling, TestValidateOverhead) and pkg/util/tolerations's MergeTolerations cases.

import { describe, expect, it } from "vitest";
import { admitRuntimeClass, mergeTolerations, runtimeClassRefusal } from "./runtimeclass.js";

const classes = new Map<string, any>([
  ["plain", { metadata: { name: "plain" }, handler: "runc" }],
  ["overhead", { metadata: { name: "overhead" }, handler: "runc", overhead: { podFixed: { cpu: "100m", memory: "10Mi" } } }],
  ["scheduled", { metadata: { name: "scheduled" }, handler: "runc", scheduling: { nodeSelector: { foo: "bar", fizz: "buzz" }, tolerations: [{ key: "foo", operator: "Equal", value: "bar", effect: "NoSchedule" }] } }],
]);
const lookup = (n: string) => classes.get(n);
const pod = (spec: object) => ({ kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "i" }], ...spec } });

describe("setOverhead / validateOverhead", () => {
  it("the class's overhead becomes the pod's", () => {
    const p = pod({ runtimeClassName: "overhead" });
    expect(runtimeClassRefusal(p, lookup)).toBeUndefined();
    admitRuntimeClass(p, lookup);
    expect(p.spec).toMatchObject({ overhead: { cpu: "100m", memory: "10Mi" } });
  });
  it("a pod already carrying the same overhead (in other units) is admitted", () => {
    expect(runtimeClassRefusal(pod({ runtimeClassName: "overhead", overhead: { cpu: "0.1", memory: "10Mi" } }), lookup)).toBeUndefined();
  });
  it("a pod carrying another overhead is refused", () => {
    expect(runtimeClassRefusal(pod({ runtimeClassName: "overhead", overhead: { cpu: "200m", memory: "10Mi" } }), lookup)).toBe("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
  });
  it("an overhead with a class that defines none, or with no class, is refused", () => {
    const want = "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead";
    expect(runtimeClassRefusal(pod({ runtimeClassName: "plain", overhead: { cpu: "1" } }), lookup)).toBe(want);
    expect(runtimeClassRefusal(pod({ overhead: { cpu: "1" } }), lookup)).toBe(want);
  });
  it("a class that does not exist is refused", () => {
    expect(runtimeClassRefusal(pod({ runtimeClassName: "nope" }), lookup)).toBe('pod rejected: RuntimeClass "nope" not found');
  });
  it("a pod without a class is left alone", () => {
    const p = pod({});
    admitRuntimeClass(p, lookup);
    expect(runtimeClassRefusal(p, lookup)).toBeUndefined();
    expect(p.spec).not.toHaveProperty("overhead");
  });
});

describe("setScheduling", () => {
  it("the class's node selector and tolerations join the pod's", () => {
    const p = pod({ runtimeClassName: "scheduled", nodeSelector: { a: "b" }, tolerations: [{ key: "x", operator: "Exists" }] });
    admitRuntimeClass(p, lookup);
    expect(p.spec).toMatchObject({
      nodeSelector: { a: "b", foo: "bar", fizz: "buzz" },
      tolerations: [{ key: "x", operator: "Exists" }, { key: "foo", operator: "Equal", value: "bar", effect: "NoSchedule" }],
    });
  });
  it("the same key with another value is a conflict", () => {
    expect(runtimeClassRefusal(pod({ runtimeClassName: "scheduled", nodeSelector: { foo: "other" } }), lookup)).toBe("conflict: runtimeClass.scheduling.nodeSelector[foo] = bar; pod.spec.nodeSelector[foo] = other");
  });
  it("the same key with the same value is not", () => {
    expect(runtimeClassRefusal(pod({ runtimeClassName: "scheduled", nodeSelector: { foo: "bar" } }), lookup)).toBeUndefined();
  });
});

describe("MergeTolerations", () => {
  const t = (key: string, operator: string, effect?: string, value?: string, seconds?: number) => ({ key, operator, ...(value !== undefined ? { value } : {}), ...(effect !== undefined ? { effect } : {}), ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) });
  it.each([
    ["disjoint", [t("foo", "Exists")], [t("bar", "Exists")], [t("foo", "Exists"), t("bar", "Exists")]],
    ["a duplicate is kept once", [t("foo", "Exists")], [t("foo", "Exists")], [t("foo", "Exists")]],
    ["an Exists covers an Equal of its key", [t("foo", "Equal", "NoSchedule", "bar")], [t("foo", "Exists")], [t("foo", "Exists")]],
    ["an empty key with Exists covers everything", [t("foo", "Exists"), t("bar", "Equal", "NoExecute", "v")], [t("", "Exists")], [t("", "Exists")]],
    ["an empty effect covers every effect", [t("foo", "Exists", "NoSchedule")], [t("foo", "Exists")], [t("foo", "Exists")]],
    ["a shorter tolerationSeconds does not cover a longer one", [t("foo", "Exists", "NoExecute", undefined, 10)], [t("foo", "Exists", "NoExecute", undefined, 5)], [t("foo", "Exists", "NoExecute", undefined, 10)]],
  ])("%s", (_n, first, second, want) => {
    expect(mergeTolerations(first, second)).toEqual(want);
  });
});
