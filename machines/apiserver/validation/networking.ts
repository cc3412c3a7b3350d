// networking.k8s.io/v1 Ingress, IngressClass and NetworkPolicy, ported from
// pkg/apis/networking/validation/validation.go (v1.35: StrictIPCIDRValidation and
// RelaxedServiceNameValidation are off, so CIDRs are parsed sloppily and backend Service names are
// DNS-1035 labels).

import { forbiddenField, goValue, invalidValue, notSupported, required, tooLong, type FieldError } from "../status.js";
import { parseIPSloppy, validateCIDR, validateIP } from "./ip.js";
import { goJsonMarshal } from "../schema/decode.js";
import { sameJSON } from "./pod.js";
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import {
  fieldImmutableErrorMsg, isDNS1123Subdomain, isDomainPrefixedPath, isValidPathSegmentName, isValidPortName, isValidPortNum, isWildcardDNS1123Subdomain,
  nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain,
} from "./names.js";
import { validateLabelSelector } from "./selector.js";
import { mutant } from "../../common/mutation.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
const MAX_LEN_INGRESS_CLASS_CONTROLLER = 250;
const supportedPathTypes = ["Exact", "ImplementationSpecific", "Prefix"];
const invalidPathSequences = ["//", "/./", "/../", "%2f", "%2F"];
const invalidPathSuffixes = ["/..", "/."];
const invalidCIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

// ---- NetworkPolicy ----

interface ParsedCIDR { network: number[]; prefix: number }

/** netutils.ParseCIDRSloppy: an address (leading zeros allowed) and a prefix length; the network is the masked address. */
function parseCIDRSloppy(value: string): ParsedCIDR | undefined {
  const slash = value.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIPSloppy(value.slice(0, slash));
  const lenText = value.slice(slash + 1);
  if (!ip || !/^[0-9]{1,3}$/.test(lenText) || Number(lenText) > ip.bytes.length * 8) return undefined;
  const prefix = Number(lenText);
  const network = ip.bytes.map((b, i) => b & ((0xff << (8 - Math.max(0, Math.min(8, prefix - i * 8)))) & 0xff));
  return { network, prefix };
}

/** IPNet.Contains for two parsed networks of the same family. */
function contains(net: ParsedCIDR, ip: number[]): boolean {
  if (net.network.length !== ip.length) return false;
  return ip.every((b, i) => (b & ((0xff << (8 - Math.max(0, Math.min(8, net.prefix - i * 8)))) & 0xff)) === net.network[i]);
}

/** ValidateIPBlock: cidr required and a CIDR (IsValidCIDRForLegacyField); each except a strict subset of it. */
function validateIPBlock(ipb: Obj, path: string, allowed: readonly string[]): FieldError[] {
  const cidr: string = ipb.cidr ?? "";
  if (cidr === "") return [required(`${path}.cidr`)];
  const legacy = (v: string, p: string): FieldError[] => (allowed.includes(v) || parseCIDRSloppy(v) ? [] : [invalidValue(p, v, invalidCIDR)]);
  const errs = legacy(cidr, `${path}.cidr`);
  const net = parseCIDRSloppy(cidr);
  if (!net) return errs;
  (ipb.except ?? []).forEach((ex: string, i: number) => {
    const p = `${path}.except[${i}]`;
    errs.push(...legacy(ex, p));
    const exNet = parseCIDRSloppy(ex);
    if (!exNet) return;
    if (!contains(net, exNet.network) || net.prefix >= exNet.prefix) errs.push(invalidValue(p, ex, "must be a strict subset of `cidr`"));
  });
  return errs;
}

/** ValidateNetworkPolicyPort: protocol TCP, UDP or SCTP; a numeric port with an endPort not below it; a named port without one. */
function validateNetworkPolicyPort(port: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol != null && !["TCP", "UDP", "SCTP"].includes(port.protocol)) errs.push(notSupported(`${path}.protocol`, port.protocol, ["TCP", "UDP", "SCTP"]));
  if (port.port != null) {
    if (typeof port.port === "number") {
      for (const msg of isValidPortNum(port.port)) errs.push(invalidValue(`${path}.port`, port.port, msg));
      if (port.endPort != null) {
        if (mutant("validation.netpol-end-port-equal-refused") ? port.endPort <= port.port : port.endPort < port.port) errs.push(invalidValue(`${path}.endPort`, port.endPort, "must be greater than or equal to `port`"));
        for (const msg of isValidPortNum(port.endPort)) errs.push(invalidValue(`${path}.endPort`, port.endPort, msg));
      }
    } else {
      if (port.endPort != null) errs.push(invalidValue(`${path}.endPort`, port.endPort, "may not be specified when `port` is non-numeric"));
      for (const msg of isValidPortName(String(port.port))) errs.push(invalidValue(`${path}.port`, port.port, msg));
    }
  } else if (port.endPort != null) {
    errs.push(invalidValue(`${path}.endPort`, port.endPort, "may not be specified when `port` is not specified"));
  }
  return errs;
}

/** ValidateNetworkPolicyPeer: exactly one kind of peer, or pod and namespace selectors together (never with an ipBlock). */
function validateNetworkPolicyPeer(peer: Obj, path: string, allowed: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  if (peer.podSelector != null) {
    peers++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector != null) {
    peers++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock != null) {
    peers++;
    errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`, allowed));
  }
  if (peers === 0) errs.push(required(path, "must specify a peer"));
  else if (peers > 1 && peer.ipBlock != null) errs.push(forbiddenField(path, "may not specify both ipBlock and another peer"));
  return errs;
}

/** ValidateNetworkPolicySpec: the pod selector, each rule's ports and peers, at most the two policy types. */
function validateNetworkPolicySpec(spec: Obj, allowed: readonly string[]): FieldError[] {
  const errs = validateLabelSelector(spec.podSelector ?? {}, "spec.podSelector");
  const rules = (list: Obj[] | undefined, dir: "ingress" | "egress", peersKey: "from" | "to") =>
    (list ?? []).forEach((rule: Obj, i: number) => {
      const p = `spec.${dir}[${i}]`;
      (rule?.ports ?? []).forEach((port: Obj, j: number) => errs.push(...validateNetworkPolicyPort(port ?? {}, `${p}.ports[${j}]`)));
      (rule?.[peersKey] ?? []).forEach((peer: Obj, j: number) => errs.push(...validateNetworkPolicyPeer(peer ?? {}, `${p}.${peersKey}[${j}]`, allowed)));
    });
  rules(spec.ingress, "ingress", "from");
  rules(spec.egress, "egress", "to");
  const types: string[] = spec.policyTypes ?? [];
  if (types.length > 2) {
    errs.push(invalidValue("spec.policyTypes", goValue(JSON.stringify(types)), "may not specify more than two policyTypes"));
    return errs;
  }
  types.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress") errs.push(notSupported(`spec.policyTypes[${i}]`, t, ["Ingress", "Egress"]));
  });
  return errs;
}

/** ValidateNetworkPolicy. */
export function validateNetworkPolicy(np: Obj): FieldError[] {
  return [...validateObjectMeta(np.metadata, true, nameIsDNSSubdomain), ...validateNetworkPolicySpec(np.spec ?? {}, [])];
}

/** ValidateNetworkPolicyUpdate: CIDRs the stored policy already has are not judged again. */
export function validateNetworkPolicyUpdate(np: Obj, old: Obj): FieldError[] {
  const existing: string[] = [];
  const collect = (rules: Obj[] | undefined, key: "from" | "to") => {
    for (const rule of rules ?? []) for (const peer of rule?.[key] ?? []) if (peer?.ipBlock) existing.push(peer.ipBlock.cidr ?? "", ...(peer.ipBlock.except ?? []));
  };
  collect(old.spec?.ingress, "from");
  collect(old.spec?.egress, "to");
  return [...validateObjectMetaUpdate(np.metadata, old.metadata), ...validateNetworkPolicySpec(np.spec ?? {}, existing)];
}

// ---- Ingress ----

interface IngressOptions { allowInvalidSecretName: boolean; allowInvalidWildcardHostRule: boolean }

/** validateIngressTypedLocalObjectReference: apiGroup a DNS subdomain, kind and name required path segments. */
function validateTypedLocalObjectReference(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.apiGroup != null) for (const msg of isDNS1123Subdomain(ref.apiGroup)) errs.push(invalidValue(`${path}.apiGroup`, ref.apiGroup, msg));
  for (const key of ["kind", "name"]) {
    // Kubernetes' Required carries the detail "<key> is required" here (validateIngressTypedLocalObjectReference)
    if (!ref[key]) errs.push(required(`${path}.${key}`, `${key} is required`));
    else for (const msg of isValidPathSegmentName(ref[key])) errs.push(invalidValue(`${path}.${key}`, ref[key], msg));
  }
  return errs;
}

/** validateIngressBackend: a resource or a Service (a DNS-1035 name and a port name or number), not both. */
function validateIngressBackend(backend: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const hasResource = backend.resource != null;
  const hasService = backend.service != null;
  if (hasResource && hasService) return [invalidValue(path, "", "cannot set both resource and service backends")];
  if (hasResource) return validateTypedLocalObjectReference(backend.resource, `${path}.resource`);
  if (!hasService) return [invalidValue(path, "", "resource or service backend is required")];
  const svc = backend.service;
  if (!svc.name) errs.push(required(`${path}.service.name`));
  else for (const msg of nameIsDNS1035Label(svc.name, false)) errs.push(invalidValue(`${path}.service.name`, svc.name, msg));
  const portName: string = svc.port?.name ?? "";
  const portNumber: number = svc.port?.number ?? 0;
  if (portName && portNumber) errs.push(invalidValue(path, "", "cannot set both port name & port number"));
  else if (portName) for (const msg of isValidPortName(portName)) errs.push(invalidValue(`${path}.service.port.name`, portName, msg));
  else if (portNumber) for (const msg of isValidPortNum(portNumber)) errs.push(invalidValue(`${path}.service.port.number`, portNumber, msg));
  else errs.push(required(path, "port name or number is required"));
  return errs;
}

/** validateHTTPIngressPath: a supported pathType; Exact and Prefix paths absolute and free of '//', '/./', '/../', '%2f'. */
function validateHTTPIngressPath(p: Obj, path: string): FieldError[] {
  if (p.pathType == null) return [required(`${path}.pathType`, "pathType must be specified")];
  const errs: FieldError[] = [];
  const value: string = p.path ?? "";
  if (p.pathType === "Exact" || p.pathType === "Prefix") {
    if (!value.startsWith("/")) errs.push(invalidValue(`${path}.path`, value, "must be an absolute path"));
    if (value.length > 0) {
      for (const seq of invalidPathSequences) if (value.includes(seq)) errs.push(invalidValue(`${path}.path`, value, `must not contain '${seq}'`));
      for (const suffix of invalidPathSuffixes) if (value.endsWith(suffix)) errs.push(invalidValue(`${path}.path`, value, `cannot end with '${suffix}'`));
    }
  } else if (p.pathType === "ImplementationSpecific") {
    if (value.length > 0 && !value.startsWith("/")) errs.push(invalidValue(`${path}.path`, value, "must be an absolute path"));
  } else {
    errs.push(notSupported(`${path}.pathType`, p.pathType, supportedPathTypes));
  }
  errs.push(...validateIngressBackend(p.backend ?? {}, `${path}.backend`));
  return errs;
}

function validateIngressRuleValue(rule: Obj, path: string): FieldError[] {
  if (rule.http == null) return [];
  const paths: Obj[] = rule.http.paths ?? [];
  const errs: FieldError[] = paths.length === 0 ? [required(`${path}.http.paths`)] : [];
  paths.forEach((p, i) => errs.push(...validateHTTPIngressPath(p ?? {}, `${path}.http.paths[${i}]`)));
  return errs;
}

/** validateIngressRules: hosts are DNS names (wildcards only as "*."), never IP addresses. */
function validateIngressRules(rules: Obj[], opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const path = `spec.rules[${i}]`;
    const host: string = rule?.host ?? "";
    let wildcard = false;
    if (host.length > 0) {
      if (parseIPSloppy(host)) errs.push(invalidValue(`${path}.host`, host, "must be a DNS name, not an IP address"));
      if (host.includes("*")) {
        for (const msg of isWildcardDNS1123Subdomain(host)) errs.push(invalidValue(`${path}.host`, host, msg));
        wildcard = true;
      } else {
        for (const msg of isDNS1123Subdomain(host)) errs.push(invalidValue(`${path}.host`, host, msg));
      }
    }
    if (!wildcard || !opts.allowInvalidWildcardHostRule) errs.push(...validateIngressRuleValue(rule ?? {}, path));
  });
  return errs;
}

/** validateIngressTLS: hosts are (wildcard) DNS subdomains, secretName a Secret name. */
function validateIngressTLS(tls: Obj[], opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  tls.forEach((t, i) => {
    (t?.hosts ?? []).forEach((host: string, j: number) => {
      const check = host.includes("*") ? isWildcardDNS1123Subdomain : isDNS1123Subdomain;
      for (const msg of check(host)) errs.push(invalidValue(`spec.tls[${i}].hosts[${j}]`, host, msg));
    });
    if (!opts.allowInvalidSecretName && t?.secretName) {
      for (const msg of nameIsDNSSubdomain(t.secretName, false)) errs.push(invalidValue(`spec.tls[${i}].secretName`, t.secretName, msg));
    }
  });
  return errs;
}

/** ValidateIngressSpec: a default backend or rules; each backend, rule and TLS entry; the class name. */
function validateIngressSpec(spec: Obj, opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  const rules: Obj[] = spec.rules ?? [];
  if (rules.length === 0 && spec.defaultBackend == null) {
    errs.push(invalidValue("spec", spec.rules === undefined ? null : goValue(JSON.stringify(spec.rules)), "either `defaultBackend` or `rules` must be specified"));
  }
  if (spec.defaultBackend != null) errs.push(...validateIngressBackend(spec.defaultBackend, "spec.defaultBackend"));
  if (rules.length > 0) errs.push(...validateIngressRules(rules, opts));
  if ((spec.tls ?? []).length > 0) errs.push(...validateIngressTLS(spec.tls, opts));
  if (spec.ingressClassName != null) {
    for (const msg of nameIsDNSSubdomain(spec.ingressClassName, false)) errs.push(invalidValue("spec.ingressClassName", spec.ingressClassName, msg));
  }
  return errs;
}

function validateIngress(ing: Obj, opts: IngressOptions): FieldError[] {
  return [...validateObjectMeta(ing.metadata, true, nameIsDNSSubdomain), ...validateIngressSpec(ing.spec ?? {}, opts)];
}

/** ValidateIngressCreate: also, the legacy class annotation must agree with ingressClassName. */
export function validateIngressCreate(ing: Obj): FieldError[] {
  const errs = validateIngress(ing, { allowInvalidSecretName: false, allowInvalidWildcardHostRule: false });
  const annotations = ing.metadata?.annotations ?? {};
  if (Object.hasOwn(annotations, INGRESS_CLASS_ANNOTATION) && ing.spec?.ingressClassName != null && annotations[INGRESS_CLASS_ANNOTATION] !== ing.spec.ingressClassName) {
    errs.push(invalidValue(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotations[INGRESS_CLASS_ANNOTATION], "must match `ingressClassName` when both are specified"));
  }
  return errs;
}

/** ValidateIngressUpdate: invalid secret names and wildcard rules the stored object already has stay allowed. */
export function validateIngressUpdate(ing: Obj, old: Obj): FieldError[] {
  const opts = {
    allowInvalidSecretName: (old.spec?.tls ?? []).some((t: Obj) => !!t?.secretName && nameIsDNSSubdomain(t.secretName, false).length > 0),
    allowInvalidWildcardHostRule: (old.spec?.rules ?? []).some((r: Obj) => (r?.host ?? "").includes("*") && validateIngressRuleValue(r, "").length > 0),
  };
  return [...validateObjectMetaUpdate(ing.metadata, old.metadata), ...validateIngress(ing, opts)];
}

/** ValidateIngressStatusUpdate: load-balancer IPs are addresses, hostnames DNS names and not addresses. */
export function validateIngressStatusUpdate(ing: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(ing.metadata, old.metadata);
  const existing = new Set<string>((old.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i?.ip).filter((ip: unknown) => !!ip));
  (ing.status?.loadBalancer?.ingress ?? []).forEach((i: Obj, n: number) => {
    const path = `status.loadBalancer.ingress[${n}]`;
    // IsValidIPForLegacyField without StrictIPCIDRValidation: a sloppy parse, stored values kept
    if (i?.ip && !existing.has(i.ip) && !parseIPSloppy(i.ip)) errs.push(invalidValue(`${path}.ip`, i.ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    if (i?.hostname) {
      for (const msg of isDNS1123Subdomain(i.hostname)) errs.push(invalidValue(`${path}.hostname`, i.hostname, msg));
      if (parseIPSloppy(i.hostname)) errs.push(invalidValue(`${path}.hostname`, i.hostname, "must be a DNS name, not an IP address"));
    }
  });
  return errs;
}

// ---- IngressClass ----

/** validateIngressClassParametersReference: kind and name path segments, scope Cluster or Namespace (with a namespace). */
function validateParametersReference(params: Obj, path: string): FieldError[] {
  // the checks of the TypedLocalObjectReference it used to be, then its scope
  const errs = validateTypedLocalObjectReference(params, path);
  if (params.scope == null) {
    errs.push(required(`${path}.scope`));
    return errs;
  }
  if (params.scope !== "Cluster" && params.scope !== "Namespace") {
    errs.push(notSupported(`${path}.scope`, params.scope, ["Cluster", "Namespace"]));
  } else if (params.scope === "Namespace") {
    if (params.namespace == null) errs.push(required(`${path}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else for (const msg of nameIsDNSLabel(params.namespace, false)) errs.push(invalidValue(`${path}.namespace`, params.namespace, msg));
  } else if (params.namespace != null) {
    errs.push(forbiddenField(`${path}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

/** ValidateIngressClass: a domain-prefixed controller of at most 250 characters, valid parameters. */
export function validateIngressClass(ic: Obj): FieldError[] {
  const errs = validateObjectMeta(ic.metadata, false, nameIsDNSSubdomain);
  const spec = ic.spec ?? {};
  const controller: string = spec.controller ?? "";
  if (controller.length === 0) errs.push(required("spec.controller"));
  else {
    if (controller.length > MAX_LEN_INGRESS_CLASS_CONTROLLER) errs.push(tooLong("spec.controller", "", MAX_LEN_INGRESS_CLASS_CONTROLLER));
    errs.push(...isDomainPrefixedPath("spec.controller", controller));
  }
  if (spec.parameters != null) errs.push(...validateParametersReference(spec.parameters, "spec.parameters"));
  return errs;
}

/** ValidateIngressClassUpdate: the controller is immutable. */
export function validateIngressClassUpdate(ic: Obj, old: Obj): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ic.metadata, old.metadata),
    ...validateImmutable(ic.spec?.controller ?? "", old.spec?.controller ?? "", "spec.controller"),
    ...validateIngressClass(ic),
  ];
}

// ---- ServiceCIDR and IPAddress ----

/** The internal ServiceCIDRSpec as field.Invalid prints it: json.Marshal of a type without json tags. */
const internalServiceCIDRSpec = (cidrs: unknown[]) => goValue(`{"CIDRs":${goJsonMarshal(cidrs)}}`);

/** netutils.IsDualStackCIDRStrings for two CIDRs: both parse, one of each family. */
function isDualStackPair(cidrs: unknown[]): boolean {
  const parsed = cidrs.map((c) => (typeof c === "string" ? parseCIDRSloppy(c) : undefined));
  if (parsed.some((p) => p === undefined)) return false;
  return parsed.filter((p) => p!.network.length === 16).length === 1;
}

/** ValidateServiceCIDR: a DNS subdomain name; one CIDR, or two of different families, each strictly valid. */
export function validateServiceCIDR(sc: Obj): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, false, nameIsDNSSubdomain);
  const cidrs: unknown[] = Array.isArray(sc.spec?.cidrs) ? sc.spec.cidrs : [];
  if (cidrs.length === 0) return [...errs, required("spec.cidrs", "at least one CIDR required")];
  if (cidrs.length > 2) return [...errs, invalidValue("spec.cidrs", internalServiceCIDRSpec(cidrs), "may only hold up to 2 values")];
  if (cidrs.length === 2 && !isDualStackPair(cidrs)) {
    return [...errs, invalidValue("spec.cidrs", internalServiceCIDRSpec(cidrs), "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64")];
  }
  cidrs.forEach((c, i) => errs.push(...validateCIDR(String(c), `spec.cidrs[${i}]`)));
  return errs;
}

/**
 * ValidateServiceCIDRUpdate (v1.33+, kubernetes#131263): the CIDRs are immutable, except that a
 * single-stack ServiceCIDR may gain a CIDR of the other family (its first CIDR kept).
 */
export function validateServiceCIDRUpdate(sc: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(sc.metadata, old.metadata);
  const cidrs: unknown[] = Array.isArray(sc.spec?.cidrs) ? sc.spec.cidrs : [];
  const was: unknown[] = Array.isArray(old.spec?.cidrs) ? old.spec.cidrs : [];
  if (cidrs.length === was.length) {
    was.forEach((c, i) => {
      if (cidrs[i] !== c) errs.push(invalidValue(`spec.cidrs[${i}]`, cidrs[i], fieldImmutableErrorMsg));
    });
  } else if (was.length === 1 && cidrs.length === 2) {
    if (cidrs[0] !== was[0]) errs.push(invalidValue("spec.cidrs[0]", cidrs[0], fieldImmutableErrorMsg));
    else errs.push(...validateServiceCIDR(sc));
  } else errs.push(invalidValue("spec.cidrs", goValue(goJsonMarshal(cidrs)), fieldImmutableErrorMsg));
  return errs;
}

/** ValidateServiceCIDRStatusUpdate: the metadata rules alone. */
export function validateServiceCIDRStatusUpdate(sc: Obj, old: Obj): FieldError[] {
  return validateObjectMetaUpdate(sc.metadata, old.metadata);
}

/** ValidateIPAddressName: the name is an IP address in canonical form (IsValidIP's messages). */
const ipAddressName = (name: string): string[] => validateIP(name, "").map((e) => e.detail);

/** validateIPAddressParentReference: a parent is required, with a resource and a name; group and namespace checked when set. */
function validateParentReference(ref: Obj): FieldError[] {
  if (ref == null) return [required("spec.parentRef")];
  const path = "spec.parentRef";
  const errs: FieldError[] = [];
  if (typeof ref.group === "string" && ref.group !== "") for (const msg of isDNS1123Subdomain(ref.group)) errs.push(invalidValue(`${path}.group`, ref.group, msg));
  for (const key of ["resource", "name"]) {
    const v = ref[key];
    if (typeof v !== "string" || v === "") errs.push(required(`${path}.${key}`));
    else for (const msg of isValidPathSegmentName(v)) errs.push(invalidValue(`${path}.${key}`, v, msg));
  }
  if (typeof ref.namespace === "string" && ref.namespace !== "") for (const msg of isValidPathSegmentName(ref.namespace)) errs.push(invalidValue(`${path}.namespace`, ref.namespace, msg));
  return errs;
}

/** ValidateIPAddress: an IP for a name (no generateName: the strategy's generator returns the base) and a valid parent. */
export function validateIPAddress(ip: Obj): FieldError[] {
  return [...validateObjectMeta(ip.metadata, false, ipAddressName), ...validateParentReference(ip.spec?.parentRef)];
}

/** The strategy's ValidateUpdate: ValidateIPAddress, then the metadata rules and an immutable parentRef. */
export function validateIPAddressUpdate(ip: Obj, old: Obj): FieldError[] {
  const errs = [...validateIPAddress(ip), ...validateObjectMetaUpdate(ip.metadata, old.metadata)];
  if (!sameJSON(ip.spec?.parentRef ?? null, old.spec?.parentRef ?? null)) errs.push(invalidValue("spec.parentRef", goValue(parentRefText(ip.spec?.parentRef)), fieldImmutableErrorMsg));
  return errs;
}

/** The internal *ParentReference as field.Invalid prints it (json.Marshal, Go field names; null for none). */
function parentRefText(ref: Obj): string {
  if (ref == null) return "null";
  const s = (v: unknown) => goJsonMarshal(typeof v === "string" ? v : "");
  return `{"Group":${s(ref.group)},"Resource":${s(ref.resource)},"Namespace":${s(ref.namespace)},"Name":${s(ref.name)}}`;
}
