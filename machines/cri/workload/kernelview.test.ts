// What busybox's applets read of the kernel: nproc and free the node (sched_getaffinity, sysinfo),
// which no namespace or cgroup narrows, so a container with limits still sees its node's CPUs and
// RAM; pgrep and pkill the processes of the caller's pid namespace (/proc).
import { describe, expect, it } from "vitest";
import { resolveImage } from "../registry.js";
import { startContainer } from "./index.js";
import { drive, recordingIO } from "./testkit.js";
import type { Effect, SysinfoResult } from "./types.js";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const node: SysinfoResult = { type: "sysinfo", cpus: 4, memTotalBytes: 16 * GiB, memUsedBytes: 700 * MiB };

function run(ref: string, script: string, answer: SysinfoResult = node) {
  const found = resolveImage(ref);
  if (!found.ok) throw new Error(found.message);
  const io = recordingIO();
  const p = startContainer({ image: found.image, command: ["sh", "-c", script], env: {}, fs: io.fs }, io);
  const result = drive(p.run, io, { answer: (e: Effect) => (e.type === "sysinfo" ? answer : undefined) });
  return { out: io.out, err: io.err, result };
}

describe("nproc", () => {
  // coreutils/nproc.c: the bits of sched_getaffinity's mask; --ignore=N takes N off, never below 1
  it("busybox: the node's CPUs, --all alike, --ignore taken off down to 1", () => {
    expect(run("busybox:1.36", "nproc; nproc --all; nproc --ignore=1; nproc --ignore=9").out).toEqual(["4", "4", "3", "1"]);
  });

  it("busybox: a bad --ignore is xatoi_positive's error; an unknown option prints the usage", () => {
    const r = run("busybox:1.36", "nproc --ignore=x; echo $?; nproc -z; echo $?");
    expect(r.out).toEqual(["1", "1"]);
    expect(r.err).toEqual(["nproc: invalid number 'x'", "BusyBox v1.37.0 multi-call binary.", "", "Usage: nproc [--all] [--ignore=N]", "", "Print number of available CPUs", "", "\t--all\t\tNumber of installed CPUs", "\t--ignore=N\tExclude N CPUs"]);
  });

  it("GNU coreutils (Debian): the same count; an operand is refused", () => {
    const r = run("debian:12", "nproc; nproc foo; echo $?");
    expect(r.out).toEqual(["4", "1"]);
    expect(r.err).toEqual(["nproc: extra operand 'foo'", "Try 'nproc --help' for more information."]);
  });
});

describe("busybox free", () => {
  // procps/free.c: a header of six 12-wide columns after 7 spaces, KiB rounded (make_human_readable_str
  // with display_unit 1024), used = total - free - buffers - cache; no swap on a kubelet's node
  it("prints the node's RAM in KiB", () => {
    expect(run("busybox:1.36", "free").out).toEqual([
      "              total        used        free      shared  buff/cache   available",
      "Mem:       16777216      716800    16060416           0           0    16060416",
      "Swap:             0           0           0",
    ]);
  });

  it("-m and -g divide with rounding; -h prints one decimal and a suffix", () => {
    expect(run("busybox:1.36", "free -m; free -h").out).toEqual([
      "              total        used        free      shared  buff/cache   available",
      "Mem:          16384         700       15684           0           0       15684",
      "Swap:             0           0           0",
      "              total        used        free      shared  buff/cache   available",
      "Mem:          16.0G      700.0M       15.3G           0           0       15.3G",
      "Swap:             0           0           0",
    ]);
  });

  it("a bad option prints the usage; Debian's slim images have no free", () => {
    expect(run("busybox:1.36", "free -x").err).toEqual(["BusyBox v1.37.0 multi-call binary.", "", "Usage: free [-bkmgh]", "", "Display free and used memory"]);
    expect(run("debian:12", "free").err).toEqual(["sh: 1: free: not found"]);
  });
});

describe("busybox pgrep and pkill", () => {
  const table = { type: "ps" as const, rows: [{ pid: 1, uid: 0, argv: ["sleep", "3600"] }, { pid: 7, uid: 0, argv: ["/usr/local/bin/redis-server", "*:6379"] }, { pid: 9, uid: 0, argv: ["pgrep", "x"] }], self: 9 };
  function pg(script: string) {
    const found = resolveImage("busybox:1.36");
    if (!found.ok) throw new Error(found.message);
    const io = recordingIO();
    const signals: number[][] = [];
    const p = startContainer({ image: found.image, command: ["sh", "-c", script], env: {}, fs: io.fs }, io);
    drive(p.run, io, { answer: (e: Effect) => (e.type === "ps" ? table : e.type === "signal" ? (signals.push([e.pid!, e.signal]), { type: "signal", matched: true }) : undefined) });
    return { out: io.out, err: io.err, signals };
  }

  // procps/pgrep.c: argv[0] first, then comm (its basename, 15 characters); -x anchors; -v negates
  it("matches argv[0] or comm, anchors with -x, negates with -v, and never lists itself", () => {
    expect(pg("pgrep redis; pgrep -x redis-server; pgrep -x redis; echo $?; pgrep -v sleep; pgrep -l -n .; pgrep -o -a .").out)
      .toEqual(["7", "7", "1", "7", "7 /usr/local/bin/redis-server", "1 sleep 3600"]);
  });

  it("pkill: -SIGNAL only as the first argument; TERM by default", () => {
    const r = pg("pkill -9 redis; pkill sleep; pkill -e -HUP sleep; echo $?");
    expect(r.signals).toEqual([[7, 9], [1, 15]]);
    expect(r.out).toEqual(["1"]);
    expect(r.err[0]).toBe("pkill: invalid option -- 'H'");
  });

  it("a pattern is required", () => {
    expect(pg("pgrep; echo $?").err.slice(0, 3)).toEqual(["BusyBox v1.37.0 multi-call binary.", "", "Usage: pgrep [-flanovx] [-s SID|-P PPID|PATTERN]"]);
  });
});
