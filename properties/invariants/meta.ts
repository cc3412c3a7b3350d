// Rules of ObjectMeta that the API server keeps for every kind, judged on what etcd stores: an
// object with finalizers is never removed (registry/generic/registry/store.go deletes only when
// none are left), and an update never gives an object another identity or takes back its
// deletion (ValidateObjectMetaUpdate: uid and creationTimestamp are immutable; deletionTimestamp,
// once set, cannot be unset; generation is never decremented).

import { resourceOfKind } from "./k8s.js";
import { etcdChanges, objName, requestKey, watching } from "./observe.js";

/**
 * objectRemovedOnlyWithoutFinalizers: "the object is not deleted until metadata.finalizers is
 * empty" (ObjectMeta.finalizers). A DELETE of an object with finalizers only sets its
 * deletionTimestamp, and a DELETE with propagationPolicy Orphan or Foreground first adds the
 * `orphan` or `foregroundDeletion` finalizer (the garbage collector removes it when done); the
 * object leaves storage when an update or patch empties the list (the store then deletes the key
 * with deleteWithoutFinalizers, so etcd's delete event still shows the finalizers the update
 * removed). So an object removed with finalizers, or right after such a DELETE, must have had an
 * update or patch delivered to the API server since (pods, whose foreground deletion is left to
 * their kubelet here, are judged on their finalizers only).
 */
export const objectRemovedOnlyWithoutFinalizers = watching(
  "objectRemovedOnlyWithoutFinalizers",
  "an object with finalizers, or deleted with propagationPolicy Orphan or Foreground, leaves etcd only through an update or patch that empties its finalizers",
  ({ rt, report }) => {
    const changes = etcdChanges(rt);
    /** `${resource}|${namespace}|${name}` -> etcd's revision when the last update or patch of it reached the API server */
    const writes = new Map<string, number>();
    /** the same key -> how many updates or patches of it the API server has not answered yet (they may still apply) */
    const unanswered = new Map<string, number>();
    const writeOf = new Map<string, string>();
    /** request key -> a DELETE with propagationPolicy Orphan or Foreground, of a resource other than pods */
    const finalizingDeletes = new Map<string, { what: string; policy: string }>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (from === "apiserver" && msg.type === "ApiResponse") {
        const del = finalizingDeletes.get(requestKey(rt, to, msg.id));
        if (del) {
          finalizingDeletes.delete(requestKey(rt, to, msg.id));
          const o = msg.object;
          // a DELETE that found it gone answers 404; one that found it answers with it, held
          if (msg.ok && o?.metadata && o.kind !== "Status" && (!o.metadata.deletionTimestamp || (o.metadata.finalizers ?? []).length === 0)) {
            report(`${del.what} was deleted with propagationPolicy ${del.policy} and the answer shows it ${o.metadata.deletionTimestamp ? "without finalizers" : "without a deletionTimestamp"}: such a DELETE leaves the object with the ${del.policy === "Orphan" ? "orphan" : "foregroundDeletion"} finalizer until the garbage collector is done`);
          }
        }
        const k = writeOf.get(requestKey(rt, to, msg.id));
        if (k === undefined) return;
        writeOf.delete(requestKey(rt, to, msg.id));
        unanswered.set(k, (unanswered.get(k) ?? 1) - 1);
        return;
      }
      if (to !== "apiserver" || msg.type !== "ApiRequest" || !msg.name) return;
      const key = `${msg.resource}|${msg.namespace ?? ""}|${msg.name}`;
      if (msg.verb === "update" || msg.verb === "patch") {
        writes.set(key, Number(rt.snapshot("etcd")?.context?.revision ?? 0));
        writeOf.set(requestKey(rt, from, msg.id), key);
        unanswered.set(key, (unanswered.get(key) ?? 0) + 1);
        return;
      }
      const policy = msg.propagationPolicy ?? msg.body?.propagationPolicy;
      if (msg.verb !== "delete" || msg.resource === "pods" || (policy !== "Orphan" && policy !== "Foreground") || msg.dryRun || msg.body?.dryRun) return;
      finalizingDeletes.set(requestKey(rt, from, msg.id), { what: `${msg.resource} ${msg.namespace ? `${msg.namespace}/` : ""}${msg.name}`, policy });
    });
    return () => {
      for (const { revision, obj, prev } of changes()) {
        if (obj || !prev?.kind) continue;
        const key = `${resourceOfKind(prev.kind)}|${prev.metadata?.namespace ?? ""}|${prev.metadata?.name}`;
        const finalizers: string[] = prev.metadata?.finalizers ?? [];
        if ((unanswered.get(key) ?? 0) > 0) continue;
        const write = writes.get(key);
        if (write !== undefined && write >= Number(prev.metadata?.resourceVersion ?? 0)) continue;
        if (finalizers.length > 0) report(`${prev.kind} ${objName(prev)} was removed from etcd at revision ${revision} with finalizers ${JSON.stringify(finalizers)} left, and no update or patch since its last version could have emptied them`);
      }
    };
  },
);

/**
 * objectMetaImmutableOnUpdate: ValidateObjectMetaUpdate refuses an update that changes uid or
 * creationTimestamp, unsets deletionTimestamp ("field is immutable; may only be changed via
 * deletion") or lowers generation; a new object under the same key comes only after a delete.
 */
export const objectMetaImmutableOnUpdate = watching(
  "objectMetaImmutableOnUpdate",
  "an update keeps an object's uid and creationTimestamp, never unsets its deletionTimestamp and never lowers its generation",
  ({ rt, report }) => {
    const changes = etcdChanges(rt);
    return () => {
      for (const { revision, obj, prev } of changes()) {
        if (!obj?.kind || !prev) continue;
        const a = prev.metadata ?? {};
        const b = obj.metadata ?? {};
        const what = `${obj.kind} ${objName(obj)} at revision ${revision}`;
        if (a.uid !== b.uid) report(`${what}: an update changed uid ${a.uid} to ${b.uid}`);
        else if (a.creationTimestamp !== b.creationTimestamp) report(`${what}: an update changed creationTimestamp ${a.creationTimestamp} to ${b.creationTimestamp}`);
        else if (a.deletionTimestamp && !b.deletionTimestamp) report(`${what}: an update unset deletionTimestamp ${a.deletionTimestamp}`);
        else if ((b.generation ?? 0) < (a.generation ?? 0)) report(`${what}: an update lowered generation ${a.generation} to ${b.generation ?? 0}`);
      }
    };
  },
);

/**
 * deletionFinishesWhenFinalizersEmpty: an object being deleted stays in storage only while
 * finalizers hold it. Only pods are deleted gracefully (their kubelet finishes it); for any
 * other kind the store removes the object as soon as it has a deletionTimestamp and no finalizers
 * (the DELETE itself, or the update that empties the list: ShouldDeleteDuringUpdate); a
 * Namespace waits on its spec.finalizers too.
 */
export const deletionFinishesWhenFinalizersEmpty = watching(
  "deletionFinishesWhenFinalizersEmpty",
  "no object but a pod is stored with a deletionTimestamp and no finalizers (a Namespace's spec.finalizers count)",
  ({ rt, report }) => {
    const changes = etcdChanges(rt);
    return () => {
      for (const { revision, obj } of changes()) {
        if (!obj?.kind || obj.kind === "Pod" || !obj.metadata?.deletionTimestamp) continue;
        if ((obj.metadata.finalizers ?? []).length > 0) continue;
        if (obj.kind === "Namespace" && (obj.spec?.finalizers ?? []).length > 0) continue;
        report(`${obj.kind} ${objName(obj)} was stored at revision ${revision} with deletionTimestamp ${obj.metadata.deletionTimestamp} and no finalizers: its deletion should have removed it`);
      }
    };
  },
);
