// The real kubectl against `podflow serve`: a container's capabilities decide what its root
// process may do to another user's file (kubectl exec), as containerd and the kernel answer it:
// the default set reads and chmods it, `drop: [ALL]` leaves root with no capability in effect.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// an init container (containerd's default set) leaves /data/f to user 1000, mode 0600
const manifest = (name: string, caps: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  volumes:
  - name: data
    emptyDir: {}
  initContainers:
  - name: setup
    image: busybox:1.36
    command: ["sh", "-c", "echo secret > /data/f; chmod 600 /data/f; chown 1000:1000 /data/f"]
    volumeMounts:
    - name: data
      mountPath: /data
  containers:
  - name: app
    image: busybox:1.36
    command: ["sleep", "3600"]
    volumeMounts:
    - name: data
      mountPath: /data
${caps}`;

describe.skipIf(!bin)("kubectl exec and a container's capabilities", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input !== undefined ? { input } : {});
  const running = (pod: string) => until(async () => ((await k(["get", "pod", pod, "--no-headers"])).out.includes("Running") ? true : undefined), 40_000);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    expect((await k(["create", "-f", "-"], manifest("caps-default", ""))).code).toBe(0);
    expect((await k(["create", "-f", "-"], manifest("caps-none", "    securityContext:\n      capabilities:\n        drop: [\"ALL\"]\n"))).code).toBe(0);
    for (const pod of ["caps-default", "caps-none"]) expect(await running(pod)).toBe(true);
  }, 90_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("root with containerd's defaults reads another user's 0600 file (CAP_DAC_OVERRIDE) and chmods it (CAP_FOWNER)", async () => {
    expect(await k(["exec", "caps-default", "-c", "app", "--", "cat", "/data/f"])).toMatchObject({ code: 0, out: "secret\n" });
    expect(await k(["exec", "caps-default", "-c", "app", "--", "chmod", "640", "/data/f"])).toMatchObject({ code: 0, out: "" });
    expect((await k(["exec", "caps-default", "-c", "app", "--", "grep", "CapEff", "/proc/1/status"])).out).toBe("CapEff:\t00000000a80425fb\n");
  }, 60_000);

  it("root with drop ALL: cat gets EACCES, chmod and chown EPERM, and kubectl reports the exit code", async () => {
    const cat = await k(["exec", "caps-none", "-c", "app", "--", "cat", "/data/f"]);
    expect(cat).toMatchObject({ code: 1, out: "" });
    expect(cat.err).toBe("cat: can't open '/data/f': Permission denied\ncommand terminated with exit code 1\n");
    expect((await k(["exec", "caps-none", "-c", "app", "--", "chmod", "644", "/data/f"])).err).toBe("chmod: /data/f: Operation not permitted\ncommand terminated with exit code 1\n");
    expect((await k(["exec", "caps-none", "-c", "app", "--", "chown", "0", "/data/f"])).err).toBe("chown: /data/f: Operation not permitted\ncommand terminated with exit code 1\n");
    expect((await k(["exec", "caps-none", "-c", "app", "--", "grep", "Cap", "/proc/1/status"])).out).toBe("CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\n");
  }, 60_000);
});
