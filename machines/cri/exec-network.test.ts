// kubectl exec's commands on the pod network: an exec'd process is suspended on its DNS queries
// and connections and resumed by cluster DNS and kube-proxy's answers, in simulated time, as the
// container's own process is. Expectations are what the tools print on a real cluster: BIND's
// nslookup (the DNS debugging page's dnsutils pod), busybox's wget (debug-service), and runc's
// 137 for an exec'd process killed with its container.

import { beforeAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import type { CriStreamAnswer, StreamOutput } from "./messages.js";
import { resolveImage, type ImageInfo } from "./registry.js";
import { createRootfs } from "./workload/index.js";
import { emptyTree, type FsTree } from "./workload/memfs.js";
import { openTurn, ProcessValue, replayStats, startProcess, type World } from "./workload/process.js";

const me = "test/exec-network";
let c: Cluster;
const inbox: Array<CriStreamAnswer | StreamOutput> = [];

async function run(ms = 0): Promise<void> {
  await c.settle();
  if (ms > 0) {
    c.advance(ms);
    await c.settle();
  }
}

/** The node a pod runs on. */
function nodeOf(pod: string): string {
  return c.get("Pod", pod, "default")?.spec?.nodeName ?? "";
}

/** Opens an exec session in a pod's container and starts the command; what came back, settled. */
async function exec(pod: string, cmd: string[], ms = 0): Promise<{ session: string; out: StreamOutput[] }> {
  const node = nodeOf(pod);
  inbox.length = 0;
  c.runtime.send(me, `kubelet/${node}`, { type: "GetExec", id: 1, podNamespace: "default", podName: pod, container: pod, cmd, tty: false, stdin: false, stdout: true, stderr: true });
  await run();
  const ready = inbox.find((m) => m.type === "StreamReady") as Extract<CriStreamAnswer, { type: "StreamReady" }>;
  inbox.length = 0;
  c.runtime.send(me, `cri/${node}`, { type: "ExecRun", session: ready.session, stdin: "" });
  await run(ms);
  return { session: ready.session, out: [...inbox] as StreamOutput[] };
}

/** All an exec wrote and how it ended. */
function joined(out: StreamOutput[]): { stdout: string; stderr: string; exitCode?: number } {
  const o = out.filter((m): m is Extract<StreamOutput, { type: "ExecOutput" }> => m.type === "ExecOutput");
  const last = o[o.length - 1];
  return { stdout: o.map((m) => m.stdout).join(""), stderr: o.map((m) => m.stderr).join(""), ...(last?.exitCode !== undefined ? { exitCode: last.exitCode } : {}) };
}

const hostnames = (i: number, node: string) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name: `hostnames-${i}`, labels: { app: "hostnames" } },
  spec: { nodeName: node, containers: [{ name: `hostnames-${i}`, image: "registry.k8s.io/serve_hostname" }] },
});

beforeAll(async () => {
  c = createCluster({ nodes: 2, seed: 11, clock: "simulated", trace: false });
  c.runtime.external(me, (m: any) => void inbox.push(m));
  await c.apply([
    // the page's dnsutils.yaml
    { apiVersion: "v1", kind: "Pod", metadata: { name: "dnsutils" }, spec: { nodeName: "node-1", containers: [{ name: "dnsutils", image: "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3", command: ["sleep", "3600"] }] } },
    { apiVersion: "v1", kind: "Pod", metadata: { name: "box" }, spec: { nodeName: "node-1", containers: [{ name: "box", image: "busybox:1.36", command: ["sleep", "3600"] }] } },
    { apiVersion: "v1", kind: "Pod", metadata: { name: "brief" }, spec: { nodeName: "node-1", restartPolicy: "Never", containers: [{ name: "brief", image: "busybox:1.36", command: ["sleep", "120"] }] } },
    hostnames(1, "node-2"),
    { apiVersion: "v1", kind: "Service", metadata: { name: "hostnames" }, spec: { selector: { app: "hostnames" }, ports: [{ port: 80, targetPort: 9376 }] } },
  ]);
  await run(30_000);
});

describe("an exec'd command on the pod network", () => {
  it("nslookup kubernetes.default in the dnsutils pod is answered by cluster DNS (BIND's nslookup)", async () => {
    const { out } = await exec("dnsutils", ["nslookup", "kubernetes.default"]);
    expect(joined(out)).toEqual({ stdout: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n", stderr: "", exitCode: 0 });
  });

  it("a name cluster DNS does not know is NXDOMAIN, exit 1", async () => {
    const { out } = await exec("dnsutils", ["nslookup", "nosuch"]);
    expect(joined(out)).toMatchObject({ stdout: expect.stringContaining("** server can't find nosuch"), exitCode: 1 });
  });

  it("wget reaches a pod on another node by its IP, and a Service by its IP and by its name, through kube-proxy", async () => {
    const podIP = c.get("Pod", "hostnames-1", "default")!.status!.podIP!;
    const clusterIP = c.get("Service", "hostnames", "default")!.spec!.clusterIP!;
    expect(joined((await exec("box", ["wget", "-qO-", `${podIP}:9376`])).out)).toEqual({ stdout: "hostnames-1", stderr: "", exitCode: 0 });
    expect(joined((await exec("box", ["wget", "-qO-", `${clusterIP}:80`])).out)).toEqual({ stdout: "hostnames-1", stderr: "", exitCode: 0 });
    expect(joined((await exec("box", ["wget", "-qO-", "hostnames"])).out)).toEqual({ stdout: "hostnames-1", stderr: "", exitCode: 0 });
  });

  it("a Service name that does not resolve is busybox wget's bad address", async () => {
    expect(joined((await exec("box", ["wget", "-qO-", "nosuch"])).out)).toEqual({ stdout: "", stderr: "wget: bad address 'nosuch'\n", exitCode: 1 });
  });

  it("what it writes before a lookup goes out at once; the rest when the answer came", async () => {
    const node = nodeOf("box");
    inbox.length = 0;
    c.runtime.send(me, `kubelet/${node}`, { type: "GetExec", id: 1, podNamespace: "default", podName: "box", container: "box", cmd: ["sh", "-c", "echo before; wget -qO- hostnames; echo; echo after"], tty: false, stdin: false, stdout: true, stderr: true });
    await run();
    const { session } = inbox.find((m) => m.type === "StreamReady") as Extract<CriStreamAnswer, { type: "StreamReady" }>;
    inbox.length = 0;
    c.runtime.send(me, `cri/${node}`, { type: "ExecRun", session, stdin: "" });
    await run();
    const outputs = [...inbox] as StreamOutput[];
    expect(outputs).toHaveLength(2);
    expect(outputs[0]).toEqual({ type: "ExecOutput", session, stdout: "before\n", stderr: "", partial: true });
    expect(outputs[outputs.length - 1]).toEqual({ type: "ExecOutput", session, stdout: "hostnames-1\nafter\n", stderr: "", exitCode: 0 });
  });

  it("a sleep between lookups takes its simulated time", async () => {
    const { session, out } = await exec("box", ["sh", "-c", "nslookup kubernetes.default >/dev/null && echo one; sleep 5; wget -qO- hostnames"]);
    expect(out).toEqual([{ type: "ExecOutput", session, stdout: "one\n", stderr: "", partial: true }]);
    inbox.length = 0;
    await run(4_000);
    expect(inbox).toEqual([]);
    await run(1_000);
    expect(joined(inbox as StreamOutput[])).toEqual({ stdout: "hostnames-1", stderr: "", exitCode: 0 });
  });

  it("a line typed at an interactive shell waits on the network, then the shell goes on with what that line set", async () => {
    const node = nodeOf("box");
    inbox.length = 0;
    c.runtime.send(me, `kubelet/${node}`, { type: "GetExec", id: 1, podNamespace: "default", podName: "box", container: "box", cmd: ["sh"], tty: true, stdin: true, stdout: true, stderr: false });
    await run();
    const ready = inbox.find((m) => m.type === "StreamReady") as Extract<CriStreamAnswer, { type: "StreamReady" }>;
    expect(ready).toMatchObject({ prompt: "/ # ", interactive: true });
    const line = async (text: string) => {
      inbox.length = 0;
      c.runtime.send(me, `cri/${node}`, { type: "ExecLine", session: ready.session, line: text });
      await run();
      return [...inbox];
    };
    const first = await line("X=kept; cd /tmp; wget -qO- hostnames; echo");
    expect(first).toEqual([{ type: "ExecOutput", session: ready.session, stdout: "hostnames-1\n", stderr: "", prompt: "/tmp # " }]);
    expect(await line("echo $X; pwd")).toEqual([{ type: "ExecOutput", session: ready.session, stdout: "kept\n/tmp\n", stderr: "", prompt: "/tmp # " }]);
    expect(await line("exit 2")).toEqual([{ type: "ExecOutput", session: ready.session, stdout: "", stderr: "", exitCode: 2 }]);
  });

  it("an exec'd process dies with its container: the caller gets 137", async () => {
    const { session, out } = await exec("brief", ["sh", "-c", "echo waiting; sleep 600; echo never"]);
    expect(out).toEqual([{ type: "ExecOutput", session, stdout: "waiting\n", stderr: "", partial: true }]);
    inbox.length = 0;
    await run(120_000);
    expect(inbox.filter((m) => m.type === "ExecOutput")).toEqual([{ type: "ExecOutput", session, stdout: "", stderr: "", exitCode: 137 }]);
    expect(c.get("Pod", "brief", "default")?.status?.phase).toBe("Succeeded");
  });

  it("a session closed while its command waits on the network is never answered", async () => {
    const node = nodeOf("box");
    inbox.length = 0;
    c.runtime.send(me, `kubelet/${node}`, { type: "GetExec", id: 1, podNamespace: "default", podName: "box", container: "box", cmd: ["wget", "-qO-", "hostnames"], tty: false, stdin: false, stdout: true, stderr: true });
    await run();
    const { session } = inbox.find((m) => m.type === "StreamReady") as Extract<CriStreamAnswer, { type: "StreamReady" }>;
    c.runtime.send(me, `cri/${node}`, { type: "ExecRun", session, stdin: "" });
    c.runtime.send(me, `cri/${node}`, { type: "StreamClose", session });
    inbox.length = 0;
    await run(10_000);
    expect(inbox).toEqual([]);
  });
});

function image(ref: string): ImageInfo {
  const r = resolveImage(ref);
  if (!r.ok) throw new Error(r.message);
  return r.image;
}

describe("an exec'd process as a value", () => {
  it("resumed from its value after a DNS answer, it replays without writing its files twice and ends as the live one", () => {
    const busybox = image("busybox:1.36");
    const trees = new Map<string, FsTree>([["", createRootfs(busybox).tree]]);
    let written = "";
    const world = (now: number, into: Map<string, FsTree>): World => ({
      now, log: () => {}, tree: (k) => into.get(k) ?? emptyTree, setTree: (k, t) => void into.set(k, t), write: (_s, t) => void (written += t),
    });
    const v0 = startProcess({ image: busybox, env: {}, ports: [], startedAt: 1_000, layout: [], exec: { argv: ["sh", "-c", "echo x >> /tmp/log; nslookup kubernetes.default; cat /tmp/log"], stdin: "", env: {} } });
    const t1 = openTurn(v0, world(1_000, trees));
    expect(t1.next(undefined).value).toEqual({ type: "dns", name: "kubernetes.default" });
    const v1 = t1.close();
    const answer = { type: "dns" as const, server: "10.96.0.10", fqdn: "kubernetes.default.svc.cluster.local", addresses: ["10.96.0.1"] };
    // a fork of the suspended value: a fresh generator replays the first turn
    const fork = new ProcessValue(v1.spec, v1.history, v1.turns);
    const forkTrees = new Map(trees);
    const before = replayStats.replays;
    const live = openTurn(v1, world(1_010, trees)).next(answer);
    expect(replayStats.replays).toBe(before);
    const liveText = written;
    written = "";
    const replayed = openTurn(fork, world(1_010, forkTrees)).next(answer);
    expect(replayStats.replays).toBe(before + 1);
    expect(replayed).toEqual(live);
    expect(live).toEqual({ done: true, value: 0 });
    // the replay wrote nothing twice: the file holds one line in both branches, and so do the outputs
    expect(written).toBe(liveText);
    expect(liveText.endsWith("Address: 10.96.0.1\n\nx\n")).toBe(true);
  });
});
