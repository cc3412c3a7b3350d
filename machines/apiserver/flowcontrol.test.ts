// The classifier against the bootstrap configuration: which FlowSchema each request lands in, as
// k8s.io/apiserver pkg/util/flowcontrol/rule.go matches rules (subjects, verbs, resources with
// their subresource, the cluster scope, non-resource URL prefixes) and the APF controller orders
// schemas (matchingPrecedence, then name); schemas and levels from bootstrap/default.go.

import { describe, expect, it } from "vitest";
import { classify, flowSchemas, priorityLevelConfigurations, type RequestDigest } from "./flowcontrol.js";

const meta = { createdAt: "2026-01-01T00:00:00Z", uidOf: (kind: string, name: string) => `${kind}/${name}` };
const schemas = flowSchemas(meta);

const authenticated = (name: string, ...groups: string[]) => ({ name, groups: [...groups, "system:authenticated"] });
const anonymous = { name: "system:anonymous", groups: ["system:unauthenticated"] };
const resource = (verb: string, group: string, res: string, namespace?: string, subresource?: string): Omit<RequestDigest, "user"> =>
  ({ verb, resource: { group, resource: res, ...(namespace ? { namespace } : {}), ...(subresource ? { subresource } : {}) } });

const rows: [name: string, d: RequestDigest, want: string][] = [
  ["a system:masters user is exempt whatever it asks", { user: authenticated("admin", "system:masters"), ...resource("delete", "apps", "deployments", "default") }, "exempt"],
  ["an anonymous GET of /healthz/etcd is a probe (a prefix of /healthz)", { user: anonymous, verb: "get", path: "/healthz/etcd" }, "probes"],
  ["an anonymous POST to /healthz is no probe: global-default", { user: anonymous, verb: "post", path: "/healthz" }, "global-default"],
  ["a node updating its own Node status is node-high", { user: authenticated("system:node:n1", "system:nodes"), ...resource("update", "", "nodes", undefined, "status") }, "system-node-high"],
  ["a node renewing its namespaced Lease is node-high", { user: authenticated("system:node:n1", "system:nodes"), ...resource("update", "coordination.k8s.io", "leases", "kube-node-lease") }, "system-node-high"],
  ["a node listing pods is system-nodes", { user: authenticated("system:node:n1", "system:nodes"), ...resource("list", "", "pods") }, "system-nodes"],
  ["the controller manager's lease update is leader election", { user: authenticated("system:kube-controller-manager"), ...resource("update", "coordination.k8s.io", "leases", "kube-system") }, "system-leader-election"],
  ["the controller manager's lease watch is no leader election verb: its own schema", { user: authenticated("system:kube-controller-manager"), ...resource("watch", "coordination.k8s.io", "leases", "kube-system") }, "kube-controller-manager"],
  ["a kube-system service account's lease get is leader election", { user: authenticated("system:serviceaccount:kube-system:coredns", "system:serviceaccounts", "system:serviceaccounts:kube-system"), ...resource("get", "coordination.k8s.io", "leases", "kube-system") }, "system-leader-election"],
  ["a kube-system service account's pod list is workload-high", { user: authenticated("system:serviceaccount:kube-system:coredns", "system:serviceaccounts", "system:serviceaccounts:kube-system"), ...resource("list", "", "pods") }, "kube-system-service-accounts"],
  ["a service account named like kube-system in another namespace is workload-low", { user: authenticated("system:serviceaccount:kube-systemx:a", "system:serviceaccounts"), ...resource("list", "", "pods") }, "service-accounts"],
  ["any other user is global-default", { user: authenticated("jane"), ...resource("get", "", "secrets", "default") }, "global-default"],
  // matchPolicyRuleNonResourceURL: "/healthz" covers /healthz and what is under /healthz/, not a longer name
  ["an anonymous GET of /healthzfoo is no probe: global-default", { user: anonymous, verb: "get", path: "/healthzfoo" }, "global-default"],
];

describe("classify: the bootstrap FlowSchema a request matches", () => {
  for (const [name, d, want] of rows) {
    it(name, () => {
      expect(classify(schemas, d)?.metadata.name).toBe(want);
    });
  }

  it("with global-default gone, catch-all takes what it took", () => {
    const without = schemas.filter((s) => s.metadata.name !== "global-default");
    expect(classify(without, { user: authenticated("jane"), ...resource("get", "", "pods", "default") })?.metadata.name).toBe("catch-all");
  });

  it("every FlowSchema names a priority level that exists, so none is dangling", () => {
    const levels = new Set(priorityLevelConfigurations(meta).map((p) => p.metadata.name));
    for (const fs of schemas) {
      expect(levels.has(fs.spec.priorityLevelConfiguration.name)).toBe(true);
      expect(fs.status.conditions[0]).toMatchObject({ type: "Dangling", status: "False", reason: "Found" });
    }
  });
});

describe("classify: a rule's lists (rule.go containsString: the wildcard counts only as the list's one member)", () => {
  const schema = (verbs: string[]) => ({
    metadata: { name: "mine" },
    spec: { matchingPrecedence: 100, priorityLevelConfiguration: { name: "workload-low" }, rules: [{ subjects: [{ kind: "Group", group: { name: "system:authenticated" } }], resourceRules: [{ verbs, apiGroups: [""], resources: ["pods"], namespaces: ["*"] }] }] },
  });
  it("verbs [\"get\", \"*\"] match get and no other verb", () => {
    const d = (verb: string) => ({ user: authenticated("jane"), ...resource(verb, "", "pods", "default") });
    expect([classify([schema(["get", "*"])], d("get"))?.metadata.name, classify([schema(["get", "*"])], d("delete"))?.metadata.name]).toEqual(["mine", undefined]);
  });
  it("verbs [\"*\"] match every verb", () => {
    expect(classify([schema(["*"])], { user: authenticated("jane"), ...resource("delete", "", "pods", "default") })?.metadata.name).toBe("mine");
  });
});
