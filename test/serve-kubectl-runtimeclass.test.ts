// RuntimeClass and Pod Overhead as the docs' pages walk them (concepts/containers/runtime-class,
// concepts/scheduling-eviction/pod-overhead), through the real kubectl on a kind-like cluster:
// containerd there knows the runc and test-handler runtimes only, so a class naming any other
// handler leaves its pods ContainerCreating with containerd's error; a pod naming a class that does
// not exist is refused by the RuntimeClass admission plugin; a class's overhead and scheduling are
// copied into its pods.

import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const runtimeClass = `# RuntimeClass is defined in the node.k8s.io API group
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  # The name the RuntimeClass will be referenced by.
  # RuntimeClass is a non-namespaced resource.
  name: myclass
# The name of the corresponding CRI configuration
handler: myconfiguration
`;

const myPod = `apiVersion: v1
kind: Pod
metadata:
  name: mypod
spec:
  runtimeClassName: myclass
  containers:
  - name: nginx
    image: nginx
`;

const kataFc = `apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: kata-fc
handler: kata-fc
overhead:
  podFixed:
    memory: "120Mi"
    cpu: "250m"
`;

const testPod = `apiVersion: v1
kind: Pod
metadata:
  name: test-pod
spec:
  runtimeClassName: kata-fc
  containers:
  - name: busybox-ctr
    image: busybox:1.28
    stdin: true
    tty: true
    resources:
      limits:
        cpu: 500m
        memory: 100Mi
  - name: nginx-ctr
    image: nginx
    resources:
      limits:
        cpu: 1500m
        memory: 100Mi
`;

describe.runIf(bin)("RuntimeClass and Pod Overhead, as the docs walk them", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  const until = async (f: () => Promise<string>, want: (v: string) => boolean) => {
    let v = await f();
    for (let i = 0; i < 40 && !want(v); i++) {
      await new Promise((r) => setTimeout(r, 250));
      v = await f();
    }
    return v;
  };
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("a pod naming a RuntimeClass that does not exist is refused by admission", async () => {
    const r = await k(["apply", "-f", "-"], myPod);
    expect(r.code).not.toBe(0);
    expect(r.err).toBe('Error from server (Forbidden): error when creating "STDIN": pods "mypod" is forbidden: pod rejected: RuntimeClass "myclass" not found\n');
  });

  it("kubectl get runtimeclass prints NAME, HANDLER, AGE", async () => {
    expect((await k(["apply", "-f", "-"], runtimeClass)).out).toBe("runtimeclass.node.k8s.io/myclass created\n");
    const r = await k(["get", "runtimeclass"]);
    const lines = r.out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));
    expect(lines[0]).toEqual(["NAME", "HANDLER", "AGE"]);
    expect(lines[1]!.slice(0, 2)).toEqual(["myclass", "myconfiguration"]);
  });

  it("a handler containerd does not have: the pod stays ContainerCreating with FailedCreatePodSandBox", async () => {
    expect((await k(["apply", "-f", "-"], myPod)).out).toBe("pod/mypod created\n");
    const events = await until(
      async () => (await k(["get", "events", "--field-selector", "involvedObject.name=mypod,reason=FailedCreatePodSandBox", "-o", "jsonpath={.items[0].message}"])).out,
      (v) => v !== "",
    );
    expect(events).toBe('Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "myconfiguration" is configured');
    const status = await k(["get", "pod", "mypod", "-o", "jsonpath={.status.phase} {.status.containerStatuses[0].state.waiting.reason}"]);
    expect(status.out).toBe("Pending ContainerCreating");
  });

  it("the handler is immutable", async () => {
    const r = await k(["patch", "runtimeclass", "myclass", "--type=merge", "-p", '{"handler":"runc"}']);
    expect(r.err).toBe('The RuntimeClass "myclass" is invalid: handler: Invalid value: "runc": field is immutable\n');
  });

  it("the Pod Overhead page: the class's overhead is copied into the pod", async () => {
    expect((await k(["apply", "-f", "-"], kataFc)).out).toBe("runtimeclass.node.k8s.io/kata-fc created\n");
    expect((await k(["apply", "-f", "-"], testPod)).out).toBe("pod/test-pod created\n");
    const overhead = await k(["get", "pod", "test-pod", "-o", "jsonpath={.spec.overhead}"]);
    expect(JSON.parse(overhead.out)).toEqual({ cpu: "250m", memory: "120Mi" });
  });

  it("a pod setting its own overhead without a class that defines one is refused", async () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "own-overhead" }, spec: { overhead: { cpu: "1" }, containers: [{ name: "c", image: "nginx" }] } };
    const r = await k(["create", "-f", "-"], JSON.stringify(pod));
    expect(r.err).toBe('Error from server (Forbidden): error when creating "STDIN": pods "own-overhead" is forbidden: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead\n');
  });

  it("runc, a runtime kind's containerd has, runs the pod; the class's node selector joins the pod's", async () => {
    const cls = { apiVersion: "node.k8s.io/v1", kind: "RuntimeClass", metadata: { name: "runc" }, handler: "runc", scheduling: { nodeSelector: { "kubernetes.io/os": "linux" } } };
    expect((await k(["create", "-f", "-"], JSON.stringify(cls))).err).toBe("");
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "on-runc" }, spec: { runtimeClassName: "runc", containers: [{ name: "c", image: "nginx" }] } };
    expect((await k(["create", "-f", "-"], JSON.stringify(pod))).err).toBe("");
    expect((await k(["get", "pod", "on-runc", "-o", "jsonpath={.spec.nodeSelector}"])).out).toBe('{"kubernetes.io/os":"linux"}');
    const phase = await until(async () => (await k(["get", "pod", "on-runc", "-o", "jsonpath={.status.phase}"])).out, (v) => v === "Running");
    expect(phase).toBe("Running");
  });
});
