// Service validation, ported from ValidateService / ValidateServiceUpdate (pkg/apis/core/validation, v1.35),
// check by check in Kubernetes' order. Node-port range checks belong to the allocator, not here.

import { duplicate, forbiddenField, goValue, invalidValue, notSupported, required, type FieldError } from "../status.js";
import { marshalled, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, nameIsDNS1035Label } from "./names.js";
import { isIPv6, validateLegacyCIDR, validateLegacyIP, validateNonSpecialIP } from "./ip.js";
import { validatePortNumOrName } from "./pod.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

const has = (v: unknown): boolean => v !== undefined && v !== null;
const supportedServiceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const supportedSessionAffinity = ["ClientIP", "None"];
const supportedPortProtocols = ["SCTP", "TCP", "UDP"];
const supportedIPFamilies = ["IPv4", "IPv6"];
const supportedIPFamilyPolicies = ["PreferDualStack", "RequireDualStack", "SingleStack"];
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
const TOPOLOGY_MODE = "service.kubernetes.io/topology-mode";
const TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints";
const LB_SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges";

function clusterIPsOf(spec: Obj): string[] {
  return Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
}

/** isHeadlessService: exactly one cluster IP, "None". */
function isHeadless(spec: Obj): boolean {
  const ips = clusterIPsOf(spec);
  return ips.length === 1 && ips[0] === "None";
}

function validateServicePort(sp: Obj, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(required(`${path}.name`, ""));
  else if (sp.name) {
    for (const m of isDNS1123Label(sp.name)) errs.push(invalidValue(`${path}.name`, sp.name, m));
    if (names.has(sp.name)) errs.push(duplicate(`${path}.name`, sp.name));
    else names.add(sp.name);
  }
  for (const m of isValidPortNum(sp.port ?? 0)) errs.push(invalidValue(`${path}.port`, sp.port ?? 0, m));
  if (!sp.protocol) errs.push(required(`${path}.protocol`, ""));
  else if (!supportedPortProtocols.includes(sp.protocol)) errs.push(notSupported(`${path}.protocol`, sp.protocol, supportedPortProtocols));
  errs.push(...validatePortNumOrName(sp.targetPort, `${path}.targetPort`));
  if (has(sp.appProtocol)) errs.push(...isQualifiedName(sp.appProtocol).map((m) => invalidValue(`${path}.appProtocol`, sp.appProtocol, m)));
  return errs;
}

function validateTypeSpecific(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  switch (spec.type) {
    case "LoadBalancer":
      if (isHeadless(spec)) errs.push(invalidValue("spec.clusterIPs[0]", "None", "may not be set to 'None' for LoadBalancer services"));
      break;
    case "NodePort":
      if (isHeadless(spec)) errs.push(invalidValue("spec.clusterIPs[0]", "None", "may not be set to 'None' for NodePort services"));
      break;
    case "ExternalName": {
      if (clusterIPsOf(spec).length > 0) errs.push(forbiddenField("spec.clusterIPs", "may not be set for ExternalName services"));
      if ((spec.ipFamilies ?? []).length > 0) errs.push(forbiddenField("spec.ipFamilies", "may not be set for ExternalName services"));
      if (has(spec.ipFamilyPolicy)) errs.push(forbiddenField("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
      // A CNAME may end in a dot to mark it fully qualified.
      const cname = String(spec.externalName ?? "").replace(/\.$/, "");
      if (cname) for (const m of isDNS1123Subdomain(cname)) errs.push(invalidValue("spec.externalName", cname, m));
      else errs.push(required("spec.externalName", ""));
      break;
    }
  }
  return errs;
}

/** validateClientIPAffinityConfig: a clientIP timeout in 1..86400 seconds. */
function validateClientIPAffinityConfig(cfg: Obj, path: string): FieldError[] {
  const why = "when session affinity type is ClientIP";
  if (!has(cfg)) return [required(path, why)];
  if (!has(cfg.clientIP)) return [required(`${path}.clientIP`, why)];
  const t = cfg.clientIP.timeoutSeconds;
  if (!has(t)) return [required(`${path}.clientIP.timeoutSeconds`, why)];
  return t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS ? [invalidValue(`${path}.clientIP.timeoutSeconds`, t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`)] : [];
}

/** ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs agree, families and policy known, IPs valid, dual-stack pairs. */
export function validateClusterIPsRelatedFields(spec: Obj): FieldError[] {
  if (spec.type === "ExternalName") return [];
  const errs: FieldError[] = [];
  const ips = clusterIPsOf(spec);
  const families: string[] = spec.ipFamilies ?? [];
  let invalidIPs = false;
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(required("spec.clusterIPs", ""));
    else if (ips[0] !== spec.clusterIP) errs.push(invalidValue("spec.clusterIPs", marshalled(ips), "first value must match `clusterIP`"));
  } else if (ips.length !== 0) {
    errs.push(invalidValue("spec.clusterIPs", marshalled(ips), "must be empty when `clusterIP` is not specified"));
  }
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (!supportedIPFamilies.includes(f)) errs.push(notSupported(`spec.ipFamilies[${i}]`, f, supportedIPFamilies));
    if (seen.has(f)) errs.push(duplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (has(spec.ipFamilyPolicy) && !supportedIPFamilyPolicies.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported("spec.ipFamilyPolicy", spec.ipFamilyPolicy, supportedIPFamilyPolicies));
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) {
        invalidIPs = true;
        errs.push(invalidValue("spec.clusterIPs", marshalled(ips), "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateLegacyIP(ip, `spec.clusterIPs[${i}]`);
    if (e.length > 0) invalidIPs = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(invalidValue("spec.clusterIPs", marshalled(ips), "may only hold up to 2 values"));
  // Bad or misplaced addresses would skew the dual-stack checks below.
  if (invalidIPs) return errs;
  // netutils.IsDualStackIPStrings: at least one address of each family (a third is refused above).
  if (ips.length > 1 && !(ips.some(isIPv6) && ips.some((ip) => !isIPv6(ip)))) {
    errs.push(invalidValue("spec.clusterIPs", marshalled(ips), "may specify no more than one IP for each IP family"));
  }
  if (!isHeadless(spec) && ips.length > 0 && families.length > 0) {
    ips.forEach((ip, i) => {
      if (i > families.length - 1) return;
      if (families[i] === "IPv4" && isIPv6(ip)) errs.push(invalidValue(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === "IPv6" && !isIPv6(ip)) errs.push(invalidValue(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

function validateLoadBalancerSourceRanges(svc: Obj): FieldError[] {
  const spec = svc.spec;
  const errs: FieldError[] = [];
  const ranges: string[] = spec.loadBalancerSourceRanges ?? [];
  const annotation = svc.metadata?.annotations?.[LB_SOURCE_RANGES];
  if (ranges.length > 0) {
    // Kubernetes spells this path with a capital L.
    if (spec.type !== "LoadBalancer") errs.push(forbiddenField("spec.LoadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...validateLegacyCIDR(r.trim(), `spec.LoadBalancerSourceRanges[${i}]`)));
  } else if (typeof annotation === "string") {
    const path = `metadata.annotations[${LB_SOURCE_RANGES}]`;
    if (spec.type !== "LoadBalancer") errs.push(forbiddenField(path, "may only be used when `type` is 'LoadBalancer'"));
    const v = annotation.trim();
    if (v !== "") for (const r of v.split(",")) errs.push(...validateLegacyCIDR(r.trim(), path));
  }
  return errs;
}

/** validateLoadBalancerClassField: a qualified name on LoadBalancers only, fixed once set. */
function validateLoadBalancerClass(old: Obj, svc: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec = svc.spec;
  if (old && old.spec?.type === "LoadBalancer" && spec.type === "LoadBalancer" && (old.spec?.loadBalancerClass ?? null) !== (spec.loadBalancerClass ?? null)) {
    errs.push(invalidValue("spec.loadBalancerClass", spec.loadBalancerClass ?? null, "may not change once set"));
  }
  if (spec.type === "LoadBalancer") {
    if (has(spec.loadBalancerClass)) errs.push(...isQualifiedName(spec.loadBalancerClass).map((m) => invalidValue("spec.loadBalancerClass", spec.loadBalancerClass, m)));
  } else if (has(spec.loadBalancerClass)) {
    errs.push(forbiddenField("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

function externallyAccessible(spec: Obj): boolean {
  return spec.type === "LoadBalancer" || spec.type === "NodePort" || (spec.type === "ClusterIP" && (spec.externalIPs ?? []).length > 0);
}

function needsHealthCheck(spec: Obj): boolean {
  return spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

export function validateExternalTrafficPolicy(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (etp) errs.push(invalidValue("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"));
  } else if (!etp) errs.push(required("spec.externalTrafficPolicy", ""));
  else if (etp !== "Cluster" && etp !== "Local") errs.push(notSupported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]));
  const hc = spec.healthCheckNodePort ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) errs.push(invalidValue("spec.healthCheckNodePort", hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc !== 0) {
    // A missing healthCheckNodePort is the allocator's to fill: podflow validates before allocating.
    for (const m of isValidPortNum(hc)) errs.push(invalidValue("spec.healthCheckNodePort", hc, m));
  }
  return errs;
}

function validateInternalTrafficPolicy(spec: Obj): FieldError[] {
  const itp = spec.internalTrafficPolicy;
  if (!has(itp)) return ["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type) ? [required("spec.internalTrafficPolicy", "")] : [];
  return itp === "Cluster" || itp === "Local" ? [] : [notSupported("spec.internalTrafficPolicy", itp, ["Cluster", "Local"])];
}

// The duplicate key Kubernetes reports is an internal core.ServicePort: json.Marshal without json tags.
function servicePortKey(p: Obj): string {
  return `{"Name":"","Protocol":${JSON.stringify(p.protocol ?? "")},"AppProtocol":null,"Port":${p.port ?? 0},"TargetPort":0,"NodePort":0}`;
}

/** ValidateService. */
export function validateService(svc: Obj): FieldError[] {
  const spec = svc.spec ?? {};
  const s = { ...svc, spec };
  const ports: Obj[] = spec.ports ?? [];
  const errs = validateObjectMeta(svc.metadata, true, nameIsDNS1035Label);
  const annotations = svc.metadata?.annotations ?? {};
  if (Object.hasOwn(annotations, TOPOLOGY_MODE) && Object.hasOwn(annotations, TOPOLOGY_HINTS) && annotations[TOPOLOGY_MODE] !== annotations[TOPOLOGY_HINTS]) {
    errs.push(invalidValue(`metadata.annotations[${TOPOLOGY_MODE}]`, annotations[TOPOLOGY_MODE], `must match annotations[${TOPOLOGY_HINTS}] when both are specified`));
  }
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== "ExternalName") errs.push(required("spec.ports", ""));
  errs.push(...validateTypeSpecific(spec));
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (has(spec.selector)) errs.push(...validateLabels(spec.selector, "spec.selector"));
  if (!spec.sessionAffinity) errs.push(required("spec.sessionAffinity", ""));
  else if (!supportedSessionAffinity.includes(spec.sessionAffinity)) errs.push(notSupported("spec.sessionAffinity", spec.sessionAffinity, supportedSessionAffinity));
  if (spec.sessionAffinity === "ClientIP") errs.push(...validateClientIPAffinityConfig(spec.sessionAffinityConfig, "spec.sessionAffinityConfig"));
  else if (spec.sessionAffinity === "None" && has(spec.sessionAffinityConfig)) {
    errs.push(forbiddenField("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
  }
  errs.push(...validateClusterIPsRelatedFields(spec));
  (spec.externalIPs ?? []).forEach((ip: string, i: number) => {
    const at = `spec.externalIPs[${i}]`;
    const e = validateLegacyIP(ip, at);
    errs.push(...(e.length > 0 ? e : validateNonSpecialIP(ip, at)));
  });
  if (!spec.type) errs.push(required("spec.type", ""));
  else if (!supportedServiceTypes.includes(spec.type)) errs.push(notSupported("spec.type", spec.type, supportedServiceTypes));
  if (spec.type === "ClusterIP") {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbiddenField(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = mutant("validation.node-port-unique-across-protocols") ? `${p.nodePort}` : `${p.protocol ?? ""}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? ""}/${p.port ?? 0}`;
    if (seen.has(key)) errs.push(duplicate(`spec.ports[${i}]`, goValue(servicePortKey(p))));
    seen.add(key);
  });
  errs.push(...validateLoadBalancerSourceRanges(s));
  if (has(spec.allocateLoadBalancerNodePorts) && spec.type !== "LoadBalancer") {
    errs.push(forbiddenField("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"));
  }
  // Kubernetes reports a missing allocateLoadBalancerNodePorts without the spec prefix.
  if (spec.type === "LoadBalancer" && !has(spec.allocateLoadBalancerNodePorts)) errs.push(required("allocateLoadBalancerNodePorts", ""));
  errs.push(...validateLoadBalancerClass(undefined, s));
  errs.push(...validateExternalTrafficPolicy(spec));
  errs.push(...validateInternalTrafficPolicy(spec));
  errs.push(...validateTrafficDistribution(spec));
  return errs;
}

const trafficDistributions = ["PreferClose", "PreferSameZone", "PreferSameNode"];

/** validateServiceTrafficDistribution: one of the known distributions when set. */
function validateTrafficDistribution(spec: Obj): FieldError[] {
  if (!has(spec.trafficDistribution) || trafficDistributions.includes(spec.trafficDistribution)) return [];
  return [notSupported("spec.trafficDistribution", spec.trafficDistribution, trafficDistributions)];
}

// validateUpgradeDowngradeClusterIPs: the primary cluster IP never changes; a secondary may be added or released.
function validateClusterIPsUpdate(old: Obj, spec: Obj): FieldError[] {
  if (spec.type === "ExternalName" || old.type === "ExternalName") return [];
  if (isHeadless(old) && isHeadless(spec)) return [];
  const was = clusterIPsOf(old);
  const now = clusterIPsOf(spec);
  const errs: FieldError[] = [];
  if (was.length === now.length) {
    was.forEach((ip, i) => {
      if (ip !== now[i]) errs.push(invalidValue(`spec.clusterIPs[${i}]`, marshalled(now), "may not change once set"));
    });
  } else if (was.length > now.length) {
    if (now.length === 0) errs.push(invalidValue("spec.clusterIPs[0]", marshalled(now), "primary clusterIP can not be unset"));
    if (was.length > 0 && now.length > 0 && now[0] !== was[0]) errs.push(invalidValue("spec.clusterIPs[0]", marshalled(now), "may not change once set"));
    if (now.length === 1 && spec.ipFamilyPolicy !== "SingleStack") {
      errs.push(invalidValue("spec.ipFamilyPolicy", spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (was.length > 0 && now[0] !== was[0]) {
    errs.push(invalidValue("spec.clusterIPs[0]", marshalled(now), "may not change once set"));
  }
  return errs;
}

// validateUpgradeDowngradeIPFamilies: the primary family never changes; releasing the secondary needs SingleStack.
function validateIPFamiliesUpdate(old: Obj, spec: Obj): FieldError[] {
  if (spec.type === "ExternalName" || old.type === "ExternalName") return [];
  if (isHeadless(old) !== isHeadless(spec) || isHeadless(spec)) return [];
  const was: string[] = old.ipFamilies ?? [];
  const now: string[] = spec.ipFamilies ?? [];
  const errs: FieldError[] = [];
  if (was.length === now.length) {
    was.forEach((f, i) => {
      if (f !== now[i]) errs.push(invalidValue("spec.ipFamilies[0]", marshalled(now), "may not change once set"));
    });
  } else if (was.length > now.length) {
    if (clusterIPsOf(spec).length === 0) errs.push(invalidValue("spec.ipFamilies[0]", marshalled(now), "primary ipFamily can not be unset"));
    if (now.length > 0 && now[0] !== was[0]) errs.push(invalidValue("spec.ipFamilies[0]", marshalled(clusterIPsOf(spec)), "may not change once set"));
    if (now.length === 1 && spec.ipFamilyPolicy !== "SingleStack") {
      errs.push(invalidValue("spec.ipFamilyPolicy", spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (was.length > 0 && now.length > 0 && now[0] !== was[0]) {
    errs.push(invalidValue("spec.ipFamilies[0]", marshalled(clusterIPsOf(spec)), "may not change once set"));
  }
  return errs;
}

/** ValidateServiceUpdate: metadata immutables, cluster IPs and families, load balancer class, health check port, then ValidateService. */
export function validateServiceUpdate(svc: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const spec = svc.spec ?? {};
  const oldSpec = old.spec ?? {};
  errs.push(...validateClusterIPsUpdate(oldSpec, spec));
  errs.push(...validateIPFamiliesUpdate(oldSpec, spec));
  errs.push(...validateLoadBalancerClass(old, { ...svc, spec }));
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && (spec.healthCheckNodePort ?? 0) !== (oldSpec.healthCheckNodePort ?? 0)) {
    errs.push(forbiddenField("spec.healthCheckNodePort", "field is immutable"));
  }
  errs.push(...validateService(svc));
  return errs;
}
