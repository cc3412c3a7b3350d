// networking.k8s.io/v1: SetDefaults_NetworkPolicy(Port) and SetDefaults_IngressClass
// (pkg/apis/networking/v1/defaults.go), and the DefaultIngressClass admission plugin
// (plugin/pkg/admission/network/defaultingressclass), which kube-apiserver enables by default.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const IS_DEFAULT_INGRESS_CLASS = "ingressclass.kubernetes.io/is-default-class";
const INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/** A policy without policyTypes is an Ingress policy, and an Egress one too when it has egress rules; ports default to TCP. */
export function defaultNetworkPolicy(np: Obj): void {
  const spec = np.spec;
  if (!spec || typeof spec !== "object") return;
  for (const rules of [spec.ingress, spec.egress]) {
    if (!Array.isArray(rules)) continue;
    for (const rule of rules) {
      if (!Array.isArray(rule?.ports)) continue;
      for (const port of rule.ports) if (port && typeof port === "object" && port.protocol == null) port.protocol = "TCP";
    }
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
  }
}

/** A parameters reference without a scope is cluster-scoped. */
export function defaultIngressClass(ic: Obj): void {
  const params = ic.spec?.parameters;
  if (params && typeof params === "object" && params.scope == null) params.scope = "Cluster";
}

/**
 * DefaultIngressClass on create: an Ingress naming no class (neither ingressClassName nor the
 * legacy annotation) gets the one class annotated as default; more than one default is refused.
 * Returns the Forbidden reason, or undefined.
 */
export function admitDefaultIngressClass(ing: Obj, classes: readonly Obj[]): string | undefined {
  ing.spec ??= {};
  if (ing.spec.ingressClassName != null) return undefined;
  if (Object.hasOwn(ing.metadata?.annotations ?? {}, INGRESS_CLASS_ANNOTATION)) return undefined;
  const defaults = classes.filter((c) => c.metadata?.annotations?.[IS_DEFAULT_INGRESS_CLASS] === "true");
  if (defaults.length === 0) return undefined;
  if (defaults.length > 1) return `Internal error occurred: ${defaults.length} default IngressClasses were found, only 1 allowed`;
  ing.spec.ingressClassName = defaults[0].metadata.name;
  return undefined;
}
