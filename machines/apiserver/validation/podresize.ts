// ValidatePodResize (pkg/apis/core/validation, v1.35): the pods/resize subresource's rules. Only the
// cpu and memory of regular and sidecar containers change, none is removed, and the QoS class stays.
// Since v1.34 a memory limit may shrink whatever the resize policy (the kubelet guards it, best
// effort), so the older "memory limits cannot be decreased" refusal is gone.

import { setOwn } from "../../common/own.js";
import { podQOSClass } from "../../common/qos.js";
import { forbiddenField, invalidValue, type FieldError } from "../status.js";
import { validateObjectMetaUpdate } from "./meta.js";
import { allowsInvalidDeletionCost, sameJSON, validatePodMetadataAndSpec } from "./pod.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";
const resizable = ["cpu", "memory"];

const hasPodLevelResources = (pod: Obj): boolean => {
  const r = pod?.spec?.resources;
  return r != null && Object.keys(r.requests ?? {}).length + Object.keys(r.limits ?? {}).length > 0;
};

const isRestartableInit = (c: Obj): boolean => c?.restartPolicy === "Always";

/** apiequality.Semantic.DeepEqual: an empty list or map equals an absent one (nil and empty are one to it). */
function pruned(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(pruned);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const p = pruned(x);
    if (p !== undefined) setOwn(out, k, p);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
const semanticEqual = (a: unknown, b: unknown): boolean => sameJSON(pruned(a), pruned(b));

/** ValidatePodResize: pod as a whole, then what a resize may change of each container's resources. */
export function validatePodResize(pod: Obj, old: Obj): FieldError[] {
  const errs = [
    ...validateObjectMetaUpdate(pod.metadata, old.metadata),
    ...validatePodMetadataAndSpec(pod, allowsInvalidDeletionCost(old)),
  ];
  // InPlacePodLevelResourcesVerticalScaling is alpha (off) in v1.35
  if (hasPodLevelResources(old) || hasPodLevelResources(pod)) return [forbiddenField("", "pods with pod-level resources cannot be resized")];
  if (Object.hasOwn(old.metadata?.annotations ?? {}, MIRROR_POD_ANNOTATION)) return [forbiddenField("", "static pods cannot be resized")];
  if (old.spec?.os?.name === "windows") return [forbiddenField("", "windows pods cannot be resized")];

  const spec = pod.spec ?? {};
  const oldSpec = old.spec ?? {};
  // the value Kubernetes shows is the new pod's status.qosClass: the stored one, kept by the strategy
  if (podQOSClass(old) !== podQOSClass(pod)) errs.push(invalidValue("spec", pod.status?.qosClass ?? "", "Pod QOS Class may not change as a result of resizing"));
  if (!isResizeRequestSupported(old)) errs.push(forbiddenField("spec", "Pod running on node without support for resize"));

  const oldInit: Obj[] = oldSpec.initContainers ?? [];
  const oldRegular: Obj[] = oldSpec.containers ?? [];
  const newInit: Obj[] = spec.initContainers ?? [];
  const newRegular: Obj[] = spec.containers ?? [];
  oldInit.forEach((c, i) => {
    if (isRestartableInit(c) && newInit[i] !== undefined) errs.push(...validateContainerResize(newInit[i].resources, c.resources, `spec.initContainers[${i}].resources`));
  });
  oldRegular.forEach((c, i) => {
    if (newRegular[i] !== undefined) errs.push(...validateContainerResize(newRegular[i].resources, c.resources, `spec.containers[${i}].resources`));
  });

  // Each container with its cpu and memory put back as they were must equal the stored one.
  const regular = newRegular.map((c, i) => {
    const munged = oldRegular[i] ? withOldCpuMemory(c, oldRegular[i]) : c;
    if (oldRegular[i] && !semanticEqual(munged, oldRegular[i])) errs.push(forbiddenField("spec", "only cpu and memory resources are mutable"));
    return munged;
  });
  const init = newInit.map((c, i) => {
    const prev = oldInit[i];
    if (prev === undefined) return c;
    // the mutant treats every init container as a sidecar whose cpu and memory may be resized
    if (isRestartableInit(c) || mutant("validation.resize-non-sidecar-init-mutable")) {
      const munged = withOldCpuMemory(c, prev);
      if (!semanticEqual(munged, prev)) errs.push(forbiddenField("spec", "only cpu and memory resources for sidecar containers are mutable"));
      return munged;
    }
    if (!semanticEqual(c, prev)) errs.push(forbiddenField("spec", "resources for non-sidecar init containers are immutable"));
    return c;
  });
  if (errs.length > 0) return errs;
  const munged = { ...spec, containers: regular, ...(spec.initContainers !== undefined ? { initContainers: init } : {}) };
  if (!semanticEqual(munged, oldSpec)) errs.push(forbiddenField("spec", "only cpu and memory resources are mutable"));
  return errs;
}

/**
 * isPodResizeRequestSupported: the version-skew guard. The first running container's status must
 * report resources (a kubelet that resizes does); a pod with none running is assumed supported.
 */
function isResizeRequestSupported(pod: Obj): boolean {
  for (const s of (pod.status?.containerStatuses ?? []) as Obj[]) {
    if (s?.state?.running != null) return s.resources != null;
  }
  return true;
}

/** validateContainerResize: requests and limits may change but not lose a resource. */
function validateContainerResize(next: Obj, prev: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (removed(next?.requests, prev?.requests)) errs.push(forbiddenField(`${path}.requests`, "resource requests cannot be removed"));
  if (removed(next?.limits, prev?.limits)) errs.push(forbiddenField(`${path}.limits`, "resource limits cannot be removed"));
  return errs;
}

function removed(list: Record<string, unknown> | undefined, oldList: Record<string, unknown> | undefined): boolean {
  const now = list ?? {};
  return Object.keys(oldList ?? {}).some((k) => !Object.hasOwn(now, k));
}

/** dropCPUMemoryResourcesFromContainer: the container with cpu and memory as the old one had them (a list the old lacked stays absent). */
function withOldCpuMemory(c: Obj, prev: Obj): Obj {
  const list = (next: Record<string, unknown> | undefined, old: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
    if (old === undefined) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(next ?? {})) if (!resizable.includes(k)) out[k] = v;
    for (const k of resizable) if (Object.hasOwn(old, k)) out[k] = old[k];
    return out;
  };
  const limits = list(c.resources?.limits, prev.resources?.limits);
  const requests = list(c.resources?.requests, prev.resources?.requests);
  const resources = { ...(limits !== undefined ? { limits } : {}), ...(requests !== undefined ? { requests } : {}) };
  return { ...c, resources };
}
