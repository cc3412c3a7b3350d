// busybox sysctl (procps/sysctl.c) over a /proc/sys: keys read as "key = value" (or the value
// alone, -n), dots resolved to the fewest slashes naming a file, unknown keys reported unless -e,
// and writes refused while /proc/sys is mounted read-only (a container that is not privileged).
import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { procSysFiles, sandboxSysctls } from "../procsys.js";
import { startContainer } from "./index.js";
import { MemFS } from "./memfs.js";
import { drive, recordingIO } from "./testkit.js";

function run(script: string, o: { sysctls?: Record<string, string>; readOnly?: boolean; extra?: [string, string][] } = {}) {
  const found = resolveImage("busybox:1.36");
  if (!found.ok) throw new Error(found.message);
  const fs = MemFS.rootfs();
  for (const [name, text] of [...procSysFiles(sandboxSysctls(o.sysctls ?? {}, { hostNetwork: false, userNamespace: false })), ...(o.extra ?? [])]) {
    fs.mkdir(`/proc/sys/${name.slice(0, name.lastIndexOf("/"))}`, true);
    fs.write(`/proc/sys/${name}`, text);
  }
  fs.write("/proc/mounts", `proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\nproc /proc/sys proc ${o.readOnly === false ? "rw" : "ro"},nosuid,nodev,noexec,relatime 0 0\n`);
  const io = recordingIO({}, fs);
  const p = startContainer({ image: found.image, command: ["sh", "-c", script], env: {}, fs: io.fs }, io);
  const result = drive(p.run, io);
  return { out: io.out, err: io.err, code: result.state === "exited" ? result.code : undefined, fs };
}

describe("busybox sysctl", () => {
  it("prints key = value, or the value alone with -n; several keys in turn", () => {
    const r = run("sysctl kernel.shm_rmid_forced net.ipv4.tcp_rmem; sysctl -n net.ipv4.ip_local_port_range", { sysctls: { "kernel.shm_rmid_forced": "1" } });
    expect(r.out).toEqual(["kernel.shm_rmid_forced = 1", "net.ipv4.tcp_rmem = 4096\t131072\t6291456", "32768\t60999"]);
  });

  it("a key written with slashes reads the same file, printed with dots", () => {
    expect(run("sysctl kernel/shm_rmid_forced").out).toEqual(["kernel.shm_rmid_forced = 0"]);
  });

  it("an interface name with a dot (eno2.100) is one directory: found from the end, or named with '/' for its dot; printed with dots and slashes swapped", () => {
    const r = run("sysctl net.ipv4.conf.eno2.100.rp_filter net.ipv4.conf.eno2/100.rp_filter", { extra: [["net/ipv4/conf/eno2.100/rp_filter", "2\n"]] });
    expect(r.out).toEqual(["net.ipv4.conf.eno2/100.rp_filter = 2", "net.ipv4.conf.eno2/100.rp_filter = 2"]);
  });

  it("an unknown key: the error unless -e, status 1 either way", () => {
    const r = run("sysctl net.core.nosuch; echo $?; sysctl -e net.core.nosuch; echo $?");
    expect(r.err).toEqual(["sysctl: error: 'net.core.nosuch' is an unknown key"]);
    expect(r.out).toEqual(["1", "1"]);
  });

  it("an empty value prints the key with nothing after it", () => {
    expect(run("sysctl net.ipv4.ip_local_reserved_ports").out).toEqual(["net.ipv4.ip_local_reserved_ports = "]);
  });

  it("a setting on a read-only /proc/sys: EROFS, with -w or without; -w without '=' or with no name is refused before any write", () => {
    const r = run("sysctl -w kernel.shm_rmid_forced=1; echo $?; sysctl net.ipv4.ip_local_reserved_ports=; sysctl -w kernel.shm_rmid_forced; sysctl -w =1");
    expect(r.err).toEqual([
      "sysctl: error setting key 'kernel.shm_rmid_forced': Read-only file system", "sysctl: error setting key 'net.ipv4.ip_local_reserved_ports': Read-only file system",
      "sysctl: error: 'kernel.shm_rmid_forced' must be of the form name=value", "sysctl: error: malformed setting '=1'",
    ]);
    expect(r.out).toEqual(["1"]);
  });

  it("-w where /proc/sys is writable (privileged) sets the value and echoes it", () => {
    const r = run("sysctl -w kernel.shm_rmid_forced=1; cat /proc/sys/kernel/shm_rmid_forced; sysctl -q net.ipv4.tcp_fin_timeout=30; sysctl -n net.ipv4.tcp_fin_timeout", { readOnly: false });
    expect(r.out).toEqual(["kernel.shm_rmid_forced = 1", "1", "30"]);
  });

  it("-p reads key = value lines from a file, comments and blank lines skipped, a line without '=' reported; its status is 0 whatever happened", () => {
    const r = run("printf '# c\\n ; d\\nkernel.shm_rmid_forced = 1\\n\\nbad\\nnet.ipv4.tcp_fin_timeout=30\\n' > /tmp/s.conf; sysctl -p /tmp/s.conf; echo $?; sysctl -p; echo $?", { readOnly: false });
    expect(r.out).toEqual(["kernel.shm_rmid_forced = 1", "net.ipv4.tcp_fin_timeout = 30", "0", "0"]);
    expect(r.err).toEqual(["sysctl: bad line 5: 1 tokens found, 2 needed", "sysctl: can't open '/etc/sysctl.conf': No such file or directory"]);
  });

  it("an unknown option prints the usage", () => {
    const r = run("sysctl -z; echo $?");
    expect(r.err[0]).toBe("sysctl: invalid option -- 'z'");
    expect(r.out).toEqual(["1"]);
  });
});

describe("the sandbox's /proc/sys (containerd's sysctls under the pod's)", () => {
  const files = (pod: Record<string, string>, o = { hostNetwork: false, userNamespace: false }) => new Map(procSysFiles(sandboxSysctls(pod, o)));
  it("off the host network: unprivileged ports from 0 and ICMP for all groups, unless the pod sets them", () => {
    expect(files({}).get("net/ipv4/ip_unprivileged_port_start")).toBe("0\n");
    expect(files({}).get("net/ipv4/ping_group_range")).toBe("0\t2147483647\n");
    expect(files({ "net.ipv4.ip_unprivileged_port_start": "80" }).get("net/ipv4/ip_unprivileged_port_start")).toBe("80\n");
  });
  it("in a user namespace no ping group range; on the host network neither", () => {
    expect(files({}, { hostNetwork: false, userNamespace: true }).get("net/ipv4/ping_group_range")).toBe("1\t0\n");
    expect(files({}, { hostNetwork: true, userNamespace: false }).get("net/ipv4/ip_unprivileged_port_start")).toBe("1024\n");
  });
  it("a name's '/' stands for a dot of one component", () => {
    expect(files({ "net.ipv4.conf.eno2/100.rp_filter": "1" }).get("net/ipv4/conf/eno2.100/rp_filter")).toBe("1\n");
  });
});
