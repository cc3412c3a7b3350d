// Sweep 24 of the docs' pages: the container userland their "open" rows shared. /proc/1/status's
// capability sets (tasks/configure-pod-container/security-context), /proc/mounts
// (tasks/debug/debug-application/get-shell-running-container), busybox's find and df, and the
// kernel's permission checks (a non-root runAsUser, readOnlyRootFilesystem, an fsGroup's volume).
// Each expectation is what the page shows, or what busybox's and Linux's sources print.
// The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 24 (container userland)", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const running = (pod: string) => until(async () => ((await k(["get", "pod", pod, "-o", "jsonpath={.status.phase}"])).out === "Running" ? true : undefined), 60_000);
  const exec = (pod: string, script: string) => k(["exec", pod, "--", "sh", "-c", script]);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 5 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("security-context: /proc/1/status of security-context-demo-3 and -4 shows CapPrm/CapEff a80425fb, and aa0435fb with NET_ADMIN and SYS_TIME added", { timeout: 120_000 }, async () => {
    const pod = (name: string, caps: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: sec-ctx-${name.endsWith("4") ? "4" : "3"}
    image: gcr.io/google-samples/hello-app:2.0
${caps}`;
    expect((await k(["apply", "-f", "-"], pod("security-context-demo-3", ""))).out).toBe("pod/security-context-demo-3 created\n");
    expect((await k(["apply", "-f", "-"], pod("security-context-demo-4", `    securityContext:
      capabilities:
        add: ["NET_ADMIN", "SYS_TIME"]
`))).out).toBe("pod/security-context-demo-4 created\n");
    await running("security-context-demo-3");
    await running("security-context-demo-4");
    const caps = (text: string) => text.split("\n").filter((l) => /^Cap(Prm|Eff)/.test(l));
    const three = await exec("security-context-demo-3", "cd /proc/1 && cat status");
    expect(three.err).toBe("");
    expect(caps(three.out)).toEqual(["CapPrm:\t00000000a80425fb", "CapEff:\t00000000a80425fb"]);
    expect(three.out).toMatch(/^Name:\thello-app\n/);
    const four = await exec("security-context-demo-4", "cat /proc/1/status");
    expect(caps(four.out)).toEqual(["CapPrm:\t00000000aa0435fb", "CapEff:\t00000000aa0435fb"]);
  });

  it("security-context-demo (runAsUser 1000, fsGroup 2000): the fsGroup's volume is writable, / and another uid's 0600 file are not; readOnlyRootFilesystem is EROFS outside /dev and the volume", { timeout: 120_000 }, async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: security-context-demo
spec:
  securityContext:
    runAsUser: 1000
    runAsGroup: 3000
    fsGroup: 2000
  volumes:
  - name: sec-ctx-vol
    emptyDir: {}
  containers:
  - name: sec-ctx-demo
    image: busybox:1.28
    command: [ "sh", "-c", "sleep 1h" ]
    volumeMounts:
    - name: sec-ctx-vol
      mountPath: /data/demo
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
`;
    expect((await k(["apply", "-f", "-"], manifest)).out).toBe("pod/security-context-demo created\n");
    await running("security-context-demo");
    const ok = await exec("security-context-demo", "echo hello > /data/demo/testfile && cat /data/demo/testfile");
    expect(ok).toMatchObject({ out: "hello\n", err: "" });
    const ro = await exec("security-context-demo", "echo x > /x; touch /tmp/y; echo log > /dev/termination-log && echo written");
    expect(ro.err).toBe("sh: can't create /x: Read-only file system\ntouch: /tmp/y: Read-only file system\n");
    expect(ro.out).toBe("written\n");
    // the CapPrm and CapEff of a non-root process are empty (no ambient set); NoNewPrivs from allowPrivilegeEscalation: false
    const status = (await exec("security-context-demo", "cat /proc/1/status")).out.split("\n");
    expect(status.filter((l) => /^(Uid|Gid|Groups|CapPrm|CapEff|CapBnd|NoNewPrivs):/.test(l))).toEqual([
      "Uid:\t1000\t1000\t1000\t1000", "Gid:\t3000\t3000\t3000\t3000", "Groups:\t2000 3000 ", "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000", "CapBnd:\t00000000a80425fb", "NoNewPrivs:\t1",
    ]);
    expect((await exec("security-context-demo", "grep -E ' (/|/data/demo|/etc/hosts) ' /proc/mounts | cut -d' ' -f2,3,4 | cut -d, -f1")).out).toBe("/ overlay ro\n/data/demo ext4 rw\n/etc/hosts ext4 rw\n");
  });

  it("a non-root runAsUser in a writable root: `sh: can't create /x: Permission denied`, a secret's 0400 file (root's, no fsGroup) unreadable, /tmp writable", { timeout: 120_000 }, async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: perm-demo
spec:
  securityContext:
    runAsUser: 1000
  containers:
  - name: main
    image: busybox:1.37
    command: ["sh", "-c", "sleep 1h"]
    volumeMounts:
    - {name: secret-volume, mountPath: /etc/secret-volume}
  volumes:
  - name: secret-volume
    secret:
      secretName: test-secret
      defaultMode: 0400
`;
    expect((await k(["create", "secret", "generic", "test-secret", "--from-literal=username=my-app"])).out).toBe("secret/test-secret created\n");
    expect((await k(["apply", "-f", "-"], manifest)).out).toBe("pod/perm-demo created\n");
    await running("perm-demo");
    const r = await exec("perm-demo", "echo x > /x; mkdir /etc/d; cat /etc/secret-volume/username; echo t > /tmp/t && cat /tmp/t");
    expect(r.err).toBe("sh: can't create /x: Permission denied\nmkdir: can't create directory '/etc/d': Permission denied\ncat: can't open '/etc/secret-volume/username': Permission denied\n");
    expect(r.out).toBe("t\n");
  });

  it("get-shell-running-container: `cat /proc/mounts` in the nginx shell-demo lists the overlay root, proc, the /dev tmpfs and the kubelet's files; busybox df -h and find", { timeout: 120_000 }, async () => {
    const manifest = `apiVersion: v1
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
`;
    expect((await k(["apply", "-f", "-"], manifest)).out).toBe("pod/shell-demo created\n");
    await running("shell-demo");
    const mounts = (await k(["exec", "shell-demo", "--", "cat", "/proc/mounts"])).out.split("\n");
    expect(mounts[0]).toMatch(/^overlay \/ overlay rw,relatime,lowerdir=\/var\/lib\/containerd\/io\.containerd\.snapshotter\.v1\.overlayfs\/snapshots\/\d+\/fs,upperdir=.*,workdir=.* 0 0$/);
    expect(mounts.slice(1, 3)).toEqual(["proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0", "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755,inode64 0 0"]);
    expect(mounts).toContain("/dev/sda1 /usr/share/nginx/html ext4 rw,relatime 0 0");
    expect(mounts).toContain("/dev/sda1 /etc/hosts ext4 rw,relatime 0 0");
    expect(mounts).toContain("tmpfs /var/run/secrets/kubernetes.io/serviceaccount tmpfs ro,relatime,size=16777216k,inode64 0 0");

    const bb = `apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  containers:
  - name: bb
    image: busybox:1.37
    command: ["sh", "-c", "sleep 1h"]
    volumeMounts:
    - {name: cache, mountPath: /cache}
  volumes:
  - name: cache
    emptyDir: {medium: Memory, sizeLimit: 64Mi}
`;
    expect((await k(["apply", "-f", "-"], bb)).out).toBe("pod/bb created\n");
    await running("bb");
    const df = (await exec("bb", "df -h")).out.split("\n");
    expect(df[0]).toBe("Filesystem                Size      Used Available Use% Mounted on");
    expect(df[1]).toMatch(/^overlay {17}100\.0G {3,6}[\d.]+[MG] {3,6}9\d\.\dG +\d+% \/$/);
    expect(df).toContain("tmpfs                    64.0M         0     64.0M   0% /dev");
    const found = await exec("bb", "mkdir -p /tmp/a/b && touch /tmp/a/x.log /tmp/a/b/y.log && find /tmp/a -name '*.log' -type f && find /tmp/a -maxdepth 1 -type d -exec echo dir {} \\;");
    expect(found).toMatchObject({ out: "/tmp/a/b/y.log\n/tmp/a/x.log\ndir /tmp/a\ndir /tmp/a/b\n", err: "" });
  });
});
