// Long listings over the container filesystem's inodes: busybox's ls -laR of a downward API volume
// as the AtomicWriter lays it out (the page tasks/inject-data-application/downward-api-volume-
// expose-pod-information shows it: a tmpfs root of 120 bytes holding `..<time>.<n>`, `..data`
// and one link a key), and an fsGroup emptyDir as the security-context page lists it.

import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { emptyDirTree, payloadTree } from "../volumetrees.js";
import { startContainer } from "./index.js";
import { cell, MemFS } from "./memfs.js";
import { drive, recordingIO } from "./testkit.js";
import { applyMode } from "./commands.js";

const T = Date.UTC(2026, 11, 7, 13, 0, 0);

function container(ref: string, mounts: Record<string, MemFS>, user?: { uid: number; gid: number; groups: number[] }) {
  const found = resolveImage(ref);
  if (!found.ok) throw new Error(found.message);
  const clock = { now: T + 60_000 };
  const who = () => ({ uid: user?.uid ?? 0, gid: user?.gid ?? 0, now: clock.now });
  const root = MemFS.rootfs();
  const fs = new MemFS(cell(root.tree), false, who);
  fs.asContainerRoot(T);
  for (const [at, m] of Object.entries(mounts)) fs.mount(at, m);
  return { fs, clock, found: found.image, user };
}

function sh(c: ReturnType<typeof container>, script: string) {
  const io = { ...recordingIO({}, c.fs), ...(c.user ? { user: c.user } : {}) };
  io.clock.now = c.clock.now;
  io.now = () => io.clock.now;
  const p = startContainer({ image: c.found, command: ["sh", "-c", script], env: {}, fs: io.fs, ...(c.user ? { user: c.user } : {}) }, io);
  drive(p.run, io);
  return { out: io.out.join("\n"), err: io.err.join("\n") };
}

describe("ls -l over the AtomicWriter's layout", () => {
  it("busybox ls -laR of a downward API volume: the timestamped directory, ..data, one link a key, tmpfs sizes and totals", () => {
    const vol = new MemFS(cell(payloadTree({ labels: 'zone="us-est-coast"', annotations: 'build="two"' }, { memory: true }, T, "sb/podinfo")));
    const c = container("busybox:1.37", { "/etc/podinfo": vol });
    const ts = sh(c, "readlink /etc/podinfo/..data").out;
    expect(ts).toMatch(/^\.\.2026_12_07_13_00_00\.\d{1,10}$/);
    const r = sh(c, "ls -laR /etc/podinfo");
    const pad = (n: number) => String(n).padStart(9);
    expect(r.out.split("\n")).toEqual([
      "/etc/podinfo:",
      "total 4",
      `drwxrwxrwt    3 root     root     ${pad(120)} Dec  7 13:00 .`,
      // /etc: its mount point was made a minute after the payload (this test's setup), its merged overlay directory one link
      `drwxr-xr-x    1 root     root     ${pad(4096)} Dec  7 13:01 ..`,
      `drwxr-xr-x    2 root     root     ${pad(80)} Dec  7 13:00 ${ts}`,
      `lrwxrwxrwx    1 root     root     ${pad(ts.length)} Dec  7 13:00 ..data -> ${ts}`,
      `lrwxrwxrwx    1 root     root     ${pad(18)} Dec  7 13:00 annotations -> ..data/annotations`,
      `lrwxrwxrwx    1 root     root     ${pad(13)} Dec  7 13:00 labels -> ..data/labels`,
      "",
      `/etc/podinfo/${ts}:`,
      "total 8",
      `drwxr-xr-x    2 root     root     ${pad(80)} Dec  7 13:00 .`,
      `drwxrwxrwt    3 root     root     ${pad(120)} Dec  7 13:00 ..`,
      `-rw-r--r--    1 root     root     ${pad(11)} Dec  7 13:00 annotations`,
      `-rw-r--r--    1 root     root     ${pad(19)} Dec  7 13:00 labels`,
    ]);
    expect(sh(c, "cat /etc/podinfo/labels").out).toBe('zone="us-est-coast"');
  });

  it("a secret's defaultMode and an item's mode are the files' modes; fsGroup makes them the group's, r--r----- added, directories setgid", () => {
    const vol = new MemFS(cell(payloadTree({ username: "admin", "dir/password": "pw" }, { memory: true, defaultMode: 0o400, modes: { "dir/password": 0o600 }, fsGroup: 2000 }, T, "sb/secret")));
    const c = container("busybox:1.37", { "/etc/secret": vol });
    const r = sh(c, "ls -ln /etc/secret/..data/ /etc/secret/..data/dir; stat -c '%a %A %U %G %h' /etc/secret /etc/secret/..data; stat -L -c '%n %a' /etc/secret/username");
    expect(r.out.split("\n")).toEqual([
      "/etc/secret/..data/:",
      "total 4",
      `drwxr-sr-x    2 0        2000     ${String(60).padStart(9)} Dec  7 13:00 dir`,
      `-r--r-----    1 0        2000     ${String(5).padStart(9)} Dec  7 13:00 username`,
      "",
      "/etc/secret/..data/dir:",
      "total 4",
      `-rw-r-----    1 0        2000     ${String(2).padStart(9)} Dec  7 13:00 password`,
      // no name for 2000 in busybox's /etc/group: stat's %G is UNKNOWN (ls prints the number)
      "3777 drwxrwsrwt root UNKNOWN 3",
      "777 lrwxrwxrwx root UNKNOWN 1",
      "/etc/secret/username 440",
    ]);
  });

  it("a file a runAsUser process writes in an fsGroup emptyDir is its own, of the volume's group (the setgid directory's)", () => {
    const data = new MemFS(cell(emptyDirTree({ fsGroup: 2000 }, T)));
    const c = container("busybox:1.37", { "/data/demo": data }, { uid: 1000, gid: 3000, groups: [2000, 3000] });
    const r = sh(c, "cd /data/demo && echo hello > testfile && ls -l; ls -ld /data/demo; id");
    expect(r.out.split("\n")).toEqual([
      "total 4",
      `-rw-r--r--    1 1000     2000     ${String(6).padStart(9)} Dec  7 13:01 testfile`,
      `drwxrwsrwx    2 root     2000     ${String(4096).padStart(9)} Dec  7 13:01 /data/demo`,
      "uid=1000 gid=3000 groups=2000,3000",
    ]);
  });

  it("GNU ls -l aligns its columns to the widest cell; ln -s, readlink -f and chmod work on the tree", () => {
    const c = container("redis:8", {});
    const r = sh(c, "cd /tmp && echo hi > a && mkdir d && ln -s a lnk && chmod 600 a && chmod g+s d && ls -l /tmp && readlink lnk && readlink -f lnk");
    expect(r.out.split("\n")).toEqual([
      "total 8",
      "-rw------- 1 root root    3 Dec  7 13:01 a",
      "drwxr-sr-x 1 root root 4096 Dec  7 13:01 d",
      "lrwxrwxrwx 1 root root    1 Dec  7 13:01 lnk -> a",
      "a",
      "/tmp/a",
    ]);
  });

  it("chmod's symbolic modes change only the bits their clauses name", () => {
    expect(applyMode("u+x", 0o644, false)).toBe(0o744);
    expect(applyMode("go-w", 0o666, false)).toBe(0o644);
    expect(applyMode("a=r", 0o777, false)).toBe(0o444);
    expect(applyMode("+X", 0o644, true)).toBe(0o755);
    expect(applyMode("u+s,o=", 0o755, false)).toBe(0o4750);
    expect(applyMode("bad", 0o644, false)).toBeUndefined();
  });
});
