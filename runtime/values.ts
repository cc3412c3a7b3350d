// The machines whose context is a value: each step returns a new context and never changes the
// snapshot it started from. Their snapshots can be shared between forks as they are and are
// deep-frozen in freezeSnapshots: "values" runs. A component joins when its steps are draft or
// value steps (machines/common/step.ts) and test/values.test.ts passes with it frozen.

import type { AnyStateMachine } from "xstate";
import { apiServerMachine } from "../machines/apiserver/apiserver.machine.js";
import { cniMachine } from "../machines/cni/cni.machine.js";
import { policyAgentMachine } from "../machines/cni/netpol.machine.js";
import { criMachine } from "../machines/cri/cri.machine.js";
import { hpaControllerMachine } from "../machines/podautoscaler/hpa.machine.js";
import { metricsServerMachine } from "../machines/metricsserver/metricsserver.machine.js";
import { cronJobControllerMachine } from "../machines/cronjob/cronjob.machine.js";
import { pvControllerMachine } from "../machines/persistentvolume/pv.machine.js";
import { localPathProvisionerMachine } from "../machines/localpath/localpath.machine.js";
import { protectionControllerMachine } from "../machines/persistentvolume/protection.machine.js";
import { deploymentControllerMachine } from "../machines/deployment/deployment.machine.js";
import { daemonSetControllerMachine } from "../machines/daemonset/daemonset.machine.js";
import { statefulSetControllerMachine } from "../machines/statefulset/statefulset.machine.js";
import { disruptionControllerMachine } from "../machines/disruption/disruption.machine.js";
import { dnsMachine } from "../machines/dns/dns.machine.js";
import { endpointsControllerMachine } from "../machines/endpoints/endpoints.machine.js";
import { endpointSliceControllerMachine } from "../machines/endpointslice/endpointslice.machine.js";
import { endpointSliceMirroringControllerMachine } from "../machines/endpointslicemirroring/endpointslicemirroring.machine.js";
import { etcdMachine } from "../machines/etcd/etcd.machine.js";
import { garbageCollectorMachine } from "../machines/garbagecollector/gc.machine.js";
import { jobControllerMachine } from "../machines/job/job.machine.js";
import { podGCMachine } from "../machines/podgc/podgc.machine.js";
import { kubeProxyMachine } from "../machines/kube-proxy/kube-proxy.machine.js";
import { kubeletMachine } from "../machines/kubelet/kubelet.machine.js";
import { namespaceControllerMachine } from "../machines/namespace/namespace.machine.js";
import { nodeLifecycleMachine } from "../machines/nodelifecycle/nodelifecycle.machine.js";
import { replicaSetControllerMachine, replicationControllerMachine } from "../machines/replicaset/replicaset.machine.js";
import { schedulerMachine } from "../machines/scheduler/scheduler.machine.js";
import { ttlAfterFinishedMachine } from "../machines/ttlafterfinished/ttl.machine.js";
import { csrSigningMachine } from "../machines/csrsigning/csrsigning.machine.js";
import { csrCleanerMachine } from "../machines/csrcleaner/csrcleaner.machine.js";
import { ipAllocatorRepairMachine } from "../machines/ipallocatorrepair/ipallocatorrepair.machine.js";
import { defaultServiceCIDRMachine } from "../machines/defaultservicecidr/defaultservicecidr.machine.js";
import { serviceCIDRsMachine } from "../machines/servicecidrs/servicecidrs.machine.js";
import { resourceQuotaControllerMachine } from "../machines/resourcequota/resourcequota.machine.js";
import { serviceAccountsControllerMachine } from "../machines/serviceaccount/serviceaccounts.machine.js";
import { rootCaPublisherMachine } from "../machines/serviceaccount/rootcapublisher.machine.js";
import { tokensControllerMachine } from "../machines/serviceaccount/tokens.machine.js";
import { tokenCleanerMachine } from "../machines/tokencleaner/tokencleaner.machine.js";
import { bootstrapSignerMachine } from "../machines/bootstrapsigner/bootstrapsigner.machine.js";
import { clusterRoleAggregationMachine } from "../machines/clusterroleaggregation/aggregation.machine.js";
import { vapStatusControllerMachine } from "../machines/validatingadmissionpolicystatus/vapstatus.machine.js";

export const valueMachines: ReadonlySet<AnyStateMachine> = new Set<AnyStateMachine>([
  cniMachine,
  policyAgentMachine,
  etcdMachine,
  apiServerMachine,
  criMachine,
  metricsServerMachine,
  hpaControllerMachine,
  kubeletMachine,
  schedulerMachine,
  replicaSetControllerMachine,
  replicationControllerMachine,
  deploymentControllerMachine,
  endpointsControllerMachine,
  endpointSliceControllerMachine,
  endpointSliceMirroringControllerMachine,
  garbageCollectorMachine,
  namespaceControllerMachine,
  nodeLifecycleMachine,
  dnsMachine,
  kubeProxyMachine,
  jobControllerMachine,
  ttlAfterFinishedMachine,
  csrSigningMachine,
  csrCleanerMachine,
  serviceCIDRsMachine,
  ipAllocatorRepairMachine,
  defaultServiceCIDRMachine,
  daemonSetControllerMachine,
  statefulSetControllerMachine,
  cronJobControllerMachine,
  resourceQuotaControllerMachine,
  serviceAccountsControllerMachine,
  rootCaPublisherMachine,
  tokensControllerMachine,
  tokenCleanerMachine,
  bootstrapSignerMachine,
  clusterRoleAggregationMachine,
  vapStatusControllerMachine,
  disruptionControllerMachine,
  podGCMachine,
  pvControllerMachine,
  localPathProvisionerMachine,
  protectionControllerMachine,
]);

/** True when a machine keeps its context as a value. */
export function isValueMachine(machine: AnyStateMachine): boolean {
  return valueMachines.has(machine);
}
