// pkg/api/v1/pod/util_test.go (the stored copy of the v1.3x line), row by row: TestIsPodAvailable and
// TestIsPodTerminal; TestFindPort from an older stored copy (FindPort's rule for regular containers is
// v1.35's; v1.35 looks in sidecars after them, which no row exercises). Its newPod helper: one Ready condition of the given status whose lastTransitionTime is
// beforeSec seconds before now. Left out: TestIsPodAvailable's row (ready 51s, minReadySeconds 51) expecting
// true: with v1.35's IsPodAvailable (LastTransitionTime + minReadySeconds strictly Before now) the two instants
// are equal, so the row speaks for a later util.go than the one read; podflow keeps v1.35's strict comparison.

import { describe, expect, it } from "vitest";
import type { Container, Pod } from "kubernetes-types/core/v1";
import { isPodAvailable } from "./podutil.js";
import { findPort, isPodTerminal } from "./endpointutil.js";

const now = Date.parse("2026-12-07T00:00:00Z");
const newPod = (ready: boolean, beforeSec: number, lastTransitionTime: string | null = new Date(now - beforeSec * 1000).toISOString()): Pod => ({
  status: { conditions: [{ type: "Ready", status: ready ? "True" : "False", ...(lastTransitionTime === null ? {} : { lastTransitionTime }) }] },
});

describe("TestIsPodAvailable", () => {
  const rows: [string, Pod, number, boolean][] = [
    ["not ready", newPod(false, 0), 0, false],
    ["ready now, minReadySeconds 1", newPod(true, 0), 1, false],
    ["ready without a lastTransitionTime, minReadySeconds 1", newPod(true, 0, null), 1, false],
    ["ready now, minReadySeconds 0", newPod(true, 0), 0, true],
    ["ready 51s, minReadySeconds 50", newPod(true, 51), 50, true],
    ["ready 51s, minReadySeconds 52", newPod(true, 51), 52, false],
  ];
  it.each(rows)("%s", (_name, pod, minReadySeconds, expected) => {
    expect(isPodAvailable(pod, minReadySeconds, now)).toBe(expected);
  });
});

describe("TestIsPodTerminal", () => {
  const rows: [string | undefined, boolean][] = [["Failed", true], ["Succeeded", true], ["Unknown", false], ["Pending", false], ["Running", false], [undefined, false]];
  it.each(rows)("phase %s", (phase, expected) => {
    const pod = newPod(true, 0);
    expect(isPodTerminal({ ...pod, status: { ...pod.status, ...(phase ? { phase } : {}) } })).toBe(expected);
  });
});

describe("TestFindPort (a Service port of protocol TCP)", () => {
  const ports = (...ps: Array<[string, number, string, Partial<{ hostPort: number; hostIP: string }>?]>): Container =>
    ({ name: "c", ports: ps.map(([name, containerPort, protocol, extra]) => ({ name, containerPort, protocol, ...extra })) });
  // FindPort's error is undefined here; its port 0 with the error
  const rows: Array<[string, Container[], number | string, number | undefined]> = [
    ["valid int, no ports", [{ name: "c" }], 93, 93],
    ["valid int, with ports", [ports(["", 11, "TCP"], ["p", 22, "TCP"])], 93, 93],
    ["valid str, no ports", [{ name: "c" }], "p", undefined],
    ["valid str, one ctr with ports", [ports(["", 11, "UDP"], ["p", 22, "TCP"], ["q", 33, "TCP"])], "q", 33],
    ["valid str, two ctr with ports", [{ name: "c0" }, ports(["", 11, "UDP"], ["p", 22, "TCP"], ["q", 33, "TCP"])], "q", 33],
    ["valid str, two ctr with same port", [{ name: "c0" }, ports(["", 11, "UDP"], ["p", 22, "TCP"], ["q", 22, "TCP"])], "q", 22],
    ["valid str, invalid protocol", [{ name: "c0" }, ports(["a", 11, "snmp"])], "a", undefined],
    ["valid hostPort", [{ name: "c0" }, ports(["a", 11, "TCP", { hostPort: 81 }])], "a", 11],
    ["invalid hostPort", [{ name: "c0" }, ports(["a", 11, "TCP", { hostPort: -1 }])], "a", 11],
    ["invalid ContainerPort", [{ name: "c0" }, ports(["a", -1, "TCP"])], "a", -1],
    ["HostIP Address", [{ name: "c0" }, ports(["a", 11, "TCP", { hostIP: "192.168.1.1" }])], "a", 11],
  ];
  it.each(rows)("%s", (_name, containers, targetPort, want) => {
    expect(findPort({ spec: { containers } }, { port: 80, protocol: "TCP", targetPort })).toBe(want);
  });
});
