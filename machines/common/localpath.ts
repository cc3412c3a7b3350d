// Where rancher's local-path provisioner keeps its volumes on a node (kind's default storage class):
// the provisioner names the claim directories under it, the runtime creates them 0777 as its
// `mkdir -m 0777` does.
export const LOCAL_PATH_BASE = "/var/local-path-provisioner";
