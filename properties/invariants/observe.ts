// The plumbing shared by the invariants that watch delivered messages: a spec whose instance
// registers delivery hooks and reports violations at the next step, and readers of the world
// (the API server's stored objects, etcd's key space, a node's runtime) that judge nothing.

import type { Runtime } from "../../runtime/runtime.js";
import type { InvariantCheck, InvariantSpec } from "./index.js";
import type { Violation, World } from "./core.js";

/** What a watching invariant gets: the runtime, and a way to report a violation at the end of the step. */
export interface Watch {
  rt: Runtime;
  report(message: string): void;
}

/**
 * An invariant that watches messages: `setup` registers its delivery hooks (they see each message
 * before its receiver handles it) and may return a step check, run after the receiver handled it.
 */
export function watching(name: string, description: string, setup: (w: Watch) => ((world: World) => void) | undefined): InvariantSpec {
  return {
    name,
    description,
    create(rt): InvariantCheck {
      let pending: Violation[] = [];
      const step = setup({ rt, report: (message) => void pending.push({ invariant: name, message }) });
      return {
        step(world) {
          if (step) step(world);
          if (pending.length === 0) return pending;
          const out = pending;
          pending = [];
          return out;
        },
      };
    },
  };
}

/** A request's key for matching its response: per client process (a restarted one reuses ids). */
export const requestKey = (rt: Runtime, client: string, id: number) => `${client}#${rt.incarnation(client)}#${id}`;

/** The stored object of a kind by namespace and name, from the API server's cache. */
export function storedObject(rt: Runtime, kind: string, namespace: string | undefined, name: string | undefined): any {
  const m: Map<string, any> | undefined = rt.snapshot("apiserver")?.context?.cache?.byKind.get(kind);
  if (!m || name === undefined) return undefined;
  for (const o of m.values()) if (o.metadata?.name === name && (o.metadata?.namespace ?? undefined) === (namespace || undefined)) return o;
  return undefined;
}

/** `ns/name` of an object (or just the name when cluster-scoped). */
export const objName = (o: any) => (o?.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : `${o?.metadata?.name}`);

/** The node of a runtime actor address ("cri/node-1" -> "node-1"). */
export const nodeOf = (address: string) => address.slice(address.indexOf("/") + 1);

/** A container in a node's runtime, with its sandbox, as the runtime holds them. */
export function runtimeContainer(rt: Runtime, node: string, containerId: string): { c: any; sb: any } | undefined {
  const ctx = rt.snapshot(`cri/${node}`)?.context;
  const c = ctx?.containers?.get(containerId);
  if (!c) return undefined;
  return { c, sb: ctx.sandboxes?.get(c.sandboxId) };
}

/** One change etcd made: the value after (undefined when deleted) and before (undefined when created). */
export interface EtcdChange {
  revision: number;
  obj: any;
  prev: any;
}

/**
 * A reader of etcd's history that hands out each change once, as it is made (the changes of the
 * revisions since its last call; what a compaction took before it read is lost to it).
 */
export function etcdChanges(rt: Runtime): () => EtcdChange[] {
  let readTo = -1;
  return () => {
    const etcd = rt.snapshot("etcd")?.context;
    if (!etcd) return [];
    if (readTo < 0) readTo = etcd.revision;
    if (etcd.revision <= readTo) return [];
    const out: EtcdChange[] = [];
    for (let rev = Math.max(readTo + 1, etcd.historyStart); rev <= etcd.revision; rev++) {
      for (const e of etcd.history.get(rev - etcd.historyStart) ?? []) out.push({ revision: rev, obj: e.type === "PUT" ? e.kv.value : undefined, prev: e.prevKv?.value });
    }
    readTo = etcd.revision;
    return out;
  };
}

/** apiequality.Semantic.DeepEqual for JSON values: key order is not a difference, an absent key equals undefined. */
export function sameJSON(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => sameJSON(x, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => (a as any)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as any)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJSON((a as any)[k], (b as any)[k]));
}

/** One version of an object as a controller's informers had it: undefined once a DELETED event took it out. */
interface Delivered {
  inc: number;
  n: number;
  obj: any;
}

/** What a controller had been delivered when it sent a request: its informer cache as of then. */
export interface ControllerView {
  /** the request number whose sending step began the chain request `id` belongs to (the view it was decided on) */
  rootOf(inc: number, id: number): number;
  /** the version of an object (by uid) in the controller's cache when it sent request k; undefined if not there */
  seenAt(uid: string, inc: number, k: number): any;
  /** every object of a kind in the controller's cache when it sent request k */
  allAt(kind: string, inc: number, k: number): any[];
}

/**
 * The informer cache of `controller` as of each request it sent, rebuilt from the list answers and
 * watch events delivered to it (the view deploymentNeverSurgesPastMaxSurge judges on, in general):
 * a client numbers its requests in sending order, so request k was sent after exactly the
 * deliveries it took while its counter was at most k; a write sent on the answer to an earlier one
 * of the same sync was decided on the view of the step that began the chain. Register it before
 * the invariant's own hooks, so a request is judged on what was delivered before it.
 */
export function controllerView(rt: Runtime, controller: string): ControllerView {
  const delivered = new Map<string, Delivered[]>();
  const kindOf = new Map<string, string>();
  const steps: Array<{ inc: number; n: number; root: number }> = [];
  const rootOf = (inc: number, k: number): number => {
    let lo = 0;
    let hi = steps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = steps[mid]!;
      if (s.inc < inc || (s.inc === inc && s.n <= k)) lo = mid + 1;
      else hi = mid;
    }
    const s = steps[lo - 1];
    return s !== undefined && s.inc === inc ? s.root : k;
  };
  const counter = () => Number(rt.snapshot(controller)?.context?.client?.nextId ?? 0);
  const learn = (o: any, gone: boolean) => {
    const uid = o?.metadata?.uid;
    if (!uid) return;
    let versions = delivered.get(uid);
    if (!versions) delivered.set(uid, (versions = []));
    if (o.kind) kindOf.set(uid, o.kind);
    versions.push({ inc: rt.incarnation(controller), n: counter(), obj: gone ? undefined : o });
  };
  const seenAt = (uid: string, inc: number, k: number): any => {
    const versions = delivered.get(uid) ?? [];
    for (let i = versions.length - 1; i >= 0; i--) if (versions[i]!.inc === inc && versions[i]!.n <= k) return versions[i]!.obj;
    return undefined;
  };
  /** request keys of the controller's lists of a whole kind (no namespace or selector): an informer's (re-)list */
  const wholeLists = new Set<string>();
  rt.deliveryHooks.push((from, to, msg) => {
    if (from === controller && to === "apiserver" && msg.type === "ApiRequest" && msg.verb === "list" && !msg.namespace && !msg.labelSelector && !msg.fieldSelector) wholeLists.add(requestKey(rt, from, msg.id));
    if (to !== controller) return;
    const inc = rt.incarnation(controller);
    const n = counter();
    const answered = from === "apiserver" && msg.type === "ApiResponse" && typeof msg.id === "number" ? rootOf(inc, msg.id) : undefined;
    steps.push({ inc, n, root: answered ?? n });
    if (from !== "apiserver") return;
    if (msg.type === "WatchEvent") learn(msg.object, msg.eventType === "DELETED");
    else if (msg.type === "ApiResponse" && msg.ok && Array.isArray(msg.object?.items)) {
      // a list's items carry no kind: it is the list's kind without "List"
      const kind = typeof msg.object.kind === "string" && msg.object.kind.endsWith("List") ? msg.object.kind.slice(0, -4) : undefined;
      const listed = new Set<string>();
      for (const o of msg.object.items) {
        learn(kind && !o?.kind ? { ...o, kind } : o, false);
        if (o?.metadata?.uid) listed.add(o.metadata.uid);
      }
      // a re-list replaces the store: what it no longer holds is gone from the cache
      const whole = wholeLists.delete(requestKey(rt, controller, msg.id));
      if (kind && whole) for (const [uid, k2] of kindOf) if (k2 === kind && !listed.has(uid) && seenAt(uid, inc, Number.MAX_SAFE_INTEGER) !== undefined) learn({ kind, metadata: { uid } }, true);
    }
  });
  return {
    rootOf,
    seenAt,
    allAt(kind, inc, k) {
      const out: any[] = [];
      for (const [uid, k2] of kindOf) {
        if (k2 !== kind) continue;
        const o = seenAt(uid, inc, k);
        if (o) out.push(o);
      }
      return out;
    },
  };
}
