// Sweep 12 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 12", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);
  const events = (name: string) => k(["get", "events", "--field-selector", `involvedObject.name=${name}`, "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"]).then((r) => r.out.split("\n"));

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("concepts/workloads/controllers/job (Suspending a Job): a started Job suspended then resumed gets Suspended=False JobResumed, the Resumed event and a new startTime, and runs on", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: batch/v1
kind: Job
metadata:
  name: myjob
spec:
  parallelism: 1
  completions: 5
  template:
    spec:
      containers:
      - name: c
        image: busybox:1.28
        command: ["sleep", "20"]
      restartPolicy: Never
`)).code).toBe(0);
    const active = () => until(async () => ((await jsonpath(["get", "job", "myjob"], "{.status.active}")) === "1" ? true : undefined), 30_000);
    expect(await active()).toBe(true);
    const started = await jsonpath(["get", "job", "myjob"], "{.status.startTime}");
    expect((await k(["patch", "job/myjob", "--type=strategic", "--patch", '{"spec":{"suspend":true}}'])).out).toBe("job.batch/myjob patched\n");
    const cond = (want: string) => until(async () => {
      const c = await jsonpath(["get", "job", "myjob"], '{.status.conditions[?(@.type=="Suspended")].status}/{.status.conditions[?(@.type=="Suspended")].reason}/{.status.conditions[?(@.type=="Suspended")].message}');
      return c === want ? c : undefined;
    }, 30_000);
    expect(await cond("True/JobSuspended/Job suspended")).toBe("True/JobSuspended/Job suspended");
    // wait a simulated second at least, so the resume's startTime differs from the first
    await new Promise((r) => setTimeout(r, 300));
    expect((await k(["patch", "job/myjob", "--type=strategic", "--patch", '{"spec":{"suspend":false}}'])).out).toBe("job.batch/myjob patched\n");
    // syncJob's resume branch: ensureJobConditionStatus(Suspended, False, "JobResumed", "Job resumed"), the
    // Resumed event, startTime reset (pkg/controller/job/job_controller.go); the status write is valid
    // since kubernetes#134769 (before it: "startTime cannot be removed for unsuspended job" at every sync)
    expect(await cond("False/JobResumed/Job resumed")).toBe("False/JobResumed/Job resumed");
    expect(await events("myjob")).toEqual(expect.arrayContaining(["Suspended: Job suspended", "Resumed: Job resumed"]));
    const restarted = await jsonpath(["get", "job", "myjob"], "{.status.startTime}");
    expect(Date.parse(restarted)).toBeGreaterThan(Date.parse(started));
    expect(await active()).toBe(true);
  });
});
