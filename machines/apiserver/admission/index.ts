// The API server's write-path mutation: scheme defaulting, mutating admission plugins and the
// registry strategies' PrepareForCreate / PrepareForUpdate, in the order Kubernetes applies them.

import { deepCopy, isDeepFrozen, semanticEqual } from "../../common/equal.js";
import { setOwn } from "../../common/own.js";
import { nameIsDNSSubdomain } from "../validation/names.js";
import { admitDefaultTolerationSeconds, defaultPod, preparePodForCreate } from "./pod.js";
import { admitRuntimeClass, runtimeClassRefusal, type RuntimeClassLookup } from "./runtimeclass.js";
import { admitPodTopologyLabels, type NodeLookup } from "./podtopologylabels.js";
import { admitPriority, keepPriorityOnUpdate, priorityAdmissionError, priorityClassAdmissionError, type PriorityClassInfo } from "./priority.js";
import { admitServiceAccount, convertDeprecatedServiceAccount, type ServiceAccountLookup } from "./serviceaccount.js";
import {
  defaultDeployment, defaultPodTemplate, defaultEndpointSlice, defaultEndpoints, defaultNamespace, defaultNode,
  defaultPriorityClass, defaultReplicaSet, defaultSecret, defaultService,
} from "./kinds.js";
import { defaultHorizontalPodAutoscaler } from "./autoscaling.js";
import { defaultCronJob, defaultJob, prepareCronJobForCreate, prepareJobForCreate } from "./batch.js";
import { defaultDaemonSet, prepareDaemonSetForCreate, prepareDaemonSetForUpdate } from "./daemonset.js";
import { defaultReplicationController, defaultStatefulSet, prepareReplicatedForCreate } from "./statefulset.js";
import { admitLimitRanges, defaultLimitRange, limitRangeRefusal, pvcLimitRangeRefusal } from "./limitranger.js";
import { admitToQuotas, type QuotaCharge } from "./resourcequota.js";
import { defaultBinding } from "./rbac.js";
import {
  defaultPersistentVolume, defaultPersistentVolumeClaim, defaultStorageClass,
  admitDefaultStorageClass, admitStorageObjectInUseProtection, pvcResizeRefusal, preparePersistentVolumeClaimForCreate, preparePersistentVolumeForCreate, stampPhaseTransition,
} from "./storage.js";
import { dropTypeDependentFields } from "./servicetype.js";
import { admitDefaultIngressClass, defaultIngressClass, defaultNetworkPolicy } from "./networking.js";
import { mutant } from "../../common/mutation.js";
import { defaultMutatingWebhookConfiguration, defaultValidatingAdmissionPolicy, defaultValidatingAdmissionPolicyBinding, defaultValidatingWebhookConfiguration } from "./admissionpolicy.js";
import { defaultCSIDriver } from "./csi.js";
import { dropDisabledPodSpecFields } from "./dropdisabled.js";
import { hasPodTemplate, podSecurityNamespace, podSecurityPod, podSecurityWorkload } from "./podsecurity.js";
import { invalidValue, type FieldError } from "../status.js";
import { defaultCustomResourceDefinition, prepareCRDForCreate, prepareCRDForUpdate } from "./crd.js";
import { prepareCSRApprovalForUpdate, prepareCSRForCreate, prepareCSRForUpdate, prepareCSRStatusForUpdate, type Requester } from "./certificates.js";

export { defaultPullPolicy, imageTag } from "./pod.js";
export { priorityAdmissionError, SYSTEM_PRIORITY_CLASSES, systemPriorityClassObjects, type PriorityClassInfo } from "./priority.js";
export { tokenVolumeName, type ServiceAccountLookup } from "./serviceaccount.js";

type Obj = any;

export interface MutateContext {
  /** RFC 3339 time of the request; becomes creationTimestamp on create. */
  now: string;
  /** The stored object, for UPDATE. */
  old?: any;
  operation: "CREATE" | "UPDATE";
  /** PriorityClass name -> value (or what the Priority plugin reads of it); the system classes are always known. */
  priorityClasses?: ReadonlyMap<string, number | PriorityClassInfo>;
  /** "status" for writes to the status subresource: only status changes are kept. */
  subresource?: string;
  /** The LimitRanges of the object's namespace (LimitRanger). */
  limitRanges?: readonly any[];
  /** The ResourceQuotas of the object's namespace, by name (ResourceQuota). */
  quotas?: readonly any[];
  /** The ServiceAccount plugin's view of the accounts; without it the plugin only sets the account's name (no lookup, no token volume). */
  serviceAccounts?: ServiceAccountLookup;
  /** The StorageClasses (DefaultStorageClass gives a claim without a class the default one). */
  storageClasses?: readonly any[];
  /** The RuntimeClass lister (a pod create's runtimeClassName). */
  runtimeClasses?: RuntimeClassLookup;
  /** The Node lister (PodTopologyLabels: a pod created with spec.nodeName). */
  nodes?: NodeLookup;
  /** The IngressClasses (DefaultIngressClass gives an Ingress without a class the default one). */
  ingressClasses?: readonly any[];
  /** The labels of the object's namespace (PodSecurity reads its levels from them). */
  namespaceLabels?: unknown;
  /** The request's user (a CertificateSigningRequest's create records who asked). */
  user?: Requester;
  /** Told the Forbidden reason when an admission plugin refuses the write (the object is then not stored). */
  refuse?: (reason: string) => void;
}

const defaulters: Record<string, (o: Obj) => void> = {
  CustomResourceDefinition: defaultCustomResourceDefinition,
  Pod: defaultPod,
  Service: defaultService,
  Deployment: defaultDeployment,
  PodTemplate: defaultPodTemplate,
  ReplicaSet: defaultReplicaSet,
  Namespace: defaultNamespace,
  Node: defaultNode,
  Secret: defaultSecret,
  Endpoints: defaultEndpoints,
  EndpointSlice: defaultEndpointSlice,
  PriorityClass: defaultPriorityClass,
  Job: defaultJob,
  DaemonSet: defaultDaemonSet,
  StatefulSet: defaultStatefulSet,
  ReplicationController: defaultReplicationController,
  CronJob: defaultCronJob,
  HorizontalPodAutoscaler: defaultHorizontalPodAutoscaler,
  LimitRange: defaultLimitRange,
  PersistentVolume: defaultPersistentVolume,
  PersistentVolumeClaim: defaultPersistentVolumeClaim,
  StorageClass: defaultStorageClass,
  CSIDriver: defaultCSIDriver,
  NetworkPolicy: defaultNetworkPolicy,
  IngressClass: defaultIngressClass,
  RoleBinding: defaultBinding,
  ClusterRoleBinding: defaultBinding,
  ValidatingAdmissionPolicy: defaultValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding: defaultValidatingAdmissionPolicyBinding,
  MutatingWebhookConfiguration: defaultMutatingWebhookConfiguration,
  ValidatingWebhookConfiguration: defaultValidatingWebhookConfiguration,
};

// Kinds whose main resource ignores status writes and whose status subresource ignores spec writes.
const hasStatus = new Set(["CustomResourceDefinition", "Pod", "Service", "Deployment", "ReplicaSet", "Namespace", "Node", "PodDisruptionBudget", "Job", "DaemonSet", "CronJob", "ResourceQuota", "HorizontalPodAutoscaler", "StatefulSet", "ReplicationController", "PersistentVolume", "PersistentVolumeClaim", "Ingress", "ValidatingAdmissionPolicy", "VolumeAttachment"]);
// Kinds with metadata.generation maintained by the strategy.
const hasGeneration = new Set(["CustomResourceDefinition", "Pod", "Deployment", "ReplicaSet", "PodDisruptionBudget", "Job", "DaemonSet", "CronJob", "StatefulSet", "ReplicationController", "Ingress", "IngressClass", "NetworkPolicy", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "CSIDriver"]);

/**
 * The object with its scheme defaults only, as the decoder leaves it before the field manager reads
 * it. For the kinds of `defaulterFields`, the deep-frozen parts defaulting leaves as they are (a
 * status write's stored spec, metadata's values, an endpoint controller's endpoints) are shared,
 * not copied: admitDefaulted copies them before any step that may change them in place.
 */
export function defaulted(obj: any): any {
  const fields = isPlainObject(obj) && typeof obj.kind === "string" && Object.hasOwn(defaulterFields, obj.kind) ? defaulterFields[obj.kind]! : undefined;
  if (fields !== undefined) return defaultedSharing(obj, fields);
  const out: Obj = copyForAdmission(obj);
  out.metadata ??= {};
  defaulters[out.kind]?.(out);
  return out;
}

/**
 * A deep copy for the defaulters and plugins to change, but for a deep-frozen metadata.managedFields
 * (the field manager's, which no plugin touches): shared, so the next write finds the field sets it
 * came from (fieldset.ts) instead of decoding a copy.
 */
function copyForAdmission(obj: any): Obj {
  const meta = obj?.metadata;
  const managed = meta !== null && typeof meta === "object" && Object.hasOwn(meta, "managedFields") ? meta.managedFields : undefined;
  if (managed === undefined || managed === null || !isDeepFrozen(managed)) return deepCopy(obj);
  const out: Obj = {};
  for (const k in obj) {
    if (k !== "metadata") {
      setOwn(out, k, deepCopy(obj[k]));
      continue;
    }
    const m: Obj = {};
    for (const f in meta) setOwn(m, f, f === "managedFields" ? managed : deepCopy(meta[f]));
    setOwn(out, k, m);
  }
  return out;
}

// The top-level fields each kind's defaulter reads and writes (it never touches the others), for
// the kinds whose writes carry deep-frozen parts: status writes (the stored spec), the endpoint
// controllers' updates (endpoints frozen per pod). `spec`: the defaulter reads and writes the spec only.
const defaulterFields: Record<string, readonly string[]> = { Pod: ["spec"], Deployment: ["spec"], ReplicaSet: ["spec"], EndpointSlice: ["ports"], Endpoints: ["subsets"] };
// Kinds whose update of the main resource no admission step changes in place (but metadata's own keys).
const untouchedOnUpdate = new Set(["EndpointSlice", "Endpoints"]);

// A deep-frozen spec its kind's defaulter leaves unchanged (a stored object's, which every status
// write carries) is remembered by identity and shared, the defaulter skipped. A memo only: the
// result is what copying and defaulting gives.
const specFixpoint = new Map<string, WeakMap<object, boolean>>();

function isSpecFixpoint(kind: string, spec: object): boolean {
  let memo = specFixpoint.get(kind);
  if (memo === undefined) specFixpoint.set(kind, (memo = new WeakMap()));
  let fix = memo.get(spec);
  if (fix === undefined) {
    const copy = { kind, spec: deepCopy(spec) };
    defaulters[kind]!(copy);
    memo.set(spec, (fix = sameInOrder(copy.spec, spec)));
  }
  return fix;
}

// The objects defaultedSharing made, with the top-level fields and metadata fields that hold shared (frozen) parts.
const sharedParts = new WeakMap<object, { top: string[]; meta: string[] }>();
let sawFrozen = false;

/** defaulted for the kinds of defaulterFields: deep-frozen parts shared where the defaulter leaves them alone, the rest copied. */
function defaultedSharing(obj: Obj, fields: readonly string[]): Obj {
  const out: Obj = {};
  const parts = { top: [] as string[], meta: [] as string[] };
  let run = true;
  for (const k in obj) {
    const v = obj[k];
    sawFrozen = false;
    if (k === "metadata" && isPlainObject(v)) {
      const m: Obj = {};
      for (const f in v) {
        sawFrozen = false;
        setOwn(m, f, shareFrozen(v[f]));
        if (sawFrozen) parts.meta.push(f);
      }
      out.metadata = m;
      continue;
    }
    if (!fields.includes(k)) setOwn(out, k, shareFrozen(v));
    else if (k === "spec" && fields.length === 1 && v !== null && typeof v === "object" && isDeepFrozen(v) && isSpecFixpoint(obj.kind, v)) {
      out.spec = v;
      sawFrozen = true;
      run = false;
    } else setOwn(out, k, deepCopy(v));
    if (sawFrozen) parts.top.push(k);
  }
  out.metadata ??= {};
  if (run) defaulters[out.kind]!(out);
  if (parts.top.length > 0 || parts.meta.length > 0) sharedParts.set(out, parts);
  return out;
}

/** deepCopy, but for the deep-frozen subtrees: shared. */
function shareFrozen(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  // isFrozen first: most of what is not shared is a client's fresh object, and the mark is looked up only on frozen ones
  if (Object.isFrozen(v) && isDeepFrozen(v)) {
    sawFrozen = true;
    return v;
  }
  if (Array.isArray(v)) {
    const a: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) a[i] = shareFrozen(v[i]);
    return a;
  }
  if (!isPlainObject(v)) return deepCopy(v);
  const o: Obj = {};
  for (const k in v) setOwn(o, k, shareFrozen(v[k]));
  return o;
}

/**
 * The fields of an object defaultedSharing made that hold shared (frozen) parts, copied so the
 * admission steps may change them in place; the field manager's managedFields stay shared.
 */
function thaw(out: Obj): void {
  const parts = sharedParts.get(out);
  if (parts === undefined) return;
  for (const k of parts.top) if (Object.hasOwn(out, k)) setOwn(out, k, deepCopy(out[k]));
  const m = out.metadata;
  if (m === null || typeof m !== "object") return;
  for (const f of parts.meta) if (f !== "managedFields" && Object.hasOwn(m, f)) setOwn(m, f, deepCopy(m[f]));
}

/** Equal with the same keys in the same order (undefined-valued keys included): what defaulting a copy left as it was. */
function sameInOrder(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameInOrder(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i] || !sameInOrder((a as Record<string, unknown>)[ka[i]!], (b as Record<string, unknown>)[kb[i]!])) return false;
  }
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Applies every default and mutating admission step Kubernetes v1.35 applies to a write; returns a new object. */
export function mutate(obj: any, ctx: MutateContext): any {
  return admitDefaulted(defaulted(obj), ctx);
}

/**
 * admitDefaulted, and the top-level parts of its result that are `out`'s as `defaulted` copied them
 * from the object it was given, unchanged: the fields its kind's defaulter never touches (see
 * defaulterFields), on a write no admission step changes in place but for metadata's own keys (a
 * status write; an update of an untouchedOnUpdate kind; any write of an untouchedByAdmission kind).
 * A step that replaces such a part leaves it out (compared by identity). The given object's form
 * (Go's encoding) is theirs still.
 */
export function admitDefaultedKeeping(out: any, ctx: MutateContext): { obj: any; kept: readonly unknown[] } {
  const copied = keepsCopies(out, ctx) ? copiedParts(out) : undefined;
  const obj = admitDefaulted(out, ctx);
  if (copied === undefined) return { obj, kept: [] };
  const kept: unknown[] = [];
  for (let i = 0; i < copied.length; i += 2) if (obj[copied[i] as string] === copied[i + 1]) kept.push(copied[i + 1]);
  return { obj, kept };
}

// Whether admitDefaulted leaves the parts defaulted copied (but metadata) as they are: the paths it
// takes without thaw, and the kinds no step changes.
function keepsCopies(out: Obj, ctx: MutateContext): boolean {
  if (!isPlainObject(out) || typeof out.kind !== "string") return false;
  if (untouchedByAdmission.has(out.kind)) return true;
  if (!Object.hasOwn(defaulterFields, out.kind)) return false;
  return ctx.operation === "UPDATE" && ctx.old !== undefined && ctx.old !== null && (ctx.subresource === "status" || (!ctx.subresource && untouchedOnUpdate.has(out.kind)));
}

// Kinds without a defaulter that no mutating plugin or strategy changes but for metadata's own keys
// (pkg/registry/core/event/strategy.go: PrepareForCreate and PrepareForUpdate do nothing).
const untouchedByAdmission = new Set(["Event"]);

// The object-valued top-level fields of a defaulted result its kind's defaulter never touches, as key, value pairs in one list.
function copiedParts(out: Obj): unknown[] {
  const fields = Object.hasOwn(defaulterFields, out.kind) ? defaulterFields[out.kind]! : [];
  const pairs: unknown[] = [];
  for (const k in out) {
    const v = out[k];
    if (k !== "metadata" && v !== null && typeof v === "object" && !fields.includes(k)) pairs.push(k, v);
  }
  return pairs;
}

/** mutate's steps after the scheme defaults, on `out`: a copy of the write with its defaults (`defaulted`), changed in place and returned. */
export function admitDefaulted(out: any, ctx: MutateContext): any {
  // A status write's spec is the stored one whatever the body says: the steps that change the
  // written spec (ServiceAccount's conversion, Priority's keeping) would change what is dropped.
  if (ctx.operation === "UPDATE" && ctx.old && ctx.subresource === "status") {
    prepareForUpdate(out, ctx.old, ctx.subresource);
    if (out.kind === "PersistentVolume") stampPhaseTransition(out, ctx.old, ctx.now);
    if (out.kind === "CertificateSigningRequest") prepareCSRStatusForUpdate(out, ctx.old, ctx.now);
    return out;
  }
  if (ctx.operation === "UPDATE" && ctx.old && ctx.subresource === "approval" && out.kind === "CertificateSigningRequest") {
    keepSystemMetadata(out, ctx.old);
    prepareCSRApprovalForUpdate(out, ctx.old, ctx.now);
    return out;
  }
  if (!(ctx.operation === "UPDATE" && ctx.old && !ctx.subresource && untouchedOnUpdate.has(out.kind))) thaw(out);
  if (out.kind === "Pod") convertDeprecatedServiceAccount(out.spec);
  if (ctx.operation === "CREATE") prepareForCreate(out, ctx);
  else if (ctx.old) {
    if (out.kind === "Pod") keepPriorityOnUpdate(out, ctx.old);
    prepareForUpdate(out, ctx.old, ctx.subresource);
    if (out.kind === "PersistentVolume" && ctx.subresource === "status") stampPhaseTransition(out, ctx.old, ctx.now);
  }
  return out;
}

/**
 * Validating admission after the object validated: LimitRanger's min, max and ratio checks, then
 * ResourceQuota (always last); the Forbidden reason, or the quotas an admitted create charges.
 */
export function validatingAdmission(obj: any, ctx: MutateContext & { nowMs: number; resource?: { group: string; resource: string }; custom?: boolean }): { refused: string } | { charges: QuotaCharge[]; warnings?: string[] } {
  // a custom resource is no built-in kind (a CRD's kind Pod is not a pod): only its object count is quota's
  if (ctx.custom) return ctx.subresource ? { charges: [] } : admitToQuotas(obj, ctx.quotas ?? [], ctx.nowMs, ctx.resource!, ctx.operation === "UPDATE" ? ctx.old : undefined);
  // LimitRanger also judges a resize (its SupportsAttributes takes pods/resize updates)
  if (obj.kind === "Pod" && ((ctx.operation === "CREATE" && !ctx.subresource) || (ctx.operation === "UPDATE" && ctx.subresource === "resize"))) {
    const limited = limitRangeRefusal(obj, ctx.limitRanges ?? []);
    if (limited !== undefined) return { refused: limited };
  }
  // PodSecurity follows LimitRanger (kube-apiserver's plugin order); it sees some pod subresources (ephemeralcontainers)
  let warnings: string[] = [];
  if (obj.kind === "Pod") {
    const psa = podSecurityPod(obj, ctx.operation === "UPDATE" ? ctx.old : undefined, ctx.namespaceLabels, ctx.subresource);
    if (psa.refused !== undefined) return { refused: psa.refused };
    warnings = psa.warnings;
  } else if (hasPodTemplate(obj.kind)) warnings = podSecurityWorkload(obj, ctx.namespaceLabels, ctx.subresource);
  if (ctx.subresource) return { charges: [], ...(warnings.length > 0 ? { warnings } : {}) };
  // LimitRanger handles claims on create and update (an expansion is held to the max too)
  if (obj.kind === "PersistentVolumeClaim" && (ctx.operation === "CREATE" || ctx.operation === "UPDATE")) {
    const limited = pvcLimitRangeRefusal(obj, ctx.limitRanges ?? []);
    if (limited !== undefined) return { refused: limited };
  }
  // PersistentVolumeClaimResize follows LimitRanger (kube-apiserver's plugin order)
  if (obj.kind === "PersistentVolumeClaim" && ctx.operation === "UPDATE") {
    const resize = pvcResizeRefusal(obj, ctx.old, ctx.storageClasses ?? []);
    if (resize !== undefined) return { refused: resize };
  }
  // every namespaced resource is quota's (object counts); the evaluator says which writes it handles
  const r = ctx.resource ?? { group: "", resource: "pods" };
  const quota = admitToQuotas(obj, ctx.quotas ?? [], ctx.nowMs, r, ctx.operation === "UPDATE" ? ctx.old : undefined);
  return "refused" in quota || warnings.length === 0 ? quota : { ...quota, warnings };
}

/** PodSecurity on a Namespace's write: its labels' errors, or the warnings on existing pods a stricter enforce level finds. */
export function namespaceAdmission(ns: any, ctx: Pick<MutateContext, "old" | "operation" | "subresource"> & { pods: () => readonly any[] }): { invalid: FieldError[] } | { warnings: string[] } {
  const res = podSecurityNamespace(ns, ctx.operation === "UPDATE" ? ctx.old : undefined, ctx.subresource, ctx.pods);
  if ("warnings" in res) return res;
  return { invalid: res.invalid.map((e) => invalidValue(`metadata.labels[${e.label}]`, e.value, e.message)) };
}

export type { QuotaCharge };

/**
 * The Forbidden reason of the first admission plugin that refuses a write, or undefined: Priority
 * (a pod's class must exist and its own priority must agree; one global default class), then
 * RuntimeClass (a pod's class must exist and agree with the pod).
 */
export function admissionRefusal(obj: any, ctx: MutateContext): string | undefined {
  if (ctx.subresource) return undefined;
  if (obj.kind === "Pod" && ctx.operation === "CREATE") return priorityAdmissionError(obj, ctx.priorityClasses) ?? runtimeClassRefusal(obj, ctx.runtimeClasses);
  if (obj.kind === "PriorityClass") return priorityClassAdmissionError(obj, ctx.operation, ctx.priorityClasses);
  return undefined;
}

// Admission plugins run after decoding (defaults), then the strategy prepares the object.
function prepareForCreate(o: Obj, ctx: MutateContext): void {
  o.metadata.creationTimestamp ??= ctx.now;
  dropDisabledPodSpecFields(o, undefined);
  switch (o.kind) {
    case "Pod": {
      admitLimitRanges(o, ctx.limitRanges ?? []);
      const refused = admitServiceAccount(o, o.metadata.namespace ?? "default", ctx.serviceAccounts);
      if (refused !== undefined) ctx.refuse?.(refused);
      admitDefaultTolerationSeconds(o);
      admitPriority(o, ctx.priorityClasses);
      admitRuntimeClass(o, ctx.runtimeClasses);
      admitPodTopologyLabels(o, ctx.nodes);
      preparePodForCreate(o);
      return;
    }
    case "Deployment":
    case "ReplicaSet":
    case "PodDisruptionBudget":
      o.metadata.generation = 1;
      o.status = {};
      return;
    // the ingress strategy: an empty status (its loadBalancer struct is always marshalled)
    case "Ingress": {
      admitDefaultIngressClass(o, ctx.ingressClasses ?? []);
      o.metadata.generation = 1;
      o.status = { loadBalancer: {} };
      return;
    }
    case "IngressClass":
    case "NetworkPolicy":
    case "PodTemplate":
    case "ValidatingAdmissionPolicyBinding":
    case "MutatingWebhookConfiguration":
    case "ValidatingWebhookConfiguration":
      o.metadata.generation = 1;
      return;
    // the policy strategy clears the status the type checker owns (its struct always marshals)
    case "ValidatingAdmissionPolicy":
      o.metadata.generation = 1;
      o.status = {};
      return;
    case "Job":
      prepareJobForCreate(o);
      return;
    case "CustomResourceDefinition":
      prepareCRDForCreate(o);
      return;
    case "DaemonSet":
      prepareDaemonSetForCreate(o);
      return;
    case "StatefulSet":
    case "ReplicationController":
      prepareReplicatedForCreate(o);
      return;
    case "CronJob":
      prepareCronJobForCreate(o);
      return;
    case "Namespace": {
      // PrepareForCreate keeps the client's spec finalizers and adds "kubernetes" when it is missing.
      const given: unknown[] = Array.isArray(o.spec?.finalizers) ? o.spec.finalizers : [];
      o.spec = { ...(o.spec ?? {}), finalizers: given.includes("kubernetes") ? [...given] : [...given, "kubernetes"] };
      o.status = { phase: "Active" };
      return;
    }
    case "Service":
      o.status = { loadBalancer: {} };
      return;
    case "CertificateSigningRequest":
      prepareCSRForCreate(o, ctx.user);
      return;
    case "ResourceQuota":
      o.status = {};
      return;
    // the volume attachment strategy's empty status (its attached bool always marshals); the attacher writes it
    case "VolumeAttachment":
      o.status = { attached: false };
      return;
    // v2's desiredReplicas is not omitempty: an empty status still prints it
    case "HorizontalPodAutoscaler":
      o.status = { desiredReplicas: 0 };
      return;
    case "PersistentVolume":
      admitStorageObjectInUseProtection(o);
      preparePersistentVolumeForCreate(o, ctx.now);
      return;
    case "PersistentVolumeClaim":
      admitDefaultStorageClass(o, ctx.storageClasses ?? []);
      admitStorageObjectInUseProtection(o);
      preparePersistentVolumeClaimForCreate(o);
      return;
    case "EndpointSlice":
      o.metadata.generation = 1;
      dropTopologyOnV1(o, undefined);
      return;
    // nodeStrategy's dropDisabledFields: dynamic kubelet configuration is removed; a node keeps the rest of its status
    case "Node":
      if (o.spec?.configSource !== undefined) o.spec = withoutKey(o.spec, "configSource");
      if (o.status?.config !== undefined) o.status = withoutKey(o.status, "config");
      return;
  }
}

// endpointSliceStrategy's dropTopologyOnV1: a v1 write carries no deprecatedTopology; an endpoint
// without a nodeName takes its hostname label's only if the stored slice named that node there.
function dropTopologyOnV1(o: Obj, old: Obj | undefined): void {
  const endpoints: unknown = o.endpoints;
  if (!Array.isArray(endpoints) || !endpoints.some((e) => e !== null && typeof e === "object" && Object.hasOwn(e, "deprecatedTopology"))) return;
  if (old !== undefined && semanticEqual(endpoints, old.endpoints)) return;
  const known = new Set<string>();
  for (const e of Array.isArray(old?.endpoints) ? old.endpoints : []) {
    const n = e?.deprecatedTopology?.["kubernetes.io/hostname"];
    if (typeof n === "string" && n.length > 0) known.add(n);
  }
  o.endpoints = endpoints.map((e) => {
    if (e === null || typeof e !== "object" || !Object.hasOwn(e, "deprecatedTopology")) return e;
    const { deprecatedTopology, ...rest } = e as Obj;
    const n = deprecatedTopology?.["kubernetes.io/hostname"];
    if (rest.nodeName == null && typeof n === "string" && known.has(n) && nameIsDNSSubdomain(n, false).length === 0) rest.nodeName = n;
    return rest;
  });
}

// endpointSliceStrategy.PrepareForUpdate: a new generation when anything but metadata changed, or the labels did.
function endpointSliceChanged(o: Obj, old: Obj): boolean {
  if (!semanticEqual(o.metadata?.labels ?? {}, old.metadata?.labels ?? {})) return true;
  const keys = new Set([...Object.keys(o), ...Object.keys(old)]);
  keys.delete("metadata");
  for (const k of keys) if (!semanticEqual(o[k], old[k])) return true;
  return false;
}

function withoutKey(o: Obj, key: string): Obj {
  const { [key]: _dropped, ...rest } = o;
  return rest;
}

/**
 * podResizeStrategy's dropNonResizeUpdates: the stored spec but for each container's resources and
 * resizePolicy (matched by position and name), the stored status, metadata as ResetObjectMetaForStatus
 * keeps it. Containers added, removed, reordered or renamed keep the written spec, for validation to refuse.
 */
function dropNonResizeUpdates(o: Obj, old: Obj): void {
  const spec = o.spec ?? {};
  const oldSpec = old.spec ?? {};
  const lists = ["containers", "initContainers"] as const;
  if (lists.some((k) => (spec[k] ?? []).length !== (oldSpec[k] ?? []).length)) return;
  const merged: Record<string, Obj[] | undefined> = {};
  for (const k of lists) {
    const next: Obj[] = spec[k] ?? [];
    const prev: Obj[] = oldSpec[k] ?? [];
    if (next.some((c, i) => c?.name !== prev[i]?.name)) return;
    merged[k] = spec[k] === undefined ? undefined : prev.map((c, i) => withResizeFields(deepCopy(c), next[i]));
  }
  o.spec = deepCopy(oldSpec);
  for (const k of lists) {
    if (merged[k] === undefined) delete o.spec[k];
    else o.spec[k] = merged[k];
  }
  for (const k of ["labels", "annotations", "finalizers", "ownerReferences"]) {
    if (old.metadata?.[k] !== undefined) o.metadata[k] = deepCopy(old.metadata[k]);
    else delete o.metadata[k];
  }
}

// the written container's resources and resizePolicy on the stored one (absent when the write has none)
function withResizeFields(c: Obj, written: Obj): Obj {
  const out = { ...c };
  for (const f of ["resources", "resizePolicy"]) {
    if (written?.[f] !== undefined) out[f] = written[f];
    else delete out[f];
  }
  return out;
}

// rest.BeforeUpdate: system metadata is never taken from the request.
function keepSystemMetadata(o: Obj, old: Obj): void {
  const m = o.metadata;
  const om = old.metadata ?? {};
  if (om.creationTimestamp !== undefined) m.creationTimestamp = om.creationTimestamp;
  if (om.deletionTimestamp !== undefined && m.deletionTimestamp === undefined) m.deletionTimestamp = om.deletionTimestamp;
  if (om.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds === undefined) m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
  if (om.generation !== undefined) m.generation = om.generation;
  else delete m.generation;
  if (!m.uid && om.uid) m.uid = om.uid;
}

function prepareForUpdate(o: Obj, old: Obj, subresource?: string): void {
  keepSystemMetadata(o, old);
  if (subresource === "status") {
    // Status writes may not touch spec: the stored one, shared when deep-frozen (nothing changes it after).
    if (old.spec !== undefined) o.spec = isDeepFrozen(old.spec) ? old.spec : deepCopy(old.spec);
    else delete o.spec;
    // nodeStatusStrategy: status.config is kept only by a node that already reports one
    if (o.kind === "Node" && old.status?.config == null && o.status?.config !== undefined) o.status = withoutKey(o.status, "config");
    return;
  }
  if (subresource === "ephemeralcontainers") {
    // dropNonEphemeralContainerUpdates: the stored spec but for its ephemeral containers, the
    // stored status, and metadata as ResetObjectMetaForStatus keeps it.
    const list = o.spec?.ephemeralContainers;
    o.spec = deepCopy(old.spec ?? {});
    if (list === undefined) delete o.spec.ephemeralContainers;
    else o.spec.ephemeralContainers = list;
    for (const k of ["labels", "annotations", "finalizers", "ownerReferences"]) {
      if (old.metadata?.[k] !== undefined) o.metadata[k] = deepCopy(old.metadata[k]);
      else delete o.metadata[k];
    }
  }
  if (subresource === "resize") dropNonResizeUpdates(o, old);
  if (subresource === undefined) dropDisabledPodSpecFields(o, old);
  if (hasStatus.has(o.kind)) {
    if (old.status !== undefined) o.status = deepCopy(old.status);
    else delete o.status;
  }
  if (o.kind === "Namespace") o.spec = { ...(o.spec ?? {}), finalizers: deepCopy(old.spec?.finalizers ?? []) };
  if (o.kind === "CertificateSigningRequest" && subresource === undefined) prepareCSRForUpdate(o, old);
  if (o.kind === "EndpointSlice") {
    if (endpointSliceChanged(o, old)) o.metadata.generation = (old.metadata?.generation ?? 0) + 1;
    dropTopologyOnV1(o, old);
  }
  // nodeStrategy's dropDisabledFields: a configSource is kept only where one is already in use
  if (o.kind === "Node" && old.spec?.configSource == null && o.spec?.configSource !== undefined) o.spec = withoutKey(o.spec, "configSource");
  if (o.kind === "Service") {
    keepAllocatedServiceValues(o, old);
    dropTypeDependentFields(o, old);
  }
  if (o.kind === "DaemonSet") prepareDaemonSetForUpdate(o, old, semanticEqual);
  if (o.kind === "CustomResourceDefinition" && subresource === undefined) prepareCRDForUpdate(o);
  // podTemplateStrategy.PrepareForUpdate: a PodTemplate has no spec; a changed template is a new generation
  if (o.kind === "PodTemplate" && !semanticEqual(o.template, old.template)) o.metadata.generation = (old.metadata?.generation ?? 0) + 1;
  // The mutant compares the annotations too, as a strategy that diffs everything but status would.
  // the webhook configurations' strategies bump it when their webhooks change (they have no spec)
  const specField = o.kind === "MutatingWebhookConfiguration" || o.kind === "ValidatingWebhookConfiguration" ? "webhooks" : "spec";
  if (hasGeneration.has(o.kind) && (!sameJSON(o[specField], old[specField]) || (mutant("apiserver.generation-bumped-on-annotation-change") && !sameJSON(o.metadata?.annotations, old.metadata?.annotations)))) {
    o.metadata.generation = (old.metadata?.generation ?? 0) + (mutant("apiserver.scale-keeps-generation") && sameJSON({ ...o.spec, replicas: old.spec?.replicas }, old.spec) ? 0 : 1);
  }
}

// The service registry keeps allocated cluster IPs and node ports when an update leaves them out.
function keepAllocatedServiceValues(o: Obj, old: Obj): void {
  const spec = o.spec;
  const oldSpec = old.spec ?? {};
  const ipTypes = new Set(["ClusterIP", "NodePort", "LoadBalancer"]);
  if (ipTypes.has(spec.type) && ipTypes.has(oldSpec.type) && !spec.clusterIP && oldSpec.clusterIP) {
    spec.clusterIP = oldSpec.clusterIP;
    spec.clusterIPs = oldSpec.clusterIPs ? [...oldSpec.clusterIPs] : [oldSpec.clusterIP];
  }
  const portTypes = new Set(["NodePort", "LoadBalancer"]);
  if (portTypes.has(spec.type) && portTypes.has(oldSpec.type)) {
    // patchAllocatedValues: by port name (whatever its number or protocol now), unless another port now names that nodePort
    const named = new Set((spec.ports ?? []).map((p: Obj) => p.nodePort).filter(Boolean));
    const byName = new Map<unknown, unknown>((oldSpec.ports ?? []).map((q: Obj) => [q.name ?? "", q.nodePort]));
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const kept = byName.get(p.name ?? "");
      if (kept && !named.has(kept)) p.nodePort = kept;
    }
  }
  const needsHC = (x: Obj) => x.type === "LoadBalancer" && x.externalTrafficPolicy === "Local";
  if (needsHC(spec) && needsHC(oldSpec) && !spec.healthCheckNodePort && oldSpec.healthCheckNodePort) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
}

// Key-order-insensitive equality of JSON values, as DeepEqual on decoded objects.
function sameJSON(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJSON((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
