// Container resources: rows of TestValidateContainers (the resource cases), TestHugePagesIsolation and
// the extended-resource rules of validateResourceRequirements / ValidateResourceQuantityValue (v1.35).

import { describe, it, expect } from "vitest";
import { validateCreate } from "./index.js";
import { cmpQuantity, parseGoQuantity, quantityString } from "./quantity.js";
import { brief, defaultedPod, messages } from "./testing.js";

const at = "spec.containers[0].resources";

// The Go tables validate containers as given: resources set after defaulting.
function withResources(resources: any): any {
  const p = defaultedPod();
  p.spec.containers[0].resources = resources;
  return p;
}

// Through a create: requests default from limits (SetDefaults_Pod) before validation.
function createdWithResources(resources: any): any {
  return defaultedPod({ containers: [{ name: "c", image: "nginx:1.27", resources }] });
}

describe("validateResourceRequirements (TestValidateContainers' resource rows)", () => {
  const cases: [string, any, string[]][] = [
    ["limits of cpu, memory and a vendor resource are valid", { limits: { cpu: "10", memory: "10G", "my.org/resource": "10" } }, []],
    ["requests up to the limits are valid", { requests: { cpu: "10", memory: "10G", "my.org/resource": "10" }, limits: { cpu: "10", memory: "10G", "my.org/resource": "10" } }, []],
    ["partial requests and limits are valid", { requests: { cpu: "9.5", memory: "10G" }, limits: { cpu: "10", "my.org/resource": "10" } }, []],
    ["an unknown unprefixed resource is neither standard nor fully qualified, nor a container resource", { limits: { disk: "10G" } }, [
      `FieldValueInvalid ${at}.limits[disk]`, `FieldValueInvalid ${at}.limits[disk]`]],
    ["a negative cpu limit is invalid", { limits: { cpu: "-10", memory: "0" } }, [`FieldValueInvalid ${at}.limits[cpu]`]],
    ["a negative cpu request is invalid", { requests: { cpu: "-10", memory: "0" } }, [`FieldValueInvalid ${at}.requests[cpu]`]],
    ["a negative memory limit is invalid", { limits: { cpu: "0", memory: "-10" } }, [`FieldValueInvalid ${at}.limits[memory]`]],
    ["a cpu request above its limit is invalid at requests", { limits: { cpu: "5", memory: "3" }, requests: { cpu: "6", memory: "3" } }, [`FieldValueInvalid ${at}.requests`]],
    ["a memory request above its limit is invalid at requests", { limits: { cpu: "5", memory: "3" }, requests: { cpu: "5", memory: "4" } }, [`FieldValueInvalid ${at}.requests`]],
    ["an attachable-volumes name is not a container resource", { limits: { "attachable-volumes-aws-ebs": "10" } }, [
      `FieldValueInvalid ${at}.limits[attachable-volumes-aws-ebs]`, `FieldValueInvalid ${at}.limits[attachable-volumes-aws-ebs]`]],
  ];
  for (const [name, resources, want] of cases) it(name, () => expect(brief(validateCreate(withResources(resources)))).toEqual(want));

  it("words an unknown resource name as Kubernetes does, the name quoted (json.Marshal of a ResourceName)", () => {
    expect(messages(validateCreate(withResources({ limits: { disk: "10G" } })))).toEqual([
      `${at}.limits[disk]: Invalid value: "disk": must be a standard resource type or fully qualified`,
      `${at}.limits[disk]: Invalid value: "disk": must be a standard resource for containers`,
    ]);
  });
});

describe("extended resources: whole numbers, requests equal to limits", () => {
  const cases: [string, any, string[]][] = [
    ["a non-integer extended limit must be an integer, and so must the request defaulted from it", { limits: { "example.com/a": "1.5" } }, [
      `${at}.limits[example.com/a]: Invalid value: "1500m": must be an integer`,
      `${at}.requests[example.com/a]: Invalid value: "1500m": must be an integer`,
    ]],
    ["1500m is the same non-integer", { limits: { "example.com/a": "1500m" }, requests: { "example.com/a": "1500m" } }, [
      `${at}.limits[example.com/a]: Invalid value: "1500m": must be an integer`,
      `${at}.requests[example.com/a]: Invalid value: "1500m": must be an integer`,
    ]],
    ["3000m is a whole number", { limits: { "example.com/a": "3000m" }, requests: { "example.com/a": "3" } }, []],
    ["an extended request below its limit is not allowed: they must be equal", { limits: { "example.com/a": "2" }, requests: { "example.com/a": "1" } }, [
      `${at}.requests: Invalid value: "1": must be equal to example.com/a limit of 2`,
    ]],
    ["an extended request without a limit needs one", { requests: { "example.com/a": "1" } }, [
      `${at}.limits: Required value: Limit must be set for non overcommitable resources`,
    ]],
    ["a kubernetes.io-prefixed resource is native, so it may be overcommitted", { limits: { "kubernetes.io/foo": "2" }, requests: { "kubernetes.io/foo": "1" } }, []],
  ];
  for (const [name, resources, want] of cases) it(name, () => expect(messages(validateCreate(createdWithResources(resources)))).toEqual(want));
});

describe("TestHugePagesIsolation", () => {
  const hp = (limit: string) => ({ requests: { cpu: "10", memory: "10G", "hugepages-2Mi": "1Gi" }, limits: { cpu: "10", memory: "10G", "hugepages-2Mi": limit } });
  it("requesting hugepages-2Mi with cpu and memory is valid", () => expect(validateCreate(withResources(hp("1Gi")))).toEqual([]));
  it("several hugepage sizes are valid", () => {
    const r = { requests: { cpu: "10", memory: "10G", "hugepages-2Mi": "1Gi", "hugepages-1Gi": "2Gi" }, limits: { cpu: "10", memory: "10G", "hugepages-2Mi": "1Gi", "hugepages-1Gi": "2Gi" } };
    expect(validateCreate(withResources(r))).toEqual([]);
  });
  it("hugepages without cpu or memory are forbidden", () => {
    expect(messages(validateCreate(withResources({ requests: { "hugepages-2Mi": "1Gi" }, limits: { "hugepages-2Mi": "1Gi" } })))).toEqual([`${at}: Forbidden: HugePages require cpu or memory`]);
  });
  it("a hugepages request must equal its limit", () => {
    expect(messages(validateCreate(withResources(hp("2Gi"))))).toEqual([`${at}.requests: Invalid value: "1Gi": must be equal to hugepages-2Mi limit of 2Gi`]);
  });
  it("a hugepages quantity must be a multiple of the page size", () => {
    const r = { requests: { cpu: "1", "hugepages-2Mi": "3Mi" }, limits: { cpu: "1", "hugepages-2Mi": "3Mi" } };
    expect(messages(validateCreate(withResources(r)))).toEqual([
      `${at}.limits[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi`,
      `${at}.requests[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi`,
    ]);
  });
});

// Quantity.String() as resource/quantity_test.go's canonical forms print it.
describe("Quantity String and Cmp", () => {
  const canonical: [string, string][] = [
    ["1.5", "1500m"], ["1500m", "1500m"], ["1000m", "1"], ["0.5Gi", "512Mi"], ["1024Mi", "1Gi"], ["1536Mi", "1536Mi"], ["10G", "10G"],
    ["1e3", "1e3"], ["100m", "100m"], ["0", "0"], ["-10", "-10"], ["1Ki", "1Ki"], ["2048", "2048"], ["1.1Ki", "1126400m"],
  ];
  for (const [input, want] of canonical) it(`${input} prints as ${want}`, () => expect(quantityString(parseGoQuantity(input)!)).toBe(want));
  it("compares across suffixes exactly", () => {
    expect(cmpQuantity(parseGoQuantity("1Gi")!, parseGoQuantity("1073741824")!)).toBe(0);
    expect(cmpQuantity(parseGoQuantity("1G")!, parseGoQuantity("1Gi")!)).toBe(-1);
    expect(cmpQuantity(parseGoQuantity("500m")!, parseGoQuantity("0.4")!)).toBe(1);
  });
});

// validatePodResourceClaims and validateResourceClaimNames (pod spec resourceClaims, container resources.claims).
describe("resource claims", () => {
  const withClaims = (resourceClaims: any[], claims: any[] = []) => {
    const p = defaultedPod();
    p.spec.resourceClaims = resourceClaims;
    p.spec.containers[0].resources = { claims };
    return messages(validateCreate(p));
  };
  it("a claim from a template used by a container is valid", () => expect(withClaims([{ name: "gpu", resourceClaimTemplateName: "gpu-template" }], [{ name: "gpu" }])).toEqual([]));
  it("a pod claim needs exactly one source", () => {
    expect(withClaims([{ name: "gpu" }])).toEqual(['spec.resourceClaims[0]: Invalid value: {"Name":"gpu","ResourceClaimName":null,"ResourceClaimTemplateName":null}: must specify one of: `resourceClaimName`, `resourceClaimTemplateName`']);
    expect(withClaims([{ name: "gpu", resourceClaimName: "a", resourceClaimTemplateName: "b" }])).toEqual(['spec.resourceClaims[0]: Invalid value: {"Name":"gpu","ResourceClaimName":"a","ResourceClaimTemplateName":"b"}: at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified']);
  });
  it("pod claim names are unique", () => expect(withClaims([{ name: "a", resourceClaimName: "x" }, { name: "a", resourceClaimName: "y" }])).toEqual(['spec.resourceClaims[1].name: Duplicate value: "a"']));
  it("a container claim must name a pod claim", () => {
    expect(withClaims([], [{ name: "gpu" }])).toEqual(['spec.containers[0].resources.claims[0]: Not found: "gpu": must be one of the names in pod.spec.resourceClaims which is empty']);
    expect(withClaims([{ name: "a", resourceClaimName: "x" }, { name: "b", resourceClaimName: "y" }], [{ name: "gpu" }])).toEqual(['spec.containers[0].resources.claims[0]: Not found: "gpu": must be one of the names in pod.spec.resourceClaims: a, b']);
  });
  it("a container claims each pod claim once", () => expect(withClaims([{ name: "a", resourceClaimName: "x" }], [{ name: "a" }, { name: "a" }])).toEqual(['spec.containers[0].resources.claims[1]: Duplicate value: "a"']));
});
