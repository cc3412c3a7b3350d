// The real kubectl against `podflow serve` with Jobs: apply the docs' pi Job, get jobs with
// kubectl's columns, kubectl logs job/pi, kubectl create job, and kubectl delete job (which removes the pods).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const piJob = join(__dirname, "..", "examples", "job.yaml");

describe.skipIf(!bin)("podflow serve with the real kubectl: Jobs", () => {
  let s: Served;
  const k = (args: string[], timeoutMs?: number) => kubectl(bin!, s.kubeconfigPath, args, timeoutMs ? { timeoutMs } : {});

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply creates the Job and kubectl get jobs shows it Complete 1/1", async () => {
    expect((await k(["apply", "-f", piJob])).out).toBe("job.batch/pi created\n");
    const done = await until(async () => (await k(["get", "jobs"])).out, 30_000);
    const complete = await until(async () => {
      const out = (await k(["get", "jobs"])).out;
      return /^pi +Complete +1\/1 +(?:\d+[smhd])+ +\d+s$/m.test(out) ? out : undefined;
    }, 30_000);
    expect(done.split("\n")[0]).toMatch(/^NAME +STATUS +COMPLETIONS +DURATION +AGE$/);
    expect(complete, "pi should be Complete").toBeTruthy();
  });

  it("kubectl get pods -l job-name=pi finds the Job's pod, Completed", async () => {
    const out = (await k(["get", "pods", "-l", "batch.kubernetes.io/job-name=pi", "--no-headers"])).out;
    expect(out).toMatch(/^pi-[a-z0-9]{5} +0\/1 +Completed +0 +(?:\d+[smhd])+$/m);
  });

  it("kubectl logs job/pi prints pi to 2000 digits, as the docs show", async () => {
    const out = (await k(["logs", "job/pi"])).out;
    // the docs' output (concepts/workloads/controllers/job.md) begins and ends so, 2001 characters
    expect(out.startsWith("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798")).toBe(true);
    expect(out.endsWith("8658326459958133904780275901\n")).toBe(true);
    expect(out).toHaveLength(2002);
  });

  it("kubectl create job makes a Job from an image, which completes", async () => {
    expect((await k(["create", "job", "hello", "--image=busybox:1.36", "--", "echo", "hi"])).out).toBe("job.batch/hello created\n");
    const complete = await until(async () => /^hello +Complete +1\/1/m.test((await k(["get", "job", "hello"])).out), 30_000);
    expect(complete).toBe(true);
  });

  it("kubectl delete job deletes the Job and its pods", async () => {
    expect((await k(["delete", "job", "pi"])).out).toBe('job.batch "pi" deleted\n');
    const gone = await until(async () => (await k(["get", "pods", "-l", "batch.kubernetes.io/job-name=pi", "--no-headers"])).out.trim() === "" || undefined, 30_000);
    expect(gone).toBe(true);
  });
});
