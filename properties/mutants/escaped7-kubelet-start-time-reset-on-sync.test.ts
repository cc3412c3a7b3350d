// escaped7: podStartTimeSetOnce reports the mutant kubelet.start-time-reset-on-sync (a file of its own: the mutant on from a fresh process).
import { afterEach, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { check, ordinaryRun } from "./escaped7-run.js";

afterEach(() => setMutants([]));

it("podStartTimeSetOnce reports the mutant kubelet.start-time-reset-on-sync", async () => {
  setMutants(["kubelet.start-time-reset-on-sync"]);
  const c = createCluster({ nodes: 2, seed: 7 });
  const seen = check(c, "podStartTimeSetOnce");
  await ordinaryRun(c).catch(() => undefined);
  await c.stop();
  expect(seen.map((v) => v.invariant)).toContain("podStartTimeSetOnce");
}, 180_000);
