// The plugins' QueueingHints for a pod added, updated or deleted, row by row:
// interpodaffinity/plugin_test.go and podtopologyspread/plugin_test.go Test_isSchedulableAfterPodChange (true is
// Queue, false QueueSkip). st.MakePod() pods have no namespace of their own: here they all share "default" but the
// row that names another.
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { isSchedulableAfterPodChange as affinityHint } from "./InterPodAffinity/index.js";
import { isSchedulableAfterPodChange as spreadHint } from "./PodTopologySpread/index.js";

type RL = Record<string, string>;
const other = (labels: RL = {}, node?: string, namespace = "default"): Pod => ({ metadata: { namespace, labels }, spec: { containers: [], ...(node ? { nodeName: node } : {}) } });
const on = (labels: RL = {}) => other(labels, "fake-node");
const term = (key: string, topologyKey: string, values?: string[]) => ({ topologyKey, labelSelector: { matchExpressions: [values ? { key, operator: "In", values } : { key, operator: "Exists" }] } });
const affinityPod = (...terms: object[]): Pod => ({ metadata: { name: "p", namespace: "default" }, spec: { containers: [], affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } } } } as Pod);
const antiPod = (...terms: object[]): Pod => ({ metadata: { name: "p", namespace: "default" }, spec: { containers: [], affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } } } } as Pod);

describe("InterPodAffinity Test_isSchedulableAfterPodChange", () => {
  const aff = affinityPod(term("service", "region", ["securityscan", "value2"]));
  const multi = affinityPod(term("aaa", "hostname"), term("bbb", "hostname"));
  const anti = antiPod(term("service", "region", ["securityscan", "value2"]));
  it.each<[string, Pod, Pod | undefined, Pod | undefined, boolean]>([
    ["add a pod which matches the pod affinity", aff, undefined, on({ service: "securityscan" }), true],
    ["add an un-scheduled pod", aff, undefined, other({ service: "securityscan" }), false],
    ["add a pod which doesn't match the pod affinity", aff, undefined, on({ aaa: "a" }), false],
    ["update a pod from non-match to match pod affinity", aff, on({ aaa: "a" }), on({ service: "securityscan" }), true],
    ["the updating pod matches target pod's affinity both before and after label changes", aff, on({ service: "value2" }), on({ service: "securityscan" }), false],
    ["update an un-scheduled pod", aff, other({ service: "securityscan" }), other({ service: "securityscan" }), false],
    ["update a pod from match to non-match the pod affinity", aff, on({ service: "securityscan" }), on({ aaa: "a" }), false],
    ["update a pod from match to non-match pod's affinity - multiple terms case", multi, on({ aaa: "a" }), on({ service: "securityscan" }), false],
    ["update a pod from non-match to match pod's affinity - multiple terms case", multi, on({ aaa: "a" }), on({ aaa: "", bbb: "" }), true],
    ["modify pod label to change it from satisfying pod anti-affinity to not satisfying anti-affinity", anti, on({ service: "securityscan" }), on({ service: "aaaa" }), true],
    ["modify pod label to change it from not satisfying pod anti-affinity to satisfying anti-affinity", anti, on({ service: "bbb" }), on({ service: "securityscan" }), false],
    ["delete a pod which doesn't match pod's anti-affinity", anti, on({ aaa: "a" }), undefined, false],
    ["delete a pod which matches pod's anti-affinity", anti, on({ service: "securityscan" }), undefined, true],
  ])("%s", (_n, pod, old, cur, want) => expect(affinityHint(pod, old, cur)).toBe(want));
});

describe("PodTopologySpread Test_isSchedulableAfterPodChange", () => {
  const exists = (key: string) => ({ matchExpressions: [{ key, operator: "Exists" }] });
  const constraint = (topologyKey: string, key: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "DoNotSchedule", labelSelector: exists(key) });
  const spreadPod = (...cs: object[]): Pod => ({ metadata: { name: "p", namespace: "default", labels: { foo: "" } }, spec: { containers: [], topologySpreadConstraints: cs } } as Pod);
  const one = spreadPod(constraint("zone", "foo"));
  const two = spreadPod(constraint("zone", "foo"), constraint("node", "bar"));
  it.each<[string, Pod, Pod | undefined, Pod | undefined, boolean]>([
    ["add pod with labels match topologySpreadConstraints selector", one, undefined, on({ foo: "" }), true],
    ["add un-scheduled pod", one, undefined, other({ foo: "" }), false],
    ["update un-scheduled pod", one, other({ bar: "" }), other({ foo: "" }), false],
    ["delete un-scheduled pod", one, other({ foo: "" }), undefined, false],
    ["add pod with different namespace", one, undefined, other({ foo: "" }, "fake-node", "fake-namespace"), false],
    ["add pod with labels don't match topologySpreadConstraints selector", one, undefined, on({ bar: "" }), false],
    ["delete pod with labels that match topologySpreadConstraints selector", one, on({ foo: "" }), undefined, true],
    ["delete pod with labels that don't match topologySpreadConstraints selector", one, on({ bar: "" }), undefined, false],
    ["update pod's non-related label", one, on({ foo: "", bar: "bar1" }), on({ foo: "", bar: "bar2" }), false],
    ["add pod's label that matches topologySpreadConstraints selector", one, on(), on({ foo: "" }), true],
    ["delete pod label that matches topologySpreadConstraints selector", one, on({ foo: "" }), on(), true],
    ["change pod's label that matches topologySpreadConstraints selector", one, on({ foo: "foo1" }), on({ foo: "foo2" }), false],
    ["change pod's label that doesn't match topologySpreadConstraints selector", one, on({ foo: "", bar: "bar1" }), on({ foo: "", bar: "bar2" }), false],
    ["add pod's label that matches topologySpreadConstraints selector with multi topologySpreadConstraints", two, on({ foo: "" }), on({ foo: "", bar: "bar2" }), true],
    ["change pod's label that doesn't match topologySpreadConstraints selector with multi topologySpreadConstraints", two, on({ foo: "" }), on({ foo: "", baz: "" }), false],
    ["change pod's label that match topologySpreadConstraints selector with multi topologySpreadConstraints", two, on({ foo: "", bar: "" }), on({ foo: "", bar: "bar2" }), false],
  ])("%s", (_n, pod, old, cur, want) => expect(spreadHint(pod, old, cur)).toBe(want));
});
