// Invariants of the API server and its clients, judged from the requests and responses delivered
// and from etcd's key space and history (the ground truth every cache derives from).

import type { Runtime } from "../../runtime/runtime.js";
import { fieldsMatch, groupOf, labelsMatch, parseFieldSelector, parseLabelSelector, resourceOfKind } from "./k8s.js";
import { etcdChanges, objName, requestKey, sameJSON, storedObject, watching } from "./observe.js";

/**
 * podBoundAtMostOnce: a Binding for a pod that is already bound is refused (pods/binding answers
 * 409 Conflict, "pod X is already assigned to node Y"), so a pod is bound once.
 */
export const podBoundAtMostOnce = watching(
  "podBoundAtMostOnce",
  "a pod is bound at most once: a Binding (pods/binding) for a pod that already has spec.nodeName gets 409 Conflict, so only one Binding per pod ever succeeds",
  ({ rt, report }) => {
    /** per request: FIFO of the pods its deliveries named, and whether each was already bound (a repeated request has the same id) */
    const bindings = new Map<string, Array<{ uid: string; bound?: string; target: string; pod: string } | undefined>>();
    /** pod uid -> the node of the Binding that succeeded */
    const boundBy = new Map<string, string>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (msg.type === "ApiRequest" && to === "apiserver" && msg.resource === "pods" && msg.subresource === "binding" && msg.verb === "create") {
        // What the cache stores is no newer than etcd, and a bound pod stays bound: bound here is bound there.
        const pod = storedObject(rt, "Pod", msg.namespace, msg.name);
        const k = requestKey(rt, from, msg.id);
        let q = bindings.get(k);
        if (!q) bindings.set(k, (q = []));
        q.push(pod ? { uid: pod.metadata.uid, bound: pod.spec?.nodeName || undefined, target: msg.body?.target?.name, pod: objName(pod) } : undefined);
        return;
      }
      if (msg.type !== "ApiResponse" || from !== "apiserver") return;
      const k = requestKey(rt, to, msg.id);
      const q = bindings.get(k);
      if (!q) return;
      const e = q.shift();
      if (q.length === 0) bindings.delete(k);
      if (!e || !msg.ok) return;
      const [ns, name] = e.pod.split("/");
      // Only the same pod (same uid) still stored proves the Binding hit an already-bound pod.
      if (e.bound && storedObject(rt, "Pod", ns, name)?.metadata?.uid === e.uid) {
        report(`pods/binding of pod ${e.pod} to node ${e.target} answered ${msg.code} though the pod was already bound to node ${e.bound}: a second Binding must get 409 Conflict`);
        return;
      }
      // Two Bindings delivered before either was applied: the second must still find the pod bound.
      const first = boundBy.get(e.uid);
      if (first !== undefined) report(`pods/binding of pod ${e.pod} to node ${e.target} answered ${msg.code} after a Binding to node ${first} had succeeded: a second Binding must get 409 Conflict`);
      else boundBy.set(e.uid, e.target);
    });
  },
);

/** One change in etcd: the object after (undefined when deleted) and before (undefined when created). */
interface Change {
  revision: number;
  obj: any;
  prev: any;
}

/** Every change etcd made since the reader began, per `${group}/${resource}`, read incrementally after every step. */
class EtcdLog {
  readonly byResource = new Map<string, Change[]>();
  /** the first revision whose changes are all known */
  knownFrom = -1;
  private readTo = 0;

  read(rt: Runtime): void {
    const etcd = rt.snapshot("etcd")?.context;
    if (!etcd) return;
    if (this.knownFrom < 0) {
      this.knownFrom = Math.max(etcd.historyStart, etcd.compactRevision + 1);
      this.readTo = this.knownFrom - 1;
    }
    for (let rev = Math.max(this.readTo + 1, etcd.historyStart); rev <= etcd.revision; rev++) {
      for (const e of etcd.history.get(rev - etcd.historyStart) ?? []) {
        const obj = e.type === "PUT" ? e.kv.value : undefined;
        const prev = e.prevKv?.value;
        const any = obj ?? prev;
        if (!any?.kind) continue;
        const k = `${groupOf(any)}/${resourceOfKind(any.kind)}`;
        let a = this.byResource.get(k);
        if (!a) this.byResource.set(k, (a = []));
        a.push({ revision: rev, obj, prev });
      }
    }
    this.readTo = Math.max(this.readTo, etcd.revision);
  }

  /** The changes of a resource with after < revision < before. */
  between(resource: string, after: number, before: number): Change[] {
    const a = this.byResource.get(resource);
    if (!a) return [];
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]!.revision <= after) lo = mid + 1;
      else hi = mid;
    }
    const out: Change[] = [];
    for (let i = lo; i < a.length && a[i]!.revision < before; i++) out.push(a[i]!);
    return out;
  }
}

interface OpenWatch {
  resource: string;
  namespace?: string;
  labels: ReturnType<typeof parseLabelSelector>;
  fields: ReturnType<typeof parseFieldSelector>;
  /** the resourceVersion up to which every change must have been delivered */
  last: number;
}

function inScope(w: OpenWatch, o: any): boolean {
  if (!o) return false;
  if (w.namespace && o.metadata?.namespace !== w.namespace) return false;
  return labelsMatch(w.labels ?? [], o.metadata?.labels) && fieldsMatch(w.fields ?? [], o);
}

/**
 * watchNeverSkipsWithout410: a watch resumed from resourceVersion R delivers every change after R
 * that its selectors see (an object entering or leaving them included), in order; when it cannot
 * (R compacted, or older than the watch cache holds) it ends with 410 Gone and the client re-lists.
 * Judged against etcd's own history, so a watch cache serving "what is left" is caught.
 */
export const watchNeverSkipsWithout410 = watching(
  "watchNeverSkipsWithout410",
  "a watch resumed from a resourceVersion delivers every later change its selectors see, or ends with 410 Gone: never a gap",
  ({ rt, report }) => {
    const log = new EtcdLog();
    const watches = new Map<string, OpenWatch>();
    log.read(rt);
    rt.deliveryHooks.push((from, to, msg) => {
      if (msg.type === "ApiRequest" && to === "apiserver" && msg.verb === "watch") {
        const k = `${from}#${msg.watchId}`;
        const rv = Number(msg.resourceVersion);
        // rv "" or "0" starts from a snapshot: only a resumed watch promises every change after it.
        if (!(msg.resourceVersion && rv > 0)) return void watches.delete(k);
        const labels = msg.labelSelector ? parseLabelSelector(msg.labelSelector) : [];
        const fields = msg.fieldSelector ? parseFieldSelector(msg.fieldSelector) : [];
        if (!labels || !fields) return void watches.delete(k);
        watches.set(k, { resource: `${msg.group ?? ""}/${msg.resource}`, namespace: msg.namespace, labels, fields, last: rv });
        return;
      }
      if (msg.type !== "WatchEvent" || from !== "apiserver") return;
      const k = `${to}#${msg.watchId}`;
      const w = watches.get(k);
      if (!w) return;
      // the watch ended (410, or a broken stream the client resumes with a new watch request)
      if (msg.eventType === "ERROR" || msg.eventType === "CLOSED") return void watches.delete(k);
      const rv = Number(msg.object?.metadata?.resourceVersion);
      if (!(rv > w.last)) return; // order and repeats are watchNeverSkipsOrRepeats' business
      log.read(rt);
      // A bookmark promises every change up to and including its resourceVersion.
      const upTo = msg.eventType === "BOOKMARK" ? rv + 1 : rv;
      if (w.last + 1 >= log.knownFrom) {
        const missed = log.between(w.resource, w.last, upTo).find((c) => inScope(w, c.obj) || inScope(w, c.prev));
        if (missed) {
          const o = missed.obj ?? missed.prev;
          report(`${to} watch ${msg.watchId} on ${w.resource}: ${msg.eventType} at resourceVersion ${rv} after ${w.last}, but the ${o.kind} ${objName(o)} change at ${missed.revision} was never delivered and no 410 Gone ended the watch`);
          return void watches.delete(k);
        }
      }
      w.last = rv;
    });
    return () => log.read(rt);
  },
);

/** Every object etcd stores, by uid (one pass over the key space). */
function storedByUid(rt: Runtime): Map<string, any> {
  const out = new Map<string, any>();
  for (const kv of rt.snapshot("etcd")?.context?.kv?.values() ?? []) {
    const uid = kv.value?.metadata?.uid;
    if (uid) out.set(uid, kv.value);
  }
  return out;
}

/** The object etcd stores for a resource, namespace and name. */
function storedInEtcd(rt: Runtime, group: string, resource: string, namespace: string | undefined, name: string): any {
  for (const kv of rt.snapshot("etcd")?.context?.kv?.values() ?? []) {
    const o = kv.value;
    if (o?.metadata?.name !== name || (o.metadata.namespace || undefined) !== (namespace || undefined)) continue;
    if (groupOf(o) === group && resourceOfKind(o.kind) === resource) return o;
  }
  return undefined;
}

/**
 * dependentDeletedOnlyAfterOwnerGone: the garbage collector deletes an object only when none of
 * its owners is "solid" (attemptToDeleteItem): every owner is gone from etcd (no object has its
 * uid), or is itself being deleted in the foreground (deletionTimestamp and the foregroundDeletion
 * finalizer). An owner being deleted with the orphan finalizer keeps its dependents.
 */
export const dependentDeletedOnlyAfterOwnerGone = watching(
  "dependentDeletedOnlyAfterOwnerGone",
  "the garbage collector deletes a dependent only when each of its owners is gone from etcd or is being deleted in the foreground",
  ({ rt, report }) => {
    rt.deliveryHooks.push((from, to, msg) => {
      if (msg.type !== "ApiRequest" || to !== "apiserver" || from !== "garbage-collector" || msg.verb !== "delete" || !msg.name) return;
      const dep = storedInEtcd(rt, msg.group ?? "", msg.resource, msg.namespace, msg.name);
      if (!dep) return;
      const uid = msg.body?.preconditions?.uid;
      if (uid && uid !== dep.metadata.uid) return; // the precondition fails: nothing is deleted
      const refs: any[] = dep.metadata.ownerReferences ?? [];
      if (refs.length === 0) return;
      const byUid = storedByUid(rt);
      for (const ref of refs) {
        const owner = byUid.get(ref.uid);
        if (!owner) continue;
        const foreground = owner.metadata?.deletionTimestamp && (owner.metadata.finalizers ?? []).includes("foregroundDeletion");
        if (!foreground) report(`garbage-collector deleted ${dep.kind} ${objName(dep)} while its owner ${owner.kind} ${objName(owner)} (uid ${ref.uid}) still exists in etcd${owner.metadata?.deletionTimestamp ? " (being deleted, not in the foreground)" : ""}`);
      }
    });
  },
);

/**
 * namespaceRemovedOnlyWhenEmpty: a Namespace being deleted is removed (finalized) only once nothing
 * is left in it. The namespace controller deletes every namespaced resource in it, waits until
 * each list comes back empty (pods take their grace period), and only then removes its
 * `kubernetes` finalizer (namespaced_resources_deleter.go: "content remaining"); NamespaceLifecycle
 * admission refuses creates in a terminating namespace, so nothing comes in meanwhile.
 */
export const namespaceRemovedOnlyWhenEmpty = watching(
  "namespaceRemovedOnlyWhenEmpty",
  "a Namespace being deleted is removed only when no object is left in it",
  ({ rt, report }) => {
    const terminating = new Set<string>();
    return (w) => {
      for (const ns of w.list("Namespace")) if (ns.metadata?.deletionTimestamp) terminating.add(ns.metadata.name);
      if (terminating.size === 0) return;
      for (const name of [...terminating]) {
        if (w.list("Namespace").some((n) => n.metadata?.name === name)) continue;
        terminating.delete(name);
        const left: string[] = [];
        for (const kv of rt.snapshot("etcd")?.context?.kv?.values() ?? []) {
          const o = kv.value;
          if (o?.metadata?.namespace === name) left.push(`${o.kind} ${o.metadata.name}`);
        }
        if (left.length > 0) report(`Namespace ${name} was removed with ${left.length} object(s) left in it: ${left.slice(0, 5).join(", ")}${left.length > 5 ? ", ..." : ""}`);
      }
    };
  },
);

/** Calls `f` with every change etcd made since the last call (read after every step, so nothing is compacted unread). */
function etcdChangeReader(rt: Runtime): (f: (obj: any, prev: any) => void) => void {
  let readTo = -1;
  return (f) => {
    const etcd = rt.snapshot("etcd")?.context;
    if (!etcd) return;
    if (readTo < 0) readTo = etcd.historyStart - 1;
    for (let rev = Math.max(readTo + 1, etcd.historyStart); rev <= etcd.revision; rev++) {
      for (const e of etcd.history.get(rev - etcd.historyStart) ?? []) f(e.type === "PUT" ? e.kv.value : undefined, e.prevKv?.value);
    }
    readTo = Math.max(readTo, etcd.revision);
  };
}

/** How long before an owner's orphan deletion a dependent's reference must have been stored to be judged: the garbage collector's informers may lag that long. */
export const orphanInformerSlackMs = 30_000;

/**
 * orphanFinalizerRemovedOnlyAfterDependentsReleased: an owner deleted with propagationPolicy Orphan
 * keeps the `orphan` finalizer until no object refers to it any more. The garbage collector's
 * attemptToOrphan first removes the owner's ownerReference from every dependent it knows and only
 * then the finalizer (orphanDependents, then removeFinalizer; a failed dependent patch requeues the
 * owner), so an orphaned dependent never keeps a reference to a deleted owner, which would make it a
 * dangling dependent the garbage collector deletes. A dependent whose reference was stored less than
 * orphanInformerSlackMs before the owner's deletion may not have reached the collector's informers
 * yet (a race Kubernetes has too), so only older references are judged.
 */
export const orphanFinalizerRemovedOnlyAfterDependentsReleased = watching(
  "orphanFinalizerRemovedOnlyAfterDependentsReleased",
  `the orphan finalizer leaves an owner only once no object in etcd refers to it (references stored ${orphanInformerSlackMs / 1000} s before the owner's deletion)`,
  ({ rt, report }) => {
    const read = etcdChangeReader(rt);
    /** `${dependent uid}|${owner uid}` -> when the reference was first seen stored */
    const refSince = new Map<string, number>();
    /** owner uid -> when it was first seen being deleted with the orphan finalizer */
    const orphaningSince = new Map<string, number>();
    const orphaning = (o: any) => !!o?.metadata?.deletionTimestamp && (o.metadata.finalizers ?? []).includes("orphan");
    return () => {
      const released: any[] = [];
      read((obj, prev) => {
        for (const ref of obj?.metadata?.ownerReferences ?? []) {
          const k = `${obj.metadata.uid}|${ref.uid}`;
          if (!refSince.has(k)) refSince.set(k, rt.now);
        }
        if (orphaning(obj) && !orphaningSince.has(obj.metadata.uid)) orphaningSince.set(obj.metadata.uid, rt.now);
        if (!orphaning(prev) || (obj && obj.metadata?.uid === prev.metadata.uid && orphaning(obj))) return;
        released.push(prev);
      });
      if (released.length === 0) return;
      const owners = new Map(released.map((o) => [o.metadata.uid, o]));
      for (const kv of rt.snapshot("etcd")?.context?.kv?.values() ?? []) {
        const d = kv.value;
        for (const ref of d?.metadata?.ownerReferences ?? []) {
          const owner = owners.get(ref.uid);
          if (!owner) continue;
          const since = refSince.get(`${d.metadata.uid}|${ref.uid}`);
          const deleted = orphaningSince.get(ref.uid);
          if (since === undefined || deleted === undefined || since + orphanInformerSlackMs > deleted) continue;
          report(`${owner.kind} ${objName(owner)} lost its orphan finalizer while ${d.kind} ${objName(d)} still has an ownerReference to it (stored ${Math.round((deleted - since) / 1000)} s before the owner's deletion)`);
        }
      }
      for (const uid of owners.keys()) orphaningSince.delete(uid);
    };
  },
);

/** The workload kinds whose registry strategy bumps metadata.generation on a spec change (apps/v1, batch/v1). */
const generationKinds = new Set(["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController", "Job", "CronJob"]);

/**
 * generationBumpedOnSpecChange: "generation: a sequence number representing a specific generation
 * of the desired state. Populated by the system." (ObjectMeta); each workload strategy's
 * PrepareForUpdate sets `Generation = old.Generation + 1` when `!apiequality.Semantic.DeepEqual(new.Spec,
 * old.Spec)`, whichever endpoint wrote it (an update, a patch, the scale subresource), so that
 * controllers' `status.observedGeneration` and `kubectl rollout status` can tell a spec they have
 * acted on from a newer one. Judged on every update etcd stores for those kinds.
 */
export const generationBumpedOnSpecChange = watching(
  "generationBumpedOnSpecChange",
  "an update that changes a workload object's spec (Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, Job, CronJob) increases its metadata.generation",
  ({ rt, report }) => {
    const changes = etcdChanges(rt);
    return () => {
      for (const { revision, obj, prev } of changes()) {
        if (!obj || !prev || !generationKinds.has(obj.kind) || obj.metadata?.uid !== prev.metadata?.uid) continue;
        if (sameJSON(obj.spec, prev.spec)) continue;
        const before = prev.metadata?.generation ?? 0;
        const after = obj.metadata?.generation ?? 0;
        if (!(after > before)) report(`${obj.kind} ${objName(obj)}: its spec changed at revision ${revision} but metadata.generation stayed ${after}`);
      }
    };
  },
);

/**
 * generationChangesOnlyWithSpec: the other half of the strategies' rule: PrepareForUpdate copies
 * the old generation and bumps it only when the spec changed, so an update that leaves a workload
 * object's spec as it was (its labels, annotations, finalizers, ownerReferences, or its status)
 * keeps metadata.generation. Graceful deletion (rest.BeforeDelete) may bump it too: an object being
 * deleted is not judged.
 */
export const generationChangesOnlyWithSpec = watching(
  "generationChangesOnlyWithSpec",
  "an update that leaves a workload object's spec unchanged (metadata or status only) keeps its metadata.generation",
  ({ rt, report }) => {
    const changes = etcdChanges(rt);
    return () => {
      for (const { revision, obj, prev } of changes()) {
        if (!obj || !prev || !generationKinds.has(obj.kind) || obj.metadata?.uid !== prev.metadata?.uid || obj.metadata?.deletionTimestamp) continue;
        if (!sameJSON(obj.spec, prev.spec)) continue;
        const before = prev.metadata?.generation ?? 0;
        const after = obj.metadata?.generation ?? 0;
        if (after !== before) report(`${obj.kind} ${objName(obj)}: an update at revision ${revision} left its spec as it was but moved metadata.generation from ${before} to ${after}`);
      }
    };
  },
);

/**
 * foregroundOwnerRemovedOnlyAfterBlockingDependents: an owner deleted with propagationPolicy
 * Foreground keeps the `foregroundDeletion` finalizer while any dependent whose ownerReference to
 * it has blockOwnerDeletion is still in etcd, terminating or not (processDeletingDependentsItem
 * removes the finalizer only when blockingDependents() is empty; a dependent leaves the collector's
 * graph only with its delete event). As for orphaning, a reference stored less than
 * orphanInformerSlackMs before the owner's deletion may not have reached the collector yet.
 */
export const foregroundOwnerRemovedOnlyAfterBlockingDependents = watching(
  "foregroundOwnerRemovedOnlyAfterBlockingDependents",
  `the foregroundDeletion finalizer leaves an owner only once no object in etcd refers to it with blockOwnerDeletion (references stored ${orphanInformerSlackMs / 1000} s before the owner's deletion)`,
  ({ rt, report }) => {
    const read = etcdChangeReader(rt);
    const refSince = new Map<string, number>();
    const foregroundSince = new Map<string, number>();
    const foreground = (o: any) => !!o?.metadata?.deletionTimestamp && (o.metadata.finalizers ?? []).includes("foregroundDeletion");
    return () => {
      const released: any[] = [];
      read((obj, prev) => {
        for (const ref of obj?.metadata?.ownerReferences ?? []) {
          if (ref?.blockOwnerDeletion !== true) continue;
          const k = `${obj.metadata.uid}|${ref.uid}`;
          if (!refSince.has(k)) refSince.set(k, rt.now);
        }
        if (foreground(obj) && !foregroundSince.has(obj.metadata.uid)) foregroundSince.set(obj.metadata.uid, rt.now);
        if (!foreground(prev) || (obj && obj.metadata?.uid === prev.metadata.uid && foreground(obj))) return;
        released.push(prev);
      });
      if (released.length === 0) return;
      const owners = new Map(released.map((o) => [o.metadata.uid, o]));
      for (const kv of rt.snapshot("etcd")?.context?.kv?.values() ?? []) {
        const d = kv.value;
        for (const ref of d?.metadata?.ownerReferences ?? []) {
          const owner = owners.get(ref.uid);
          if (!owner || ref.blockOwnerDeletion !== true) continue;
          const since = refSince.get(`${d.metadata.uid}|${ref.uid}`);
          const deleted = foregroundSince.get(ref.uid);
          if (since === undefined || deleted === undefined || since + orphanInformerSlackMs > deleted) continue;
          report(`${owner.kind} ${objName(owner)} lost its foregroundDeletion finalizer while ${d.kind} ${objName(d)}${d.metadata?.deletionTimestamp ? " (terminating)" : ""} still blocks it (blockOwnerDeletion, stored ${Math.round((deleted - since) / 1000)} s before the owner's deletion)`);
        }
      }
      for (const uid of owners.keys()) foregroundSince.delete(uid);
    };
  },
);

/**
 * The objects of a resource etcd held at a revision, by uid: its key space now with the changes
 * after that revision undone; undefined when the history no longer reaches back that far.
 */
function storedAtRevision(rt: Runtime, group: string, resource: string, revision: number): Map<string, any> | undefined {
  const etcd = rt.snapshot("etcd")?.context;
  if (!etcd || !(revision >= etcd.historyStart - 1) || revision > etcd.revision) return undefined;
  const ours = (o: any) => o?.kind && groupOf(o) === group && resourceOfKind(o.kind) === resource;
  const byKey = new Map<string, any>();
  for (const kv of etcd.kv.values()) if (ours(kv.value)) byKey.set(kv.key, kv.value);
  for (let rev = etcd.revision; rev > revision; rev--) {
    const events: any[] = [...(etcd.history.get(rev - etcd.historyStart) ?? [])].reverse();
    for (const e of events) {
      const prev = e.prevKv?.value;
      if (!ours(e.kv?.value) && !ours(prev)) continue;
      if (prev !== undefined) byKey.set(e.kv.key, prev);
      else byKey.delete(e.kv.key);
    }
  }
  const out = new Map<string, any>();
  for (const o of byKey.values()) if (o.metadata?.uid) out.set(o.metadata.uid, o);
  return out;
}

/**
 * listAnswersWhatItsSelectorsMatch: a list with a label or field selector, or in one namespace,
 * answers exactly the objects of its resourceVersion that the selectors match there: none the
 * selectors refuse (the registry's SelectionPredicate filters every item, whatever index narrowed
 * the candidates: storage/cacher's filterWithAttrsAndPrefixFunction), and none they match left out
 * (an index narrows only for an exact-match requirement: cacher.go's MatchValues, from
 * RequiresExactMatch). Judged on each complete answer (no continue token) against etcd's objects at
 * the answer's resourceVersion.
 */
export const listAnswersWhatItsSelectorsMatch = watching(
  "listAnswersWhatItsSelectorsMatch",
  "a list answers exactly the objects of its resourceVersion that its label and field selectors match in the namespace it names",
  ({ rt, report }) => {
    const asked = new Map<string, { what: string; group: string; resource: string; namespace?: string; labels: ReturnType<typeof parseLabelSelector>; fields: ReturnType<typeof parseFieldSelector> }>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (msg.type === "ApiRequest" && to === "apiserver" && msg.verb === "list") {
        if (!msg.labelSelector && !msg.fieldSelector && !msg.namespace) return;
        const labels = msg.labelSelector ? parseLabelSelector(msg.labelSelector) : [];
        const fields = msg.fieldSelector ? parseFieldSelector(msg.fieldSelector) : [];
        if (!labels || !fields) return; // one the API server refuses
        const sel = [msg.labelSelector ? `labelSelector ${msg.labelSelector}` : "", msg.fieldSelector ? `fieldSelector ${msg.fieldSelector}` : "", msg.namespace ? `namespace ${msg.namespace}` : ""].filter(Boolean).join(", ");
        asked.set(requestKey(rt, from, msg.id), { what: `${from}'s list of ${msg.resource} (${sel})`, group: msg.group ?? "", resource: msg.resource, namespace: msg.namespace, labels, fields });
        return;
      }
      if (msg.type !== "ApiResponse" || from !== "apiserver") return;
      const k = requestKey(rt, to, msg.id);
      const q = asked.get(k);
      if (!q) return;
      asked.delete(k);
      if (!msg.ok || !Array.isArray(msg.object?.items) || msg.object.metadata?.continue) return;
      const selected = (o: any) => (q.namespace === undefined || o?.metadata?.namespace === q.namespace) && labelsMatch(q.labels ?? [], o?.metadata?.labels) && fieldsMatch(q.fields ?? [], o);
      const items: any[] = msg.object.items;
      const wrong = items.find((o) => !selected(o));
      if (wrong) return report(`${q.what} answered ${objName(wrong)}${wrong.spec?.nodeName !== undefined ? ` (spec.nodeName ${wrong.spec.nodeName})` : ""}, which its selectors do not match`);
      const rv = Number(msg.object.metadata?.resourceVersion);
      if (!(rv > 0)) return;
      const stored = storedAtRevision(rt, q.group, q.resource, rv);
      if (!stored) return;
      const answered = new Set(items.map((o) => o?.metadata?.uid));
      const missing = [...stored.values()].find((o) => selected(o) && !answered.has(o.metadata.uid));
      if (missing) report(`${q.what} at resourceVersion ${rv} left out ${objName(missing)}${missing.spec?.nodeName !== undefined ? ` (spec.nodeName ${missing.spec.nodeName || '""'})` : ""}, which its selectors match`);
    });
    return undefined;
  },
);
