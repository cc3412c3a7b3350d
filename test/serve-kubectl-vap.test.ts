// ValidatingAdmissionPolicy and its Binding through the real kubectl: kubectl finds the kinds in
// discovery (admissionregistration.k8s.io/v1), applies them, and prints the server's table columns
// (pkg/printers/internalversion: NAME VALIDATIONS PARAMKIND AGE; NAME POLICYNAME PARAMREF AGE).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const manifest = readFileSync(join(import.meta.dirname, "fixtures", "docs", "service", "networking", "vap-servicecidr-deny.yaml"), "utf8");

describe.runIf(bin)("the docs' vap-servicecidr-deny.yaml through kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  const rows = (out: string) => out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("applies both objects", async () => {
    const r = await k(["apply", "-f", "-"], manifest);
    expect([r.code, r.out]).toEqual([0, "validatingadmissionpolicy.admissionregistration.k8s.io/servicecidrs.deny created\nvalidatingadmissionpolicybinding.admissionregistration.k8s.io/servicecidrs-deny-binding created\n"]);
  });

  it("prints the policy's and the binding's columns", async () => {
    const p = rows((await k(["get", "validatingadmissionpolicies"])).out);
    expect(p[0]).toEqual(["NAME", "VALIDATIONS", "PARAMKIND", "AGE"]);
    expect(p[1]!.slice(0, 3)).toEqual(["servicecidrs.deny", "2", "<unset>"]);
    const b = rows((await k(["get", "validatingadmissionpolicybindings"])).out);
    expect(b[0]).toEqual(["NAME", "POLICYNAME", "PARAMREF", "AGE"]);
    expect(b[1]!.slice(0, 3)).toEqual(["servicecidrs-deny-binding", "servicecidrs.deny", "<unset>"]);
  });

  // apimachinery v0.35 field.Error.ErrorBody prints a non-scalar bad value as its json.Marshal
  it("refuses a binding asking for both Deny and Warn", async () => {
    const bad = { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding", metadata: { name: "both" }, spec: { policyName: "servicecidrs.deny", validationActions: ["Deny", "Warn"] } };
    const r = await k(["create", "-f", "-"], JSON.stringify(bad));
    expect(r.err).toBe('The ValidatingAdmissionPolicyBinding "both" is invalid: spec.validationActions: Invalid value: ["Deny","Warn"]: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)\n');
  });
});
