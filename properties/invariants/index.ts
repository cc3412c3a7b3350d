// The invariant registry: every invariant by its name, checked after every step of a run.
// Stateless invariants read the cluster as it is; stateful ones remember earlier steps or
// watch every delivered message; "quiescent" ones hold whenever no message is in flight.

import type { Runtime } from "../../runtime/runtime.js";
import { Monitor, allocatableNeverExceeded, neverRunningWithoutNodeName, type Violation, type World } from "./core.js";
import { endpointSlicePortsJudge, endpointSlicePublishNotReadyJudge, endpointSliceReadinessJudge, endpointSliceServingJudge, endpointSlicesJudge, endpointsJudge } from "./endpoints.js";
import { replicaSetCountsOnlyReadyPods, replicaSetNeverOwnsTooManyPods, replicationControllerNeverOwnsTooManyPods } from "./replicaset.js";
import { jobCompleteOnlyAfterCompletions, jobCountsOnlySucceededPods, jobFailedOnlyPastBackoffLimit, jobFailedWithDeadlineExceededOnlyPastActiveDeadline, jobNeverExceedsParallelism } from "./job.js";
import { jobDeletedByTTLInTheForeground, jobDeletedOnlyAfterTTL, replicaSetDeletesLowestRankedPods, replicaSetDeletesOnlyActivePods, statefulSetScalesDownFromHighestOrdinal, statefulSetUpdateRespectsPartition, statefulSetUpdatesFromHighestOrdinal } from "./controllers.js";
import { defaultTolerationSecondsAdded, podPriorityMatchesPriorityClass } from "./admission.js";
import { deletionFinishesWhenFinalizersEmpty, objectMetaImmutableOnUpdate, objectRemovedOnlyWithoutFinalizers } from "./meta.js";
import { daemonSetPodsOnlyOnSelectedNodes, daemonSetPodsOnlyOnToleratingNodes, daemonSetRunsOnePodPerNode } from "./daemonset.js";
import { statefulSetOrderedReady } from "./statefulset.js";
import { cronJobForbidNeverRunsConcurrently, cronJobNeverStartsEarly } from "./cronjob.js";
import { hpaReplicasWithinBounds } from "./hpa.js";
import { pvcBoundToAtMostOnePV } from "./storage.js";
import { budgetNeverAllowsMoreThanHealthy } from "./disruption.js";
import { livenessInvariant } from "./liveness.js";
import { deletionInvariant } from "./deletion.js";
import type { Cluster } from "../../runtime/cluster.js";
import { dependentDeletedOnlyAfterOwnerGone, foregroundOwnerRemovedOnlyAfterBlockingDependents, generationBumpedOnSpecChange, generationChangesOnlyWithSpec, namespaceRemovedOnlyWhenEmpty, orphanFinalizerRemovedOnlyAfterDependentsReleased, listAnswersWhatItsSelectorsMatch, podBoundAtMostOnce, watchNeverSkipsWithout410 } from "./api.js";
import { claimMountedReadOnlyWhenAsked, containerRunsWithItsSeccompProfile, containersStartOnlyWithPodIP, kubeletEventNamesItsContainer, kubeletRequestsTokenForItsAudience, deletionGracePeriodNotExceeded, finishedPodNeverRunsAgain, gracePeriodHonoured, nodeLeaseRenewedWhileAnswered, podIPNotSharedByLiveSandboxes, podRemovedOnlyAfterContainersStopped } from "./node.js";
import { endpointSliceOwnedByService, terminatingPodNeverReadyEndpoint } from "./endpoints.js";
import { noExecuteTaintEvictsWithinTolerationSeconds, podEvictedOnlyPastTolerationSeconds } from "./taints.js";
import { deploymentNeverSurgesPastMaxSurge, deploymentScaleDownKeepsMinAvailable } from "./deployment.js";
import { invalidObjectRefused } from "./validation.js";
import { containerTerminatedReasonMatchesExitCode, podIPInsideNodePodCIDR, statefulSetPodHasStableNetworkIdentity } from "./identity.js";
import { preemptionEvictsOnlyLowerPriority } from "./preemption.js";
import { nodeMarkedUnknownOnlyPastGracePeriod } from "./nodehealth.js";
import { foregroundFinalizerRemovedOnlyAfterKnownBlockingDependentsGone, orphanFinalizerRemovedOnlyAfterKnownDependentsReleased } from "./gcview.js";
import { budgetExpectsItsControllersScale } from "./disruptionview.js";
import { appContainersStartOnlyAfterInitContainers, containerRestartBacksOff, podBoundOnlyToMatchingNode, podBoundOnlyToToleratingNode, podSucceededOnlyWhenContainersSucceeded, readyOnlyAfterReadinessProbe, containerReadyOnlyWhenStarted, restartPolicyHonoured } from "./pods.js";
import { budgetDesiredHealthyFollowsSpec, evictionTakesOneAllowedDisruption, jobFinishedStatusConsistent, nodeConditionTransitionTimeKept, podConditionsMatchContainerStatuses, podStartTimeSetOnce, workloadCountsOnlyReadyPods, workloadStatusConsistent } from "./status.js";
import { fieldsMatch, groupOf, labelsMatch, parseFieldSelector, parseLabelSelector, resourceOfKind, sandboxReady } from "./k8s.js";

export type { Violation, World };

/** A live instance of one invariant, bound to one runtime. */
export interface InvariantCheck {
  /** after every delivered message or fired timer */
  step?(w: World): Violation[];
  /** when nothing is in flight */
  quiescent?(w: World): Violation[];
}

export interface InvariantSpec {
  name: string;
  /** one line: what must always hold */
  description: string;
  /**
   * safety (default): checked at every step; liveness: checked by the fault-free phase of a run
   * (properties/run.ts); run: compares a whole run's start and end (properties/invariants/deletion.ts).
   */
  kind?: "safety" | "liveness" | "run";
  create(rt: Runtime): InvariantCheck;
}

/**
 * The lists of one runtime's stored objects, by kind, as of the cache's revision: the cache changes
 * only by applying etcd events, each of which moves its revision, so every invariant reading a
 * kind at one step shares one array (callers never change it).
 */
const lists = new WeakMap<Runtime, Map<string, { cache: unknown; revision: number; m: unknown; items: any[] }>>();

/** The world the invariants read: objects from the API server's cache, the revision from etcd. */
export function worldOf(rt: Runtime): World {
  let memo = lists.get(rt);
  if (!memo) lists.set(rt, (memo = new Map()));
  const byKind = memo;
  return {
    list(kind: string) {
      const cache = rt.snapshot("apiserver")?.context?.cache;
      const m = cache?.byKind.get(kind);
      if (!m) return [];
      const hit = byKind.get(kind);
      if (hit && hit.cache === cache && hit.m === m && hit.revision === cache.revision) return hit.items;
      const items = [...m.values()];
      byKind.set(kind, { cache, revision: cache.revision, m, items });
      return items;
    },
    etcdRevision() {
      return rt.snapshot("etcd")?.context?.revision ?? 0;
    },
    runtimeStarts(node: string) {
      return rt.incarnation(`cri/${node}`);
    },
    liveSandboxPods(node: string) {
      // the runtime's sandboxes read as data: those SANDBOX_READY, by the pod uid they were made for
      const sandboxes: Map<string, any> | undefined = rt.snapshot(`cri/${node}`)?.context?.sandboxes;
      const out = new Set<string>();
      for (const sb of sandboxes?.values() ?? []) if (sandboxReady(sb)) out.add(sb.podUid);
      return out;
    },
  };
}

const v = (invariant: string, message: string): Violation => ({ invariant, message });

const stateless = (name: string, description: string, f: (w: World) => Violation[]): InvariantSpec => ({ name, description, create: () => ({ step: f }) });

const monitorMethod = (name: "uniquePodIPs" | "nodeNameSetOnce" | "phasesOnlyMoveForward" | "etcdRevisionOnlyGrows", description: string): InvariantSpec => ({
  name,
  description,
  create() {
    const m = new Monitor();
    return { step: (w) => m[name](w) };
  },
});

/** Per (client, watchId), WatchEvent resourceVersions strictly increase; at quiescence every informer store equals the API server's list. */
export const watchNeverSkipsOrRepeats: InvariantSpec = {
  name: "watchNeverSkipsOrRepeats",
  description: "a watch's resourceVersions strictly increase, and at quiescence every informer holds exactly what a list returns",
  create(rt) {
    const last = new Map<string, number>();
    let pending: Violation[] = [];
    rt.deliveryHooks.push((from, to, msg) => {
      if (msg.type === "ApiRequest" && to === "apiserver" && msg.verb === "watch") {
        // Only watches resumed from a resourceVersion promise an order; rv "" or "0" starts with a snapshot.
        const rv = Number(msg.resourceVersion);
        if (msg.resourceVersion && rv > 0) last.set(`${from}#${msg.watchId}`, rv);
        else last.delete(`${from}#${msg.watchId}`);
      } else if (msg.type === "WatchEvent" && from === "apiserver") {
        const k = `${to}#${msg.watchId}`;
        if (msg.eventType === "ERROR" || msg.eventType === "CLOSED") return void last.delete(k);
        const before = last.get(k);
        if (before === undefined) return;
        const rv = Number(msg.object?.metadata?.resourceVersion);
        if (!(rv > before)) pending.push(v("watchNeverSkipsOrRepeats", `${to} watch ${msg.watchId}: ${msg.eventType} at resourceVersion ${rv} after ${before}`));
        else last.set(k, rv);
      }
    });
    return {
      step() {
        const out = pending;
        if (out.length > 0) pending = [];
        return out;
      },
      quiescent() {
        return informersMatchLists(rt);
      },
    };
  },
};

/** Every synced informer store, in every actor, equals what the API server lists for the same selector. */
export function informersMatchLists(rt: Runtime): Violation[] {
  const cache = rt.snapshot("apiserver")?.context?.cache;
  if (!cache) return [];
  const out: Violation[] = [];
  for (const a of rt.addresses()) {
    const informers: Map<number, any> | undefined = rt.snapshot(a)?.context?.client?.informers;
    if (!informers) continue;
    for (const inf of informers.values()) {
      // Only an informer whose watch is open at the API server must be current: one whose watch
      // request is still on its way (or being retried) lags its list, as a real one does.
      if (!inf.synced || !openWatches(cache.watches).has(`${a}#${inf.watchId}`)) continue;
      const want = listFor(cache, inf);
      if (want === undefined) continue;
      const diff = storeDiff(inf.store, want);
      if (diff) out.push(v("watchNeverSkipsOrRepeats", `${a} informer for ${inf.resource}${inf.fieldSelector ? ` (${inf.fieldSelector})` : ""}: ${diff}`));
    }
  }
  return out;
}

/** Parsed selectors by their text (informers keep the same few for the whole run). */
const parsedSelectors = new Map<string, { labels: ReturnType<typeof parseLabelSelector>; fields: ReturnType<typeof parseFieldSelector> }>();

function selectorsOf(labelSelector: string | undefined, fieldSelector: string | undefined) {
  const key = `${labelSelector ?? ""}\u0000${fieldSelector ?? ""}`;
  let p = parsedSelectors.get(key);
  if (!p) {
    p = { labels: labelSelector ? parseLabelSelector(labelSelector) : [], fields: fieldSelector ? parseFieldSelector(fieldSelector) : [] };
    // selectors come from clients: keep the memo bounded
    if (parsedSelectors.size > 1000) parsedSelectors.clear();
    parsedSelectors.set(key, p);
  }
  return p;
}

// The API server's cache and the informers' stores are persistent values: the same value gives the
// same answer, so the checks at each quiescent point redo only what changed since the last one.
/** byKind value -> "group/resource" -> that kind's objects map (null: none was ever stored) */
const kindMaps = new WeakMap<object, Map<string, any>>();
/** a kind's objects map -> selector and namespace -> what a list returns */
const listsByQuery = new WeakMap<object, Map<string, Map<string, string> | undefined>>();
/** an informer's store -> the last list it was compared with, and the difference */
const diffs = new WeakMap<object, { want: Map<string, string>; diff: string | undefined }>();

/** the API server's open watches, by value: a native set of their keys (immutable.js rehashes each long key on every lookup) */
const watchSets = new WeakMap<object, Set<string>>();

function openWatches(watches: any): Set<string> {
  let set = watchSets.get(watches);
  if (!set) watchSets.set(watches, (set = new Set(watches.keys())));
  return set;
}

/** The stored objects map of a group and resource (the kind whose resource name it is), or undefined when none was ever stored. */
function objectsOf(cache: any, group: string, resource: string): any {
  let byResource = kindMaps.get(cache.byKind);
  if (!byResource) kindMaps.set(cache.byKind, (byResource = new Map()));
  const key = group === "" ? resource : `${group}/${resource}`;
  let m = byResource.get(key);
  if (m === undefined) {
    m = null;
    for (const [kind, objects] of cache.byKind as Map<string, Map<string, any>>) {
      if (resourceOfKind(kind) !== resource) continue;
      const first = objects.values().next().value;
      if (first !== undefined && groupOf(first) !== group) continue;
      m = objects;
      break;
    }
    byResource.set(key, m);
  }
  return m ?? undefined;
}

/** What a list of the informer's resource and selectors returns now: key -> resourceVersion (undefined: cannot tell). */
function listFor(cache: any, inf: any): Map<string, string> | undefined {
  // A kind never stored cannot be told from an unknown resource.
  const objects = objectsOf(cache, inf.group ?? "", inf.resource);
  if (!objects) return undefined;
  let byQuery = listsByQuery.get(objects);
  if (!byQuery) listsByQuery.set(objects, (byQuery = new Map()));
  const query = `${inf.namespace ?? ""}\u0000${inf.labelSelector ?? ""}\u0000${inf.fieldSelector ?? ""}`;
  if (byQuery.has(query)) return byQuery.get(query);
  const { labels, fields } = selectorsOf(inf.labelSelector, inf.fieldSelector);
  let out: Map<string, string> | undefined;
  if (labels && fields) {
    out = new Map<string, string>();
    for (const o of objects.values()) {
      const m = o.metadata;
      if (inf.namespace && m.namespace !== inf.namespace) continue;
      if (!labelsMatch(labels, m.labels) || !fieldsMatch(fields, o)) continue;
      out.set(m.namespace ? `${m.namespace}/${m.name}` : m.name, m.resourceVersion);
    }
  }
  byQuery.set(query, out);
  return out;
}

function storeDiff(store: Map<string, any>, want: Map<string, string>): string | undefined {
  const last = diffs.get(store);
  if (last?.want === want) return last.diff;
  const diff = freshStoreDiff(store, want);
  diffs.set(store, { want, diff });
  return diff;
}

function freshStoreDiff(store: Map<string, any>, want: Map<string, string>): string | undefined {
  for (const [k, rv] of want) {
    const got = store.get(k);
    if (!got) return `missing ${k} (resourceVersion ${rv})`;
    if (got.metadata.resourceVersion !== rv) return `${k} at resourceVersion ${got.metadata.resourceVersion}, the API server has ${rv}`;
  }
  for (const k of store.keys()) if (!want.has(k)) return `holds ${k}, which the API server does not list`;
  return undefined;
}

/** No message from anyone but the API server is ever delivered to etcd (the policy refuses and traces the rest). */
export const onlyApiServerTalksToEtcd: InvariantSpec = {
  name: "onlyApiServerTalksToEtcd",
  description: "only the API server's messages reach etcd",
  create(rt) {
    let pending: Violation[] = [];
    rt.deliveryHooks.push((from, to, msg) => {
      if (to === "etcd" && from !== "apiserver") pending.push(v("onlyApiServerTalksToEtcd", `${from} delivered ${msg.type} to etcd`));
    });
    return {
      step() {
        const out = pending;
        if (out.length > 0) pending = [];
        return out;
      },
    };
  },
};

/** The name of the invariant that a machine never throws (one place, so code, docs and failures agree). */
export const noInternalErrorsInvariant = "noInternalErrors";

/** The internal errors a runtime caught since it had `seen` of them, as violations (one per fault, the first ones by detail). */
export function internalErrorViolations(rt: Runtime, seen = 0): Violation[] {
  const out: Violation[] = [];
  for (let i = seen; i < rt.internalErrorCount; i++) {
    const f = rt.internalErrors[i];
    out.push(v(noInternalErrorsInvariant, f ? `${f.actor} threw while handling ${f.event} at t=${f.t}: ${f.message}` : `internal error #${i + 1} (details not kept)`));
  }
  return out;
}

/** A machine never throws while handling an event: the runtime catches it (a request gets a 500), but it is a bug in the model. */
export const noInternalErrors: InvariantSpec = {
  name: noInternalErrorsInvariant,
  description: "no machine throws while handling an event (the runtime catches it and a request in hand gets a 500 InternalError)",
  create(rt) {
    let seen = rt.internalErrorCount;
    return {
      step() {
        if (rt.internalErrorCount === seen) return [];
        const out = internalErrorViolations(rt, seen);
        seen = rt.internalErrorCount;
        return out;
      },
    };
  },
};

/** An update that carries resourceVersion R succeeds only if R was the object's latest version: no concurrent write is lost. */
export const resourceVersionConflictsNeverLoseAnUpdate: InvariantSpec = {
  name: "resourceVersionConflictsNeverLoseAnUpdate",
  description: "an update carrying resourceVersion R succeeds only when R is the object's current version",
  create(rt) {
    const updates = new Map<string, string>();
    let pending: Violation[] = [];
    rt.deliveryHooks.push((from, to, msg) => {
      if (msg.type === "ApiRequest" && to === "apiserver") {
        const rv = msg.verb === "update" ? msg.body?.metadata?.resourceVersion : undefined;
        // keyed by incarnation: a restarted client reuses request ids on a new connection
        if (typeof rv === "string" && rv !== "") updates.set(`${from}#${rt.incarnation(from)}#${msg.id}`, rv);
        return;
      }
      if (msg.type !== "ApiResponse" || from !== "apiserver") return;
      const k = `${to}#${rt.incarnation(to)}#${msg.id}`;
      const sent = updates.get(k);
      if (sent === undefined) return;
      updates.delete(k);
      if (!msg.ok) return;
      // An update that removed the last finalizer deletes the object; the answer is then the
      // version it replaced, as kube-apiserver's store returns it: exactly the version sent.
      if (msg.object?.metadata?.resourceVersion === sent) return;
      const prev = previousRevision(rt, msg.object);
      if (prev !== undefined && String(prev) !== sent) {
        const m = msg.object.metadata;
        pending.push(v("resourceVersionConflictsNeverLoseAnUpdate", `${to} updated ${msg.object.kind} ${m.namespace ? m.namespace + "/" : ""}${m.name} from resourceVersion ${sent}, but the version it replaced was ${prev}`));
      }
    });
    return {
      step() {
        const out = pending;
        if (out.length > 0) pending = [];
        return out;
      },
    };
  },
};

/** The modRevision an update replaced, from etcd's history (undefined once compacted). */
function previousRevision(rt: Runtime, obj: any): number | undefined {
  const etcd = rt.snapshot("etcd")?.context;
  const rev = Number(obj?.metadata?.resourceVersion);
  if (!etcd || !(rev >= etcd.historyStart)) return undefined;
  const events: any[] | undefined = etcd.history.get(rev - etcd.historyStart);
  const m = obj.metadata;
  for (const e of events ?? []) {
    const val = e.kv.value;
    if (e.kv.modRevision !== rev || val?.metadata?.name !== m.name || val?.metadata?.namespace !== m.namespace || val?.kind !== obj.kind) continue;
    return e.prevKv?.modRevision ?? 0;
  }
  return undefined;
}

/** CNI releases a sandbox's IP only once the CRI has stopped (or removed) that sandbox. */
export const ipReleasedOnlyAfterSandboxGone: InvariantSpec = {
  name: "ipReleasedOnlyAfterSandboxGone",
  description: "an IP is released only after its sandbox is stopped or gone",
  create(rt) {
    const held = new Map<string, Record<string, string>>();
    return {
      step() {
        const out: Violation[] = [];
        for (const a of rt.addresses()) {
          if (!a.startsWith("cni/")) continue;
          const alloc: Record<string, string> | undefined = rt.snapshot(a)?.context?.ipam?.allocations;
          if (!alloc) continue;
          const before = held.get(a);
          if (before !== undefined && before !== alloc) {
            const sandboxes: Map<string, any> | undefined = rt.snapshot(`cri/${a.slice(4)}`)?.context?.sandboxes;
            for (const [ip, sandboxId] of Object.entries(before)) {
              if (alloc[ip] === sandboxId) continue;
              const sb = sandboxes?.get(sandboxId);
              if (sb !== undefined && sandboxReady(sb)) out.push(v("ipReleasedOnlyAfterSandboxGone", `${a} released ${ip} while sandbox ${sandboxId} (${sb.podNamespace}/${sb.podName}) is still ready`));
            }
          }
          // IPAM state is replaced (not mutated) on every change: keep a copy to compare against.
          if (before !== alloc) held.set(a, { ...alloc });
        }
        return out;
      },
    };
  },
};

/** The view the Cluster-shaped invariants read: objects from the API server's cache. */
function clusterView(rt: Runtime): Cluster {
  const w = worldOf(rt);
  return { runtime: rt, list: (kind: string) => w.list(kind) } as unknown as Cluster;
}

/** An invariant judged by a version-keeping judge (endpoints.ts): re-judged only when etcd moved, else the judge just reads what was stored. */
function judgedWhenEtcdMoves(name: string, description: string, makeJudge: (cluster: Cluster) => { read(): void; judge(): string[] }): InvariantSpec {
  return {
    name,
    description,
    create(rt) {
      const judge = makeJudge(clusterView(rt));
      let checkedAt = -1;
      return {
        step(w) {
          const r = w.etcdRevision();
          if (r === checkedAt) {
            judge.read();
            return [];
          }
          checkedAt = r;
          return judge.judge().map((m) => v(name, m));
        },
      };
    },
  };
}

/** Endpoints list only Ready pods matching their Service (endpoints.ts). */
export const endpointsOnlyReadyMatching = judgedWhenEtcdMoves("endpointsOnlyReadyMatchingPods", "Endpoints list only Ready pods that match the Service selector, at their resolved ports", endpointsJudge);

/** EndpointSlices list only pods that match their Service's selector (endpoints.ts). */
export const endpointSlicesOnlyMatching = judgedWhenEtcdMoves("endpointSlicesOnlyMatchingPods", "an EndpointSlice of a Service lists only pods that match the Service selector, in its namespace", endpointSlicesJudge);

/** EndpointSlice endpoints are ready (serving) only for pods that were Ready (endpoints.ts). */
export const endpointSlicePortsMatchTargetPort = judgedWhenEtcdMoves("endpointSlicePortsMatchTargetPort", "an EndpointSlice's ports are the container ports its Service's targetPorts resolve to on each pod it lists", endpointSlicePortsJudge);
export const endpointSliceTerminatingServingWhilePodReady = judgedWhenEtcdMoves("endpointSliceTerminatingServingWhilePodReady", "an EndpointSlice endpoint of a terminating pod is serving when every version of the pod stored since its deletion, up to the slice, was Ready", endpointSliceServingJudge);
export const endpointSlicePublishesNotReadyWhenAsked = judgedWhenEtcdMoves("endpointSlicePublishesNotReadyWhenAsked", "every EndpointSlice endpoint of a Service that publishes not-ready addresses is ready, whatever its pod's readiness", endpointSlicePublishNotReadyJudge);
export const endpointSliceReadyOnlyWhenPodReady = judgedWhenEtcdMoves("endpointSliceReadyOnlyWhenPodReady", "an EndpointSlice endpoint is serving only for a pod that was Ready, and ready only for one that was Ready and not terminating", endpointSliceReadinessJudge);

/** A ReplicaSet's readyReplicas and availableReplicas count only pods that were Ready (replicaset.ts). */
export const replicaSetCountsOnlyReadyPodsSpec: InvariantSpec = {
  name: "replicaSetCountsOnlyReadyPods",
  description: "a ReplicaSet's status.readyReplicas and availableReplicas never exceed the pods it controlled (or could adopt) that were ever Ready",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => replicaSetCountsOnlyReadyPods(view) };
  },
};

/** A Job counts as succeeded only pods that succeeded, each once (job.ts). */
export const jobCountsOnlySucceededPodsSpec: InvariantSpec = {
  name: "jobCountsOnlySucceededPods",
  description: "a Job's status.succeeded plus its uncounted succeeded uids never exceed the pods it controlled that reached phase Succeeded",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => jobCountsOnlySucceededPods(view) };
  },
};

/** A ReplicaSet never owns more active pods than it ever asked for (replicaset.ts). */
export const replicaSetNeverOwnsTooMany: InvariantSpec = {
  name: "replicaSetNeverOwnsTooManyPods",
  description: "a ReplicaSet never owns more active pods than it ever asked for (replicas + surge under a Deployment)",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => replicaSetNeverOwnsTooManyPods(view) };
  },
};

/** A ReplicationController never owns more active pods than it ever asked for (replicaset.ts). */
export const replicationControllerNeverOwnsTooMany: InvariantSpec = {
  name: "replicationControllerNeverOwnsTooManyPods",
  description: "a ReplicationController never owns more active pods than it ever asked for (the highest spec.replicas it had)",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => replicationControllerNeverOwnsTooManyPods(view) };
  },
};

/** A Job never has more active pods than the highest parallelism it asked for (job.ts). */
export const jobNeverExceedsParallelismSpec: InvariantSpec = {
  name: "jobNeverExceedsParallelism",
  description: "a Job never has more active pods than its parallelism (the highest it ever had, while a lowered one's surplus is deleted)",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => jobNeverExceedsParallelism(view) };
  },
};

/** A DaemonSet never has more than one active pod on a node, two once it allowed a surge (daemonset.ts). */
export const daemonSetRunsOnePodPerNodeSpec: InvariantSpec = {
  name: "daemonSetRunsOnePodPerNode",
  description: "a DaemonSet never has more than one active pod on a node (two when it allows a surge)",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => daemonSetRunsOnePodPerNode(view) };
  },
};

/** A DaemonSet creates a pod only for a node whose NoSchedule and NoExecute taints the pod tolerates (daemonset.ts). */
export const daemonSetPodsOnlyOnToleratingNodesSpec: InvariantSpec = {
  name: "daemonSetPodsOnlyOnToleratingNodes",
  description: "a DaemonSet creates a pod only for a node whose NoSchedule and NoExecute taints (held in every stored version of the node) the pod tolerates",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => daemonSetPodsOnlyOnToleratingNodes(view) };
  },
};

/** A CronJob's Job is created no earlier than its scheduled time and named after it (cronjob.ts). */
export const cronJobNeverStartsEarlySpec: InvariantSpec = {
  name: "cronJobNeverStartsEarly",
  description: "a CronJob's Job is created no earlier than its scheduled time and is named after the CronJob and that time in minutes since the epoch",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => cronJobNeverStartsEarly(view) };
  },
};

/** A CronJob with concurrencyPolicy Forbid starts no Job while one it started runs (cronjob.ts). */
export const cronJobForbidNeverRunsConcurrentlySpec: InvariantSpec = {
  name: "cronJobForbidNeverRunsConcurrently",
  description: "a CronJob with concurrencyPolicy Forbid starts no Job while another of its Jobs, created at least 30 s before and not being deleted, has not finished",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    const step = cronJobForbidNeverRunsConcurrently();
    return { step: () => step(view) };
  },
};

/** The replicas a HorizontalPodAutoscaler sets on its target stay within its bounds (hpa.ts). */
export const hpaReplicasWithinBoundsSpec: InvariantSpec = {
  name: "hpaReplicasWithinBounds",
  description: "the replica count a HorizontalPodAutoscaler writes to its target (status.desiredReplicas after a rescale, SuccessfulRescale's New size) stays within minReplicas and maxReplicas",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => hpaReplicasWithinBounds(view) };
  },
};

/** A PodDisruptionBudget never allows more disruptions than its healthy pods can spare (disruption.ts). */
export const budgetNeverAllowsMoreThanHealthySpec: InvariantSpec = {
  name: "budgetNeverAllowsMoreThanHealthy",
  description: "a PodDisruptionBudget of its current generation allows between 0 and currentHealthy - desiredHealthy disruptions, and none while it expects no pods",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => budgetNeverAllowsMoreThanHealthy(view) };
  },
};

/** An OrderedReady StatefulSet never creates pod N+1 before pods 0..N have been Running and Ready (statefulset.ts). */
export const statefulSetOrderedReadySpec: InvariantSpec = {
  name: "statefulSetOrderedReady",
  description: "an OrderedReady StatefulSet never creates pod N+1 before pods 0..N have been Running and Ready",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => statefulSetOrderedReady(view) };
  },
};

/** A PVC is bound to at most one PV (storage.ts). */
export const pvcBoundToAtMostOnePVSpec: InvariantSpec = {
  name: "pvcBoundToAtMostOnePV",
  description: "a PersistentVolumeClaim is bound to at most one PersistentVolume: no two Bound PVs name the same claim, and none but the claim's spec.volumeName",
  create(rt) {
    const view = { list: (kind: string) => worldOf(rt).list(kind) };
    return { step: () => pvcBoundToAtMostOnePV(view) };
  },
};

/** Liveness: the fault-free phase of every run must converge within its budget (liveness.ts). */
export const livenessUnderFairness: InvariantSpec = {
  name: livenessInvariant,
  description: "with faults off and every ready channel served with probability 1, every pod and ReplicaSet converges within the budget",
  kind: "liveness",
  create: () => ({}),
};

/** Deleting everything a workload created gives the cluster back as it was (deletion.ts). */
export const deletionReversesCreation: InvariantSpec = {
  name: deletionInvariant,
  description: "after everything created is deleted and the cluster settles, etcd, IPAM, the runtimes, Endpoints and proxy rules are as before",
  kind: "run",
  create: () => ({}),
};

/** Every invariant, by name, in the order they are checked. */
export const invariants: readonly InvariantSpec[] = [
  stateless("neverRunningWithoutNodeName", "a pod is never Running without spec.nodeName", neverRunningWithoutNodeName),
  stateless("allocatableNeverExceeded", "pods bound to a node never request more than its allocatable", allocatableNeverExceeded),
  monitorMethod("uniquePodIPs", "pod IPs are unique among live pods (a status that trails its node's reboot aside)"),
  monitorMethod("nodeNameSetOnce", "spec.nodeName is set at most once"),
  podBoundAtMostOnce,
  generationBumpedOnSpecChange,
  generationChangesOnlyWithSpec,
  podBoundOnlyToToleratingNode,
  podBoundOnlyToMatchingNode,
  preemptionEvictsOnlyLowerPriority,
  defaultTolerationSecondsAdded,
  podPriorityMatchesPriorityClass,
  podIPInsideNodePodCIDR,
  monitorMethod("phasesOnlyMoveForward", "phases only move forward; Succeeded and Failed are terminal"),
  monitorMethod("etcdRevisionOnlyGrows", "etcd's revision only grows"),
  watchNeverSkipsOrRepeats,
  watchNeverSkipsWithout410,
  listAnswersWhatItsSelectorsMatch,
  onlyApiServerTalksToEtcd,
  noInternalErrors,
  resourceVersionConflictsNeverLoseAnUpdate,
  ipReleasedOnlyAfterSandboxGone,
  podIPNotSharedByLiveSandboxes,
  containersStartOnlyWithPodIP,
  gracePeriodHonoured,
  deletionGracePeriodNotExceeded,
  finishedPodNeverRunsAgain,
  containerRunsWithItsSeccompProfile,
  kubeletEventNamesItsContainer,
  claimMountedReadOnlyWhenAsked,
  kubeletRequestsTokenForItsAudience,
  nodeLeaseRenewedWhileAnswered,
  nodeMarkedUnknownOnlyPastGracePeriod,
  podRemovedOnlyAfterContainersStopped,
  restartPolicyHonoured,
  containerRestartBacksOff,
  podSucceededOnlyWhenContainersSucceeded,
  containerTerminatedReasonMatchesExitCode,
  readyOnlyAfterReadinessProbe,
  containerReadyOnlyWhenStarted,
  appContainersStartOnlyAfterInitContainers,
  podConditionsMatchContainerStatuses,
  podStartTimeSetOnce,
  nodeConditionTransitionTimeKept,
  endpointsOnlyReadyMatching,
  endpointSlicesOnlyMatching,
  endpointSliceReadyOnlyWhenPodReady,
  endpointSlicePublishesNotReadyWhenAsked,
  endpointSliceTerminatingServingWhilePodReady,
  endpointSlicePortsMatchTargetPort,
  terminatingPodNeverReadyEndpoint,
  stateless("endpointSliceOwnedByService", "an EndpointSlice the EndpointSlice controller manages has one controller ownerReference, to its Service", (w) => endpointSliceOwnedByService(w).map((message) => ({ invariant: "endpointSliceOwnedByService", message }))),
  replicaSetNeverOwnsTooMany,
  replicationControllerNeverOwnsTooMany,
  replicaSetCountsOnlyReadyPodsSpec,
  deploymentNeverSurgesPastMaxSurge,
  deploymentScaleDownKeepsMinAvailable,
  jobNeverExceedsParallelismSpec,
  jobCountsOnlySucceededPodsSpec,
  stateless("jobCompleteOnlyAfterCompletions", "a Job with spec.completions is Complete only once status.succeeded reaches them (a successPolicy aside)", jobCompleteOnlyAfterCompletions),
  stateless("jobFailedOnlyPastBackoffLimit", "a Job (restartPolicy Never) fails with BackoffLimitExceeded only once status.failed exceeds spec.backoffLimit", jobFailedOnlyPastBackoffLimit),
  stateless("jobFailedWithDeadlineExceededOnlyPastActiveDeadline", "a Job fails with DeadlineExceeded only when it has spec.activeDeadlineSeconds and has been active that long", jobFailedWithDeadlineExceededOnlyPastActiveDeadline),
  jobFinishedStatusConsistent,
  workloadStatusConsistent,
  workloadCountsOnlyReadyPods,
  jobDeletedOnlyAfterTTL,
  jobDeletedByTTLInTheForeground,
  replicaSetDeletesOnlyActivePods,
  replicaSetDeletesLowestRankedPods,
  daemonSetRunsOnePodPerNodeSpec,
  daemonSetPodsOnlyOnToleratingNodesSpec,
  daemonSetPodsOnlyOnSelectedNodes,
  statefulSetOrderedReadySpec,
  statefulSetScalesDownFromHighestOrdinal,
  statefulSetUpdatesFromHighestOrdinal,
  statefulSetUpdateRespectsPartition,
  statefulSetPodHasStableNetworkIdentity,
  cronJobNeverStartsEarlySpec,
  cronJobForbidNeverRunsConcurrentlySpec,
  hpaReplicasWithinBoundsSpec,
  pvcBoundToAtMostOnePVSpec,
  budgetNeverAllowsMoreThanHealthySpec,
  budgetDesiredHealthyFollowsSpec,
  evictionTakesOneAllowedDisruption,
  budgetExpectsItsControllersScale,
  dependentDeletedOnlyAfterOwnerGone,
  orphanFinalizerRemovedOnlyAfterDependentsReleased,
  orphanFinalizerRemovedOnlyAfterKnownDependentsReleased,
  foregroundOwnerRemovedOnlyAfterBlockingDependents,
  foregroundFinalizerRemovedOnlyAfterKnownBlockingDependentsGone,
  objectRemovedOnlyWithoutFinalizers,
  objectMetaImmutableOnUpdate,
  invalidObjectRefused,
  deletionFinishesWhenFinalizersEmpty,
  namespaceRemovedOnlyWhenEmpty,
  noExecuteTaintEvictsWithinTolerationSeconds,
  podEvictedOnlyPastTolerationSeconds,
  livenessUnderFairness,
  deletionReversesCreation,
];

/** The names of every registered invariant. */
export function invariantNames(): string[] {
  return invariants.map((i) => i.name);
}

/** Checks every invariant on a runtime: call step() after each step (it adds the quiescent checks when nothing is in flight). */
export class InvariantChecker {
  private readonly checks: Array<{ name: string; check: InvariantCheck }>;
  private readonly world: World;
  /** how many times step() ran */
  steps = 0;

  constructor(private readonly rt: Runtime, specs: readonly InvariantSpec[] = invariants) {
    this.world = worldOf(rt);
    this.checks = specs.map((s) => ({ name: s.name, check: s.create(rt) }));
  }

  /** Checks the step invariants, and the quiescent ones when no message is queued anywhere. */
  step(): Violation[] {
    this.steps++;
    const out: Violation[] = [];
    for (const c of this.checks) if (c.check.step) out.push(...c.check.step(this.world));
    if (this.rt.queued === 0) out.push(...this.quiescent());
    return out;
  }

  /** Only the invariants that hold at quiescence. */
  quiescent(): Violation[] {
    const out: Violation[] = [];
    for (const c of this.checks) if (c.check.quiescent) out.push(...c.check.quiescent(this.world));
    return out;
  }
}
