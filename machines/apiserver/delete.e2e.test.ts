// A second DELETE of a pod already terminating (rest.BeforeDelete): only a given, shorter grace
// period counts, and the deletionTimestamp moves by the difference (old timestamp - old grace + new
// grace), not to now + new grace; a longer or absent grace leaves the pod as it is; grace 0 removes it.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const pod = `
apiVersion: v1
kind: Pod
metadata:
  name: sleeper
spec:
  terminationGracePeriodSeconds: 60
  containers:
  - name: main
    image: busybox:1.36
    command: ["sleep", "3600"]
`;

async function terminating(grace: number) {
  const c = createCluster({ nodes: 1, seed: 11, clock: "simulated" });
  await c.apply(pod);
  await c.settle();
  expect(c.get("Pod", "sleeper").status.phase).toBe("Running");
  await c.delete("Pod", "sleeper", "default", { gracePeriodSeconds: grace });
  const first = c.get("Pod", "sleeper").metadata;
  expect(first.deletionGracePeriodSeconds).toBe(grace);
  return { c, first };
}

const seconds = (ts: string) => Date.parse(ts) / 1000;

describe("a repeated DELETE of a terminating pod (rest.BeforeDelete)", () => {
  it("moves the deletionTimestamp back by the difference when the grace period is shorter", async () => {
    const { c, first } = await terminating(30);
    c.advance(10_000);
    await c.delete("Pod", "sleeper", "default", { gracePeriodSeconds: 5 });
    const again = c.get("Pod", "sleeper").metadata;
    expect(again.deletionGracePeriodSeconds).toBe(5);
    expect(seconds(again.deletionTimestamp)).toBe(seconds(first.deletionTimestamp) - 30 + 5);
  });

  it("leaves the pod as it is when the grace period is longer or not given", async () => {
    const { c, first } = await terminating(30);
    c.advance(5_000);
    const rv = c.get("Pod", "sleeper").metadata.resourceVersion;
    await c.delete("Pod", "sleeper", "default", { gracePeriodSeconds: 45 });
    // no grace period: the pod's terminationGracePeriodSeconds is not asked again
    await c.delete("Pod", "sleeper", "default");
    const again = c.get("Pod", "sleeper").metadata;
    expect(again.resourceVersion).toBe(rv);
    expect([again.deletionTimestamp, again.deletionGracePeriodSeconds]).toEqual([first.deletionTimestamp, 30]);
  });

  it("does not shorten a 60 s deletion to the spec's 30 s when the DELETE names no grace period", async () => {
    const c = createCluster({ nodes: 1, seed: 11, clock: "simulated" });
    await c.apply(pod.replace("terminationGracePeriodSeconds: 60", "terminationGracePeriodSeconds: 30"));
    await c.settle();
    await c.delete("Pod", "sleeper", "default", { gracePeriodSeconds: 60 });
    const first = c.get("Pod", "sleeper").metadata;
    await c.delete("Pod", "sleeper", "default");
    const again = c.get("Pod", "sleeper").metadata;
    expect([again.deletionTimestamp, again.deletionGracePeriodSeconds]).toEqual([first.deletionTimestamp, 60]);
  });

  it("removes the pod at once with grace 0 (a force delete of a terminating pod)", async () => {
    const { c } = await terminating(30);
    c.advance(2_000);
    await c.delete("Pod", "sleeper", "default", { gracePeriodSeconds: 0 });
    expect(c.get("Pod", "sleeper")).toBeUndefined();
  });
});
