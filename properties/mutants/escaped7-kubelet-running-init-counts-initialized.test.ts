// escaped7: podConditionsMatchContainerStatuses reports the mutant kubelet.running-init-counts-initialized (a file of its own: the mutant on from a fresh process).
import { afterEach, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { check, ordinaryRun } from "./escaped7-run.js";

afterEach(() => setMutants([]));

it("podConditionsMatchContainerStatuses reports the mutant kubelet.running-init-counts-initialized", async () => {
  setMutants(["kubelet.running-init-counts-initialized"]);
  const c = createCluster({ nodes: 2, seed: 7 });
  const seen = check(c, "podConditionsMatchContainerStatuses");
  await ordinaryRun(c).catch(() => undefined);
  await c.stop();
  expect(seen.map((v) => v.invariant)).toContain("podConditionsMatchContainerStatuses");
}, 180_000);
