// The real kubectl's `kubectl debug` against `podflow serve`, as the docs' "Debug Running Pods" page
// uses it on its ephemeral-demo pod: kubectl patches pods/<name>/ephemeralcontainers, waits for the
// container to run, then attaches. Expected output is the page's.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile, spawnSync } from "node:child_process";
import { findKubectl, kubectl, kubectlEnv, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const python = spawnSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim() || undefined;

const ephemeralDemo = `
apiVersion: v1
kind: Pod
metadata:
  name: ephemeral-demo
spec:
  containers:
  - name: ephemeral-demo
    image: registry.k8s.io/pause:3.1
`;

describe.skipIf(!bin)("kubectl debug against podflow serve", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);
  const scratch = mkdtempSync(join(tmpdir(), "podflow-debug-"));

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    const file = join(scratch, "pod.yaml");
    writeFileSync(file, ephemeralDemo);
    await k(["apply", "-f", file]);
    const running = await until(async () => ((await k(["get", "pod", "ephemeral-demo", "--no-headers"])).out.includes("Running") ? true : undefined), 30_000);
    expect(running).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl exec into the pause container fails, as the page shows: it has no shell", async () => {
    const r = await k(["exec", "ephemeral-demo", "--", "sh"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("executable file not found in $PATH");
  });

  it("kubectl debug adds an ephemeral container that runs its command in the pod", async () => {
    const r = await k(["debug", "ephemeral-demo", "--image=busybox:1.28", "--target=ephemeral-demo", "--container=probe", "--", "sh", "-c", "echo from the debugger; sleep 3600"]);
    expect(r.code).toBe(0);
    expect(r.out + r.err).toContain('Targeting container "ephemeral-demo".');
    const state = await until(async () => {
      const out = (await k(["get", "pod", "ephemeral-demo", "-o", "jsonpath={.status.ephemeralContainerStatuses[?(@.name==\"probe\")].state}"])).out;
      return out.includes("running") ? out : undefined;
    }, 20_000);
    expect(state).toContain("startedAt");
    expect((await k(["logs", "ephemeral-demo", "-c", "probe"])).out).toBe("from the debugger\n");
    const spec = JSON.parse((await k(["get", "pod", "ephemeral-demo", "-o", "json"])).out).spec.ephemeralContainers;
    expect(spec.find((x: any) => x.name === "probe")).toMatchObject({ image: "busybox:1.28", targetContainerName: "ephemeral-demo", command: ["sh", "-c", "echo from the debugger; sleep 3600"] });
  }, 40_000);

  it.skipIf(!python)("kubectl debug -it --image=busybox:1.28 --target=ephemeral-demo: a shell in the pod, as the page shows", async () => {
    const script = join(__dirname, "support", "ptyrun.py");
    const r = await new Promise<string>((resolve) => {
      execFile(python!, [script, "2.5", "\\r", "echo $HOSTNAME\\r", "exit\\r", "--", bin!, "debug", "-it", "ephemeral-demo", "--image=busybox:1.28", "--target=ephemeral-demo"],
        { env: kubectlEnv(s.kubeconfigPath), timeout: 40_000 }, (_e, out) => resolve(out));
    });
    const screen = r.replace(/\r\n/g, "\n");
    expect(screen).toMatch(/Defaulting debug container name to debugger-[a-z0-9]{5}\.\n/);
    expect(screen).toContain("If you don't see a command prompt, try pressing enter.\n");
    expect(screen).toContain("/ # echo $HOSTNAME\nephemeral-demo\n/ # exit\n");
  }, 50_000);
});
