// networking.k8s.io/v1: SetDefaults_NetworkPolicy(Port) and SetDefaults_IngressClass
// (pkg/apis/networking/v1/defaults.go), and the DefaultIngressClass admission plugin
// (plugin/pkg/admission/network/defaultingressclass), which kube-apiserver enables by default.

/* eslint-disable @typescript-eslint/no-explicit-any */

import { mutant } from "../../common/mutation.js";

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
 * legacy annotation) gets the class annotated as default; of several defaults, the newest, and of
 * equally new ones the lowest name (getDefaultClass since kubernetes#110974, v1.25).
 */
export function admitDefaultIngressClass(ing: Obj, classes: readonly Obj[]): void {
  ing.spec ??= {};
  if (ing.spec.ingressClassName != null) return;
  if (Object.hasOwn(ing.metadata?.annotations ?? {}, INGRESS_CLASS_ANNOTATION)) return;
  const defaults = classes.filter((c) => c.metadata?.annotations?.[IS_DEFAULT_INGRESS_CLASS] === "true");
  if (defaults.length === 0) return;
  ing.spec.ingressClassName = defaults.reduce(newerDefault).metadata.name;
}

const createdAt = (c: Obj): number => Date.parse(c.metadata?.creationTimestamp ?? "") || 0;

// getDefaultClass's sort: the later creationTimestamp first, then the lower name.
function newerDefault(a: Obj, b: Obj): Obj {
  const ta = createdAt(a);
  const tb = createdAt(b);
  if (ta !== tb) return (tb > ta) !== mutant("defaults.ingress-class-oldest-default") ? b : a;
  return String(b.metadata?.name ?? "") < String(a.metadata?.name ?? "") ? b : a;
}
