// The kubelet's view of a pod's data: the downward API (pkg/fieldpath, podFieldSelectorRuntimeValue,
// containerResourceRuntimeValue) and the files of its configMap, secret, downwardAPI and projected
// volumes (pkg/volume/configmap, secret, downwardapi, projected: MakePayload), read through the
// ConfigMap and Secret managers (objects.ts). Pure: each returns what it read, or why not.

import type { Container, DownwardAPIVolumeFile, KeyToPath, Pod, ResourceFieldSelector, Volume } from "kubernetes-types/core/v1";
import type { VolumeSetup } from "../cri/messages.js";
import { getOwn } from "../common/own.js";
import { defaultMachine } from "../common/kernel.js";
import { milliValue } from "../common/quantity.js";
import { rfc3339Nano } from "../common/time.js";
import { clusterCACert } from "../common/ca.js";
import { getObject, isRootCAProjection, secretText, type ObjectResource } from "./objects.js";
import type { KubeletContext, PodWorker } from "./types.js";
import { view } from "./view.js";
import { hostIPsOf, podIPOf, podIPsOf } from "./hostnetwork.js";
import { tokenFile } from "./tokens.js";
import { mutant } from "../common/mutation.js";

/** A read that could not finish: notSynced waits for the object's first list; error is what the kubelet reports. */
export type Unready = { kind: "notSynced" } | { kind: "error"; message: string };
/** A volume's files (path -> content), or why it cannot be set up yet. */
export type VolumeFiles = { kind: "files"; files: Record<string, string> } | Unready;
const filesOf = (files: Record<string, string>): VolumeFiles => ({ kind: "files", files });

/** The node's allocatable the downward API reports for a container without a limit (defaultPodLimitsForDownwardAPI). */
export const nodeAllocatable = { cpu: defaultMachine.cpu, memory: defaultMachine.memory, "ephemeral-storage": defaultMachine["ephemeral-storage"] } as const;

/** FormatMap: key="value" lines, keys sorted, no trailing newline. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join("\n");
}

/**
 * The pod's annotations as the kubelet holds the pod: its config sources add when the kubelet
 * first saw it (kubernetes.io/config.seen, RFC3339Nano) and where from (kubernetes.io/config.source,
 * "api"), and the downward API reads that copy.
 */
function kubeletAnnotations(w: PodWorker): Record<string, string> {
  const own = view(w.pod).metadata?.annotations ?? {};
  if (w.seenAt === undefined) return own;
  return { ...own, "kubernetes.io/config.seen": rfc3339Nano(w.seenAt), "kubernetes.io/config.source": "api" };
}

/** A downward API fieldRef's value (ExtractFieldPathAsString plus the kubelet's own fields). */
export function fieldValue(ctx: KubeletContext, w: PodWorker, path: string): string {
  const pod = view(w.pod);
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return getOwn(m[1] === "labels" ? pod.metadata?.labels : kubeletAnnotations(w), m[2]!) ?? "";
  switch (path) {
    case "metadata.name": return pod.metadata?.name ?? "";
    case "metadata.namespace": return pod.metadata?.namespace ?? "";
    case "metadata.uid": return w.uid;
    case "metadata.labels": return formatMap(pod.metadata?.labels);
    case "metadata.annotations": return formatMap(kubeletAnnotations(w));
    case "spec.nodeName": return ctx.node;
    case "spec.serviceAccountName": return pod.spec?.serviceAccountName ?? "";
    case "status.hostIP": return ctx.hostIP;
    // both families' node addresses on a dual-stack node, comma-separated as status.podIPs
    case "status.hostIPs": return hostIPsOf(ctx).join(",");
    case "status.podIP": return podIPOf(ctx, w) ?? "";
    // every family's address, comma-separated (the downward API's status.podIPs)
    case "status.podIPs": return podIPsOf(ctx, w).join(",");
    default: return "";
  }
}

/** ExtractContainerResourceValue: a request or limit divided by the divisor, rounded up; no limit is the node's allocatable. */
export function resourceValue(pod: Pod, own: Container, sel: ResourceFieldSelector): string {
  const c = sel.containerName ? [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((x) => x.name === sel.containerName) ?? own : own;
  const [kind, resource] = sel.resource.split(".") as ["limits" | "requests", string];
  const limit = getOwn(c.resources?.limits, resource) ?? getOwn(nodeAllocatable as Record<string, string>, resource);
  const q = kind === "limits" ? limit : getOwn(c.resources?.requests, resource) ?? (resource === "cpu" || resource === "memory" ? "0" : undefined);
  if (q === undefined) return "";
  const divisor = milliValue(String(sel.divisor ?? "1"));
  return String(Math.ceil(milliValue(String(q)) / (divisor || 1000)));
}

/** One volume's files (path -> content), or why it cannot be set up yet. */
export function volumeFiles(ctx: KubeletContext, w: PodWorker, v: Volume): VolumeFiles {
  const ns = view(w.pod).metadata?.namespace ?? "default";
  if (v.configMap) return keyFiles(ctx, "configmaps", ns, v.configMap.name ?? "", v.configMap.items, v.configMap.optional === true);
  if (v.secret) return keyFiles(ctx, "secrets", ns, v.secret.secretName ?? "", v.secret.items, v.secret.optional === true);
  if (v.downwardAPI) return filesOf(downwardFiles(ctx, w, v.downwardAPI.items ?? []));
  if (v.projected) return projectedFiles(ctx, w, v);
  return filesOf({});
}

/** Whether the kubelet writes this volume's files (the others are emptyDirs or not modelled). */
export function isDataVolume(v: Volume): boolean {
  return v.configMap !== undefined || v.secret !== undefined || v.downwardAPI !== undefined || v.projected !== undefined;
}

// MakePayload of the configMap and secret plugins: every key, or the listed items at their paths.
function keyFiles(ctx: KubeletContext, resource: ObjectResource, ns: string, name: string, items: KeyToPath[] | undefined, optional: boolean): VolumeFiles {
  const got = getObject(ctx, resource, ns, name);
  if (got.kind === "notSynced") return got;
  if (got.kind === "notFound") return optional && !mutant("kubelet.optional-volume-source-missing-fails") ? filesOf({}) : { kind: "error", message: got.message };
  const text = (key: string): string | undefined =>
    resource === "secrets" ? secretText(got.obj.data, key) : getOwn(got.obj.data, key) ?? binaryText(got.obj.binaryData, key);
  const out: Record<string, string> = {};
  if (!items || items.length === 0) {
    for (const k of [...Object.keys(got.obj.data ?? {}), ...Object.keys(got.obj.binaryData ?? {})]) out[k] = text(k) ?? "";
    return filesOf(out);
  }
  for (const it of items) {
    const value = text(it.key);
    if (value === undefined) {
      if (optional) continue;
      return { kind: "error", message: `${resource === "secrets" ? "secret" : "configmap"} references non-existent ${resource === "secrets" ? "secret" : "config"} key: ${it.key}` };
    }
    out[it.path] = value;
  }
  return filesOf(out);
}

function binaryText(data: Record<string, string> | undefined, key: string): string | undefined {
  return data && Object.hasOwn(data, key) ? Buffer.from(String(data[key]), "base64").toString("utf8") : undefined;
}

function downwardFiles(ctx: KubeletContext, w: PodWorker, items: DownwardAPIVolumeFile[]): Record<string, string> {
  const out: Record<string, string> = {};
  const pod = view(w.pod);
  for (const it of items) {
    if (it.fieldRef) out[it.path] = fieldValue(ctx, w, it.fieldRef.fieldPath);
    else if (it.resourceFieldRef) {
      const own = (pod.spec?.containers ?? []).find((c) => c.name === it.resourceFieldRef!.containerName) ?? { name: "" };
      out[it.path] = resourceValue(pod, own, it.resourceFieldRef);
    }
  }
  return out;
}

/** utilerrors.NewAggregate(errs).Error(): one message as it is, several (each once) as "[a, b]". */
export function aggregateMessage(messages: readonly string[]): string {
  const seen = [...new Set(messages)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(", ")}]`;
}

// The projected plugin: each source's files in one directory; the token is the kubelet's TokenRequest (tokens.ts).
// A source that fails does not stop the others: collectData gathers every error into one aggregate.
function projectedFiles(ctx: KubeletContext, w: PodWorker, v: Volume): VolumeFiles {
  const pod = view(w.pod);
  const ns = pod.metadata?.namespace ?? "default";
  const out: Record<string, string> = {};
  const errors: string[] = [];
  for (const s of v.projected?.sources ?? []) {
    let got: VolumeFiles = filesOf({});
    if (s.serviceAccountToken) got = tokenFiles(w, v.name, s.serviceAccountToken.path);
    else if (s.configMap && isRootCAProjection(v.name, s.configMap.name)) got = filesOf(rootCAFiles(ctx, s.configMap.items));
    else if (s.configMap) got = keyFiles(ctx, "configmaps", ns, s.configMap.name ?? "", s.configMap.items, s.configMap.optional === true);
    else if (s.secret) got = keyFiles(ctx, "secrets", ns, s.secret.name ?? "", s.secret.items, s.secret.optional === true);
    else if (s.downwardAPI) got = filesOf(downwardFiles(ctx, w, s.downwardAPI.items ?? []));
    if (got.kind === "notSynced") return got;
    if (got.kind === "error") errors.push(got.message);
    else Object.assign(out, got.files);
  }
  return errors.length > 0 ? { kind: "error", message: aggregateMessage(errors) } : filesOf(out);
}

function rootCAFiles(ctx: KubeletContext, items: KeyToPath[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const it of items ?? [{ key: "ca.crt", path: "ca.crt" }]) if (it.key === "ca.crt") out[it.path] = ctx.rootCA ?? clusterCACert;
  return out;
}

/** The token source's file: the TokenRequest's answer (tokens.ts), or its refusal; not set up while it is asked. */
function tokenFiles(w: PodWorker, volume: string, path: string): VolumeFiles {
  const got = tokenFile(w, volume, path);
  if (got === undefined) return { kind: "notSynced" };
  return "error" in got ? { kind: "error", message: got.error } : filesOf({ [path]: got.token });
}

/** MakePayload's mode of each listed path: the item's own, else the volume's defaultMode, else 0644 (the API server defaults it too). */
function itemModes(out: Record<string, number>, items: ReadonlyArray<{ path: string; mode?: number }> | undefined, defaultMode: number): void {
  for (const it of items ?? []) out[it.path] = it.mode ?? defaultMode;
}

/**
 * How the volume's directory is set up (the CRI lays it out): the payload's modes, the pod's
 * fsGroup (SetVolumeOwnership runs for emptyDirs and the data volumes alike), and whether it is a
 * tmpfs (emptyDir medium Memory; secret, downwardAPI and projected wrap a Memory emptyDir, a
 * configMap a disk one). Undefined: a volume the CRI does not lay out.
 */
export function volumeSetup(pod: Pod, v: Volume): VolumeSetup | undefined {
  const fsGroup = pod.spec?.securityContext?.fsGroup;
  const group = fsGroup !== undefined ? { fsGroup } : {};
  if (v.emptyDir) return { ...group, ...(v.emptyDir.medium === "Memory" ? { memory: true } : {}) };
  if (!isDataVolume(v)) return undefined;
  const modes: Record<string, number> = {};
  // a key no item lists gets the defaultMode
  let defaultMode = 0o644;
  if (v.configMap) { defaultMode = v.configMap.defaultMode ?? 0o644; itemModes(modes, v.configMap.items, defaultMode); }
  if (v.secret) { defaultMode = v.secret.defaultMode ?? 0o644; itemModes(modes, v.secret.items, defaultMode); }
  if (v.downwardAPI) { defaultMode = v.downwardAPI.defaultMode ?? 0o644; itemModes(modes, v.downwardAPI.items, defaultMode); }
  if (v.projected) {
    defaultMode = v.projected.defaultMode ?? 0o644;
    for (const s of v.projected.sources ?? []) {
      itemModes(modes, s.configMap?.items ?? s.secret?.items ?? s.downwardAPI?.items, defaultMode);
      if (s.serviceAccountToken) modes[s.serviceAccountToken.path] = defaultMode;
    }
  }
  return { ...group, modes, defaultMode, ...(v.configMap ? {} : { memory: true }) };
}
