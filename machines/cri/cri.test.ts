import { describe, it, expect } from "vitest";
import { Fx } from "../common/effects.js";
import { containerState, containerTimer, handleCri, handlesSigterm, imageKey, initialCri, probe, pullTimer, wakeProcess } from "./cri.logic.js";

function startedContainer(container: any) {
  const ctx = initialCri({ node: "node-1" });
  const fx = new Fx();
  handleCri(ctx, { type: "RunPodSandbox", id: 1, podUid: "u", podName: "p", podNamespace: "default", volumes: [] }, "k", fx);
  const sandboxId = fx.sends[0]!.msg.sandboxId;
  const pulling = new Fx();
  handleCri(ctx, { type: "PullImage", id: 2, image: container.image }, "k", pulling);
  pullTimer(ctx, container.image, pulling.timers[0]!.event.event as { type: string }, new Fx());
  const fx2 = new Fx();
  handleCri(ctx, { type: "CreateContainer", id: 3, sandboxId, container, attempt: 0, env: {}, podIP: "10.244.0.2" }, "k", fx2);
  const containerId = fx2.sends[0]!.msg.containerId;
  const fx3 = new Fx();
  handleCri(ctx, { type: "StartContainer", id: 4, containerId }, "k", fx3);
  return { ctx, containerId, fx: fx3 };
}

describe("CRI image pulls", () => {
  it("two PullImage requests for one image share one pull, and both are answered when it ends with the image stored", () => {
    const ctx = initialCri({ node: "node-1" });
    const fx = new Fx();
    handleCri(ctx, { type: "PullImage", id: 1, image: "nginx:1.27" }, "k", fx);
    handleCri(ctx, { type: "PullImage", id: 2, image: "nginx:1.27" }, "k", fx);
    expect(fx.sends).toEqual([]);
    // one pull, one work timer (settle waits for it)
    expect(fx.timers.map((t) => t.background)).toEqual([false]);
    ctx.now += fx.timers[0]!.ms;
    const done = new Fx();
    pullTimer(ctx, "nginx:1.27", fx.timers[0]!.event.event as { type: string }, done);
    expect(done.sends.map((s) => [s.msg.id, s.msg.ok, s.msg.durationMs])).toEqual([[1, true, fx.timers[0]!.ms], [2, true, fx.timers[0]!.ms]]);
    expect(ctx.images.has("docker.io/library/nginx:1.27")).toBe(true);
    expect(ctx.pulls.size).toBe(0);
  });
  it("a short name that is no Docker Official Image fails after one registry round trip with ErrImagePull, and nothing is stored", () => {
    const ctx = initialCri({ node: "node-1" });
    const fx = new Fx();
    handleCri(ctx, { type: "PullImage", id: 1, image: "ngnix" }, "k", fx);
    expect(fx.timers.map((t) => t.ms)).toEqual([500]);
    const done = new Fx();
    pullTimer(ctx, "ngnix", fx.timers[0]!.event.event as { type: string }, done);
    expect(done.sends[0]!.msg).toMatchObject({ id: 1, ok: false, failure: { reason: "ErrImagePull" } });
    expect(done.sends[0]!.msg.failure.message).toMatch(/pull access denied, repository does not exist/);
    expect([...ctx.images.keys()].some((k) => k.includes("ngnix"))).toBe(false);
  });
});

describe("CRI containers", () => {
  it("a container that runs exit 3 is reported exited with code 3, reason Error", () => {
    const { fx } = startedContainer({ name: "c", image: "busybox:1.36", command: ["sh", "-c", "exit 3"] });
    expect(fx.sends.map((s) => s.msg.type)).toEqual(["StartContainerResult", "ContainerExited"]);
    expect(fx.sends[1]!.msg).toMatchObject({ exitCode: 3, reason: "Error" });
  });
  it("a sleeping workload asks for a background timer, so it never keeps settle busy", () => {
    const { ctx, containerId, fx } = startedContainer({ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 5; exit 1"] });
    expect(fx.timers[0]).toMatchObject({ ms: 5000, background: true });
    const fx2 = new Fx();
    wakeProcess(ctx, containerId, fx2);
    expect(fx2.sends[0]!.msg).toMatchObject({ type: "ContainerExited", exitCode: 1 });
  });
  it("nginx answers an httpGet probe on port 80 and refuses port 8080", () => {
    const { ctx, containerId } = startedContainer({ name: "c", image: "nginx:1.27" });
    expect(probe(ctx, containerId, { kind: "httpGet", scheme: "HTTP", host: "10.244.0.2", port: 80, path: "/" }, 1).result).toBe("success");
    expect(probe(ctx, containerId, { kind: "httpGet", scheme: "HTTP", host: "10.244.0.2", port: 8080, path: "/" }, 1)).toEqual({
      result: "failure", output: 'Get "http://10.244.0.2:8080/": dial tcp 10.244.0.2:8080: connect: connection refused',
    });
  });
  it("an httpGet probe answered 404 fails (pkg/probe/http: success is 200 to 399, anything else a failure)", () => {
    const { ctx, containerId } = startedContainer({ name: "c", image: "nginx:1.27" });
    expect(probe(ctx, containerId, { kind: "httpGet", scheme: "HTTP", host: "10.244.0.2", port: 80, path: "/missing" }, 1)).toEqual({ result: "failure", output: "HTTP probe failed with statuscode: 404" });
  });
  it("StopContainer with timeout 30 on sleep as PID 1: SIGTERM is ignored, SIGKILL after 30 s exits 137 Error, then the stop is answered", () => {
    const { ctx, containerId } = startedContainer({ name: "c", image: "busybox:1.36", command: ["sleep", "3600"] });
    const fx = new Fx();
    handleCri(ctx, { type: "StopContainer", id: 5, containerId, timeoutSeconds: 30, podIP: "10.244.0.2" }, "k", fx);
    expect(fx.sends).toEqual([]);
    const kill = fx.timers.filter((t) => t.event.type === "ContainerTimer");
    // the timeout is work: settle() waits for it (not a background timer)
    expect(kill.map((t) => [t.ms, t.background])).toEqual([[30_000, false]]);
    expect(containerState(ctx.containers.get(containerId)!)).toBe("CONTAINER_RUNNING");
    ctx.now += 30_000;
    const fx2 = new Fx();
    containerTimer(ctx, containerId, kill[0]!.event.event as { type: string }, fx2);
    expect(fx2.sends.map((s) => s.msg)).toEqual([
      { type: "ContainerExited", containerId, exitCode: 137, reason: "Error", startedAt: 0, finishedAt: 30_000 },
      { type: "StopContainerResult", id: 5, containerId },
    ]);
    expect(containerState(ctx.containers.get(containerId)!)).toBe("CONTAINER_EXITED");
  });
  it("StopContainer with a preStop sleep of 5 s on nginx: SIGTERM after 5 s, nginx exits 0 Completed and the SIGKILL is canceled", () => {
    const { ctx, containerId } = startedContainer({ name: "c", image: "nginx:1.27" });
    const fx = new Fx();
    handleCri(ctx, { type: "StopContainer", id: 5, containerId, timeoutSeconds: 30, podIP: "10.244.0.2", preStop: { sleep: { seconds: 5 } } }, "k", fx);
    expect(fx.sends).toEqual([]);
    expect(fx.timers.map((t) => t.ms)).toEqual([30_000, 5_000]);
    ctx.now += 5_000;
    const fx2 = new Fx();
    containerTimer(ctx, containerId, fx.timers[1]!.event.event as { type: string }, fx2);
    expect(fx2.sends.map((s) => s.msg)).toEqual([
      { type: "ContainerExited", containerId, exitCode: 0, reason: "Completed", startedAt: 0, finishedAt: 5_000 },
      { type: "StopContainerResult", id: 5, containerId },
    ]);
    expect(fx2.cancels).toContain(fx.timers[0]!.key);
  });
  // busybox shell/ash.c: waitcmd returns 128 + pending_sig when a trapped signal arrives, then dotrap runs the trap's command
  it("a shell PID 1 with trap 'exit 0' TERM waiting on a background sleep exits 0 Completed at SIGTERM, and the SIGKILL is canceled", () => {
    const { ctx, containerId } = startedContainer({ name: "c", image: "busybox:1.36", command: ["sh", "-c", "trap 'echo bye; exit 0' TERM; sleep infinity & wait"] });
    const fx = new Fx();
    handleCri(ctx, { type: "StopContainer", id: 5, containerId, timeoutSeconds: 30, podIP: "10.244.0.2" }, "k", fx);
    expect(fx.sends.map((s) => s.msg)).toEqual([
      { type: "ContainerExited", containerId, exitCode: 0, reason: "Completed", startedAt: 0, finishedAt: 0 },
      { type: "StopContainerResult", id: 5, containerId },
    ]);
  });
  it("trap : TERM then sleep infinity & wait: wait is interrupted and returns 143, the script's last status, so the container exits 143 Error", () => {
    const { ctx, containerId } = startedContainer({ name: "c", image: "busybox:1.36", command: ["sh", "-c", "trap : TERM; sleep infinity & wait"] });
    const fx = new Fx();
    handleCri(ctx, { type: "StopContainer", id: 5, containerId, timeoutSeconds: 30, podIP: "10.244.0.2" }, "k", fx);
    expect(fx.sends[0]!.msg).toMatchObject({ type: "ContainerExited", exitCode: 143, reason: "Error" });
  });
  it("a trap on TERM INT in a sleep loop runs once the foreground sleep ends (ash waits for its foreground child), then exits with the trap's status", () => {
    const { ctx, containerId } = startedContainer({ name: "c", image: "busybox:1.36", command: ["sh", "-c", "trap 'exit 3' TERM INT; while true; do sleep 10; done"] });
    ctx.now += 4_000;
    const fx = new Fx();
    handleCri(ctx, { type: "StopContainer", id: 5, containerId, timeoutSeconds: 30, podIP: "10.244.0.2" }, "k", fx);
    expect(fx.sends).toEqual([]);
    const wake = fx.timers.find((t) => t.event.event?.type === "ProcessWake" || t.event.type === "ProcessWake");
    expect(wake?.ms).toBe(6_000);
    ctx.now += 6_000;
    const fx2 = new Fx();
    wakeProcess(ctx, containerId, fx2);
    expect(fx2.sends.map((s) => s.msg)).toEqual([
      { type: "ContainerExited", containerId, exitCode: 3, reason: "Error", startedAt: 0, finishedAt: 10_000 },
      { type: "StopContainerResult", id: 5, containerId },
    ]);
  });
  it("$! takes the namespace's next pid and kill $! ends that background job, so wait returns at once", () => {
    const { fx } = startedContainer({ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 1000 & [ $! -gt 1 ] && kill $! && wait && exit 7"] });
    expect(fx.sends[1]!.msg).toMatchObject({ type: "ContainerExited", exitCode: 7, finishedAt: 0 });
  });
  it("a shell without a trap still ignores SIGTERM as PID 1", () => {
    const { ctx, containerId } = startedContainer({ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep infinity & wait"] });
    const fx = new Fx();
    handleCri(ctx, { type: "StopContainer", id: 5, containerId, timeoutSeconds: 30, podIP: "10.244.0.2" }, "k", fx);
    expect(fx.sends).toEqual([]);
  });
  it("a container whose entrypoint cannot run is exited 128 StartError, reported after the failed start", () => {
    const { ctx, containerId, fx } = startedContainer({ name: "c", image: "busybox:1.36", command: ["/nosuch"] });
    expect(fx.sends.map((s) => s.msg.type)).toEqual(["StartContainerResult", "ContainerExited"]);
    expect(fx.sends[1]!.msg).toMatchObject({ exitCode: 128, reason: "StartError" });
    expect(containerState(ctx.containers.get(containerId)!)).toBe("CONTAINER_EXITED");
  });
  it.each([
    { name: "nginx exits on SIGTERM", container: { name: "c", image: "nginx:1.27" }, image: { kind: "nginx", entrypoint: ["/docker-entrypoint.sh"], cmd: ["nginx"] }, want: true },
    { name: "sh as PID 1 ignores SIGTERM", container: { name: "c", image: "busybox", command: ["sh", "-c", "sleep 600"] }, image: { kind: "shell", entrypoint: [], cmd: ["sh"] }, want: false },
    { name: "sleep as PID 1 ignores SIGTERM", container: { name: "c", image: "busybox", command: ["sleep", "3600"] }, image: { kind: "shell", entrypoint: [], cmd: ["sh"] }, want: false },
  ])("$name", ({ container, image, want }) => expect(handlesSigterm({ spec: container, image: image as any })).toBe(want));
});

describe("image keys (parsed once per reference)", () => {
  it("give containerd's normalized reference, or none for one that does not parse, asked once or many times", () => {
    const cases: Array<[string, string | undefined]> = [
      ["nginx", "docker.io/library/nginx:latest"],
      ["nginx:1.27", "docker.io/library/nginx:1.27"],
      ["registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"],
      ["quay.io/org/app@sha256:" + "a".repeat(64), "quay.io/org/app@sha256:" + "a".repeat(64)],
      ["Nginx", undefined],
      ["", undefined],
      ["a".repeat(64), undefined],
    ];
    for (let round = 0; round < 3; round++) for (const [image, want] of cases) expect(imageKey(image)).toBe(want);
  });
});
