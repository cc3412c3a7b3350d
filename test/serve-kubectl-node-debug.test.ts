// The real kubectl's `kubectl debug node/<node>` against `podflow serve`, as the docs' "Debugging
// Kubernetes nodes with kubectl" page uses it: the debugging pod sees the node's root filesystem at
// /host. With it a learner can follow "Configure a Pod to Use a PersistentVolume for Storage" on
// podflow: the page writes /mnt/data/index.html on the node, and the pod whose claim binds the
// hostPath PersistentVolume /mnt/data serves that file. Expected output is the pages'.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// the page's manifests, as it applies them
const pvTask = ["pv-volume.yaml", "pv-claim.yaml", "pv-pod.yaml"].map((f) => resolve("examples/pods/storage", f));

describe.skipIf(!bin)("kubectl debug node against podflow serve", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);
  const scratch = mkdtempSync(join(tmpdir(), "podflow-node-debug-"));

  /** Runs `kubectl debug node/node-1` with a command and returns the debugging pod's log once it completed. */
  async function onNode(script: string): Promise<string> {
    const r = await k(["debug", "node/node-1", "--image=busybox:1.36", "--", "sh", "-c", script]);
    expect(r.code).toBe(0);
    const name = /Creating debugging pod (node-debugger-node-1-[a-z0-9]+) with container debugger on node node-1\./.exec(r.out + r.err)?.[1];
    expect(name).toBeDefined();
    await reaches(name!, "Succeeded");
    return (await k(["logs", name!])).out;
  }

  /** Applies a manifest written to a scratch file, as kubectl apply -f. */
  async function applied(name: string, yaml: string): Promise<void> {
    const file = join(scratch, name);
    writeFileSync(file, yaml);
    expect((await k(["apply", "-f", file])).code).toBe(0);
  }

  /** Waits for the pod to reach the phase. */
  async function reaches(pod: string, phase: string, timeoutMs = 30_000): Promise<void> {
    const ok = await until(async () => ((await k(["get", "pod", pod, "-o", "jsonpath={.status.phase}"])).out === phase ? true : undefined), timeoutMs);
    expect(ok).toBe(true);
  }

  /** The first FailedMount event of the pod, through the given jsonpath of the event list. */
  async function failedMount(pod: string, jsonpath: string): Promise<string> {
    return until(async () => {
      const out = (await k(["get", "events", "--field-selector", `involvedObject.name=${pod},reason=FailedMount`, "-o", `jsonpath=${jsonpath}`])).out;
      return out !== "" ? out : undefined;
    }, 30_000);
  }

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("the debugging pod sees the node's root filesystem at /host: its hostname and top-level directories", async () => {
    const out = await onNode("cat /host/etc/hostname; ls /host; grep PRETTY_NAME /host/etc/os-release");
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe("node-1");
    for (const d of ["bin", "etc", "mnt", "proc", "root", "tmp", "usr", "var"]) expect(lines).toContain(d);
    // the osImage the node reports in kubectl get nodes -o wide
    expect(lines.at(-1)).toBe('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"');
    const osImage = (await k(["get", "node", "node-1", "-o", "jsonpath={.status.nodeInfo.osImage}"])).out;
    expect(osImage).toBe("Debian GNU/Linux 12 (bookworm)");
  });

  // busybox coreutils/chroot.c: xchroot, then PROG from the new root (the node's Debian userland,
  // so GNU cat's and ls's words); libbb's messages for a missing root or program (127)
  it("chroot /host runs the node's own programs with the node's root as /", async () => {
    const out = await onNode("chroot /host cat /etc/hostname; chroot /host ls /nosuch; echo $?; chroot /host grep -c PRETTY /etc/os-release; chroot /nosuch true; echo $?; chroot /host nosuchprog; echo $?");
    expect(out).toBe("node-1\nls: cannot access '/nosuch': No such file or directory\n2\n1\nchroot: can't change root directory to '/nosuch': No such file or directory\n1\nchroot: can't execute 'nosuchprog': No such file or directory\n127\n");
  });

  it("the PersistentVolume task serves the index.html written on the node under /mnt/data", async () => {
    expect(await onNode("mkdir -p /host/mnt/data && echo 'Hello from Kubernetes storage' > /host/mnt/data/index.html; cat /host/mnt/data/index.html")).toBe("Hello from Kubernetes storage\n");
    expect((await k(["apply", ...pvTask.flatMap((f) => ["-f", f])])).code).toBe(0);
    const bound = await until(async () => ((await k(["get", "pvc", "task-pv-claim", "-o", "jsonpath={.status.phase} {.spec.volumeName}"])).out === "Bound task-pv-volume" ? true : undefined), 30_000);
    expect(bound).toBe(true);
    await reaches("task-pv-pod", "Running");
    // the page: `curl http://localhost/` in a shell of the pod
    expect((await k(["exec", "task-pv-pod", "--", "curl", "-s", "http://localhost/"])).out).toBe("Hello from Kubernetes storage\n");
  });

  it("a file one pod writes into a hostPath directory is on the node for the next debugging pod", async () => {
    await applied("writer.yaml", `
apiVersion: v1
kind: Pod
metadata:
  name: writer
spec:
  restartPolicy: Never
  volumes: [{ name: logs, hostPath: { path: /var/log/app, type: DirectoryOrCreate } }]
  containers: [{ name: w, image: busybox:1.36, command: ["sh", "-c", "echo started > /logs/app.log"], volumeMounts: [{ name: logs, mountPath: /logs }] }]
`);
    await reaches("writer", "Succeeded");
    expect(await onNode("cat /host/var/log/app/app.log")).toBe("started\n");
  });

  // concepts/storage/volumes: "hostPath configuration example" and "hostPath FileOrCreate configuration example"
  it("a hostPath of type Directory that the node lacks fails its mount (FailedMount, ContainerCreating) until the directory is made", async () => {
    await applied("hostpath-example.yaml", `
apiVersion: v1
kind: Pod
metadata:
  name: hostpath-example-linux
spec:
  os: { name: linux }
  nodeSelector:
    kubernetes.io/os: linux
  containers:
  - name: example-container
    image: registry.k8s.io/test-webserver
    volumeMounts:
    - mountPath: /foo
      name: example-volume
      readOnly: true
  volumes:
  - name: example-volume
    # mount /data/foo, but only if that directory already exists
    hostPath:
      path: /data/foo # directory location on host
      type: Directory # this field is optional
`);
    const event = await failedMount("hostpath-example-linux", "{.items[0].type} {.items[0].source.component} {.items[0].message}");
    expect(event).toBe('Warning kubelet MountVolume.SetUp failed for volume "example-volume" : hostPath type check failed: /data/foo is not a directory');
    const line = (await k(["get", "pod", "hostpath-example-linux", "--no-headers"])).out;
    expect(line).toMatch(/^hostpath-example-linux +0\/1 +ContainerCreating +0 /);
    // the volume manager retries with its back-off: once the directory exists the pod runs
    await onNode("mkdir -p /host/data/foo");
    await reaches("hostpath-example-linux", "Running", 60_000);
  }, 120_000);

  it("DirectoryOrCreate and FileOrCreate make the directory and an empty file on the node", async () => {
    await applied("fileorcreate.yaml", `
apiVersion: v1
kind: Pod
metadata:
  name: test-webserver
spec:
  os: { name: linux }
  nodeSelector:
    kubernetes.io/os: linux
  containers:
  - name: test-webserver
    image: registry.k8s.io/test-webserver:latest
    volumeMounts:
    - mountPath: /var/local/aaa
      name: mydir
    - mountPath: /var/local/aaa/1.txt
      name: myfile
  volumes:
  - name: mydir
    hostPath:
      # Ensure the file directory is created.
      path: /var/local/aaa
      type: DirectoryOrCreate
  - name: myfile
    hostPath:
      path: /var/local/aaa/1.txt
      type: FileOrCreate
`);
    await reaches("test-webserver", "Running");
    expect(await onNode("ls /host/var/local/aaa; wc -c < /host/var/local/aaa/1.txt")).toBe("1.txt\n0\n");
  });

  it("a hostPath of type File that is a directory on the node fails with the plugin's message", async () => {
    await applied("notafile.yaml", `
apiVersion: v1
kind: Pod
metadata:
  name: not-a-file
spec:
  containers: [{ name: c, image: busybox:1.36, command: ["sleep", "3600"], volumeMounts: [{ name: f, mountPath: /etc/x }] }]
  volumes: [{ name: f, hostPath: { path: /etc, type: File } }]
`);
    const event = await failedMount("not-a-file", "{.items[0].message}");
    expect(event).toBe('MountVolume.SetUp failed for volume "f" : hostPath type check failed: /etc is not a file');
  });

  it("Socket and CharDevice hostPaths find the node's containerd socket and /dev/null; the same types on a regular file or a missing device fail", async () => {
    // the containerd socket a DaemonSet mounts to talk to the runtime, and a character device
    await applied("special.yaml", `
apiVersion: v1
kind: Pod
metadata:
  name: special-ok
spec:
  containers: [{ name: c, image: busybox:1.36, command: ["sleep", "3600"], volumeMounts: [{ name: sock, mountPath: /run/containerd/containerd.sock }, { name: devnull, mountPath: /dev/host-null }] }]
  volumes:
  - { name: sock, hostPath: { path: /run/containerd/containerd.sock, type: Socket } }
  - { name: devnull, hostPath: { path: /dev/null, type: CharDevice } }
`);
    await reaches("special-ok", "Running");
    for (const [name, volume, type, path, message] of [
      ["sock-regular", "s", "Socket", "/etc/hostname", "hostPath type check failed: /etc/hostname is not a socket file"],
      ["chr-missing", "d", "CharDevice", "/dev/nvidia0", "hostPath type check failed: /dev/nvidia0 is not a character device"],
      ["blk-missing", "b", "BlockDevice", "/dev/sda", "hostPath type check failed: /dev/sda is not a block device"],
      ["file-device", "f", "File", "/dev/null", "hostPath type check failed: /dev/null is not a file"],
    ] as const) {
      await applied(`${name}.yaml`, `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers: [{ name: c, image: busybox:1.36, command: ["sleep", "3600"], volumeMounts: [{ name: ${volume}, mountPath: /mnt/x }] }]
  volumes: [{ name: ${volume}, hostPath: { path: ${path}, type: ${type} } }]
`);
      expect(await failedMount(name, "{.items[0].message}")).toBe(`MountVolume.SetUp failed for volume "${volume}" : ${message}`);
    }
  });

  it("the node keeps each container's log under /var/log/pods in the CRI log format, linked from /var/log/containers, as a logging agent reads them", async () => {
    // the logging-architecture page's counter pod
    await applied("counter.yaml", `
apiVersion: v1
kind: Pod
metadata:
  name: counter
spec:
  containers:
  - name: count
    image: busybox:1.28
    args: [/bin/sh, -c, 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done']
`);
    await reaches("counter", "Running");
    const uid = (await k(["get", "pod", "counter", "-o", "jsonpath={.metadata.uid}"])).out;
    const id = (await k(["get", "pod", "counter", "-o", "jsonpath={.status.containerStatuses[0].containerID}"])).out.replace(/^containerd:\/\//, "");
    await until(async () => ((await k(["logs", "counter"])).out.includes("2: ") ? true : undefined), 30_000);
    const out = await onNode(`ls /host/var/log/pods/default_counter_${uid}/count; head -n 1 /host/var/log/pods/default_counter_${uid}/count/0.log; ls /host/var/log/containers | grep counter; head -n 1 /host/var/log/containers/counter_default_count-${id}.log`);
    const [file, line, link, linked] = out.trim().split("\n");
    expect(file).toBe("0.log");
    // <RFC 3339 time> <stream> <F: a full line> <the line>
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z stdout F 0: /);
    expect(link).toBe(`counter_default_count-${id}.log`);
    expect(linked).toBe(line);
  });
});
