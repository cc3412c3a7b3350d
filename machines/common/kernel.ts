// The simulated nodes' kernel, one for the kubelet's node status (nodeInfo.kernelVersion, what
// uname(2) reports on the host) and for what a container's programs read through uname(2): a
// container shares its node's kernel, only the UTS nodename is its own.

/** utsname.release: a GCP Ubuntu kernel, as nodes of a GKE-like cluster run. */
export const nodeKernelRelease = "6.8.0-1017-gcp";
