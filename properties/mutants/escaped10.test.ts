// Round ten's invariants on the scenario examples/sidecar-probes.yaml (a native sidecar with a
// startup probe and a late readiness, app containers held back by startup probes): every invariant
// holds on an ordinary run of it, the run reaches what the new rules judge, and the mutants they
// were written for are reported. The expectations are the prober manager's (UpdatePodStatus: no
// readiness before started) and GenerateContainersReadyCondition's (sidecars count), not the code
// under test's.
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { invariantNames } from "../invariants/index.js";
import { containerReadyOnlyWhenStarted } from "../invariants/pods.js";
import { exampleObjects } from "../run.js";
import { check } from "./escaped8-run.js";

/** The scenario's Deployment and Service, run for 40 s, then one pod deleted and run 20 s more. */
async function sidecarRun(c: Cluster): Promise<void> {
  await c.apply(exampleObjects("sidecar-probes"));
  for (let i = 0; i < 40; i++) {
    c.advance(1_000);
    await c.settle();
  }
  const [first] = c.list("Pod", { namespace: "default", labelSelector: "app=proxied" });
  await c.delete("Pod", first.metadata.name, "default");
  for (let i = 0; i < 20; i++) {
    c.advance(1_000);
    await c.settle();
  }
}

afterEach(() => setMutants([]));

describe("round 10: readiness waits for started, and sidecars count for ContainersReady", () => {
  it("containerReadyOnlyWhenStarted is in the registry, and reports a status ready but not started", () => {
    expect(invariantNames()).toContain("containerReadyOnlyWhenStarted");
    const c = createCluster({ nodes: 1, seed: 1 });
    const chk = containerReadyOnlyWhenStarted.create(c.runtime);
    const pod = (ready: boolean, started: boolean) => ({
      metadata: { name: "p", namespace: "default", uid: `p-${ready}-${started}` },
      spec: { initContainers: [{ name: "proxy", restartPolicy: "Always" }, { name: "setup" }], containers: [{ name: "c" }] },
      status: {
        initContainerStatuses: [{ name: "proxy", ready, started, state: { running: {} } }, { name: "setup", ready: true, started: false, state: { terminated: { exitCode: 0 } } }],
        containerStatuses: [{ name: "c", ready: false, started: false, state: { running: {} } }],
      },
    });
    const world = (p: any) => ({ list: (k: string) => (k === "Pod" ? [p] : []) }) as any;
    // a regular init container that exited 0 is ready and not started: not judged
    expect(chk.step!(world(pod(true, true)))).toEqual([]);
    expect(chk.step!(world(pod(true, false))).map((v) => v.message)).toEqual(["container proxy of pod default/p is Ready but not started (its startup probe has not succeeded)"]);
    void c.stop();
  });

  it("every invariant holds on the sidecar-probes scenario, which reaches a started container not yet Ready and a Ready app beside a sidecar not yet Ready", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c);
    const reached = new Set<string>();
    c.runtime.observers.push(() => {
      for (const p of c.list("Pod", { namespace: "default", labelSelector: "app=proxied" })) {
        const app = (p.status?.containerStatuses ?? []).find((s: any) => s.name === "app");
        const proxy = (p.status?.initContainerStatuses ?? []).find((s: any) => s.name === "proxy");
        if (app?.state?.running && app.started === false) reached.add("app running, not started");
        if (app?.ready === true && proxy?.ready === false) reached.add("app ready, sidecar not");
        if (proxy?.ready === true) reached.add("sidecar ready");
      }
    });
    await sidecarRun(c);
    expect(seen.map((v) => `${v.invariant}: ${v.message}`)).toEqual([]);
    expect([...reached].sort()).toEqual(["app ready, sidecar not", "app running, not started", "sidecar ready"]);
    const pods = c.list("Pod", { namespace: "default", labelSelector: "app=proxied" }).filter((p: any) => !p.metadata.deletionTimestamp);
    expect(pods.map((p: any) => p.status.conditions.find((x: any) => x.type === "Ready").status)).toEqual(["True", "True"]);
    await c.stop();
  }, 180_000);

  it("containerReadyOnlyWhenStarted reports the mutant kubelet.ready-ignores-startup-probe", async () => {
    setMutants(["kubelet.ready-ignores-startup-probe"]);
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c, "containerReadyOnlyWhenStarted");
    await sidecarRun(c).catch(() => undefined);
    await c.stop();
    expect(seen.map((v) => v.invariant)).toContain("containerReadyOnlyWhenStarted");
  }, 180_000);

  it("podConditionsMatchContainerStatuses reports the mutant kubelet.containers-ready-ignores-sidecars", async () => {
    setMutants(["kubelet.containers-ready-ignores-sidecars"]);
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c, "podConditionsMatchContainerStatuses");
    await sidecarRun(c).catch(() => undefined);
    await c.stop();
    expect(seen.map((v) => v.message)).toContainEqual(expect.stringMatching(/has ContainersReady True while not every container \(a sidecar\) is ready$/));
  }, 180_000);
});
