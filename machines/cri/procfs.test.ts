// /proc/1/status's capability sets and /proc/mounts as containerd and runc set a container up.
import { describe, expect, it } from "vitest";
import { boundingSet, capMask, procMounts, procStatus } from "./procfs.js";

describe("capability sets", () => {
  // tasks/configure-pod-container/security-context: the default set is 00000000a80425fb, and with
  // NET_ADMIN and SYS_TIME added 00000000aa0435fb
  it("containerd's default set and the page's added capabilities", () => {
    expect(capMask(boundingSet(undefined))).toBe("00000000a80425fb");
    expect(capMask(boundingSet({ capabilities: { add: ["NET_ADMIN", "SYS_TIME"] } }))).toBe("00000000aa0435fb");
  });

  // WithCapabilities: ALL in drop empties the set before the single adds; privileged has CAP_CHOWN..CAP_CHECKPOINT_RESTORE (41 bits)
  it("drop ALL then add one; add ALL less a drop; privileged", () => {
    expect(capMask(boundingSet({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } }))).toBe("0000000000000400");
    expect(capMask(boundingSet({ capabilities: { add: ["ALL"], drop: ["CHOWN"] } }))).toBe("000001fffffffffe");
    expect(capMask(boundingSet({ privileged: true }))).toBe("000001ffffffffff");
  });

  it("a root process keeps the bounding set as permitted and effective; another uid has neither", () => {
    const status = (uid: number) => procStatus({ name: "sleep", uid, gid: uid, groups: [], securityContext: { allowPrivilegeEscalation: false }, seccomp: true, cpus: 4 }).split("\n");
    expect(status(0).filter((l) => l.startsWith("Cap") || l.startsWith("NoNew") || l.startsWith("Seccomp"))).toEqual([
      "CapInh:\t0000000000000000", "CapPrm:\t00000000a80425fb", "CapEff:\t00000000a80425fb", "CapBnd:\t00000000a80425fb", "CapAmb:\t0000000000000000",
      "NoNewPrivs:\t1", "Seccomp:\t2", "Seccomp_filters:\t1",
    ]);
    expect(status(1000).filter((l) => l.startsWith("CapPrm") || l.startsWith("CapEff") || l.startsWith("Uid"))).toEqual(["Uid:\t1000\t1000\t1000\t1000", "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000"]);
  });
});

describe("/proc/mounts", () => {
  it("the overlay root, runc's default mounts, the volumes sorted by depth, then the masked and read-only /proc paths", () => {
    const lines = procMounts({ snapshot: 12, readOnlyRoot: true, privileged: false, mounts: [
      { path: "/var/run/secrets/kubernetes.io/serviceaccount", backing: "tmpfs", readOnly: true, sizeKiB: 1024 },
      { path: "/data", backing: "disk", readOnly: false },
    ] }).split("\n");
    expect(lines.slice(0, 9)).toEqual([
      "overlay / overlay ro,relatime,lowerdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/11/fs,upperdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/12/fs,workdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/12/work 0 0",
      "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
      "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755,inode64 0 0",
      "devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666 0 0",
      "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0",
      "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0",
      "cgroup /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0",
      "/dev/sda1 /data ext4 rw,relatime 0 0",
      "tmpfs /var/run/secrets/kubernetes.io/serviceaccount tmpfs ro,relatime,size=1024k,inode64 0 0",
    ]);
    expect(lines).toContain("proc /proc/sys proc ro,nosuid,nodev,noexec,relatime 0 0");
    expect(lines).toContain("tmpfs /proc/kcore tmpfs rw,nosuid,size=65536k,mode=755,inode64 0 0");
  });

  it("a privileged container's sysfs and cgroup are read-write and nothing is masked", () => {
    const text = procMounts({ snapshot: 2, readOnlyRoot: false, privileged: true, mounts: [] });
    expect(text).toContain("sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0");
    expect(text).not.toContain("/proc/kcore");
  });
});
