// A container's /proc/sys as its pod's namespaces answer it: the node kernel's values (Linux 6.8,
// a fresh network and IPC namespace) under the sysctls the sandbox was set up with. containerd's
// RunPodSandbox adds its own two to the kubelet's (EnableUnprivilegedPorts, EnableUnprivilegedICMP)
// for a pod off the host network, and runc writes them all into the sandbox's namespaces, which
// the pod's containers join.

/** The values a new namespace (or the node) starts with, as /proc/sys/<name with '/'> prints them. */
const kernelDefaults: ReadonlyMap<string, string> = new Map([
  ["kernel.shm_rmid_forced", "0"],
  ["kernel.shmmax", "18446744073692774399"],
  ["kernel.shmall", "18446744073692774399"],
  ["kernel.shmmni", "4096"],
  ["kernel.msgmax", "8192"],
  ["kernel.msgmnb", "16384"],
  ["kernel.msgmni", "32000"],
  ["kernel.sem", "32000\t1024000000\t500\t32000"],
  ["fs.mqueue.msg_max", "10"],
  ["net.core.somaxconn", "4096"],
  ["net.ipv4.ip_local_port_range", "32768\t60999"],
  ["net.ipv4.ip_local_reserved_ports", ""],
  ["net.ipv4.ip_unprivileged_port_start", "1024"],
  ["net.ipv4.ping_group_range", "1\t0"],
  ["net.ipv4.tcp_syncookies", "1"],
  ["net.ipv4.tcp_keepalive_time", "7200"],
  ["net.ipv4.tcp_keepalive_intvl", "75"],
  ["net.ipv4.tcp_keepalive_probes", "9"],
  ["net.ipv4.tcp_fin_timeout", "60"],
  ["net.ipv4.tcp_rmem", "4096\t131072\t6291456"],
  ["net.ipv4.tcp_wmem", "4096\t16384\t4194304"],
]);

/**
 * containerd's sandbox sysctls: the pod's (the kubelet sends them with '.' separators) and, for a pod
 * with its own network namespace, unprivileged ports from 0 and, outside a user namespace, ICMP
 * echo sockets for every group, unless the pod sets those itself.
 */
export function sandboxSysctls(pod: Readonly<Record<string, string>>, o: { hostNetwork: boolean; userNamespace: boolean }): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  if (!o.hostNetwork) {
    out.set("net.ipv4.ip_unprivileged_port_start", "0");
    if (!o.userNamespace) out.set("net.ipv4.ping_group_range", "0 2147483647");
  }
  for (const [name, value] of Object.entries(pod)) out.set(name, value);
  return out;
}

// The kernel reads a value into its integers (proc_dointvec and kin) and prints them back its own
// way: decimal, tab-separated; a string sysctl prints what was written, less the trailing newline.
function asKernelPrints(name: string, value: string): string {
  const def = kernelDefaults.get(name);
  if (def === undefined || !/^[0-9\t]*$/.test(def) || name === "net.ipv4.ip_local_reserved_ports") return value.replace(/\n$/, "");
  const words = value.trim().split(/\s+/).filter((w) => w !== "");
  return words.every((w) => /^[0-9]+$/.test(w)) ? words.map((w) => String(BigInt(w))).join("\t") : value.trim();
}

/**
 * /proc/sys's files (path under /proc/sys, text): every sysctl known here at the kernel's value
 * unless the sandbox set it. A name's dots are its directories; a '/' in a name stands for a dot
 * of one component (an interface's "eno2.100").
 */
export function procSysFiles(set: ReadonlyMap<string, string> | undefined): [string, string][] {
  const values = new Map(kernelDefaults);
  for (const [name, value] of set ?? []) values.set(name, asKernelPrints(name, value));
  return [...values].map(([name, value]) => [name.replace(/[./]/g, (ch) => (ch === "." ? "/" : ".")), `${value}\n`]);
}
