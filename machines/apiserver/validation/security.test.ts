// TestValidateSecurityContext and TestValidateHostUsers (pkg/apis/core/validation/validation_test.go,
// v1.35), row by row. The Go error rows check the first error's type and that its detail contains the
// row's text. Left out: "request privileged when capabilities forbids" needs kube-apiserver run with
// --allow-privileged=false; podflow's API server allows privileged containers, as kubeadm sets it up.

import { describe, it, expect } from "vitest";
import { fieldErrorMessage } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";
import { validateContainerSecurityContext, validateHostUsers } from "./security.js";
import { defaultedPod } from "./testing.js";


function fullValidSC(): any {
  return { privileged: false, capabilities: { add: ["foo"], drop: ["bar"] }, seLinuxOptions: { user: "user", role: "role", type: "type", level: "level" }, runAsUser: 1 };
}
const sc = (edit: (s: any) => void) => {
  const s = fullValidSC();
  edit(s);
  return s;
};

describe("TestValidateSecurityContext", () => {
  const success: [string, any, boolean][] = [
    ["all settings", fullValidSC(), false],
    ["no capabilities", sc((s) => delete s.capabilities), false],
    ["no selinux", sc((s) => delete s.seLinuxOptions), false],
    ["no priv request", sc((s) => delete s.privileged), false],
    ["no run as user", sc((s) => delete s.runAsUser), false],
    ["proc mount set", sc((s) => (s.procMount = "Default")), true],
    ["proc mount unmasked", sc((s) => (s.procMount = "Unmasked")), false],
  ];
  for (const [name, s, hostUsers] of success) it(`accepts: ${name}`, () => expect(validateContainerSecurityContext(s, "field", hostUsers)).toEqual([]));

  const errors: [string, any, string, string][] = [
    ["negative RunAsUser", sc((s) => (s.runAsUser = -1)), "FieldValueInvalid", "must be between"],
    ["with CAP_SYS_ADMIN and allowPrivilegeEscalation false", sc((s) => { s.capabilities.add = ["CAP_SYS_ADMIN"]; s.allowPrivilegeEscalation = false; }), "FieldValueInvalid", "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"],
    ["with privileged and allowPrivilegeEscalation false", sc((s) => Object.assign(s, { privileged: true, allowPrivilegeEscalation: false })), "FieldValueInvalid", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"],
    ["with unmasked proc mount type and no user namespace", sc((s) => (s.procMount = "Unmasked")), "FieldValueInvalid", "`hostUsers` must be false to use `Unmasked`"],
  ];
  for (const [name, s, type, detail] of errors) {
    it(`refuses: ${name}`, () => {
      // As in the Go harness, hostUsers is true for every error row.
      const errs = validateContainerSecurityContext(s, "field", true);
      expect(errs[0]?.type).toBe(type);
      expect(errs[0]?.detail).toContain(detail);
    });
  }
});

describe("TestValidateHostUsers", () => {
  const volumes = [{ name: "configmap", configMap: { name: "configmap" } }, { name: "secret", secret: { secretName: "secret" } }, { name: "downward-api", downwardAPI: {} }, { name: "proj", projected: {} }, { name: "empty-dir", emptyDir: {} }];
  const cases: [string, boolean, any][] = [
    ["empty", true, {}],
    ["hostUsers unset", true, {}],
    ["hostUsers=false", true, { hostUsers: false }],
    ["hostUsers=true", true, { hostUsers: true }],
    ["hostUsers=false & volumes", true, { hostUsers: false, volumes }],
    ["hostUsers=false - stateful volume", true, { hostUsers: false, volumes: [{ name: "host-path", hostPath: {} }] }],
    ["hostUsers=true - unsupported volume", true, { hostUsers: true, volumes: [{ name: "host-path", hostPath: {} }] }],
    ["hostUsers=false & HostNetwork", false, { hostUsers: false, hostNetwork: true }],
    ["hostUsers=false & HostPID", false, { hostUsers: false, hostPID: true }],
    ["hostUsers=false & HostIPC", false, { hostUsers: false, hostIPC: true }],
  ];
  for (const [name, success, spec] of cases) it(`${success ? "accepts" : "refuses"}: ${name}`, () => expect(validateHostUsers(spec, "spec").length === 0).toBe(success));
});

// The security tables ported in stop 31, through a pod create (the Go tests call the functions inside it).
const podWith = (edit: (p: any) => void) => {
  const p = defaultedPod();
  edit(p);
  return p;
};

// TestValidateSeccompAnnotationAndField: the annotation and the field must agree (validateSeccompAnnotationsAndFields).
describe("TestValidateSeccompAnnotationAndField", () => {
  const podKey = "seccomp.security.alpha.kubernetes.io/pod";
  const ctrKey = "container.seccomp.security.alpha.kubernetes.io/container";
  const mismatch = (p: any) => validateCreate(p).filter((e) => /annotation and field must match/.test(e.detail ?? ""));
  const podLevel = (annotation: string, profile: any) => podWith((p) => {
    p.metadata.annotations = { [podKey]: annotation };
    p.spec.securityContext = { ...p.spec.securityContext, seccompProfile: profile };
  });
  const ctrLevel = (annotation: string, profile: any) => podWith((p) => {
    p.metadata.annotations = { [ctrKey]: annotation };
    p.spec.containers = [{ ...p.spec.containers[0], name: "container", securityContext: { seccompProfile: profile } }];
  });
  const refused: [string, any][] = [
    ["Field type unconfined and annotation does not match", podLevel("not-matching", { type: "Unconfined" })],
    ["Field type default and annotation does not match", podLevel("not-matching", { type: "RuntimeDefault" })],
    ["Field type localhost and annotation does not match", podLevel("not-matching", { type: "Localhost", localhostProfile: "test" })],
    ["Field type localhost and localhost/ prefixed annotation does not match", podLevel("localhost/not-matching", { type: "Localhost", localhostProfile: "test" })],
    ["Field type unconfined and annotation does not match (container)", ctrLevel("not-matching", { type: "Unconfined" })],
    ["Field type default and annotation does not match (container)", ctrLevel("not-matching", { type: "RuntimeDefault" })],
    ["Field type localhost and annotation does not match (container)", ctrLevel("not-matching", { type: "Localhost", localhostProfile: "test" })],
    ["Field type localhost and localhost/ prefixed annotation does not match (container)", ctrLevel("localhost/not-matching", { type: "Localhost", localhostProfile: "test" })],
  ];
  for (const [name, p] of refused) it(name, () => expect(mismatch(p).length).toBeGreaterThan(0));
  // An unknown field type is the field's own error, not a mismatch.
  it("Nil errors must not be appended (pod)", () => expect(mismatch(podLevel("localhost/anyprofile", { type: "Abc" }))).toEqual([]));
  it("Nil errors must not be appended (container)", () => expect(mismatch(ctrLevel("localhost/not-matching", { type: "Abc" }))).toEqual([]));
});

// TestValidateAppArmorProfileFormat, through a container's AppArmor annotation.
describe("TestValidateAppArmorProfileFormat (a container's AppArmor annotation)", () => {
  const rows: [string, boolean][] = [["", true], ["runtime/default", true], ["unconfined", true], ["baz", false], ["localhost//usr/sbin/ntpd", true], ["localhost/foo-bar", true]];
  for (const [profile, valid] of rows) {
    it(`${JSON.stringify(profile)} is ${valid ? "valid" : "not valid"}`, () => {
      const errs = validateCreate(podWith((p) => (p.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/c": profile })));
      if (valid) expect(errs).toEqual([]);
      else expect(errs.map((e) => e.field)).toEqual(["metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]"]);
    });
  }
});

// TestValidatePodSpecWithSupplementalGroupsPolicy: the whole error list (cmp.Diff).
describe("TestValidatePodSpecWithSupplementalGroupsPolicy", () => {
  const withPolicy = (sc: any) => podWith((p) => (p.spec.securityContext = sc));
  const rows: [string, any, string[]][] = [
    ["nil SecurityContext is valid", undefined, []],
    ["nil SupplementalGroupsPolicy is valid", {}, []],
    ["SupplementalGroupsPolicyMerge is valid", { supplementalGroupsPolicy: "Merge" }, []],
    ["SupplementalGroupsPolicyStrict is valid", { supplementalGroupsPolicy: "Strict" }, []],
    ["empty SupplementalGroupsPolicy is invalid", { supplementalGroupsPolicy: "" }, ['spec.securityContext.supplementalGroupsPolicy: Unsupported value: "": supported values: "Merge", "Strict"']],
    ["not-supported SupplementalGroupsPolicy is invalid", { supplementalGroupsPolicy: "not-supported" }, ['spec.securityContext.supplementalGroupsPolicy: Unsupported value: "not-supported": supported values: "Merge", "Strict"']],
  ];
  for (const [name, sc, want] of rows) it(name, () => expect(validateCreate(withPolicy(sc)).map(fieldErrorMessage)).toEqual(want));
});

// TestValidateWindowsPodSecurityContextSupplementalGroupsPolicy: validateWindows' error list.
describe("TestValidateWindowsPodSecurityContextSupplementalGroupsPolicy", () => {
  const windowsPod = (sc: any) => podWith((p) => {
    p.spec.os = { name: "windows" };
    p.spec.securityContext = sc;
  });
  const rows: [string, any, string[]][] = [
    ["nil SecurityContext is valid", undefined, []],
    ["nil SupplementalGroupdPolicy is valid", {}, []],
    ["non-empty SupplementalGroupdPolicy is invalid", { supplementalGroupsPolicy: "Merge" }, ["spec.securityContext.supplementalGroupsPolicy: Forbidden: cannot be set for a windows pod"]],
  ];
  for (const [name, sc, want] of rows) it(name, () => expect(validateCreate(windowsPod(sc)).map(fieldErrorMessage)).toEqual(want));
});

// TestValidateSELinuxChangePolicy. The Go test sets AllowOnlyRecursiveSELinuxChangePolicy per row; the
// served writes set it as v1.35 does (useOnlyRecursiveSELinuxChangePolicy, SELinuxMount off): on for a
// create, off for an update whose old pod already had a policy.
describe("TestValidateSELinuxChangePolicy", () => {
  const withPolicy = (policy?: string) => podWith((p) => {
    p.metadata.resourceVersion = "1";
    p.spec.securityContext = policy === undefined ? {} : { seLinuxChangePolicy: policy };
  });
  const policyErrors = (errs: any[]) => errs.filter((e) => e.field === "spec.securityContext.seLinuxChangePolicy").map(fieldErrorMessage);
  it("nil is valid", () => expect(policyErrors(validateCreate(withPolicy()))).toEqual([]));
  it("Recursive is always valid", () => expect(policyErrors(validateCreate(withPolicy("Recursive")))).toEqual([]));
  it("MountOption is not valid when AllowOnlyRecursiveSELinuxChangePolicy (a create)", () => {
    expect(policyErrors(validateCreate(withPolicy("MountOption")))).toEqual(['spec.securityContext.seLinuxChangePolicy: Unsupported value: "MountOption": supported values: "Recursive"']);
  });
  it("MountOption is valid when not AllowOnlyRecursiveSELinuxChangePolicy (an update of a pod that has it)", () => {
    expect(validateUpdate(withPolicy("MountOption"), withPolicy("MountOption"))).toEqual([]);
  });
  it("invalid value (an update of a pod with a policy)", () => {
    expect(policyErrors(validateUpdate(withPolicy("InvalidValue"), withPolicy("Recursive")))).toEqual(['spec.securityContext.seLinuxChangePolicy: Unsupported value: "InvalidValue": supported values: "MountOption", "Recursive"']);
  });
});
