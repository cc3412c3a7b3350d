// The real kubectl against `podflow serve` with CronJobs: apply the docs' hello CronJob, watch it
// make a Job each (virtual) minute, get cronjobs and get jobs with kubectl's columns, kubectl
// create cronjob (a protobuf body) and kubectl create job --from=cronjob/hello.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const helloCronJob = join(__dirname, "..", "examples", "cronjob.yaml");

describe.skipIf(!bin)("podflow serve with the real kubectl: CronJobs", () => {
  let s: Served;
  const k = (args: string[], timeoutMs?: number) => kubectl(bin!, s.kubeconfigPath, args, timeoutMs ? { timeoutMs } : {});

  beforeAll(async () => {
    // 60x: a virtual minute is a second.
    s = await serve({ nodes: 1, speed: 60 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply creates the CronJob; kubectl get cronjobs shows Kubernetes' columns", async () => {
    expect((await k(["apply", "-f", helloCronJob])).out).toBe("cronjob.batch/hello created\n");
    const out = (await k(["get", "cronjobs"])).out;
    expect(out.split("\n")[0]).toMatch(/^NAME +SCHEDULE +TIMEZONE +SUSPEND +ACTIVE +LAST SCHEDULE +AGE$/);
    // The live clock runs 60x: the first minute's Job may already be active.
    expect(out.split("\n")[1]).toMatch(/^hello +\* \* \* \* \* +<none> +False +[01] +(<none>|\d+s) +\d+(s|m|m\d+s)$/);
    const wide = (await k(["get", "cronjobs", "-o", "wide"])).out;
    expect(wide.split("\n")[0]).toMatch(/^NAME +SCHEDULE +TIMEZONE +SUSPEND +ACTIVE +LAST SCHEDULE +AGE +CONTAINERS +IMAGES +SELECTOR$/);
    expect(wide.split("\n")[1]).toMatch(/ hello +busybox:1\.28 +<none>$/);
  });

  it("each minute a Job hello-<minutes since the epoch> runs to Complete; the 3 newest successful ones are kept", async () => {
    const age = "\\d+(s|m|m\\d+s)";
    const complete = new RegExp(`^hello-\\d+ +Complete +1/1 +\\d+s +${age}$`);
    const jobs = await until(async () => {
      const out = (await k(["get", "jobs", "--no-headers"])).out.trim().split("\n").filter((l) => complete.test(l));
      return out.length >= 3 ? out : undefined;
    }, 60_000);
    expect(jobs, "three Complete Jobs").toBeTruthy();
    const header = (await k(["get", "jobs"])).out.split("\n")[0];
    expect(header).toMatch(/^NAME +STATUS +COMPLETIONS +DURATION +AGE$/);
    const cj = (await k(["get", "cronjob", "hello", "--no-headers"])).out;
    expect(cj).toMatch(new RegExp(`^hello +\\* \\* \\* \\* \\* +<none> +False +[01] +\\d+s +${age}$`, "m"));
    // After more minutes the history stays at successfulJobsHistoryLimit (3), plus one still running at most.
    await new Promise((r) => setTimeout(r, 3_000));
    const names = (await k(["get", "jobs", "-o", "name"])).out.trim().split("\n").filter((l) => l.startsWith("job.batch/hello-"));
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(names.length).toBeLessThanOrEqual(4);
  });

  it("kubectl create cronjob makes a CronJob from flags", async () => {
    expect((await k(["create", "cronjob", "tick", "--image=busybox:1.36", "--schedule=*/5 * * * *", "--", "date"])).out).toBe("cronjob.batch/tick created\n");
    const out = (await k(["get", "cronjob", "tick", "--no-headers"])).out;
    // The live clock runs 60x: a five-minute run may already have started.
    expect(out, JSON.stringify(out)).toMatch(/^tick +\*\/5 \* \* \* \* +<none> +False +[01] +(<none>|\d+s) +/);
    const invalid = await k(["create", "cronjob", "bad", "--image=busybox:1.36", "--schedule=61 * * * *"]);
    expect(invalid.err).toContain('CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61');
  });

  it("kubectl create job --from=cronjob/hello makes a Job from the CronJob's template, which completes", async () => {
    expect((await k(["create", "job", "manual", "--from=cronjob/hello"])).out).toBe("job.batch/manual created\n");
    const complete = await until(async () => /^manual +Complete +1\/1/m.test((await k(["get", "job", "manual"])).out), 30_000);
    expect(complete).toBe(true);
  });

  it("kubectl delete cronjob removes it and its Jobs", async () => {
    expect((await k(["delete", "cronjob", "hello"])).out).toBe('cronjob.batch "hello" deleted\n');
    const gone = await until(async () => !/^hello-/m.test((await k(["get", "jobs", "--no-headers"])).out) || undefined, 30_000);
    expect(gone).toBe(true);
  });
});
