// TestValidateSecurityContext and TestValidateHostUsers (pkg/apis/core/validation/validation_test.go,
// v1.35), row by row. The Go error rows check the first error's type and that its detail contains the
// row's text. Left out: "request privileged when capabilities forbids" needs kube-apiserver run with
// --allow-privileged=false; podflow's API server allows privileged containers, as kubeadm sets it up.

import { describe, it, expect } from "vitest";
import { validateContainerSecurityContext, validateHostUsers } from "./security.js";


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
