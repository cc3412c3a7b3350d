// Smaller tables of pkg/apis/core/validation/validation_test.go (000f2605), each through the served
// write that reaches the Go function: TestIsValidSysctlName and TestValidateSysctls (a pod's
// securityContext.sysctls), TestValidateFlexVolumeSource (a pod volume), TestValidateOrSetClientIPAffinityConfig
// (a Service with sessionAffinity ClientIP) and the Endpoints nodeName tests. Each expectation is the
// Go test's: an error count, the field and a text the error must contain, or success.

import { describe, it, expect } from "vitest";
import { fieldErrorMessage } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";
import { defaultedPod, makeValidService } from "./testing.js";


const sysctlPod = (names: string[], host: { hostNetwork?: boolean; hostIPC?: boolean } = {}) => {
  const p = defaultedPod();
  Object.assign(p.spec, host);
  p.spec.securityContext = { ...p.spec.securityContext, sysctls: names.map((name) => ({ name, value: "1" })) };
  return p;
};
const sysctlErrors = (p: any) => validateCreate(p).filter((e) => e.field.startsWith("spec.securityContext.sysctls"));

describe("TestIsValidSysctlName (through a pod's sysctls)", () => {
  const valid = ["a.b.c.d", "a", "a_b", "a-b", "abc", "abc.def", "a/b/c/d", "a/b.c"];
  const invalid = ["", "*", "ä", "a_", "_", "__", "_a", "_a._b", "-", ".", "a.", ".a", "a.b.", "a*.b", "a*b", "*a", "a.*", "abc*", "a.abc*", "a.b.*", "Abc", "/", "/a", "a/abc*", "a/b/*", "a".repeat(256)];
  for (const name of valid) it(`${JSON.stringify(name)} is a valid sysctl name`, () => expect(sysctlErrors(sysctlPod([name]))).toEqual([]));
  for (const name of invalid) {
    it(`${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name)} is not a valid sysctl name`, () => {
      const errs = sysctlErrors(sysctlPod([name]));
      expect(errs.map((e) => `${e.type} ${e.field}`)).toEqual([`${name ? "FieldValueInvalid" : "FieldValueRequired"} spec.securityContext.sysctls[0].name`]);
    });
  }
});

describe("TestValidateSysctls", () => {
  it("accepts the valid names, slashes included", () => expect(sysctlErrors(sysctlPod(["net.foo.bar", "kernel.shmmax", "net.ipv4.conf.enp3s0/200.forwarding", "net/ipv4/conf/enp3s0.200/forwarding"]))).toEqual([]));
  it("refuses the two invalid names, one error each at their path", () => {
    const errs = sysctlErrors(sysctlPod(["i..nvalid", "_invalid"]));
    expect(errs).toHaveLength(2);
    for (const e of errs) expect(fieldErrorMessage(e)).toContain("spec.securityContext.sysctls");
  });
  it("refuses a repeated name as a Duplicate", () => {
    expect(sysctlErrors(sysctlPod(["kernel.shmmax", "kernel.shmmax"])).map((e) => e.type)).toEqual(["FieldValueDuplicate"]);
  });
  it("refuses net sysctls in a host-network pod (a create never allows namespaced sysctls there)", () => {
    expect(sysctlErrors(sysctlPod(["net.ipv4.conf.enp3s0/200.forwarding", "net/ipv4/conf/enp3s0.200/forwarding"], { hostNetwork: true }))).toHaveLength(2);
  });
  it("refuses ipc sysctls in a host-IPC pod", () => {
    expect(sysctlErrors(sysctlPod(["kernel.shmmax", "kernel.msgmax"], { hostIPC: true }))).toHaveLength(2);
  });
});

describe("TestValidateFlexVolumeSource (a pod's flexVolume)", () => {
  const flexErrors = (flexVolume: any) => {
    const p = defaultedPod();
    p.spec.volumes = [{ name: "flex", flexVolume }];
    return validateCreate(p).map((e) => ({ field: e.field.slice("spec.volumes[0].flexVolume.".length), text: fieldErrorMessage(e) }));
  };
  it("valid", () => expect(flexErrors({ driver: "foo" })).toEqual([]));
  it("valid with options", () => expect(flexErrors({ driver: "foo", options: { foo: "bar" } })).toEqual([]));
  it("no driver", () => {
    const errs = flexErrors({ driver: "" });
    expect(errs.map((e) => e.field)).toEqual(["driver"]);
    expect(errs[0]!.text).toContain("Required value");
  });
  it("reserved option keys: each kubernetes.io or k8s.io key, in any case, is reserved", () => {
    const reserved = ["KUBERNETES.IO", "kubernetes.io", "kubernetes.io/", "kubernetes.io/foo", "alpha.kubernetes.io", "alpha.kubernetes.io/", "alpha.kubernetes.io/foo", "k8s.io", "k8s.io/", "k8s.io/foo", "alpha.k8s.io", "alpha.k8s.io/", "alpha.k8s.io/foo"];
    const options: Record<string, string> = { "myns.io": "A", "myns.io/bar": "A", "myns.io/kubernetes.io": "A" };
    for (const k of reserved) options[k] = "A";
    const errs = flexErrors({ driver: "foo", options });
    expect(errs.map((e) => e.field).sort()).toEqual(reserved.map((k) => `options[${k}]`).sort());
    for (const e of errs) expect(e.text).toContain("reserved");
  });
});

describe("TestValidateOrSetClientIPAffinityConfig (a ClientIP Service's sessionAffinityConfig)", () => {
  const svc = (cfg: any) => {
    const s = makeValidService();
    s.spec.sessionAffinity = "ClientIP";
    if (cfg !== undefined) s.spec.sessionAffinityConfig = cfg;
    return s;
  };
  const affinityErrors = (cfg: any) => validateCreate(svc(cfg)).filter((e) => e.field.startsWith("spec.sessionAffinityConfig"));
  const success: [string, number][] = [["valid timeout: 1", 1], ["valid timeout: core.MaxClientIPServiceAffinitySeconds-1", 86399], ["valid timeout: core.MaxClientIPServiceAffinitySeconds", 86400]];
  for (const [name, t] of success) it(`non-empty config, ${name}`, () => expect(affinityErrors({ clientIP: { timeoutSeconds: t } })).toEqual([]));
  const failure: [string, any][] = [
    ["empty session affinity config", undefined],
    ["empty client IP config", {}],
    ["empty timeoutSeconds", { clientIP: {} }],
    ["non-empty config, invalid timeout: core.MaxClientIPServiceAffinitySeconds+1", { clientIP: { timeoutSeconds: 86401 } }],
    ["non-empty config, invalid timeout: -1", { clientIP: { timeoutSeconds: -1 } }],
    ["non-empty config, invalid timeout: 0", { clientIP: { timeoutSeconds: 0 } }],
  ];
  for (const [name, cfg] of failure) it(name, () => expect(affinityErrors(cfg).length).toBeGreaterThan(0));
});

describe("Endpoints addresses' nodeName (TestEndpointAddressNodeName…)", () => {
  const ep = (nodeName: string) => ({
    apiVersion: "v1", kind: "Endpoints", metadata: { name: "foo", namespace: "default", resourceVersion: "1" },
    subsets: [{ notReadyAddresses: [], ports: [{ name: "https", port: 443, protocol: "TCP" }], addresses: [{ ip: "8.8.8.8", hostname: "zookeeper1", nodeName }] }],
  });
  it("TestEndpointAddressNodeNameUpdateRestrictions: nodeName may change on update", () => {
    expect([...validateCreate(ep("kubernetes-changed-nodename")), ...validateUpdate(ep("kubernetes-changed-nodename"), ep("kubernetes-node-setup-by-backend"))]).toEqual([]);
  });
  it("TestEndpointAddressNodeNameInvalidDNSSubdomain: an invalid nodeName is refused", () => expect(validateCreate(ep("illegal*.nodename")).length).toBeGreaterThan(0));
  it("TestEndpointAddressNodeNameCanBeAnIPAddress: an IP address is a valid nodeName", () => expect(validateCreate(ep("10.10.1.1"))).toEqual([]));
});

// TestValidateWindowsSecurityContextOptions: no error, or exactly one containing the row's text. Each row
// is a pod's securityContext.windowsOptions (a pod without spec.os, so no OS rule applies).
describe("TestValidateWindowsSecurityContextOptions (a pod's and a container's windowsOptions)", () => {
  const podErrors = (windowsOptions: any) => {
    const p = defaultedPod();
    p.spec.securityContext = { ...p.spec.securityContext, windowsOptions };
    return validateCreate(p).map(fieldErrorMessage);
  };
  const rows: [string, any, string][] = [
    ["an empty struct", {}, ""],
    ["a valid input", { gmsaCredentialSpecName: "dummy-gmsa-crep-spec-name", gmsaCredentialSpec: "dummy-gmsa-crep-spec-contents" }, ""],
    ["a GMSA cred spec name that is not a valid resource name", { gmsaCredentialSpecName: "not_a-valid-gmsa-crep-spec-name" }, "a lowercase RFC 1123 subdomain must consist of"],
    ["empty GMSA cred spec contents", { gmsaCredentialSpec: "" }, "gmsaCredentialSpec cannot be an empty string"],
    ["GMSA cred spec contents that are too long", { gmsaCredentialSpec: "a".repeat(64 * 1024 + 1) }, "gmsaCredentialSpec size must be under"],
    ["RunAsUserName is nil", { runAsUserName: null }, ""],
    ["a valid RunAsUserName", { runAsUserName: "Container. User" }, ""],
    ["a valid RunAsUserName with NetBios Domain", { runAsUserName: "Network Service\\Container. User" }, ""],
    ["a valid RunAsUserName with DNS Domain", { runAsUserName: `${"fOo".repeat(20)}.liSH\\Container. User` }, ""],
    ["a valid RunAsUserName with DNS Domain with a single character segment", { runAsUserName: `${"fOo".repeat(20)}.l\\Container. User` }, ""],
    ["a valid RunAsUserName with a long single segment DNS Domain", { runAsUserName: `${"a".repeat(42)}\\Container. User` }, ""],
    ["an empty RunAsUserName", { runAsUserName: "" }, "runAsUserName cannot be an empty string"],
    ["RunAsUserName containing a control character", { runAsUserName: "Container\tUser" }, "runAsUserName cannot contain control characters"],
    ["RunAsUserName containing too many backslashes", { runAsUserName: "Container\\Foo\\Lish" }, "runAsUserName cannot contain more than one backslash"],
    ["RunAsUserName containing backslash but empty Domain", { runAsUserName: "\\User" }, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"],
    ["RunAsUserName containing backslash but empty User", { runAsUserName: "Container\\" }, "runAsUserName's User cannot be empty"],
    ["RunAsUserName's NetBios Domain is too long", { runAsUserName: `NetBios ${"a".repeat(8)}\\user` }, "runAsUserName's Domain doesn't match the NetBios"],
    ["RunAsUserName's DNS Domain is too long", { runAsUserName: `${`${"a".repeat(63)}.`.repeat(4).slice(0, 253)}.com\\user` }, "runAsUserName's Domain length must be under"],
    ["RunAsUserName's User is too long", { runAsUserName: "a".repeat(105) }, "runAsUserName's User length must not be longer than"],
    ["RunAsUserName's User cannot contain only spaces or periods", { runAsUserName: "... ..." }, "runAsUserName's User cannot contain only periods or spaces"],
    ["RunAsUserName's NetBios Domain cannot start with a dot", { runAsUserName: ".FooLish\\User" }, "runAsUserName's Domain doesn't match the NetBios"],
    ["RunAsUserName's NetBios Domain cannot contain invalid characters", { runAsUserName: "Foo? Lish?\\User" }, "runAsUserName's Domain doesn't match the NetBios"],
    ["RunAsUserName's DNS Domain cannot contain invalid characters", { runAsUserName: `${"a".repeat(32)}.com-\\user` }, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"],
    ["RunAsUserName's User cannot contain invalid characters", { runAsUserName: "Container/User" }, "runAsUserName's User cannot contain the following characters"],
  ];
  for (const [name, options, want] of rows) {
    it(name, () => {
      const errs = podErrors(options);
      if (want === "") expect(errs).toEqual([]);
      else {
        expect(errs).toHaveLength(1);
        expect(errs[0]).toContain(want);
        expect(errs[0]).toContain("spec.securityContext.windowsOptions.");
      }
    });
  }
  it("a container's windowsOptions are judged by the same rules, at the container's path", () => {
    const p = defaultedPod();
    p.spec.containers[0].securityContext = { windowsOptions: { runAsUserName: "" } };
    expect(validateCreate(p).map(fieldErrorMessage)).toEqual(['spec.containers[0].securityContext.windowsOptions.runAsUserName: Invalid value: "": runAsUserName cannot be an empty string']);
  });
});
