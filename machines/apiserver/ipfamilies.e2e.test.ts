// pkg/registry/core/service/storage storage_test.go TestCreateInitIPFields, the "singlestack:v4"
// rows whose cluster IPs are unset, IPv4 or headless-and-selectorless, through a running cluster's
// API server: the policy and families a create stores, or its refusal. Kubernetes' rows use
// 10.0.0.1 in its test range; here the address is 10.96.0.50 of podflow's 10.96.0.0/12. The
// refusals' texts are initIPFamilyFields' (alloc.go) word for word.

import { afterAll, describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

type Want = { policy: string; families: string[] } | { error: string | true };
const v4 = "IPv4";
const v6 = "IPv6";

const c = createCluster({ nodes: 1, seed: 23 });
afterAll(() => c.stop());
let n = 0;

function create(spec: Record<string, unknown>) {
  const body = { apiVersion: "v1", kind: "Service", metadata: { name: `svc-${++n}`, namespace: "default" }, spec: { ports: [{ port: 80 }], ...spec } };
  return c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body });
}

const policies = [undefined, "SingleStack", "PreferDualStack", "RequireDualStack"] as const;
const familySets = [undefined, [v4], [v6], [v4, v6], [v6, v4]] as const;
const label = (p: string | undefined, f: readonly string[] | undefined) => `Policy:${p ?? "unset"}_Families:${f === undefined ? "unset" : f.map((x) => x.slice(2).toLowerCase()).join("")}`;

// ClusterIPs unset or IPv4: only a single IPv4 family under SingleStack or PreferDualStack (or no
// policy) is created, as SingleStack/PreferDualStack with [IPv4]; every other row is refused.
function headfulWant(p: string | undefined, f: readonly string[] | undefined): Want {
  if (p === "RequireDualStack") return { error: true };
  if (f !== undefined && (f.length !== 1 || f[0] !== v4)) return { error: true };
  return { policy: p ?? "SingleStack", families: [v4] };
}

// HeadlessSelectorless: anything goes but SingleStack with two families; no policy is RequireDualStack,
// and a policy other than SingleStack adds the other family.
function selectorlessWant(p: string | undefined, f: readonly string[] | undefined): Want {
  if (p === "SingleStack" && f?.length === 2) return { error: true };
  const policy = p ?? "RequireDualStack";
  const given = f ?? [v4];
  return { policy, families: policy === "SingleStack" || given.length === 2 ? [...given] : [given[0]!, given[0] === v4 ? v6 : v4] };
}

const rows: [string, Record<string, unknown>, Want][] = [];
for (const p of policies) {
  for (const f of familySets) {
    const fields = { ...(p ? { ipFamilyPolicy: p } : {}), ...(f ? { ipFamilies: [...f] } : {}) };
    rows.push([`ClusterIPs:unset_${label(p, f)}`, { selector: { app: "x" }, ...fields }, headfulWant(p, f)]);
    rows.push([`ClusterIPs:v4_${label(p, f)}`, { selector: { app: "x" }, clusterIP: "10.96.0.50", clusterIPs: ["10.96.0.50"], ...fields }, headfulWant(p, f)]);
    rows.push([`HeadlessSelectorless_${label(p, f)}`, { clusterIP: "None", ...fields }, selectorlessWant(p, f)]);
  }
}

describe("TestCreateInitIPFields on a single-stack IPv4 cluster", () => {
  it.each(rows)("%s", (_name, spec, want) => {
    const r = create(spec);
    if ("error" in want) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.status.code).toBe(422);
      return;
    }
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect({ policy: r.object.spec.ipFamilyPolicy, families: r.object.spec.ipFamilies }).toEqual(want);
    // a ClusterIP Service takes an address of its one family; a headless one holds only "None"
    expect(r.object.spec.clusterIPs).toEqual(spec.clusterIP === "None" ? ["None"] : [r.object.spec.clusterIP]);
    c.requestSync({ verb: "delete", group: "", resource: "services", namespace: "default", name: r.object.metadata.name });
  });
});

describe("initIPFamilyFields' refusals on a single-stack cluster, word for word", () => {
  it.each([
    ["dual-stack required", { selector: { app: "x" }, ipFamilyPolicy: "RequireDualStack" },
      'Service "svc-N" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services'],
    ["a family the cluster lacks", { selector: { app: "x" }, ipFamilies: [v6] },
      'Service "svc-N" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'],
    ["two families under SingleStack (the policy a create without one gets)", { selector: { app: "x" }, ipFamilies: [v4, v6] },
      `Service "svc-N" is invalid: spec.ipFamilyPolicy: Invalid value: "SingleStack": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified`],
    ["an IPv6 cluster IP, its family inferred", { selector: { app: "x" }, clusterIP: "2000::1" },
      'Service "svc-N" is invalid: spec.clusterIPs[0]: Invalid value: ["2000::1"]: IPv6 is not configured on this cluster'],
  ])("%s", (_name, spec, message) => {
    const r = create(spec);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.status.message).toBe(message.replace("svc-N", `svc-${n}`));
  });
});
