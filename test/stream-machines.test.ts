// The machines' side of exec, attach and port-forward, on a simulated cluster: the API server
// locates the stream (pkg/registry/core/pod/strategy.go streamLocation), the kubelet checks the
// pod and container (kubelet server.go getExec: "pod does not exist", findContainer: "container
// not found"), and the CRI's streaming server runs the command in the container's world and
// answers when its simulated time has passed.

import { describe, it, expect, beforeAll } from "vitest";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import type { CriStreamAnswer, StreamOutput } from "../machines/cri/messages.js";

const me = "test/streams";
let c: Cluster;
const inbox: Array<CriStreamAnswer | StreamOutput> = [];

async function run(ms = 0): Promise<void> {
  await c.settle();
  if (ms > 0) {
    c.advance(ms);
    await c.settle();
  }
}

/** Sends to an actor as the HTTP front end would, and returns what came back after settling. */
async function ask(to: string, msg: { type: string; [k: string]: unknown }, ms = 0): Promise<Array<CriStreamAnswer | StreamOutput>> {
  inbox.length = 0;
  c.runtime.send(me, to, msg);
  await run(ms);
  return [...inbox];
}

beforeAll(async () => {
  c = createCluster({ nodes: 1, seed: 7, clock: "simulated", trace: false });
  c.runtime.external(me, (m: any) => void inbox.push(m));
  await c.apply([
    { apiVersion: "v1", kind: "Pod", metadata: { name: "box" }, spec: { containers: [{ name: "box", image: "busybox:1.36", command: ["sleep", "3600"], env: [{ name: "GREETING", value: "hi" }] }] } },
    { apiVersion: "v1", kind: "Pod", metadata: { name: "two" }, spec: { initContainers: [{ name: "init", image: "busybox:1.36", command: ["true"] }], containers: [{ name: "a", image: "busybox:1.36", command: ["sleep", "3600"] }, { name: "b", image: "nginx:1.14.2", ports: [{ containerPort: 80 }] }] } },
    { apiVersion: "v1", kind: "Pod", metadata: { name: "unbound" }, spec: { nodeSelector: { nowhere: "x" }, containers: [{ name: "c", image: "busybox:1.36" }] } },
  ]);
  await run(30_000);
});

describe("the API server locates a connect (streamLocation)", () => {
  const connect = (name: string, subresource: string, container?: string) =>
    c.request({ verb: "create", group: "", resource: "pods", namespace: "default", name, subresource, body: container ? { container } : {} });
  const rows: Array<[string, string, string, string | undefined, number, string | Record<string, unknown>]> = [
    ["a one-container pod needs no container named", "box", "exec", undefined, 200, { node: "node-1", podName: "box", container: "box" }],
    ["a named container of the pod is taken", "two", "attach", "b", 200, { container: "b" }],
    ["an init container may be named", "two", "exec", "init", 200, { container: "init" }],
    // pkg/registry/core/pod/strategy.go validateContainer: every container VisitContainers visits, init containers first
    ["two containers and none named: choose one, init containers listed first", "two", "exec", undefined, 400, "a container name must be specified for pod two, choose one of: [init a b]"],
    ["a container the pod does not have", "box", "exec", "nope", 400, "container nope is not valid for pod box"],
    ["a pod not bound to a node has no host", "unbound", "exec", undefined, 400, "pod unbound does not have a host assigned"],
    ["a pod that does not exist", "ghost", "exec", undefined, 404, 'pods "ghost" not found'],
    ["port-forward needs no container", "two", "portforward", undefined, 200, { node: "node-1", podName: "two" }],
  ];
  for (const [name, pod, sub, container, code, want] of rows) {
    it(name, async () => {
      const r = await connect(pod, sub, container);
      expect(r.code).toBe(code);
      if (typeof want === "string") expect(r.ok ? undefined : r.status.message).toBe(want);
      else expect(r.ok ? r.object : r.status).toMatchObject(want);
    });
  }

  it("update, patch and delete have no route on a connect subresource (405)", async () => {
    for (const verb of ["update", "patch", "delete"] as const) {
      const r = await c.request({ verb, group: "", resource: "pods", namespace: "default", name: "box", subresource: "exec", body: {}, patchType: "merge" });
      expect([verb, r.code]).toEqual([verb, 405]);
    }
  });
});

describe("the kubelet's streaming endpoints and the CRI's sessions", () => {
  const getExec = (podName: string, container: string, cmd: string[], tty = false) => ask("kubelet/node-1", { type: "GetExec", id: 1, podNamespace: "default", podName, container, cmd, tty, stdin: false, stdout: true, stderr: !tty });

  it("a pod the kubelet does not run: 404 pod does not exist", async () => {
    expect(await getExec("ghost", "c", ["ls"])).toEqual([{ type: "StreamRefused", id: 1, code: 404, message: "pod does not exist" }]);
  });

  it("a container that is not running: 500 container not found", async () => {
    // the init container has completed: findContainer looks at running containers only
    expect(await getExec("two", "init", ["ls"])).toEqual([{ type: "StreamRefused", id: 1, code: 500, message: 'container not found ("init")' }]);
  });

  it("a running container: a session; the command runs with the container's env and answers with its exit code", async () => {
    const [ready] = await getExec("box", "box", ["sh", "-c", "echo $GREETING; echo oops >&2; exit 3"]);
    expect(ready).toMatchObject({ type: "StreamReady", id: 1 });
    const session = (ready as Extract<CriStreamAnswer, { type: "StreamReady" }>).session;
    expect(await ask("cri/node-1", { type: "ExecRun", session, stdin: "" })).toEqual([{ type: "ExecOutput", session, stdout: "hi\n", stderr: "oops\n", exitCode: 3 }]);
    await ask("cri/node-1", { type: "StreamClose", session });
  });

  it("an exec's answer comes when its simulated time has passed (sleep 5)", async () => {
    const [ready] = await getExec("box", "box", ["sh", "-c", "sleep 5; echo done"]);
    const session = (ready as Extract<CriStreamAnswer, { type: "StreamReady" }>).session;
    expect(await ask("cri/node-1", { type: "ExecRun", session, stdin: "" }, 4_000)).toEqual([]);
    inbox.length = 0;
    await run(1_000);
    expect(inbox).toEqual([{ type: "ExecOutput", session, stdout: "done\n", stderr: "", exitCode: 0 }]);
    await ask("cri/node-1", { type: "StreamClose", session });
  });

  it("what an exec writes before each sleep is sent when that sleep begins, the end when the last one is over", async () => {
    const [ready] = await getExec("box", "box", ["sh", "-c", "for i in 1 2 3; do echo $i; sleep 1; done; echo end >&2"]);
    const session = (ready as Extract<CriStreamAnswer, { type: "StreamReady" }>).session;
    expect(await ask("cri/node-1", { type: "ExecRun", session, stdin: "" })).toEqual([{ type: "ExecOutput", session, stdout: "1\n", stderr: "", partial: true }]);
    inbox.length = 0;
    await run(1_000);
    expect(inbox).toEqual([{ type: "ExecOutput", session, stdout: "2\n", stderr: "", partial: true }]);
    inbox.length = 0;
    await run(1_000);
    expect(inbox).toEqual([{ type: "ExecOutput", session, stdout: "3\n", stderr: "", partial: true }]);
    inbox.length = 0;
    await run(1_000);
    expect(inbox).toEqual([{ type: "ExecOutput", session, stdout: "", stderr: "end\n", exitCode: 0 }]);
    await ask("cri/node-1", { type: "StreamClose", session });
  });

  it("a session closed while its command sleeps sends nothing more", async () => {
    const [ready] = await getExec("box", "box", ["sh", "-c", "sleep 1; echo a; sleep 1; echo b"]);
    const session = (ready as Extract<CriStreamAnswer, { type: "StreamReady" }>).session;
    expect(await ask("cri/node-1", { type: "ExecRun", session, stdin: "" })).toEqual([]);
    await ask("cri/node-1", { type: "StreamClose", session });
    inbox.length = 0;
    await run(5_000);
    expect(inbox).toEqual([]);
  });

  it("what an exec writes stays in the container's filesystem for the next one", async () => {
    const [a] = await getExec("box", "box", ["sh", "-c", "cat > /tmp/note"]);
    const s1 = (a as Extract<CriStreamAnswer, { type: "StreamReady" }>).session;
    await ask("cri/node-1", { type: "ExecRun", session: s1, stdin: "kept\n" });
    const [b] = await getExec("box", "box", ["cat", "/tmp/note"]);
    const s2 = (b as Extract<CriStreamAnswer, { type: "StreamReady" }>).session;
    expect(await ask("cri/node-1", { type: "ExecRun", session: s2, stdin: "" })).toMatchObject([{ stdout: "kept\n", exitCode: 0 }]);
  });

  it("a terminal exec of a shell is interactive: a prompt, a line, its output and the next prompt", async () => {
    const [ready] = await getExec("two", "b", ["/bin/bash"], true);
    expect(ready).toMatchObject({ type: "StreamReady", prompt: "root@two:/# " });
    const session = (ready as Extract<CriStreamAnswer, { type: "StreamReady" }>).session;
    expect(await ask("cri/node-1", { type: "ExecLine", session, line: "cd /usr/share/nginx/html && ls" })).toEqual([{ type: "ExecOutput", session, stdout: "50x.html\nindex.html\n", stderr: "", prompt: "root@two:/usr/share/nginx/html# " }]);
    expect(await ask("cri/node-1", { type: "ExecLine", session, line: "exit" })).toEqual([{ type: "ExecOutput", session, stdout: "", stderr: "exit\n", exitCode: 0 }]);
  });

  it("port-forward: a listener answers on its port, another port is refused with containerd's words", async () => {
    const [ready] = await ask("kubelet/node-1", { type: "GetPortForward", id: 2, podNamespace: "default", podName: "two" });
    const session = (ready as Extract<CriStreamAnswer, { type: "StreamReady" }>).session;
    expect(await ask("cri/node-1", { type: "PortForwardDial", session, requestId: 1, port: 80 })).toEqual([{ type: "PortForwardDialed", session, requestId: 1 }]);
    const [page] = await ask("cri/node-1", { type: "PortForwardHttp", session, requestId: 2, port: 80, method: "GET", path: "/" });
    expect(page).toMatchObject({ type: "PortForwardHttpResult", status: 200 });
    expect((page as { body: string }).body).toContain("<title>Welcome to nginx!</title>");
    const [refused] = await ask("cri/node-1", { type: "PortForwardDial", session, requestId: 3, port: 81 });
    expect((refused as { error: string }).error).toMatch(/^error forwarding port 81 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace ".*": failed to connect to localhost:81 inside namespace "[0-9a-f]{64}", IPv4: dial tcp4 127\.0\.0\.1:81: connect: connection refused IPv6 dial tcp6 \[::1\]:81: connect: connection refused $/);
  });

  it("a message for a session that does not exist is dropped", async () => {
    expect(await ask("cri/node-1", { type: "ExecRun", session: "nope", stdin: "" })).toEqual([]);
  });
});
