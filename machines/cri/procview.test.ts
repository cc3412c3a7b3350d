// A container's /proc files are made only when a path goes into /proc: a process's filesystem
// calls answer and leave its root exactly as when the files were made for every call.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { is } from "immutable";
import { Fx } from "../common/effects.js";
import { handleCri, initialCri, pullTimer, worldOf } from "./cri.logic.js";
import { fsOf, type World } from "./workload/process.js";

function createdContainer(user?: { runAsUser: number }) {
  const ctx = initialCri({ node: "node-1" });
  const fx = new Fx();
  handleCri(ctx, { type: "RunPodSandbox", id: 1, podUid: "u", podName: "p", podNamespace: "default", volumes: [] }, "k", fx);
  const sandboxId = fx.sends[0]!.msg.sandboxId;
  const pulling = new Fx();
  handleCri(ctx, { type: "PullImage", id: 2, image: "busybox:1.36" }, "k", pulling);
  pullTimer(ctx, "busybox:1.36", pulling.timers[0]!.event.event as { type: string }, new Fx());
  const created = new Fx();
  const container = { name: "c", image: "busybox:1.36", command: ["sleep", "3600"], ...(user ? { securityContext: user } : {}) };
  handleCri(ctx, { type: "CreateContainer", id: 3, sandboxId, container, attempt: 0, env: {}, podIP: "10.244.0.2", ...(user ? { user: { runAsUser: user.runAsUser } } : {}) }, "k", created);
  const c = ctx.containers.get(created.sends[0]!.msg.containerId)!;
  return { ctx, c };
}

const paths = ["/", "/etc", "/etc/hosts", "/etc/new", "/tmp/a", "/tmp/l", "/tmp/l/mounts", "/tmp/l/1/status", "/x", "/proc", "/proc/mounts", "/proc/1", "/proc/1/status", "/proc/self/ns/user", "/proc/new", "/proc/1/new", "/etc/../proc/mounts", "/tmp/d/e"];
const targets = ["/proc", "/proc/1", "../proc", "/etc", "hosts", "/tmp/l"];

type Op = { op: string; path: string; arg: string; flag: boolean };
const op: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom("read", "write", "append", "mkdir", "remove", "list", "stat", "lstat", "symlink", "chmod", "chown", "touch", "exists", "isDir", "readlink"),
  path: fc.constantFrom(...paths),
  arg: fc.constantFrom(...targets, "x\n", ""),
  flag: fc.boolean(),
});

function apply(fs: ReturnType<typeof fsOf>, o: Op): unknown {
  switch (o.op) {
    case "read": return fs.read(o.path);
    case "write": return fs.write(o.path, o.arg);
    case "append": return fs.write(o.path, o.arg, true);
    case "mkdir": return fs.mkdir(o.path, o.flag);
    case "remove": return fs.remove(o.path, o.flag);
    case "list": return fs.list(o.path);
    case "stat": return fs.stat(o.path);
    case "lstat": return fs.stat(o.path, false);
    case "symlink": return fs.symlink(o.arg, o.path);
    case "chmod": return fs.chmod(o.path, o.flag ? 0o700 : 0o644);
    case "chown": return fs.chown(o.path, 1000, o.flag ? -1 : 1000);
    case "touch": return fs.touch(o.path);
    case "exists": return fs.exists(o.path);
    case "isDir": return fs.isDir(o.path);
    default: return fs.readlink(o.path);
  }
}

describe("a container's /proc made when walked", () => {
  it("every call's answer, the kept root and whether /proc is still made on demand equal those of a /proc made for every call", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 0, max: 3 }), (ops, nonRoot, clockSteps) => {
        const { ctx, c } = createdContainer(nonRoot ? { runAsUser: 1000 } : undefined);
        const start = { rootfs: c.rootfs, procfs: c.procfs };
        expect(start.procfs).toBeDefined();
        const run = (eager: boolean) => {
          c.rootfs = start.rootfs;
          if (start.procfs === undefined) delete c.procfs;
          else c.procfs = start.procfs;
          ctx.now = Date.UTC(2026, 0, 1) + clockSteps * 1000;
          const world = (): World => {
            const w = worldOf(ctx, c);
            // the reference: the whole root with /proc's files, whatever path is read
            return eager ? { ...w, tree: (key) => w.tree(key) } : w;
          };
          const fs = fsOf(c.layout, world, c.user);
          const answers = ops.map((o) => {
            ctx.now += 1000;
            return apply(fs, o);
          });
          return { answers, rootfs: c.rootfs, onDemand: c.procfs !== undefined, seen: world().tree("") };
        };
        const eager = run(true);
        const lazy = run(false);
        expect(lazy.answers).toEqual(eager.answers);
        expect(lazy.onDemand).toBe(eager.onDemand);
        expect(is(lazy.rootfs, eager.rootfs)).toBe(true);
        expect(is(lazy.seen, eager.seen)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a process reading and writing outside /proc leaves its files to be made when read", () => {
    const { ctx, c } = createdContainer();
    const fs = fsOf(c.layout, () => worldOf(ctx, c), c.user);
    expect(fs.write("/etc/new", "x")).toBeUndefined();
    expect(fs.read("/etc/new")).toBe("x");
    expect(c.procfs).toBeDefined();
    // /proc/1/status as the kernel shows sleep run as root
    expect(fs.read("/proc/1/status")).toMatch(/^Name:\tsleep\n/);
    expect(c.procfs).toBeDefined();
    // a changed /proc is kept whole from then on
    expect(fs.write("/proc/new", "y")).toBeUndefined();
    expect(c.procfs).toBeUndefined();
    expect(fs.read("/proc/new")).toBe("y");
    expect(fs.read("/etc/new")).toBe("x");
  });
});
