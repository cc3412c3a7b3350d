// podflow/semantics: the pure functions the machines use, for comparing implementations.
export { podPhase, podConditions } from "./machines/kubelet/status.js";
export { podQOSClass } from "./machines/common/qos.js";
export { matchesLabelSelector, parseSelector, matchesNodeSelector } from "./machines/common/labels.js";
