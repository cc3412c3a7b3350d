// pkg/apis/core/v1/helper/helpers_test.go: TestMatchNodeSelectorTerms, TestMatchNodeSelectorTermsStateless and
// TestTolerationsTolerateTaintsWithFilter, every row. The Go matcher takes the node's labels and fields apart; here
// they are the node's labels and its name (metadata.name, the one field a term may select).
import { describe, expect, it } from "vitest";
import type { Node, NodeSelectorTerm, Taint, Toleration } from "kubernetes-types/core/v1";
import { matchesNodeSelector } from "./labels.js";
import { findMatchingUntoleratedTaint } from "./taints.js";

const node = (labels: Record<string, string> | undefined, fields: Record<string, string> | undefined): Node => ({ metadata: { name: fields?.["metadata.name"] ?? "", ...(labels ? { labels } : {}) } });
const expr = (key: string, values: string[]) => ({ key, operator: "In", values });
const label1 = expr("label_1", ["label_1_val"]);
const host1 = expr("metadata.name", ["host_1"]);
const terms = (...ts: NodeSelectorTerm[]) => ts;
const match = (ts: NodeSelectorTerm[] | undefined, labels?: Record<string, string>, fields?: Record<string, string>) => matchesNodeSelector({ nodeSelectorTerms: ts ?? [] }, node(labels, fields));

describe("TestMatchNodeSelectorTerms", () => {
  it.each<[string, NodeSelectorTerm[] | undefined, Record<string, string> | undefined, Record<string, string> | undefined, boolean]>([
    ["nil terms", undefined, undefined, undefined, false],
    ["node label matches matchExpressions terms", terms({ matchExpressions: [label1] }), { label_1: "label_1_val" }, undefined, true],
    ["node field matches matchFields terms", terms({ matchFields: [host1] }), undefined, { "metadata.name": "host_1" }, true],
    ["invalid node field requirement", terms({ matchFields: [expr("metadata.name", ["host_1, host_2"])] }), undefined, { "metadata.name": "host_1" }, false],
    ["fieldSelectorTerm with node labels", terms({ matchFields: [host1] }), { "metadata.name": "host_1" }, undefined, false],
    ["labelSelectorTerm with node fields", terms({ matchExpressions: [host1] }), undefined, { "metadata.name": "host_1" }, false],
    ["labelSelectorTerm and fieldSelectorTerm was set, but only node fields", terms({ matchExpressions: [label1], matchFields: [host1] }), undefined, { "metadata.name": "host_1" }, false],
    ["labelSelectorTerm and fieldSelectorTerm was set, both node fields and labels (both matched)", terms({ matchExpressions: [label1], matchFields: [host1] }),
      { label_1: "label_1_val" }, { "metadata.name": "host_1" }, true],
    ["labelSelectorTerm and fieldSelectorTerm was set, both node fields and labels (one mismatched)", terms({ matchExpressions: [label1], matchFields: [host1] }),
      { label_1: "label_1_val-failed" }, { "metadata.name": "host_1" }, false],
    ["multi-selector was set, both node fields and labels (one mismatched)", terms({ matchExpressions: [label1] }, { matchFields: [host1] }),
      { label_1: "label_1_val-failed" }, { "metadata.name": "host_1" }, true],
  ])("%s", (_n, ts, labels, fields, want) => expect(match(ts, labels, fields)).toBe(want));
});

describe("TestMatchNodeSelectorTermsStateless: matching leaves the terms as they were", () => {
  const l = (values: string[]) => expr("label_1", values);
  const f = (values: string[]) => expr("metadata.name", values);
  const labels = { label_1: "label_1_val" };
  const fields = { "metadata.name": "host_1" };
  it.each<[string, NodeSelectorTerm[] | undefined]>([
    ["nil terms", undefined],
    ["nodeLabels: preordered matchExpressions and nil matchFields", terms({ matchExpressions: [l(["label_1_val", "label_2_val"])] })],
    ["nodeLabels: unordered matchExpressions and nil matchFields", terms({ matchExpressions: [l(["label_2_val", "label_1_val"])] })],
    ["nodeFields: nil matchExpressions and preordered matchFields", terms({ matchFields: [f(["host_1", "host_2"])] })],
    ["nodeFields: nil matchExpressions and unordered matchFields", terms({ matchFields: [f(["host_2", "host_1"])] })],
    ["nodeLabels and nodeFields: ordered matchExpressions and ordered matchFields", terms({ matchExpressions: [l(["label_1_val", "label_2_val"])], matchFields: [f(["host_1", "host_2"])] })],
    ["nodeLabels and nodeFields: ordered matchExpressions and unordered matchFields", terms({ matchExpressions: [l(["label_1_val", "label_2_val"])], matchFields: [f(["host_2", "host_1"])] })],
    ["nodeLabels and nodeFields: unordered matchExpressions and ordered matchFields", terms({ matchExpressions: [l(["label_2_val", "label_1_val"])], matchFields: [f(["host_1", "host_2"])] })],
    ["nodeLabels and nodeFields: unordered matchExpressions and unordered matchFields", terms({ matchExpressions: [l(["label_2_val", "label_1_val"])], matchFields: [f(["host_2", "host_1"])] })],
  ])("%s", (_n, ts) => {
    const before = structuredClone(ts);
    match(ts, labels, fields);
    expect(ts).toEqual(before);
  });
});

describe("TestTolerationsTolerateTaintsWithFilter", () => {
  const existsFoo = (effect: string): Toleration => ({ key: "foo", operator: "Exists", effect });
  it.each<[string, Toleration[], Taint[], ((t: Taint) => boolean) | undefined, boolean]>([
    ["empty tolerations tolerate empty taints", [], [], () => true, true],
    ["non-empty tolerations tolerate empty taints", [existsFoo("NoSchedule")], [], () => true, true],
    ["tolerations match all taints, expect tolerated", [existsFoo("NoSchedule")], [{ key: "foo", effect: "NoSchedule" }], () => true, true],
    ["tolerations don't match taints, but no taints apply to the filter, expect tolerated", [existsFoo("NoSchedule")], [{ key: "bar", effect: "NoSchedule" }], () => false, true],
    ["no filterFunc indicated, means all taints apply to the filter, tolerations don't match taints, expect untolerated", [existsFoo("NoSchedule")], [{ key: "bar", effect: "NoSchedule" }], undefined, false],
    ["tolerations match taints, expect tolerated", [existsFoo("NoExecute")], [{ key: "foo", effect: "NoExecute" }, { key: "bar", effect: "NoSchedule" }], (t) => t.effect === "NoExecute", true],
  ])("%s", (_n, tolerations, taints, filter, want) => {
    // TolerationsTolerateTaintsWithFilter: no untolerated taint among those the filter keeps (nil keeps all)
    expect(findMatchingUntoleratedTaint(taints, tolerations, filter ?? (() => true)) === undefined).toBe(want);
  });
});
