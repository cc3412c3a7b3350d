// rbac/v1 defaults (pkg/apis/rbac/v1/defaults.go): a binding's roleRef and its User and Group
// subjects are in rbac.authorization.k8s.io unless they say otherwise; a ServiceAccount's group is "".

type Obj = any;

const GROUP = "rbac.authorization.k8s.io";

/** SetDefaults_RoleBinding / SetDefaults_ClusterRoleBinding, then SetDefaults_Subject for each subject. */
export function defaultBinding(b: Obj): void {
  if (b.roleRef !== null && typeof b.roleRef === "object" && !b.roleRef.apiGroup) b.roleRef.apiGroup = GROUP;
  if (!Array.isArray(b.subjects)) return;
  for (const s of b.subjects) {
    if (s === null || typeof s !== "object" || s.apiGroup) continue;
    if (s.kind === "User" || s.kind === "Group") s.apiGroup = GROUP;
    else if (s.kind === "ServiceAccount") s.apiGroup = "";
  }
}
