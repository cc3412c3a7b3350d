// Defaults for the non-Pod kinds: core/v1 (Service, Namespace, Node, Secret, Endpoints),
// apps/v1 (Deployment, ReplicaSet), discovery/v1, scheduling/v1.

import { defaultPodSpec } from "./pod.js";

type Obj = any;

/** SetDefaults_Service (the IP family fields are the REST's, set by initIPFamilyFields in services.ts). */
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
  }
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
  svc.status ??= { loadBalancer: {} };
  // LoadBalancerIPMode (GA): an ingress IP without a mode is a VIP.
  for (const ing of svc.status.loadBalancer?.ingress ?? []) if (ing?.ip && (ing.ipMode === undefined || ing.ipMode === null)) ing.ipMode = "VIP";
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
