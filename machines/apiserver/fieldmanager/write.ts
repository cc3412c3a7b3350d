// The API server's use of the field manager: which manager a write is recorded for, and the
// managedFields of what a create, update, patch or apply stores.

import type { UserInfo } from "../auth/types.js";
import { apiVersionOf, type ResourceInfo } from "../resources.js";
import { applyConfig, resetFields, trackUpdate, type ApplyResult } from "./fieldmanager.js";
import { rootType } from "./typed.js";


/**
 * The manager of a write that names none: what the component's User-Agent would give
 * (prefixFromUserAgent of "kube-controller-manager/v1.35.0 ...", "kubelet/v1.35.0 ..."); the
 * in-process components send no User-Agent, so it is read from the identity they authenticate as.
 */
export function managerFor(fieldManager: string | undefined, user: UserInfo | undefined): string {
  if (fieldManager !== undefined) return fieldManager;
  const name = user?.name ?? "";
  if (name.startsWith("system:node:")) return "kubelet";
  if (name === "system:kube-controller-manager") return "kube-controller-manager";
  if (name === "system:kube-scheduler") return "kube-scheduler";
  if (name === "system:kube-proxy") return "kube-proxy";
  if (name === "system:apiserver") return "kube-apiserver";
  const sa = /^system:serviceaccount:[^:]+:(.+)$/.exec(name);
  if (sa) return sa[1]!;
  return name;
}

export interface TrackOptions {
  manager: string;
  /** "" for the main resource; "status", "scale", ... */
  subresource: string;
  now: string;
}

/** The managedFields a create (old undefined), update or non-apply patch stores with `obj`, or undefined for none. */
/** The Go type the field manager reads r's objects as: a custom resource has none (deduced, whatever its kind is called). */
function typeOf(r: ResourceInfo): string {
  return rootType(r.custom ? "" : r.kind);
}

export function updateRecorded(r: ResourceInfo, old: any, obj: any, o: TrackOptions): any[] | undefined {
  const managedFields = trackUpdate(old, obj, {
    type: typeOf(r), apiVersion: apiVersionOf(r), manager: o.manager, subresource: o.subresource, now: o.now,
    reset: resetFields(r.subresources.includes("status"), o.subresource),
  });
  return managedFields && managedFields.length > 0 ? managedFields : undefined;
}

/** A server-side apply of `config` to `old` (undefined: create it), or the Status that refuses it. */
export function applied(r: ResourceInfo, old: any, config: any, o: TrackOptions & { force: boolean }): ApplyResult {
  return applyConfig(old, config, {
    kind: r.kind, type: typeOf(r), apiVersion: apiVersionOf(r), manager: o.manager, subresource: o.subresource, now: o.now, force: o.force,
    reset: resetFields(r.subresources.includes("status"), o.subresource),
  });
}

/**
 * An apply to the scale subresource: the Scale configuration checked as one, then applied to the
 * parent as its spec.replicas (the ScaleHandler records the scale manager on the parent's field).
 */
export function appliedScale(r: ResourceInfo, old: any, config: any, o: TrackOptions & { force: boolean }): ApplyResult {
  const checked = applyConfig(undefined, config, { kind: "Scale", type: rootType("Scale"), apiVersion: "autoscaling/v1", manager: o.manager, subresource: "scale", now: o.now, force: o.force });
  if (!checked.ok) return checked;
  const replicas = config?.spec?.replicas;
  const md = old.metadata;
  const parent = {
    apiVersion: apiVersionOf(r), kind: r.kind, metadata: { name: md.name, ...(md.namespace !== undefined ? { namespace: md.namespace } : {}) },
    ...(replicas !== undefined && replicas !== null ? { spec: { replicas } } : {}),
  };
  return applyConfig(old, parent, {
    kind: r.kind, type: typeOf(r), apiVersion: apiVersionOf(r), manager: o.manager, subresource: "scale", now: o.now, force: o.force,
  });
}
