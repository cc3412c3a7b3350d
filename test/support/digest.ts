// A digest of everything a run says: every message delivered between actors (API requests and
// responses, watch events, CRI/CNI calls and answers), in order, and every Event at the end.
// Used to prove that a refactor of a component changes no behaviour: record the digests on the
// old code, compare on the new. Timer firings are not deliveries, so their names may change.

import { createHash } from "node:crypto";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { runSpec, specFromSeed, scenarioNames, type RunSpec } from "../../properties/run.js";
import { faultNames } from "../../runtime/faults.js";

/** Hashes of one run: all deliveries, the kubelet's share of them, and the final Events. */
export interface RunDigest {
  name: string;
  messages: number;
  all: string;
  kubelet: string;
  events: string;
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x instanceof Map ? [...x.entries()] : x instanceof Set ? [...x.values()] : x));
}

class Recorder {
  private readonly all = createHash("sha256");
  private readonly kubelet = createHash("sha256");
  messages = 0;
  attach(cluster: Cluster): void {
    cluster.runtime.deliveryHooks.push((from, to, msg) => {
      const line = `${from}>${to} ${stable(msg)}\n`;
      this.messages++;
      this.all.update(line);
      if (from.startsWith("kubelet/") || to.startsWith("kubelet/")) this.kubelet.update(line);
    });
  }
  /** `cluster` still running: its Events are hashed too (a stopped cluster's are in the messages already). */
  finish(name: string, cluster?: Cluster): RunDigest {
    const events = cluster ? createHash("sha256").update(stable(cluster.events())).digest("hex").slice(0, 16) : "-";
    return { name, messages: this.messages, all: this.all.digest("hex").slice(0, 16), kubelet: this.kubelet.digest("hex").slice(0, 16), events };
  }
}

const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 5 } }] } } } };
const service = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 80 }] } };
const crasher = { apiVersion: "v1", kind: "Pod", metadata: { name: "crasher" }, spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "exit 1"] }, { name: "d", image: "busybox:1.36", command: ["sh", "-c", "sleep 7; exit 2"] }] } };
const onFailure = { apiVersion: "v1", kind: "Pod", metadata: { name: "onfailure" }, spec: { restartPolicy: "OnFailure", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3; exit 1"] }] } };
const liveness = { apiVersion: "v1", kind: "Pod", metadata: { name: "liveness" }, spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"], livenessProbe: { exec: { command: ["cat", "/tmp/healthy"] }, initialDelaySeconds: 5, periodSeconds: 5 } }] } };
const startup = { apiVersion: "v1", kind: "Pod", metadata: { name: "startup" }, spec: { containers: [{ name: "c", image: "nginx:1.27", startupProbe: { httpGet: { path: "/", port: 80 }, failureThreshold: 30, periodSeconds: 10 }, livenessProbe: { tcpSocket: { port: 80 } } }] } };
const badImage = { apiVersion: "v1", kind: "Pod", metadata: { name: "typo" }, spec: { containers: [{ name: "c", image: "ngnix" }] } };
const init = { apiVersion: "v1", kind: "Pod", metadata: { name: "init" }, spec: { initContainers: [{ name: "setup", image: "busybox:1.36", command: ["sh", "-c", "sleep 2"] }, { name: "side", image: "busybox:1.36", restartPolicy: "Always", command: ["sh", "-c", "sleep 3600"] }], containers: [{ name: "app", image: "nginx:1.27" }] } };
const initFails = { apiVersion: "v1", kind: "Pod", metadata: { name: "initfails" }, spec: { restartPolicy: "Never", initContainers: [{ name: "setup", image: "busybox:1.36", command: ["sh", "-c", "exit 4"] }], containers: [{ name: "app", image: "nginx:1.27" }] } };
const job = { apiVersion: "v1", kind: "Pod", metadata: { name: "once" }, spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "echo hi; sleep 5"] }] } };
const neverPull = { apiVersion: "v1", kind: "Pod", metadata: { name: "neverpull" }, spec: { containers: [{ name: "c", image: "example.com/app:1", imagePullPolicy: "Never" }] } };
const preStop = { apiVersion: "v1", kind: "Pod", metadata: { name: "prestop" }, spec: { terminationGracePeriodSeconds: 15, containers: [{ name: "c", image: "nginx:1.27", lifecycle: { preStop: { exec: { command: ["sh", "-c", "sleep 5"] } } } }] } };

/** The hand-built workload of the brief: a Deployment and Service, crash loops, probes, a bad image, init containers, scale-down, deletes. */
export async function workloadDigest(seed: number): Promise<RunDigest> {
  const cluster = createCluster({ nodes: 3, seed, clock: "simulated", trace: false });
  const rec = new Recorder();
  rec.attach(cluster);
  await cluster.apply([deployment, service, crasher, onFailure, liveness, startup, badImage, init, initFails, job, neverPull, preStop]);
  await cluster.settle();
  for (let i = 0; i < 40; i++) {
    cluster.advance(15_000);
    await cluster.settle();
  }
  await cluster.apply({ ...deployment, spec: { ...deployment.spec, replicas: 1 } });
  await cluster.settle();
  cluster.advance(60_000);
  for (const name of ["crasher", "liveness", "typo", "init", "prestop", "startup"]) await cluster.delete("Pod", name, "default");
  await cluster.settle();
  cluster.advance(120_000);
  await cluster.settle();
  await cluster.delete("Deployment", "web", "default");
  await cluster.settle();
  cluster.advance(60_000);
  await cluster.settle();
  const d = rec.finish(`workload seed ${seed}`, cluster);
  await cluster.stop();
  return d;
}

/** One checked run (faults, crashes of kubelets included), digested. */
export function specDigest(name: string, spec: RunSpec): RunDigest {
  const rec = new Recorder();
  const res = runSpec(spec, { prepare: (c) => rec.attach(c) });
  const d = rec.finish(name);
  return { ...d, name: `${name} (${res.phase}, ${res.violations.length} violations)` };
}

/** Every digest: the workload on two seeds, every regression spec, every example scenario with all faults on three seeds. */
export async function allDigests(regressions: Array<[string, RunSpec]>): Promise<RunDigest[]> {
  const out: RunDigest[] = [await workloadDigest(1), await workloadDigest(2)];
  for (const [name, spec] of regressions) out.push(specDigest(name, spec));
  for (const scenario of scenarioNames()) for (const seed of [1, 2, 3]) out.push(specDigest(`${scenario} seed ${seed}`, specFromSeed(seed, { scenario, steps: 1500, faults: [...faultNames] })));
  return out;
}
