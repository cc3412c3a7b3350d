// podflow: an executable reference model of how Kubernetes creates, runs and deletes a Pod.
export { createCluster, Cluster, ApiError, lastAppliedAnnotation } from "./runtime/cluster.js";
export type { ClusterOptions, ApplyResult, ListOptions, EtcdctlRequest } from "./runtime/cluster.js";
export { Runtime } from "./runtime/runtime.js";
export { parseManifests } from "./runtime/manifests.js";
export { resources } from "./machines/apiserver/resources.js";
