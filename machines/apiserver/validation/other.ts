// Validation of the smaller kinds: Namespace, ConfigMap, Secret, ServiceAccount, Endpoints,
// EndpointSlice, Event, Lease, PodDisruptionBudget, PriorityClass — names and the basics.

import { duplicate, forbiddenField, goValue, internalFieldError, invalidValue, notSupported, required, tooLong, tooMany, type FieldError } from "../status.js";
import { RecentClean, STANDARD_FINALIZERS, validateImmutable, validateLabels, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isMarkedFrozen } from "../../common/equal.js";
import { fieldImmutableErrorMsg, isConfigMapKey, isFullyQualifiedDomainName, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortNum, nameIsDNSLabel, nameIsDNSSubdomain } from "./names.js";
import { isIPv6, validateLegacyIP, validateNonSpecialIP } from "./ip.js";
import { goJsonUnmarshalError } from "./jsonerrors.js";
import { validateLabelSelector } from "./selector.js";
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from "./apps.js";
import { utf8Length } from "../../common/bytes.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** Highest value a user-defined PriorityClass may have. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;

// validateFinalizerName: a qualified name, and an unprefixed name must be one of Kubernetes' own.
function validateFinalizerName(value: string, path: string): FieldError[] {
  const errs = isQualifiedName(value).map((m) => invalidValue(path, value, m));
  if (!value.includes("/") && !STANDARD_FINALIZERS.has(value)) errs.push(invalidValue(path, value, "name is neither a standard finalizer name nor is it fully qualified"));
  return errs;
}

const specFinalizers = (ns: Obj): string[] => (Array.isArray(ns.spec?.finalizers) ? ns.spec.finalizers.map(String) : []);

/** ValidateNamespace: a DNS-1123 label name, cluster-scoped; spec.finalizers reported at the list, not the index. */
export function validateNamespace(ns: Obj): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, false, nameIsDNSLabel);
  for (const f of specFinalizers(ns)) errs.push(...validateFinalizerName(f, "spec.finalizers"));
  return errs;
}

/** ValidateNamespaceUpdate: metadata only (the strategy keeps spec.finalizers and status). */
export function validateNamespaceUpdate(ns: Obj, old: Obj): FieldError[] {
  return validateObjectMetaUpdate(ns.metadata, old.metadata);
}

/** ValidateNamespaceFinalizeUpdate (namespaces/finalize): metadata, then each spec finalizer at its index. */
export function validateNamespaceFinalizeUpdate(ns: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  specFinalizers(ns).forEach((f, i) => errs.push(...validateFinalizerName(f, `spec.finalizers[${i}]`)));
  return errs;
}

/** ValidateServiceAccount: object meta with a DNS subdomain name. */
export function validateServiceAccount(sa: Obj): FieldError[] {
  return validateObjectMeta(sa.metadata, true, nameIsDNSSubdomain);
}

/** ValidateServiceAccountUpdate. */
export function validateServiceAccountUpdate(sa: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(sa.metadata, old.metadata), ...validateServiceAccount(sa)];
}

// ValidateConfigMap's key checks: data first (a key also in binaryData is flagged there), then binaryData.
function validateDataKeys(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const data: Record<string, unknown> = obj.data ?? {};
  const binary: Record<string, unknown> = obj.binaryData ?? {};
  for (const key of Object.keys(data).sort()) {
    for (const m of isConfigMapKey(key)) errs.push(invalidValue(`data[${key}]`, key, m));
    if (Object.hasOwn(binary, key)) errs.push(invalidValue(`data[${key}]`, key, "duplicate of key present in binaryData"));
  }
  for (const key of Object.keys(binary).sort()) for (const m of isConfigMapKey(key)) errs.push(invalidValue(`binaryData[${key}]`, key, m));
  return errs;
}

/** corev1.MaxSecretSize: what a ConfigMap's or a Secret's data may hold in all (1 MiB). */
export const MAX_SECRET_SIZE = 1024 * 1024;

/** The bytes a []byte field holds: its JSON form is base64 (padding and all), decoded before validation. */
export function base64Length(s: string): number {
  let pad = 0;
  while (pad < 2 && s.length > pad && s[s.length - 1 - pad] === "=") pad++;
  return Math.floor((s.length * 3) / 4) - pad;
}

function totalBytes(values: Record<string, unknown> | undefined, length: (s: string) => number): number {
  let n = 0;
  for (const v of Object.values(values ?? {})) if (typeof v === "string") n += length(v);
  return n;
}

/** ValidateConfigMap: a subdomain name, valid data keys, and at most 1 MiB of data and binaryData together. */
export function validateConfigMap(cm: Obj): FieldError[] {
  const errs = [...validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain), ...validateDataKeys(cm)];
  // field.NewPath("") (the whole object) prints as "[]".
  if (totalBytes(cm.data, utf8Length) + totalBytes(cm.binaryData, base64Length) > MAX_SECRET_SIZE) errs.push(tooLong("[]", cm, MAX_SECRET_SIZE));
  return errs;
}

// A Secret's data as the internal type holds it: bytes by key, stringData merged over data.
function secretBytes(s: Obj): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const data = typeof s.data === "object" && s.data !== null ? s.data : {};
  for (const k of Object.keys(data)) out.set(k, Buffer.from(typeof data[k] === "string" ? data[k] : "", "base64"));
  const sd = typeof s.stringData === "object" && s.stringData !== null ? s.stringData : {};
  for (const k of Object.keys(sd)) out.set(k, Buffer.from(typeof sd[k] === "string" ? sd[k] : "", "utf8"));
  return out;
}

// The data keys and annotation the typed Secrets need (core.DockerConfigKey and friends).
const SERVICE_ACCOUNT_NAME_KEY = "kubernetes.io/service-account.name";

/** ValidateSecret: a subdomain name, valid data keys, at most 1 MiB of data, and the keys its type needs. */
export function validateSecret(s: Obj): FieldError[] {
  const errs = validateObjectMeta(s.metadata, true, nameIsDNSSubdomain);
  const bytes = secretBytes(s);
  let total = 0;
  for (const key of [...bytes.keys()].sort()) {
    for (const m of isConfigMapKey(key)) errs.push(invalidValue(`data[${key}]`, key, m));
    total += bytes.get(key)!.length;
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong("data", "", MAX_SECRET_SIZE));
  const redacted = "<secret contents redacted>";
  switch (s.type ?? "") {
    case "kubernetes.io/service-account-token": {
      const ann = s.metadata?.annotations ?? {};
      const name = Object.hasOwn(ann, SERVICE_ACCOUNT_NAME_KEY) ? ann[SERVICE_ACCOUNT_NAME_KEY] : "";
      if (!name) errs.push(required(`metadata.annotations[${SERVICE_ACCOUNT_NAME_KEY}]`, ""));
      break;
    }
    case "kubernetes.io/dockercfg":
    case "kubernetes.io/dockerconfigjson": {
      const key = s.type === "kubernetes.io/dockercfg" ? ".dockercfg" : ".dockerconfigjson";
      const raw = bytes.get(key);
      if (raw === undefined) {
        errs.push(required(`data[${key}]`, ""));
        break;
      }
      const err = goJsonUnmarshalError(raw.toString("utf8"), "object", "map[string]interface {}");
      if (err) errs.push(invalidValue(`data[${key}]`, redacted, err));
      break;
    }
    case "kubernetes.io/basic-auth":
      // Either may be empty, but one of them must be there.
      if (!bytes.has("username") && !bytes.has("password")) errs.push(required("data[username]", ""), required("data[password]", ""));
      break;
    case "kubernetes.io/ssh-auth":
      if ((bytes.get("ssh-privatekey")?.length ?? 0) === 0) errs.push(required("data[ssh-privatekey]", ""));
      break;
    case "kubernetes.io/tls":
      if (!bytes.has("tls.crt")) errs.push(required("data[tls.crt]", ""));
      if (!bytes.has("tls.key")) errs.push(required("data[tls.key]", ""));
      break;
    default:
  }
  return errs;
}

// reflect.DeepEqual of two maps: the same keys with the same values, whatever the order.
function sameMap(a: unknown, b: unknown): boolean {
  const x = (typeof a === "object" && a !== null ? a : {}) as Record<string, unknown>;
  const y = (typeof b === "object" && b !== null ? b : {}) as Record<string, unknown>;
  const kx = Object.keys(x);
  return kx.length === Object.keys(y).length && kx.every((k) => Object.hasOwn(y, k) && x[k] === y[k]);
}

const immutableWhenSet = "field is immutable when `immutable` is set";

/** ValidateConfigMapUpdate / ValidateSecretUpdate: metadata, a Secret's type, an immutable object's data, then the create rules. */
export function validateDataUpdate(obj: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  const secret = obj.kind === "Secret";
  if (secret && (old.type ?? "") !== (obj.type ?? "")) errs.push(invalidValue("type", obj.type ?? "", fieldImmutableErrorMsg));
  if (old.immutable === true) {
    // the mutant lets an immutable ConfigMap or Secret be made mutable again
    if (obj.immutable !== true && !mutant("validation.immutable-unset-accepted")) errs.push(forbiddenField("immutable", immutableWhenSet));
    if (!sameMap(obj.data, old.data)) errs.push(forbiddenField("data", immutableWhenSet));
    if (!secret && !sameMap(obj.binaryData, old.binaryData)) errs.push(forbiddenField("binaryData", immutableWhenSet));
  }
  errs.push(...(secret ? validateSecret(obj) : validateConfigMap(obj)));
  return errs;
}

// validateEndpointAddress: a (legacy) IP that is not special, a DNS label hostname, a subdomain nodeName.
function validateEndpointAddress(addr: Obj, path: string): FieldError[] {
  const ip = typeof addr?.ip === "string" ? addr.ip : "";
  const errs = validateLegacyIP(ip, `${path}.ip`);
  const hostname = typeof addr?.hostname === "string" ? addr.hostname : "";
  if (hostname.length > 0) errs.push(...isDNS1123Label(hostname).map((m) => invalidValue(`${path}.hostname`, hostname, m)));
  if (typeof addr?.nodeName === "string") for (const m of nameIsDNSSubdomain(addr.nodeName, false)) errs.push(invalidValue(`${path}.nodeName`, addr.nodeName, m));
  errs.push(...validateNonSpecialIP(ip, `${path}.ip`));
  return errs;
}

const portProtocols = ["SCTP", "TCP", "UDP"];

// validateEndpointPort: a name when there are several, a port number, a protocol, a qualified appProtocol.
function validateEndpointPort(p: Obj, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = typeof p?.name === "string" ? p.name : "";
  if (requireName && name.length === 0) errs.push(required(`${path}.name`, ""));
  else if (name.length > 0) errs.push(...isDNS1123Label(name).map((m) => invalidValue(`${path}.name`, name, m)));
  const port = typeof p?.port === "number" ? p.port : 0;
  for (const m of isValidPortNum(port)) errs.push(invalidValue(`${path}.port`, port, m));
  const protocol = typeof p?.protocol === "string" ? p.protocol : "";
  if (protocol.length === 0) errs.push(required(`${path}.protocol`, ""));
  else if (!portProtocols.includes(protocol)) errs.push(notSupported(`${path}.protocol`, protocol, portProtocols));
  if (typeof p?.appProtocol === "string") errs.push(...isQualifiedName(p.appProtocol).map((m) => invalidValue(`${path}.appProtocol`, p.appProtocol, m)));
  return errs;
}

/** ValidateEndpoints (create and update): object meta, then each subset's addresses and ports. */
export function validateEndpoints(ep: Obj): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, true, nameIsDNSSubdomain);
  (Array.isArray(ep.subsets) ? ep.subsets : []).forEach((ss: Obj, i: number) => {
    const at = `subsets[${i}]`;
    const addresses: Obj[] = Array.isArray(ss?.addresses) ? ss.addresses : [];
    const notReady: Obj[] = Array.isArray(ss?.notReadyAddresses) ? ss.notReadyAddresses : [];
    const ports: Obj[] = Array.isArray(ss?.ports) ? ss.ports : [];
    if (addresses.length === 0 && notReady.length === 0) errs.push(required(at, "must specify `addresses` or `notReadyAddresses`"));
    addresses.forEach((a, j) => errs.push(...validateEndpointAddress(a, `${at}.addresses[${j}]`)));
    notReady.forEach((a, j) => errs.push(...validateEndpointAddress(a, `${at}.notReadyAddresses[${j}]`)));
    ports.forEach((p, j) => errs.push(...validateEndpointPort(p, ports.length > 1, `${at}.ports[${j}]`)));
  });
  return errs;
}

/** ValidateEndpointsUpdate: metadata, then the create rules (nodeName may change). */
export function validateEndpointsUpdate(ep: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(ep.metadata, old.metadata), ...validateEndpoints(ep)];
}

/**
 * ValidateEndpointSlice (pkg/apis/discovery/validation): a subdomain name, a supported addressType,
 * at most 1000 endpoints of 1 to 100 addresses each (legacy IPs of the slice's family that are
 * not special, or FQDNs), node names, DNS-label hostnames, zone and node hints, at most 20000
 * ports with unique DNS-label names, a protocol and a qualified appProtocol.
 */
export function validateEndpointSlice(es: Obj): FieldError[] {
  const errs = validateObjectMeta(es.metadata, true, nameIsDNSSubdomain);
  const types = ["FQDN", "IPv4", "IPv6"];
  const addressType = typeof es.addressType === "string" ? es.addressType : "";
  if (addressType === "") errs.push(required("addressType", ""));
  else if (!types.includes(addressType)) errs.push(notSupported("addressType", addressType, types));
  errs.push(...validateSliceEndpoints(listOf(es.endpoints), addressType), ...validateSlicePorts(listOf(es.ports)));
  return errs;
}

/** ValidateEndpointSliceUpdate: the slice as on create, and its addressType unchanged. */
export function validateEndpointSliceUpdate(es: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(es.metadata, old.metadata), ...validateEndpointSlice(es), ...validateImmutable(es.addressType, old.addressType, "addressType")];
}

function listOf(v: unknown): Obj[] {
  return Array.isArray(v) ? v : [];
}

// Deep-frozen endpoints found clean, by identity, per addressType (the one thing besides the
// endpoint its checks read; the index only names errors, and a clean one has none). The controller
// keeps an unchanged pod's endpoint from one version of its slice to the next, so an update checks
// the endpoints it changed. Recent ones only, as meta.ts keeps labels.
const cleanEndpoints = new Map<string, RecentClean>();

function validateSliceEndpoints(endpoints: Obj[], addressType: string): FieldError[] {
  if (endpoints.length > 1000) return [tooMany("endpoints", endpoints.length, 1000)];
  const errs: FieldError[] = [];
  let clean = cleanEndpoints.get(addressType);
  if (clean === undefined) {
    // bounded: a client may name any addressType (refused, but validated first)
    if (cleanEndpoints.size >= 8) cleanEndpoints.clear();
    cleanEndpoints.set(addressType, (clean = new RecentClean()));
  }
  endpoints.forEach((e, i) => {
    const frozen = typeof e === "object" && e !== null && isMarkedFrozen(e);
    if (frozen && clean.has(e)) return;
    const before = errs.length;
    const at = `endpoints[${i}]`;
    const addresses: unknown[] = Array.isArray(e?.addresses) ? e.addresses : [];
    if (addresses.length === 0) errs.push(required(`${at}.addresses`, "must contain at least 1 address"));
    else if (addresses.length > 100) errs.push(tooMany(`${at}.addresses`, addresses.length, 100));
    addresses.forEach((raw, j) => errs.push(...validateSliceAddress(String(raw), addressType, `${at}.addresses[${j}]`)));
    if (typeof e?.nodeName === "string") for (const m of nameIsDNSSubdomain(e.nodeName, false)) errs.push(invalidValue(`${at}.nodeName`, e.nodeName, m));
    errs.push(...validateDeprecatedTopology(e?.deprecatedTopology, `${at}.deprecatedTopology`));
    if (typeof e?.hostname === "string") for (const m of isDNS1123Label(e.hostname)) errs.push(invalidValue(`${at}.hostname`, e.hostname, m));
    if (e?.hints !== null && typeof e?.hints === "object") errs.push(...validateSliceHints(e.hints, `${at}.hints`));
    if (frozen && errs.length === before) clean.add(e);
  });
  return errs;
}

// An endpoint's deprecatedTopology: at most 16 labels, each a valid label, and never the zone key,
// which v1beta1's conversion moves to zone (Kubernetes reports its presence as an internal error).
function validateDeprecatedTopology(topology: unknown, path: string): FieldError[] {
  if (typeof topology !== "object" || topology === null || Array.isArray(topology)) return [];
  const labels = topology as Record<string, string>;
  const count = Object.keys(labels).length;
  const errs = count > 16 ? [tooMany(path, count, 16)] : [];
  errs.push(...validateLabels(labels, path));
  if (Object.hasOwn(labels, "topology.kubernetes.io/zone")) errs.push(internalFieldError(`${path}[topology.kubernetes.io/zone]`, "reserved key was not removed in conversion"));
  return errs;
}

// Unknown address types fall through unvalidated, as in Kubernetes.
function validateSliceAddress(address: string, addressType: string, path: string): FieldError[] {
  if (addressType === "FQDN") return isFullyQualifiedDomainName(path, address);
  if (addressType !== "IPv4" && addressType !== "IPv6") return [];
  const errs = validateLegacyIP(address, path);
  if (errs.length > 0) return errs;
  // the mutant takes any IP in a slice of either family
  if ((addressType === "IPv6") !== isIPv6(address) && !mutant("validation.endpointslice-address-family-unchecked")) errs.push(invalidValue(path, address, `must be an ${addressType} address`));
  return [...errs, ...validateNonSpecialIP(address, path)];
}

function validateSliceHints(hints: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const zones = listOf(hints.forZones);
  if (zones.length > 8) errs.push(tooMany(`${path}.forZones`, zones.length, 8));
  else {
    const seen = new Set<string>();
    zones.forEach((z, i) => {
      const name = typeof z?.name === "string" ? z.name : "";
      const at = `${path}.forZones[${i}].name`;
      if (seen.has(name)) errs.push(duplicate(at, name));
      else seen.add(name);
      for (const m of isValidLabelValue(name)) errs.push(invalidValue(at, name, m));
    });
  }
  const nodes = listOf(hints.forNodes);
  if (nodes.length > 8) return [...errs, tooMany(`${path}.forNodes`, nodes.length, 8)];
  const seen = new Set<string>();
  nodes.forEach((n, i) => {
    const name = typeof n?.name === "string" ? n.name : "";
    const at = `${path}.forNodes[${i}].name`;
    if (seen.has(name)) errs.push(duplicate(at, name));
    else seen.add(name);
    for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalidValue(at, name, m));
  });
  return errs;
}

const slicePortProtocols = ["SCTP", "TCP", "UDP"];

function validateSlicePorts(ports: Obj[]): FieldError[] {
  if (ports.length > 20000) return [tooMany("ports", ports.length, 20000)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = `ports[${i}]`;
    const name = typeof p?.name === "string" ? p.name : "";
    if (name.length > 0) for (const m of isDNS1123Label(name)) errs.push(invalidValue(`${at}.name`, name, m));
    if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
    else names.add(name);
    if (p?.protocol === undefined || p?.protocol === null) errs.push(required(`${at}.protocol`, ""));
    else if (!slicePortProtocols.includes(p.protocol)) errs.push(notSupported(`${at}.protocol`, p.protocol, slicePortProtocols));
    if (typeof p?.appProtocol === "string") for (const m of isQualifiedName(p.appProtocol)) errs.push(invalidValue(`${at}.appProtocol`, p.appProtocol, m));
  });
  return errs;
}

/**
 * legacyValidateEvent, which ValidateEventCreate / ValidateEventUpdate run for every request (alone for
 * core/v1 ones; the object metadata is left to the registry's common checks). An event without
 * eventTime must agree with its involved object's namespace; one with eventTime is judged by the
 * events.k8s.io rules. The object is core/v1's, whose JSON names ReportingController reportingComponent.
 */
export function validateEvent(ev: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ns: string = typeof ev.metadata?.namespace === "string" ? ev.metadata.namespace : "";
  const involvedNs: string = typeof ev.involvedObject?.namespace === "string" ? ev.involvedObject.namespace : "";
  const str = (k: string): string => (typeof ev[k] === "string" ? ev[k] : "");
  const mismatch = () => errs.push(invalidValue("involvedObject.namespace", involvedNs, "does not match event.namespace"));
  if (!ev.eventTime) {
    if (involvedNs === "" ? ns !== "" && ns !== "default" : ns !== involvedNs) mismatch();
  } else {
    if (involvedNs === "" && ns !== "default" && ns !== "kube-system") mismatch();
    const controller = str("reportingComponent");
    if (controller.length === 0) errs.push(required("reportingController", ""));
    for (const m of isQualifiedName(controller)) errs.push(invalidValue("reportingController", controller, m));
    const limited: [string, number][] = [["reportingInstance", 128], ["action", 128], ["reason", 128]];
    for (const [k, limit] of limited) {
      if (str(k).length === 0) errs.push(required(k, ""));
      if (utf8Length(str(k)) > limit) errs.push(invalidValue(k, "", `can have at most ${limit} characters`));
    }
    if (utf8Length(str("message")) > 1024) errs.push(invalidValue("message", "", "can have at most 1024 characters"));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalidValue("namespace", ns, m));
  return errs;
}

// validateV1EventSeries: a series counts at least 2 and names when it was last observed
function eventSeriesErrors(ev: Obj): FieldError[] {
  const series = ev.series;
  if (series === undefined || series === null) return [];
  const errs: FieldError[] = [];
  if (!(typeof series.count === "number" && series.count >= 2)) errs.push(invalidValue("series.count", "", "should be at least 2"));
  if (!series.lastObservedTime) errs.push(required("series.lastObservedTime", ""));
  return errs;
}

/**
 * ValidateEventCreate for an events.k8s.io/v1 request (the object converted to core/v1): the legacy
 * rules, then the strict ones: a subdomain name, the series, eventTime required, type Normal or
 * Warning, and none of the deprecated core fields (firstTimestamp, lastTimestamp, count, source) set.
 */
export function validateEventCreateV1(ev: Obj): FieldError[] {
  const errs = validateEvent(ev);
  errs.push(...validateObjectMeta(ev.metadata, true, nameIsDNSSubdomain), ...eventSeriesErrors(ev));
  if (!ev.eventTime) errs.push(required("eventTime", ""));
  if (ev.type !== "Normal" && ev.type !== "Warning") errs.push(invalidValue("type", "", `has invalid value: ${typeof ev.type === "string" ? ev.type : ""}`));
  if (ev.firstTimestamp) errs.push(invalidValue("firstTimestamp", "", "needs to be unset"));
  if (ev.lastTimestamp) errs.push(invalidValue("lastTimestamp", "", "needs to be unset"));
  if (typeof ev.count === "number" && ev.count !== 0) errs.push(invalidValue("count", "", "needs to be unset"));
  if (ev.source?.component || ev.source?.host) errs.push(invalidValue("source", "", "needs to be unset"));
  return errs;
}

// A Go zero value and an absent JSON field are the same field: "" , 0, null, {} and [] compare as absent.
function zeroed(v: unknown): unknown {
  if (v === "" || v === 0 || v === false || v === null) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(zeroed);
  if (typeof v === "object") {
    const kept = Object.entries(v as Obj).map(([k, x]) => [k, zeroed(x)] as const).filter(([, x]) => x !== undefined);
    return kept.length === 0 ? undefined : Object.fromEntries(kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return v;
}
const sameEventField = (a: unknown, b: unknown) => JSON.stringify(zeroed(a) ?? null) === JSON.stringify(zeroed(b) ?? null);

/**
 * ValidateEventUpdate for an events.k8s.io/v1 request: the legacy rules, the metadata update, the
 * series when it changed, and every other field immutable (reason is checked twice, as events.go does).
 */
export function validateEventUpdateV1(ev: Obj, old: Obj): FieldError[] {
  const errs = [...validateEvent(ev), ...validateObjectMetaUpdate(ev.metadata, old.metadata)];
  if (!sameEventField(ev.series, old.series)) errs.push(...eventSeriesErrors(ev));
  const immutable: [json: string, path: string][] = [
    ["involvedObject", "involvedObject"], ["reason", "reason"], ["message", "message"], ["source", "source"], ["firstTimestamp", "firstTimestamp"],
    ["lastTimestamp", "lastTimestamp"], ["count", "count"], ["reason", "reason"], ["type", "type"], ["eventTime", "eventTime"], ["action", "action"],
    ["related", "related"], ["reportingComponent", "reportingController"], ["reportingInstance", "reportingInstance"],
  ];
  for (const [json, path] of immutable) {
    if (!sameEventField(ev[json], old[json])) errs.push(invalidValue(path, ev[json] ?? "", fieldImmutableErrorMsg));
  }
  return errs;
}

/** ValidateLease: a subdomain name, positive leaseDurationSeconds, non-negative leaseTransitions. */
export function validateLease(lease: Obj): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, true, nameIsDNSSubdomain);
  const spec = lease.spec ?? {};
  if (typeof spec.leaseDurationSeconds === "number" && spec.leaseDurationSeconds <= 0) {
    errs.push(invalidValue("spec.leaseDurationSeconds", spec.leaseDurationSeconds, "must be greater than 0"));
  }
  if (typeof spec.leaseTransitions === "number") errs.push(...validateNonnegative(spec.leaseTransitions, "spec.leaseTransitions"));
  return errs;
}

/**
 * ValidatePodDisruptionBudgetSpec: minAvailable and maxUnavailable are exclusive (an error at spec,
 * whose value Go prints as the %#v of the spec struct), each a non-negative int or a percent of at
 * most 100%, the selector valid, unhealthyPodEvictionPolicy one of the two policies.
 */
export function validatePodDisruptionBudget(pdb: Obj): FieldError[] {
  const errs = validateObjectMeta(pdb.metadata, true, nameIsDNSSubdomain);
  const spec = pdb.spec ?? {};
  if (spec.minAvailable != null && spec.maxUnavailable != null) {
    errs.push(invalidValue("spec", goValue(goPDBSpec(spec)), "minAvailable and maxUnavailable cannot be both set"));
  }
  for (const f of ["minAvailable", "maxUnavailable"]) {
    if (spec[f] == null) continue;
    errs.push(...validatePositiveIntOrPercent(spec[f], `spec.${f}`), ...isNotMoreThan100Percent(spec[f], `spec.${f}`));
  }
  errs.push(...validateLabelSelector(spec.selector, "spec.selector"));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy != null) {
    const supported = ["AlwaysAllow", "IfHealthyBudget"];
    if (!supported.includes(policy)) errs.push(notSupported("spec.unhealthyPodEvictionPolicy", policy, supported));
  }
  return errs;
}

// The spec as Go's %#v prints it: each pointer field nil or an address (a fixed one here, as a
// model has no heap; kube-apiserver prints wherever its decoder put the value).
function goPDBSpec(spec: Obj): string {
  const ptr = (v: unknown, type: string, addr: string) => `(*${type})(${v == null ? "nil" : addr})`;
  return `policy.PodDisruptionBudgetSpec{MinAvailable:${ptr(spec.minAvailable, "intstr.IntOrString", "0xc000a10000")}, Selector:${ptr(spec.selector, "v1.LabelSelector", "0xc000a10020")}, ` +
    `MaxUnavailable:${ptr(spec.maxUnavailable, "intstr.IntOrString", "0xc000a10040")}, UnhealthyPodEvictionPolicy:${ptr(spec.unhealthyPodEvictionPolicy, "policy.UnhealthyPodEvictionPolicyType", "0xc000a10060")}}`;
}

/**
 * ValidatePriorityClass: "system-" names are reserved for the known system classes, at their value
 * and with globalDefault false (IsKnownSystemPriorityClass's words); user values at most 1000000000;
 * preemptionPolicy, when set, one of the two policies.
 */
export function validatePriorityClass(pc: Obj, systemClasses: ReadonlyMap<string, number>): FieldError[] {
  const errs = validateObjectMeta(pc.metadata, false, nameIsDNSSubdomain);
  const name: string = pc.metadata?.name ?? "";
  if (name.startsWith("system-")) {
    const known = systemClasses.get(name);
    const reason = known === undefined ? `${name} is not a known system priority class`
      : known !== pc.value ? `value of ${name} PriorityClass must be ${known}`
      : pc.globalDefault === true ? `globalDefault of ${name} PriorityClass must be false` : undefined;
    if (reason !== undefined) errs.push(forbiddenField("metadata.name", `priority class names with 'system-' prefix are reserved for system use only. error: ${reason}`));
  } else if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbiddenField("value", `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const pp = pc.preemptionPolicy;
  if (pp === "") errs.push(required("preemptionPolicy", ""));
  else if (pp != null && pp !== "PreemptLowerPriority" && pp !== "Never") errs.push(notSupported("preemptionPolicy", pp, ["PreemptLowerPriority", "Never"]));
  return errs;
}

/** ValidatePriorityClassUpdate: value and preemptionPolicy may not change. */
export function validatePriorityClassUpdate(pc: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(pc.metadata, old.metadata);
  if (pc.value !== old.value) errs.push(forbiddenField("value", "may not be changed in an update."));
  errs.push(...validateImmutable(pc.preemptionPolicy, old.preemptionPolicy, "preemptionPolicy"));
  return errs;
}
