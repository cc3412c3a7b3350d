// flowcontrol.apiserver.k8s.io/v1: API Priority and Fairness' configuration as kube-apiserver
// bootstraps it (k8s.io/apiserver pkg/apis/flowcontrol/bootstrap/default.go: the mandatory and the
// suggested PriorityLevelConfigurations and FlowSchemas, each annotated
// apf.kubernetes.io/autoupdate-spec=true), the Dangling condition the APF controller writes on each
// FlowSchema (pkg/util/flowcontrol/apf_controller.go presyncFlowSchemaStatus), and the classifier
// that picks a request's FlowSchema (pkg/util/flowcontrol/rule.go). podflow computes these objects
// when asked and stores none, so no seeded run moves: the configuration controller's upkeep (a
// mandatory object deleted or changed comes back) holds at every read.

import { mutant } from "../common/mutation.js";

type Obj = any;

const autoUpdate = { "apf.kubernetes.io/autoupdate-spec": "true" };

const queuing = (queues: number, handSize: number) => ({ type: "Queue", queuing: { queues, handSize, queueLengthLimit: 50 } });
const limited = (shares: number, lendable: number, limitResponse: Obj) => ({ type: "Limited", limited: { nominalConcurrencyShares: shares, lendablePercent: lendable, limitResponse } });

/** The bootstrap priority levels: mandatory catch-all and exempt, then the suggested ones. */
const priorityLevelSpecs: readonly [name: string, spec: Obj][] = [
  ["catch-all", limited(5, 0, { type: "Reject" })],
  ["exempt", { type: "Exempt", exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } }],
  ["system", limited(30, 33, queuing(64, 6))],
  ["node-high", limited(40, 25, queuing(64, 6))],
  ["leader-election", limited(10, 0, queuing(16, 4))],
  ["workload-high", limited(40, 50, queuing(128, 6))],
  ["workload-low", limited(100, 90, queuing(128, 6))],
  ["global-default", limited(20, 50, queuing(128, 6))],
];

const group = (name: string) => ({ kind: "Group", group: { name } });
const user = (name: string) => ({ kind: "User", user: { name } });
const kubeSystemServiceAccounts = { kind: "ServiceAccount", serviceAccount: { namespace: "kube-system", name: "*" } };
const everything = (clusterScope: boolean) => ({ verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: ["*"], clusterScope });
const allNonResource = { verbs: ["*"], nonResourceURLs: ["*"] };
const allRequests = (subjects: Obj[]) => ({ subjects, resourceRules: [everything(true)], nonResourceRules: [allNonResource] });

/** The bootstrap flow schemas: name, priority level, matching precedence, distinguisher, rules. */
const flowSchemaSpecs: readonly [name: string, pl: string, precedence: number, distinguisher: string, rules: Obj[]][] = [
  ["exempt", "exempt", 1, "", [allRequests([group("system:masters")])]],
  ["catch-all", "catch-all", 10000, "ByUser", [allRequests([group("system:unauthenticated"), group("system:authenticated")])]],
  ["system-nodes", "system", 500, "ByUser", [allRequests([group("system:nodes")])]],
  ["system-node-high", "node-high", 400, "ByUser", [{
    subjects: [group("system:nodes")],
    resourceRules: [
      { verbs: ["*"], apiGroups: [""], resources: ["nodes", "nodes/status"], namespaces: ["*"], clusterScope: true },
      { verbs: ["*"], apiGroups: ["coordination.k8s.io"], resources: ["leases"], namespaces: ["*"] },
    ],
  }]],
  ["probes", "exempt", 2, "", [{ subjects: [group("system:unauthenticated"), group("system:authenticated")], nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/readyz", "/livez"] }] }]],
  ["system-leader-election", "leader-election", 100, "ByUser", [{
    subjects: [user("system:kube-controller-manager"), user("system:kube-scheduler"), kubeSystemServiceAccounts],
    resourceRules: [{ verbs: ["get", "create", "update"], apiGroups: ["coordination.k8s.io"], resources: ["leases"], namespaces: ["*"] }],
  }]],
  ["kube-controller-manager", "workload-high", 800, "ByNamespace", [allRequests([user("system:kube-controller-manager")])]],
  ["kube-scheduler", "workload-high", 800, "ByNamespace", [allRequests([user("system:kube-scheduler")])]],
  ["kube-system-service-accounts", "workload-high", 900, "ByNamespace", [allRequests([kubeSystemServiceAccounts])]],
  ["service-accounts", "workload-low", 9000, "ByUser", [allRequests([group("system:serviceaccounts")])]],
  ["global-default", "global-default", 9900, "ByUser", [allRequests([group("system:unauthenticated"), group("system:authenticated")])]],
];

/** When the API server started and each object's uid (the objects' identity is fixed for a run). */
export interface BootstrapMeta {
  createdAt: string;
  uidOf: (kind: string, name: string) => string;
}

function meta(kind: string, name: string, m: BootstrapMeta): Obj {
  // the registry's PrepareForCreate sets generation 1; the bootstrap objects keep their annotation
  return { name, uid: m.uidOf(kind, name), generation: 1, creationTimestamp: m.createdAt, annotations: { ...autoUpdate } };
}

/** Every PriorityLevelConfiguration, in etcd key (name) order. */
export function priorityLevelConfigurations(m: BootstrapMeta): Obj[] {
  return priorityLevelSpecs
    .map(([name, spec]) => ({ kind: "PriorityLevelConfiguration", apiVersion: "flowcontrol.apiserver.k8s.io/v1", metadata: meta("PriorityLevelConfiguration", name, m), spec, status: {} }))
    .sort(byName);
}

/** Every FlowSchema, in etcd key (name) order, with the Dangling condition the APF controller writes. */
export function flowSchemas(m: BootstrapMeta): Obj[] {
  const levels = new Set(priorityLevelSpecs.map(([name]) => name));
  return flowSchemaSpecs.map(([name, pl, matchingPrecedence, distinguisher, rules]) => ({
    kind: "FlowSchema", apiVersion: "flowcontrol.apiserver.k8s.io/v1", metadata: meta("FlowSchema", name, m),
    spec: { priorityLevelConfiguration: { name: pl }, matchingPrecedence, ...(distinguisher ? { distinguisherMethod: { type: distinguisher } } : {}), rules },
    status: { conditions: [dangling(pl, !levels.has(pl), m.createdAt)] },
  })).sort(byName);
}

function dangling(pl: string, isDangling: boolean, at: string): Obj {
  return isDangling
    ? { type: "Dangling", status: "True", lastTransitionTime: at, reason: "NotFound", message: `This FlowSchema references the PriorityLevelConfiguration object named "${pl}" but there is no such object` }
    : { type: "Dangling", status: "False", lastTransitionTime: at, reason: "Found", message: `This FlowSchema references the PriorityLevelConfiguration object named "${pl}" and it exists` };
}

const byName = (a: Obj, b: Obj) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);

/** What the classifier reads of a request: the user and the RequestInfo. */
export interface RequestDigest {
  user: { name: string; groups: readonly string[] };
  /** a resource request (group, resource, subresource, namespace), or a non-resource one (path) */
  resource?: { group: string; resource: string; subresource?: string; namespace?: string };
  path?: string;
  verb: string;
}

/**
 * The FlowSchema that classifies a request: the first that matches in the order the APF controller
 * sorts them (matchingPrecedence, then name); catch-all matches every authenticated or anonymous one.
 */
export function classify(schemas: readonly Obj[], d: RequestDigest): Obj | undefined {
  // the mutant reads matchingPrecedence as a priority: the highest number first
  const ordered = [...schemas].sort((a, b) => (mutant("flowcontrol.precedence-highest-first") ? b.spec.matchingPrecedence - a.spec.matchingPrecedence : a.spec.matchingPrecedence - b.spec.matchingPrecedence) || byName(a, b));
  return ordered.find((fs) => (fs.spec.rules ?? []).some((r: Obj) => matchesPolicyRule(d, r)));
}

function matchesPolicyRule(d: RequestDigest, r: Obj): boolean {
  if (!(r.subjects ?? []).some((s: Obj) => matchesSubject(d.user, s))) return false;
  if (d.resource !== undefined) return (r.resourceRules ?? []).some((rr: Obj) => matchesResourceRule(d.verb, d.resource!, rr));
  return (r.nonResourceRules ?? []).some((nr: Obj) => containsString(d.verb, nr.verbs, "*") && matchesNonResourceURL(nr.nonResourceURLs ?? [], d.path ?? ""));
}

function matchesSubject(u: RequestDigest["user"], s: Obj): boolean {
  switch (s.kind) {
    case "User": return s.user !== undefined && (s.user.name === "*" || s.user.name === u.name);
    case "Group": return s.group !== undefined && (s.group.name === "*" || u.groups.includes(s.group.name));
    case "ServiceAccount": {
      if (s.serviceAccount === undefined) return false;
      const prefix = `system:serviceaccount:${s.serviceAccount.namespace}:`;
      // the mutant's name "*" matches every namespace's service accounts
      if (mutant("flowcontrol.serviceaccount-wildcard-any-namespace") && s.serviceAccount.name === "*") return u.name.startsWith("system:serviceaccount:");
      return s.serviceAccount.name === "*" ? u.name.startsWith(prefix) : u.name === prefix + s.serviceAccount.name;
    }
    default: return false;
  }
}

function matchesResourceRule(verb: string, ri: NonNullable<RequestDigest["resource"]>, rr: Obj): boolean {
  if (!containsString(verb, rr.verbs, "*")) return false;
  if (!containsString(ri.subresource ? `${ri.resource}/${ri.subresource}` : ri.resource, rr.resources, "*")) return false;
  if (!containsString(ri.group, rr.apiGroups, "*")) return false;
  if (!ri.namespace) return rr.clusterScope === true;
  return containsString(ri.namespace, rr.namespaces, "*");
}

// matchPolicyRuleNonResourceURL: "*" or the path itself, or a prefix ending in "/*" or "/"
function matchesNonResourceURL(urls: readonly string[], path: string): boolean {
  return urls.some((u) => {
    if (u === "*" || u === path) return true;
    let prefix = u.endsWith("*") ? u.slice(0, -1) : u;
    if (!prefix.endsWith("/") && !mutant("flowcontrol.nonresource-prefix-without-slash")) prefix += "/";
    return path.startsWith(prefix);
  });
}

// containsString: the wildcard counts only as the list's one member
function containsString(x: string, list: readonly string[] | undefined, wildcard: string): boolean {
  if (list === undefined) return false;
  if (list.length === 1 && list[0] === wildcard) return true;
  if (mutant("flowcontrol.wildcard-among-others-matches") && list.includes(wildcard)) return true;
  return list.includes(x);
}
