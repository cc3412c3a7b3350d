// Rules of ObjectMeta that the API server keeps for every kind, judged on what etcd stores: an
// object with finalizers is never removed (registry/generic/registry/store.go deletes only when
// none are left), and an update never gives an object another identity or takes back its
// deletion (ValidateObjectMetaUpdate: uid and creationTimestamp are immutable; deletionTimestamp,
// once set, cannot be unset; generation is never decremented).

import { resourceOfKind } from "./k8s.js";
import { etcdChanges, objName, watching } from "./observe.js";

/**
 * objectRemovedOnlyWithoutFinalizers: "the object is not deleted until metadata.finalizers is
 * empty" (ObjectMeta.finalizers). A DELETE of an object with finalizers only sets its
 * deletionTimestamp; it leaves storage when an update or patch empties the list (the store then
 * deletes the key with deleteWithoutFinalizers, so etcd's delete event still shows the finalizers
 * the update removed). So an object removed with finalizers must have had an update or patch
 * delivered to the API server since its last stored version.
 */
export const objectRemovedOnlyWithoutFinalizers = watching(
  "objectRemovedOnlyWithoutFinalizers",
  "an object with finalizers leaves etcd only through an update or patch that empties them, never by a DELETE",
  ({ rt, report }) => {
    const changes = etcdChanges(rt);
    /** `${resource}|${namespace}|${name}` -> etcd's revision when the last update or patch of it reached the API server */
    const writes = new Map<string, number>();
    rt.deliveryHooks.push((_from, to, msg) => {
      if (to !== "apiserver" || msg.type !== "ApiRequest" || (msg.verb !== "update" && msg.verb !== "patch") || !msg.name) return;
      writes.set(`${msg.resource}|${msg.namespace ?? ""}|${msg.name}`, Number(rt.snapshot("etcd")?.context?.revision ?? 0));
    });
    return () => {
      for (const { revision, obj, prev } of changes()) {
        if (obj || !prev?.kind) continue;
        const finalizers: string[] = prev.metadata?.finalizers ?? [];
        if (finalizers.length === 0) continue;
        const key = `${resourceOfKind(prev.kind)}|${prev.metadata?.namespace ?? ""}|${prev.metadata?.name}`;
        if ((writes.get(key) ?? -1) >= Number(prev.metadata?.resourceVersion ?? 0)) continue;
        report(`${prev.kind} ${objName(prev)} was removed from etcd at revision ${revision} with finalizers ${JSON.stringify(finalizers)} left, and no update or patch since its last version could have emptied them`);
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
