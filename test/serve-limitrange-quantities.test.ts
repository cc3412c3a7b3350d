// LimitRanger through kubectl with quantities a float cannot hold: plugin/pkg/admission/limitranger
// compares Quantity.Value / MilliValue (int64, apimachinery's amount.go overflow included).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("LimitRanger's int64 comparisons through kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const pod = (name: string, ns: string, resources: unknown) => JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns }, spec: { containers: [{ name: "c", image: "busybox:1.36", resources }] } });
  const range = (ns: string, item: unknown) => JSON.stringify({ apiVersion: "v1", kind: "LimitRange", metadata: { name: "lr", namespace: ns }, spec: { limits: [item] } });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    for (const ns of ["maxed", "floored", "exact"]) expect((await k(["create", "namespace", ns])).code).toBe(0);
    expect((await k(["create", "-f", "-"], range("maxed", { type: "Container", max: { cpu: "2" } }))).code).toBe(0);
    expect((await k(["create", "-f", "-"], range("floored", { type: "Container", min: { cpu: "11m" } }))).code).toBe(0);
    expect((await k(["create", "-f", "-"], range("exact", { type: "Container", max: { memory: "9007199254740992" } }))).code).toBe(0);
  });
  afterAll(async () => {
    await s?.stop();
  });

  // int64Amount{1, MaxInt32} has MilliValue 1 (its canonical 10e2147483646, 10): under 2, below 11m either way
  it("1e2147483647 cpu overflows to a MilliValue of a few millicores: under a max of 2, below a min of 11m", async () => {
    const huge = { limits: { cpu: "1e2147483647" } };
    expect((await k(["create", "-f", "-"], pod("huge", "maxed", huge))).out).toBe("pod/huge created\n");
    // the request defaults to the limit; String() is AsCanonicalBytes' 10e2147483646 (the exponent made a multiple of 3)
    expect((await k(["create", "-f", "-"], pod("huge", "floored", huge))).err).toBe('Error from server (Forbidden): error when creating "STDIN": pods "huge" is forbidden: minimum cpu usage per Container is 11m, but request is 10e2147483646\n');
  }, 60_000);

  it("memory past 2^53 is compared exactly", async () => {
    expect((await k(["create", "-f", "-"], pod("over", "exact", { limits: { memory: "9007199254740993" } }))).err).toBe('Error from server (Forbidden): error when creating "STDIN": pods "over" is forbidden: maximum memory usage per Container is 9007199254740992, but limit is 9007199254740993\n');
    expect((await k(["create", "-f", "-"], pod("at", "exact", { limits: { memory: "9007199254740992" } }))).out).toBe("pod/at created\n");
  }, 60_000);
});
