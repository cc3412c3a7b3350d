// Which actors a cluster runs besides etcd and the API server, and the identities they use.

import type { Node } from "kubernetes-types/core/v1";
import type { UserInfo } from "../machines/apiserver/auth/index.js";
import { seedFor } from "../machines/common/prng.js";
import type { Runtime } from "./runtime.js";
import { namespaceControllerMachine } from "../machines/namespace/namespace.machine.js";
// [node agent]
import { kubeletMachine } from "../machines/kubelet/kubelet.machine.js";
import { criMachine } from "../machines/cri/cri.machine.js";
import { hpaControllerMachine } from "../machines/podautoscaler/hpa.machine.js";
import { metricsServerMachine } from "../machines/metricsserver/metricsserver.machine.js";
import { cniMachine } from "../machines/cni/cni.machine.js";
import { nodePodCIDR, nodePodCIDRv6 } from "../machines/cni/ipam.js";
import { nodeInternalIPs } from "../machines/kubelet/node.js";
import { nodeHostsFile } from "../machines/common/nodehosts.js";
import { joinHostPort } from "../machines/common/ip.js";
import { nodeMachine } from "../machines/common/kernel.js";
import type { ExtraRegistry } from "../machines/cri/registry.js";
// [/node agent]
import { schedulerMachine } from "../machines/scheduler/scheduler.machine.js";
// [apps]
import { replicaSetControllerMachine, replicationControllerMachine } from "../machines/replicaset/replicaset.machine.js";
import { deploymentControllerMachine } from "../machines/deployment/deployment.machine.js";
import { garbageCollectorMachine } from "../machines/garbagecollector/gc.machine.js";
import { nodeLifecycleMachine } from "../machines/nodelifecycle/nodelifecycle.machine.js";
import { disruptionControllerMachine } from "../machines/disruption/disruption.machine.js";
import { podGCMachine } from "../machines/podgc/podgc.machine.js";
// [/apps]
// [batch]
import { jobControllerMachine } from "../machines/job/job.machine.js";
import { daemonSetControllerMachine } from "../machines/daemonset/daemonset.machine.js";
import { statefulSetControllerMachine } from "../machines/statefulset/statefulset.machine.js";
import { cronJobControllerMachine } from "../machines/cronjob/cronjob.machine.js";
import { ttlAfterFinishedMachine } from "../machines/ttlafterfinished/ttl.machine.js";
import { csrSigningMachine } from "../machines/csrsigning/csrsigning.machine.js";
import { csrCleanerMachine } from "../machines/csrcleaner/csrcleaner.machine.js";
import { serviceCIDRsMachine } from "../machines/servicecidrs/servicecidrs.machine.js";
import { ipAllocatorRepairMachine } from "../machines/ipallocatorrepair/ipallocatorrepair.machine.js";
import { defaultServiceCIDRMachine } from "../machines/defaultservicecidr/defaultservicecidr.machine.js";
import { clusterNetworking, isIPv6Primary, serviceIPAt, type IPFamilyMode } from "./ipfamily.js";
import { resourceQuotaControllerMachine } from "../machines/resourcequota/resourcequota.machine.js";
// [/batch]
// [serviceaccounts]
import { serviceAccountsControllerMachine } from "../machines/serviceaccount/serviceaccounts.machine.js";
import { rootCaPublisherMachine } from "../machines/serviceaccount/rootcapublisher.machine.js";
import { tokensControllerMachine } from "../machines/serviceaccount/tokens.machine.js";
// [/serviceaccounts]
import { tokenCleanerMachine } from "../machines/tokencleaner/tokencleaner.machine.js";
import { bootstrapSignerMachine } from "../machines/bootstrapsigner/bootstrapsigner.machine.js";
import { clusterRoleAggregationMachine } from "../machines/clusterroleaggregation/aggregation.machine.js";
// [networking]
import { endpointsControllerMachine } from "../machines/endpoints/endpoints.machine.js";
import { endpointSliceControllerMachine } from "../machines/endpointslice/endpointslice.machine.js";
import { endpointSliceMirroringControllerMachine } from "../machines/endpointslicemirroring/endpointslicemirroring.machine.js";
import { kubeProxyMachine } from "../machines/kube-proxy/kube-proxy.machine.js";
import { dnsMachine } from "../machines/dns/dns.machine.js";
// [storage]
import { pvControllerMachine } from "../machines/persistentvolume/pv.machine.js";
import { localPathProvisionerMachine } from "../machines/localpath/localpath.machine.js";
import { protectionControllerMachine } from "../machines/persistentvolume/protection.machine.js";
import { POLICY_AGENT, policyAgentUser } from "./policyagent.js";
import { leaseHolderMachine } from "../machines/leaderelection/leaseholder.machine.js";
// [/storage]

export interface Identity {
  address: string;
  token: string;
  user: UserInfo;
}

export interface ComponentSet {
  nodes: Node[];
  identities: Identity[];
  start(rt: Runtime): void;
}

/** The component actors of a cluster with these nodes; mint makes each component's bearer token from its address. */
export function components(nodes: Node[], seed: number, opts: unknown, mint: (address: string) => string): ComponentSet {
  // kubeadm's addons run CoreDNS as pods behind the kube-dns Service (ClusterOptions.addons)
  const addons = (opts ?? {}) as { addons?: boolean; only?: unknown };
  const dnsPods = addons.addons === true && addons.only === undefined;
  // the control plane's Leases (ClusterOptions.leases), held on kind's control-plane node: the first
  const leases = (opts as { leases?: boolean } | undefined)?.leases === true && addons.only === undefined;
  // kind's networking.ipFamily: the pod and service subnets
  const networking = clusterNetworking((opts as { ipFamily?: IPFamilyMode } | undefined)?.ipFamily);
  const identity = (address: string, user: UserInfo): Identity => ({ address, token: mint(address), user });
  const identities: Identity[] = [
    identity("scheduler", { name: "system:kube-scheduler", groups: ["system:authenticated"] }),
    identity("controller-manager", { name: "system:kube-controller-manager", groups: ["system:authenticated"] }),
  ];
  for (const n of nodes) {
    const name = n.metadata!.name!;
    identities.push(identity(`kubelet/${name}`, { name: `system:node:${name}`, groups: ["system:nodes", "system:authenticated"] }));
  }
  // [networking] kube-proxy runs as system:kube-proxy on every node, CoreDNS as kubeadm runs it: the kube-system/coredns service account
  identities.push(identity("kube-proxy", { name: "system:kube-proxy", groups: ["system:authenticated"] }));
  identities.push(identity("coredns", { name: "system:serviceaccount:kube-system:coredns", groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"] }));
  // [/networking]
  // [metrics] metrics-server as its manifest runs it: the kube-system/metrics-server service account
  identities.push(identity("metrics-server", { name: "system:serviceaccount:kube-system:metrics-server", groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"] }));
  // [/metrics]
  // [storage] kind's local-path provisioner runs as its service account in local-path-storage
  identities.push(identity("local-path-provisioner", { name: "system:serviceaccount:local-path-storage:local-path-provisioner-service-account", groups: ["system:serviceaccounts", "system:serviceaccounts:local-path-storage", "system:authenticated"] }));
  // [/storage]
  // [networking policy] kindnet's network policy agent, started with the first NetworkPolicy (runtime/policyagent.ts)
  identities.push(identity(POLICY_AGENT, policyAgentUser));
  // [/networking policy]
  // kube-apiserver's loopback client, as its own controllers run it: system:apiserver in system:masters
  identities.push(identity("apiserver-loopback", { name: "system:apiserver", groups: ["system:masters", "system:authenticated"] }));
  // kube-apiserver's loopback client (its identity Lease): system:apiserver in system:masters
  if (leases) identities.push(identity("apiserver-identity-lease", { name: "system:apiserver", groups: ["system:masters", "system:authenticated"] }));
  const admin = { name: "admin" };
  void admin;
  return {
    nodes,
    identities,
    start(rt: Runtime) {
      const tokenOf = (address: string) => identities.find((i) => i.address === address)!.token;
      // the cluster CA given to the cluster (podflow serve's): the kubelets' and the root-CA publisher's
      const given = (opts as { rootCA?: string } | undefined)?.rootCA;
      const rootCA = given !== undefined ? { rootCA: given } : {};
      void tokenOf;
      // [scheduler]
      rt.spawn("scheduler", schedulerMachine, { token: tokenOf("scheduler"), seed: seedFor(seed, "scheduler"), hostname: nodes[0]?.metadata?.name ?? "control-plane" });
      if (leases) {
        const hostname = nodes[0]?.metadata?.name ?? "control-plane";
        rt.spawn("kube-apiserver-identity-lease", leaseHolderMachine, { token: tokenOf("apiserver-identity-lease"), address: "kube-apiserver-identity-lease", kind: "identity", hostname, seed });
        rt.spawn("kube-controller-manager-leader-election", leaseHolderMachine, { token: tokenOf("controller-manager"), address: "kube-controller-manager-leader-election", kind: "leaderElection", lockName: "kube-controller-manager", hostname, seed });
        rt.spawn("kube-scheduler-leader-election", leaseHolderMachine, { token: tokenOf("scheduler"), address: "kube-scheduler-leader-election", kind: "leaderElection", lockName: "kube-scheduler", hostname, seed });
      }

      // [node agent] kubelet/<node>, cri/<node>, cni/<node>: the kubelet registers its own Node.
      // A node past the 256 /24s of kind's 10.244.0.0/16 gets no podCIDR (CIDRNotAvailable): kindnet
      // writes no CNI config there, so its network never becomes ready.
      for (const [i, n] of nodes.entries()) {
        const name = n.metadata!.name!;
        // an IPv6 cluster's node gets a /64 of its one pod subnet
        const podCIDR = n.spec?.podCIDR ?? (isIPv6Primary(networking) ? nodePodCIDRv6(networking.podSubnets[0]!, i) : nodePodCIDR(networking.podSubnets[0]!, i));
        // node-ipam's dual-stack allocator: a /64 of the IPv6 pod subnet beside the IPv4 /24
        const podCIDRv6 = podCIDR === undefined || networking.podSubnets[1] === undefined ? undefined : (n.spec?.podCIDRs?.[1] ?? nodePodCIDRv6(networking.podSubnets[1], i));
        const cidr = podCIDR === undefined ? {} : { podCIDR, ...(podCIDRv6 !== undefined ? { podCIDRv6 } : {}) };
        const registry = (opts as { registry?: ExtraRegistry } | undefined)?.registry;
        const appArmorProfiles = (opts as { appArmorProfiles?: readonly string[] } | undefined)?.appArmorProfiles;
        rt.spawn(`cni/${name}`, cniMachine, { node: name, ...cidr });
        // kind's control-plane node (the first) runs kube-apiserver on its address's port 6443; its
        // HTTPS front end (podflow serve) is the runtime's address "kube-apiserver"
        const apiServerIP = nodeInternalIPs(0, podCIDR)[0]!;
        const hostServices = i === 0 ? { hostServices: { [joinHostPort(apiServerIP, 6443)]: "kube-apiserver" } } : {};
        // kubeadm's kube-dns ClusterIP, the kubelet's --cluster-dns, where a non-IPv4 cluster has it elsewhere
        const dns = isIPv6Primary(networking) ? { clusterDNS: serviceIPAt(networking, 10) } : {};
        // the node's CPUs and RAM as its kubelet reports them: what its containers' nproc and free read
        rt.spawn(`cri/${name}`, criMachine, { node: name, ...(registry ? { registry } : {}), ...(appArmorProfiles ? { appArmorProfiles } : {}), ...hostServices, ...dns, machine: nodeMachine(n as Parameters<typeof nodeMachine>[0]), hostsFile: nodeHostsFile(name, nodeInternalIPs(i, podCIDR, podCIDRv6)) });
        rt.spawn(`kubelet/${name}`, kubeletMachine, { node: n, index: i, ...cidr, ...dns, token: tokenOf(`kubelet/${name}`), now: rt.now, ...rootCA });
      }
      // [/node agent]

      // [controllers] spawn controller actors here
      // [apps] kube-controller-manager's ReplicaSet, Deployment, garbage collector and node lifecycle controllers
      rt.spawn("replicaset-controller", replicaSetControllerMachine, { token: tokenOf("controller-manager"), address: "replicaset-controller" });
      rt.spawn("deployment-controller", deploymentControllerMachine, { token: tokenOf("controller-manager"), address: "deployment-controller" });
      rt.spawn("garbage-collector", garbageCollectorMachine, { token: tokenOf("controller-manager"), address: "garbage-collector" });
      rt.spawn("node-lifecycle-controller", nodeLifecycleMachine, { token: tokenOf("controller-manager"), address: "node-lifecycle-controller" });
      rt.spawn("namespace-controller", namespaceControllerMachine, { token: tokenOf("controller-manager") });
      rt.spawn("replication-controller", replicationControllerMachine, { token: tokenOf("controller-manager"), address: "replication-controller" });
      rt.spawn("statefulset-controller", statefulSetControllerMachine, { token: tokenOf("controller-manager"), address: "statefulset-controller" });
      rt.spawn("daemonset-controller", daemonSetControllerMachine, { token: tokenOf("controller-manager"), address: "daemonset-controller" });
      rt.spawn("resourcequota-controller", resourceQuotaControllerMachine, { token: tokenOf("controller-manager"), address: "resourcequota-controller" });
      rt.spawn("disruption-controller", disruptionControllerMachine, { token: tokenOf("controller-manager"), address: "disruption-controller" });
      const threshold = (opts as { terminatedPodGCThreshold?: number } | undefined)?.terminatedPodGCThreshold;
      rt.spawn("pod-garbage-collector", podGCMachine, { token: tokenOf("controller-manager"), address: "pod-garbage-collector", ...(threshold !== undefined ? { terminatedPodThreshold: threshold } : {}) });
      // [/apps]
      // [batch] kube-controller-manager's Job, TTL-after-finished and CronJob controllers
      rt.spawn("job-controller", jobControllerMachine, { token: tokenOf("controller-manager"), address: "job-controller" });
      rt.spawn("ttl-after-finished-controller", ttlAfterFinishedMachine, { token: tokenOf("controller-manager"), address: "ttl-after-finished-controller" });
      rt.spawn("cronjob-controller", cronJobControllerMachine, { token: tokenOf("controller-manager"), address: "cronjob-controller" });
      rt.spawn("horizontal-pod-autoscaler", hpaControllerMachine, { token: tokenOf("controller-manager"), address: "horizontal-pod-autoscaler" });
      // [/batch]
      // [serviceaccounts] kube-controller-manager's service-account controller, root-CA publisher and token controller
      rt.spawn("serviceaccount-controller", serviceAccountsControllerMachine, { token: tokenOf("controller-manager"), address: "serviceaccount-controller" });
      rt.spawn("root-ca-cert-publisher", rootCaPublisherMachine, { token: tokenOf("controller-manager"), address: "root-ca-cert-publisher", ...rootCA });
      rt.spawn("serviceaccount-token-controller", tokensControllerMachine, { token: tokenOf("controller-manager"), address: "serviceaccount-token-controller" });
      // kind's kubeadm config turns on the two controllers that are off by default: --controllers=*,bootstrapsigner,tokencleaner
      rt.spawn("token-cleaner", tokenCleanerMachine, { token: tokenOf("controller-manager"), address: "token-cleaner" });
      rt.spawn("bootstrap-signer", bootstrapSignerMachine, { token: tokenOf("controller-manager"), address: "bootstrap-signer" });
      // [/serviceaccounts]
      // [certificates] kube-controller-manager's csrsigning controller and csrcleaner (the CA it signs with is the runtime's csr-signer)
      rt.spawn("csrsigning-controller", csrSigningMachine, { token: tokenOf("controller-manager"), address: "csrsigning-controller" });
      rt.spawn("csrcleaner", csrCleanerMachine, { token: tokenOf("controller-manager"), address: "csrcleaner" });
      // [/certificates]
      rt.spawn("clusterrole-aggregation-controller", clusterRoleAggregationMachine, { token: tokenOf("controller-manager"), address: "clusterrole-aggregation-controller" });
      // [networking] the endpoints, EndpointSlice and EndpointSlice mirroring controllers (as controller-manager), kube-proxy (one actor for every node's), CoreDNS
      rt.spawn("endpoints-controller", endpointsControllerMachine, { token: tokenOf("controller-manager") });
      rt.spawn("endpointslice-controller", endpointSliceControllerMachine, { token: tokenOf("controller-manager") });
      rt.spawn("endpointslicemirroring-controller", endpointSliceMirroringControllerMachine, { token: tokenOf("controller-manager") });
      rt.spawn("kube-proxy", kubeProxyMachine, { token: tokenOf("kube-proxy"), seed: seedFor(seed, "kube-proxy") });
      rt.spawn("coredns", dnsMachine, { token: tokenOf("coredns"), ...(dnsPods ? { servedByPods: true } : {}) });
      rt.spawn("metrics-server", metricsServerMachine, { token: tokenOf("metrics-server"), address: "metrics-server" });
      // kube-controller-manager's servicecidrs controller: the ServiceCIDRs' finalizer and Ready condition
      rt.spawn("service-cidr-controller", serviceCIDRsMachine, { token: tokenOf("controller-manager"), address: "service-cidr-controller" });
      // kube-apiserver's own controllers of the service range: the ClusterIP repair loop and the default ServiceCIDR's
      rt.spawn("ipallocator-repair-controller", ipAllocatorRepairMachine, { token: tokenOf("apiserver-loopback"), address: "ipallocator-repair-controller" });
      rt.spawn("kubernetes-service-cidr-controller", defaultServiceCIDRMachine, { token: tokenOf("apiserver-loopback"), address: "kubernetes-service-cidr-controller", cidrs: [...networking.serviceSubnets] });
      // [/networking]
      // [storage] kube-controller-manager's PersistentVolume controller
      rt.spawn("persistentvolume-controller", pvControllerMachine, { token: tokenOf("controller-manager"), address: "persistentvolume-controller" });
      rt.spawn("pvc-protection-controller", protectionControllerMachine, { token: tokenOf("controller-manager"), of: "pvc", address: "pvc-protection-controller" });
      rt.spawn("pv-protection-controller", protectionControllerMachine, { token: tokenOf("controller-manager"), of: "pv", address: "pv-protection-controller" });
      rt.spawn("local-path-provisioner", localPathProvisionerMachine, { token: tokenOf("local-path-provisioner"), address: "local-path-provisioner" });
      // [/storage]
    },
  };
}
