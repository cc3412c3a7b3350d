// What a container's /proc shows of how containerd and runc set it up: its mounts (/proc/mounts)
// and its first process's credentials and capability sets (/proc/1/status), as the kernel would
// answer them for the life of the container. Made when read, as the kernel makes them: a container
// keeps only what they are made of (ProcInputs), not their text.
import type { Container } from "kubernetes-types/core/v1";

/** linux/capability.h: each capability's bit, CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40, the last of the nodes' 6.8 kernel). */
export const capabilityBits: ReadonlyMap<string, number> = new Map(
  [
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE",
    "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
    "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
  ].map((name, bit) => [`CAP_${name}`, bit]),
);

/** containerd's default capability set for a CRI container (oci.defaultUnixCaps): 0xa80425fb. */
export const defaultCapabilities: readonly string[] = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
  "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
];

const allCapabilities = [...capabilityBits.keys()];

/**
 * The bounding set containerd gives a container (the CRI plugin's WithCapabilities): privileged
 * gets every capability the kernel knows; otherwise the defaults, "ALL" in add taking every one
 * and "ALL" in drop none before the single adds are added and the single drops dropped (each name
 * upper-cased behind CAP_). A name the kernel does not know is left out.
 */
export function boundingSet(sc: Container["securityContext"]): ReadonlySet<string> {
  if (sc?.privileged === true) return new Set(allCapabilities);
  const add = (sc?.capabilities?.add ?? []).map((c) => c.toUpperCase());
  const drop = (sc?.capabilities?.drop ?? []).map((c) => c.toUpperCase());
  let caps = new Set(defaultCapabilities);
  if (add.includes("ALL")) caps = new Set(allCapabilities);
  if (drop.includes("ALL")) caps = new Set();
  for (const c of add) if (c !== "ALL" && capabilityBits.has(`CAP_${c}`)) caps.add(`CAP_${c}`);
  for (const c of drop) caps.delete(`CAP_${c}`);
  return caps;
}

/**
 * The capabilities a container's first process holds in effect after runc's execve
 * (capabilities(7)): root keeps the bounding set in its permitted and effective sets; any other
 * uid execs with both empty, as runc sets no ambient ones (containerd 1.6.18 on). Sorted by bit.
 */
export function effectiveCapabilities(sc: Container["securityContext"], uid: number): readonly string[] {
  if (uid !== 0) return [];
  return [...boundingSet(sc)].sort((a, b) => capabilityBits.get(a)! - capabilityBits.get(b)!);
}

/** A capability set as /proc/PID/status prints it (render_cap_t: 16 hex digits). */
export function capMask(caps: ReadonlySet<string>): string {
  let mask = 0n;
  for (const c of caps) {
    const bit = capabilityBits.get(c);
    if (bit !== undefined) mask |= 1n << BigInt(bit);
  }
  return mask.toString(16).padStart(16, "0");
}

/** What /proc/1/status is made from: the process's name and credentials, its security context, its seccomp mode. */
export interface StatusInput {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
  readonly securityContext: Container["securityContext"];
  /** a seccomp filter is loaded (RuntimeDefault or a Localhost profile; Unconfined, the kubelet's default, loads none) */
  readonly seccomp: boolean;
  readonly cpus: number;
}

/**
 * /proc/1/status (fs/proc/array.c) of the container's first process, less the memory lines (Vm*,
 * Rss*), which this model does not keep per process. The capability sets follow execve's rules
 * (capabilities(7)): runc sets the bounding, permitted, effective and (none since containerd 1.6.18)
 * inheritable sets and no ambient ones, so a process running as root keeps the bounding set in
 * CapPrm and CapEff while any other uid execs with both empty. NoNewPrivs follows
 * allowPrivilegeEscalation: false (and privileged never sets it).
 */
export function procStatus(p: StatusInput): string {
  const bnd = boundingSet(p.securityContext);
  const mask = capMask(bnd);
  const effective = capMask(new Set(effectiveCapabilities(p.securityContext, p.uid)));
  const noNewPrivs = p.securityContext?.allowPrivilegeEscalation === false && p.securityContext?.privileged !== true ? 1 : 0;
  const seccomp = p.seccomp && p.securityContext?.privileged !== true;
  const cpuMask = ((1n << BigInt(p.cpus)) - 1n).toString(16);
  return [
    `Name:\t${p.name.slice(0, 15)}`, "Umask:\t0022", "State:\tS (sleeping)", "Tgid:\t1", "Ngid:\t0", "Pid:\t1", "PPid:\t0", "TracerPid:\t0",
    `Uid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}`, `Gid:\t${p.gid}\t${p.gid}\t${p.gid}\t${p.gid}`, "FDSize:\t64",
    `Groups:\t${p.groups.map((g) => `${g} `).join("")}`,
    "NStgid:\t1", "NSpid:\t1", "NSpgid:\t1", "NSsid:\t1", "Threads:\t1",
    "SigQ:\t0/63457", "SigPnd:\t0000000000000000", "ShdPnd:\t0000000000000000", "SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000", "SigCgt:\t0000000000000000",
    "CapInh:\t0000000000000000", `CapPrm:\t${effective}`, `CapEff:\t${effective}`, `CapBnd:\t${mask}`, "CapAmb:\t0000000000000000",
    `NoNewPrivs:\t${noNewPrivs}`, `Seccomp:\t${seccomp ? 2 : 0}`, `Seccomp_filters:\t${seccomp ? 1 : 0}`,
    "Speculation_Store_Bypass:\tthread vulnerable", "SpeculationIndirectBranch:\tconditional enabled",
    `Cpus_allowed:\t${cpuMask}`, `Cpus_allowed_list:\t${p.cpus > 1 ? `0-${p.cpus - 1}` : "0"}`,
    "Mems_allowed:\t00000000,00000001", "Mems_allowed_list:\t0", "voluntary_ctxt_switches:\t0", "nonvoluntary_ctxt_switches:\t0", "",
  ].join("\n");
}

/** One mount of a container: where, what backs it, read-only or not. */
export interface ContainerMount {
  readonly path: string;
  /** disk: a directory of the node's disk (emptyDir, hostPath, configMap, a claim); tmpfs: memory (a Memory emptyDir, a secret, a projected token) */
  readonly backing: "disk" | "tmpfs";
  readonly readOnly: boolean;
  /** a tmpfs' size in KiB */
  readonly sizeKiB?: number;
}

/** The node's root disk as the kernel names it in a mount table. */
export const nodeDiskDevice = "/dev/sda1";

// runc's masked paths (a tmpfs or /dev/null over each) and read-only ones, in containerd's order
const maskedDirs = ["/proc/acpi", "/proc/asound", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"];
const maskedFiles = ["/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug"];
const readOnlyProc = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

/**
 * /proc/mounts (show_vfsmnt: device, mount point, type, options, 0 0) of a container as runc mounts
 * it: the overlay snapshot on /, containerd's default mounts (proc, the /dev tmpfs, devpts,
 * mqueue, sysfs and cgroup2, read-only unless privileged), then the CRI's mounts sorted by depth
 * (containerd's WithMounts; a file is bound from the node's disk), then, unless privileged, the
 * masked paths (a read-only tmpfs over a directory, the /dev tmpfs's null device over a file) and
 * /proc's read-only paths.
 */
export function procMounts(o: { snapshot: number; readOnlyRoot: boolean; privileged: boolean; mounts: readonly ContainerMount[] }): string {
  const snapshots = "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots";
  const sys = o.privileged ? "rw" : "ro";
  const lines = [
    `overlay / overlay ${o.readOnlyRoot ? "ro" : "rw"},relatime,lowerdir=${snapshots}/${o.snapshot - 1}/fs,upperdir=${snapshots}/${o.snapshot}/fs,workdir=${snapshots}/${o.snapshot}/work`,
    "proc /proc proc rw,nosuid,nodev,noexec,relatime",
    "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755,inode64",
    "devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666",
    "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime",
    `sysfs /sys sysfs ${sys},nosuid,nodev,noexec,relatime`,
    `cgroup /sys/fs/cgroup cgroup2 ${sys},nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot`,
  ];
  const depth = (p: string) => p.split("/").filter((x) => x !== "").length;
  for (const m of [...o.mounts].sort((a, b) => depth(a.path) - depth(b.path))) {
    const ro = m.readOnly ? "ro" : "rw";
    lines.push(m.backing === "tmpfs" ? `tmpfs ${m.path} tmpfs ${ro},relatime,size=${m.sizeKiB ?? 65536}k,inode64` : `${nodeDiskDevice} ${m.path} ext4 ${ro},relatime`);
  }
  if (!o.privileged) {
    for (const p of maskedDirs.slice(0, 3)) lines.push(`tmpfs ${p} tmpfs ro,relatime,inode64`);
    for (const p of readOnlyProc) lines.push(`proc ${p} proc ro,nosuid,nodev,noexec,relatime`);
    for (const p of maskedFiles) lines.push(`tmpfs ${p} tmpfs rw,nosuid,size=65536k,mode=755,inode64`);
    for (const p of maskedDirs.slice(3)) lines.push(`tmpfs ${p} tmpfs ro,relatime,inode64`);
  }
  return lines.map((l) => `${l} 0 0\n`).join("");
}

/**
 * What a container's /proc files are made of beyond what it keeps anyway (its spec, image and
 * user, the node's CPUs): its snapshot's number, its mounts and whether a seccomp filter is
 * loaded. A class, so a step's draft never proxies it: the CRI's memo of the files knows it by identity.
 */
export class ProcInputs {
  constructor(
    readonly snapshot: number,
    readonly mounts: readonly ContainerMount[],
    readonly seccomp: boolean,
  ) {}
}

// The mounts of a Deployment's pods are the same list: kept once, not per container.
const internedMounts = new Map<string, readonly ContainerMount[]>();
const maxInternedMounts = 256;

/** The same mounts as an equal list made before, while it is remembered (a bounded table). */
export function sharedMounts(mounts: readonly ContainerMount[]): readonly ContainerMount[] {
  const key = JSON.stringify(mounts);
  const hit = internedMounts.get(key);
  if (hit !== undefined) return hit;
  if (internedMounts.size >= maxInternedMounts) internedMounts.clear();
  const kept = Object.freeze(mounts.map((m) => Object.freeze({ ...m })));
  internedMounts.set(key, kept);
  return kept;
}

/** A pod's user namespace as the runtime set it up: the host ids container id 0 maps to, and the namespace's proc inode. */
export interface UserNamespaceView {
  readonly mapping?: { readonly hostId: number; readonly length: number };
  readonly inode: number;
}

/** PROC_USER_INIT_INO: the inode /proc/PID/ns/user names for a process in the host's (initial) user namespace. */
export const initUserNamespaceInode = 0xeffffffd;

/**
 * /proc/PID/uid_map and gid_map (kernel/user_namespace.c uid_m_show, "%10u %10u %10u\n": the first
 * id inside, the first outside as the reader's parent namespace sees it, the length) and the
 * ns/user link's text (ns_get_name: "user:[inode]"). The host's namespace maps every id to itself.
 */
export function procUserNamespace(ns: UserNamespaceView | undefined): { idMap: string; link: string } {
  const [inside, outside, length] = ns?.mapping ? [0, ns.mapping.hostId, ns.mapping.length] : [0, 0, 4294967295];
  const col = (n: number) => String(n).padStart(10, " ");
  return { idMap: `${col(inside)} ${col(outside)} ${col(length)}\n`, link: `user:[${ns?.mapping ? ns.inode : initUserNamespaceInode}]` };
}
