// networking.k8s.io/v1 ServiceCIDR and IPAddress (GA in 1.33, MultiCIDRServiceAllocator on): the
// default ServiceCIDR `kubernetes` that kube-apiserver's kubernetes-service-cidr-controller creates
// from --service-cluster-ip-range (pkg/controlplane/controller/defaultservicecidr), with the Ready
// condition it applies and the finalizer kube-controller-manager's servicecidrs controller adds, and
// one IPAddress per ClusterIP the allocator hands out (pkg/registry/core/service/ipallocator
// createIPAddress: named by the address, labelled with its family and manager, its parentRef the
// Service), released with the Service. podflow's allocator keeps its bitmap (allocators.ts), so
// these objects are computed from the Services when asked: nothing more is stored or watched.

type Obj = any;

/** DefaultServiceCIDRName */
export const defaultServiceCIDRName = "kubernetes";

/** The default ServiceCIDR over the cluster's service range. */
export function defaultServiceCIDR(cidr: string, createdAt: string, uid: string): Obj {
  return {
    kind: "ServiceCIDR", apiVersion: "networking.k8s.io/v1",
    // servicecidrs controller's ServiceCIDRProtectionFinalizer, added once it sees the object
    metadata: { name: defaultServiceCIDRName, uid, creationTimestamp: createdAt, finalizers: ["networking.k8s.io/service-cidr-finalizer"] },
    spec: { cidrs: [cidr] },
    // syncStatus: Ready=True with its message and no reason (metav1.Condition's reason is not omitempty)
    status: { conditions: [{ type: "Ready", status: "True", lastTransitionTime: createdAt, reason: "", message: "Kubernetes default Service CIDR is ready" }] },
  };
}

/** The IPAddress objects of the ClusterIPs the Services hold, in etcd key (name) order. */
export function ipAddresses(services: readonly Obj[]): Obj[] {
  const out: Obj[] = [];
  for (const svc of services) {
    const ips: unknown[] = Array.isArray(svc.spec?.clusterIPs) ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
    for (const ip of ips) {
      if (typeof ip !== "string" || ip === "" || ip === "None") continue;
      out.push({
        kind: "IPAddress", apiVersion: "networking.k8s.io/v1",
        metadata: {
          name: ip, creationTimestamp: svc.metadata?.creationTimestamp,
          labels: { "ipaddress.kubernetes.io/ip-family": ip.includes(":") ? "IPv6" : "IPv4", "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io" },
        },
        // serviceToRef: the core group is omitted (omitempty)
        spec: { parentRef: { resource: "services", namespace: svc.metadata?.namespace, name: svc.metadata?.name } },
      });
    }
  }
  return out.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}
