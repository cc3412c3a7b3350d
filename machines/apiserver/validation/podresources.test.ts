// Pod-level resources (PodLevelResources, beta and on in v1.35) and Windows HostProcess pods, both
// ported in stop 31 from validation.go (000f2605): validatePodResources, validatePodResourceName,
// validatePodResourceConsistency and validateWindowsHostProcessPod. The tables are
// TestValidateResourceRequirements and TestValidateWindowsHostProcessPod (validation_test.go); they say
// only "errors" or "no errors". The causes checked beside them were read from the same functions.

import { describe, it, expect } from "vitest";
import { fieldErrorMessage } from "../status.js";
import { validateCreate } from "./index.js";
import { validateResourceRequirements } from "./resources.js";
import { brief, defaultedPod } from "./testing.js";


// A defaulted pod whose pod-level resources are set after defaulting, as the Go tables give them.
const podWithResources = (resources: any, edit: (spec: any) => void = () => {}) => {
  const p = defaultedPod();
  p.spec.resources = resources;
  edit(p.spec);
  return p;
};
const underResources = (p: any) => validateCreate(p).filter((e) => e.field.startsWith("spec.resources"));

describe("TestValidateResourceRequirements", () => {
  // ValidateContainerResourceRequirements rows: a container's resources.
  it("limits and requests of hugepage resource are equal (container)", () => {
    expect(validateResourceRequirements({ limits: { cpu: "10", "hugepages-2Mi": "2Mi" }, requests: { cpu: "10", "hugepages-2Mi": "2Mi" } }, "resources")).toEqual([]);
  });
  it("limits and requests of memory resource are equal (container)", () => expect(validateResourceRequirements({ limits: { memory: "2Mi" }, requests: { memory: "2Mi" } }, "resources")).toEqual([]));
  it("limits and requests of cpu resource are equal (container)", () => expect(validateResourceRequirements({ limits: { cpu: "10" }, requests: { cpu: "10" } }, "resources")).toEqual([]));
  it("hugepage resource without cpu or memory (container) is refused", () => {
    expect(brief(validateResourceRequirements({ limits: { "hugepages-2Mi": "2Mi" }, requests: { "hugepages-2Mi": "2Mi" } }, "resources"))).toEqual(["FieldValueForbidden resources"]);
  });

  // validatePodResourceRequirements rows: a pod's spec.resources.
  it("limits and requests of memory resource are equal (pod)", () => expect(underResources(podWithResources({ limits: { memory: "2Mi" }, requests: { memory: "2Mi" } }))).toEqual([]));
  it("limits and requests of cpu resource are equal (pod)", () => expect(underResources(podWithResources({ limits: { cpu: "10" }, requests: { cpu: "10" } }))).toEqual([]));
  // The Go rows check only that there are errors; the first cause each gets is the name's.
  const refused: [string, any, string][] = [
    // hugepages are a pod-level resource, but need cpu or memory beside them
    ["pod resource with hugepages", { limits: { "hugepages-2Mi": "2Mi" }, requests: { "hugepages-2Mi": "2Mi" } }, "FieldValueForbidden spec.resources"],
    ["pod resource with ephemeral-storage", { limits: { "ephemeral-storage": "2Mi" }, requests: { "ephemeral-storage2Mi": "2Mi" } }, "FieldValueNotSupported spec.resources.limits[ephemeral-storage]"],
    ["pod resource with unsupported prefixed resources", { limits: { "kubernetesio/cpu": "2" }, requests: { "kubernetesio/memory": "2" } }, "FieldValueNotSupported spec.resources.limits[kubernetesio/cpu]"],
    ["pod resource with unsupported native resources", { limits: { [`kubernetes.io/${"a".repeat(63)}`]: "2" }, requests: { [`kubernetes.io/${"a".repeat(63)}`]: "2" } }, `FieldValueNotSupported spec.resources.limits[kubernetes.io/${"a".repeat(63)}]`],
    ["pod resource with unsupported empty native resource name", { limits: { "kubernetes.io/": "2" }, requests: { "kubernetes.io": "2" } }, "FieldValueInvalid spec.resources.limits[kubernetes.io/]"],
  ];
  for (const [name, resources, first] of refused) it(`${name} is refused`, () => expect(brief(underResources(podWithResources(resources)))[0]).toBe(first));

  it("words an unsupported pod-level resource as Kubernetes does", () => {
    expect(underResources(podWithResources({ limits: { "example.com/gpu": "1" } })).map(fieldErrorMessage)).toEqual([
      'spec.resources.limits[example.com/gpu]: Unsupported value: "example.com/gpu": supported values: "cpu", "hugepages-", "memory"',
    ]);
  });
});

describe("validatePodResourceConsistency (no Go table: the causes as validation.go builds them)", () => {
  const ctr = (name: string, resources: any) => ({ name, image: "nginx", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File", resources });
  it("pod-level requests must cover the containers' aggregate: app containers add up", () => {
    const p = podWithResources({ requests: { cpu: "1" } }, (s) => (s.containers = [ctr("a", { requests: { cpu: "600m" } }), ctr("b", { requests: { cpu: "600m" } })]));
    expect(underResources(p).map(fieldErrorMessage)).toEqual(['spec.resources.requests[cpu]: Invalid value: "1": must be greater than or equal to aggregate container requests of 1200m']);
  });
  it("a resource the pod does not request counts as zero", () => {
    const p = podWithResources({ requests: { cpu: "1" } }, (s) => (s.containers = [ctr("a", { requests: { cpu: "1", memory: "100Mi" } })]));
    expect(underResources(p).map(fieldErrorMessage)).toEqual(['spec.resources.requests[memory]: Invalid value: "0": must be greater than or equal to aggregate container requests of 100Mi']);
  });
  it("an init container counts at its own peak, with the sidecars started before it", () => {
    const p = podWithResources({ requests: { cpu: "2" } }, (s) => {
      s.containers = [ctr("a", { requests: { cpu: "500m" } })];
      s.initContainers = [{ ...ctr("side", { requests: { cpu: "500m" } }), restartPolicy: "Always" }, ctr("init", { requests: { cpu: "2" } })];
    });
    expect(underResources(p).map(fieldErrorMessage)).toEqual(['spec.resources.requests[cpu]: Invalid value: "2": must be greater than or equal to aggregate container requests of 2500m']);
  });
  it("no container limit may exceed the pod's, reported at Kubernetes' containers[i][name].limits path", () => {
    const p = podWithResources({ requests: { cpu: "1" }, limits: { cpu: "1" } }, (s) => (s.containers = [ctr("a", { requests: { cpu: "500m" }, limits: { cpu: "2" } })]));
    expect(underResources(p).map(fieldErrorMessage)).toEqual(['spec.resources.containers[0][cpu].limits: Invalid value: "2": must be less than or equal to pod limits of 1']);
  });
  it("claims may not be set at pod level", () => {
    expect(brief(underResources(podWithResources({ claims: [] })))).toEqual(["FieldValueForbidden spec.resources.claims"]);
  });
  it("a consistent pod is accepted", () => {
    const p = podWithResources({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } }, (s) => (s.containers = [ctr("a", { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1" } })]));
    expect(validateCreate(p)).toEqual([]);
  });
});

describe("TestValidateWindowsHostProcessPod (a pod's spec, allowPrivileged true as podflow runs)", () => {
  const T = { windowsOptions: { hostProcess: true } };
  const F = { windowsOptions: { hostProcess: false } };
  const c = (name: string, sc?: any) => ({ name, image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File", ...(sc ? { securityContext: sc } : {}) });
  const pod = (spec: { hostNetwork?: boolean; podSC?: any; containers: any[]; initContainers?: any[]; ephemeralContainers?: any[] }) => {
    const p = defaultedPod();
    if (spec.hostNetwork) p.spec.hostNetwork = true;
    if (spec.podSC) p.spec.securityContext = { ...p.spec.securityContext, ...spec.podSC };
    p.spec.containers = spec.containers;
    if (spec.initContainers) p.spec.initContainers = spec.initContainers;
    if (spec.ephemeralContainers) p.spec.ephemeralContainers = spec.ephemeralContainers;
    return p;
  };
  // The Go rows give one container name to both the app and the init container; that duplicate is not
  // this function's concern, so podflow's rows name them apart and compare only the hostProcess causes.
  const hostProcessErrors = (p: any) => validateCreate(p).filter((e) => /hostProcess|^spec$|^spec\.hostNetwork$/.test(e.field) && !e.field.endsWith(".name"));
  const rows: [string, boolean, any][] = [
    ["Spec with feature enabled, pod-wide HostProcess=true, and HostNetwork unset should not validate", true, pod({ podSC: T, containers: [c("container")] })],
    ["Spec with feature enabled, pod-wide HostProcess=ture, and HostNetwork set should validate", false, pod({ hostNetwork: true, podSC: T, containers: [c("container")] })],
    ["Spec with feature enabled, pod-wide HostProcess=ture, HostNetwork set, and containers setting HostProcess=true should validate", false, pod({ hostNetwork: true, podSC: T, containers: [c("container", T)], initContainers: [c("init", T)] })],
    ["Spec with feature enabled, pod-wide HostProcess=nil, HostNetwork set, and all containers setting HostProcess=true should validate", false, pod({ hostNetwork: true, containers: [c("container", T)], initContainers: [c("init", T)] })],
    ["Pods with feature enabled, some containers setting HostProcess=true, and others setting HostProcess=false should not validate", true, pod({ hostNetwork: true, containers: [c("container", T)], initContainers: [c("init", F)] })],
    ["Spec with feature enabled, some containers setting HostProcess=true, and other leaving HostProcess unset should not validate", true, pod({ hostNetwork: true, containers: [c("container", T)], initContainers: [c("init")] })],
    ["Spec with feature enabled, pod-wide HostProcess=true, some containers setting HostProcess=true, and init containers setting HostProcess=false should not validate", true, pod({ hostNetwork: true, podSC: T, containers: [c("container", T)], initContainers: [c("init", F)] })],
    ["Spec with feature enabled, pod-wide HostProcess=true, some containers setting HostProcess=true, and others setting HostProcess=false should not validate", true, pod({ hostNetwork: true, podSC: T, containers: [c("container", T), c("other", F)] })],
    ["Spec with feature enabled, pod-wide HostProcess=true, some containers setting HostProcess=true, and others leaving HostProcess=nil should validate", false, pod({ hostNetwork: true, podSC: T, containers: [c("container", T)], initContainers: [c("init")] })],
    ["Spec with feature enabled, pod-wide HostProcess=false, some contaienrs setting HostProccess=true should not validate", true, pod({ hostNetwork: true, podSC: F, containers: [c("container", T)], initContainers: [c("init")] })],
    ["Pod's HostProcess set to true but all containers override to false should not validate", true, pod({ hostNetwork: true, podSC: T, containers: [c("container", F)] })],
    ["Non-HostProcess ephemeral container in HostProcess pod should not validate", true, pod({ hostNetwork: true, podSC: T, containers: [c("container")], ephemeralContainers: [{ ...c("debug", F), targetContainerName: "container" }] })],
    ["HostProcess ephemeral container in HostProcess pod should validate", false, pod({ hostNetwork: true, podSC: T, containers: [c("container")], ephemeralContainers: [{ ...c("debug"), targetContainerName: "container" }] })],
    ["Non-HostProcess ephemeral container in Non-HostProcess pod should validate", false, pod({ containers: [c("container")], ephemeralContainers: [{ ...c("debug", F), targetContainerName: "container" }] })],
    ["HostProcess ephemeral container in Non-HostProcess pod should not validate", true, pod({ containers: [c("container")], ephemeralContainers: [{ ...c("debug", T), targetContainerName: "container" }] })],
  ];
  for (const [name, fails, p] of rows) {
    it(name, () => {
      if (fails) expect(hostProcessErrors(p).length).toBeGreaterThan(0);
      else expect(hostProcessErrors(p)).toEqual([]);
    });
  }
  it("words the hostProcess causes as validateWindowsHostProcessPod does", () => {
    expect(validateCreate(pod({ podSC: T, containers: [c("container", F), c("other")] })).map(fieldErrorMessage)).toEqual([
      "spec.containers[0].securityContext.windowsOptions.hostProcess: Invalid value: false: pod hostProcess value must be identical if both are specified, was true",
      'spec: Invalid value: "": If pod contains any hostProcess containers then all containers must be HostProcess containers',
      "spec.hostNetwork: Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers",
    ]);
  });
});
