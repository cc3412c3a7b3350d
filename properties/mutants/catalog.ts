// The source-level mutants: each name is one `if (mutant("name"))` in a machine's real code path
// (machines/common/mutation.ts), a bug of a kind Kubernetes components have had. `npm run mutants`
// turns each on alone and asks `podflow check` to find it (score.ts, main.ts).

export interface MutantInfo {
  /** the name passed to mutant() in the source */
  name: string;
  /** the kind of bug, as a reviewer would file it */
  bugClass: string;
  /** the file holding the mutant() branch */
  file: string;
}

export const mutants: readonly MutantInfo[] = [
  { name: "scheduler.no-assume", bugClass: "the scheduler does not assume a pod while its binding is in flight (the next cycle overfills the node)", file: "machines/scheduler/scheduler.logic.ts" },
  { name: "scheduler.ignores-requests", bugClass: "the scheduler's NodeResourcesFit filter ignores the pod's requests", file: "machines/scheduler/plugins/NodeResourcesFit/index.ts" },
  { name: "scheduler.ignores-taints", bugClass: "the scheduler's TaintToleration filter ignores NoSchedule and NoExecute taints", file: "machines/scheduler/plugins/TaintToleration/index.ts" },
  { name: "apiserver.binding-accepts-bound-pod", bugClass: "the API server's pods/binding does not refuse an already-bound pod", file: "machines/apiserver/apiserver.logic.ts" },
  { name: "apiserver.update-ignores-stale-resourceversion", bugClass: "the API server accepts an update carrying a stale resourceVersion (no 409 Conflict)", file: "machines/apiserver/apiserver.logic.ts" },
  { name: "apiserver.watch-serves-compacted", bugClass: "a watch from a compacted resourceVersion is served from what is left instead of 410 Gone", file: "machines/apiserver/apiserver.logic.ts" },
  { name: "informer.relist-keeps-deleted", bugClass: "an informer's re-list merges into its store instead of replacing it (objects deleted meanwhile stay)", file: "machines/common/client.ts" },
  { name: "kubelet.containers-before-ip", bugClass: "the kubelet starts containers before the pod has an IP (CNI ADD skipped)", file: "machines/kubelet/responses.ts" },
  { name: "kubelet.ignores-grace-period", bugClass: "the kubelet ignores the grace period: SIGKILL at once", file: "machines/kubelet/kuberuntime.ts" },
  { name: "kubelet.restart-reruns-finished-pod", bugClass: "a restarted kubelet syncs a pod the API shows Succeeded or Failed as a new one: a finished pod runs again (kubernetes#105523)", file: "machines/kubelet/recovery.ts" },
  { name: "kubelet.restarts-with-restartpolicy-never", bugClass: "the kubelet restarts containers of a pod with restartPolicy Never", file: "machines/kubelet/status.ts" },
  { name: "kubelet.ready-before-readiness-probe", bugClass: "the kubelet reports a container Ready before its readiness probe succeeds", file: "machines/kubelet/statusmanager.ts" },
  { name: "kubelet.cni-del-before-sandbox-stop", bugClass: "the kubelet releases the pod's IP (CNI DEL) before it stops the sandbox", file: "machines/kubelet/podworkers.ts" },
  { name: "ipam.reuses-address-after-wrap", bugClass: "host-local IPAM hands out an allocated address once its round robin wraps the range", file: "machines/cni/ipam.ts" },
  { name: "cni.del-keeps-address", bugClass: "CNI DEL does not release the sandbox's IP", file: "machines/cni/cni.logic.ts" },
  { name: "endpoints.terminating-pods-stay-ready", bugClass: "the endpoints controller keeps terminating pods as addresses", file: "machines/endpoints/endpoints.logic.ts" },
  { name: "endpointslice.ignores-selector", bugClass: "the EndpointSlice controller ignores the Service's selector", file: "machines/endpointslice/endpointslice.controller.ts" },
  { name: "gc.trusts-cache-owner-gone", bugClass: "the garbage collector trusts its informer cache that an owner is gone (no live GET)", file: "machines/garbagecollector/gc.controller.ts" },
  { name: "replicaset.counts-creation-twice", bugClass: "a ReplicaSet counts a creation as observed twice (expectations satisfied early)", file: "machines/replicaset/replicaset.controller.ts" },
  { name: "deployment.surges-past-maxsurge", bugClass: "a Deployment's rollout surges one pod past maxSurge", file: "machines/deployment/deployment.logic.ts" },
  { name: "tainteviction.never-evicts", bugClass: "taint eviction never evicts pods from a NoExecute-tainted node", file: "machines/nodelifecycle/nodelifecycle.logic.ts" },
  { name: "namespace.finalized-with-pods-left", bugClass: "the namespace controller finalizes a namespace while pods are left in it (it counts terminating pods as gone)", file: "machines/namespace/namespace.logic.ts" },
  { name: "scheduler.prefilter-skips-nodeselector", bugClass: "the scheduler's NodeAffinity PreFilter skips the filter when the pod has no required node affinity, forgetting spec.nodeSelector", file: "machines/scheduler/plugins/NodeAffinity/index.ts" },
  { name: "kubelet.phase-succeeded-on-failed-exit", bugClass: "the kubelet's getPhase reports Succeeded when every container stopped for good, whatever their exit codes", file: "machines/kubelet/status.ts" },
  { name: "endpointslice.unready-pod-ready", bugClass: "the EndpointSlice controller marks a not-ready pod's endpoint ready (ready from not terminating alone)", file: "machines/endpointslice/endpointslice.logic.ts" },
  { name: "replicaset.counts-running-as-ready", bugClass: "a ReplicaSet's status counts Running pods as ready (readyReplicas and availableReplicas)", file: "machines/replicaset/replicaset.logic.ts" },
  { name: "tainteviction.evicts-forever-tolerating", bugClass: "taint eviction takes getMinTolerationTime's -1 (tolerated forever) as seconds and evicts the pod", file: "machines/nodelifecycle/nodelifecycle.logic.ts" },
  { name: "kubelet.lease-conflict-keeps-stale", bugClass: "a kubelet whose Lease renewal gets 409 Conflict retries from its cached Lease instead of reading the latest: every renewal is refused, the node goes Unknown", file: "machines/kubelet/kubelet.logic.ts" },
  { name: "scheduler.ignores-pod-count", bugClass: "the scheduler's NodeResourcesFit filter checks the requested resources but not the node's pod count (allocatable pods)", file: "machines/scheduler/plugins/NodeResourcesFit/index.ts" },
  { name: "apiserver.scale-keeps-generation", bugClass: "the API server's update strategy (PrepareForUpdate) bumps metadata.generation for spec changes other than spec.replicas: a scale leaves the generation as it was", file: "machines/apiserver/admission/index.ts" },
  { name: "apiserver.pod-delete-default-grace-zero", bugClass: "a pod DELETE without gracePeriodSeconds takes 0 (Go's zero value) instead of the pod's terminationGracePeriodSeconds: running pods vanish from the API at once", file: "machines/apiserver/apiserver.logic.ts" },
  { name: "kubelet.crashloop-no-backoff", bugClass: "the kubelet's container restart back-off never applies (its entry is looked up under a key that changes every restart): a crashing container restarts at once, again and again", file: "machines/kubelet/kuberuntime.ts" },
  { name: "statefulset.ordered-ignores-readiness", bugClass: "an OrderedReady StatefulSet waits for each pod to be Running but not Ready before creating the next", file: "machines/statefulset/statefulset.logic.ts" },
  { name: "daemonset.ignores-noschedule-taints", bugClass: "the DaemonSet controller's nodeShouldRunDaemonPod checks only NoExecute taints: it makes pods for nodes tainted NoSchedule that the pods do not tolerate", file: "machines/daemonset/daemonset.logic.ts" },
  { name: "job.counts-running-as-active", bugClass: "the Job controller counts only Running pods as active: while pods are Pending it creates more, past parallelism", file: "machines/job/job.logic.ts" },
  { name: "replicaset.counts-terminating-as-active", bugClass: "IsPodActive forgets deletionTimestamp: a ReplicaSet counts terminating pods as replicas (and deletes more, or replaces late)", file: "machines/replicaset/replicaset.logic.ts" },
  { name: "job.complete-one-short", bugClass: "the Job controller marks a Job with completions Complete one succeeded pod short (an off-by-one in the completions check)", file: "machines/job/job.logic.ts" },
  { name: "job.backoff-limit-off-by-one", bugClass: "the Job controller fails a Job with BackoffLimitExceeded once failed reaches backoffLimit, not once it exceeds it (one retry too few)", file: "machines/job/job.logic.ts" },
  { name: "ttlafterfinished.ttl-in-milliseconds", bugClass: "the TTL-after-finished controller reads ttlSecondsAfterFinished as milliseconds: finished Jobs are deleted at once", file: "machines/ttlafterfinished/ttl.logic.ts" },
  { name: "apiserver.final-delete-ignores-finalizers", bugClass: "a DELETE with grace period 0 (any kind but a running pod, or a pod's final delete) removes the object from storage at once, finalizers (orphan, foregroundDeletion, job tracking) left", file: "machines/apiserver/apiserver.logic.ts" },
  { name: "apiserver.update-drops-deletion-timestamp", bugClass: "an update strips the client's deletionTimestamp (a client may not set it) before deciding whether emptied finalizers finish a deletion: the object stays stored, being deleted, with no finalizer left to hold it", file: "machines/apiserver/apiserver.logic.ts" },
  { name: "gc.foreground-terminating-dependent-gone", bugClass: "the garbage collector counts a blocking dependent that is terminating as gone: an owner deleted in the foreground is removed while its dependents still run out their grace", file: "machines/garbagecollector/gc.logic.ts" },
  { name: "statefulset.condemned-lowest-first", bugClass: "an OrderedReady StatefulSet scaling down deletes its condemned pods lowest ordinal first instead of highest", file: "machines/statefulset/statefulset.logic.ts" },
  { name: "kubelet.init-container-not-awaited", bugClass: "the kubelet moves on past an init container that is still running: the app containers start before initialization has finished", file: "machines/kubelet/podworkers.ts" },
  { name: "etcd.version-compare-reads-lease", bugClass: "etcd's Txn compare on a key's version reads its lease id (0 for keys without a lease): a create-if-absent (version = 0) overwrites a live object", file: "machines/etcd/etcd.logic.ts" },
  { name: "watchcache.resume-repeats-event", bugClass: "the watch cache serves a watch resumed from resourceVersion N the events from N on, not after N: the event at N is delivered again", file: "machines/apiserver/cache.ts" },
  { name: "podgc.force-deletes-without-out-of-service", bugClass: "PodGC force-deletes terminating pods on any not-Ready node, forgetting the node.kubernetes.io/out-of-service taint it requires", file: "machines/podgc/podgc.logic.ts" },
  { name: "scheduler.preempts-equal-priority", bugClass: "preemption's selectVictimsOnNode takes pods of the preemptor's own priority as victims, not only lower ones", file: "machines/scheduler/preemption.ts" },
  { name: "ipam.hands-out-broadcast", bugClass: "host-local's range iterator counts one address past rangeEnd: it hands out the subnet's broadcast address", file: "machines/cni/ipam.ts" },
  { name: "deployment.scale-down-ignores-new-unavailable", bugClass: "reconcileOldReplicaSets forgets the new ReplicaSet's unavailable pods: old pods are scaled down while their replacements are not yet available, below maxUnavailable", file: "machines/deployment/deployment.logic.ts" },
  { name: "nodelifecycle.ignores-lease-renewal", bugClass: "the node lifecycle controller takes only the Ready condition's heartbeat as a sign of life, not the node Lease's renewTime", file: "machines/nodelifecycle/nodelifecycle.logic.ts" },
  { name: "cri.sigkill-exit-zero", bugClass: "the container runtime reports a container killed with SIGKILL as exited with code 0 instead of 137", file: "machines/cri/cri.logic.ts" },
  { name: "gc.orphan-keeps-owner-references", bugClass: "the garbage collector drops the orphan finalizer without removing the owner's reference from the dependents: they are then deleted as ownerless", file: "machines/garbagecollector/gc.logic.ts" },
  { name: "statefulset.pod-without-subdomain", bugClass: "a StatefulSet's pods are created with their hostname but without spec.subdomain (the governing Service)", file: "machines/statefulset/statefulset.logic.ts" },
  { name: "apiserver.deployment-accepts-negative-replicas", bugClass: "Deployment validation does not check spec.replicas is non-negative", file: "machines/apiserver/validation/apps.ts" },
  { name: "namespace.list-error-counts-as-empty", bugClass: "the namespace controller counts a failed list of a namespace's remaining objects as nothing left, and finalizes the namespace", file: "machines/namespace/namespace.logic.ts" },
  { name: "job.backoff-failure-reason-deadline", bugClass: "a Job that exceeds its backoffLimit fails with reason DeadlineExceeded (the activeDeadlineSeconds reason) instead of BackoffLimitExceeded", file: "machines/job/job.logic.ts" },
  { name: "job.counts-succeeded-twice", bugClass: "the Job controller adds a succeeded pod to status.succeeded both when it enters uncountedTerminatedPods and when it leaves it: each pod is counted twice", file: "machines/job/job.logic.ts" },
  { name: "job.keeps-finalizer-on-failed-pod", bugClass: "the Job controller forgets to remove its batch.kubernetes.io/job-tracking finalizer from a pod that failed", file: "machines/job/job.logic.ts" },
  { name: "endpointslice.slice-without-owner-reference", bugClass: "the EndpointSlice controller creates a Service's slices without the controller ownerReference to the Service", file: "machines/endpointslice/endpointslice.logic.ts" },
  { name: "endpointslice.terminating-pod-ready", bugClass: "an EndpointSlice endpoint of a terminating pod that is still Ready keeps conditions.ready true", file: "machines/endpointslice/endpointslice.logic.ts" },
  { name: "scheduler.taint-filter-ignores-noexecute", bugClass: "the scheduler's TaintToleration filter checks NoSchedule taints only, forgetting NoExecute", file: "machines/scheduler/plugins/TaintToleration/index.ts" },
  { name: "kubelet.grace-ignores-deletion-grace-period", bugClass: "the kubelet kills a deleted pod after spec.terminationGracePeriodSeconds, ignoring the shorter metadata.deletionGracePeriodSeconds the DELETE asked for", file: "machines/kubelet/podworkers.ts" },
  { name: "kubelet.backoff-off-by-one", bugClass: "the kubelet's restart back-off is one step behind: the first restart waits 0 s, then 10 s, 20 s ... (CrashLoopBackOff starts one restart late)", file: "machines/kubelet/backoff.ts" },
  { name: "replicaset.ranks-ready-first", bugClass: "the ReplicaSet's pod-deletion ranking (ActivePodsWithRanks.Less) compares readiness the wrong way round: a scale-down deletes Ready pods before not-ready ones", file: "machines/replicaset/replicaset.logic.ts" },
  { name: "apiserver.default-toleration-without-seconds", bugClass: "the DefaultTolerationSeconds admission plugin adds the not-ready and unreachable NoExecute tolerations without tolerationSeconds: pods tolerate a lost node forever instead of 300 s", file: "machines/apiserver/admission/pod.ts" },
  { name: "namespace.empties-core-group-only", bugClass: "the namespace controller deletes and counts only the core group's resources (/api, not /apis): a namespace is removed with its Deployments, Jobs and ReplicaSets left in storage", file: "machines/namespace/namespace.logic.ts" },
  { name: "daemonset.ignores-node-selector", bugClass: "the DaemonSet controller's node affinity check forgets the template's spec.nodeSelector: it makes daemon pods for nodes the selector excludes", file: "machines/daemonset/daemonset.logic.ts" },
  { name: "statefulset.updates-lowest-ordinal-first", bugClass: "a StatefulSet's RollingUpdate replaces outdated pods lowest ordinal first instead of highest first", file: "machines/statefulset/statefulset.logic.ts" },
  { name: "watchcache.leaving-selection-not-deleted", bugClass: "a watch with a label or field selector gets no DELETED event when an object is modified out of its selection (only real deletes are sent)", file: "machines/apiserver/cache.ts" },
  { name: "apiserver.priority-ignores-class-name", bugClass: "the Priority admission plugin keeps the pod's priorityClassName but gives it the default priority (0), as if no class were named", file: "machines/apiserver/admission/priority.ts" },
  { name: "endpointslice.named-port-int-value", bugClass: "the EndpointSlice controller takes a named targetPort's IntValue() (0) instead of the container port the name means", file: "machines/endpointslice/endpointslice.logic.ts" },
  { name: "apiserver.generation-bumped-on-annotation-change", bugClass: "the update strategy bumps metadata.generation when the annotations change, not only the spec: a controller's own annotation writes make its observedGeneration stale", file: "machines/apiserver/admission/index.ts" },
  { name: "kubelet.start-time-reset-on-sync", bugClass: "the kubelet sets a pod's status.startTime at every sync instead of once: startTime moves forward while the pod runs (and activeDeadlineSeconds with it)", file: "machines/kubelet/podworkers.ts" },
  { name: "kubelet.running-init-counts-initialized", bugClass: "the kubelet's Initialized condition counts a regular init container that is still running as done: a pod reads Initialized while its init container runs", file: "machines/kubelet/status.ts" },
  { name: "job.terminal-before-pods-settled", bugClass: "the Job controller adds the Complete or Failed condition as soon as it decides the outcome, not once its pods are counted and none is active or terminating", file: "machines/job/job.logic.ts" },
  { name: "job.complete-without-completion-time", bugClass: "the Job controller marks a Job Complete without setting status.completionTime", file: "machines/job/job.logic.ts" },
  { name: "statefulset.ready-counts-running", bugClass: "a StatefulSet's status counts Running pods as ready (readyReplicas and availableReplicas) before their readiness probe passes", file: "machines/statefulset/statefulset.logic.ts" },
  { name: "statefulset.rollout-complete-before-ready", bugClass: "completeRollingUpdate makes the update revision current once every replica is updated, ready or not", file: "machines/statefulset/statefulset.logic.ts" },
  { name: "deployment.complete-before-available", bugClass: "DeploymentComplete ignores availableReplicas: Progressing turns NewReplicaSetAvailable (and old ReplicaSets are cleaned up) while the new pods are not yet available", file: "machines/deployment/deployment.logic.ts" },
  { name: "deployment.available-condition-off-by-one", bugClass: "the Deployment's Available condition needs more than replicas - maxUnavailable available pods, not at least that many: a Deployment with maxUnavailable 0 is never Available", file: "machines/deployment/deployment.logic.ts" },
  { name: "daemonset.observed-generation-not-updated", bugClass: "the DaemonSet controller writes its counts but never status.observedGeneration after acting on a generation", file: "machines/daemonset/daemonset.controller.ts" },
];

/** The catalog entry of a mutant name, if there is one. */
export function mutantInfo(name: string): MutantInfo | undefined {
  return mutants.find((m) => m.name === name);
}
