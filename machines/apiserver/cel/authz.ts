// Kubernetes' CEL authorizer library (k8s.io/apiserver/pkg/cel/library/authz.go): authorizer.path(),
// .group().resource().subresource().namespace().name().check(verb), serviceAccount(), and the
// Decision's allowed(), reason(), errored(), error(). The check itself is the caller's callback.
import type { AuthorizerAttributes, AuthorizerCheck } from "./index.js";
import { declare } from "./checker.js";
import { def, noOverload } from "./functions.js";
import { CelOpaque } from "./values.js";

const AUTHORIZER = "kubernetes.authorization.Authorizer";
const PATH_CHECK = "kubernetes.authorization.PathCheck";
const GROUP_CHECK = "kubernetes.authorization.GroupCheck";
const RESOURCE_CHECK = "kubernetes.authorization.ResourceCheck";
const DECISION = "kubernetes.authorization.Decision";

interface AuthzData {
  check: AuthorizerCheck;
  serviceAccount?: { namespace: string; name: string };
  requestResource?: { group: string; resource: string; subresource: string; namespace: string; name: string };
}
interface CheckData {
  authz: AuthzData;
  attrs: Omit<AuthorizerAttributes, "verb">;
}

function data<T>(v: unknown, type: string): T {
  return v instanceof CelOpaque && v.typeName === type ? (v.data as T) : noOverload();
}
const str = (v: unknown): string => (typeof v === "string" ? v : noOverload());
const empty = { group: "", resource: "", subresource: "", namespace: "", name: "" };

def(".path", ([a, p]) => {
  const authz = data<AuthzData>(a, AUTHORIZER);
  return new CelOpaque(PATH_CHECK, { authz, attrs: { ...empty, path: str(p) } } satisfies CheckData);
});
def(".group", ([a, g]) => new CelOpaque(GROUP_CHECK, { authz: data<AuthzData>(a, AUTHORIZER), attrs: { ...empty, group: str(g) } } satisfies CheckData));
def(".serviceAccount", ([a, ns, name]) => {
  const authz = data<AuthzData>(a, AUTHORIZER);
  return new CelOpaque(AUTHORIZER, { ...authz, serviceAccount: { namespace: str(ns), name: str(name) } } satisfies AuthzData);
});
def(".resource", ([g, r]) => {
  const c = data<CheckData>(g, GROUP_CHECK);
  return new CelOpaque(RESOURCE_CHECK, { ...c, attrs: { ...c.attrs, resource: str(r) } } satisfies CheckData);
});
for (const field of ["subresource", "namespace", "name"] as const) {
  def(`.${field}`, ([rc, v]) => {
    const c = data<CheckData>(rc, RESOURCE_CHECK);
    return new CelOpaque(RESOURCE_CHECK, { ...c, attrs: { ...c.attrs, [field]: str(v) } } satisfies CheckData);
  });
}
def(".check", ([c, verb]) => {
  const d = c instanceof CelOpaque && (c.typeName === RESOURCE_CHECK || c.typeName === PATH_CHECK) ? (c.data as CheckData) : noOverload();
  const attrs: AuthorizerAttributes = { ...d.attrs, verb: str(verb), ...(d.authz.serviceAccount ? { serviceAccount: d.authz.serviceAccount } : {}) };
  return new CelOpaque(DECISION, d.authz.check(attrs));
});
type Decision = ReturnType<AuthorizerCheck>;
def(".allowed", ([d]) => data<Decision>(d, DECISION).allowed);
def(".reason", ([d]) => data<Decision>(d, DECISION).reason);
def(".errored", ([d]) => (data<Decision>(d, DECISION).error ?? "") !== "");
def(".error", ([d]) => data<Decision>(d, DECISION).error ?? "");
// authorizer.requestResource: the check of the request's own resource
def(`.@field#${AUTHORIZER}`, ([a, f]) => {
  const authz = data<AuthzData>(a, AUTHORIZER);
  if (f !== "requestResource" || !authz.requestResource) return noOverload();
  return new CelOpaque(RESOURCE_CHECK, { authz, attrs: { ...authz.requestResource } } satisfies CheckData);
});

declare(".path", "dyn,string->dyn");
declare(".group", "dyn,string->dyn");
declare(".serviceAccount", "dyn,string,string->dyn");
declare(".resource", "dyn,string->dyn");
declare(".subresource", "dyn,string->dyn");
declare(".namespace", "dyn,string->dyn");
declare(".name", "dyn,string->dyn");
declare(".check", "dyn,string->dyn");
declare(".allowed", "dyn->bool");
declare(".reason", "dyn->string");
declare(".errored", "dyn->bool");
declare(".error", "dyn->string");
