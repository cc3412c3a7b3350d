// Sweep 8 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source (or the image's own program) does where the page is silent. The verdicts
// are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 8", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);
  const running = (pod: string) => until(async () => ((await jsonpath(["get", "pod", pod], "{.status.phase}")) === "Running" ? true : undefined), 30_000);
  const podIP = (pod: string) => jsonpath(["get", "pod", pod], "{.status.podIP}");
  // the Service's endpoints are there: a request through it reaches a pod
  const answered = (from: string, argv: string[]) => until(async () => {
    const r = await k(["exec", from, "--", ...argv]);
    return r.code === 0 ? r.out : undefined;
  }, 30_000);

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("source-ip: echoserver 1.10 behind a ClusterIP Service sees the client pod's own address (no SNAT), busybox wget's Host and agent; hostname -i prints the pod IP", async () => {
    expect((await k(["create", "deployment", "source-ip-app", "--image=registry.k8s.io/echoserver:1.10"])).out).toBe("deployment.apps/source-ip-app created\n");
    expect((await k(["expose", "deployment", "source-ip-app", "--name=clusterip", "--port=80", "--target-port=8080"])).out).toBe("service/clusterip exposed\n");
    expect((await k(["run", "busybox", "--image=busybox", "--restart=Never", "--", "sleep", "3600"])).code).toBe(0);
    expect(await running("busybox")).toBe(true);
    const client = await podIP("busybox");
    // the page's `ip addr` step shows the pod's address; busybox's hostname -i finds it in the kubelet's /etc/hosts
    expect((await k(["exec", "busybox", "--", "hostname", "-i"])).out).toBe(`${client} \n`);
    const vip = await jsonpath(["get", "svc", "clusterip"], "{.spec.clusterIP}");
    const body = await answered("busybox", ["wget", "-qO", "-", vip]);
    const hostname = await jsonpath(["get", "pods", "-l", "app=source-ip-app"], "{.items[0].metadata.name}");
    // test/images/echoserver's template: blank lines first, tab-indented sections, headers sorted by name
    expect(body).toBe(`\n\nHostname: ${hostname}\n\nPod Information:\n\t-no pod information available-\n\n`
      + "Server values:\n\tserver_version=nginx: 1.13.3 - lua: 10008\n\n"
      + `Request Information:\n\tclient_address=${client}\n\tmethod=GET\n\treal path=/\n\tquery=\n\trequest_version=1.1\n\trequest_scheme=http\n\trequest_uri=http://${vip}:8080/\n\n`
      + `Request Headers:\n\tconnection=close\n\thost=${vip}\n\tuser-agent=Wget\n\nRequest Body:\n\t-no body in request-\n\n`);
    // by name, with a query: the Host is the name as typed, ngx.var.host without a port
    const byName = await answered("busybox", ["wget", "-qO", "-", "clusterip/demo?x=1"]);
    expect(byName).toContain("\treal path=/demo?x=1\n\tquery=x=1\n");
    expect(byName).toContain("\trequest_uri=http://clusterip:8080/demo?x=1\n");
    expect(byName).toContain("\thost=clusterip\n");
  });

  it("source-ip: echoserver 1.4 answers in its older words (CLIENT VALUES, query=nil), and curl names itself and accepts anything", async () => {
    expect((await k(["create", "deployment", "echo-old", "--image=k8s.gcr.io/echoserver:1.4"])).code).toBe(0);
    expect((await k(["expose", "deployment", "echo-old", "--port=80", "--target-port=8080"])).code).toBe(0);
    expect((await k(["run", "curler", "--image=nginx"])).code).toBe(0);
    expect(await running("curler")).toBe(true);
    const client = await podIP("curler");
    const body = await answered("curler", ["curl", "-s", "http://echo-old"]);
    expect(body).toBe(`CLIENT VALUES:\nclient_address=${client}\ncommand=GET\nreal path=/\nquery=nil\nrequest_version=1.1\nrequest_uri=http://echo-old:8080/\n\n`
      + "SERVER VALUES:\nserver_version=nginx: 1.10.0 - lua: 10001\n\n"
      + "HEADERS RECEIVED:\naccept=*/*\nhost=echo-old\nuser-agent=curl/8.14.1\nBODY:\n-no body in request-");
  });

  it("eviction: the pod gets DisruptionTarget (EvictionByEvictionAPI, 'Eviction API: evicting') before it is deleted, as addConditionAndDeletePod writes it", async () => {
    // a long grace period: sh as PID 1 ignores SIGTERM, so the pod stays Terminating with its condition there to read
    const overrides = JSON.stringify({ spec: { terminationGracePeriodSeconds: 3600 } });
    expect((await k(["run", "evictme", "--image=busybox", `--overrides=${overrides}`, "--", "sleep", "3600"])).code).toBe(0);
    expect(await running("evictme")).toBe(true);
    const eviction = JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "evictme", namespace: "default" } });
    const r = await k(["create", "--raw", "/api/v1/namespaces/default/pods/evictme/eviction", "-f", "-"], eviction);
    expect(r.code).toBe(0);
    const cond = JSON.parse(await jsonpath(["get", "pod", "evictme"], '{.status.conditions[?(@.type=="DisruptionTarget")]}'));
    expect(cond).toMatchObject({ type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI", message: "Eviction API: evicting" });
    expect(await jsonpath(["get", "pod", "evictme"], "{.metadata.deletionTimestamp}")).not.toBe("");
  });

  it("guestbook: the redis-leader's log is redis 6.0.5's start-up, as the page shows it (LL_WARNING '#' lines, no monotonic clock, no listener named)", async () => {
    expect((await k(["create", "deployment", "redis-leader", "--image=docker.io/redis:6.0.5", "--port=6379"])).code).toBe(0);
    const log = await until(async () => {
      const r = await k(["logs", "deployment/redis-leader"]);
      return r.out.includes("Ready to accept") ? r.out : undefined;
    }, 30_000);
    const want = [
      "1:C S # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
      "1:C S # Redis version=6.0.5, bits=64, commit=00000000, modified=0, pid=1, just started",
      "1:C S # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf",
      "1:M S * Running mode=standalone, port=6379.",
      "1:M S # Server initialized",
      "1:M S * Ready to accept connections",
    ];
    // each line's time stamp (serverLogRaw's "%d %b %Y %H:%M:%S.mmm") stands as S
    expect(log!.trimEnd().split("\n").map((l) => l.replace(/^(1:[CM]) \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} /, "$1 S "))).toEqual(want);
  });

  it("a busybox wget to nginx: the access log names the client by its agent, Wget, where it named the kubelet's probe", async () => {
    expect((await k(["run", "web", "--image=nginx"])).code).toBe(0);
    expect(await running("web")).toBe(true);
    const ip = await podIP("web");
    expect(await answered("busybox", ["wget", "-qO", "/dev/null", `http://${ip}/`])).toBe("");
    const client = await podIP("busybox");
    const log = await until(async () => {
      const out = (await k(["logs", "web"])).out;
      return out.includes('"GET / HTTP/1.1"') ? out : undefined;
    }, 15_000);
    expect(log).toMatch(new RegExp(`^${client.replace(/\./g, "\\.")} - - \\[[^\\]]+\\] "GET / HTTP/1\\.1" 200 \\d+ "-" "Wget" "-"$`, "m"));
  });
  it("pod-failure-policy: a pod drained off its node is a disruption the Ignore rule ignores: status.failed stays unset (backoffLimit 0 is not exceeded) and the Job goes on to succeed", async () => {
    const manifest = `apiVersion: batch/v1
kind: Job
metadata:
  name: job-pod-failure-policy-ignore
spec:
  completions: 4
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: docker.io/library/bash:5
        command: ["bash"]
        args:
        - -c
        - echo "Hello world! I'm going to exit with 0 (success)." && sleep 90 && exit 0
  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: Ignore
      onPodConditions:
      - type: DisruptionTarget
`;
    expect((await k(["create", "-f", "-"], manifest)).out).toBe("job.batch/job-pod-failure-policy-ignore created\n");
    const nodeName = await until(async () => (await jsonpath(["get", "pods", "-l", "job-name=job-pod-failure-policy-ignore"], "{.items[0].spec.nodeName}")) || undefined, 30_000);
    expect(nodeName).toMatch(/^node-\d$/);
    const drained = await k(["drain", `nodes/${nodeName}`, "--ignore-daemonsets", "--grace-period=0", "--force"], undefined);
    expect(drained.out).toContain(`node/${nodeName} drained`);
    await new Promise((res) => setTimeout(res, 1_500));
    const status = JSON.parse(await jsonpath(["get", "jobs", "-l", "job-name=job-pod-failure-policy-ignore"], "{.items[0].status}"));
    expect(status.failed).toBeUndefined();
    expect((status.conditions ?? []).map((c: { type: string }) => c.type)).toEqual([]);
    expect((await k(["uncordon", `nodes/${nodeName}`])).code).toBe(0);
    const complete = await until(async () => ((await jsonpath(["get", "job", "job-pod-failure-policy-ignore"], '{.status.conditions[?(@.type=="Complete")].status}')) === "True" ? true : undefined), 90_000, 1_000);
    expect(complete).toBe(true);
    expect(await jsonpath(["get", "job", "job-pod-failure-policy-ignore"], "{.status.succeeded} {.status.failed}")).toBe("4 ");
  }, 150_000);
});
