// The Job controller end to end through createCluster: the docs' controllers/job.yaml, an Indexed
// Job, a failing Job and its pod-failure back-off, and deleting a Job. Expectations are Kubernetes'
// behaviour (concepts/workloads/controllers/job, pkg/controller/job): a completed Job shows
// SuccessCriteriaMet then Complete (CompletionsReached), succeeded = completions and a
// completionTime; failed pods are replaced after 10 s, 20 s, 40 s ... of back-off and the Job fails
// with BackoffLimitExceeded once failures exceed backoffLimit; kubectl delete (propagationPolicy
// Background) removes the pods with the Job, a delete without a policy orphans them (batch/v1's default).

import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createCluster } from "../../index.js";
import { containerLogs } from "../../runtime/server/logs.js";
import { toMs } from "../common/time.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
function cluster(nodes = 2, seed = 3): Cluster {
  const c = createCluster({ nodes, seed });
  clusters.push(c);
  return c;
}
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const TRACKING = "batch.kubernetes.io/job-tracking";
const jobEvents = (c: Cluster, name: string) => c.events().filter((e: any) => e.involvedObject.kind === "Job" && e.involvedObject.name === name).map((e: any) => `${e.type} ${e.reason} ${e.message}`);
const condition = (job: any, type: string) => (job.status?.conditions ?? []).find((x: any) => x.type === type);
const podsOf = (c: Cluster, job: string) => c.list("Pod", { labelSelector: `batch.kubernetes.io/job-name=${job}` });

// kubernetes/website content/en/examples/controllers/job.yaml
const piJob = `
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
`;

// What the docs' page shows `kubectl logs` print for that pod (concepts/workloads/controllers/job.md).
const piDocsOutput =
  "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706" +
  "7982148086513282306647093844609550582231725359408128481117450284102701938521105559644622948954930381" +
  "9644288109756659334461284756482337867831652712019091456485669234603486104543266482133936072602491412" +
  "7372458700660631558817488152092096282925409171536436789259036001133053054882046652138414695194151160" +
  "9433057270365759591953092186117381932611793105118548074462379962749567351885752724891227938183011949" +
  "1298336733624406566430860213949463952247371907021798609437027705392171762931767523846748184676694051" +
  "3200056812714526356082778577134275778960917363717872146844090122495343014654958537105079227968925892" +
  "3542019956112129021960864034418159813629774771309960518707211349999998372978049951059731732816096318" +
  "5950244594553469083026425223082533446850352619311881710100031378387528865875332083814206171776691473" +
  "0359825349042875546873115956286388235378759375195778185778053217122680661300192787661119590921642019" +
  "8938095257201065485863278865936153381827968230301952035301852968995773622599413891249721775283479131" +
  "5155748572424541506959508295331168617278558890750983817546374649393192550604009277016711390098488240" +
  "1285836160356370766010471018194295559619894676783744944825537977472684710404753464620804668425906949" +
  "1293313677028989152104752162056966024058038150193511253382430035587640247496473263914199272604269922" +
  "7967823547816360093417216412199245863150302861829745557067498385054945885869269956909272107975093029" +
  "5532116534498720275596023648066549911988183479775356636980742654252786255181841757467289097777279380" +
  "0081647060016145249192173217214772350141441973568548161361157352552133475741849468438523323907394143" +
  "3345477624168625189835694855620992192221842725502542568876717904946016534668049886272327917860857843" +
  "8382796797668145410095388378636095068006422512520511739298489608412848862694560424196528502221066118" +
  "6306744278622039194945047123713786960956364371917287467764657573962413890865832645995813390478027590" +
  "1";

/** Pods that sleep ten minutes: a Job running until something stops it. */
const sleeperJob = (metadata: string, extra = "") => `
apiVersion: batch/v1
kind: Job
metadata: ${metadata}
spec:
  parallelism: 2
  completions: 2
${extra}
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 5
      containers: [{ name: s, image: busybox:1.36, command: ["sh", "-c", "sleep 600"] }]
`;

describe("the docs' pi Job", () => {
  it("runs one pod to completion: SuccessCriteriaMet and Complete (CompletionsReached), succeeded 1, completionTime, events SuccessfulCreate then Completed", async () => {
    const c = cluster();
    await c.apply(piJob);
    await c.settle();
    const job = c.get("Job", "pi");
    expect(condition(job, "SuccessCriteriaMet")).toMatchObject({ status: "True", reason: "CompletionsReached", message: "Reached expected number of succeeded pods" });
    expect(condition(job, "Complete")).toMatchObject({ status: "True", reason: "CompletionsReached", message: "Reached expected number of succeeded pods" });
    expect(job.status).toMatchObject({ succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(job.status.active).toBeUndefined();
    expect(job.status.failed).toBeUndefined();
    expect(toMs(job.status.completionTime)! >= toMs(job.status.startTime)!).toBe(true);
    const pods = podsOf(c, "pi");
    expect(pods).toHaveLength(1);
    const pod = pods[0];
    expect(pod.metadata.name).toMatch(/^pi-[a-z0-9]{5}$/);
    expect(pod.status.phase).toBe("Succeeded");
    // counted, then let go: the tracking finalizer is gone
    expect(pod.metadata.finalizers ?? []).not.toContain(TRACKING);
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: "batch/v1", kind: "Job", name: "pi", uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(pod.metadata.labels).toMatchObject({ "batch.kubernetes.io/controller-uid": job.metadata.uid, "batch.kubernetes.io/job-name": "pi", "controller-uid": job.metadata.uid, "job-name": "pi" });
    expect(jobEvents(c, "pi")).toEqual([`Normal SuccessfulCreate Created pod: ${pod.metadata.name}`, "Normal Completed Job completed"]);
  });

  it("its pod prints pi to 2000 digits, as the docs show kubectl logs", async () => {
    const c = cluster();
    await c.apply(piJob);
    await c.settle();
    const [pod] = podsOf(c, "pi");
    const logs = containerLogs(c as any, pod.spec.nodeName, pod.status.containerStatuses[0].containerID.replace(/^[a-z]+:\/\//, ""));
    await c.settle();
    expect((await logs).map((l) => l.line)).toEqual([piDocsOutput]);
    expect(piDocsOutput).toHaveLength(2001);
  });
});

describe("an Indexed Job", () => {
  it("gives each pod its index (annotation, label, hostname <job>-<index>, JOB_COMPLETION_INDEX) and completes indexes 0-4", async () => {
    const c = cluster();
    await c.apply(`
apiVersion: batch/v1
kind: Job
metadata: { name: indexed-job }
spec:
  completions: 5
  parallelism: 3
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: worker
        image: busybox:1.36
        command: ["sh", "-c", "echo index $JOB_COMPLETION_INDEX; sleep 2"]
`);
    await c.settle();
    c.advance(30_000);
    await c.settle();
    const job = c.get("Job", "indexed-job");
    expect(job.status).toMatchObject({ succeeded: 5, completedIndexes: "0-4" });
    expect(condition(job, "Complete")?.status).toBe("True");
    const pods = podsOf(c, "indexed-job").sort((a: any, b: any) => a.metadata.name.localeCompare(b.metadata.name));
    expect(pods.map((p: any) => p.metadata.annotations["batch.kubernetes.io/job-completion-index"])).toEqual(["0", "1", "2", "3", "4"]);
    expect(pods.map((p: any) => p.metadata.labels["batch.kubernetes.io/job-completion-index"])).toEqual(["0", "1", "2", "3", "4"]);
    expect(pods.map((p: any) => p.spec.hostname)).toEqual(["indexed-job-0", "indexed-job-1", "indexed-job-2", "indexed-job-3", "indexed-job-4"]);
    pods.forEach((p: any, i: number) => expect(p.metadata.name).toMatch(new RegExp(`^indexed-job-${i}-[a-z0-9]{5}$`)));
    for (const [i, p] of pods.entries()) {
      const logs = containerLogs(c as any, p.spec.nodeName, p.status.containerStatuses[0].containerID.replace(/^[a-z]+:\/\//, ""));
      await c.settle();
      expect((await logs).map((l) => l.line)).toEqual([`index ${i}`]);
    }
  });
  it("never runs more than parallelism pods at once", async () => {
    const c = cluster();
    let most = 0;
    const stop = c.watch({ group: "", resource: "pods", namespace: "default" }, () => {
      most = Math.max(most, podsOf(c, "wide").filter((p: any) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed" && !p.metadata.deletionTimestamp).length);
    });
    await c.apply(`
apiVersion: batch/v1
kind: Job
metadata: { name: wide }
spec:
  completions: 6
  parallelism: 2
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: w, image: busybox:1.36, command: ["sh", "-c", "sleep 3"] }]
`);
    await c.settle();
    c.advance(60_000);
    await c.settle();
    stop();
    expect(c.get("Job", "wide").status.completedIndexes).toBe("0-5");
    expect(most).toBe(2);
  });
});

describe("a Job whose pods fail", () => {
  it("replaces each failed pod after the back-off (10 s, then 20 s), then fails with BackoffLimitExceeded once failures exceed backoffLimit", async () => {
    const c = cluster();
    await c.apply(`
apiVersion: batch/v1
kind: Job
metadata: { name: fails }
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "exit 1"] }]
`);
    await c.settle();
    const job = c.get("Job", "fails");
    expect(condition(job, "FailureTarget")).toMatchObject({ status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" });
    expect(condition(job, "Failed")).toMatchObject({ status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" });
    expect(condition(job, "Complete")).toBeUndefined();
    expect(job.status).toMatchObject({ failed: 3, terminating: 0, uncountedTerminatedPods: {} });
    expect(job.status.completionTime).toBeUndefined();
    const pods = podsOf(c, "fails").sort((a: any, b: any) => toMs(a.metadata.creationTimestamp)! - toMs(b.metadata.creationTimestamp)!);
    expect(pods.map((p: any) => p.status.phase)).toEqual(["Failed", "Failed", "Failed"]);
    // each replacement waits 10 s x 2^(failures-1) after the last failure
    const finished = (p: any) => toMs(p.status.containerStatuses[0].state.terminated.finishedAt)!;
    const created = (p: any) => toMs(p.metadata.creationTimestamp)!;
    const gap1 = created(pods[1]) - finished(pods[0]);
    const gap2 = created(pods[2]) - finished(pods[1]);
    expect(gap1).toBeGreaterThanOrEqual(10_000);
    expect(gap1).toBeLessThan(12_000);
    expect(gap2).toBeGreaterThanOrEqual(20_000);
    expect(gap2).toBeLessThan(22_000);
    const events = jobEvents(c, "fails");
    expect(events.filter((e) => e.startsWith("Normal SuccessfulCreate"))).toHaveLength(3);
    expect(events.at(-1)).toBe("Warning BackoffLimitExceeded Job has reached the specified backoff limit");
  });
  it("a failure whose status write is refused (409) counts once: its replacement still comes after 10 s", async () => {
    const c = cluster();
    const rt = (c as any).runtime;
    let refused = 0;
    // The status writes that would count the failed pod are answered 409 three times, as a stale
    // cache's would be; the back-off record is kept only once one is stored (flushUncountedAndRemoveFinalizers).
    rt.sendHook = (from: string, _to: string, msg: any) => {
      if (from !== "job-controller" || msg.type !== "ApiRequest" || msg.subresource !== "status" || !(msg.body?.status?.uncountedTerminatedPods?.failed?.length > 0) || refused >= 3) return false;
      refused++;
      rt.post("apiserver", from, { type: "ApiResponse", id: msg.id, ok: false, code: 409, status: { kind: "Status", apiVersion: "v1", status: "Failure", code: 409, reason: "Conflict", message: 'Operation cannot be fulfilled on jobs.batch "once": the object has been modified; please apply your changes to the latest version and try again' } });
      return true;
    };
    await c.apply(`
apiVersion: batch/v1
kind: Job
metadata: { name: once }
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "exit 1"] }]
`);
    await c.settle();
    rt.sendHook = undefined;
    expect(refused).toBe(3);
    const pods = podsOf(c, "once").sort((a: any, b: any) => toMs(a.metadata.creationTimestamp)! - toMs(b.metadata.creationTimestamp)!);
    expect(pods).toHaveLength(2);
    const gap = toMs(pods[1].metadata.creationTimestamp)! - toMs(pods[0].status.containerStatuses[0].state.terminated.finishedAt)!;
    expect(gap).toBeGreaterThanOrEqual(10_000);
    expect(gap).toBeLessThan(12_000);
    expect(c.get("Job", "once").status).toMatchObject({ failed: 2 });
  });
});

describe("activeDeadlineSeconds and suspend", () => {
  const sleeper = (extra: string) => sleeperJob("{ name: slow }", extra);
  it("a Job active longer than activeDeadlineSeconds has its pods deleted and fails with DeadlineExceeded", async () => {
    const c = cluster();
    await c.apply(sleeper("  activeDeadlineSeconds: 30"));
    await c.settle();
    expect(c.get("Job", "slow").status).toMatchObject({ active: 2 });
    // settle ran past the batched syncs a second after the pod events: the deadline counts from startTime
    c.advance(toMs(c.get("Job", "slow").status.startTime)! + 29_000 - c.now());
    await c.settle();
    expect(condition(c.get("Job", "slow"), "FailureTarget")).toBeUndefined();
    c.advance(20_000);
    await c.settle();
    const job = c.get("Job", "slow");
    expect(condition(job, "FailureTarget")).toMatchObject({ status: "True", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" });
    expect(condition(job, "Failed")).toMatchObject({ status: "True", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" });
    // the deadline counts from startTime: FailureTarget is written within a second of it
    expect(toMs(condition(job, "FailureTarget").lastTransitionTime)! - toMs(job.status.startTime)!).toBeGreaterThanOrEqual(30_000);
    expect(toMs(condition(job, "FailureTarget").lastTransitionTime)! - toMs(job.status.startTime)!).toBeLessThan(31_000);
    expect(podsOf(c, "slow")).toEqual([]);
    expect(job.status.failed).toBe(2);
    expect(jobEvents(c, "slow").at(-1)).toBe("Warning DeadlineExceeded Job was active longer than specified deadline");
  });
  it("a Job created suspended makes no pod and is Suspended; resumed, it runs its pods", async () => {
    const c = cluster();
    await c.apply(sleeper("  suspend: true"));
    await c.settle();
    let job = c.get("Job", "slow");
    expect(condition(job, "Suspended")).toMatchObject({ status: "True", reason: "JobSuspended", message: "Job suspended" });
    expect(job.status.startTime).toBeUndefined();
    expect(podsOf(c, "slow")).toEqual([]);
    await c.apply(sleeper("  suspend: false"));
    await c.settle();
    job = c.get("Job", "slow");
    expect(condition(job, "Suspended")).toMatchObject({ status: "False", reason: "JobResumed", message: "Job resumed" });
    expect(job.status).toMatchObject({ active: 2 });
    expect(jobEvents(c, "slow").filter((e) => !e.includes("SuccessfulCreate"))).toEqual(["Normal Suspended Job suspended", "Normal Resumed Job resumed"]);
  });
  it("suspending a running Job deletes its active pods", async () => {
    const c = cluster();
    await c.apply(sleeper("  suspend: false"));
    await c.settle();
    expect(c.get("Job", "slow").status).toMatchObject({ active: 2 });
    await c.apply(sleeper("  suspend: true"));
    await c.settle();
    c.advance(10_000);
    await c.settle();
    const job = c.get("Job", "slow");
    expect(condition(job, "Suspended")?.status).toBe("True");
    expect(job.status.active).toBeUndefined();
    // deleteJobPods takes the tracking finalizer off before the delete: pods deleted on suspend are no failures
    expect(job.status.failed).toBeUndefined();
    expect(podsOf(c, "slow")).toEqual([]);
  });
  it("a pod whose finalizer-removal patch is refused is not deleted: deleteJobPods skips the delete and a later sync patches then deletes it", async () => {
    const c = cluster();
    const rt = (c as any).runtime;
    await c.apply(sleeper("  suspend: false"));
    await c.settle();
    expect(c.get("Job", "slow").status).toMatchObject({ active: 2 });
    // The job controller's requests on the pods, in order; each pod's first finalizer patch is answered 500.
    const log: string[] = [];
    const refused = new Set<string>();
    rt.sendHook = (from: string, _to: string, msg: any) => {
      if (from !== "job-controller" || msg.type !== "ApiRequest" || msg.resource !== "pods" || (msg.verb !== "patch" && msg.verb !== "delete")) return false;
      if (msg.verb === "patch" && !refused.has(msg.name)) {
        refused.add(msg.name);
        log.push(`refused patch ${msg.name}`);
        rt.post("apiserver", from, { type: "ApiResponse", id: msg.id, ok: false, code: 500, status: { kind: "Status", apiVersion: "v1", status: "Failure", code: 500, reason: "InternalError", message: "Internal error occurred: injected" } });
        return true;
      }
      log.push(`${msg.verb} ${msg.name}`);
      return false;
    };
    await c.apply(sleeper("  suspend: true"));
    await c.settle();
    c.advance(10_000);
    await c.settle();
    rt.sendHook = undefined;
    const names = [...refused].sort();
    expect(names).toHaveLength(2);
    for (const name of names) {
      const mine = log.filter((l) => l.endsWith(` ${name}`));
      // the refused patch is followed by no delete; the retry's patch passes, then the pod is deleted
      expect(mine).toEqual([`refused patch ${name}`, `patch ${name}`, `delete ${name}`]);
    }
    const job = c.get("Job", "slow");
    expect(condition(job, "Suspended")?.status).toBe("True");
    expect(job.status.failed).toBeUndefined();
    expect(podsOf(c, "slow")).toEqual([]);
  });
});

describe("spec.managedBy (TestManagedBy)", () => {
  const managed = (name: string, managedBy?: string) => `
apiVersion: batch/v1
kind: Job
metadata: { name: ${name} }
spec:
${managedBy ? `  managedBy: ${managedBy}\n` : ""}  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "exit 0"] }]
`;
  it("the Job controller reconciles a Job without managedBy and one naming kubernetes.io/job-controller, and leaves one naming another controller alone", async () => {
    const c = cluster();
    await c.apply(managed("plain"));
    await c.apply(managed("builtin", "kubernetes.io/job-controller"));
    await c.apply(managed("custom", "example.com/custom-job-controller"));
    await c.settle();
    for (const name of ["plain", "builtin"]) {
      expect(condition(c.get("Job", name), "Complete")?.status, name).toBe("True");
      expect(podsOf(c, name), name).toHaveLength(1);
    }
    // syncJob returns at once for it: no pod, no status, no event
    expect(c.get("Job", "custom").status ?? {}).toEqual({});
    expect(podsOf(c, "custom")).toEqual([]);
    expect(jobEvents(c, "custom")).toEqual([]);
  });
});

describe("podFailurePolicy", () => {
  // kubernetes/website content/en/examples/controllers/job-pod-failure-policy-failjob.yaml, run with
  // busybox's sh: podflow's bash:5 image has no bash executable (StartError, exit 128)
  it("a FailJob rule on exit code 42 fails the Job at the first such failure, with reason PodFailurePolicy", async () => {
    const c = cluster();
    await c.apply(`
apiVersion: batch/v1
kind: Job
metadata:
  name: job-pod-failure-policy-failjob
spec:
  completions: 8
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36
        command: ["sh"]
        args:
        - -c
        - echo "Hello world! I'm going to exit with 42 to simulate a software bug." && sleep 30 && exit 42
  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes:
        containerName: main
        operator: In
        values: [42]
`);
    await c.settle();
    c.advance(40_000);
    await c.settle();
    const job = c.get("Job", "job-pod-failure-policy-failjob");
    const failed = condition(job, "Failed");
    expect(failed).toMatchObject({ status: "True", reason: "PodFailurePolicy" });
    expect(failed.message).toMatch(/^Container main for pod default\/job-pod-failure-policy-failjob-[a-z0-9]{5} failed with exit code 42 matching FailJob rule at index 0$/);
    expect(condition(job, "FailureTarget")?.message).toBe(failed.message);
    // the first failure ends the Job: nothing is retried (far from backoffLimit 6). The two pods started
    // together and fail together: the sync a batch period (1 s) after the first failure finds both failed
    expect(podsOf(c, "job-pod-failure-policy-failjob").map((p: any) => p.status.phase)).toEqual(["Failed", "Failed"]);
    expect(jobEvents(c, "job-pod-failure-policy-failjob").filter((e) => e.includes("SuccessfulCreate"))).toHaveLength(2);
    expect(jobEvents(c, "job-pod-failure-policy-failjob").at(-1)).toBe(`Warning PodFailurePolicy ${failed.message}`);
  });
});

describe("backoffLimitPerIndex", () => {
  // kubernetes/website content/en/examples/controllers/job-backoff-limit-per-index-example.yaml,
  // with busybox's sh in place of python; the docs show
  // completedIndexes 1,3,5,7,9, failedIndexes 0,2,4,6,8, succeeded 5, failed 10, FailedIndexes
  it("retries each failing index once, then marks it failed; once every index is done the Job fails with FailedIndexes", async () => {
    const c = cluster();
    await c.apply(`
apiVersion: batch/v1
kind: Job
metadata:
  name: job-backoff-limit-per-index-example
spec:
  completions: 10
  parallelism: 3
  completionMode: Indexed
  backoffLimitPerIndex: 1
  maxFailedIndexes: 5
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: example
        image: busybox:1.36
        command: ["sh", "-c", "echo Hello world; test $((JOB_COMPLETION_INDEX % 2)) -eq 1"]
`);
    await c.settle();
    c.advance(300_000);
    await c.settle();
    const job = c.get("Job", "job-backoff-limit-per-index-example");
    expect(job.spec.backoffLimit).toBe(2147483647);
    expect(job.status).toMatchObject({ completedIndexes: "1,3,5,7,9", failedIndexes: "0,2,4,6,8", succeeded: 5, failed: 10 });
    expect(condition(job, "FailureTarget")).toMatchObject({ status: "True", reason: "FailedIndexes", message: "Job has failed indexes" });
    expect(condition(job, "Failed")).toMatchObject({ status: "True", reason: "FailedIndexes", message: "Job has failed indexes" });
    // the retry of an index carries the failures before it
    const retries = podsOf(c, "job-backoff-limit-per-index-example").filter((p: any) => p.metadata.annotations["batch.kubernetes.io/job-index-failure-count"] === "1");
    expect(retries.map((p: any) => Number(p.metadata.annotations["batch.kubernetes.io/job-completion-index"])).sort((a: number, b: number) => a - b)).toEqual([0, 2, 4, 6, 8]);
  });
  it("more failed indexes than maxFailedIndexes fail the Job at once with MaxFailedIndexesExceeded", async () => {
    const c = cluster();
    await c.apply(`
apiVersion: batch/v1
kind: Job
metadata: { name: many-fail }
spec:
  completions: 6
  parallelism: 6
  completionMode: Indexed
  backoffLimitPerIndex: 0
  maxFailedIndexes: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "exit 1"] }]
`);
    await c.settle();
    c.advance(60_000);
    await c.settle();
    const job = c.get("Job", "many-fail");
    expect(condition(job, "Failed")).toMatchObject({ status: "True", reason: "MaxFailedIndexesExceeded", message: "Job has exceeded the specified maximal number of failed indexes" });
  });
});

describe("the docs' job-backoff-limit-per-index-failindex.yaml, unchanged", () => {
  // tasks/job/pod-failure-policy: index 0 (exit 1) is retried once, index 1 (exit 42, the
  // FailIndex rule) is not; "failedIndexes shows 0,1 ... the number of failed Pods equals 3".
  it("fails with FailedIndexes: failedIndexes 0,1, completedIndexes 2,3, failed 3, two pods of index 0 and one of index 1", async () => {
    const c = cluster();
    await c.apply(`
apiVersion: batch/v1
kind: Job
metadata:
  name: job-backoff-limit-per-index-failindex
spec:
  completions: 4
  parallelism: 2
  completionMode: Indexed
  backoffLimitPerIndex: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: docker.io/library/python:3
        command:
          - python3
          - -c
          - |
            import os, sys
            index = int(os.environ.get("JOB_COMPLETION_INDEX"))
            if index == 0:
              sys.exit(1)
            elif index == 1:
              sys.exit(42)
            else:
              sys.exit(0)
  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: FailIndex
      onExitCodes:
        containerName: main
        operator: In
        values: [42]
`);
    await c.settle();
    c.advance(120_000);
    await c.settle();
    const job = c.get("Job", "job-backoff-limit-per-index-failindex");
    expect(job.status).toMatchObject({ failedIndexes: "0,1", completedIndexes: "2,3", failed: 3, succeeded: 2 });
    expect(condition(job, "Failed")).toMatchObject({ status: "True", reason: "FailedIndexes" });
    const indexes = podsOf(c, "job-backoff-limit-per-index-failindex").map((p: any) => p.metadata.annotations["batch.kubernetes.io/job-completion-index"]).sort();
    expect(indexes).toEqual(["0", "0", "1", "2", "3"]);
  });
});

describe("examples/indexed-job.yaml", () => {
  it("completes indexes 0-2 and 4, retries index 3 after back-offs and fails with BackoffLimitExceeded when its third failure exceeds backoffLimit 2", async () => {
    const c = cluster();
    await c.apply(readFileSync(new URL("../../examples/indexed-job.yaml", import.meta.url), "utf8"));
    await c.settle();
    c.advance(120_000);
    await c.settle();
    const job = c.get("Job", "indexed-job");
    expect(job.status).toMatchObject({ completedIndexes: "0-2,4", succeeded: 4, failed: 3, terminating: 0, uncountedTerminatedPods: {} });
    expect(condition(job, "Failed")).toMatchObject({ status: "True", reason: "BackoffLimitExceeded" });
    const three = podsOf(c, "indexed-job").filter((p: any) => p.metadata.annotations["batch.kubernetes.io/job-completion-index"] === "3");
    expect(three.map((p: any) => p.status.phase)).toEqual(["Failed", "Failed", "Failed"]);
  });
});

describe("deleting a Job", () => {
  it("as kubectl delete does (propagationPolicy Background) deletes its pods through the garbage collector", async () => {
    const c = cluster();
    await c.apply(piJob.replace("backoffLimit: 4", "backoffLimit: 4\n  parallelism: 2\n  completions: 4").replace('command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]', 'command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]'));
    await c.settle();
    expect(podsOf(c, "pi")).toHaveLength(4);
    await c.delete("Job", "pi", "default", { propagationPolicy: "Background" });
    await c.settle();
    expect(c.get("Job", "pi")).toBeUndefined();
    expect(podsOf(c, "pi")).toEqual([]);
  });
  it("while it runs, deletes its running pods too, and none is left holding the tracking finalizer", async () => {
    const c = cluster();
    await c.apply(`
apiVersion: batch/v1
kind: Job
metadata: { name: sleeper }
spec:
  parallelism: 3
  completions: 3
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 5
      containers: [{ name: s, image: busybox:1.36, command: ["sh", "-c", "sleep 3600"] }]
`);
    await c.settle();
    expect(c.get("Job", "sleeper").status).toMatchObject({ active: 3 });
    await c.delete("Job", "sleeper", "default", { propagationPolicy: "Background" });
    await c.settle();
    c.advance(10_000);
    await c.settle();
    expect(podsOf(c, "sleeper")).toEqual([]);
  });
  it("without a propagationPolicy orphans its pods, as batch/v1's default policy is OrphanDependents", async () => {
    const c = cluster();
    await c.apply(piJob);
    await c.settle();
    await c.delete("Job", "pi", "default");
    await c.settle();
    expect(c.get("Job", "pi")).toBeUndefined();
    const pods = podsOf(c, "pi");
    expect(pods).toHaveLength(1);
    expect(pods[0].metadata.ownerReferences ?? []).toEqual([]);
  });
});

// syncOrphanPod (pkg/controller/job): a pod holding the tracking finalizer whose Job is gone, or
// that no controller owns any more, loses the finalizer; deleteJob queues the deleted Job's pods
// for it, and a failed patch is retried (the orphan queue is rate-limited).
describe("the tracking finalizer of pods whose Job is gone", () => {
  const sleeper = (ns: string) => sleeperJob(`{ name: sleeper, namespace: ${ns} }`);
  it("deleting the namespace of a running Job removes the Job, its pods and then the namespace", async () => {
    const c = cluster();
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "batch" } });
    await c.apply(sleeper("batch"));
    await c.settle();
    c.advance(5_000);
    await c.settle();
    expect(c.get("Job", "sleeper", "batch").status).toMatchObject({ active: 2 });
    await c.delete("Namespace", "batch");
    for (let i = 0; i < 6 && c.get("Namespace", "batch"); i++) {
      c.advance(10_000);
      await c.settle();
    }
    expect(c.list("Pod", { namespace: "batch" }).map((p: any) => `${p.metadata.name} ${p.metadata.finalizers}`)).toEqual([]);
    expect(c.get("Job", "sleeper", "batch")).toBeUndefined();
    expect(c.get("Namespace", "batch")).toBeUndefined();
  });
  it("a pod orphaned by deleting its Job without a policy loses the tracking finalizer, so deleting it removes it", async () => {
    const c = cluster();
    await c.apply(sleeper("default"));
    await c.settle();
    await c.delete("Job", "sleeper", "default");
    await c.settle();
    const pods = podsOf(c, "sleeper");
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.ownerReferences ?? []).toEqual([]);
      expect(p.metadata.finalizers ?? []).not.toContain(TRACKING);
    }
    for (const p of pods) await c.delete("Pod", p.metadata.name, "default");
    c.advance(10_000);
    await c.settle();
    expect(podsOf(c, "sleeper")).toEqual([]);
  });
  it("an orphan's finalizer patch that fails is sent again after the back-off", async () => {
    const c = cluster();
    await c.apply(sleeper("default"));
    await c.settle();
    const rt = (c as any).runtime;
    let refused = 0;
    // The API server answers the controller's first finalizer patch with a 500, as a failing etcd would.
    rt.sendHook = (from: string, _to: string, msg: any) => {
      if (from !== "job-controller" || msg.type !== "ApiRequest" || msg.verb !== "patch" || msg.resource !== "pods" || refused > 0) return false;
      refused++;
      rt.post("apiserver", from, { type: "ApiResponse", id: msg.id, ok: false, code: 500, status: { kind: "Status", apiVersion: "v1", status: "Failure", code: 500, reason: "InternalError", message: "etcdserver: request timed out" } });
      return true;
    };
    await c.delete("Job", "sleeper", "default");
    await c.settle();
    c.advance(1_000);
    await c.settle();
    rt.sendHook = undefined;
    expect(refused).toBe(1);
    expect(podsOf(c, "sleeper").map((p: any) => p.metadata.finalizers ?? [])).toEqual([[], []]);
  });
  it("a Job deleted before its pods' finalizers go (its status write answered NotFound) still has them removed", async () => {
    const c = cluster();
    await c.apply(sleeper("default"));
    await c.settle();
    // The pods are deleted first, then the Job, with the controller's answers held back: the status
    // write that would let the finalizers go finds the Job gone.
    const rt = (c as any).runtime;
    const held: Array<() => void> = [];
    rt.sendHook = (from: string, to: string, msg: any) => {
      if (from !== "apiserver" || to !== "job-controller" || msg.type !== "ApiResponse") return false;
      held.push(() => rt.post(from, to, msg));
      return true;
    };
    for (const p of podsOf(c, "sleeper")) await c.delete("Pod", p.metadata.name, "default");
    c.advance(10_000);
    await c.settle();
    await c.delete("Job", "sleeper", "default", { propagationPolicy: "Background" });
    await c.settle();
    rt.sendHook = undefined;
    for (const f of held.splice(0)) f();
    await c.settle();
    c.advance(10_000);
    await c.settle();
    expect(podsOf(c, "sleeper").map((p: any) => `${p.metadata.name} ${p.status.phase} ${p.metadata.finalizers}`)).toEqual([]);
  });
});

describe("the docs' application/job manifests, unchanged", () => {
  const docs = (name: string) => readFileSync(new URL(`../../examples/application/job/${name}`, import.meta.url), "utf8");
  const logsOf = async (c: Cluster, pod: any, status: any) => {
    const logs = containerLogs(c as any, pod.spec.nodeName, status.containerID.replace(/^[a-z]+:\/\//, ""));
    await c.settle();
    return (await logs).map((l) => l.line);
  };

  it("indexed-job.yaml: each pod's init container writes items[index] and its worker prints it reversed; Completed Indexes 0-4", async () => {
    const c = cluster();
    await c.apply(docs("indexed-job.yaml"));
    await c.settle();
    c.advance(30_000);
    await c.settle();
    const job = c.get("Job", "indexed-job");
    // tasks/job/indexed-parallel-processing-static: Completed Indexes: 0-4, 5 Succeeded, and
    // `kubectl logs` of a pod prints its item backwards ("xuq" for qux, index 3)
    expect(job.status).toMatchObject({ succeeded: 5, completedIndexes: "0-4" });
    expect(condition(job, "Complete")?.status).toBe("True");
    const items = ["foo", "bar", "baz", "qux", "xyz"];
    const pods = podsOf(c, "indexed-job");
    expect(pods).toHaveLength(5);
    for (const p of pods) {
      const index = Number(p.metadata.annotations["batch.kubernetes.io/job-completion-index"]);
      expect(await logsOf(c, p, p.status.containerStatuses[0])).toEqual([[...items[index]!].reverse().join("")]);
    }
    expect(pods.some((p: any) => p.metadata.annotations["batch.kubernetes.io/job-completion-index"] === "3")).toBe(true);
  });

  it("job-sidecar.yaml: the Job completes when myjob exits, its logshipper sidecar having followed the log, then been stopped", async () => {
    const c = cluster();
    await c.apply(docs("job-sidecar.yaml"));
    await c.settle();
    c.advance(30_000);
    await c.settle();
    const job = c.get("Job", "myjob");
    // concepts/workloads/pods/sidecar-containers: a sidecar does not keep a Job from completing;
    // the kubelet stops it once the main containers are done
    expect(condition(job, "Complete")?.status).toBe("True");
    expect(job.status.succeeded).toBe(1);
    const [pod] = podsOf(c, "myjob");
    expect(pod.status.phase).toBe("Succeeded");
    const sidecar = pod.status.initContainerStatuses.find((s: any) => s.name === "logshipper");
    expect(sidecar.state.terminated).toBeDefined();
    expect(await logsOf(c, pod, sidecar)).toEqual(["logging"]);
    expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
  });
});
