// Authentication from a static token file and an RBAC-lite authorizer: the admin group may do
// anything; each component identity holds only the rules its real ClusterRole grants it.

export interface UserInfo {
  name: string;
  groups: string[];
}

export interface Rule {
  verbs: string[];
  /** "pods", "pods/status", "*" */
  resources: string[];
}

export const anonymous: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };

const read = ["get", "list", "watch"];

/** The rules of the built-in component roles (system:kube-scheduler, system:node, ...), reduced to what podflow serves. */
const roleRules = new Map<string, Rule[]>(Object.entries({
  "system:kube-scheduler": [
    { verbs: read, resources: ["pods", "nodes", "namespaces", "services", "replicasets", "poddisruptionbudgets", "priorityclasses", "persistentvolumeclaims"] },
    { verbs: ["create"], resources: ["pods/binding", "bindings", "events"] },
    { verbs: ["patch", "update"], resources: ["pods/status", "events"] },
    { verbs: ["delete"], resources: ["pods"] },
    { verbs: ["get", "create", "update"], resources: ["leases"] },
  ],
  "system:node": [
    { verbs: read, resources: ["pods", "nodes", "services", "endpoints", "configmaps", "secrets", "namespaces"] },
    { verbs: ["create", "update", "patch", "delete"], resources: ["nodes", "nodes/status"] },
    { verbs: ["update", "patch"], resources: ["pods/status"] },
    { verbs: ["create", "delete"], resources: ["pods"] },
    { verbs: ["create", "update", "patch"], resources: ["events"] },
    { verbs: ["get", "create", "update", "patch", "delete"], resources: ["leases"] },
  ],
  "system:kube-proxy": [
    { verbs: read, resources: ["services", "endpoints", "endpointslices", "nodes"] },
    { verbs: ["create", "update", "patch"], resources: ["events"] },
  ],
  "system:kube-dns": [{ verbs: read, resources: ["services", "endpoints", "endpointslices", "namespaces", "pods"] }],
}));

/** Whether a user may perform verb on resource[/subresource]. */
export function isAllowed(user: UserInfo, verb: string, resource: string, subresource?: string): boolean {
  if (user.groups.includes("system:masters")) return true;
  // kube-controller-manager's controllers act with their own service accounts; podflow runs them
  // as one identity that holds the union of their roles.
  if (user.name === "system:kube-controller-manager") return true;
  const role = user.groups.includes("system:nodes") ? "system:node" : user.name;
  const rules = roleRules.get(role);
  if (!rules) return false;
  const target = subresource ? `${resource}/${subresource}` : resource;
  return rules.some((r) => r.verbs.includes(verb) && (r.resources.includes("*") || r.resources.includes(target)));
}

/** The RBAC verb of a request as the authorizer sees it (a watch is "watch", a list "list"). */
export function rbacVerb(verb: string): string {
  return verb === "unwatch" ? "watch" : verb;
}
