// podflow/semantics: the pure functions the machines themselves use, for comparing an
// implementation with Kubernetes' semantics without running a cluster.

// scheduler (kube-scheduler's default profile)
export {
  schedulerFilter, schedulerScore, numFeasibleNodesToFind, findNodesThatFit, failedSchedulingMessage, selectHost, schedulePod,
  defaultFilterPlugins, defaultScorePlugins,
} from "./machines/scheduler/semantics.js";
export { preempt } from "./machines/scheduler/preemption.js";
export { podRequests, newNodeInfo } from "./machines/scheduler/framework.js";

// kubelet: phase, conditions, restarts
export {
  podPhase, podConditions, generateContainersReadyCondition, generatePodReadyCondition, generatePodInitializedCondition,
  generatePodReadyToStartContainersCondition, containerShouldRestart,
} from "./machines/kubelet/status.js";
export { podQOSClass } from "./machines/common/qos.js";

// API server: defaults, validation, errors
export { mutate } from "./machines/apiserver/admission/index.js";
export { validateCreate, validateUpdate } from "./machines/apiserver/validation/index.js";
export * as status from "./machines/apiserver/status.js";

// selectors
export { matchesLabelSelector, parseSelector, matchesRequirements, parseFieldSelector, matchesFieldSelector, matchesNodeSelector, matchesNodeSelectorTerm } from "./machines/common/labels.js";
export { parseQuantity, milliValue } from "./machines/common/quantity.js";

// controllers and networking
export { endpointsFor } from "./machines/endpoints/endpoints.logic.js";
export { findPort } from "./machines/common/endpointutil.js";
export { reconcileSlices } from "./machines/endpointslice/endpointslice.logic.js";
export { proxyRules, pickBackend } from "./machines/kube-proxy/kube-proxy.logic.js";
export { dnsRecords, resolveName } from "./machines/dns/dns.logic.js";
export { resolveFenceposts, podTemplateHash, rolloutRolling, rolloutRecreate, syncDeploymentStatus } from "./machines/deployment/deployment.logic.js";
export { manageReplicas, podsToDelete } from "./machines/replicaset/replicaset.logic.js";
export { nodeHealth, tolerationSecondsFor } from "./machines/nodelifecycle/nodelifecycle.logic.js";
