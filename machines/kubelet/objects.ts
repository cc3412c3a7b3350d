// The kubelet's ConfigMap and Secret managers (pkg/kubelet/configmap, pkg/kubelet/secret with the
// default Watch change-detection strategy, util/manager/watch_based_manager.go): a pod registered
// with them starts one reflector per object it references (list and watch with the field selector
// metadata.name=<name> in its namespace, which the Node authorizer allows for pods bound to this
// node); the object is read from that cache, and the reflector stops once no pod uses it.

import type { Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { startInformer } from "../common/client.js";
import type { KubeletContext } from "./types.js";
import { view } from "./view.js";
import { rootCAConfigMapName } from "../common/ca.js";
import { isDraft } from "mutative";

/** What a pod reads through the managers (and the RuntimeClass manager: its class, cluster-scoped). */
export type ObjectResource = "configmaps" | "secrets" | "runtimeclasses";

const groupOf = (resource: ObjectResource): string => (resource === "runtimeclasses" ? "node.k8s.io" : "");

/** The first watch id of the object reflectors (the pod and node informers hold 1 and 2). */
export const firstObjectWatchId = 100;

/**
 * The service-account volume's kube-root-ca.crt projection. The root-CA publisher keeps that
 * ConfigMap equal to the cluster CA, which the kubelet holds itself: serving it from there spares
 * every pod's start a list round trip (a shortcut: Kubernetes' kubelet reads it through its manager).
 */
export function isRootCAProjection(volumeName: string, configMapName: string | undefined): boolean {
  return volumeName.startsWith("kube-api-access-") && configMapName === rootCAConfigMapName;
}

/** The key of one referenced object: resource/namespace/name. */
export function objectRefKey(resource: ObjectResource, namespace: string, name: string): string {
  return `${resource}/${namespace}/${name}`;
}

// What a pod references is read from its namespace and spec alone, and a stored pod's spec is a
// frozen value that its later versions (status writes, the kubelet's and others') keep: read once
// per spec (and namespace), not once per pod version.
const referencedBySpec = new WeakMap<object, { namespace: string | undefined; refs: readonly string[] }>();

/** VisitPodConfigmapNames and VisitPodSecretNames: every ConfigMap and Secret the pod names (env, envFrom, volumes, pull secrets). */
export function referencedObjects(pod: Pod): readonly string[] {
  const spec = pod.spec;
  const namespace = pod.metadata?.namespace;
  const keep = spec !== undefined && Object.isFrozen(spec) && !isDraft(spec);
  const known = keep ? referencedBySpec.get(spec) : undefined;
  if (known !== undefined && known.namespace === namespace) return known.refs;
  const refs = Object.freeze(visitReferences(pod));
  if (keep) referencedBySpec.set(spec, { namespace, refs });
  return refs;
}

/** Two pods' referenced objects are the same (RegisterPod would change nothing). */
export function sameReferences(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((k, i) => k === b[i]));
}

function visitReferences(pod: Pod): string[] {
  const ns = pod.metadata?.namespace ?? "default";
  const spec = pod.spec;
  const out = new Set<string>();
  const add = (resource: ObjectResource, name: string | undefined) => {
    if (typeof name === "string" && name !== "") out.add(objectRefKey(resource, ns, name));
  };
  for (const s of spec?.imagePullSecrets ?? []) add("secrets", s.name);
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const e of c.envFrom ?? []) {
      add("configmaps", e.configMapRef?.name);
      add("secrets", e.secretRef?.name);
    }
    for (const e of c.env ?? []) {
      add("configmaps", e.valueFrom?.configMapKeyRef?.name);
      add("secrets", e.valueFrom?.secretKeyRef?.name);
    }
  }
  // the RuntimeClass manager (pkg/kubelet/runtimeclass) reads the pod's class by name
  if (typeof spec?.runtimeClassName === "string" && spec.runtimeClassName !== "") out.add(objectRefKey("runtimeclasses", "", spec.runtimeClassName));
  for (const v of spec?.volumes ?? []) {
    add("configmaps", v.configMap?.name);
    add("secrets", v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) {
      if (!isRootCAProjection(v.name, s.configMap?.name)) add("configmaps", s.configMap?.name);
      add("secrets", s.secret?.name);
    }
  }
  return [...out];
}

/**
 * RegisterPod / UnregisterPod for every pod worker at once: a reflector for each object some
 * worker's pod references, none for the others (their watches are closed).
 */
export function syncObjectWatches(ctx: KubeletContext, fx: Fx): void {
  const wanted = new Set<string>();
  for (const w of ctx.workers.values()) for (const k of referencedObjects(view(w.pod))) wanted.add(k);
  for (const [key, watchId] of [...ctx.objectWatches]) {
    if (wanted.has(key)) continue;
    const inf = ctx.client.informers.get(watchId);
    ctx.objectWatches.delete(key);
    if (!inf) continue;
    ctx.client.informers = ctx.client.informers.delete(watchId);
    // A list still in flight opens no watch: its informer is gone when it answers.
    // Closing a watch has no answer: nothing is left pending for it.
    if (inf.synced) fx.send("apiserver", { type: "ApiRequest", id: ctx.client.nextId++, token: ctx.client.token, verb: "unwatch", group: inf.group, resource: inf.resource, ...(inf.namespace ? { namespace: inf.namespace } : {}), watchId });
  }
  for (const key of wanted) {
    if (ctx.objectWatches.has(key)) continue;
    const [resource, namespace, name] = splitKey(key);
    const watchId = ctx.nextObjectWatchId++;
    ctx.objectWatches.set(key, watchId);
    startInformer(ctx.client, fx, watchId, { group: groupOf(resource), resource, ...(namespace !== "" ? { namespace } : {}), fieldSelector: `metadata.name=${name}` });
  }
}

function splitKey(key: string): [ObjectResource, string, string] {
  const i = key.indexOf("/");
  const j = key.indexOf("/", i + 1);
  return [key.slice(0, i) as ObjectResource, key.slice(i + 1, j), key.slice(j + 1)];
}

/** Whether a reflector's key is a RuntimeClass's (read at sandbox creation only). */
export function isRuntimeClassKey(key: string): boolean {
  return key.startsWith("runtimeclasses/");
}

/** The object key a reflector's watch id serves, or undefined (not an object reflector). */
export function objectKeyOfWatch(ctx: KubeletContext, watchId: number): string | undefined {
  if (watchId < firstObjectWatchId) return undefined;
  for (const [key, id] of ctx.objectWatches) if (id === watchId) return key;
  return undefined;
}

/** What GetConfigMap / GetSecret answers: the object, not found, or its cache has not listed yet. */
export type ObjectLookup = { kind: "found"; obj: any } | { kind: "notFound"; message: string } | { kind: "notSynced" };

/** The singular the managers name their resource with in errors (corev1.Resource("configmap")). */
const singular: Record<ObjectResource, string> = { configmaps: "configmap", secrets: "secret", runtimeclasses: "runtimeclass.node.k8s.io" };

/** GetConfigMap / GetSecret from the pod's registered reflector. */
export function getObject(ctx: KubeletContext, resource: ObjectResource, namespace: string, name: string): ObjectLookup {
  const watchId = ctx.objectWatches.get(objectRefKey(resource, namespace, name));
  const inf = watchId === undefined ? undefined : ctx.client.informers.get(watchId);
  if (!inf || !inf.synced) return { kind: "notSynced" };
  const obj = inf.store.get(namespace !== "" ? `${namespace}/${name}` : name);
  return obj ? { kind: "found", obj } : { kind: "notFound", message: `${singular[resource]} "${name}" not found` };
}

/** A Secret's data as text (its values are base64 in the API). */
export function secretText(data: Record<string, string> | undefined, key: string): string | undefined {
  if (!data || !Object.hasOwn(data, key)) return undefined;
  return Buffer.from(String(data[key]), "base64").toString("utf8");
}
