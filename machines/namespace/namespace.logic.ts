// kube-controller-manager's namespace controller: a namespace being deleted is emptied — every
// namespaced object in it is deleted (pods gracefully) — and only when nothing is left does the
// controller remove the `kubernetes` finalizer, after which the API server deletes the namespace.

import type { Fx } from "../common/effects.js";
import { newClient, onListed, onWatchEvent, request, settleResponse, startInformer, type ClientState, type InformerDelta } from "../common/client.js";
import { listFailed } from "../common/informer.js";
import { resources } from "../apiserver/resources.js";
import type { ApiResponse, WatchEvent } from "../messages.js";
import { mutant } from "../common/mutation.js";

const NAMESPACES = 1;
/** How long to wait before checking again that a namespace is empty (the controller's requeue). */
export const recheckMs = 1_000;

/** The namespaced resources the controller empties (Bindings are not stored objects). */
export const namespacedResources = resources.filter((r) => r.namespaced && r.kind !== "Binding" && r.verbs.includes("deletecollection"));

export interface Cleanup {
  /** lists still out for this round */
  outstanding: number;
  /** objects those lists found */
  remaining: number;
}

export interface NamespaceControllerContext {
  client: ClientState;
  cleanups: Map<string, Cleanup>;
}

export interface NamespaceControllerInput {
  token: string;
}

export function initialNamespaceController(input: NamespaceControllerInput): NamespaceControllerContext {
  return { client: newClient(input.token), cleanups: new Map() };
}

export function startInformers(ctx: NamespaceControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, NAMESPACES, { group: "", resource: "namespaces" });
}

export function isCacheSynced(ctx: NamespaceControllerContext): boolean {
  return ctx.client.informers.get(NAMESPACES)?.synced ?? false;
}

function isTerminating(ns: any): boolean {
  return !!ns?.metadata?.deletionTimestamp && (ns.spec?.finalizers ?? []).includes("kubernetes");
}

/** One round: delete every namespaced kind's objects in the namespace, then list them all to see what is left. */
function startRound(ctx: NamespaceControllerContext, ns: string, fx: Fx): void {
  if (ctx.cleanups.get(ns)?.outstanding) return;
  // The mutant empties only the legacy core group (""), as a discovery that lists /api but not /apis would.
  const core = mutant("namespace.empties-core-group-only");
  const kinds = core ? namespacedResources.filter((x) => x.group === "") : namespacedResources;
  // discovery of the custom resources (the controller's ServerPreferredNamespacedResources): the CRDs
  ctx.cleanups.set(ns, { outstanding: kinds.length + (core ? 0 : 1), remaining: 0 });
  for (const r of kinds) emptyOf(ctx, ns, r.group, r.resource, fx);
  if (!core) request(ctx.client, fx, { verb: "list", group: "apiextensions.k8s.io", resource: "customresourcedefinitions" }, "discovery", ns);
}

/** Deletes a resource's objects in the namespace, then lists what is left of them. */
function emptyOf(ctx: NamespaceControllerContext, ns: string, group: string, resource: string, fx: Fx): void {
  request(ctx.client, fx, { verb: "deletecollection", group, resource, namespace: ns }, "delete");
  request(ctx.client, fx, { verb: "list", group, resource, namespace: ns }, "remaining", ns);
}

/** The namespaced custom resources the established CRDs serve: group and plural of each. */
function namespacedCustomResources(crds: unknown): { group: string; resource: string }[] {
  const items: any[] = Array.isArray((crds as { items?: unknown })?.items) ? (crds as { items: any[] }).items : [];
  return items
    .filter((crd) => crd?.spec?.scope === "Namespaced" && (crd.status?.conditions ?? []).some((c: any) => c?.type === "Established" && c?.status === "True"))
    .map((crd) => ({ group: String(crd.spec.group), resource: String(crd.status?.acceptedNames?.plural ?? crd.spec.names?.plural) }));
}

function onDelta(ctx: NamespaceControllerContext, d: InformerDelta, fx: Fx): void {
  if (d.type === "DELETED") {
    ctx.cleanups.delete(d.object.metadata.name);
    return;
  }
  if (isTerminating(d.object)) startRound(ctx, d.object.metadata.name, fx);
}

/** A namespace changed: a terminating one gets emptied. */
export function onWatch(ctx: NamespaceControllerContext, ev: WatchEvent, fx: Fx): void {
  const d = onWatchEvent(ctx.client, fx, ev);
  if (d && d !== "relisted") onDelta(ctx, d, fx);
}

/** Lists, deletions and the finalize call come back here. */
export function onResponse(ctx: NamespaceControllerContext, res: ApiResponse, fx: Fx): void {
  const p = settleResponse(ctx.client, res);
  if (!p) return;
  if (p.purpose === "informer-list") {
    const inf = ctx.client.informers.get(p.data);
    // a refused list is tried again after the reflector's back-off (the Relist timer)
    if (inf && !res.ok) return listFailed(ctx.client, fx, inf.watchId);
    if (inf && res.ok) for (const d of onListed(ctx.client, fx, inf, res.object)) onDelta(ctx, d, fx);
    return;
  }
  if (p.purpose === "finalize") {
    // someone changed the namespace in between (409): look again shortly
    if (!res.ok) fx.after(`recheck/${p.data}`, recheckMs, { type: "RecheckNamespace", namespace: p.data });
    return;
  }
  if (p.purpose === "discovery") {
    const ns = p.data as string;
    const c = ctx.cleanups.get(ns);
    if (!c) return;
    c.outstanding--;
    // discovery failed: the namespace is not known to be empty, so it is looked at again
    // the mutant takes a failed discovery as no custom resources: the namespace is finalized with them left
    if (!res.ok) c.remaining += mutant("namespace.discovery-error-counts-as-empty") ? 0 : 1;
    else {
      const custom = namespacedCustomResources(res.object);
      c.outstanding += custom.length;
      for (const r of custom) emptyOf(ctx, ns, r.group, r.resource, fx);
    }
    return roundAnswered(ctx, ns, fx);
  }
  if (p.purpose !== "remaining") return;
  const ns = p.data as string;
  const c = ctx.cleanups.get(ns);
  if (!c) return;
  c.outstanding--;
  if (!res.ok) c.remaining += mutant("namespace.list-error-counts-as-empty") ? 0 : 1;
  // The mutant counts only what is not yet being deleted, as if a terminating pod were gone already.
  else c.remaining += mutant("namespace.finalized-with-pods-left") ? res.object.items.filter((o: any) => !o?.metadata?.deletionTimestamp).length : res.object.items.length;
  roundAnswered(ctx, ns, fx);
}

/** Every list of the round answered: finalize an empty namespace, else look again shortly. */
function roundAnswered(ctx: NamespaceControllerContext, ns: string, fx: Fx): void {
  const c = ctx.cleanups.get(ns);
  if (!c || c.outstanding > 0) return;
  const obj = ctx.client.informers.get(NAMESPACES)?.store.get(ns);
  if (!isTerminating(obj)) return;
  if (c.remaining === 0) {
    // Empty: remove our finalizer through the finalize subresource; the API server then deletes it.
    // the mutant clears every spec.finalizer, not only its own: another finalizer's owner never gets its turn
    const finalizers = (obj.spec.finalizers as string[]).filter((f) => f !== "kubernetes" && !mutant("namespace.finalize-drops-other-finalizers"));
    request(ctx.client, fx, { verb: "update", group: "", resource: "namespaces", name: ns, subresource: "finalize", body: { ...obj, spec: { ...obj.spec, finalizers } } }, "finalize", ns);
    ctx.cleanups.delete(ns);
  } else {
    // Pods terminate gracefully, so content can outlive the first round: check again shortly.
    fx.after(`recheck/${ns}`, recheckMs, { type: "RecheckNamespace", namespace: ns });
  }
}

/** The requeue fired: another round for a namespace still terminating. */
export function onRecheck(ctx: NamespaceControllerContext, ns: string, fx: Fx): void {
  const obj = ctx.client.informers.get(NAMESPACES)?.store.get(ns);
  const c = ctx.cleanups.get(ns);
  if (c) c.outstanding = 0;
  if (isTerminating(obj)) startRound(ctx, ns, fx);
}
