// kube-apiserver's authorization chain as kubeadm configures it (--authorization-mode=Node,RBAC,
// behind the system:masters privileged-group authorizer), the Forbidden it answers, and impersonation.

import type { Status } from "kubernetes-types/meta/v1";
import type { ResourceInfo } from "../resources.js";
import * as S from "../status.js";
import { nodeAuthorize, type NodeGraph } from "./node.js";
import { rbacAuthorize } from "./rbac.js";
import type { Attributes, Decision, UserInfo } from "./types.js";

export { anonymous, type Attributes, type Decision, type UserInfo } from "./types.js";
export { nodeIdentity, type NodeGraph } from "./node.js";
export { admitNodeRestriction, type AdmissionRequest, type Operation } from "./noderestriction.js";
export { answerReview, reviewKinds, type TokenReviewAnswer, type TokenReviewer } from "./reviews.js";
export { escalationError } from "./escalation.js";
export type { RbacObjects } from "./rbac.js";

/** The union authorizer: the first allow wins; the reasons of those with no opinion are joined by newlines. */
export function authorize(a: Attributes, graph: NodeGraph): Decision {
  if (a.user.groups.includes("system:masters")) return { allowed: true, reason: "" };
  const reasons: string[] = [];
  const node = nodeAuthorize(a, graph);
  if (node.allowed) return node;
  if (node.reason) reasons.push(node.reason);
  const rbac = rbacAuthorize(a, graph.rbac);
  if (rbac.allowed) return rbac;
  if (rbac.reason) reasons.push(rbac.reason);
  return { allowed: false, reason: reasons.join("\n") };
}

/** responsewriters.Forbidden: `pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"[: reason]`. */
export function forbidden(a: Attributes, reason: string): Status {
  const user = S.goQuote(a.user.name);
  let msg: string;
  if (!a.resourceRequest) msg = `User ${user} cannot ${a.verb} path ${S.goQuote(a.path)}`;
  else {
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const where = a.namespace ? `in the namespace ${S.goQuote(a.namespace)}` : "at the cluster scope";
    msg = `User ${user} cannot ${a.verb} resource ${S.goQuote(resource)} in API group ${S.goQuote(a.apiGroup)} ${where}`;
  }
  if (reason) msg += `: ${reason}`;
  if (!a.resourceRequest) return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `forbidden: ${msg}`, reason: "Forbidden", details: {}, code: 403 };
  return S.forbiddenStatus({ group: a.apiGroup, resource: a.resource } as ResourceInfo, a.name, msg);
}

// ---- impersonation (endpoints/filters/impersonation.go) ----------------------------------

/** The Impersonate-* headers of a request. */
export interface Impersonation {
  user?: string;
  groups?: string[];
  uid?: string;
  /** Impersonate-Extra-<key>: the key lower-cased and unescaped, with its values */
  extra?: Array<[string, string[]]>;
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** serviceaccount.SplitUsername: system:serviceaccount:<namespace>:<name> with a valid namespace and name. */
export function splitServiceAccount(username: string): { namespace: string; name: string } | undefined {
  const prefix = "system:serviceaccount:";
  if (!username.startsWith(prefix)) return undefined;
  const parts = username.slice(prefix.length).split(":");
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (namespace.length > 63 || !dns1123Label.test(namespace)) return undefined;
  if (name.length > 253 || !dns1123Subdomain.test(name)) return undefined;
  return { namespace, name };
}

/**
 * Acts as the impersonated user when the requester may impersonate every part of it (the user or
 * service account, each group, each extra value, the uid, in that order); otherwise the Forbidden
 * of the first part it may not.
 */
export function impersonate(requester: UserInfo, imp: Impersonation, graph: NodeGraph): { user: UserInfo } | { error: Status } {
  const base = { user: requester, verb: "impersonate", resourceRequest: true, subresource: "", namespace: "", path: "", fieldSelector: [] };
  const checks: Attributes[] = [];
  let name = "";
  let groups: string[] = [];
  const groupsSpecified = (imp.groups ?? []).length > 0;
  const extra: Array<[string, string[]]> = [];
  if (imp.user) {
    const sa = splitServiceAccount(imp.user);
    if (sa) {
      checks.push({ ...base, apiGroup: "", resource: "serviceaccounts", namespace: sa.namespace, name: sa.name });
      name = imp.user;
      if (!groupsSpecified) groups = ["system:serviceaccounts", `system:serviceaccounts:${sa.namespace}`];
    } else {
      checks.push({ ...base, apiGroup: "", resource: "users", name: imp.user });
      name = imp.user;
    }
  }
  for (const g of imp.groups ?? []) {
    checks.push({ ...base, apiGroup: "", resource: "groups", name: g });
    groups.push(g);
  }
  for (const [key, values] of imp.extra ?? []) {
    for (const v of values) checks.push({ ...base, apiGroup: "authentication.k8s.io", resource: "userextras", subresource: key, name: v });
    extra.push([key, [...values]]);
  }
  if (imp.uid) checks.push({ ...base, apiGroup: "authentication.k8s.io", resource: "uids", name: imp.uid });
  for (const a of checks) {
    const d = authorize(a, graph);
    if (!d.allowed) return { error: forbidden(a, d.reason) };
  }
  if (name !== "system:anonymous") {
    if (!groups.some((g) => g === "system:authenticated" || g === "system:unauthenticated")) groups.push("system:authenticated");
  } else if (!groups.includes("system:unauthenticated")) groups.push("system:unauthenticated");
  const user: UserInfo = { name, groups };
  if (imp.uid) user.uid = imp.uid;
  if (extra.length > 0) user.extra = extra;
  return { user };
}
