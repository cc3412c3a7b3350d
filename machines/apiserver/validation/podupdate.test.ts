// TestValidatePodUpdate (pkg/apis/core/validation/validation_test.go, v1.35), transcribed row by row.
// Each row's old and new pods are podtest.MakePod with the row's tweaks; the Go harness then sets
// resourceVersion "1" on both (and a name where both lack one), and the row passes when the aggregate
// message contains the row's err (or there is no error when err is empty).

import { describe, it, expect } from "vitest";
import { validateUpdate } from "./index.js";
import { aggregate, makeContainer, makePod } from "./testing.js";


type Tweak = (p: any) => void;
const containers = (...c: any[]): Tweak => (p) => (p.spec.containers = c);
const initContainers = (...c: any[]): Tweak => (p) => (p.spec.initContainers = c);
const image = (name: string, img: string) => makeContainer(name, (c) => (c.image = img));
const objectMeta = (m: any): Tweak => (p) => (p.metadata = m);
const deadline = (s: number): Tweak => (p) => (p.spec.activeDeadlineSeconds = s);
const nodeName = (n: string): Tweak => (p) => (p.spec.nodeName = n);
const tolerations = (...t: any[]): Tweak => (p) => (p.spec.tolerations = t);
const annotations = (a: Record<string, string>): Tweak => (p) => (p.metadata.annotations = a);
const labels = (l: Record<string, string>): Tweak => (p) => (p.metadata.labels = l);
const priorityClass = (n: string): Tweak => (p) => (p.spec.priorityClassName = n);
const grace = (s: number): Tweak => (p) => (p.spec.terminationGracePeriodSeconds = s);
const os = (name: string): Tweak => (p) => (p.spec.os = { name });
const podSC = (sc: any): Tweak => (p) => (p.spec.securityContext = sc);
const gates = (...names: string[]): Tweak => (p) => (p.spec.schedulingGates = names.map((name) => ({ name })));
const nodeSelector = (s: Record<string, string>): Tweak => (p) => (p.spec.nodeSelector = s);
const affinity = (a: any): Tweak => (p) => (a === undefined ? delete p.spec.affinity : (p.spec.affinity = a));
const podResources = (r: any): Tweak => (p) => (p.spec.resources = r);
// getResources(cpu, memory, storage, ""): the empty strings leave a resource out.
function getResources(cpu: string, memory: string, storage: string): Record<string, string> {
  const r: Record<string, string> = {};
  if (cpu) r.cpu = cpu;
  if (memory) r.memory = memory;
  if (storage) r["ephemeral-storage"] = storage;
  return r;
}
const withResources = (res: any): Tweak => containers(makeContainer("container", (c) => (c.resources = res)));
const now = "2026-01-01T00:00:00Z";
const req = (key: string, op: string, values?: string[]) => ({ key, operator: op, ...(values ? { values } : {}) });
const required = (...terms: any[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
const preferred = (preference: any) => ({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference }] } });
const exprFoo = req("expr", "In", ["foo"]);
const fieldFoo = req("metadata.name", "In", ["foo"]);
const added = { matchExpressions: [exprFoo, req("expr2", "In", ["foo2"])], matchFields: [fieldFoo] };
const terms = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
const forbidden = "Forbidden: pod updates may not change fields other than `spec.containers[*].image";
const labelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'";

// [test, new, old, err]
const rows: [string, any, any, string][] = [
  ["nothing", makePod(""), makePod(""), ""],
  ["ids", makePod("foo"), makePod("bar"), "metadata.name"],
  ["labels", makePod("foo", labels({ foo: "bar" })), makePod("foo", labels({ bar: "foo" })), ""],
  ["annotations", makePod("foo", annotations({ foo: "bar" })), makePod("foo", annotations({ bar: "foo" })), ""],
  ["less containers", makePod("foo", containers(image("foo", "foo:V2"))), makePod("foo", containers(image("foo", "foo:V1"), image("bar", "bar:V1"))), "may not add or remove containers"],
  ["more containers", makePod("foo", containers(image("foo", "foo:V2"), image("bar", "bar:V2"))), makePod("foo", containers(image("foo", "foo:V1"))), "may not add or remove containers"],
  ["more init containers", makePod("foo", initContainers(image("foo", "foo:V2"))), makePod("foo", initContainers(image("foo", "foo:V1"), image("bar", "bar:V1"))), "may not add or remove containers"],
  ["deletion timestamp removed", makePod("foo"), makePod("foo", objectMeta({ deletionTimestamp: now })), "metadata.deletionTimestamp"],
  ["deletion timestamp added", makePod("foo", objectMeta({ deletionTimestamp: now })), makePod("foo"), "metadata.deletionTimestamp"],
  ["deletion grace period seconds changed", makePod("foo", objectMeta({ deletionTimestamp: now, deletionGracePeriodSeconds: 30 })), makePod("foo", objectMeta({ deletionTimestamp: now, deletionGracePeriodSeconds: 31 })), "metadata.deletionGracePeriodSeconds"],
  ["image change", makePod("foo", containers(image("container", "foo:V1"))), makePod("foo", containers(image("container", "foo:V2"))), ""],
  ["init container image change", makePod("foo", initContainers(image("container", "foo:V1"))), makePod("foo", initContainers(image("container", "foo:V2"))), ""],
  ["image change to empty", makePod("foo", containers(image("container", ""))), makePod("foo", containers(image("container", "foo:V2"))), "spec.containers[0].image"],
  ["init container image change to empty", makePod("foo", initContainers(image("container", ""))), makePod("foo", initContainers(image("container", "foo:V2"))), "spec.initContainers[0].image"],
  ["ephemeralContainer changes are not allowed via normal pod update", makePod("foo", (p) => (p.spec.ephemeralContainers = [{ name: "ephemeral", image: "busybox" }])), makePod("foo"), "Forbidden: pod updates may not change fields other than"],
  ["activeDeadlineSeconds no change, nil", makePod(""), makePod(""), ""],
  ["activeDeadlineSeconds no change, set", makePod("", deadline(30)), makePod("", deadline(30)), ""],
  ["activeDeadlineSeconds change to positive from nil", makePod("", deadline(30)), makePod(""), ""],
  ["activeDeadlineSeconds change to smaller positive", makePod("", deadline(30)), makePod("", deadline(31)), ""],
  ["activeDeadlineSeconds change to larger positive", makePod("", deadline(31)), makePod("", deadline(30)), "spec.activeDeadlineSeconds"],
  ["activeDeadlineSeconds change to negative from nil", makePod("", deadline(-30)), makePod(""), "spec.activeDeadlineSeconds"],
  ["activeDeadlineSeconds change to negative from positive", makePod("", deadline(-30)), makePod("", deadline(30)), "spec.activeDeadlineSeconds"],
  ["activeDeadlineSeconds change to zero from positive", makePod("", deadline(0)), makePod("", deadline(30)), "spec.activeDeadlineSeconds"],
  ["activeDeadlineSeconds change to zero from nil", makePod("", deadline(0)), makePod(""), "spec.activeDeadlineSeconds"],
  ["activeDeadlineSeconds change to nil from positive", makePod(""), makePod("", deadline(30)), "spec.activeDeadlineSeconds"],
  ["cpu limit change", makePod("pod", withResources({ limits: getResources("200m", "0", "1Gi") })), makePod("pod", withResources({ limits: getResources("100m", "0", "1Gi") })), "spec: Forbidden: pod updates may not change fields"],
  ["memory limit change", makePod("pod", withResources({ limits: getResources("100m", "100Mi", "") })), makePod("pod", withResources({ limits: getResources("100m", "200Mi", "") })), "spec: Forbidden: pod updates may not change fields"],
  ["storage limit change", makePod("pod", withResources({ limits: getResources("100m", "100Mi", "1Gi") })), makePod("pod", withResources({ limits: getResources("100m", "100Mi", "2Gi") })), "Forbidden: pod updates may not change fields other than"],
  ["cpu request change", makePod("pod", withResources({ requests: getResources("100m", "0", "") })), makePod("pod", withResources({ requests: getResources("200m", "0", "") })), "spec: Forbidden: pod updates may not change fields"],
  ["memory request change", makePod("pod", withResources({ requests: getResources("0", "200Mi", "") })), makePod("pod", withResources({ requests: getResources("0", "100Mi", "") })), "spec: Forbidden: pod updates may not change fields"],
  ["storage request change", makePod("pod", withResources({ requests: getResources("100m", "0", "2Gi") })), makePod("pod", withResources({ requests: getResources("100m", "0", "1Gi") })), "Forbidden: pod updates may not change fields other than"],
  ["Pod QoS unchanged, guaranteed -> guaranteed", makePod("pod", withResources({ limits: getResources("200m", "400Mi", "1Gi"), requests: getResources("200m", "400Mi", "1Gi") })), makePod("pod", withResources({ limits: getResources("100m", "100Mi", "1Gi"), requests: getResources("100m", "100Mi", "1Gi") })), "spec: Forbidden: pod updates may not change fields"],
  ["Pod QoS unchanged, burstable -> burstable", makePod("pod", withResources({ limits: getResources("200m", "200Mi", "2Gi"), requests: getResources("100m", "100Mi", "1Gi") })), makePod("pod", withResources({ limits: getResources("400m", "400Mi", "2Gi"), requests: getResources("200m", "200Mi", "1Gi") })), "spec: Forbidden: pod updates may not change fields"],
  ["Pod QoS unchanged, burstable -> burstable, add limits", makePod("pod", withResources({ limits: getResources("200m", "200Mi", ""), requests: getResources("100m", "100Mi", "") })), makePod("pod", withResources({ requests: getResources("100m", "100Mi", "") })), "spec: Forbidden: pod updates may not change fields"],
  ["Pod QoS unchanged, burstable -> burstable, remove limits", makePod("pod", withResources({ requests: getResources("100m", "100Mi", "") })), makePod("pod", withResources({ limits: getResources("200m", "200Mi", ""), requests: getResources("100m", "100Mi", "") })), "spec: Forbidden: pod updates may not change fields"],
  ["Pod QoS unchanged, burstable -> burstable, add requests", makePod("pod", withResources({ limits: getResources("400m", "", "1Gi"), requests: getResources("300m", "", "1Gi") })), makePod("pod", withResources({ limits: getResources("200m", "500Mi", "1Gi") })), "spec: Forbidden: pod updates may not change fields"],
  ["Pod QoS unchanged, burstable -> burstable, remove requests", makePod("pod", withResources({ limits: getResources("400m", "500Mi", "2Gi") })), makePod("pod", withResources({ limits: getResources("200m", "300Mi", "2Gi"), requests: getResources("100m", "200Mi", "") })), "spec: Forbidden: pod updates may not change fields"],
  ["Pod QoS change, guaranteed -> burstable", makePod("pod", withResources({ limits: getResources("200m", "200Mi", ""), requests: getResources("100m", "100Mi", "") })), makePod("pod", withResources({ limits: getResources("100m", "100Mi", ""), requests: getResources("100m", "100Mi", "") })), "spec: Forbidden: pod updates may not change fields"],
  ["Pod QoS change, burstable -> guaranteed", makePod("pod", withResources({ limits: getResources("100m", "100Mi", ""), requests: getResources("100m", "100Mi", "") })), makePod("pod", withResources({ requests: getResources("100m", "100Mi", "") })), "spec: Forbidden: pod updates may not change fields"],
  ["Pod QoS change, besteffort -> burstable", makePod("pod", withResources({ limits: getResources("200m", "200Mi", ""), requests: getResources("100m", "100Mi", "") })), makePod("pod"), "spec: Forbidden: pod updates may not change fields"],
  ["Pod QoS change, burstable -> besteffort", makePod("pod"), makePod("pod", withResources({ limits: getResources("200m", "200Mi", ""), requests: getResources("100m", "100Mi", "") })), "spec: Forbidden: pod updates may not change fields"],
  ["fsGroupChangePolicy change", makePod("pod", podSC({ fsGroupChangePolicy: "OnRootMismatch" })), makePod("pod", podSC({})), "spec: Forbidden: pod updates may not change fields"],
  ["port change", makePod("pod", containers(makeContainer("container", (c) => (c.ports = [{ hostPort: 8080, containerPort: 80 }])))), makePod("pod", containers(makeContainer("container", (c) => (c.ports = [{ hostPort: 8000, containerPort: 80 }])))), "spec: Forbidden: pod updates may not change fields"],
  ["bad label change", makePod("foo", labels({ foo: "bar" })), makePod("foo", labels({ bar: "foo" })), ""],
  ["existing toleration value modified in pod spec updates", makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value2" })), makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value1" })), "spec.tolerations: Forbidden"],
  ["existing toleration value modified in pod spec updates with modified tolerationSeconds", makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value2", operator: "Equal", effect: "NoExecute" })), makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value1", operator: "Equal", effect: "NoExecute", tolerationSeconds: 10 })), "spec.tolerations: Forbidden"],
  ["modified tolerationSeconds in existing toleration value in pod spec updates", makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value1", operator: "Equal", effect: "NoExecute", tolerationSeconds: 10 })), makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value1", operator: "Equal", effect: "NoExecute", tolerationSeconds: 20 })), ""],
  ["toleration modified in updates to an unscheduled pod", makePod("foo", tolerations({ key: "key1", value: "value2" })), makePod("foo", nodeName(""), tolerations({ key: "key1", value: "value1" })), "spec.tolerations: Forbidden"],
  ["tolerations unmodified in updates to a scheduled pod", makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value1" })), makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value1" })), ""],
  ["added valid new toleration to existing tolerations in pod spec updates", makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value1", operator: "Equal", effect: "NoExecute", tolerationSeconds: 20 }, { key: "key2", value: "value2", operator: "Equal", effect: "NoExecute", tolerationSeconds: 30 })),
    makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value1", operator: "Equal", effect: "NoExecute", tolerationSeconds: 10 })), ""],
  ["added invalid new toleration to existing tolerations in pod spec updates", makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value1", operator: "Equal", effect: "NoExecute", tolerationSeconds: 20 }, { key: "key2", value: "value2", operator: "Equal", effect: "NoSchedule", tolerationSeconds: 30 })),
    makePod("foo", nodeName("node1"), tolerations({ key: "key1", value: "value1", operator: "Equal", effect: "NoExecute", tolerationSeconds: 10 })), "spec.tolerations[1].effect"],
  ["removed nodeName from pod spec", makePod("foo", nodeName("foo")), makePod("foo"), "spec: Forbidden: pod updates may not change fields"],
  ["added mirror pod annotation", makePod("foo", annotations({ "kubernetes.io/config.mirror": "" }), nodeName("foo")), makePod("foo", nodeName("foo")), "metadata.annotations[kubernetes.io/config.mirror]"],
  ["removed mirror pod annotation", makePod("foo", nodeName("foo")), makePod("foo", annotations({ "kubernetes.io/config.mirror": "" }), nodeName("foo")), "metadata.annotations[kubernetes.io/config.mirror]"],
  ["changed mirror pod annotation", makePod("foo", annotations({ "kubernetes.io/config.mirror": "foo" }), nodeName("foo")), makePod("foo", annotations({ "kubernetes.io/config.mirror": "bar" }), nodeName("foo")), "metadata.annotations[kubernetes.io/config.mirror]"],
  ["changed priority class name", makePod("foo", nodeName("node1"), priorityClass("bar-priority")), makePod("foo", nodeName("node1"), priorityClass("foo-priority")), "spec: Forbidden: pod updates"],
  ["removed priority class name", makePod("foo", nodeName("node1"), priorityClass("")), makePod("foo", nodeName("node1"), priorityClass("foo-priority")), "spec: Forbidden: pod updates"],
  ["update termination grace period seconds", makePod("foo", grace(1)), makePod("foo", grace(-1)), ""],
  ["update termination grace period seconds not 1", makePod("foo", grace(0)), makePod("foo", grace(-1)), "spec: Forbidden: pod updates"],
  ["pod OS changing from Linux to Windows, IdentifyPodOS featuregate set", makePod("foo", os("windows"), podSC({ seLinuxOptions: { role: "dummy" } })), makePod("foo", os("linux"), podSC({ seLinuxOptions: { role: "dummy" } })), forbidden],
  ["pod OS changing from Linux to Windows, IdentifyPodOS featuregate set, we'd get SELinux errors as well", makePod("foo", os("windows"), podSC({ seLinuxOptions: { role: "dummy" } })), makePod("foo", os("linux"), podSC({ seLinuxOptions: { role: "dummy" } })), "spec.securityContext.seLinuxOptions: Forbidden"],
  ["invalid PodOS update, IdentifyPodOS featuregate set", makePod("foo", os("dummy")), makePod("foo"), forbidden],
  ["update pod spec OS to a valid value, featuregate disabled", makePod("foo", os("linux")), makePod("foo", os("windows")), "Forbidden: pod updates may not change fields other than "],
  ["update pod spec schedulingGates: add new scheduling gate", makePod("foo", gates("foo")), makePod("foo"), "Forbidden: only deletion is allowed, but found new scheduling gate 'foo'"],
  ["update pod spec schedulingGates: mutating an existing scheduling gate", makePod("foo", gates("bar")), makePod("foo", gates("foo")), "Forbidden: only deletion is allowed, but found new scheduling gate 'bar'"],
  ["update pod spec schedulingGates: mutating an existing scheduling gate along with deletion", makePod("foo", gates("baz")), makePod("foo", gates("foo", "bar")), "Forbidden: only deletion is allowed, but found new scheduling gate 'baz'"],
  ["update pod spec schedulingGates: legal deletion", makePod("foo"), makePod("foo", gates("foo")), ""],
  ["adding node selector is allowed for gated pods", makePod("foo", nodeSelector({ foo: "bar" }), gates("baz")), makePod("foo", gates("baz")), ""],
  ["adding node selector is not allowed for non-gated pods", makePod("foo", nodeSelector({ foo: "bar", foo2: "bar2" })), makePod("foo", nodeSelector({ foo: "bar" })), forbidden],
  ["removing node selector is not allowed for gated pods", makePod("foo", gates("baz")), makePod("foo", nodeSelector({ foo: "bar" }), gates("baz")), "spec.nodeSelector: Invalid value:"],
  ["removing node selector is not allowed for non-gated pods", makePod("foo"), makePod("foo", nodeSelector({ foo: "bar" })), forbidden],
  ["old pod spec has scheduling gate, new pod spec does not, and node selector is added", makePod("foo", nodeSelector({ foo: "bar", foo2: "bar2" })), makePod("foo", nodeSelector({ foo: "bar" }), gates("baz")), ""],
  ["modifying value of existing node selector is not allowed", makePod("foo", nodeSelector({ foo: "new value" }), gates("baz")), makePod("foo", nodeSelector({ foo: "bar" }), gates("baz")), "spec.nodeSelector: Invalid value:"],
  ["addition to nodeAffinity is allowed for gated pods", makePod("foo", affinity(required(added)), gates("baz")), makePod("foo", affinity(required({ matchExpressions: [exprFoo] })), gates("baz")), ""],
  ["old RequiredDuringSchedulingIgnoredDuringExecution is non-nil, new RequiredDuringSchedulingIgnoredDuringExecution is nil, pod is gated", makePod("foo", affinity({ nodeAffinity: {} }), gates("baz")), makePod("foo", affinity(required({ matchExpressions: [exprFoo] })), gates("baz")), `${terms}: Invalid value:`],
  ["addition to nodeAffinity is not allowed for non-gated pods", makePod("foo", affinity(required(added))), makePod("foo", affinity(required({ matchExpressions: [exprFoo] }))), forbidden],
  ["old pod spec has scheduling gate, new pod spec does not, and node affinity addition occurs", makePod("foo", affinity(required(added))), makePod("foo", affinity(required({ matchExpressions: [exprFoo] })), gates("baz")), ""],
  ["nodeAffinity deletion from MatchExpressions not allowed", makePod("foo", affinity(required({ matchFields: [fieldFoo] })), gates("baz")), makePod("foo", affinity(required({ matchExpressions: [exprFoo] })), gates("baz")), `${terms}[0]: Invalid value:`],
  ["nodeAffinity deletion from MatchFields not allowed", makePod("foo", affinity(required({ matchExpressions: [exprFoo] })), gates("baz")), makePod("foo", affinity(required({ matchExpressions: [exprFoo], matchFields: [fieldFoo] })), gates("baz")), `${terms}[0]: Invalid value:`],
  ["nodeAffinity modification of item in MatchExpressions not allowed", makePod("foo", affinity(required({ matchExpressions: [req("expr", "In", ["bar"])], matchFields: [fieldFoo] })), gates("baz")), makePod("foo", affinity(required({ matchExpressions: [exprFoo], matchFields: [fieldFoo] })), gates("baz")), `${terms}[0]: Invalid value:`],
  ["nodeAffinity modification of item in MatchFields not allowed", makePod("foo", affinity(required({ matchExpressions: [exprFoo], matchFields: [req("metadata.name", "In", ["bar"])] })), gates("baz")), makePod("foo", affinity(required({ matchExpressions: [exprFoo], matchFields: [fieldFoo] })), gates("baz")), `${terms}[0]: Invalid value:`],
  ["nodeSelectorTerms addition on gated pod should fail", makePod("foo", affinity(required({ matchExpressions: [exprFoo], matchFields: [req("metadata.name", "In", ["bar"])] }, { matchExpressions: [req("expr", "In", ["foo2"])], matchFields: [req("metadata.name", "In", ["bar2"])] })), gates("baz")),
    makePod("foo", affinity(required({ matchExpressions: [exprFoo], matchFields: [fieldFoo] })), gates("baz")), `${terms}: Invalid value:`],
  ["preferredDuringSchedulingIgnoredDuringExecution can modified for gated pods", makePod("foo", affinity(preferred({ matchExpressions: [req("expr", "In", ["foo2"])] })), gates("baz")), makePod("foo", affinity(preferred({ matchExpressions: [exprFoo] })), gates("baz")), ""],
  ["preferredDuringSchedulingIgnoredDuringExecution can have additions for gated pods", makePod("foo", affinity(preferred({ matchExpressions: [exprFoo, req("expr2", "In", ["foo2"])], matchFields: [req("metadata.name", "In", ["bar"])] })), gates("baz")), makePod("foo", affinity(preferred({ matchExpressions: [exprFoo] })), gates("baz")), ""],
  ["preferredDuringSchedulingIgnoredDuringExecution can have removals for gated pods", makePod("foo", gates("baz")), makePod("foo", affinity(preferred({ matchExpressions: [exprFoo] })), gates("baz")), ""],
  ["new node affinity is nil", makePod("foo", affinity({}), gates("baz")), makePod("foo", affinity(required({ matchExpressions: [exprFoo] })), gates("baz")), `${terms}: Invalid value:`],
  ["empty NodeSelectorTerm (selects nothing) cannot become populated (selects something)", makePod("foo", affinity(required({ matchExpressions: [exprFoo] })), gates("baz")), makePod("foo", affinity(required({})), gates("baz")), `${terms}[0]: Invalid value:`],
  ["nil affinity can be mutated for gated pods", makePod("foo", affinity(required({ matchExpressions: [exprFoo] })), gates("baz")), makePod("foo", affinity(undefined), gates("baz")), ""],
  ["the podAffinity cannot be updated on gated pods", makePod("foo", affinity({ ...required({ matchExpressions: [exprFoo] }), podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "foo", labelSelector: { matchLabels: { foo: "bar" } } }] } }), gates("baz")), makePod("foo", affinity(undefined), gates("baz")), "pod updates may not change fields other than"],
  ["the podAntiAffinity cannot be updated on gated pods", makePod("foo", affinity({ ...required({ matchExpressions: [exprFoo] }), podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "foo", labelSelector: { matchLabels: { foo: "bar" } } }] } }), gates("baz")), makePod("foo", affinity(undefined), gates("baz")), "pod updates may not change fields other than"],
  // The Go row passes AllowInvalidLabelValueInRequiredNodeAffinity, which the strategy sets when the old pod has such a value.
  ["allow update pod if old pod already has invalid label-value in node affinity", makePod("foo", affinity(required({ matchExpressions: [req("expr", "In", ["-1"])] }))), makePod("foo", affinity(required({ matchExpressions: [req("expr", "In", ["-1"])] })), gates("baz")), ""],
  ["not allow update node affinity to an invalid label-value", makePod("foo", affinity(required({ matchExpressions: [req("expr", "In", ["-1"])] })), gates("baz")), makePod("foo", affinity(required({ matchExpressions: [req("expr", "In", ["bar"])] })), gates("baz")), labelValueMsg],
  ["cpu limit change with pod-level resources", makePod("pod", withResources({ limits: getResources("200m", "0", "1Gi") }), podResources({ limits: getResources("100m", "200Mi", "") })), makePod("pod", withResources({ limits: getResources("100m", "0", "1Gi") })), "pod updates may not change fields other than"],
  ["memory limit change with pod-level resources", makePod("pod", withResources({ limits: getResources("100m", "100Mi", "") })), makePod("pod", withResources({ limits: getResources("100m", "200Mi", "") }), podResources({ limits: getResources("100m", "200Mi", "") })), "pod updates may not change fields other than"],
];

// The Go harness: resourceVersion "1" on both, and a name and namespace where both lack one.
function harness(next: any, old: any): void {
  for (const p of [next, old]) p.metadata.resourceVersion = "1";
  if (!next.metadata.name && !old.metadata.name) next.metadata.name = old.metadata.name = "name";
  if (!next.metadata.namespace && !old.metadata.namespace) next.metadata.namespace = old.metadata.namespace = "namespace";
}

describe("TestValidatePodUpdate", () => {
  for (const [name, next, old, want] of rows) {
    it(name, () => {
      harness(next, old);
      const errs = validateUpdate(next, old);
      if (want === "") expect(errs).toEqual([]);
      else {
        expect(errs.length).toBeGreaterThan(0);
        expect(aggregate(errs)).toContain(want);
      }
    });
  }
});
