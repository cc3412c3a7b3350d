// What every component needs to talk to the API server: request ids, pending requests, and
// informers (list, then watch from the list's resourceVersion, re-list when the watch is lost).
// Pure data kept in a machine's context; sending goes through Fx.

import type { Fx } from "./effects.js";
import type { ApiRequest, ApiResponse, WatchEvent } from "../messages.js";
import { rfc3339 } from "./time.js";

export interface ClientState {
  token: string;
  nextId: number;
  /** request id -> what the response is for */
  pending: Map<number, PendingRequest>;
  informers: Map<number, Informer>;
}

export interface PendingRequest {
  purpose: string;
  data?: any;
  req: ApiRequest;
  attempt: number;
}

/** One informer: a local store of one resource, kept by list+watch. */
export interface Informer {
  watchId: number;
  group: string;
  resource: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  store: Map<string, any>;
  resourceVersion: string;
  synced: boolean;
  listId?: number;
}

/** A fresh client identity. */
export function newClient(token: string): ClientState {
  return { token, nextId: 1, pending: new Map(), informers: new Map() };
}

/** Sends a request to the API server and remembers why, for when the response comes. */
export function request(c: ClientState, fx: Fx, req: Omit<ApiRequest, "type" | "id" | "token">, purpose: string, data?: any): number {
  const id = c.nextId++;
  const full: ApiRequest = { type: "ApiRequest", id, token: c.token, ...req };
  c.pending.set(id, { purpose, data, req: full, attempt: 0 });
  fx.send("apiserver", full);
  return id;
}

/** Takes the pending request a response answers (undefined if unknown: a duplicate, or lost state). */
export function settleResponse(c: ClientState, res: ApiResponse): PendingRequest | undefined {
  const p = c.pending.get(res.id);
  if (p) c.pending.delete(res.id);
  return p;
}

/** The key of an object in an informer's store: namespace/name. */
export function objectKey(obj: any): string {
  const m = obj.metadata;
  return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

/** Starts an informer: list first; the watch opens from the list's resourceVersion when it returns. */
export function startInformer(
  c: ClientState,
  fx: Fx,
  watchId: number,
  spec: { group: string; resource: string; namespace?: string; labelSelector?: string; fieldSelector?: string },
): Informer {
  const inf: Informer = { watchId, ...spec, store: new Map(), resourceVersion: "", synced: false };
  c.informers.set(watchId, inf);
  relist(c, fx, inf);
  return inf;
}

/** Lists again (after start or a lost watch). */
export function relist(c: ClientState, fx: Fx, inf: Informer): void {
  inf.synced = false;
  const req: Omit<ApiRequest, "type" | "id" | "token"> = { verb: "list", group: inf.group, resource: inf.resource };
  if (inf.namespace) req.namespace = inf.namespace;
  if (inf.labelSelector) req.labelSelector = inf.labelSelector;
  if (inf.fieldSelector) req.fieldSelector = inf.fieldSelector;
  inf.listId = request(c, fx, req, "informer-list", inf.watchId);
}

export interface InformerDelta {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: any;
  old?: any;
}

/** Replaces the store with a list result and opens the watch; returns the deltas against the old store. */
export function onListed(c: ClientState, fx: Fx, inf: Informer, list: any): InformerDelta[] {
  const deltas: InformerDelta[] = [];
  const fresh = new Map<string, any>();
  for (const item of list.items) {
    const obj = item.kind ? item : { ...item, kind: list.kind.replace(/List$/, ""), apiVersion: list.apiVersion };
    const k = objectKey(obj);
    fresh.set(k, obj);
    const old = inf.store.get(k);
    if (!old) deltas.push({ type: "ADDED", object: obj });
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) deltas.push({ type: "MODIFIED", object: obj, old });
  }
  for (const [k, old] of inf.store) if (!fresh.has(k)) deltas.push({ type: "DELETED", object: old, old });
  inf.store = fresh;
  inf.resourceVersion = list.metadata.resourceVersion;
  inf.synced = true;
  const req: ApiRequest = { type: "ApiRequest", id: c.nextId++, token: c.token, verb: "watch", group: inf.group, resource: inf.resource, watchId: inf.watchId, resourceVersion: inf.resourceVersion };
  if (inf.namespace) req.namespace = inf.namespace;
  if (inf.labelSelector) req.labelSelector = inf.labelSelector;
  if (inf.fieldSelector) req.fieldSelector = inf.fieldSelector;
  fx.send("apiserver", req);
  return deltas;
}

/** Applies a watch event to the store; an ERROR (410 Gone) means re-list. */
export function onWatchEvent(c: ClientState, fx: Fx, ev: WatchEvent): InformerDelta | "relisted" | undefined {
  const inf = c.informers.get(ev.watchId);
  if (!inf) return undefined;
  if (ev.eventType === "ERROR") {
    relist(c, fx, inf);
    return "relisted";
  }
  if (ev.eventType === "BOOKMARK") {
    inf.resourceVersion = ev.object.metadata.resourceVersion;
    return undefined;
  }
  const k = objectKey(ev.object);
  const old = inf.store.get(k);
  inf.resourceVersion = ev.object.metadata.resourceVersion;
  if (ev.eventType === "DELETED") {
    inf.store.delete(k);
    return { type: "DELETED", object: ev.object, old };
  }
  inf.store.set(k, ev.object);
  return { type: ev.eventType, object: ev.object, old };
}

export interface EventSource {
  component: string;
  host?: string;
}

/** A core/v1 Event about an object, as client-go's event recorder makes it. */
export function newEvent(involved: any, type: "Normal" | "Warning", reason: string, message: string, source: EventSource, now: number, seq: number): any {
  const m = involved.metadata ?? {};
  const t = rfc3339(now);
  // client-go names events <object>.<unix nanos in hex>; the sub-millisecond digits come from the
  // reporting component and its own counter, so two components' events of one instant stay apart
  let h = 0;
  for (const ch of `${source.component}/${source.host ?? ""}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  const nanos = BigInt(now) * 1_000_000n + BigInt((h % 1000) * 1000 + (seq % 1000));
  const ev: any = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${m.name}.${nanos.toString(16)}`, namespace: m.namespace ?? "default" },
    involvedObject: { kind: involved.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: involved.apiVersion, resourceVersion: m.resourceVersion },
    reason,
    message,
    source: source.host ? { component: source.component, host: source.host } : { component: source.component },
    firstTimestamp: t,
    lastTimestamp: t,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: source.component,
    reportingInstance: source.host ?? "",
  };
  if (!m.namespace) delete ev.involvedObject.namespace;
  return ev;
}

/** Sends an Event to the API server (fire and forget, as the recorder does). */
export function recordEvent(c: ClientState, fx: Fx, involved: any, type: "Normal" | "Warning", reason: string, message: string, source: EventSource, now: number): void {
  const ev = newEvent(involved, type, reason, message, source, now, c.nextId);
  request(c, fx, { verb: "create", group: "", resource: "events", namespace: ev.metadata.namespace, body: ev }, "event");
}
