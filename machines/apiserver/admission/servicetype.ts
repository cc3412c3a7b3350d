// The Service strategy's dropTypeDependentFields (pkg/registry/core/service/strategy.go): on an
// update that changes the type away from what a field served, the field is wiped, but only where
// the user left it as it was (a value they changed too is for validation to judge).

import { mutant } from "../../common/mutation.js";

type Obj = Record<string, any>;

const needsClusterIP = (spec: Obj) => spec.type !== "ExternalName";
const needsNodePort = (spec: Obj) => spec.type === "NodePort" || (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);
const needsHCNodePort = (spec: Obj) => spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
const externallyAccessible = (spec: Obj) => spec.type === "LoadBalancer" || spec.type === "NodePort" || (spec.type === "ClusterIP" && (spec.externalIPs ?? []).length > 0);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** sameClusterIPs: clusterIP and clusterIPs both unchanged. */
function sameClusterIPs(old: Obj, spec: Obj): boolean {
  return (old.clusterIP ?? "") === (spec.clusterIP ?? "") && same(old.clusterIPs ?? [], spec.clusterIPs ?? []);
}

/** sameNodePorts: every port of the new spec that was in the old (by index) has the same nodePort. */
function sameNodePorts(old: Obj, spec: Obj): boolean {
  const o: Obj[] = old.ports ?? [];
  return (spec.ports ?? []).every((p: Obj, i: number) => i >= o.length || (p.nodePort ?? 0) === (o[i]!.nodePort ?? 0));
}

/** dropTypeDependentFields: returns nothing, changes the new Service (a copy the strategy owns). */
export function dropTypeDependentFields(svc: Obj, old: Obj): void {
  const spec: Obj = svc.spec ?? {};
  const was: Obj = old.spec ?? {};
  if (needsClusterIP(was) && !needsClusterIP(spec)) {
    // The addresses are released by the allocator once the update is stored.
    if (sameClusterIPs(was, spec)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(was.ipFamilies, spec.ipFamilies)) delete spec.ipFamilies;
    if (same(was.ipFamilyPolicy, spec.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(was) && !needsNodePort(spec) && sameNodePorts(was, spec) && !mutant("servicetype.node-port-kept-on-cluster-ip")) {
    for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (needsHCNodePort(was) && !needsHCNodePort(spec) && (was.healthCheckNodePort ?? 0) === (spec.healthCheckNodePort ?? 0)) delete spec.healthCheckNodePort;
  if (was.type === "LoadBalancer" && spec.type !== "LoadBalancer") {
    if (spec.allocateLoadBalancerNodePorts !== undefined && was.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts === was.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (same(was.loadBalancerClass, spec.loadBalancerClass)) delete spec.loadBalancerClass;
    // The load-balancer status no longer applies.
    svc.status = { ...(svc.status ?? {}), loadBalancer: {} };
  }
  if (externallyAccessible(was) && !externallyAccessible(spec) && (was.externalTrafficPolicy ?? "") === (spec.externalTrafficPolicy ?? "")) delete spec.externalTrafficPolicy;
}
