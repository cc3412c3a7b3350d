// The real kubectl against `podflow serve` with the docs' pod-with-scheduling-gates walkthrough
// (concepts/scheduling-eviction/pod-scheduling-readiness): the pod shows SchedulingGated, its
// gates print as the docs show, a gate cannot be added, and re-applying it without gates runs it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const gated = `
apiVersion: v1
kind: Pod
metadata:
  name: test-pod
spec:
  schedulingGates:
  - name: example.com/foo
  - name: example.com/bar
  containers:
  - name: pause
    image: registry.k8s.io/pause:3.6
`;
const ungated = `
apiVersion: v1
kind: Pod
metadata:
  name: test-pod
spec:
  containers:
  - name: pause
    image: registry.k8s.io/pause:3.6
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: scheduling gates", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl get pod shows SchedulingGated and the gates print as the docs show", async () => {
    expect((await k(["apply", "-f", "-"], { input: gated })).out).toBe("pod/test-pod created\n");
    expect((await k(["get", "pod", "test-pod"])).out).toMatch(/^test-pod +0\/1 +SchedulingGated +0 +(?:\d+[smhd])+$/m);
    expect((await k(["get", "pod", "test-pod", "-o", "jsonpath={.spec.schedulingGates}"])).out).toBe('[{"name":"example.com/foo"},{"name":"example.com/bar"}]');
    const events = (await k(["get", "events", "--field-selector", "involvedObject.name=test-pod", "-o", "jsonpath={.items[*].reason}"])).out;
    expect(events).not.toMatch(/FailedScheduling/);
  });

  it("a new gate is refused: only deletion is allowed", async () => {
    const r = await k(["patch", "pod", "test-pod", "--type=json", "-p", '[{"op":"add","path":"/spec/schedulingGates/-","value":{"name":"example.com/baz"}}]']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("only deletion is allowed, but found new scheduling gate 'example.com/baz'");
  });

  it("re-applied without gates it is scheduled and runs", async () => {
    await k(["apply", "-f", "-"], { input: ungated });
    const out = await until(async () => {
      const o = (await k(["get", "pod", "test-pod", "-o", "wide"])).out;
      return /^test-pod +1\/1 +Running +0 +\S+ +[\d.]+ +node-1 /m.test(o) ? o : undefined;
    }, 20_000);
    expect(out).toBeTruthy();
  });
});
