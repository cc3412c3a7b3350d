// storage.k8s.io/v1 CSINode: the kubelet's CSI plugin creates one per node as the node registers
// (pkg/volume/csi/nodeinfomanager CreateCSINode: named by the node, owned by it, no drivers, the
// migrated in-tree plugins in an annotation by setMigrationAnnotation). No CSI driver registers
// with podflow's kubelets, so each stays driverless; podflow computes them from the stored Nodes
// when asked (gone with the Node, as the garbage collector takes them), storing nothing.

type Obj = any;

// csi_plugin.go's migratedPlugins, every one migrated in v1.35 (CSIMigrationPortworx GA in 1.33),
// joined in sets.List's sorted order
const migratedPlugins = [
  "kubernetes.io/aws-ebs", "kubernetes.io/azure-disk", "kubernetes.io/azure-file", "kubernetes.io/cinder",
  "kubernetes.io/gce-pd", "kubernetes.io/portworx-volume", "kubernetes.io/vsphere-volume",
].join(",");

/** The CSINode of every Node, in etcd key (name) order. */
export function csiNodes(nodes: readonly Obj[], uidOf: (name: string) => string): Obj[] {
  return nodes
    .filter((n) => typeof n?.metadata?.name === "string")
    .map((n) => ({
      kind: "CSINode", apiVersion: "storage.k8s.io/v1",
      metadata: {
        name: n.metadata.name, uid: uidOf(n.metadata.name), creationTimestamp: n.metadata.creationTimestamp,
        annotations: { "storage.alpha.kubernetes.io/migrated-plugins": migratedPlugins },
        ownerReferences: [{ apiVersion: "v1", kind: "Node", name: n.metadata.name, uid: n.metadata.uid }],
      },
      spec: { drivers: [] },
    }))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}
