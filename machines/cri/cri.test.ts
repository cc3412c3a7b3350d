import { describe, it, expect } from "vitest";
import { Fx } from "../common/effects.js";
import { finishPull, handleCri, handlesSigterm, initialCri, probe, wakeProcess } from "./cri.logic.js";

function startedContainer(container: any) {
  const ctx = initialCri({ node: "node-1" });
  const fx = new Fx();
  handleCri(ctx, { type: "RunPodSandbox", id: 1, podUid: "u", podName: "p", podNamespace: "default", volumes: [] }, "k", fx);
  const sandboxId = fx.sends[0]!.msg.sandboxId;
  handleCri(ctx, { type: "PullImage", id: 2, image: container.image }, "k", new Fx());
  finishPull(ctx, container.image, new Fx());
  const fx2 = new Fx();
  handleCri(ctx, { type: "CreateContainer", id: 3, sandboxId, container, attempt: 0, env: {}, podIP: "10.244.0.2" }, "k", fx2);
  const containerId = fx2.sends[0]!.msg.containerId;
  const fx3 = new Fx();
  handleCri(ctx, { type: "StartContainer", id: 4, containerId }, "k", fx3);
  return { ctx, containerId, fx: fx3 };
}

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
  it.each([
    { name: "nginx exits on SIGTERM", container: { name: "c", image: "nginx:1.27" }, image: { kind: "nginx", entrypoint: ["/docker-entrypoint.sh"], cmd: ["nginx"] }, want: true },
    { name: "sh as PID 1 ignores SIGTERM", container: { name: "c", image: "busybox", command: ["sh", "-c", "sleep 600"] }, image: { kind: "shell", entrypoint: [], cmd: ["sh"] }, want: false },
    { name: "sleep as PID 1 ignores SIGTERM", container: { name: "c", image: "busybox", command: ["sleep", "3600"] }, image: { kind: "shell", entrypoint: [], cmd: ["sh"] }, want: false },
  ])("$name", ({ container, image, want }) => expect(handlesSigterm({ spec: container, image: image as any })).toBe(want));
});
