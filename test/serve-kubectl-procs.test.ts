// The real kubectl against `podflow serve`, walking the docs pages that look at a container's
// processes: "Configure a Security Context for a Pod or Container" (ps as runAsUser 1000),
// "Share Process Namespace between Containers in a Pod" (ps ax, kill -HUP, /proc/<pid>/root) and
// "Debug Running Pods" (kubectl debug --target: the target's processes). Manifests are the pages'
// (test/fixtures/docs); rows are in busybox's ps format (procps/ps.c: PID, USER, TIME, COMMAND).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { execFile, spawnSync } from "node:child_process";
import { findKubectl, kubectl, kubectlEnv, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const python = spawnSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim() || undefined;
const fixture = (path: string) => join(import.meta.dirname, "fixtures", "docs", path);
const ptyrun = join(import.meta.dirname, "support", "ptyrun.py");

/** A row of busybox ps: pid, user, command. */
function rows(out: string): { pid: number; user: string; cmd: string }[] {
  const found: { pid: number; user: string; cmd: string }[] = [];
  for (const l of out.split("\n")) {
    const m = /^ *(\d+) (\S+) +\d+:\d\d (.*)$/.exec(l.replace(/\r$/, ""));
    if (m) found.push({ pid: Number(m[1]), user: m[2]!, cmd: m[3]! });
  }
  return found;
}

describe.skipIf(!bin || !python)("kubectl and the processes of a pod's containers, as the docs pages show them", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);
  /** Types lines at a kubectl command on a terminal; the screen, CRLF as LF. */
  const onTerminal = (lines: string[], argv: string[], pause = "2.5") =>
    new Promise<string>((resolve) => {
      execFile(python!, [ptyrun, pause, ...lines.map((l) => `${l}\\r`), "--", bin!, ...argv], { env: kubectlEnv(s.kubeconfigPath), timeout: 60_000 }, (_e, out) => resolve(out.replace(/\r\n/g, "\n")));
    });
  const running = (pod: string) => until(async () => ((await k(["get", "pod", pod, "--no-headers"])).out.includes("Running") ? true : undefined), 40_000);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    expect((await k(["apply", "-f", fixture("pods/security/security-context.yaml")])).code).toBe(0);
    expect((await k(["apply", "-f", fixture("pods/share-process-namespace.yaml")])).code).toBe(0);
    // the Debug Running Pods page's pod
    expect((await k(["run", "ephemeral-demo", "--image=registry.k8s.io/pause:3.1", "--restart=Never"])).code).toBe(0);
    for (const pod of ["security-context-demo", "nginx", "ephemeral-demo"]) expect(await running(pod)).toBe(true);
  }, 90_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("security-context: ps in `kubectl exec -it security-context-demo -- sh` shows sleep 1h as PID 1 and the shell, as user 1000; id has fsGroup and supplementalGroups", async () => {
    const screen = await onTerminal(["ps", "id", "exit"], ["exec", "-it", "security-context-demo", "--", "sh"]);
    // the page: PID   USER     TIME  COMMAND / 1 1000 0:00 sleep 1h / 6 1000 0:00 sh
    // ash's prompt ends in $ for a user not root
    expect(screen).toContain(" $ ps\nPID   USER     TIME  COMMAND\n    1 1000      0:00 sleep 1h\n");
    const r = rows(screen);
    expect(r.map((x) => x.cmd)).toEqual(["sleep 1h", "sh", "ps"]);
    expect(r.every((x) => x.user === "1000")).toBe(true);
    expect(screen).toContain("uid=1000 gid=3000 groups=2000,3000,4000\n");
  }, 70_000);

  it("share-process-namespace: ps ax in the shell container lists /pause, nginx's master and worker, sleep, the shell and ps ax; kill -HUP makes a new worker; /proc/<pid>/root reads nginx's files", async () => {
    const before = rows((await k(["exec", "nginx", "-c", "shell", "--", "ps", "ax"])).out);
    expect(before[0]).toEqual({ pid: 1, user: "65535", cmd: "/pause" });
    const master = before.find((x) => x.cmd === "nginx: master process nginx -g daemon off;")!;
    const worker = before.find((x) => x.cmd === "nginx: worker process")!;
    expect(master.user).toBe("root");
    expect(worker.user).toBe("101");
    expect(before.map((x) => x.cmd)).toContain("sleep 3600");
    expect(before.at(-1)!.cmd).toBe("ps ax");

    const screen = await onTerminal(["ps ax", `kill -HUP ${master.pid}`, "ps ax", `head /proc/${master.pid}/root/etc/nginx/nginx.conf`, "exit"], ["exec", "-it", "nginx", "-c", "shell", "--", "/bin/sh"]);
    const [first, second] = screen.split(`kill -HUP ${master.pid}\n`);
    const shell = rows(first!).find((x) => x.cmd === "/bin/sh")!;
    expect(rows(first!).at(-1)!.cmd).toBe("ps ax");
    const after = rows(second!);
    // the master stays; its new worker has a pid taken after the shell's
    expect(after.find((x) => x.cmd.startsWith("nginx: master"))!.pid).toBe(master.pid);
    const newWorker = after.find((x) => x.cmd === "nginx: worker process")!;
    expect(newWorker.pid).toBeGreaterThan(shell.pid);
    expect(after.filter((x) => x.cmd === "nginx: worker process")).toHaveLength(1);
    // the page: head /proc/8/root/etc/nginx/nginx.conf shows nginx's configuration
    expect(screen).toContain("user  nginx;\nworker_processes  auto;\n");
    expect(screen).toContain("events {\n    worker_connections  1024;\n");
  }, 90_000);

  it("debug running pods: kubectl debug -it --target=ephemeral-demo; ps shows the target's /pause as PID 1 beside the debugger's shell", async () => {
    const screen = await onTerminal(["", "ps", "exit"], ["debug", "-it", "ephemeral-demo", "--image=busybox:1.28", "--target=ephemeral-demo"]);
    expect(screen).toContain('Targeting container "ephemeral-demo".');
    expect(screen).toContain("PID   USER     TIME  COMMAND\n    1 root      0:00 /pause\n");
    expect(rows(screen).map((x) => x.cmd)).toEqual(["/pause", "sh", "ps"]);
  }, 70_000);
});
