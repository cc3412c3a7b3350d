// Round fifteen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// InterPodAffinity's first-pod exception needs the pod to match its own terms (filtering.go
// satisfyPodAffinity, podMatchesAllAffinityTerms).
// The same expectations sit beside the behaviour: machines/scheduler/plugins/affinity-spread.test.ts.
import type { Pod } from "kubernetes-types/core/v1";
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { newNodeInfo } from "../../machines/scheduler/framework.js";
import { InterPodAffinity } from "../../machines/scheduler/plugins/InterPodAffinity/index.js";
import { makeNode, makePod } from "../../machines/scheduler/plugins/testing.js";

afterEach(() => setMutants([]));

/** A pod labelled app=web requiring affinity to app=db, no pod anywhere: no node fits. */
function firstPodExceptionNeedsSelfMatch(): boolean {
  const pod: Pod = makePod("p", [], { labels: { app: "web" }, spec: { containers: [], affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "db" } }, topologyKey: "zone" }] } } } });
  const nodes = [newNodeInfo(makeNode("a", {}, { zone: "z1" }), []), newNodeInfo(makeNode("b", {}, { zone: "z2" }), [])];
  const state = new Map();
  const pre = InterPodAffinity.preFilter?.(state, pod, nodes, {});
  if (pre === "Skip") return false;
  return nodes.every((ni) => InterPodAffinity.filter(state, pod, ni).code === "UnschedulableAndUnresolvable");
}

const rows: Array<[string, () => boolean | Promise<boolean>]> = [
  ["scheduler.affinity-first-pod-without-self-match", firstPodExceptionNeedsSelfMatch],
];

describe("round 15: the checks added for the mutants that escaped", () => {
  for (const [name, holds] of rows) {
    it(`${holds.name} holds on the correct code and fails with the mutant ${name}`, async () => {
      expect(await holds()).toBe(true);
      setMutants([name]);
      expect(await holds()).toBe(false);
    });
  }
});
