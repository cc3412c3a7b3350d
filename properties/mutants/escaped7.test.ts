// The eighth round's invariants on an ordinary run (properties/mutants/escaped7-run.ts): silent, and
// the run converges. Each mutant is shown reported in a file of its own (escaped7-*.test.ts).
import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { invariantNames } from "../invariants/index.js";
import { notConverged } from "../invariants/liveness.js";
import { check, names, ordinaryRun, round } from "./escaped7-run.js";

describe("the eighth round's invariants", () => {
  it("are in the registry", () => {
    expect(invariantNames()).toEqual(expect.arrayContaining(names));
    expect(round.length).toBe(names.length);
  });

  it("hold on an ordinary run, which reaches what they judge, and the run converges", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c);
    await ordinaryRun(c);
    expect(seen.map((v) => v.message)).toEqual([]);
    expect(notConverged(c)).toBeUndefined();
    const complete = c.get("Job", "short", "default");
    expect(complete.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: "Complete", status: "True" })]));
    expect(complete.status.completionTime).toBeDefined();
    const set = c.get("StatefulSet", "db", "default");
    expect(set.status.currentRevision).toBe(set.status.updateRevision);
    expect(set.status.readyReplicas).toBe(2);
    const d = c.get("Deployment", "web", "default");
    expect(d.status.availableReplicas).toBe(2);
    expect(d.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: "Available", status: "True" }), expect.objectContaining({ type: "Progressing", reason: "NewReplicaSetAvailable" })]));
    const ds = c.get("DaemonSet", "agent", "default");
    expect(ds.status.observedGeneration).toBe(ds.metadata.generation);
    expect(ds.metadata.generation).toBe(2);
    await c.stop();
  }, 180_000);
});
