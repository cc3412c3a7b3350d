// Defaults for the non-Pod kinds: core/v1 (Service, Namespace, Node, Secret, Endpoints),
// apps/v1 (Deployment, ReplicaSet), discovery/v1, scheduling/v1.

import { defaultPodSpec } from "./pod.js";
import { isIPv6 } from "../validation/ip.js";

type Obj = any;

/** SetDefaults_Service plus the IP-family fields the service REST storage fills in. */
export function defaultService(svc: Obj): void {
  const spec = (svc.spec ??= {});
  spec.type ??= "ClusterIP";
  spec.sessionAffinity ??= "None";
  if (spec.sessionAffinity === "ClientIP") spec.sessionAffinityConfig ??= { clientIP: { timeoutSeconds: 10800 } };
  for (const p of spec.ports ?? []) {
    p.protocol ??= "TCP";
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port;
  }
  const external = spec.type === "NodePort" || spec.type === "LoadBalancer" || (spec.externalIPs ?? []).length > 0;
  if (external && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = "Cluster";
  // The registry mirrors clusterIP into clusterIPs so both fields agree.
  if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
  if (spec.type !== "ExternalName") {
    spec.internalTrafficPolicy ??= "Cluster";
    initIPFamilyDefaults(spec);
  }
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
  svc.status ??= { loadBalancer: {} };
  // LoadBalancerIPMode (GA): an ingress IP without a mode is a VIP.
  for (const ing of svc.status.loadBalancer?.ingress ?? []) if (ing?.ip && (ing.ipMode === undefined || ing.ipMode === null)) ing.ipMode = "VIP";
}

/**
 * The defaults of the service REST's initIPFamilyFields (pkg/registry/core/service/storage/alloc.go)
 * on podflow's single-stack IPv4 cluster: a policy left out is SingleStack, but RequireDualStack for a
 * headless Service without a selector, which also gets both families unless it is SingleStack;
 * families come from the cluster IPs given, else the cluster's IPv4. A cluster IP of a family the
 * cluster lacks leaves the families alone, for the allocator to refuse it by its address.
 */
function initIPFamilyDefaults(spec: Obj): void {
  const selectorless = spec.clusterIP === "None" && Object.keys(spec.selector ?? {}).length === 0;
  spec.ipFamilyPolicy ??= selectorless ? "RequireDualStack" : "SingleStack";
  const ips: unknown[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  if (ips.some((ip) => typeof ip === "string" && isIPv6(ip))) return;
  if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ["IPv4"];
  if (selectorless && spec.ipFamilies.length === 1 && spec.ipFamilyPolicy !== "SingleStack") {
    spec.ipFamilies = [...spec.ipFamilies, spec.ipFamilies[0] === "IPv4" ? "IPv6" : "IPv4"];
  }
}

function defaultTemplate(spec: Obj): void {
  spec.template ??= {};
  spec.template.spec ??= {};
  defaultPodSpec(spec.template.spec);
}

/** apps/v1 SetDefaults_Deployment. */
export function defaultDeployment(d: Obj): void {
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ??= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= "25%";
    ru.maxSurge ??= "25%";
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec);
}

/** core/v1's defaulters reach a PodTemplate's template.spec as they reach a pod's spec. */
export function defaultPodTemplate(t: Obj): void {
  defaultTemplate(t);
}

/** apps/v1 SetDefaults_ReplicaSet. */
export function defaultReplicaSet(rs: Obj): void {
  const spec = (rs.spec ??= {});
  spec.replicas ??= 1;
  defaultTemplate(spec);
}

/** SetDefaults_Namespace (the metadata.name label) and SetDefaults_NamespaceStatus (phase Active). */
export function defaultNamespace(ns: Obj): void {
  const name = ns.metadata?.name;
  if (name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), "kubernetes.io/metadata.name": name };
  ns.status ??= {};
  ns.status.phase ??= "Active";
}

/** SetDefaults_NodeStatus: allocatable defaults to capacity. */
export function defaultNode(node: Obj): void {
  if (node.status?.capacity && !node.status.allocatable) node.status.allocatable = { ...node.status.capacity };
}

/** SetDefaults_Secret: type Opaque. */
export function defaultSecret(s: Obj): void {
  s.type ??= "Opaque";
}

/** SetDefaults_EndpointPort (core and discovery): protocol TCP. */
export function defaultEndpoints(ep: Obj): void {
  for (const subset of ep.subsets ?? []) for (const p of subset.ports ?? []) p.protocol ??= "TCP";
}

/** discovery/v1 SetDefaults_EndpointPort: name "" and protocol TCP. */
export function defaultEndpointSlice(es: Obj): void {
  for (const p of es.ports ?? []) {
    p.name ??= "";
    p.protocol ??= "TCP";
  }
}

/** scheduling/v1 SetDefaults_PriorityClass: preemptionPolicy PreemptLowerPriority. */
export function defaultPriorityClass(pc: Obj): void {
  pc.preemptionPolicy ??= "PreemptLowerPriority";
}
