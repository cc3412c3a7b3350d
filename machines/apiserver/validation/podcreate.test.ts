// TestValidatePod (pkg/apis/core/validation/validation_test.go, v1.35), transcribed row by row: each
// pod is podtest.MakePod with the row's tweaks, validated as ValidatePodCreate does; an error row
// passes when the aggregate message contains the row's expectedError, as the Go test checks.

import { describe, it, expect } from "vitest";
import { validateCreate } from "./index.js";
import { validatePodTemplateSpec } from "./pod.js";
import { fieldErrorMessage } from "../status.js";
import { aggregate, makeContainer, makePod } from "./testing.js";


const annotations = (a: Record<string, string>) => (p: any) => (p.metadata.annotations = a);
const labels = (l: Record<string, string>) => (p: any) => (p.metadata.labels = l);
const affinity = (a: any) => (p: any) => (p.spec.affinity = a);
const tolerations = (...t: any[]) => (p: any) => (p.spec.tolerations = t);
const podSC = (sc: any) => (p: any) => (p.spec.securityContext = sc);
const containers = (...c: any[]) => (p: any) => (p.spec.containers = c);
const initContainers = (...c: any[]) => (p: any) => (p.spec.initContainers = c);
const volumes = (...v: any[]) => (p: any) => (p.spec.volumes = v);
const ctrSC = (sc: any) => makeContainer("ctr", (c) => (c.securityContext = sc));
const resources = (name: string, requests: Record<string, string>, limits: Record<string, string>) => makeContainer(name, (c) => (c.resources = { requests, limits }));

const nodeRequired = (term: any) => affinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } });
const notIn12 = { key: "key", operator: "NotIn", values: ["value1", "value2"] };
// The four places a pod affinity term can sit: soft/hard, affinity/anti-affinity.
const soft = (kind: string, term: any) => affinity({ [kind]: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term }] } });
const hard = (kind: string, term: any) => affinity({ [kind]: { requiredDuringSchedulingIgnoredDuringExecution: [term] } });
const places: [string, (kind: string, term: any) => (p: any) => void, string][] = [
  ["soft pod affinity", soft, "podAffinity"], ["hard pod affinity", hard, "podAffinity"],
  ["soft pod anti-affinity", soft, "podAntiAffinity"], ["hard pod anti-affinity", hard, "podAntiAffinity"],
];
const seccompPod = "seccomp.security.alpha.kubernetes.io/pod";
const seccompCtr = "container.seccomp.security.alpha.kubernetes.io/";
const appArmorCtr = "container.apparmor.security.beta.kubernetes.io/";
const projected = (source: any) => volumes({ name: "projected-volume", projected: { sources: [source] } });
const validPVCTemplate = { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10G" } } } };

describe("TestValidatePod: success cases", () => {
  const withKeys = (kind: string, place: typeof soft) => place(kind, {
    labelSelector: { matchExpressions: [notIn12, { key: "key2", operator: "In", values: ["value1"] }, { key: "key3", operator: "NotIn", values: ["value1"] }] },
    topologyKey: "k8s.io/zone", matchLabelKeys: ["key2"], mismatchLabelKeys: ["key3"],
  });
  const nodeIn = { key: "key2", operator: "In", values: ["value1", "value2"] };
  const success: [string, any][] = [
    ["basic fields", makePod("123")],
    ["just about everything", makePod("abc.123.do-re-mi", initContainers(makeContainer("ictr")), volumes({ name: "vol", emptyDir: {} }), (p) => Object.assign(p.spec, { nodeSelector: { key: "value" }, nodeName: "foobar", serviceAccountName: "acct" }))],
    ["serialized node affinity requirements", makePod("123", affinity({ nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [nodeIn], matchFields: [{ key: "metadata.name", operator: "In", values: ["host1"] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: "foo", operator: "In", values: ["bar"] }] } }],
    } }))],
    ["serialized node affinity requirements, II", makePod("123", affinity({ nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [] } }],
    } }))],
    ["serialized pod affinity in affinity requirements in annotations", makePod("123", affinity({ podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [nodeIn] }, topologyKey: "zone", namespaces: ["ns"], namespaceSelector: { matchExpressions: [{ key: "key", operator: "In", values: ["value1", "value2"] }] } }],
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: "key2", operator: "NotIn", values: ["value1", "value2"] }] }, namespaces: ["ns"], topologyKey: "region" } }],
    } }))],
    ["serialized pod anti affinity with different Label Operators in affinity requirements in annotations", makePod("123", affinity({ podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: "key2", operator: "Exists" }] }, topologyKey: "zone", namespaces: ["ns"] }],
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: "key2", operator: "DoesNotExist" }] }, namespaces: ["ns"], topologyKey: "region" } }],
    } }))],
    ["populate forgiveness tolerations with exists operator in annotations.", makePod("123", tolerations({ key: "foo", operator: "Exists", value: "", effect: "NoExecute", tolerationSeconds: 60 }))],
    ["populate forgiveness tolerations with equal operator in annotations.", makePod("123", tolerations({ key: "foo", operator: "Equal", value: "bar", effect: "NoExecute", tolerationSeconds: 60 }))],
    ["populate tolerations equal operator in annotations.", makePod("123", tolerations({ key: "foo", operator: "Equal", value: "bar", effect: "NoSchedule" }))],
    ["populate tolerations exists operator in annotations. (the Go row sets only a volume)", makePod("123", volumes({ name: "vol", emptyDir: {} }))],
    ["empty key with Exists operator is OK for toleration, empty toleration key means match all taint keys.", makePod("123", tolerations({ operator: "Exists", effect: "NoSchedule" }))],
    ["empty operator is OK for toleration", makePod("123", tolerations({ key: "foo", value: "bar", effect: "NoSchedule" }))],
    ["empty effect is OK for toleration", makePod("123", tolerations({ key: "foo", operator: "Equal", value: "bar" }))],
    ["negative tolerationSeconds is OK for toleration", makePod("123", tolerations({ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: -2 }))],
    ["runtime default seccomp profile", makePod("123", annotations({ [seccompPod]: "runtime/default" }))],
    ["docker default seccomp profile", makePod("123", annotations({ [seccompPod]: "unconfined" }))],
    ["localhost seccomp profile", makePod("123", annotations({ [seccompPod]: "localhost/foo" }))],
    ["localhost seccomp profile for a container", makePod("123", annotations({ [`${seccompCtr}foo`]: "localhost/foo" }))],
    ["runtime default seccomp profile for a pod", makePod("123", podSC({ seccompProfile: { type: "RuntimeDefault" } }))],
    ["runtime default seccomp profile for a container", makePod("123", containers(ctrSC({ seccompProfile: { type: "Unconfined" } })))],
    ["localhost seccomp profile for a pod", makePod("123", podSC({ seccompProfile: { type: "Localhost", localhostProfile: "filename.json" } }))],
    ["localhost seccomp profile for a container, II", makePod("123", containers(ctrSC({ seccompProfile: { type: "Localhost", localhostProfile: "filename.json" } })))],
    ["default AppArmor annotation for a container", makePod("123", annotations({ [`${appArmorCtr}ctr`]: "runtime/default" }))],
    ["default AppArmor annotation for an init container", makePod("123", initContainers(makeContainer("init-ctr")), annotations({ [`${appArmorCtr}init-ctr`]: "runtime/default" }))],
    ["localhost AppArmor annotation for a container", makePod("123", annotations({ [`${appArmorCtr}ctr`]: "localhost/foo" }))],
    ["runtime default AppArmor profile for a pod", makePod("123", podSC({ appArmorProfile: { type: "RuntimeDefault" } }))],
    ["runtime default AppArmor profile for a container", makePod("123", containers(ctrSC({ appArmorProfile: { type: "RuntimeDefault" } })))],
    ["unconfined AppArmor profile for a pod", makePod("123", podSC({ appArmorProfile: { type: "Unconfined" } }))],
    ["unconfined AppArmor profile for a container", makePod("123", containers(ctrSC({ appArmorProfile: { type: "Unconfined" } })))],
    ["localhost AppArmor profile for a pod", makePod("123", podSC({ appArmorProfile: { type: "Localhost", localhostProfile: "example-org/application-foo" } }))],
    ["localhost AppArmor profile for a container field", makePod("123", containers(ctrSC({ appArmorProfile: { type: "Localhost", localhostProfile: "example-org/application-foo" } })))],
    ["matching AppArmor fields and annotations", makePod("123", annotations({ [`${appArmorCtr}ctr`]: "localhost/foo" }), containers(ctrSC({ appArmorProfile: { type: "Localhost", localhostProfile: "foo" } })))],
    ["matching AppArmor pod field and annotations", makePod("123", annotations({ [`${appArmorCtr}ctr`]: "localhost/foo" }), podSC({ appArmorProfile: { type: "Localhost", localhostProfile: "foo" } }))],
    ["syntactically valid sysctls", makePod("123", podSC({ sysctls: [{ name: "kernel.shmmni", value: "32768" }, { name: "kernel.shmmax", value: "1000000000" }, { name: "knet.ipv4.route.min_pmtu", value: "1000" }] }))],
    ["valid extended resources for init container", makePod("valid-extended", initContainers(resources("valid-extended", { "example.com/a": "10" }, { "example.com/a": "10" })))],
    ["valid extended resources for regular container", makePod("valid-extended", containers(resources("valid-extended", { "example.com/a": "10" }, { "example.com/a": "10" })))],
    ["valid serviceaccount token projected volume with serviceaccount name specified", makePod("valid-extended", (p) => (p.spec.serviceAccountName = p.spec.serviceAccount = "some-service-account"),
      projected({ serviceAccountToken: { audience: "foo-audience", expirationSeconds: 6000, path: "foo-path" } }))],
    ["valid ClusterTrustBundlePEM projected volume referring to a CTB by name", makePod("valid-extended", projected({ clusterTrustBundle: { path: "foo-path", name: "foo" } }))],
    ["valid ClusterTrustBundlePEM projected volume referring to a CTB by signer name", makePod("valid-extended", projected({ clusterTrustBundle: { path: "foo-path", signerName: "example.com/foo", labelSelector: { matchLabels: { version: "live" } } } }))],
    ["ephemeral volume + PVC, no conflict between them", makePod("valid-extended", volumes({ name: "pvc", persistentVolumeClaim: { claimName: "my-pvc" } }, { name: "ephemeral", ephemeral: { volumeClaimTemplate: validPVCTemplate } }))],
    ["negative pod-deletion-cost", makePod("123", annotations({ "controller.kubernetes.io/pod-deletion-cost": "-100" }))],
    ["positive pod-deletion-cost", makePod("123", annotations({ "controller.kubernetes.io/pod-deletion-cost": "100" }))],
    ["MatchLabelKeys/MismatchLabelKeys in required PodAffinity", makePod("123", withKeys("podAffinity", hard))],
    ["MatchLabelKeys/MismatchLabelKeys in preferred PodAffinity", makePod("123", withKeys("podAffinity", soft))],
    ["MatchLabelKeys/MismatchLabelKeys in required PodAntiAffinity", makePod("123", withKeys("podAntiAffinity", hard))],
    ["MatchLabelKeys/MismatchLabelKeys in preferred PodAntiAffinity", makePod("123", withKeys("podAntiAffinity", soft))],
    ["LabelSelector can have the same key as MismatchLabelKeys", makePod("123", hard("podAffinity", {
      labelSelector: { matchExpressions: [notIn12, { key: "key2", operator: "In", values: ["value1"] }, { key: "key2", operator: "NotIn", values: ["value1"] }] },
      topologyKey: "k8s.io/zone", mismatchLabelKeys: ["key2"],
    }))],
  ];
  for (const [name, pod] of success) it(name, () => expect(validateCreate(pod)).toEqual([]));
});

describe("TestValidatePod: error cases", () => {
  const nodeTerm = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
  const antiSoft = "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm";
  const key2NotIn = { matchExpressions: [{ key: "key2", operator: "NotIn", values: ["value1", "value2"] }] };
  const key2In = { matchExpressions: [{ key: "key2", operator: "In", values: ["value1", "value2"] }] };
  const cases: [string, any, string][] = [
    ["bad name", makePod(""), "metadata.name"],
    ["image whitespace", makePod("123", containers(makeContainer("ctr", (c) => (c.image = " ")))), "spec.containers[0].image"],
    ["image leading and trailing whitespace", makePod("123", containers(makeContainer("ctr", (c) => (c.image = " something ")))), "spec.containers[0].image"],
    ["bad namespace", makePod("123", (p) => (p.metadata.namespace = "")), "metadata.namespace"],
    ["bad spec", makePod("123", containers({})), "spec.containers[0].name"],
    ["bad label", makePod("123", labels({ "NoUppercaseOrSpecialCharsLike=Equals": "bar" })), "NoUppercaseOrSpecialCharsLike=Equals"],
    ["invalid node selector requirement in node affinity, operator can't be null", makePod("123", nodeRequired({ matchExpressions: [{ key: "key1" }] })), `${nodeTerm}[0].matchExpressions[0].operator`],
    ["invalid node selector requirement in node affinity, key is invalid", makePod("123", nodeRequired({ matchExpressions: [{ key: "invalid key ___@#", operator: "Exists" }] })), `${nodeTerm}[0].matchExpressions[0].key`],
    ["invalid node field selector requirement in node affinity, more values for field selector", makePod("123", nodeRequired({ matchFields: [{ key: "metadata.name", operator: "In", values: ["host1", "host2"] }] })), `${nodeTerm}[0].matchFields[0].values`],
    ["invalid node field selector requirement in node affinity, invalid operator", makePod("123", nodeRequired({ matchFields: [{ key: "metadata.name", operator: "Exists" }] })), `${nodeTerm}[0].matchFields[0].operator`],
    ["invalid node field selector requirement in node affinity, invalid key", makePod("123", nodeRequired({ matchFields: [{ key: "metadata.namespace", operator: "In", values: ["ns1"] }] })), `${nodeTerm}[0].matchFields[0].key`],
    ["invalid preferredSchedulingTerm in node affinity, weight should be in range 1-100", makePod("123", affinity({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 199, preference: { matchExpressions: [{ key: "foo", operator: "In", values: ["bar"] }] } }] } })), "must be in the range 1-100"],
    ["invalid requiredDuringSchedulingIgnoredDuringExecution node selector, nodeSelectorTerms must have at least one term", makePod("123", affinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } })), nodeTerm],
    ["invalid weight in preferredDuringSchedulingIgnoredDuringExecution in pod affinity annotations, weight should be in range 1-100", makePod("123", affinity({ podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 109, podAffinityTerm: { labelSelector: key2NotIn, namespaces: ["ns"], topologyKey: "region" } }] } })), "must be in the range 1-100"],
    ["invalid labelSelector in preferredDuringSchedulingIgnoredDuringExecution in podaffinity annotations, values should be empty if the operator is Exists", makePod("123", soft("podAntiAffinity", { labelSelector: { matchExpressions: [{ key: "key2", operator: "Exists", values: ["value1", "value2"] }] }, namespaces: ["ns"], topologyKey: "region" })), `${antiSoft}.labelSelector.matchExpressions[0].values`],
    ["invalid namespaceSelector in preferredDuringSchedulingIgnoredDuringExecution in podaffinity, In operator must include Values", makePod("123", soft("podAntiAffinity", { namespaceSelector: { matchExpressions: [{ key: "key2", operator: "In" }] }, namespaces: ["ns"], topologyKey: "region" })), `${antiSoft}.namespaceSelector.matchExpressions[0].values`],
    ["invalid namespaceSelector in preferredDuringSchedulingIgnoredDuringExecution in podaffinity, Exists operator can not have values", makePod("123", soft("podAntiAffinity", { namespaceSelector: { matchExpressions: [{ key: "key2", operator: "Exists", values: ["value1", "value2"] }] }, namespaces: ["ns"], topologyKey: "region" })), `${antiSoft}.namespaceSelector.matchExpressions[0].values`],
    ["invalid name space in preferredDuringSchedulingIgnoredDuringExecution in podaffinity annotations, namespace should be valid", makePod("123", soft("podAffinity", { labelSelector: { matchExpressions: [{ key: "key2", operator: "Exists" }] }, namespaces: ["INVALID_NAMESPACE"], topologyKey: "region" })), "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.namespace"],
    ["invalid hard pod affinity, empty topologyKey is not allowed for hard pod affinity", makePod("123", hard("podAffinity", { labelSelector: key2In, namespaces: ["ns"] })), "can not be empty"],
    ["invalid hard pod anti-affinity, empty topologyKey is not allowed for hard pod anti-affinity", makePod("123", hard("podAntiAffinity", { labelSelector: key2In, namespaces: ["ns"] })), "can not be empty"],
    ["invalid soft pod affinity, empty topologyKey is not allowed for soft pod affinity", makePod("123", soft("podAffinity", { labelSelector: key2NotIn, namespaces: ["ns"] })), "can not be empty"],
    ["invalid soft pod anti-affinity, empty topologyKey is not allowed for soft pod anti-affinity", makePod("123", soft("podAntiAffinity", { labelSelector: key2NotIn, namespaces: ["ns"] })), "can not be empty"],
    ...places.map(([where, place, kind]): [string, any, string] => [`invalid ${where}, key in MatchLabelKeys isn't correctly defined`, makePod("123", place(kind, { labelSelector: { matchExpressions: [notIn12] }, topologyKey: "k8s.io/zone", matchLabelKeys: ["/simple"] })), "prefix part must be non-empty"]),
    ...places.map(([where, place, kind]): [string, any, string] => [`invalid ${where}, key in MismatchLabelKeys isn't correctly defined`, makePod("123", place(kind, { labelSelector: { matchExpressions: [notIn12] }, topologyKey: "k8s.io/zone", mismatchLabelKeys: ["/simple"] })), "prefix part must be non-empty"]),
    // The first expression is the one MatchLabelKeys generates; the user's own on the same key is the error.
    ...places.map(([where, place, kind]): [string, any, string] => [`invalid ${where}, key exists in both matchLabelKeys and labelSelector`, makePod("123", ...(where === "soft pod affinity" ? [] : [labels({ key: "value1" })]), place(kind, {
      labelSelector: { matchExpressions: [{ key: "key", operator: "In", values: ["value1"] }, { key: "key", operator: "NotIn", values: ["value2"] }] }, topologyKey: "k8s.io/zone", matchLabelKeys: ["key"],
    })), "exists in both matchLabelKeys and labelSelector"]),
    ...places.map(([where, place, kind]): [string, any, string] => [`invalid ${where}, key exists in both MatchLabelKeys and MismatchLabelKeys`, makePod("123", place(kind, { labelSelector: { matchExpressions: [notIn12] }, topologyKey: "k8s.io/zone", matchLabelKeys: ["samekey"], mismatchLabelKeys: ["samekey"] })), "exists in both matchLabelKeys and mismatchLabelKeys"]),
    ["invalid toleration key", makePod("123", tolerations({ key: "nospecialchars^=@", operator: "Equal", value: "bar", effect: "NoSchedule" })), "spec.tolerations[0].key"],
    ["invalid toleration operator", makePod("123", tolerations({ key: "foo", operator: "In", value: "bar", effect: "NoSchedule" })), "spec.tolerations[0].operator"],
    ["value must be empty when `operator` is 'Exists'", makePod("123", tolerations({ key: "foo", operator: "Exists", value: "bar", effect: "NoSchedule" })), "spec.tolerations[0].operator"],
    ["operator must be 'Exists' when `key` is empty", makePod("123", tolerations({ operator: "Equal", value: "bar", effect: "NoSchedule" })), "spec.tolerations[0].operator"],
    ["effect must be 'NoExecute' when `TolerationSeconds` is set", makePod("pod-forgiveness-invalid", tolerations({ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 20 })), "spec.tolerations[0].effect"],
    ["must be a valid pod seccomp profile", makePod("123", annotations({ [seccompPod]: "foo" })), "must be a valid seccomp profile"],
    ["must be a valid container seccomp profile", makePod("123", annotations({ [`${seccompCtr}foo`]: "foo" })), "must be a valid seccomp profile"],
    ["must be a non-empty container name in seccomp annotation", makePod("123", annotations({ [seccompCtr]: "foo" })), "name part must be non-empty"],
    ["must be a non-empty container profile in seccomp annotation", makePod("123", annotations({ [`${seccompCtr}foo`]: "" })), "must be a valid seccomp profile"],
    ["must match seccomp profile type and pod annotation", makePod("123", annotations({ [seccompPod]: "unconfined" }), podSC({ seccompProfile: { type: "RuntimeDefault" } })), "seccomp type in annotation and field must match"],
    ["must match seccomp profile type and container annotation", makePod("123", containers(ctrSC({ seccompProfile: { type: "RuntimeDefault" } })), annotations({ [`${seccompCtr}ctr`]: "unconfined" })), "seccomp type in annotation and field must match"],
    ["must be a relative path in a node-local seccomp profile annotation", makePod("123", annotations({ [seccompPod]: "localhost//foo" })), "must be a relative path"],
    ["must not start with '../'", makePod("123", annotations({ [seccompPod]: "localhost/../foo" })), "must not contain '..'"],
    ["AppArmor profile must apply to a container", makePod("123", initContainers(makeContainer("init-ctr")), annotations({ [`${appArmorCtr}ctr`]: "runtime/default", [`${appArmorCtr}init-ctr`]: "runtime/default", [`${appArmorCtr}fake-ctr`]: "runtime/default" })), `metadata.annotations[${appArmorCtr}fake-ctr]`],
    ["AppArmor profile format must be valid", makePod("123", annotations({ [`${appArmorCtr}ctr`]: "bad-name" })), "invalid AppArmor profile name"],
    ["only default AppArmor profile may start with runtime/", makePod("123", annotations({ [`${appArmorCtr}ctr`]: "runtime/foo" })), "invalid AppArmor profile name"],
    ["unsupported pod AppArmor profile type", makePod("123", podSC({ appArmorProfile: { type: "test" } })), 'Unsupported value: "test"'],
    ["unsupported container AppArmor profile type", makePod("123", containers(ctrSC({ appArmorProfile: { type: "test" } }))), 'Unsupported value: "test"'],
    ["missing pod AppArmor profile type", makePod("123", podSC({ appArmorProfile: { type: "" } })), "Required value: type is required when appArmorProfile is set"],
    ["missing AppArmor localhost profile", makePod("123", podSC({ appArmorProfile: { type: "Localhost" } })), "Required value: must be set when AppArmor type is Localhost"],
    ["empty AppArmor localhost profile", makePod("123", podSC({ appArmorProfile: { type: "Localhost", localhostProfile: "" } })), "Required value: must be set when AppArmor type is Localhost"],
    ["invalid AppArmor localhost profile type", makePod("123", podSC({ appArmorProfile: { type: "RuntimeDefault", localhostProfile: "foo-bar" } })), 'Invalid value: "foo-bar"'],
    ["invalid AppArmor localhost profile", makePod("123", podSC({ appArmorProfile: { type: "Localhost", localhostProfile: "foo-bar " } })), 'Invalid value: "foo-bar "'],
    ["too long AppArmor localhost profile", makePod("123", podSC({ appArmorProfile: { type: "Localhost", localhostProfile: "a".repeat(4096) } })), "Too long: may not be more than 4095 bytes"],
    ["mismatched AppArmor field and annotation types", makePod("123", annotations({ [`${appArmorCtr}ctr`]: "runtime/default" }), containers(ctrSC({ appArmorProfile: { type: "Unconfined" } }))), "Forbidden: apparmor type in annotation and field must match"],
    ["mismatched AppArmor pod field and annotation types", makePod("123", annotations({ [`${appArmorCtr}ctr`]: "runtime/default" }), podSC({ appArmorProfile: { type: "Unconfined" } })), "Forbidden: apparmor type in annotation and field must match"],
    ["mismatched AppArmor localhost profiles", makePod("123", annotations({ [`${appArmorCtr}ctr`]: "localhost/foo" }), containers(ctrSC({ appArmorProfile: { type: "Localhost", localhostProfile: "bar" } }))), "Forbidden: apparmor profile in annotation and field must match"],
    ["invalid extended resource name in container request", makePod("123", containers(resources("invalid", { "invalid-name": "2" }, { "invalid-name": "2" }))), "must be a standard resource for containers"],
    ["invalid extended resource requirement: request must be == limit", makePod("123", containers(resources("invalid", { "example.com/a": "2" }, { "example.com/a": "1" }))), "must be equal to example.com/a"],
    ["invalid extended resource requirement without limit", makePod("123", containers(resources("invalid", { "example.com/a": "2" }, {}))), "Limit must be set"],
    ["invalid fractional extended resource in container request", makePod("123", containers(resources("invalid", { "example.com/a": "500m" }, {}))), "must be an integer"],
    ["invalid fractional extended resource in init container request", makePod("123", initContainers(resources("invalid", { "example.com/a": "500m" }, {}))), "must be an integer"],
    ["invalid fractional extended resource in container limit", makePod("123", containers(resources("invalid", { "example.com/a": "5" }, { "example.com/a": "2.5" }))), "must be an integer"],
    ["invalid fractional extended resource in init container limit", makePod("123", initContainers(resources("invalid", { "example.com/a": "2.5" }, { "example.com/a": "2.5" }))), "must be an integer"],
    ["mirror-pod present without nodeName", makePod("123", annotations({ "kubernetes.io/config.mirror": "" })), "mirror"],
    ["mirror-pod populated without nodeName", makePod("123", annotations({ "kubernetes.io/config.mirror": "foo" })), "mirror"],
    ["serviceaccount token projected volume with no serviceaccount name specified", makePod("123", projected({ serviceAccountToken: { audience: "foo-audience", expirationSeconds: 6000, path: "foo-path" } })), "must not be specified when serviceAccountName is not set"],
    ["ClusterTrustBundlePEM projected volume using both byName and bySigner", makePod("valid-extended", projected({ clusterTrustBundle: { path: "foo-path", signerName: "example.com/foo", labelSelector: { matchLabels: { version: "live" } }, name: "foo" } })), "only one of name and signerName may be used"],
    ["ClusterTrustBundlePEM projected volume byName with no name", makePod("valid-extended", projected({ clusterTrustBundle: { path: "foo-path", name: "" } })), "must be a valid object name"],
    ["ClusterTrustBundlePEM projected volume bySigner with no signer name", makePod("valid-extended", projected({ clusterTrustBundle: { path: "foo-path", signerName: "", labelSelector: { matchLabels: { foo: "bar" } } } })), "must be a valid signer name"],
    ["ClusterTrustBundlePEM projected volume bySigner with invalid signer name", makePod("valid-extended", projected({ clusterTrustBundle: { path: "foo-path", signerName: "example.com/foo/invalid" } })), "must be a fully qualified domain and path of the form"],
    ["final PVC name for ephemeral volume must be valid", makePod("a".repeat(200), volumes({ name: "pvc", persistentVolumeClaim: { claimName: "my-pvc" } }, { name: "b".repeat(60), ephemeral: { volumeClaimTemplate: validPVCTemplate } })),
      `spec.volumes[1].name: Invalid value: "${"b".repeat(60)}": PVC name "${"a".repeat(200)}-${"b".repeat(60)}": must be no more than 253 characters`],
    ["PersistentVolumeClaimVolumeSource must not reference a generated PVC", makePod("123", volumes({ name: "pvc-volume", persistentVolumeClaim: { claimName: "123-ephemeral-volume" } }, { name: "ephemeral-volume", ephemeral: { volumeClaimTemplate: validPVCTemplate } })),
      'spec.volumes[0].persistentVolumeClaim.claimName: Invalid value: "123-ephemeral-volume": must not reference a PVC that gets created for an ephemeral volume'],
    ["invalid pod-deletion-cost", makePod("valid-extended", annotations({ "controller.kubernetes.io/pod-deletion-cost": "text" })), 'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "text": must be a 32bit integer'],
    ["invalid leading zeros pod-deletion-cost", makePod("valid-extended", annotations({ "controller.kubernetes.io/pod-deletion-cost": "008" })), 'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "008": must be a 32bit integer'],
    ["invalid leading plus sign pod-deletion-cost", makePod("valid-extended", annotations({ "controller.kubernetes.io/pod-deletion-cost": "+10" })), 'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "+10": must be a 32bit integer'],
    ["invalid required node affinity, value of NodeSelectorRequirement should be a valid label value", makePod("123", nodeRequired({ matchExpressions: [{ key: "foo", operator: "In", values: ["-1"] }] })),
      `${nodeTerm}[0].matchExpressions[0].values[0]: Invalid value: "-1": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`],
  ];
  for (const [name, pod, want] of cases) {
    it(name, () => {
      const errs = validateCreate(pod);
      expect(errs.length).toBeGreaterThan(0);
      expect(aggregate(errs)).toContain(want);
    });
  }
});

describe("TestValidatePodTemplateSpecSeccomp (a template's annotations and fields must agree too)", () => {
  const spec = (...tweaks: ((p: any) => void)[]) => makePod("", ...tweaks).spec;
  const mismatch = "seccomp type in annotation and field must match";
  const cases: [string, any, [string, string, string]][] = [
    ["seccomp field and container annotation must match", { metadata: { annotations: { [`${seccompCtr}test2`]: "unconfined" } }, spec: spec(containers(makeContainer("test1"), makeContainer("test2", (c) => (c.securityContext = { seccompProfile: { type: "RuntimeDefault" } })))) },
      ["FieldValueForbidden", "template.spec.containers[1].securityContext.seccompProfile.type", mismatch]],
    ["seccomp field and pod annotation must match", { metadata: { annotations: { [seccompPod]: "runtime/default" } }, spec: spec(podSC({ seccompProfile: { type: "Unconfined" } })) },
      ["FieldValueForbidden", "template.spec.securityContext.seccompProfile.type", mismatch]],
    ["init seccomp field and container annotation must match", { metadata: { annotations: { [`${seccompCtr}init-test`]: "unconfined" } }, spec: spec(initContainers(makeContainer("init-test", (c) => (c.securityContext = { seccompProfile: { type: "RuntimeDefault" } })))) },
      ["FieldValueForbidden", "template.spec.initContainers[0].securityContext.seccompProfile.type", mismatch]],
  ];
  for (const [name, template, want] of cases) it(name, () => expect(validatePodTemplateSpec(template, "template").map((e) => [e.type, e.field, e.detail])).toEqual([want]));
});

describe("TestValidateSeccompAnnotationsAndFieldsMatch (through a pod's own seccompProfile)", () => {
  const at = "spec.securityContext.seccompProfile";
  const cases: [string, string, any, string[]][] = [
    ["unconfined annotation and SeccompProfileTypeUnconfined should return empty", "unconfined", { type: "Unconfined" }, []],
    ["runtime/default annotation and SeccompProfileTypeRuntimeDefault should return empty", "runtime/default", { type: "RuntimeDefault" }, []],
    ["docker/default annotation and SeccompProfileTypeRuntimeDefault should return empty", "docker/default", { type: "RuntimeDefault" }, []],
    ["localhost/test.json annotation and SeccompProfileTypeLocalhost with correct profile should return empty", "localhost/test.json", { type: "Localhost", localhostProfile: "test.json" }, []],
    ["localhost/test.json annotation and SeccompProfileTypeLocalhost with different profile should error", "localhost/test.json", { type: "Localhost", localhostProfile: "different.json" }, [`${at}.localhostProfile: Forbidden: seccomp profile in annotation and field must match`]],
    ["localhost/test.json annotation and SeccompProfileTypeUnconfined with different profile should error", "localhost/test.json", { type: "Unconfined" }, [`${at}.type: Forbidden: seccomp type in annotation and field must match`]],
    ["localhost/test.json annotation and SeccompProfileTypeRuntimeDefault with different profile should error", "localhost/test.json", { type: "RuntimeDefault" }, [`${at}.type: Forbidden: seccomp type in annotation and field must match`]],
  ];
  for (const [name, annotation, profile, want] of cases) {
    it(name, () => expect(validateCreate(makePod("p", annotations({ [seccompPod]: annotation }), podSC({ seccompProfile: profile }))).map(fieldErrorMessage)).toEqual(want));
  }
  // The Go row without a localhostProfile is one the API refuses before the match (a Localhost type needs its file).
});

// TestValidatePodCreateWithSchedulingGates: the Go test compares the whole error list (cmp.Diff).
describe("TestValidatePodCreateWithSchedulingGates", () => {
  const essentials = (p: any) => {
    p.spec.containers = [{ name: "con", image: "pause", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }];
    p.spec.restartPolicy = "Always";
    p.spec.dnsPolicy = "ClusterFirst";
  };
  it("create a Pod with nodeName and schedulingGates, feature enabled", () => {
    const pod = makePod("pod", (p) => Object.assign(p.spec, { nodeName: "node", schedulingGates: [{ name: "foo" }] }), essentials);
    expect(validateCreate(pod).map(fieldErrorMessage)).toEqual(["spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"]);
  });
  it("create a Pod with schedulingGates, feature enabled", () => {
    expect(validateCreate(makePod("pod", (p) => (p.spec.schedulingGates = [{ name: "foo" }]), essentials))).toEqual([]);
  });
});
