// The real kubectl against `podflow serve` with PodDisruptionBudgets, as the docs walk through them
// (tasks/run-application/configure-pdb, tasks/administer-cluster/safely-drain-node): get pdb with
// kubectl's columns, the status the disruption controller writes, a drain that a budget blocks
// (evictions retried every 5 s until the timeout), and a drain the budget allows.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: zk
spec:
  replicas: 2
  selector:
    matchLabels:
      app: zookeeper
  template:
    metadata:
      labels:
        app: zookeeper
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;
const pdb = (min: number) => `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  minAvailable: ${min}
  selector:
    matchLabels:
      app: zookeeper
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: PodDisruptionBudgets and drain", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl get poddisruptionbudgets: MIN AVAILABLE, MAX UNAVAILABLE (N/A), ALLOWED DISRUPTIONS 0 while no pod is there", async () => {
    expect((await k(["apply", "-f", "-"], { input: pdb(2) })).out).toBe("poddisruptionbudget.policy/zk-pdb created\n");
    const out = await until(async () => {
      const o = (await k(["get", "poddisruptionbudgets"])).out;
      return /^zk-pdb +2 +N\/A +0 +(?:\d+[smhd])+$/m.test(o) ? o : undefined;
    }, 20_000);
    expect(out!.split("\n")[0]).toMatch(/^NAME +MIN AVAILABLE +MAX UNAVAILABLE +ALLOWED DISRUPTIONS +AGE$/);
  });

  it("with two ready pods and minAvailable 2 the status says 2 expected, 2 healthy, 2 desired, none allowed", async () => {
    await k(["apply", "-f", "-"], { input: deployment });
    const status = await until(async () => {
      const o = (await k(["get", "pdb", "zk-pdb", "-o", "jsonpath={.status}"])).out;
      const st = o ? JSON.parse(o) : {};
      return st.currentHealthy === 2 ? st : undefined;
    }, 30_000);
    expect(status).toMatchObject({ currentHealthy: 2, desiredHealthy: 2, expectedPods: 2, disruptionsAllowed: 0, observedGeneration: 1 });
    expect(status.conditions).toEqual([expect.objectContaining({ type: "DisruptionAllowed", status: "False", reason: "InsufficientPods", message: "", observedGeneration: 1 })]);
  });

  it("kubectl drain is held back by the budget: it retries the eviction every 5 s and gives up at its timeout", async () => {
    const node = (await k(["get", "pods", "-l", "app=zookeeper", "-o", "jsonpath={.items[0].spec.nodeName}"])).out;
    const r = await k(["drain", node, "--ignore-daemonsets", "--timeout=8s"], { timeoutMs: 30_000 });
    expect(r.code).not.toBe(0);
    expect(r.out + r.err).toMatch(/error when evicting pods\/"zk-[a-z0-9]+-[a-z0-9]{5}" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    expect((await k(["get", "pods", "-l", "app=zookeeper", "--field-selector", `spec.nodeName=${node}`, "--no-headers"])).out).toMatch(/Running/);
    await k(["uncordon", node]);
  });

  it("with minAvailable 1 one disruption is allowed and kubectl drain evicts the pod; the Deployment replaces it elsewhere", async () => {
    await k(["apply", "-f", "-"], { input: pdb(1) });
    await until(async () => /^zk-pdb +1 +N\/A +1 +/m.test((await k(["get", "pdb"])).out) || undefined, 20_000);
    const node = (await k(["get", "pods", "-l", "app=zookeeper", "-o", "jsonpath={.items[0].spec.nodeName}"])).out;
    const r = await k(["drain", node, "--ignore-daemonsets", "--timeout=60s"], { timeoutMs: 70_000 });
    expect(r.out + r.err).toMatch(/evicting pod default\/zk-/);
    expect(r.out).toMatch(new RegExp(`node/${node} drained`));
    const spread = await until(async () => {
      const o = (await k(["get", "pods", "-l", "app=zookeeper", "-o", "jsonpath={range .items[*]}{.spec.nodeName} {.status.phase}{\"\\n\"}{end}"])).out.trim().split("\n");
      return o.length === 2 && o.every((l) => !l.startsWith(`${node} `) && l.endsWith("Running")) ? o : undefined;
    }, 30_000);
    expect(spread).toBeTruthy();
    await k(["uncordon", node]);
  });
});
