// Service validation, ported in meaning from ValidateService / ValidateServiceUpdate (v1.35).
// Node-port range checks belong to the allocator, not here.

import { duplicate, forbiddenField, goQuote, goValue, invalidValue, notSupported, required, type FieldError } from "../status.js";
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { invalidIPMessage, isDNS1123Label, isDNS1123Subdomain, isIP, isValidPortNum, nameIsDNS1035Label } from "./names.js";
import { validatePortNumOrName } from "./pod.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const supportedServiceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const supportedSessionAffinity = ["ClientIP", "None"];
const supportedPortProtocols = ["SCTP", "TCP", "UDP"];
const KUBELET_PORT = 10250;

function clusterIPsOf(spec: Obj): string[] {
  if (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0) return spec.clusterIPs;
  return spec.clusterIP ? [spec.clusterIP] : [];
}

function isHeadless(spec: Obj): boolean {
  return clusterIPsOf(spec)[0] === "None";
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
  return errs;
}

function validateTypeSpecific(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ips = clusterIPsOf(spec);
  switch (spec.type) {
    case "LoadBalancer":
      if (isHeadless(spec)) errs.push(invalidValue("spec.clusterIPs[0]", ips[0], "may not be set to 'None' for LoadBalancer services"));
      (spec.ports ?? []).forEach((p: Obj, i: number) => {
        if (p.port === KUBELET_PORT) errs.push(invalidValue(`spec.ports[${i}]`, p.port, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
      });
      break;
    case "NodePort":
      if (isHeadless(spec)) errs.push(invalidValue("spec.clusterIPs[0]", ips[0], "may not be set to 'None' for NodePort services"));
      break;
    case "ExternalName": {
      if (ips.length > 0) errs.push(forbiddenField("spec.clusterIPs", "may not be set for ExternalName services"));
      if ((spec.ipFamilies ?? []).length > 0) errs.push(forbiddenField("spec.ipFamilies", "may not be set for ExternalName services"));
      if (spec.ipFamilyPolicy) errs.push(forbiddenField("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
      const cname = String(spec.externalName ?? "").replace(/\.$/, "");
      if (cname) for (const m of isDNS1123Subdomain(cname)) errs.push(invalidValue("spec.externalName", cname, m));
      else errs.push(required("spec.externalName", ""));
      break;
    }
  }
  return errs;
}

function validateClusterIPs(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.type === "ExternalName") return errs;
  const ips = clusterIPsOf(spec);
  if (spec.clusterIP && Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0 && spec.clusterIPs[0] !== spec.clusterIP) {
    errs.push(invalidValue("spec.clusterIPs", goValue(`[]string{${spec.clusterIPs.map(goQuote).join(", ")}}`), "first value must match `clusterIP`"));
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") return;
    if (!isIP(ip)) errs.push(invalidValue(`spec.clusterIPs[${i}]`, ip, invalidIPMessage));
  });
  return errs;
}

// Two ports may not share (protocol, port), nor (protocol, nodePort).
function validatePortUniqueness(ports: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) errs.push(duplicate(`spec.ports[${i}]`, goValue(`core.ServicePort{Name:"", Protocol:${goQuote(p.protocol ?? "")}, AppProtocol:(*string)(nil), Port:${p.port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`)));
    seen.add(key);
  });
  return errs;
}

function validateTrafficPolicies(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const external = spec.type === "NodePort" || spec.type === "LoadBalancer" || (spec.externalIPs ?? []).length > 0;
  const etp = spec.externalTrafficPolicy;
  if (external) {
    if (!etp) errs.push(required("spec.externalTrafficPolicy", ""));
    else if (etp !== "Cluster" && etp !== "Local") errs.push(notSupported("spec.externalTrafficPolicy", etp, ["Cluster", "Local"]));
  } else if (etp) {
    errs.push(invalidValue("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"));
  }
  const itp = spec.internalTrafficPolicy;
  if (!itp && ["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type)) errs.push(required("spec.internalTrafficPolicy", ""));
  if (itp && itp !== "Cluster" && itp !== "Local") errs.push(notSupported("spec.internalTrafficPolicy", itp, ["Cluster", "Local"]));
  return errs;
}

/** ValidateService: name (DNS-1035), ports, selector, session affinity, cluster IPs, type and traffic policies. */
export function validateService(svc: Obj): FieldError[] {
  const spec = svc.spec ?? {};
  const ports: Obj[] = spec.ports ?? [];
  const errs = validateObjectMeta(svc.metadata, true, nameIsDNS1035Label);
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== "ExternalName") errs.push(required("spec.ports", ""));
  errs.push(...validateTypeSpecific(spec));
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (spec.selector) errs.push(...validateLabels(spec.selector, "spec.selector"));
  if (!spec.sessionAffinity) errs.push(required("spec.sessionAffinity", ""));
  else if (!supportedSessionAffinity.includes(spec.sessionAffinity)) errs.push(notSupported("spec.sessionAffinity", spec.sessionAffinity, supportedSessionAffinity));
  if (spec.sessionAffinity === "None" && spec.sessionAffinityConfig) {
    errs.push(forbiddenField("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
  }
  errs.push(...validateClusterIPs(spec));
  if (!spec.type) errs.push(required("spec.type", ""));
  else if (!supportedServiceTypes.includes(spec.type)) errs.push(notSupported("spec.type", spec.type, supportedServiceTypes));
  if (spec.type === "ClusterIP") {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbiddenField(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  errs.push(...validatePortUniqueness(ports));
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

/** ValidateServiceUpdate: metadata immutables, the primary cluster IP never changes once set, then ValidateService. */
export function validateServiceUpdate(svc: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const spec = svc.spec ?? {};
  const oldSpec = old.spec ?? {};
  const toOrFromExternalName = spec.type === "ExternalName" || oldSpec.type === "ExternalName";
  const now = clusterIPsOf(spec);
  const before = clusterIPsOf(oldSpec);
  if (!toOrFromExternalName && before.length > 0 && now[0] !== before[0]) {
    errs.push(invalidValue("spec.clusterIPs[0]", goValue(`[]string{${now.map(goQuote).join(", ")}}`), "may not change once set"));
  }
  errs.push(...validateService(svc));
  return errs;
}
