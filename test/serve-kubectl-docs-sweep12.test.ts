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
  it("tasks/administer-cluster/sysctl-cluster: the kubelet rejects a pod with a sysctl off its allowlist (SysctlForbidden, Pod was rejected), and runs one with safe sysctls only", async () => {
    const pod = (name: string, sysctls: [string, string][]) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  securityContext:
    sysctls:
${sysctls.map(([n, v]) => `    - name: ${n}\n      value: "${v}"`).join("\n")}
  containers:
  - name: c
    image: busybox:1.28
    command: ["sleep", "3600"]
`;
    // the page's sysctl-example: kernel.shm_rmid_forced is safe, net.core.somaxconn and kernel.msgmax are not
    expect((await k(["apply", "-f", "-"], pod("sysctl-example", [["kernel.shm_rmid_forced", "0"], ["net.core.somaxconn", "1024"], ["kernel.msgmax", "65536"]]))).code).toBe(0);
    expect((await k(["apply", "-f", "-"], pod("sysctl-safe", [["kernel.shm_rmid_forced", "1"], ["net/ipv4/ip_local_port_range", "32768 60999"]]))).code).toBe(0);
    const rejected = await until(async () => {
      const st = await jsonpath(["get", "pod", "sysctl-example"], "{.status.phase}|{.status.reason}|{.status.message}");
      return st.startsWith("Failed|") ? st : undefined;
    }, 30_000);
    // patternAllowlist.Admit's first refusal; rejectPod: "Pod was rejected: " + message (pkg/kubelet/kubelet.go)
    expect(rejected).toBe('Failed|SysctlForbidden|Pod was rejected: forbidden sysctl: "net.core.somaxconn" not allowlisted');
    expect(await events("sysctl-example")).toContain('SysctlForbidden: forbidden sysctl: "net.core.somaxconn" not allowlisted');
    // the rejected status is rejectPod's alone: no container statuses, no conditions, no host IP
    expect(await jsonpath(["get", "pod", "sysctl-example"], "{.status.containerStatuses}{.status.conditions}{.status.hostIP}")).toBe("");
    expect((await k(["get", "pod", "sysctl-example"])).out).toMatch(/\nsysctl-example +0\/1 +SysctlForbidden +0 /);
    expect(await until(async () => ((await jsonpath(["get", "pod", "sysctl-safe"], "{.status.phase}")) === "Running" ? true : undefined), 30_000)).toBe(true);
    // a rejected pod goes at once when deleted: nothing of it runs
    expect((await k(["delete", "pod", "sysctl-example", "--timeout=20s"])).out).toBe('pod "sysctl-example" deleted\n');
  });
  it("concepts/scheduling-eviction/assign-pod-node (nodeName): the kubelet's predicate admit handler rejects a pod bound past the scheduler that does not fit (OutOfcpu) or whose nodeSelector the node does not match (NodeAffinity)", async () => {
    const nodes = (await jsonpath(["get", "nodes"], "{.items[*].metadata.name}")).split(" ");
    const pod = (name: string, node: string, extra: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  nodeName: ${node}
${extra}  containers:
  - name: c
    image: busybox:1.28
    command: ["sleep", "3600"]
    resources:
      requests:
        cpu: "${name === "too-big" ? "100" : "100m"}"
`;
    expect((await k(["apply", "-f", "-"], pod("too-big", nodes[0]!, ""))).code).toBe(0);
    expect((await k(["apply", "-f", "-"], pod("wrong-node", nodes[1]!, "  nodeSelector:\n    disktype: ssd\n"))).code).toBe(0);
    expect((await k(["apply", "-f", "-"], pod("fits", nodes[1]!, ""))).code).toBe(0);
    const failed = (name: string) => until(async () => {
      const st = await jsonpath(["get", "pod", name], "{.status.phase}|{.status.reason}|{.status.message}");
      return st.startsWith("Failed|") ? st : undefined;
    }, 30_000);
    // the node's allocatable cpu and what the pods it admitted request (InsufficientResourceError's numbers)
    const allocatable = await jsonpath(["get", "node", nodes[0]!], "{.status.allocatable.cpu}");
    const others = (await jsonpath(["get", "pods", "-A", "--field-selector", `spec.nodeName=${nodes[0]},metadata.name!=too-big`], "{range .items[*]}{range .spec.containers[*]}{.resources.requests.cpu}{\" \"}{end}{end}")).split(" ").filter(Boolean);
    const milli = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000);
    const used = others.reduce((sum, q) => sum + milli(q), 0);
    expect(await failed("too-big")).toBe(`Failed|OutOfcpu|Pod was rejected: Node didn't have enough resource: cpu, requested: 100000, used: ${used}, capacity: ${milli(allocatable)}`);
    expect(await events("too-big")).toContain(`OutOfcpu: Node didn't have enough resource: cpu, requested: 100000, used: ${used}, capacity: ${milli(allocatable)}`);
    expect(await failed("wrong-node")).toBe("Failed|NodeAffinity|Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector");
    expect(await until(async () => ((await jsonpath(["get", "pod", "fits"], "{.status.phase}")) === "Running" ? true : undefined), 30_000)).toBe(true);
  });
  it("concepts/services-networking/dns-pod-service (SRV records): `nslookup -type=srv` answers a named port's _port._proto name: one record per ready endpoint of a headless Service (hostname.subdomain targets), the Service's name for a ClusterIP one; NODATA for a name without SRV records", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Service
metadata:
  name: busybox-subdomain
spec:
  selector:
    name: busybox
  clusterIP: None
  ports:
  - name: foo
    port: 1234
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
${[1, 2].map((i) => `---
apiVersion: v1
kind: Pod
metadata:
  name: busybox${i}
  labels:
    name: busybox
spec:
  hostname: busybox-${i}
  subdomain: busybox-subdomain
  containers:
  - image: busybox:1.28
    command: ["sleep", "3600"]
    name: busybox
`).join("")}---
apiVersion: v1
kind: Pod
metadata:
  name: srv-client
spec:
  containers:
  - image: busybox:1.37
    command: ["sleep", "3600"]
    name: c
`)).code).toBe(0);
    const domain = "default.svc.cluster.local";
    const srv = (name: string) => k(["exec", "srv-client", "--", "nslookup", "-type=srv", name]);
    const headless = await until(async () => {
      const r = await srv(`_foo._tcp.busybox-subdomain.${domain}`);
      return r.out.split("\n").filter((l) => l.includes("service =")).length === 2 ? r : undefined;
    }, 60_000, 1000);
    // busybox's parse_reply: "%s\tservice = %u %u %u %s"; CoreDNS weighs n equal records 100/n
    expect(headless?.out.split("\n").filter((l) => l.includes("service =")).sort()).toEqual([1, 2].map((i) => `_foo._tcp.busybox-subdomain.${domain}\tservice = 0 50 1234 busybox-${i}.busybox-subdomain.${domain}`));
    expect((await srv(`_http._tcp.web.${domain}`)).out).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n_http._tcp.web.${domain}\tservice = 0 100 80 web.${domain}\n\n`);
    // the Service's own name has an A record and no SRV: NOERROR with no answer
    const none = await srv(`web.${domain}`);
    expect([none.code, none.out]).toEqual([0, `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n*** Can't find web.${domain}: No answer\n\n`]);
    const missing = await srv(`_x._tcp.nope.${domain}`);
    expect([missing.code, missing.out]).toEqual([1, `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find _x._tcp.nope.${domain}: NXDOMAIN\n\n`]);
  });
  it("tasks/administer-cluster/declare-network-policy: busybox's `wget --spider --timeout=1 nginx` names the address it dials, `Connecting to nginx (<cluster IP>:80)`, then `remote file exists`; a name that does not resolve prints no Connecting line", async () => {
    expect((await k(["create", "deployment", "nginx", "--image=nginx"])).code).toBe(0);
    expect((await k(["expose", "deployment", "nginx", "--port=80"])).code).toBe(0);
    expect((await k(["run", "wget-client", "--image=busybox:1.37", "--command", "--", "sleep", "3600"])).code).toBe(0);
    const ip = await jsonpath(["get", "service", "nginx"], "{.spec.clusterIP}");
    const spider = await until(async () => {
      const r = await k(["exec", "wget-client", "--", "wget", "--spider", "--timeout=1", "nginx"]);
      return r.code === 0 ? r : undefined;
    }, 60_000, 1000);
    // wget.c: fprintf(stderr, "Connecting to %s (%s)\n", server.host, xmalloc_sockaddr2dotted(&lsa->u.sa))
    expect(spider?.err).toBe(`Connecting to nginx (${ip}:80)\nremote file exists\n`);
    const bad = await k(["exec", "wget-client", "--", "wget", "--spider", "--timeout=1", "no-such-service"]);
    expect(bad.err).toContain("wget: bad address 'no-such-service'\n");
    expect(bad.err).not.toContain("Connecting to");
    // localhost is 127.0.0.1 (/etc/hosts); a refused connection names the address without its port (xmalloc_sockaddr2dotted_noport)
    const refused = await k(["exec", "wget-client", "--", "wget", "-O-", "localhost"]);
    expect(refused.err).toContain("Connecting to localhost (127.0.0.1:80)\nwget: can't connect to remote host (127.0.0.1): Connection refused\n");
  });
});
