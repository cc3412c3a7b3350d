// k8s.io/api core/v1 toleration_test.go TestTolerationToleratesTaint: the rows with the
// TaintTolerationComparisonOperators gate off (alpha in v1.35, off by default); the Gt/Lt rows need it on.
import { describe, expect, it } from "vitest";
import type { Taint, Toleration } from "kubernetes-types/core/v1";
import { toleratesTaint } from "./taints.js";

describe("TestTolerationToleratesTaint", () => {
  const rows: [string, Toleration, Taint, boolean][] = [
    ["same key and effect, operator Exists, taint without value", { key: "foo", operator: "Exists", effect: "NoSchedule" }, { key: "foo", effect: "NoSchedule" }, true],
    ["same key and effect, operator Exists, taint with a value", { key: "foo", operator: "Exists", effect: "NoSchedule" }, { key: "foo", value: "bar", effect: "NoSchedule" }, true],
    ["same effect, empty key and Exists matches all taints", { key: "", operator: "Exists", effect: "NoSchedule" }, { key: "foo", value: "bar", effect: "NoSchedule" }, true],
    ["same key, effect and value, operator Equal", { key: "foo", operator: "Equal", value: "bar", effect: "NoSchedule" }, { key: "foo", value: "bar", effect: "NoSchedule" }, true],
    ["same key and effect, different values, operator Equal", { key: "foo", operator: "Equal", value: "value1", effect: "NoSchedule" }, { key: "foo", value: "value2", effect: "NoSchedule" }, false],
    ["same key and value, different effects, operator Equal", { key: "foo", operator: "Equal", value: "bar", effect: "NoSchedule" }, { key: "foo", value: "bar", effect: "NoExecute" }, false],
  ];
  for (const [name, t, taint, want] of rows) it(name, () => expect(toleratesTaint(t, taint)).toBe(want));
});
