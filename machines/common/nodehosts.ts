// The node's own /etc/hosts, one file read by two components: the kubelet (ensureHostsFile copies it
// for a host-network pod) and the runtime (a hostPath volume of /etc/hosts is this file).

/**
 * The node's /etc/hosts as a kind or kubeadm node has it: localhost and the node's address; docker
 * names a dual-stack node's IPv6 address after its IPv4 one (each address it has).
 */
export function nodeHostsFile(nodeName: string, hostIPs: readonly string[]): string {
  return `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${hostIPs.map((ip) => `${ip}\t${nodeName}\n`).join("")}`;
}
