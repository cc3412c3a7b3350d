// The real kubectl's exec, exec -it, cp, attach and port-forward against `podflow serve`, with the
// docs' own checks (envar-demo, lifecycle-demo, shell-demo) and the errors Kubernetes prints.
// Expectations come from the docs pages and from the messages kube-apiserver, the kubelet and
// containerd give (streamtranslator.go, kubelet server.go, runc).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile, spawn, spawnSync } from "node:child_process";
import { get } from "node:http";
import { findKubectl, kubectl, kubectlEnv, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const python = spawnSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim() || undefined;

// The docs' pods: inject-data-application/define-environment-variable-container, attach-handler-lifecycle-event, get-shell-running-container.
const docsPods = `
apiVersion: v1
kind: Pod
metadata:
  name: envar-demo
  labels:
    purpose: demonstrate-envars
spec:
  containers:
  - name: envar-demo-container
    image: gcr.io/google-samples/hello-app:2.0
    env:
    - name: DEMO_GREETING
      value: "Hello from the environment"
    - name: DEMO_FAREWELL
      value: "Such a sweet sorrow"
---
apiVersion: v1
kind: Pod
metadata:
  name: lifecycle-demo
spec:
  containers:
  - name: lifecycle-demo-container
    image: nginx
    lifecycle:
      postStart:
        exec:
          command: ["/bin/sh", "-c", "echo Hello from the postStart handler > /usr/share/message"]
      preStop:
        exec:
          command: ["/bin/sh","-c","nginx -s quit; while killall -0 nginx; do sleep 1; done"]
---
apiVersion: v1
kind: Pod
metadata:
  name: shell-demo
spec:
  volumes:
  - name: shared-data
    emptyDir: {}
  containers:
  - name: nginx
    image: nginx
    volumeMounts:
    - name: shared-data
      mountPath: /usr/share/nginx/html
  hostNetwork: true
  dnsPolicy: Default
---
apiVersion: v1
kind: Pod
metadata:
  name: two
spec:
  containers:
  - name: a
    image: busybox
    command: ["sh", "-c", "echo started; sleep 3600"]
  - name: b
    image: busybox
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    ports:
    - containerPort: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: ticker
spec:
  containers:
  - name: ticker
    image: busybox
    command: ["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done"]
---
apiVersion: v1
kind: Pod
metadata:
  name: badimage
spec:
  containers:
  - name: web
    image: ngnix
`;

describe.skipIf(!bin)("kubectl exec against podflow serve", () => {
  let s: Served;
  // kubectl() drops client-go's "Unknown stream id" race line; the rest of stderr is compared exactly
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);
  const scratch = mkdtempSync(join(tmpdir(), "podflow-exec-"));

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    const file = join(scratch, "pods.yaml");
    writeFileSync(file, docsPods);
    await k(["apply", "-f", file]);
    const running = await until(async () => {
      const out = (await k(["get", "pods", "--no-headers"])).out;
      return ["envar-demo", "lifecycle-demo", "shell-demo", "two", "nginx", "ticker"].every((n) => new RegExp(`^${n} +\\d/\\d +Running`, "m").test(out)) ? out : undefined;
    }, 30_000);
    expect(running, "the docs' pods should be Running").toBeTruthy();
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl exec envar-demo -- printenv lists the container's variables, as the docs show", async () => {
    const r = await k(["exec", "envar-demo", "--", "printenv"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("DEMO_GREETING=Hello from the environment\n");
    expect(r.out).toContain("DEMO_FAREWELL=Such a sweet sorrow\n");
    expect(r.out).toContain("HOSTNAME=envar-demo\n");
    expect(r.out).toContain("KUBERNETES_SERVICE_HOST=10.96.0.1\n");
    // the runtime sets HOME; PWD is a shell's variable, not the exec'd process's
    expect(r.out).toContain("HOME=/root\n");
    expect(r.out).not.toContain("PWD=");
  });

  it("kubectl exec lifecycle-demo -- cat /usr/share/message prints what the postStart handler wrote", async () => {
    const r = await k(["exec", "lifecycle-demo", "--", "cat", "/usr/share/message"]);
    expect(r).toEqual({ code: 0, out: "Hello from the postStart handler\n", err: "" });
  });

  it("a command's stdout and stderr stay apart, and its exit code is kubectl's", async () => {
    const r = await k(["exec", "shell-demo", "--", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(r.code).toBe(3);
    expect(r.out).toBe("out\n");
    expect(r.err).toBe("err\ncommand terminated with exit code 3\n");
  });

  it("nginx -v and nginx -t answer and exit; a second nginx cannot bind the port the container's holds", async () => {
    // nginx.c: the version and the configuration test go to stderr; a second master fails to
    // bind 0.0.0.0:80 and [::]:80 five times, gives up and exits 1 (ngx_open_listening_sockets).
    const v = await k(["exec", "shell-demo", "--", "nginx", "-v"]);
    expect(v.code).toBe(0);
    expect(v.err).toMatch(/^nginx version: nginx\/[\d.]+\n$/);
    const t = await k(["exec", "shell-demo", "--", "nginx", "-t"]);
    expect(t).toEqual({ code: 0, out: "", err: "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n" });
    const second = await k(["exec", "shell-demo", "--", "nginx"]);
    expect(second.code).toBe(1);
    expect(second.err).toContain("nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n");
    expect(second.err.endsWith("nginx: [emerg] still could not bind()\ncommand terminated with exit code 1\n")).toBe(true);
    // the container's own nginx still answers
    const page = await k(["exec", "shell-demo", "--", "curl", "-s", "http://localhost/"]);
    expect(page.code).toBe(0);
  });

  it("stdin reaches the command (exec -i), and what it writes stays in the container", async () => {
    const w = await k(["exec", "-i", "shell-demo", "--", "sh", "-c", "cat > /usr/share/nginx/html/index.html"], { input: "Hello shell demo\n" });
    expect(w).toEqual({ code: 0, out: "", err: "" });
    const r = await k(["exec", "shell-demo", "--", "cat", "/usr/share/nginx/html/index.html"]);
    expect(r.out).toBe("Hello shell demo\n");
    // nginx serves the emptyDir it shares: the docs' curl http://localhost/
    const c = await k(["exec", "shell-demo", "--", "curl", "-s", "http://localhost/"]);
    expect(c.out).toBe("Hello shell demo\n");
  });

  it("-c picks the container; without it a two-container pod runs in the default one", async () => {
    const r = await k(["exec", "two", "-c", "b", "--", "sh", "-c", "echo in b"]);
    expect(r).toEqual({ code: 0, out: "in b\n", err: "" });
    const d = await k(["exec", "two", "--", "sh", "-c", "echo in a"]);
    expect(d.out).toBe("in a\n");
    expect(d.err).toBe("Defaulted container \"a\" out of: a, b\n");
  });

  it("errors are Kubernetes': no pod, no such container, no executable, a container not running", async () => {
    const none = await k(["exec", "nope", "--", "ls"]);
    expect(none.code).toBe(1);
    expect(none.err).toBe('Error from server (NotFound): pods "nope" not found\n');
    const bad = await k(["exec", "two", "-c", "zz", "--", "ls"]);
    expect(bad.err).toBe("Error from server (BadRequest): container zz is not valid for pod two\n");
    const missing = await k(["exec", "shell-demo", "--", "nosuch"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]+": OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in \$PATH: unknown\n$/);
    const waiting = await k(["exec", "badimage", "--", "ls"]);
    expect(waiting.code).toBe(1);
    expect(waiting.err).toBe('error: Internal error occurred: unable to upgrade connection: container not found ("web")\n');
  });

  it("kubectl cp copies a file and a directory into the container (tar over exec), and back out", async () => {
    const src = join(scratch, "src");
    mkdirSync(join(src, "sub"), { recursive: true });
    writeFileSync(join(src, "a.txt"), "hello\n");
    writeFileSync(join(src, "sub", "b.txt"), "é unicode\n");
    const one = await k(["cp", join(src, "a.txt"), "shell-demo:/tmp/a.txt"]);
    expect(one).toEqual({ code: 0, out: "", err: "" });
    expect((await k(["exec", "shell-demo", "--", "cat", "/tmp/a.txt"])).out).toBe("hello\n");
    const dir = await k(["cp", src, "shell-demo:/tmp/copied"]);
    expect(dir).toEqual({ code: 0, out: "", err: "" });
    expect((await k(["exec", "shell-demo", "--", "cat", "/tmp/copied/sub/b.txt"])).out).toBe("é unicode\n");
    const back = join(scratch, "back");
    const out = await k(["cp", "shell-demo:/tmp/copied", back]);
    expect(out.code).toBe(0);
    expect(readFileSync(join(back, "a.txt"), "utf8")).toBe("hello\n");
    expect(readFileSync(join(back, "sub", "b.txt"), "utf8")).toBe("é unicode\n");
    // the docs' postStart file, copied out of the pod
    const msg = join(scratch, "message");
    expect((await k(["cp", "lifecycle-demo:/usr/share/message", msg])).code).toBe(0);
    expect(readFileSync(msg, "utf8")).toBe("Hello from the postStart handler\n");
  });

  it("kubectl cp into a directory that does not exist gets tar's error and its exit code", async () => {
    writeFileSync(join(scratch, "x.txt"), "x\n");
    const r = await k(["cp", join(scratch, "x.txt"), "shell-demo:/nonexist/dir/x.txt"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("tar: /nonexist/dir: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\ncommand terminated with exit code 2\n");
  });

  it.skipIf(!python)("kubectl exec -it shell-demo -- /bin/bash: a prompt, ls /, cd, a missing command, exit with a code", async () => {
    const script = join(__dirname, "support", "ptyrun.py");
    const r = await new Promise<string>((resolve) => {
      execFile(python!, [script, "0.8", "ls /\\r", "cd /usr/share/nginx/html\\r", "cat index.html; pwd\\r", "nosuch\\r", "exit 4\\r", "--", bin!, "exec", "-it", "shell-demo", "--", "/bin/bash"],
        { env: kubectlEnv(s.kubeconfigPath), timeout: 30_000 }, (_e, out) => resolve(out));
    });
    const screen = r.replace(/\r\n/g, "\n");
    // The docs' shell-demo runs in the host's network (hostNetwork: true), and so in its UTS
    // namespace: bash's prompt shows the node's hostname, not the pod's name.
    const node = (await k(["get", "pod", "shell-demo", "-o", "jsonpath={.spec.nodeName}"])).out.trim();
    expect(node).toMatch(/^node-\d+$/);
    expect(screen).toContain(`root@${node}:/# ls /\n`);
    expect(screen).toMatch(new RegExp(`\nbin\n(.*\n)*usr\nvar\nroot@${node}:/# cd /usr/share/nginx/html\n`));
    expect(screen).toContain(`root@${node}:/usr/share/nginx/html# cat index.html; pwd\nHello shell demo\n/usr/share/nginx/html\n`);
    expect(screen).toContain("# nosuch\nbash: nosuch: command not found\n");
    expect(screen).toContain("# exit 4\nexit\ncommand terminated with exit code 4\n");
    expect(screen).toMatch(/\[exit 4\]\n$/);
  }, 40_000);

  it.skipIf(!python)("kubectl run -it --rm --restart=Never ... -- sh: attach to the shell's terminal, type, exit, the pod is deleted", async () => {
    const script = join(__dirname, "support", "ptyrun.py");
    const r = await new Promise<string>((resolve) => {
      execFile(python!, [script, "1.5", "\\r", "echo $HOSTNAME; cd /tmp; pwd\\r", "exit\\r", "--", bin!, "run", "-it", "--rm", "--restart=Never", "typed", "--image=busybox", "--", "sh"],
        { env: kubectlEnv(s.kubeconfigPath), timeout: 40_000 }, (_e, out) => resolve(out));
    });
    const screen = r.replace(/\r\n/g, "\n");
    expect(screen).toContain("If you don't see a command prompt, try pressing enter.\n");
    // busybox ash's prompt, the pod's hostname, the directory in the next prompt
    expect(screen).toContain("\n/ # echo $HOSTNAME; cd /tmp; pwd\ntyped\n/tmp\n/tmp # exit\n");
    expect(screen).toContain('pod "typed" deleted');
    expect(screen).toMatch(/\[exit 0\]\n$/);
  }, 50_000);

  /** Starts kubectl in the background; resolves with what it printed once stopped. */
  function background(args: string[]) {
    const child = spawn(bin!, args, { env: kubectlEnv(s.kubeconfigPath) });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
    return { child, out: () => out, err: () => err, exited, stop: async () => { child.kill(); await exited; } };
  }

  /** GET on a local port: the status and body, or the error of a connection the far end reset. */
  function httpGet(port: number, path: string): Promise<{ status: number; body: string } | { error: string }> {
    return new Promise((resolve) => {
      const req = get({ host: "127.0.0.1", port, path, timeout: 10_000 }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", (e) => resolve({ error: e.message }));
      req.on("timeout", () => req.destroy(new Error("timeout")));
    });
  }

  it("kubectl port-forward pod/nginx :80, then an HTTP GET on the local port returns nginx's page", async () => {
    const pf = background(["port-forward", "pod/nginx", ":80"]);
    try {
      const line = await until(async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(pf.out()), 15_000, 100);
      expect(line, `port-forward should start forwarding; stderr: ${pf.err()}`).toBeTruthy();
      const port = Number(line![1]);
      const page = await httpGet(port, "/");
      expect(page).toMatchObject({ status: 200 });
      expect((page as { body: string }).body).toContain("<title>Welcome to nginx!</title>");
      // a second connection on the same tunnel; nginx's 404 for a missing file
      expect(await httpGet(port, "/nope")).toMatchObject({ status: 404 });
      expect(pf.out()).toContain("Handling connection for " + port);
      expect(pf.err()).toBe("");
    } finally {
      await pf.stop();
    }
  }, 30_000);

  it("the docs' exact commands: kubectl port-forward pod/nginx 8080:80, then curl localhost:8080", async () => {
    const pf = background(["port-forward", "pod/nginx", "8080:80"]);
    try {
      // kubectl listens on 127.0.0.1 and [::1]; curl's localhost may take either
      const line = await until(async () => /Forwarding from 127\.0\.0\.1:8080 -> 80/.exec(pf.out()), 15_000, 100);
      expect(line, `port-forward should start forwarding; stderr: ${pf.err()}`).toBeTruthy();
      const curl = await new Promise<{ out: string; code: number }>((resolve) => {
        execFile("curl", ["-s", "localhost:8080"], { timeout: 10_000 }, (e, out) => resolve({ out, code: e ? Number((e as { code?: number }).code ?? 1) : 0 }));
      });
      expect(curl.code).toBe(0);
      expect(curl.out).toContain("<title>Welcome to nginx!</title>");
      expect(pf.out()).toContain("Handling connection for 8080");
    } finally {
      await pf.stop();
    }
  }, 30_000);

  it("port-forward to a port nothing listens on: the connection is reset and kubectl prints containerd's refusal", async () => {
    const pf = background(["port-forward", "pod/nginx", ":81"]);
    try {
      const line = await until(async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 81/.exec(pf.out()), 15_000, 100);
      expect(line).toBeTruthy();
      const r = await httpGet(Number(line![1]), "/");
      expect(r).toHaveProperty("error");
      const err = await until(async () => (pf.err().includes("lost connection to pod") ? pf.err() : undefined), 10_000, 100);
      expect(err).toMatch(/an error occurred forwarding \d+ -> 81: error forwarding port 81 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace .*dial tcp4 127\.0\.0\.1:81: connect: connection refused/);
      // kubectl 1.29+ ends the session on a forwarding error
      expect(err).toContain("error: lost connection to pod\n");
      expect(await pf.exited).toBe(1);
    } finally {
      await pf.stop();
    }
  }, 30_000);

  it("port-forward to a pod that does not exist is the API server's 404", async () => {
    const r = await k(["port-forward", "pod/nope", "18099:80"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('Error from server (NotFound): pods "nope" not found\n');
  });

  it("kubectl attach streams what the container writes from now on", async () => {
    const a = background(["attach", "ticker"]);
    try {
      const got = await until(async () => ((a.out().match(/^tick \d+$/gm) ?? []).length >= 3 ? a.out() : undefined), 15_000, 100);
      expect(got, `attach should stream ticks; stderr: ${a.err()}`).toBeTruthy();
      const ticks = got!.match(/^tick (\d+)$/gm)!.map((l) => Number(l.slice(5)));
      // consecutive, each once: the log is read on from where attach began
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBe(ticks[i - 1]! + 1);
    } finally {
      await a.stop();
    }
  }, 30_000);
});
