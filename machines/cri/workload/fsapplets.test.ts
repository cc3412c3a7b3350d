// busybox find and df inside a container: find's walk, tests and -exec (findutils/find.c), df's
// table of the mounts /proc/mounts lists with statfs(2)'s sizes (coreutils/df.c's columns).
import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { startContainer } from "./index.js";
import { cell, MemFS } from "./memfs.js";
import { drive, recordingIO } from "./testkit.js";
import type { Effect, SysinfoResult } from "./types.js";

const GiB = 1024 ** 3;
const node: SysinfoResult = { type: "sysinfo", cpus: 4, memTotalBytes: 16 * GiB, memUsedBytes: GiB, diskBytes: 100 * GiB, diskUsedBytes: 2 * GiB };

function run(script: string, fs: MemFS = MemFS.rootfs(), user?: { uid: number; gid: number; groups: number[] }) {
  const found = resolveImage("busybox:1.37");
  if (!found.ok) throw new Error(found.message);
  const io = { ...recordingIO({}, fs), ...(user ? { user } : {}) };
  const p = startContainer({ image: found.image, command: ["sh", "-c", script], env: {}, fs: io.fs, ...(user ? { user } : {}) }, io);
  const result = drive(p.run, io, { answer: (e: Effect) => (e.type === "sysinfo" ? node : undefined) });
  return { out: io.out, err: io.err, result };
}

const tree = "mkdir -p /data/sub && echo a > /data/a.txt && echo b > /data/sub/b.log && echo c > /data/sub/c.txt && ln -s a.txt /data/link && chmod 600 /data/a.txt; ";

describe("busybox find", () => {
  it("prints every path depth-first, directories before their entries, with no expression", () => {
    expect(run(`${tree}find /data`).out).toEqual(["/data", "/data/a.txt", "/data/link", "/data/sub", "/data/sub/b.log", "/data/sub/c.txt"]);
  });

  it("-name matches the last component by fnmatch; -type f, d and l; -maxdepth and -mindepth", () => {
    expect(run(`${tree}find /data -name '*.txt'`).out).toEqual(["/data/a.txt", "/data/sub/c.txt"]);
    expect(run(`${tree}find /data -type d`).out).toEqual(["/data", "/data/sub"]);
    expect(run(`${tree}find /data -type l`).out).toEqual(["/data/link"]);
    expect(run(`${tree}find /data -maxdepth 1 -type f`).out).toEqual(["/data/a.txt"]);
    expect(run(`${tree}find /data -mindepth 2`).out).toEqual(["/data/sub/b.log", "/data/sub/c.txt"]);
  });

  it("-perm MODE is the exact mode, -MODE all its bits, /MODE any of them; ! negates, -o joins", () => {
    expect(run(`${tree}find /data -type f -perm 600`).out).toEqual(["/data/a.txt"]);
    expect(run(`${tree}find /data -type f -perm -044`).out).toEqual(["/data/sub/b.log", "/data/sub/c.txt"]);
    expect(run(`${tree}find /data -type f ! -perm /004`).out).toEqual(["/data/a.txt"]);
    expect(run(`${tree}find /data -name '*.log' -o -name a.txt`).out).toEqual(["/data/a.txt", "/data/sub/b.log"]);
  });

  it("-exec CMD {} \\; runs once a path, its exit status the test; + runs once with all of them", () => {
    expect(run(`${tree}find /data/sub -type f -exec cat {} \\;`).out).toEqual(["b", "c"]);
    expect(run(`${tree}find /data/sub -type f -exec echo found {} +`).out).toEqual(["found /data/sub/b.log /data/sub/c.txt"]);
    expect(run(`${tree}find /data -type f -exec grep -q c {} \\; -print`).out).toEqual(["/data/sub/c.txt"]);
  });

  it("a missing start path and an unknown primary are errors (status 1)", () => {
    const r = run("find /nosuch; echo $?; find / -bogus; echo $?");
    expect(r.out).toEqual(["1", "1"]);
    expect(r.err).toEqual(["find: /nosuch: No such file or directory", "find: unrecognized: -bogus"]);
  });
});

const mounts = [
  "overlay / overlay rw,relatime,lowerdir=/l,upperdir=/u,workdir=/w 0 0",
  "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
  "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755,inode64 0 0",
  "tmpfs /cache tmpfs rw,relatime,size=1048576k,inode64 0 0",
  "/dev/sda1 /etc/hosts ext4 rw,relatime 0 0",
  "",
].join("\n");

function withMounts(): MemFS {
  const fs = MemFS.rootfs(["/cache"]);
  fs.write("/proc/mounts", mounts);
  fs.write("/cache/big", "x".repeat(3 * 4096 + 1));
  return fs;
}

describe("busybox df", () => {
  // 100 GiB of 4 KiB blocks, 2 GiB used, ext4's 5% kept from the available; the tmpfs its size= and its pages
  it("lists each mount with blocks in 1K-blocks, Use% rounded from used/(used+available)", () => {
    expect(run("df", withMounts()).out).toEqual([
      "Filesystem           1K-blocks      Used Available Use% Mounted on",
      "overlay              104857600   2097152  97517568   2% /",
      "tmpfs                    65536         0     65536   0% /dev",
      "tmpfs                  1048576        16   1048560   0% /cache",
      "/dev/sda1            104857600   2097152  97517568   2% /etc/hosts",
    ]);
  });

  it("-h prints the unit that fits with one decimal; a path picks the mount holding it; -T adds the type", () => {
    expect(run("df -h / /cache/big", withMounts()).out).toEqual([
      "Filesystem                Size      Used Available Use% Mounted on",
      "overlay                 100.0G      2.0G     93.0G   2% /",
      // make_human_readable_str rounds 1023.98M up to 1024 after dividing, without moving to G
      "tmpfs                     1.0G     16.0K   1024.0M   0% /cache",
    ]);
    expect(run("df -T /dev", withMounts()).out).toEqual([
      "Filesystem           Type       1K-blocks      Used Available Use% Mounted on",
      "tmpfs                tmpfs          65536         0     65536   0% /dev",
    ]);
  });

  it("a path that does not exist has no mount point (status 1)", () => {
    const r = run("df /nosuch; echo $?", withMounts());
    expect(r.err).toEqual(["df: /nosuch: can't find mount point"]);
    expect(r.out.slice(-1)).toEqual(["1"]);
  });
});

describe("permission checks (generic_permission, may_create, may_delete)", () => {
  const as1000 = { uid: 1000, gid: 3000, groups: [2000, 3000] };
  function fsFor(user: typeof as1000): MemFS {
    const root = MemFS.rootfs(["/data", "/shared"]);
    root.write("/secret", "s3cret\n");
    root.chmod("/secret", 0o600);
    root.write("/readable", "ok\n");
    root.chown("/shared", 0, 2000);
    root.chmod("/shared", 0o2775);
    return new MemFS(cell(root.tree), false, () => ({ uid: user.uid, gid: user.gid, groups: user.groups, now: 0 }));
  }

  it("a non-root user cannot create in a root-owned 0755 directory; /tmp (1777) and a group-writable one of its groups it can", () => {
    const r = run("echo x > /x; echo $?; mkdir /d; touch /data/f; echo y > /tmp/y && cat /tmp/y; echo z > /shared/z && cat /shared/z", fsFor(as1000), as1000);
    expect(r.err).toEqual(["sh: can't create /x: Permission denied", "mkdir: can't create directory '/d': Permission denied", "touch: /data/f: Permission denied"]);
    expect(r.out).toEqual(["1", "y", "z"]);
  });

  it("reading another uid's 0600 file is EACCES; a 0644 one reads", () => {
    const r = run("cat /secret; cat /readable", fsFor(as1000), as1000);
    expect(r.err).toEqual(["cat: can't open '/secret': Permission denied"]);
    expect(r.out).toEqual(["ok"]);
  });

  it("in a sticky directory only the file's owner removes it (EPERM for the others)", () => {
    const fs = fsFor(as1000);
    const rootView = new MemFS(cell(fs.tree));
    rootView.write("/tmp/roots", "r");
    const r = run("rm /tmp/roots; echo $?", new MemFS(cell(rootView.tree), false, () => ({ uid: 1000, gid: 3000, groups: [], now: 0 })), as1000);
    expect(r.err).toEqual(["rm: can't remove '/tmp/roots': Operation not permitted"]);
  });

  it("root (CAP_DAC_OVERRIDE) is not checked", () => {
    const root = { uid: 0, gid: 0, groups: [0] };
    expect(run("echo x > /x && cat /x /secret", fsFor(root), root).out).toEqual(["x", "s3cret"]);
  });
});
