import { describe, it, expect } from "vitest";
import { appArmorVersionSkewWarnings, cidrWarnings, ipWarnings, podTemplateWarnings, podWarnings, serviceWarnings, warningsOnCreate, warningsOnUpdate } from "./warnings.js";

// Rows of k8s.io/kubernetes pkg/api/pod/warnings_test.go (TestWarnings, TestTemplateOnlyWarnings),
// written as the v1 objects a client sends. Kubernetes compares them as sets (a map's keys come in
// any order); so do these.
const resources = { cpu: "100m", memory: "4m", "ephemeral-storage": "4m" };
const c = (extra: object = {}) => ({ name: "", image: "i", ...extra });
const rows: { name: string; template: any; expected: string[] }[] = [
  { name: "photon", template: { spec: { volumes: [{ name: "p", photonPersistentDisk: { pdID: "x" } }] } }, expected: ["spec.volumes[0].photonPersistentDisk: deprecated in v1.11, non-functional in v1.16+"] },
  { name: "gitRepo", template: { spec: { volumes: [{ name: "s", gitRepo: { repository: "r" } }] } }, expected: ["spec.volumes[0].gitRepo: deprecated in v1.11"] },
  { name: "scaleIO", template: { spec: { volumes: [{ name: "s", scaleIO: {} }] } }, expected: ["spec.volumes[0].scaleIO: deprecated in v1.16, non-functional in v1.22+"] },
  { name: "flocker", template: { spec: { volumes: [{ name: "s", flocker: {} }] } }, expected: ["spec.volumes[0].flocker: deprecated in v1.22, non-functional in v1.25+"] },
  { name: "storageOS", template: { spec: { volumes: [{ name: "s", storageos: {} }] } }, expected: ["spec.volumes[0].storageOS: deprecated in v1.22, non-functional in v1.25+"] },
  { name: "quobyte", template: { spec: { volumes: [{ name: "s", quobyte: {} }] } }, expected: ["spec.volumes[0].quobyte: deprecated in v1.22, non-functional in v1.25+"] },
  { name: "glusterfs", template: { spec: { volumes: [{ name: "s", glusterfs: {} }] } }, expected: ["spec.volumes[0].glusterfs: deprecated in v1.25, non-functional in v1.26+"] },
  { name: "CephFS", template: { spec: { volumes: [{ name: "s", cephfs: {} }] } }, expected: ["spec.volumes[0].cephfs: deprecated in v1.28, non-functional in v1.31+"] },
  { name: "rbd", template: { spec: { volumes: [{ name: "s", rbd: {} }] } }, expected: ["spec.volumes[0].rbd: deprecated in v1.28, non-functional in v1.31+"] },
  {
    name: "overlapping paths in a configmap volume",
    template: { spec: { volumes: [{ name: "Test", configMap: { name: "foo", items: [{ key: "foo", path: "test" }, { key: "bar", path: "test" }] } }] } },
    expected: [`volume "Test" (ConfigMap "foo"): overlapping paths: "test" with "test"`],
  },
  {
    name: "overlapping paths in a configmap volume - try to mount dir path into a file",
    template: { spec: { volumes: [{ name: "Test", configMap: { name: "foo", items: [{ key: "foo", path: "test" }, { key: "bar", path: "test/app" }] } }] } },
    expected: [`volume "Test" (ConfigMap "foo"): overlapping paths: "test/app" with "test"`],
  },
  {
    name: "overlapping paths in a configmap volume - try to mount file into a dir path",
    template: { spec: { volumes: [{ name: "Test", configMap: { name: "foo", items: [{ key: "bar", path: "test/app" }, { key: "foo", path: "test" }] } }] } },
    expected: [`volume "Test" (ConfigMap "foo"): overlapping paths: "test" with "test/app"`],
  },
  {
    name: "overlapping paths in a secret volume",
    template: { spec: { volumes: [{ name: "Test", secret: { secretName: "foo", items: [{ key: "foo", path: "test" }, { key: "bar", path: "test" }] } }] } },
    expected: [`volume "Test" (Secret "foo"): overlapping paths: "test" with "test"`],
  },
  {
    name: "overlapping paths in a downward api volume",
    template: { spec: { volumes: [{ name: "Test", downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" }, path: "test" }, { fieldRef: { apiVersion: "v1", fieldPath: "metadata.labels" }, path: "test" }] } }] } },
    expected: [`volume "Test" (DownwardAPI): overlapping paths: "test" with "test"`],
  },
  {
    name: "overlapping paths in projected volume - service account dir and config file",
    template: { spec: { volumes: [{ name: "foo", projected: { sources: [{ configMap: { name: "Test", items: [{ key: "foo", path: "test" }] } }, { serviceAccountToken: { path: "test/file" } }] } }] } },
    expected: [`volume "foo" (Projected ServiceAccountToken): overlapping paths: "test/file" with "test"`],
  },
  {
    name: "overlapping paths in projected volume - secret and config map",
    template: { spec: { volumes: [{ name: "foo", projected: { sources: [{ secret: { name: "TestSecret", items: [{ key: "mykey", path: "test" }] } }, { configMap: { name: "TestConfigMap", items: [{ key: "mykey", path: "test/test1" }] } }] } }] } },
    expected: [`volume "foo" (Projected ConfigMap "TestConfigMap"): overlapping paths: "test/test1" with "test"`],
  },
  {
    name: "overlapping paths in projected volume - downward api and cluster trust bundle",
    template: { spec: { volumes: [{ name: "foo", projected: { sources: [{ downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" }, path: "test/test2" }] } }, { clusterTrustBundle: { name: "Test", path: "test" } }] } }] } },
    expected: [`volume "foo" (Projected ClusterTrustBundle "Test"): overlapping paths: "test/test2" with "test"`],
  },
  {
    name: "overlapping paths in projected volume - multiple sources",
    template: {
      spec: {
        volumes: [{
          name: "foo",
          projected: { sources: [
            { clusterTrustBundle: { signerName: "Test", path: "test/test" } },
            { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" }, path: "test" }] } },
            { secret: { name: "Test", items: [{ key: "foo", path: "test" }] } },
            { serviceAccountToken: { path: "test" } },
          ] },
        }],
      },
    },
    expected: [
      `volume "foo" (Projected DownwardAPI): overlapping paths: "test/test" with "test"`,
      `volume "foo" (Projected Secret "Test"): overlapping paths: "test" with "test"`,
      `volume "foo" (Projected Secret "Test"): overlapping paths: "test/test" with "test"`,
      `volume "foo" (Projected ServiceAccountToken): overlapping paths: "test/test" with "test"`,
      `volume "foo" (Projected ServiceAccountToken): overlapping paths: "test" with "test"`,
    ],
  },
  {
    name: "overlapping paths in projected volume - multiple sources, the same path twice in one",
    template: { spec: { volumes: [{ name: "foo", projected: { sources: [{ serviceAccountToken: { path: "test/test2" } }, { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" }, path: "test" }, { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" }, path: "test" }] } }] } }] } },
    expected: [`volume "foo" (Projected DownwardAPI): overlapping paths: "test" with "test"`, `volume "foo" (Projected DownwardAPI): overlapping paths: "test/test2" with "test"`],
  },
  { name: "empty sources in projected volume", template: { spec: { volumes: [{ name: "foo", projected: { sources: [{}] } }] } }, expected: [`volume "foo" (Projected) has no sources provided`] },
  { name: "duplicate hostAlias", template: { spec: { hostAliases: [{ ip: "1.1.1.1" }, { ip: "1.1.1.1" }, { ip: "1.1.1.1" }] } }, expected: [`spec.hostAliases[1].ip: duplicate ip "1.1.1.1"`, `spec.hostAliases[2].ip: duplicate ip "1.1.1.1"`] },
  { name: "duplicate imagePullSecret", template: { spec: { imagePullSecrets: [{ name: "a" }, { name: "a" }, { name: "a" }] } }, expected: [`spec.imagePullSecrets[1].name: duplicate name "a"`, `spec.imagePullSecrets[2].name: duplicate name "a"`] },
  { name: "empty imagePullSecret", template: { spec: { imagePullSecrets: [{ name: "" }] } }, expected: [`spec.imagePullSecrets[0].name: invalid empty name ""`] },
  {
    name: "duplicate env",
    template: {
      spec: {
        initContainers: [c({ env: [{ name: "a", value: "a" }, { name: "a", value: "a" }, { name: "a", value: "other" }, { name: "a", value: "" }, { name: "a", value: "$(a)" }, { name: "a", valueFrom: {} }, { name: "a", value: "$(a) $(a)" }] })],
        containers: [c({ env: [{ name: "b", value: "b" }, { name: "b", value: "b" }, { name: "b", value: "other" }, { name: "b", value: "" }, { name: "b", value: "$(b)" }, { name: "b", valueFrom: {} }, { name: "b", value: "$(b) $(b)" }] })],
      },
    },
    expected: [1, 2, 3, 4, 5].flatMap((i) => [
      `spec.initContainers[0].env[${i}]: hides previous definition of "a", which may be dropped when using apply`,
      `spec.containers[0].env[${i}]: hides previous definition of "b", which may be dropped when using apply`,
    ]),
  },
  {
    name: "fractional resources",
    template: { spec: { initContainers: [c({ resources: { requests: resources, limits: resources } })], containers: [c({ resources: { requests: resources, limits: resources } })], overhead: resources } },
    expected: ["spec.initContainers[0]", "spec.containers[0]"].flatMap((p) => ["requests", "limits"].flatMap((l) => ["ephemeral-storage", "memory"].map((r) => `${p}.resources.${l}[${r}]: fractional byte value "4m" is invalid, must be an integer`)))
      .concat([`spec.overhead[ephemeral-storage]: fractional byte value "4m" is invalid, must be an integer`, `spec.overhead[memory]: fractional byte value "4m" is invalid, must be an integer`]),
  },
  {
    name: "node labels in nodeSelector",
    template: { spec: { nodeSelector: { "beta.kubernetes.io/arch": "true", "beta.kubernetes.io/os": "true", "failure-domain.beta.kubernetes.io/region": "true", "failure-domain.beta.kubernetes.io/zone": "true", "beta.kubernetes.io/instance-type": "true" } } },
    expected: [
      `spec.nodeSelector[beta.kubernetes.io/arch]: deprecated since v1.14; use "kubernetes.io/arch" instead`,
      `spec.nodeSelector[beta.kubernetes.io/instance-type]: deprecated since v1.17; use "node.kubernetes.io/instance-type" instead`,
      `spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead`,
      `spec.nodeSelector[failure-domain.beta.kubernetes.io/region]: deprecated since v1.17; use "topology.kubernetes.io/region" instead`,
      `spec.nodeSelector[failure-domain.beta.kubernetes.io/zone]: deprecated since v1.17; use "topology.kubernetes.io/zone" instead`,
    ],
  },
  {
    name: "node labels in affinity requiredDuringSchedulingIgnoredDuringExecution",
    template: { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "foo", operator: "Exists" }, { key: "beta.kubernetes.io/arch", operator: "Exists" }] }] } } } } },
    expected: [`spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].key: beta.kubernetes.io/arch is deprecated since v1.14; use "kubernetes.io/arch" instead`],
  },
  {
    name: "node labels in affinity preferredDuringSchedulingIgnoredDuringExecution",
    template: { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: "foo", operator: "Exists" }, { key: "failure-domain.beta.kubernetes.io/zone", operator: "Exists" }] } }] } } } },
    expected: [`spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[1].key: failure-domain.beta.kubernetes.io/zone is deprecated since v1.17; use "topology.kubernetes.io/zone" instead`],
  },
  {
    name: "node labels in topologySpreadConstraints",
    template: { spec: { topologySpreadConstraints: [{ topologyKey: "foo", labelSelector: {} }, { topologyKey: "beta.kubernetes.io/instance-type", labelSelector: {} }] } },
    expected: [`spec.topologySpreadConstraints[1].topologyKey: beta.kubernetes.io/instance-type is deprecated since v1.17; use "node.kubernetes.io/instance-type" instead`],
  },
  {
    name: "annotations",
    template: {
      metadata: { annotations: { foo: "bar", "scheduler.alpha.kubernetes.io/critical-pod": "true", "seccomp.security.alpha.kubernetes.io/pod": "default", "container.seccomp.security.alpha.kubernetes.io/foo": "default", "security.alpha.kubernetes.io/sysctls": "a,b,c", "security.alpha.kubernetes.io/unsafe-sysctls": "d,e,f" } },
      spec: { containers: [c({ name: "foo" })] },
    },
    expected: [
      `metadata.annotations[scheduler.alpha.kubernetes.io/critical-pod]: non-functional in v1.16+; use the "priorityClassName" field instead`,
      `metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: non-functional in v1.27+; use the "seccompProfile" field instead`,
      `metadata.annotations[container.seccomp.security.alpha.kubernetes.io/foo]: non-functional in v1.27+; use the "seccompProfile" field instead`,
      `metadata.annotations[security.alpha.kubernetes.io/sysctls]: non-functional in v1.11+; use the "sysctls" field instead`,
      `metadata.annotations[security.alpha.kubernetes.io/unsafe-sysctls]: non-functional in v1.11+; use the "sysctls" field instead`,
    ],
  },
  {
    name: "seccomp fields",
    template: {
      metadata: { annotations: { "seccomp.security.alpha.kubernetes.io/pod": "default", "container.seccomp.security.alpha.kubernetes.io/foo": "default" } },
      spec: { securityContext: { seccompProfile: { type: "RuntimeDefault" } }, containers: [c({ name: "foo", securityContext: { seccompProfile: { type: "RuntimeDefault" } } })] },
    },
    expected: [],
  },
  { name: "pod with ephemeral volume source 200Mi", template: { spec: { volumes: [{ name: "ephemeral-volume", ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "200Mi" } } } } } }] } }, expected: [] },
  {
    name: "pod with ephemeral volume source 200m",
    template: { spec: { volumes: [{ name: "ephemeral-volume", ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "200m" } } } } } }] } },
    expected: [`spec.volumes[0].ephemeral.volumeClaimTemplate.spec.resources.requests[storage]: fractional byte value "200m" is invalid, must be an integer`],
  },
  { name: "terminationGracePeriodSeconds is negative", template: { spec: { terminationGracePeriodSeconds: -1 } }, expected: ["spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1"] },
  { name: "null LabelSelector in topologySpreadConstraints", template: { spec: { topologySpreadConstraints: [{ labelSelector: {} }, {}] } }, expected: ["spec.topologySpreadConstraints[1].labelSelector: a null labelSelector results in matching no pod"] },
  {
    name: "null LabelSelector in PodAffinity",
    template: {
      spec: {
        affinity: {
          podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {} }, {}], preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { labelSelector: {} } }, { podAffinityTerm: {} }] },
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {} }, {}], preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { labelSelector: {} } }, { podAffinityTerm: {} }] },
        },
      },
    },
    expected: [
      "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[1].labelSelector: a null labelSelector results in matching no pod",
      "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[1].podAffinityTerm.labelSelector: a null labelSelector results in matching no pod",
      "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[1].labelSelector: a null labelSelector results in matching no pod",
      "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[1].podAffinityTerm.labelSelector: a null labelSelector results in matching no pod",
    ],
  },
  { name: "container no ports", template: { spec: { containers: [c({ name: "foo", ports: [] })] } }, expected: [] },
  { name: "one container, two ports, different protocols, same port", template: { spec: { containers: [c({ ports: [{ containerPort: 80, protocol: "UDP" }, { containerPort: 80, protocol: "TCP" }] })] } }, expected: [] },
  { name: "one container, two ports, same protocol, same port, different hostport", template: { spec: { containers: [c({ ports: [{ containerPort: 80, protocol: "TCP", hostPort: 80 }, { containerPort: 80, protocol: "TCP", hostPort: 81 }] })] } }, expected: [] },
  { name: "one container, two ports, same protocol, port and hostPort, different hostIP", template: { spec: { containers: [c({ ports: [{ containerPort: 80, protocol: "TCP", hostPort: 80, hostIP: "10.0.0.1" }, { containerPort: 80, protocol: "TCP", hostPort: 80, hostIP: "10.0.0.2" }] })] } }, expected: [] },
  { name: "duplicate container ports with same port and protocol", template: { spec: { containers: [c({ ports: [{ containerPort: 80, protocol: "UDP" }, { containerPort: 80, protocol: "UDP" }] })] } }, expected: ["spec.containers[0].ports[1]: duplicate port definition with spec.containers[0].ports[0]"] },
  { name: "one container port hostIP set without host port set", template: { spec: { containers: [c({ ports: [{ containerPort: 80, protocol: "UDP", hostIP: "10.0.0.1" }] })] } }, expected: ["spec.containers[0].ports[0]: hostIP set without hostPort: {Name: HostPort:0 ContainerPort:80 Protocol:UDP HostIP:10.0.0.1}"] },
  {
    name: "duplicate container ports with one host port set and one without",
    template: { spec: { containers: [c({ ports: [{ containerPort: 80, hostPort: 80, protocol: "UDP", hostIP: "10.0.0.1" }, { containerPort: 80, protocol: "UDP", hostIP: "10.0.0.1" }] })] } },
    expected: ["spec.containers[0].ports[1]: overlapping port definition with spec.containers[0].ports[0]", "spec.containers[0].ports[1]: hostIP set without hostPort: {Name: HostPort:0 ContainerPort:80 Protocol:UDP HostIP:10.0.0.1}"],
  },
  {
    name: "duplicate container ports without one host IP set and two with",
    template: { spec: { containers: [c({ ports: [{ containerPort: 80, hostPort: 80, protocol: "UDP", hostIP: "10.0.0.1" }, { containerPort: 80, hostPort: 80, protocol: "UDP" }, { containerPort: 80, hostPort: 80, protocol: "UDP", hostIP: "10.0.0.2" }] })] } },
    expected: ["spec.containers[0].ports[1]: dangerously ambiguous port definition with spec.containers[0].ports[0]", "spec.containers[0].ports[2]: dangerously ambiguous port definition with spec.containers[0].ports[1]"],
  },
  {
    name: "duplicate containers with same port and protocol",
    template: { spec: { containers: [c({ name: "foo", ports: [{ containerPort: 80, protocol: "UDP" }] }), c({ name: "bar", ports: [{ containerPort: 80, protocol: "UDP" }] })] } },
    expected: ["spec.containers[1].ports[0]: duplicate port definition with spec.containers[0].ports[0]"],
  },
  {
    name: "create duplicate container ports in two containers",
    template: {
      spec: {
        containers: [
          c({ name: "foo1", ports: [{ containerPort: 80, hostPort: 80, protocol: "UDP" }, { containerPort: 180, hostPort: 80, protocol: "UDP" }, { containerPort: 80, hostPort: 80, protocol: "UDP" }] }),
          c({ name: "foo", ports: [{ containerPort: 80, hostPort: 80, protocol: "UDP" }, { containerPort: 80, hostPort: 80, protocol: "UDP" }] }),
        ],
      },
    },
    expected: [
      "spec.containers[0].ports[2]: duplicate port definition with spec.containers[0].ports[0]",
      "spec.containers[1].ports[0]: duplicate port definition with spec.containers[0].ports[0]",
      "spec.containers[1].ports[0]: duplicate port definition with spec.containers[0].ports[2]",
      "spec.containers[1].ports[1]: duplicate port definition with spec.containers[0].ports[0]",
      "spec.containers[1].ports[1]: duplicate port definition with spec.containers[0].ports[2]",
      "spec.containers[1].ports[1]: duplicate port definition with spec.containers[1].ports[0]",
    ],
  },
];

const sorted = (xs: string[]) => [...xs].sort();

describe("GetWarningsForPodTemplate and GetWarningsForPod (TestWarnings)", () => {
  for (const row of rows) {
    it(`a pod template: ${row.name}`, () => expect(sorted(podTemplateWarnings("", row.template))).toEqual(sorted(row.expected)));
    it(`a pod: ${row.name}`, () => expect(sorted(podWarnings(row.template))).toEqual(sorted(row.expected)));
  }
  it("a template under a path prefixes every field with it", () => {
    expect(podTemplateWarnings("spec.template", { spec: { terminationGracePeriodSeconds: -5 } })).toEqual(["spec.template.spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1"]);
  });
  it("an absent template has no warnings", () => expect(podTemplateWarnings("spec.template", undefined)).toEqual([]));
  it("a projected source without items is checked with the source before it, as Kubernetes does", () => {
    const template = { spec: { volumes: [{ name: "v", projected: { sources: [{ serviceAccountToken: { path: "token" } }, { configMap: { name: "cm" } }] } }] } };
    expect(podTemplateWarnings("", template)).toEqual([`volume "v" (Projected ServiceAccountToken): overlapping paths: "token" with "token"`]);
  });
  it("a path overlaps a longer one it is a prefix of, as checkForOverlap tests it", () => {
    const template = { spec: { volumes: [{ name: "v", configMap: { name: "cm", items: [{ key: "a", path: "test" }, { key: "b", path: "testing" }] } }] } };
    expect(podTemplateWarnings("", template)).toEqual([`volume "v" (ConfigMap "cm"): overlapping paths: "testing" with "test"`]);
  });
});

describe("TestTemplateOnlyWarnings: the AppArmor annotation", () => {
  const annotations = { "container.apparmor.security.beta.kubernetes.io/foo": "unconfined" };
  it("a template's annotation without a field is deprecated", () => {
    expect(podTemplateWarnings("template", { metadata: { annotations }, spec: { containers: [c({ name: "foo" })] } })).toEqual([
      `template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/foo]: deprecated since v1.30; use the "appArmorProfile" field instead`,
    ]);
  });
  it("a pod-level field silences it", () => {
    expect(podTemplateWarnings("template", { metadata: { annotations }, spec: { securityContext: { appArmorProfile: { type: "Unconfined" } }, containers: [c({ name: "foo" })] } })).toEqual([]);
  });
  it("a container field silences it", () => {
    expect(podTemplateWarnings("template", { metadata: { annotations }, spec: { containers: [c({ name: "foo", securityContext: { appArmorProfile: { type: "Unconfined" } } })] } })).toEqual([]);
  });
  it("GetWarningsForPod leaves a pod's to the strategy", () => expect(podWarnings({ metadata: { annotations }, spec: { containers: [c({ name: "foo" })] } })).toEqual([]));
  it("the pod strategy warns when it copies the annotation to a field (applyAppArmorVersionSkew)", () => {
    expect(appArmorVersionSkewWarnings({ metadata: { annotations }, spec: { containers: [c({ name: "foo" })] } })).toEqual([
      `metadata.annotations[container.apparmor.security.beta.kubernetes.io/foo]: deprecated since v1.30; use the "appArmorProfile" field instead`,
    ]);
  });
  it("but not when the annotation says what the pod-level field says", () => {
    expect(appArmorVersionSkewWarnings({ metadata: { annotations }, spec: { securityContext: { appArmorProfile: { type: "Unconfined" } }, containers: [c({ name: "foo" })] } })).toEqual([]);
  });
  it("nor for a Windows pod", () => {
    expect(appArmorVersionSkewWarnings({ metadata: { annotations }, spec: { os: { name: "windows" }, containers: [c({ name: "foo" })] } })).toEqual([]);
  });
});

const template = { metadata: { labels: { app: "a" } }, spec: { terminationGracePeriodSeconds: -1, containers: [c({ name: "c" })] } };
const tgps = (path: string) => `${path}.spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1`;
const dotted = "metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]";

describe("the strategies' WarningsOnCreate and WarningsOnUpdate", () => {
  it("a Pod whose name is no DNS label is warned that it is its hostname", () => {
    expect(warningsOnCreate("Pod", { metadata: { name: "a.b" }, spec: { containers: [c({ name: "c" })] } })).toEqual([
      "metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]",
    ]);
  });
  it("a pod update has no warnings", () => {
    const pod = { metadata: { name: "a.b" }, spec: { terminationGracePeriodSeconds: -1, containers: [c({ name: "c" })] } };
    expect(warningsOnUpdate("Pod", pod, pod)).toEqual([]);
  });
  for (const kind of ["Deployment", "ReplicaSet", "ReplicationController"]) {
    it(`a ${kind}: its name, then its template`, () => {
      expect(warningsOnCreate(kind, { metadata: { name: "web.v1" }, spec: { template } })).toEqual([dotted, tgps("spec.template")]);
    });
  }
  it("a Deployment update warns about the template only when the generation moved", () => {
    const old = { metadata: { name: "web", generation: 1 }, spec: { replicas: 1, template } };
    expect(warningsOnUpdate("Deployment", { ...old, metadata: { name: "web", generation: 1 } }, old)).toEqual([]);
    expect(warningsOnUpdate("Deployment", { ...old, metadata: { name: "web", generation: 2 }, spec: { ...old.spec, replicas: 3 } }, old)).toEqual([tgps("spec.template")]);
  });
  it("a ReplicationController update warns about the template it replaces (the old one), as rcStrategy does", () => {
    const old = { metadata: { name: "rc", generation: 1 }, spec: { template } };
    const fixed = { metadata: { name: "rc", generation: 2 }, spec: { template: { ...template, spec: { containers: template.spec.containers } } } };
    expect(warningsOnUpdate("ReplicationController", fixed, old)).toEqual([tgps("spec.template")]);
    expect(warningsOnUpdate("ReplicationController", { ...old, metadata: { name: "rc", generation: 3 } }, fixed)).toEqual([]);
  });
  it("a DaemonSet has no name warning; its update warns when the template changed", () => {
    const ds = { metadata: { name: "a.b", generation: 1 }, spec: { template } };
    expect(warningsOnCreate("DaemonSet", ds)).toEqual([tgps("spec.template")]);
    expect(warningsOnUpdate("DaemonSet", { ...ds, metadata: { name: "a.b", generation: 2 }, spec: { ...ds.spec, minReadySeconds: 5 } }, ds)).toEqual([]);
    const changed = { ...ds, spec: { template: { ...template, metadata: { labels: { app: "b" } } } } };
    expect(warningsOnUpdate("DaemonSet", changed, ds)).toEqual([tgps("spec.template")]);
  });
  it("a StatefulSet: its template, its claim templates, a negative revisionHistoryLimit", () => {
    const sts = { metadata: { name: "db", generation: 1 }, spec: { template, revisionHistoryLimit: -1, volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { resources: { requests: { storage: "1500m" } } } }] } };
    const claim = (p: string) => `${p}.resources.requests[storage]: fractional byte value "1500m" is invalid, must be an integer`;
    const history = "spec.revisionHistoryLimit: a negative value retains all historical revisions; a value >= 0 is recommended";
    expect(warningsOnCreate("StatefulSet", sts)).toEqual([tgps("spec.template"), claim("spec.volumeClaimTemplates[0]"), history]);
    // on update the claim path ends in ".Spec", as statefulSetStrategy.WarningsOnUpdate spells it
    expect(warningsOnUpdate("StatefulSet", sts, sts)).toEqual([claim("spec.volumeClaimTemplates[0].Spec"), history]);
  });
  it("a Job: its name, the Indexed soft limits, its template", () => {
    const job = { metadata: { name: "pi.v2" }, spec: { completionMode: "Indexed", completions: 100_001, parallelism: 10_001, template } };
    expect(warningsOnCreate("Job", job)).toEqual([
      dotted,
      "spec: In Indexed Jobs with a number of completions higher than 10^5 and a parallelism higher than 10^4, Kubernetes might not be able to track completedIndexes when a big number of indexes fail",
      tgps("spec.template"),
    ]);
  });
  it("a CronJob: its job template's path; an update whose schedule names TZ", () => {
    const cj = { metadata: { name: "hello", generation: 1 }, spec: { schedule: "* * * * *", jobTemplate: { spec: { template } } } };
    expect(warningsOnCreate("CronJob", cj)).toEqual([tgps("spec.jobTemplate.spec.template")]);
    expect(warningsOnUpdate("CronJob", { ...cj, spec: { ...cj.spec, schedule: "TZ=UTC * * * * *" } }, cj)).toEqual([
      "cannot use TZ or CRON_TZ in spec.spec.schedule, use timeZone instead, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details",
    ]);
  });
  it("a PersistentVolumeClaim: the beta storage-class annotation and a fractional size, on create and update", () => {
    const pvc = { metadata: { name: "c", annotations: { "volume.beta.kubernetes.io/storage-class": "fast" } }, spec: { resources: { requests: { storage: "0.5" } } } };
    const want = [`metadata.annotations[volume.beta.kubernetes.io/storage-class]: deprecated since v1.8; use "storageClassName" attribute instead`, `spec.resources.requests[storage]: fractional byte value "500m" is invalid, must be an integer`];
    expect(warningsOnCreate("PersistentVolumeClaim", pvc)).toEqual(want);
    expect(warningsOnUpdate("PersistentVolumeClaim", pvc, pvc)).toEqual(want);
  });
  it("a PersistentVolume: the beta storage-class annotation, Recycle, a deprecated node label, a removed plugin", () => {
    const pv = {
      metadata: { name: "v", annotations: { "volume.beta.kubernetes.io/storage-class": "slow" } },
      spec: { persistentVolumeReclaimPolicy: "Recycle", glusterfs: { endpoints: "e", path: "p" }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "beta.kubernetes.io/os", operator: "In", values: ["linux"] }] }] } } },
    };
    const want = [
      `metadata.annotations[volume.beta.kubernetes.io/storage-class]: deprecated since v1.8; use "storageClassName" attribute instead`,
      "spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.",
      `spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].key: beta.kubernetes.io/os is deprecated since v1.14; use "kubernetes.io/os" instead`,
      "spec.glusterfs: deprecated in v1.25, non-functional in v1.26+",
    ];
    expect(warningsOnCreate("PersistentVolume", pv)).toEqual(want);
    expect(warningsOnUpdate("PersistentVolume", pv, pv)).toEqual(want);
  });
  it("a RuntimeClass scheduling on deprecated node labels (TestWarnings of pkg/api/node)", () => {
    const rc = { metadata: { name: "r" }, handler: "h", scheduling: { nodeSelector: { "beta.kubernetes.io/arch": "true", "beta.kubernetes.io/os": "true" } } };
    expect(warningsOnCreate("RuntimeClass", rc)).toEqual([`scheduling.nodeSelector: deprecated since v1.14; use "kubernetes.io/arch" instead`, `scheduling.nodeSelector: deprecated since v1.14; use "kubernetes.io/os" instead`]);
  });
  it("an Ingress with the ingress.class annotation and no ingressClassName", () => {
    const ing = { metadata: { name: "i", annotations: { "kubernetes.io/ingress.class": "nginx" } }, spec: {} };
    expect(warningsOnCreate("Ingress", ing)).toEqual([`annotation "kubernetes.io/ingress.class" is deprecated, please use 'spec.ingressClassName' instead`]);
    expect(warningsOnCreate("Ingress", { ...ing, spec: { ingressClassName: "nginx" } })).toEqual([]);
  });
});

// pkg/api/service/warnings_test.go and apimachinery's ip_test.go (TestGetWarningsForIP, TestGetWarningsForCIDR)
describe("GetWarningsForService", () => {
  const svc = (spec: object, annotations?: object) => ({ metadata: { name: "s", ...(annotations ? { annotations } : {}) }, spec: { type: "ClusterIP", sessionAffinity: "None", ...spec } });
  it("a headless Service ignores loadBalancerIP, externalIPs and session affinity", () => {
    expect(serviceWarnings(svc({ clusterIP: "None", clusterIPs: ["None"], loadBalancerIP: "1.2.3.4", externalIPs: ["1.2.3.4"], sessionAffinity: "ClientIP" }))).toEqual([
      "spec.loadBalancerIP is ignored for headless services",
      "spec.externalIPs is ignored for headless services",
      "spec.SessionAffinity is ignored for headless services",
    ]);
  });
  it("an ExternalName Service ignores externalIPs; another type ignores externalName", () => {
    expect(serviceWarnings(svc({ type: "ExternalName", externalName: "example.com", externalIPs: ["1.2.3.4"] }))).toEqual([`spec.externalIPs is ignored when spec.type is "ExternalName"`]);
    expect(serviceWarnings(svc({ externalName: "example.com" }))).toEqual([`spec.externalName is ignored when spec.type is not "ExternalName"`]);
  });
  it("the topology-aware-hints annotation and PreferClose are deprecated", () => {
    expect(serviceWarnings(svc({ trafficDistribution: "PreferClose" }, { "service.kubernetes.io/topology-aware-hints": "auto" }))).toEqual([
      "annotation service.kubernetes.io/topology-aware-hints is deprecated, please use service.kubernetes.io/topology-mode instead",
      `spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"`,
    ]);
  });
  it("a client's IPv6 cluster IP not in RFC 5952 form", () => {
    expect(serviceWarnings(svc({ clusterIP: "2001:DB8::1", clusterIPs: ["2001:DB8::1"] }))).toEqual([`spec.clusterIPs[0]: IPv6 address "2001:DB8::1" should be in RFC 5952 canonical format ("2001:db8::1")`]);
  });
  it("an address with leading zeros or IPv4-mapped is non-standard", () => {
    expect(ipWarnings("spec.externalIPs[0]", "192.168.000.001")).toEqual([`spec.externalIPs[0]: non-standard IP address "192.168.000.001" will be considered invalid in a future Kubernetes release: use "192.168.0.1"`]);
    expect(ipWarnings("spec.externalIPs[0]", "::ffff:1.2.3.4")).toEqual([`spec.externalIPs[0]: non-standard IP address "::ffff:1.2.3.4" will be considered invalid in a future Kubernetes release: use "1.2.3.4"`]);
    expect(ipWarnings("x", "1.2.3.4")).toEqual([]);
    expect(ipWarnings("x", "2001:db8::1")).toEqual([]);
  });
  it("a CIDR with host bits set is ambiguous; one with leading zeros non-standard; IPv6 not canonical", () => {
    expect(cidrWarnings("spec.loadBalancerSourceRanges[0]", "1.2.3.4/24")).toEqual([`spec.loadBalancerSourceRanges[0]: CIDR value "1.2.3.4/24" is ambiguous in this context (should be "1.2.3.0/24" or "1.2.3.4/32"?)`]);
    expect(cidrWarnings("x", "010.0.0.0/8")).toEqual([`x: non-standard CIDR value "010.0.0.0/8" will be considered invalid in a future Kubernetes release: use "10.0.0.0/8"`]);
    expect(cidrWarnings("x", "2001:DB8::/64")).toEqual([`x: IPv6 CIDR value "2001:DB8::/64" should be in RFC 5952 canonical format ("2001:db8::/64")`]);
    expect(cidrWarnings("x", "10.0.0.0/8")).toEqual([]);
  });
});
