// The process table a container's processes see (procs.ts) through busybox ps, kill and /proc,
// on the docs' pods: "Configure a Security Context for a Pod or Container" and "Share Process
// Namespace between Containers in a Pod" (kubernetes/website content/en/examples, in
// test/fixtures/docs). Expected rows are the pages' and busybox's procps/ps.c format.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const fixture = (path: string): string => readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "docs", path), "utf8");

async function withCluster(run: (c: Cluster) => Promise<void>): Promise<void> {
  const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
  try {
    await run(c);
  } finally {
    await c.stop();
  }
}

let seq = 0;

/** A terminal shell in a container (kubectl exec -it POD -c C -- sh): each line typed, its output. */
async function shellIn(c: Cluster, podName: string, container: string, argv: string[] = ["sh"]): Promise<{ type(line: string): Promise<string> }> {
  const pod = c.get("Pod", podName, "default");
  const inbox: any[] = [];
  const me = `test/procs-${++seq}`;
  c.runtime.external(me, (m: any) => void inbox.push(m));
  c.runtime.send(me, `kubelet/${pod.spec.nodeName}`, { type: "GetExec", id: 1, podNamespace: "default", podName, container, cmd: argv, tty: true, stdin: true, stdout: true, stderr: false });
  await c.settle();
  const session = inbox.find((m) => m.type === "StreamReady").session;
  return {
    async type(line: string) {
      inbox.length = 0;
      c.runtime.send(me, `cri/${pod.spec.nodeName}`, { type: "ExecLine", session, line });
      await c.settle();
      return inbox.filter((m) => m.type === "ExecOutput").map((m) => m.stdout + m.stderr).join("");
    },
  };
}

/** kubectl exec POD -c C -- argv (no terminal): its output. */
async function execIn(c: Cluster, podName: string, container: string, argv: string[]): Promise<string> {
  const pod = c.get("Pod", podName, "default");
  const inbox: any[] = [];
  const me = `test/procs-${++seq}`;
  c.runtime.external(me, (m: any) => void inbox.push(m));
  c.runtime.send(me, `kubelet/${pod.spec.nodeName}`, { type: "GetExec", id: 1, podNamespace: "default", podName, container, cmd: argv, tty: false, stdin: false, stdout: true, stderr: true });
  await c.settle();
  const session = inbox.find((m) => m.type === "StreamReady").session;
  c.runtime.send(me, `cri/${pod.spec.nodeName}`, { type: "ExecRun", session, stdin: "" });
  await c.settle();
  return inbox.filter((m) => m.type === "ExecOutput").map((m) => m.stdout + m.stderr).join("");
}

describe("busybox ps in the security-context page's pod (its own pid namespace)", () => {
  it("ps: sleep 1h is PID 1 (sh -c execs its one command), the exec'd sh and ps follow, all as uid 1000 shown by number", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/security/security-context.yaml"));
      await c.settle();
      const sh = await shellIn(c, "security-context-demo", "sec-ctx-demo");
      const out = await sh.type("ps");
      // the page: "PID   USER     TIME  COMMAND\n    1 1000      0:00 sleep 1h\n    6 1000      0:00 sh\n..."
      const lines = out.split("\n");
      expect(lines[0]).toBe("PID   USER     TIME  COMMAND");
      expect(lines[1]).toBe("    1 1000      0:00 sleep 1h");
      expect(lines[2]).toMatch(/^ {4}\d 1000 {6}0:00 sh$/);
      expect(lines[3]).toMatch(/^ {4}\d 1000 {6}0:00 ps$/);
      expect(lines).toHaveLength(5);
      const pids = lines.slice(1, 4).map((l) => Number(l.trim().split(/ +/)[0]));
      expect(pids[1]! < pids[2]!).toBe(true);
      // `id` as the page shows it
      expect(await sh.type("id")).toBe("uid=1000 gid=3000 groups=2000,3000,4000\n");
    });
  });

  it("ps aux and ps -ef print the same columns (busybox takes -e/-f and ignores words without a dash); an unknown option is refused", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/security/security-context.yaml"));
      await c.settle();
      const aux = await execIn(c, "security-context-demo", "sec-ctx-demo", ["ps", "aux"]);
      expect(aux.split("\n")[0]).toBe("PID   USER     TIME  COMMAND");
      expect(aux).toContain("    1 1000      0:00 sleep 1h\n");
      expect(aux).toMatch(/\n +\d+ 1000 +0:00 ps aux\n$/);
      const ef = await execIn(c, "security-context-demo", "sec-ctx-demo", ["ps", "-ef"]);
      expect(ef).toMatch(/ps -ef\n$/);
      expect(await execIn(c, "security-context-demo", "sec-ctx-demo", ["ps", "-x"])).toContain("ps: invalid option -- 'x'\n");
      expect(await execIn(c, "security-context-demo", "sec-ctx-demo", ["ps", "-o", "pid,comm"])).toMatch(/^PID {3}COMMAND\n {4}1 sleep\n/);
      expect(await execIn(c, "security-context-demo", "sec-ctx-demo", ["cat", "/proc/1/cmdline"])).toBe("sleep\u00001h\u0000");
      // through a pipe, as `ps aux | grep sleep` is typed
      expect(await execIn(c, "security-context-demo", "sec-ctx-demo", ["sh", "-c", "ps aux | grep sleep"])).toMatch(/^ {4}1 1000 {6}0:00 sleep 1h\n +(\d+) 1000 {6}0:00 sh -c ps aux \| grep sleep\n +\d+ 1000 {6}0:00 grep sleep\n$/);
      // the pipeline's commands were forked in order: ps before grep
      const listed = await execIn(c, "security-context-demo", "sec-ctx-demo", ["sh", "-c", "ps | cat"]);
      expect(listed.split("\n").slice(-3, -1).map((l) => l.replace(/^ *\d+ 1000 +0:00 /, ""))).toEqual(["ps", "cat"]);
    });
  });

  it("kill: a non-root user's shell may signal its own processes; a missing pid is ESRCH", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/security/security-context.yaml"));
      await c.settle();
      const sh = await shellIn(c, "security-context-demo", "sec-ctx-demo");
      expect(await sh.type("kill -0 1; echo $?")).toBe("0\n");
      expect(await sh.type("kill 4242 2>&1; echo $?")).toBe("sh: can't kill pid 4242: No such process\n1\n");
    });
  });
});

// kernel/signal.c sig_task_ignored: a pid namespace's init (SIGNAL_UNKILLABLE) gets from its own
// namespace only the signals it has a handler for; KILL and STOP never reach it from inside
describe("signals to PID 1 from inside its own namespace", () => {
  it("kill -9 1 and kill 1 succeed (0) but leave sleep 1h running: the container does not restart", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/security/security-context.yaml"));
      await c.settle();
      const sh = await shellIn(c, "security-context-demo", "sec-ctx-demo");
      expect(await sh.type("kill -9 1; echo $?; kill 1; echo $?; kill -INT 1; echo $?")).toBe("0\n0\n0\n");
      await c.settle();
      const [status] = c.get("Pod", "security-context-demo", "default").status.containerStatuses;
      expect([status.restartCount, Object.keys(status.state)]).toEqual([0, ["running"]]);
      expect((await sh.type("ps")).split("\n")[1]).toBe("    1 1000      0:00 sleep 1h");
    });
  });
});

describe("signals to other exec'd processes", () => {
  it("an interactive shell at its prompt ignores TERM and dies of KILL (137 to its caller); a running exec'd sleep ends at TERM (143)", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/security/security-context.yaml"));
      await c.settle();
      const pod = c.get("Pod", "security-context-demo", "default");
      const inbox: any[] = [];
      c.runtime.external("test/victim", (m: any) => void inbox.push(m));
      c.runtime.send("test/victim", `kubelet/${pod.spec.nodeName}`, { type: "GetExec", id: 1, podNamespace: "default", podName: "security-context-demo", container: "sec-ctx-demo", cmd: ["sleep", "100"], tty: false, stdin: false, stdout: true, stderr: true });
      await c.settle();
      const sleeper = inbox.find((m) => m.type === "StreamReady").session;
      c.runtime.send("test/victim", `cri/${pod.spec.nodeName}`, { type: "ExecRun", session: sleeper, stdin: "" });
      await c.settle();
      const victim = await shellIn(c, "security-context-demo", "sec-ctx-demo");
      const sh = await shellIn(c, "security-context-demo", "sec-ctx-demo");
      const table = (await sh.type("ps")).split("\n").slice(1, -1).map((l) => /^ *(\d+) \S+ +\S+ (.*)$/.exec(l)!.slice(1));
      expect(table.map((r) => r[1])).toEqual(["sleep 1h", "sleep 100", "sh", "sh", "ps"]);
      const [sleepPid, victimPid] = [table[1]![0], table[2]![0]];
      expect(await sh.type(`kill ${victimPid}; echo $?`)).toBe("0\n");
      expect((await sh.type("ps")).split("\n").filter((l) => l.endsWith(" sh"))).toHaveLength(2);
      expect(await sh.type(`kill -9 ${victimPid}; kill ${sleepPid}; echo $?`)).toBe("0\n");
      expect(inbox.find((m) => m.type === "ExecOutput" && m.session === sleeper)?.exitCode).toBe(143);
      expect((await sh.type("ps")).split("\n").slice(1, -1).map((l) => l.replace(/^ *\d+ \S+ +\S+ /, ""))).toEqual(["sleep 1h", "sh", "ps"]);
      expect(await victim.type("echo still here")).toBe("");
    });
  });
});

describe("share-process-namespace.yaml: one pid namespace for the pod", () => {
  it("ps ax in the shell container lists /pause as PID 1, nginx's master and worker, the sleep, the shell and ps ax", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/share-process-namespace.yaml"));
      await c.settle();
      const sh = await shellIn(c, "nginx", "shell", ["/bin/sh"]);
      const out = await sh.type("ps ax");
      const lines = out.split("\n").filter((l) => l !== "");
      expect(lines[0]).toBe("PID   USER     TIME  COMMAND");
      // the pause image runs as 65535 (build/pause/Dockerfile USER 65535:65535); busybox has no name for it, nor for nginx's 101
      expect(lines[1]).toBe("    1 65535     0:00 /pause");
      const rows = lines.slice(1).map((l) => /^ *(\d+) (\S+) +(\S+) (.*)$/.exec(l)!.slice(1));
      const cmds = rows.map((r) => r[3]);
      expect(cmds).toContain("nginx: master process nginx -g daemon off;");
      expect(cmds).toContain("nginx: worker process");
      expect(cmds).toContain("sleep 3600");
      expect(cmds.slice(-2)).toEqual(["/bin/sh", "ps ax"]);
      const row = (cmd: string) => rows.find((r) => r[3] === cmd)!;
      expect(row("nginx: master process nginx -g daemon off;")[1]).toBe("root");
      expect(row("nginx: worker process")[1]).toBe("101");
      const pids = rows.map((r) => Number(r[0]));
      expect([...pids].sort((a, b) => a - b)).toEqual(pids);
      expect(new Set(pids).size).toBe(pids.length);

      // kill -HUP <master>: nginx reloads with a new worker (a new pid); the master stays
      const master = row("nginx: master process nginx -g daemon off;")[0];
      const oldWorker = Number(row("nginx: worker process")[0]);
      expect(await sh.type(`kill -HUP ${master}`)).toBe("");
      const after = (await sh.type("ps ax")).split("\n").filter((l) => l !== "").slice(1).map((l) => /^ *(\d+) (\S+) +(\S+) (.*)$/.exec(l)!.slice(1));
      expect(after.find((r) => r[3]!.startsWith("nginx: master"))![0]).toBe(master);
      const newWorker = Number(after.find((r) => r[3] === "nginx: worker process")![0]);
      expect(newWorker).toBeGreaterThan(oldWorker);

      // /proc/<pid>/root is the other container's filesystem
      const conf = await sh.type(`head -n 2 /proc/${master}/root/etc/nginx/nginx.conf`);
      expect(conf).toBe("\nuser  nginx;\n");
      expect(await sh.type("head -n 1 /etc/nginx/nginx.conf")).toContain("/etc/nginx/nginx.conf: No such file or directory");
      expect(c.get("Pod", "nginx", "default").status.containerStatuses.every((s: any) => s.state.running)).toBe(true);
    });
  });

  it("kill of the nginx master from the shell container: TERM ends it (exit 0) while the shell container runs on", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/share-process-namespace.yaml"));
      await c.settle();
      const sh = await shellIn(c, "nginx", "shell", ["/bin/sh"]);
      const master = /^ *(\d+) \S+ +\S+ nginx: master/m.exec(await sh.type("ps ax"))![1];
      expect(await sh.type(`kill ${master}; echo $?`)).toBe("0\n");
      await c.settle();
      const statuses = c.get("Pod", "nginx", "default").status.containerStatuses;
      const nginx = statuses.find((s: any) => s.name === "nginx");
      expect(nginx.lastState.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
      expect(statuses.find((s: any) => s.name === "shell").restartCount).toBe(0);
    });
  });

  it("KILL from the shell container ends nginx's master (not its namespace's init: /pause is), 137 Error", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/share-process-namespace.yaml"));
      await c.settle();
      const sh = await shellIn(c, "nginx", "shell", ["/bin/sh"]);
      const master = /^ *(\d+) \S+ +\S+ nginx: master/m.exec(await sh.type("ps ax"))![1];
      expect(await sh.type(`kill -9 ${master}; echo $?`)).toBe("0\n");
      await c.settle();
      const nginx = c.get("Pod", "nginx", "default").status.containerStatuses.find((s: any) => s.name === "nginx");
      expect(nginx.lastState.terminated).toMatchObject({ exitCode: 137, reason: "Error" });
    });
  });

  it("a shell running as another user than nginx's master gets EPERM killing it (kill_ok_by_cred), and the master runs on", async () => {
    await withCluster(async (c) => {
      const doc = fixture("pods/share-process-namespace.yaml").replace("    tty: true\n", "    tty: true\n    securityContext:\n      runAsUser: 1000\n");
      await c.apply(doc);
      await c.settle();
      const sh = await shellIn(c, "nginx", "shell", ["sh"]);
      const master = /^ *(\d+) \S+ +\S+ nginx: master/m.exec(await sh.type("ps"))![1];
      expect(await sh.type(`kill -HUP ${master} 2>&1; echo $?`)).toBe(`sh: can't kill pid ${master}: Operation not permitted\n1\n`);
      expect(await sh.type("kill -0 1 2>&1; echo $?")).toBe("sh: can't kill pid 1: Operation not permitted\n1\n");
      expect(c.get("Pod", "nginx", "default").status.containerStatuses.every((s: any) => s.state.running && s.restartCount === 0)).toBe(true);
    });
  });

  it("without shareProcessNamespace each container sees only its own processes: PID 1 is its entrypoint", async () => {
    await withCluster(async (c) => {
      const doc = fixture("pods/share-process-namespace.yaml").replace("  shareProcessNamespace: true\n", "");
      await c.apply(doc);
      await c.settle();
      const out = await execIn(c, "nginx", "shell", ["ps"]);
      const lines = out.split("\n").filter((l) => l !== "");
      expect(lines[1]).toBe("    1 root      0:00 sleep 3600");
      expect(lines.slice(1).map((l) => l.replace(/^ *\d+ \S+ +\S+ /, ""))).toEqual(["sleep 3600", "ps"]);
      expect(await execIn(c, "nginx", "shell", ["sh", "-c", "kill -0 29 2>&1; echo $?"])).toBe("sh: can't kill pid 29: No such process\n1\n");
    });
  });
});

// The kernel makes /proc/mounts and /proc/1/status when they are read, from the container's set-up:
// what its processes write to its root changes neither (capabilities(7): uid 1000 execs with no
// permitted or effective capabilities; containerd's default bounding set is 00000000a80425fb).
describe("/proc in the security-context page's pod", () => {
  it("/proc/1/status and /proc/mounts read the same before and after the container writes its root; /proc/self/mounts is /proc/mounts", async () => {
    await withCluster(async (c) => {
      await c.apply(fixture("pods/security/security-context.yaml"));
      await c.settle();
      const sh = await shellIn(c, "security-context-demo", "sec-ctx-demo");
      const caps = "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\n";
      expect(await sh.type("grep Cap /proc/1/status")).toBe(caps);
      const mounts = await sh.type("cat /proc/mounts");
      expect(mounts.split("\n")[0]).toMatch(/^overlay \/ overlay rw,relatime,lowerdir=\S+ 0 0$/);
      expect(await sh.type("cat /proc/self/mounts")).toBe(mounts);
      expect(await sh.type("echo written > /data/demo/a; cat /data/demo/a")).toBe("written\n");
      expect(await sh.type("mkdir -p /tmp/b && echo x > /tmp/b/c; cat /tmp/b/c")).toBe("x\n");
      expect(await sh.type("grep Cap /proc/1/status")).toBe(caps);
      expect(await sh.type("cat /proc/mounts")).toBe(mounts);
      expect(await execIn(c, "security-context-demo", "sec-ctx-demo", ["cat", "/proc/1/mounts"])).toBe(mounts);
    });
  });
});
