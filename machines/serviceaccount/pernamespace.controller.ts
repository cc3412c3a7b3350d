// The shape both of kube-controller-manager's per-namespace object controllers share: the
// service-account controller (pkg/controller/serviceaccount/serviceaccounts_controller.go, the
// "default" ServiceAccount) and the root-CA publisher (pkg/controller/certificates/
// rootcacertpublisher/publisher.go, the kube-root-ca.crt ConfigMap). An informer on Namespaces and
// one on the objects; a namespace key is queued when the namespace appears or its object changes
// or goes; syncNamespace creates the object when it is missing (or updates it when it differs)
// in every namespace that is not terminating. The context is a value: these steps run on a draft.

import type { Fx } from "../common/effects.js";
import { informersSynced, newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import { mutant } from "../common/mutation.js";

const NAMESPACES = 1;
const OBJECTS = 2;

/** What one such controller keeps in every namespace. */
export interface PerNamespaceObject {
  /** the controller's name (its address) */
  name: string;
  resource: "serviceaccounts" | "configmaps";
  kind: "ServiceAccount" | "ConfigMap";
  objectName: string;
  /** the object it creates in a namespace (the controller's context: its flags) */
  desired: (ctx: PerNamespaceContext) => any;
  /** the update that brings a stored object back to what it should be, or undefined when it is right */
  repair?: (stored: any, ctx: PerNamespaceContext) => any | undefined;
}

export interface PerNamespaceContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** kube-controller-manager's --root-ca-file, when the cluster was given one (the publisher's) */
  rootCA?: string;
}

export interface PerNamespaceInput {
  token: string;
  address?: string;
  rootCA?: string;
}

export type PerNamespaceEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh controller keeping spec's object. */
export function initialPerNamespace(spec: PerNamespaceObject, input: PerNamespaceInput): PerNamespaceContext {
  return { self: input.address ?? spec.name, client: newClient(input.token), q: W.newWorkQueue(), ...(input.rootCA !== undefined ? { rootCA: input.rootCA } : {}) };
}

/** Namespaces, and the objects of its kind with its name (a field selector, as the publisher's informer). */
export function startInformers(spec: PerNamespaceObject, ctx: PerNamespaceContext, fx: Fx): void {
  startInformer(ctx.client, fx, NAMESPACES, { group: "", resource: "namespaces" });
  startInformer(ctx.client, fx, OBJECTS, { group: "", resource: spec.resource, fieldSelector: `metadata.name=${spec.objectName}` });
}

/** namespaceAdded/namespaceUpdated and the object's delete (or update, for the publisher) queue the namespace. */
function onDelta(spec: PerNamespaceObject, ctx: PerNamespaceContext, watchId: number, d: InformerDelta): void {
  if (watchId === NAMESPACES) {
    if (d.type !== "DELETED") W.add(ctx.q, d.object.metadata.name);
    return;
  }
  if (d.type === "DELETED" || (d.type === "MODIFIED" && spec.repair)) W.add(ctx.q, d.object.metadata.namespace);
}

/** processNextWorkItem: syncNamespace for the next key. */
export function processNext(spec: PerNamespaceObject, ctx: PerNamespaceContext, fx: Fx): void {
  const ns = C.takeNext(ctx);
  if (ns !== undefined) syncNamespace(spec, ctx, ns, fx);
  C.kickWhenSynced(ctx, fx);
}

function syncNamespace(spec: PerNamespaceObject, ctx: PerNamespaceContext, ns: string, fx: Fx): void {
  const namespace = ctx.client.informers.get(NAMESPACES)!.store.get(ns);
  // A namespace that is gone or terminating gets nothing new (its objects go with it).
  // the mutant makes the default ServiceAccount in a namespace being deleted too
  if (!namespace || ((namespace.status?.phase !== "Active" || namespace.metadata?.deletionTimestamp) && !mutant("serviceaccount.created-in-terminating-namespace"))) return W.doneIfIdle(ctx.q, ns);
  const stored = ctx.client.informers.get(OBJECTS)!.store.get(`${ns}/${spec.objectName}`);
  const desired = stored === undefined ? spec.desired(ctx) : undefined;
  const body = stored === undefined ? { ...desired, metadata: { ...desired.metadata, namespace: ns } } : spec.repair?.(stored, ctx);
  if (body === undefined) return W.doneIfIdle(ctx.q, ns);
  W.track(ctx.q, ns);
  const verb = stored === undefined ? "create" : "update";
  request(ctx.client, fx, { verb, group: "", resource: spec.resource, namespace: ns, ...(verb === "update" ? { name: spec.objectName } : {}), body }, "write", { key: ns });
  W.doneIfIdle(ctx.q, ns);
}

/** A watch event: into the stores, and the namespaces it concerns into the queue. */
export function onWatch(spec: PerNamespaceObject, ctx: PerNamespaceContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(spec, ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** An API response: a list, or the answer to a write (AlreadyExists and NotFound are done; other failures retry rate-limited). */
export function onResponse(spec: PerNamespaceObject, ctx: PerNamespaceContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(spec, ctx, w, d));
  if (p) onWritten(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onWritten(ctx: PerNamespaceContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  if (!res.ok && res.status.code !== 409 && res.status.code !== 404 && res.status.code !== 403) W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}

/** The controller machine keeping spec's object in every namespace (the context holds no functions: spec is closed over). */
export function perNamespaceMachine(spec: PerNamespaceObject, description: string, watchDescription: string, syncDescription: string) {
  return controllerMachine<PerNamespaceContext, PerNamespaceInput, PerNamespaceEvent>({
    id: spec.name,
    description,
    context: (input) => initialPerNamespace(spec, input),
    startInformers: (c, fx) => startInformers(spec, c, fx),
    isCacheSynced: (c) => informersSynced(c.client),
    watch: { step: (c, e, fx) => onWatch(spec, c, e, fx), description: watchDescription },
    response: { step: (c, e, fx) => onResponse(spec, c, e, fx), description: `the lists and the ${spec.kind} writes` },
    relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
    worker: {
      kind: "perMessage",
      processNext: { action: "processNextKey", step: (c, _e, fx) => processNext(spec, c, fx), description: syncDescription },
      requeueDescription: "a rate-limited retry is due",
    },
  });
}
