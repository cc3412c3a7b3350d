// pkg/kubelet/prober/prober_test.go (the stored copy of the v1.3x line), row by row: TestGetURLParts and
// TestGetTCPAddrParts, which resolve the action's port with probe.ResolveContainerPort against a container with the
// port "found" (93) and take the host from the action, else the pod IP. The rows' empty path is "/" in the action:
// the API defaults httpGet.path to "/" (SetDefaults_HTTPGetAction), and probeAction does the same for an undefaulted one.

import { describe, expect, it } from "vitest";
import type { Container } from "kubernetes-types/core/v1";
import { probeAction, resolveContainerPort } from "./prober.js";

const container: Container = { name: "c", ports: [{ name: "found", containerPort: 93 }] };

describe("TestGetURLParts", () => {
  const rows: [string, number | string, string, boolean, string, number, string][] = [
    ["", -1, "", false, "", -1, ""],
    ["", "", "", false, "", -1, ""],
    ["", "-1", "", false, "", -1, ""],
    ["", "not-found", "", false, "", -1, ""],
    ["", "found", "", true, "127.0.0.1", 93, ""],
    ["", 76, "", true, "127.0.0.1", 76, ""],
    ["", "118", "", true, "127.0.0.1", 118, ""],
    ["hostname", 76, "path", true, "hostname", 76, "path"],
  ];
  it.each(rows)("host %j port %j path %j", (host, port, path, ok, wantHost, wantPort, wantPath) => {
    const resolved = resolveContainerPort(port, container);
    expect("error" in resolved).toBe(!ok);
    if (!ok) return;
    const httpGet = { port, ...(host ? { host } : {}), ...(path ? { path } : {}) };
    const action = probeAction({ httpGet }, container, "127.0.0.1");
    expect(action).toEqual({ kind: "httpGet", scheme: "HTTP", host: wantHost, port: wantPort, path: wantPath || "/" });
  });
});

describe("TestGetTCPAddrParts", () => {
  const rows: [number | string, boolean, string, number][] = [
    [-1, false, "", -1], ["", false, "", -1], ["-1", false, "", -1], ["not-found", false, "", -1],
    ["found", true, "1.2.3.4", 93], [76, true, "1.2.3.4", 76], ["118", true, "1.2.3.4", 118],
  ];
  it.each(rows)("port %j", (port, ok, host, wantPort) => {
    const resolved = resolveContainerPort(port, container);
    expect("error" in resolved).toBe(!ok);
    if (ok) expect(probeAction({ tcpSocket: { port } }, container, "1.2.3.4")).toEqual({ kind: "tcpSocket", host, port: wantPort });
  });
});
