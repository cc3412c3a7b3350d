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
