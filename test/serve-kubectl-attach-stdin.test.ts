// The real kubectl attaching to a container's stdin without a terminal, against `podflow serve`:
// `kubectl run -i` (stdin: true, stdinOnce: true) and `kubectl debug -i` (stdin: true) start a shell
// whose stdin containerd holds open; the shell runs the lines kubectl pipes to it as they come, and
// with stdinOnce the end of kubectl's stdin ends the shell (kubectl/pkg/cmd/run, attach, debug).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("kubectl run -i and debug -i pipe stdin to the container's shell", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 60_000, ...opts });

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl run -i --rm: the shell runs each piped line, exits at the end of stdin, and the pod is deleted", async () => {
    const r = await k(["run", "piped", "-i", "--rm", "--quiet", "--restart=Never", "--image=busybox:1.36", "--", "sh"], { input: "echo piped-in\nhostname\ncd /etc; pwd\n" });
    expect(r).toEqual({ code: 0, out: "piped-in\npiped\n/etc\n", err: "" });
    expect((await k(["get", "pod", "piped", "--ignore-not-found"])).out).toBe("");
  }, 90_000);

  it("the shell's exit status is the container's: kubectl run -i ends with it and names the terminated pod", async () => {
    const r = await k(["run", "quit", "-i", "--quiet", "--restart=Never", "--image=busybox:1.36", "--", "sh"], { input: "echo bye\nexit 3\n" });
    expect([r.code, r.out]).toEqual([3, "bye\n"]);
    expect(r.err).toContain("pod default/quit terminated (Error)");
    const state = JSON.parse((await k(["get", "pod", "quit", "-o", "jsonpath={.status.containerStatuses[0].state.terminated}"])).out);
    expect([state.exitCode, state.reason]).toEqual([3, "Error"]);
    // no terminal echoes the lines: the log is what the shell wrote
    expect((await k(["logs", "quit"])).out).toBe("bye\n");
  }, 90_000);

  it("a container with stdin open keeps running until something attaches: its shell does not read an empty stdin and exit", async () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "waiter" }, spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh"], stdin: true, stdinOnce: true }] } };
    expect((await k(["apply", "-f", "-"], { input: JSON.stringify(pod) })).code).toBe(0);
    expect((await k(["wait", "--for=condition=Ready", "pod/waiter", "--timeout=60s"])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await k(["get", "pod", "waiter", "-o", "jsonpath={.status.phase} {.status.containerStatuses[0].restartCount}"])).out).toBe("Running 0");
    const r = await k(["attach", "-i", "--quiet", "waiter"], { input: "echo attached\n" });
    expect([r.code, r.out]).toEqual([0, "attached\n"]);
    const done = await until(async () => ((await k(["get", "pod", "waiter", "-o", "jsonpath={.status.phase}"])).out === "Succeeded" ? true : undefined), 30_000);
    expect(done).toBe(true);
  }, 120_000);

  it("kubectl debug -i: the ephemeral shell runs the piped lines beside the target's processes; without stdinOnce it ends on exit", async () => {
    expect((await k(["run", "app", "--image=busybox:1.36", "--", "sleep", "3600"])).code).toBe(0);
    expect((await k(["wait", "--for=condition=Ready", "pod/app", "--timeout=60s"])).code).toBe(0);
    const r = await k(["debug", "-i", "app", "--quiet", "--image=busybox:1.36", "--target=app", "--container=dbg", "--profile=general", "--", "sh"], { input: "echo in-debug\npgrep -x sleep >/dev/null && echo sees-sleep\nexit\n" });
    expect([r.code, r.out]).toEqual([0, "in-debug\nsees-sleep\n"]);
    const spec = JSON.parse((await k(["get", "pod", "app", "-o", "jsonpath={.spec.ephemeralContainers[0]}"])).out);
    expect(spec).toMatchObject({ name: "dbg", stdin: true, command: ["sh"] });
    expect(spec.stdinOnce).toBeUndefined();
  }, 120_000);
});
