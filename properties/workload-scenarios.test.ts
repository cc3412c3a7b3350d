// `podflow check` over each workload kind's scenario (examples/<name>.yaml), with every fault on:
// the kind's objects are applied, the run reaches the liveness phase and the end, and no invariant
// (the kind's own among them) is violated. The seeds are fixed so a failure replays with
// `podflow replay <seed> --scenario <name> --steps 600 --faults all`.

import { describe, expect, it } from "vitest";
import { runSpec, specFromSeed } from "./run.js";
import { faultNames } from "../runtime/faults.js";
import { invariantNames } from "./invariants/index.js";

const scenarios: [string, string, string][] = [
  ["job", "Job", "jobNeverExceedsParallelism"],
  ["indexed-job", "Job", "jobNeverExceedsParallelism"],
  ["cronjob", "CronJob", "cronJobNeverStartsEarly"],
  ["daemonset", "DaemonSet", "daemonSetRunsOnePodPerNode"],
  ["web", "StatefulSet", "statefulSetOrderedReady"],
  ["statefulset", "StatefulSet", "statefulSetOrderedReady"],
  ["storage", "PersistentVolumeClaim", "pvcBoundToAtMostOnePV"],
  ["replication", "ReplicationController", "replicationControllerNeverOwnsTooManyPods"],
];

describe("podflow check scenarios of the workload controllers, faults on", () => {
  it.each(scenarios)("%s (%s, judged by %s among all the invariants)", (scenario, kind, invariant) => {
    expect(invariantNames()).toContain(invariant);
    const spec = specFromSeed(7, { scenario, steps: 600, faults: [...faultNames] });
    expect(spec.commands.some((c) => c.op === "apply" && c.obj.kind === kind)).toBe(true);
    const r = runSpec(spec);
    expect(r.violations).toEqual([]);
    expect(r.phase).toBe("done");
    expect(r.faults).toBeGreaterThan(0);
  });
});
