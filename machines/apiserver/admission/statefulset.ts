// apps/v1 StatefulSet and v1 ReplicationController defaulting: SetDefaults_StatefulSet
// (pkg/apis/apps/v1/defaults.go, MaxUnavailableStatefulSet on by default in v1.35) and
// SetDefaults_ReplicationController (pkg/apis/core/v1/defaults.go), with the generated defaulters'
// calls into the pod template and the volume claim templates.

import { defaultPodSpec } from "./pod.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** SetDefaults_PersistentVolumeClaim as the generated defaulter runs it on each volumeClaimTemplates item. */
function defaultClaimTemplate(claim: Obj): void {
  if (claim === null || typeof claim !== "object") return;
  const spec = (claim.spec ??= {});
  spec.volumeMode ??= "Filesystem";
  const status = (claim.status ??= {});
  status.phase ??= "Pending";
}

/** SetDefaults_StatefulSet: OrderedReady, RollingUpdate with partition 0 and maxUnavailable 1, Retain/Retain, 1 replica, 10 revisions. */
export function defaultStatefulSet(sts: Obj): void {
  const spec = (sts.spec ??= {});
  if (!spec.podManagementPolicy) spec.podManagementPolicy = "OrderedReady";
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) {
    strategy.type = "RollingUpdate";
    strategy.rollingUpdate ??= {};
  }
  // An explicit RollingUpdate without rollingUpdate stays without it.
  if (strategy.type === "RollingUpdate" && strategy.rollingUpdate != null) {
    strategy.rollingUpdate.partition ??= 0;
    strategy.rollingUpdate.maxUnavailable ??= 1;
  }
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  if (!retention.whenDeleted) retention.whenDeleted = "Retain";
  if (!retention.whenScaled) retention.whenScaled = "Retain";
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.template ??= {};
  spec.template.spec ??= {};
  defaultPodSpec(spec.template.spec);
  if (Array.isArray(spec.volumeClaimTemplates)) spec.volumeClaimTemplates.forEach(defaultClaimTemplate);
}

/** SetDefaults_ReplicationController: selector and labels from the template's labels when empty, 1 replica. */
export function defaultReplicationController(rc: Obj): void {
  const spec = (rc.spec ??= {});
  const labels = spec.template?.metadata?.labels;
  if (labels != null && typeof labels === "object") {
    if (spec.selector == null || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    rc.metadata ??= {};
    // the mutant gives the controller the template's labels even when it has labels of its own
    if (rc.metadata.labels == null || Object.keys(rc.metadata.labels).length === 0 || mutant("defaults.rc-labels-overwritten")) rc.metadata.labels = { ...labels };
  }
  spec.replicas ??= 1;
  // The template is optional in v1 (a pointer): only a given one is defaulted.
  if (spec.template != null && typeof spec.template === "object") {
    spec.template.spec ??= {};
    defaultPodSpec(spec.template.spec);
  }
}

/** The StatefulSet and ReplicationController strategies' PrepareForCreate: status cleared, generation 1. */
export function prepareReplicatedForCreate(o: Obj): void {
  o.metadata.generation = 1;
  o.status = {};
}
