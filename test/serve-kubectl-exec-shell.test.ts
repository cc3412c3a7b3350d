// The shells inside containers through `kubectl exec`: here-documents, as the docs' command: blocks
// write files (POSIX 2.7.4; busybox shell/ash.c parseheredoc and checkend, bash's here-strings in
// redir.c), a nested `sh -c` as the child process it is (POSIX 2.12), and the node as the
// kernel shows it to a container whatever its limits (nproc's sched_getaffinity, free's sysinfo).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("shells through kubectl exec", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 60_000 });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    expect((await k(["run", "bb", "--image=busybox:1.36", "--env=NAME=redis", "--", "sleep", "3600"])).code).toBe(0);
    expect((await k(["run", "deb", "--image=debian:12", "--", "sleep", "3600"])).code).toBe(0);
    const limited = { apiVersion: "v1", kind: "Pod", metadata: { name: "limited" }, spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sleep", "3600"], resources: { limits: { cpu: "500m", memory: "64Mi" } } }] } };
    // pods/share-process-namespace.yaml of the share-process-namespace page
    const shared = { apiVersion: "v1", kind: "Pod", metadata: { name: "nginx" }, spec: { shareProcessNamespace: true, containers: [{ name: "nginx", image: "nginx" }, { name: "shell", image: "busybox:1.28", command: ["sleep", "3600"], securityContext: { capabilities: { add: ["SYS_PTRACE"] } }, stdin: true, tty: true }] } };
    expect((await kubectl(bin!, s.kubeconfigPath, ["apply", "-f", "-"], { input: JSON.stringify(limited) + "\n" + JSON.stringify(shared) })).code).toBe(0);
    expect((await k(["wait", "--for=condition=Ready", "pod/bb", "pod/deb", "pod/limited", "pod/nginx", "--timeout=60s"])).code).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("busybox sh: cat <<EOF > file expands the body; <<'EOF' keeps it as written", async () => {
    const script = "cat <<EOF > /tmp/redis.conf\nmaxmemory 2mb\n# for $NAME\nEOF\ncat <<'EOF' >> /tmp/redis.conf\nname=$NAME\nEOF\ncat /tmp/redis.conf";
    expect(await k(["exec", "bb", "--", "sh", "-c", script])).toMatchObject({ code: 0, out: "maxmemory 2mb\n# for redis\nname=$NAME\n" });
  }, 60_000);

  it("busybox sh: <<- strips the tabs of an indented body; <<< is no operator of ash's", async () => {
    expect((await k(["exec", "bb", "--", "sh", "-c", "if true; then\n\tcat <<-END\n\t\tindented\n\tEND\nfi"])).out).toBe("indented\n");
    expect(await k(["exec", "bb", "--", "sh", "-c", "cat <<< hi"])).toMatchObject({ code: 2, out: "", err: "sh: syntax error: unexpected redirection\ncommand terminated with exit code 2\n" });
  }, 60_000);

  it("bash: a here-string is its expanded word and a newline", async () => {
    expect((await k(["exec", "deb", "--", "bash", "-c", "v='a b'; cat <<< \"$v\"; tr a-z A-Z <<< $v"])).out).toBe("a b\nA B\n");
  }, 60_000);

  it("a nested sh -c has its own positional parameters and sees exported variables only", async () => {
    const script = `set -- a b; X=1; export Y=2; sh -c 'echo "[$#] [$1] [$X] [$Y]"; set -- z; cd /tmp' inner; echo "[$#] [$1] $(pwd)"`;
    expect((await k(["exec", "bb", "--", "sh", "-c", script])).out).toBe("[0] [] [] [2]\n[2] [a] /\n");
  }, 60_000);

  // the nodes are the kubelet's default machine: 4 CPUs and 16Gi (podflow's cadvisor stand-in)
  it("nproc and free show the node's 4 CPUs and 16Gi in a container limited to 500m and 64Mi", async () => {
    expect((await k(["exec", "limited", "--", "nproc"])).out).toBe("4\n");
    expect((await k(["exec", "deb", "--", "nproc", "--all"])).out).toBe("4\n");
    const free = (await k(["exec", "limited", "--", "free"])).out.split("\n");
    expect(free[0]).toBe("              total        used        free      shared  buff/cache   available");
    // used: the node's daemons and its running containers' working sets; the rest is free and available
    const m = /^Mem: {3}( {4}16777216)( +\d+)( +\d+) {11}0 {11}0( +\d+)$/.exec(free[1]!);
    expect(m).not.toBeNull();
    expect(Number(m![2]) + Number(m![3])).toBe(16777216);
    expect(m![4]).toBe(m![3]);
    expect(free.slice(2)).toEqual(["Swap:             0           0           0", ""]);
  }, 60_000);

  // procps/pgrep.c: argv[0] (or comm) against the regex, -f the whole command line; never itself
  it("pgrep and pkill see the container's own processes, or the pod's with shareProcessNamespace", async () => {
    expect(await k(["exec", "bb", "--", "sh", "-c", "pgrep sleep; pgrep -l sleep; pgrep -a sleep; pgrep -x slee; echo $?; pgrep pgrep; echo $?"]))
      .toMatchObject({ code: 0, out: "1\n1 sleep\n1 sleep 3600\n1\n1\n" });
    // -f reads whole command lines: a shell whose script holds the pattern would match too, so no shell here
    expect((await k(["exec", "bb", "--", "pgrep", "-f", "sleep 3"])).out).toBe("1\n");
    const ps = (await k(["exec", "nginx", "-c", "shell", "--", "ps", "-o", "pid,args"])).out.split("\n").slice(1, -1).map((l) => l.trim().split(/ (.*)/s) as [string, string]);
    const pidOf = (args: string) => ps.find(([, a]) => a === args)?.[0];
    // the page: /pause is PID 1 of the pod's namespace
    expect(pidOf("/pause")).toBe("1");
    const master = pidOf("nginx: master process nginx -g daemon off;");
    const worker = pidOf("nginx: worker process");
    expect(master).toBeDefined();
    expect((await k(["exec", "nginx", "-c", "shell", "--", "pgrep", "-l", "nginx"])).out).toBe(`${master} nginx: master process nginx -g daemon off;\n${worker} nginx: worker process\n`);
    expect((await k(["exec", "nginx", "-c", "shell", "--", "pgrep", "-x", "pause"])).out).toBe("1\n");
    // pkill -HUP: nginx's master starts a new worker (a new pid), as kill -HUP does on the page
    expect(await k(["exec", "nginx", "-c", "shell", "--", "pkill", "-HUP", "-e", "-x", "nginx: master process nginx -g daemon off;"])).toMatchObject({ code: 0, out: `nginx: master process nginx -g daemon off; killed (pid ${master})\n` });
    const after = (await k(["exec", "nginx", "-c", "shell", "--", "pgrep", "-f", "worker"])).out;
    expect(after).toMatch(/^\d+\n$/);
    expect(after).not.toBe(`${worker}\n`);
    expect(await k(["exec", "nginx", "-c", "shell", "--", "pkill", "nomatch"])).toMatchObject({ code: 1, out: "" });
  }, 90_000);
});
